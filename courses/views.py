"""Downloads: packs and handouts served from storage, the /downloads/ page, editors' previews."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Locale

from emilia.pdf import render_pdf

from . import packs
from .models import ProgrammeIndexPage, ProgrammePage, SavedAssessment, SessionPage, StoredPDF
from .self_assessment import Answers, BadState, Questionnaire

Variant = StoredPDF.Variant
DOWNLOAD_MAX_AGE = 300
PACK_RETRY_AFTER_SECONDS = 120


def _catalogue():
    index = ProgrammeIndexPage.objects.live().filter(locale=Locale.get_active()).first()
    if index is None:
        raise Http404
    return index


def _programme(programme_slug):
    return get_object_or_404(
        ProgrammePage.objects.child_of(_catalogue()).live().public(), slug=programme_slug
    )


def serve_stored(request, stored, filename):
    """The stored file, with an ETag and Last-Modified; 304 when the browser has it."""
    etag = f'"{stored.etag}"'
    last_modified = stored.built_at.timestamp()
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = FileResponse(
            open(packs.stored_path(stored), "rb"),  # noqa: SIM115 - FileResponse closes it
            content_type="application/pdf",
            filename=filename,
        )
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=DOWNLOAD_MAX_AGE)
    return response


def pack_unavailable(request, programme):
    """The file could not be made just now, and there is no earlier one to give instead."""
    response = render(
        request, "courses/pack_unavailable.html", {"programme": programme}, status=503
    )
    response["Retry-After"] = str(PACK_RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


@require_GET
def programme_pack(request, programme_slug, variant):
    programme = _programme(programme_slug)
    sessions = programme.sessions
    if not sessions and programme.source_programme is not None:
        # Translated only as far as the programme page: the pack is the English one.
        return redirect(f"{programme.source_programme.url}{variant}-pack.pdf")
    try:
        stored = packs.for_download(programme, variant, sessions)
    except packs.PackUnavailable:
        return pack_unavailable(request, programme)
    return serve_stored(request, stored, packs.download_filename(programme, variant))


@require_GET
def session_handouts(request, programme_slug, session_slug):
    programme = _programme(programme_slug)
    session = get_object_or_404(
        SessionPage.objects.child_of(programme).live().public(), slug=session_slug
    )
    session._cached_parent_obj = programme
    try:
        stored = packs.for_download(session, Variant.HANDOUTS)
    except packs.PackUnavailable:
        return pack_unavailable(request, programme)
    return serve_stored(request, stored, packs.download_filename(session, Variant.HANDOUTS))


@require_GET
def downloads(request):
    """Every free file, grouped by programme, with its size, pages and language."""
    index = _catalogue()
    programmes = list(ProgrammePage.objects.child_of(index).live().public().order_by("number"))
    sessions = SessionPage.objects.descendant_of(index).live().public().order_by("number")
    sessions = sessions.defer_streamfields()
    by_programme = {programme.path: [] for programme in programmes}
    for session in sessions:
        by_programme.get(session.path[: -session.steplen], []).append(session)
    # A programme translated only as far as its programme page offers the English files.
    in_english = {}
    for programme in programmes:
        source = None if by_programme[programme.path] else programme.source_programme
        if source is not None:
            in_english[programme.pk] = (source, source.sessions)
    pages = [
        *programmes,
        *(s for group in by_programme.values() for s in group),
        *(source for source, _sessions in in_english.values()),
        *(s for _source, group in in_english.values() for s in group),
    ]
    stored = {
        (pdf.page_id, pdf.variant, pdf.version): pdf
        for pdf in StoredPDF.objects.filter(page__in=pages)
    }

    def entry(page, variant, url, label, group=None):
        version = packs.current_version(page, variant, group)
        return {"url": url, "label": label, "pdf": stored.get((page.pk, variant, version))}

    groups = []
    for programme in programmes:
        pack_page, programme_sessions = in_english.get(
            programme.pk, (programme, by_programme[programme.path])
        )
        url = pack_page.url
        groups.append(
            {
                "programme": programme,
                "in_english": programme.pk in in_english,
                "packs": [
                    entry(
                        pack_page,
                        Variant.COURSE,
                        f"{url}course-pack.pdf",
                        Variant.COURSE.label,
                        programme_sessions,
                    ),
                    entry(
                        pack_page,
                        Variant.TRAINER,
                        f"{url}trainer-pack.pdf",
                        Variant.TRAINER.label,
                        programme_sessions,
                    ),
                ],
                "handouts": [
                    {
                        "session": session,
                        **entry(
                            session,
                            Variant.HANDOUTS,
                            f"{url}{session.slug}/handouts.pdf",
                            session.title,
                        ),
                    }
                    for session in programme_sessions
                ],
            }
        )
    return render(request, "courses/downloads.html", {"groups": groups, "catalogue": index})


def preview_pack(request, page_id, variant):
    """Admin: the pack of the latest draft, so editors see it before they publish."""
    programme = get_object_or_404(ProgrammePage, pk=page_id)
    if not programme.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    if variant not in (Variant.COURSE, Variant.TRAINER):
        raise Http404
    rendered = packs.render_draft(programme, variant)
    filename = packs.download_filename(programme, variant).replace(".pdf", "-draft.pdf")
    response = HttpResponse(rendered.content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# The organisational self-assessment -------------------------------------------------------


def _assessment_context(questionnaire, answers, number, errors=None, data=None):
    stage = questionnaire.stage(number)
    chosen = set(answers.obstacles)
    statements = []
    for statement in stage.statements.all():
        name = f"rate-{statement.key}"
        value = data.get(name) if data is not None else answers.ratings.get(statement.key)
        statements.append(
            {
                "statement": statement,
                "name": name,
                "value": str(value or ""),
                "error": (errors or {}).get(name),
            }
        )
    if data is not None:
        chosen = set(data.getlist("obstacle"))
    return {
        "step": number,
        "steps": len(questionnaire),
        "stage": stage,
        "statements": statements,
        "obstacles": [
            {"obstacle": obstacle, "checked": obstacle.key in chosen}
            for obstacle in questionnaire.obstacles_for(stage)
        ],
        "obstacle_error": (errors or {}).get("obstacle"),
        "errors": errors or {},
        "state": answers.encode(),
        "ratings": RATING_LABELS,
    }


RATING_LABELS = [
    (1, _("1: not at all")),
    (2, _("2")),
    (3, _("3: partly")),
    (4, _("4")),
    (5, _("5: fully")),
]


def _no_store(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _bad_state(request):
    response = render(request, "courses/self_assessment/problem.html", status=400)
    return _no_store(response)


def self_assessment(request):
    """Step through the five stages. The answers so far travel in a signed hidden field."""
    questionnaire = Questionnaire()
    if not len(questionnaire):
        raise Http404
    if request.method == "GET":
        if request.GET.get("start"):
            context = _assessment_context(questionnaire, Answers(), 1)
            return _no_store(render(request, "courses/self_assessment/step.html", context))
        return render(
            request,
            "courses/self_assessment/start.html",
            {"stages": questionnaire.stages, "steps": len(questionnaire)},
        )
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        answers = Answers.decode(request.POST.get("state", ""))
        questionnaire.check(answers)
        number = int(request.POST.get("step", "1"))
    except (BadState, ValueError):
        return _bad_state(request)
    if not 1 <= number <= len(questionnaire):
        return _bad_state(request)
    action = request.POST.get("action", "next")
    if action.startswith("goto-") and action[5:].isdigit():
        # From the results: change the answers of one step, keeping all the others.
        target = min(max(1, int(action[5:])), len(questionnaire))
        context = _assessment_context(questionnaire, answers, target)
        return _no_store(render(request, "courses/self_assessment/step.html", context))
    ratings, obstacles, errors = questionnaire.read_step(number, request.POST)
    if action == "back":
        questionnaire.merge(answers, number, ratings, obstacles)
        target = max(1, number - 1)
        context = _assessment_context(questionnaire, answers, target)
        return _no_store(render(request, "courses/self_assessment/step.html", context))
    if errors:
        context = _assessment_context(questionnaire, answers, number, errors, request.POST)
        return _no_store(render(request, "courses/self_assessment/step.html", context))
    questionnaire.merge(answers, number, ratings, obstacles)
    if number < len(questionnaire):
        context = _assessment_context(questionnaire, answers, number + 1)
        return _no_store(render(request, "courses/self_assessment/step.html", context))
    return _result(request, questionnaire, answers)


def _result(request, questionnaire, answers, saved=None, token=None):
    unfinished = questionnaire.unfinished_steps(answers)
    if unfinished:
        context = _assessment_context(questionnaire, answers, unfinished[0])
        context["unfinished"] = unfinished
        return _no_store(render(request, "courses/self_assessment/step.html", context))
    context = {
        "profile": questionnaire.profile(answers),
        "state": answers.encode(),
        "saved": saved,
        "token": token,
        "steps": len(questionnaire),
    }
    return _no_store(render(request, "courses/self_assessment/result.html", context))


def _answers_from_post(request, questionnaire):
    answers = Answers.decode(request.POST.get("state", ""))
    questionnaire.check(answers)
    if questionnaire.unfinished_steps(answers):
        raise BadState
    return answers


def _action_plan_response(questionnaire, answers, language):
    html = render_to_string(
        "courses/pdf/action_plan.html",
        {"profile": questionnaire.profile(answers), "language": language},
    )
    rendered = render_pdf(html)
    response = HttpResponse(rendered.content, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="self-assessment-action-plan.pdf"'
    return _no_store(response)


@require_POST
def self_assessment_plan(request):
    questionnaire = Questionnaire()
    try:
        answers = _answers_from_post(request, questionnaire)
    except BadState:
        return _bad_state(request)
    return _action_plan_response(questionnaire, answers, get_language())


@require_POST
def self_assessment_save(request):
    questionnaire = Questionnaire()
    try:
        answers = _answers_from_post(request, questionnaire)
    except BadState:
        return _bad_state(request)
    saved, token = SavedAssessment.create_with_token(
        language=get_language(), ratings=answers.ratings, obstacles=sorted(answers.obstacles)
    )
    return _no_store(redirect("self_assessment_saved", token=token))


def _saved(token):
    saved = SavedAssessment.objects.for_token(token).first()
    if saved is None:
        raise Http404
    return saved, Answers(ratings=saved.ratings, obstacles=saved.obstacles)


@require_GET
def self_assessment_saved(request, token):
    saved, answers = _saved(token)
    questionnaire = Questionnaire()
    try:
        questionnaire.check(answers)
    except BadState:
        # The questions have changed since it was saved: show what still matches.
        answers.ratings = {
            k: v for k, v in answers.ratings.items() if k in _statement_keys(questionnaire)
        }
        answers.obstacles = [k for k in answers.obstacles if k in questionnaire.obstacles]
    return _result(request, questionnaire, answers, saved=saved, token=token)


def _statement_keys(questionnaire):
    return {s.key for stage in questionnaire.stages for s in stage.statements.all()}


@require_GET
def self_assessment_saved_plan(request, token):
    saved, answers = _saved(token)
    questionnaire = Questionnaire()
    try:
        questionnaire.check(answers)
    except BadState:
        raise Http404 from None
    return _action_plan_response(questionnaire, answers, saved.language)


def self_assessment_delete(request, token):
    saved, _answers = _saved(token)
    if request.method == "POST":
        saved.delete()
        return _no_store(render(request, "courses/self_assessment/deleted.html"))
    return _no_store(
        render(request, "courses/self_assessment/delete.html", {"saved": saved, "token": token})
    )
