"""The peer trainer's pages under /trainer/: the dashboard, course runs and their schedules,
enrolments, registers and sign-in sheets, closing a run, certificates, feedback, the trainer's
profile and the training-the-trainers sign-off.

A trainer manages only the runs they lead or co-deliver: every run is looked up through
`runs_delivered_by(user)`, so anyone else's run is a 404. Pages for a level the person does not
hold are a 403.
"""

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import run_forms, runs
from .certificates import certificates_pdf, sign_in_sheet_pdf
from .models import (
    Accreditation,
    Enrolment,
    RunSession,
    TrainerLevel,
    TrainerProfile,
    trainer_level,
)


def trainer_view(minimum=TrainerLevel.CO_TRAINER):
    """Signed in, with at least this trainer level (403 otherwise); never cached."""

    def decorator(view):
        @functools.wraps(view)
        @never_cache
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            level = trainer_level(request.user)
            if not level or level < minimum:
                raise PermissionDenied
            request.trainer_level = level
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def managed_run(request, pk):
    return get_object_or_404(
        runs.runs_delivered_by(request.user).select_related("programme__locale", "lead"), pk=pk
    )


def _pdf_response(rendered, filename):
    response = HttpResponse(rendered.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _page(request, template, status=200, **context):
    return render(request, template, context, status=status)


# The dashboard ---------------------------------------------------------------------------------


@trainer_view()
def dashboard(request):
    my_runs = list(
        runs.runs_delivered_by(request.user)
        .select_related("programme", "lead")
        .annotate(
            certificate_count=Count("certificates", distinct=True),
            requests=Count(
                "enrolments",
                filter=Q(enrolments__status=Enrolment.Status.REQUESTED),
                distinct=True,
            ),
        )
        .order_by("status", "-created_at")
    )
    active = [run for run in my_runs if not run.is_closed]
    upcoming = runs.next_sessions(active)
    for run in my_runs:
        run.next_session = upcoming.get(run.pk)
    next_session = min(upcoming.values(), key=lambda item: item.starts_at, default=None)
    registers_due = list(
        RunSession.objects.filter(
            run__in=active, starts_at__lte=timezone.now(), register_taken_at__isnull=True
        )
        .select_related("run__programme")
        .order_by("starts_at")
    )
    recent = list(
        RunSession.objects.filter(run__in=my_runs, starts_at__lte=timezone.now())
        .select_related("run__programme")
        .order_by("-starts_at")[:10]
    )
    summaries = runs.feedback_summaries(recent)
    feedback = [
        (item, summaries[item.pk]) for item in recent if summaries.get(item.pk, {}).get("shown")
    ]
    return _page(
        request,
        "courses/trainer/dashboard.html",
        runs=my_runs,
        next_session=next_session,
        registers_due=registers_due,
        feedback=feedback,
        certificates_issued=sum(run.certificate_count for run in my_runs),
        level=TrainerLevel(request.trainer_level),
        can_create=request.trainer_level >= TrainerLevel.LEAD_TRAINER,
        can_sign_off=request.trainer_level >= TrainerLevel.TRAINER_OF_TRAINERS,
    )


# Runs ------------------------------------------------------------------------------------------


@trainer_view(TrainerLevel.LEAD_TRAINER)
def run_new(request):
    form = run_forms.CourseRunForm(request.POST or None, lead=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            run = form.save(commit=False)
            run.lead = request.user
            run.save()
            run.co_trainers.set(form.cleaned_data["co_trainer_names"])
        messages.success(request, _("The run is made. Now give the dates of its sessions."))
        return redirect("trainer_run_schedule", pk=run.pk)
    return _page(
        request,
        "courses/trainer/run_form.html",
        status=400 if form.errors else 200,
        form=form,
        heading=_("New course run"),
    )


@trainer_view()
def run_edit(request, pk):
    run = managed_run(request, pk)
    if run.is_closed:
        messages.info(request, _("This run is closed, so it cannot change."))
        return redirect("trainer_run", pk=run.pk)
    form = run_forms.CourseRunForm(request.POST or None, instance=run, lead=run.lead)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                # Places are taken by a separate UPDATE: save only the fields the form
                # changes, never an old copy of places_taken.
                form.save(commit=False)
                run.save(update_fields=[name for name in form.Meta.fields if name != "programme"])
                run.co_trainers.set(form.cleaned_data["co_trainer_names"])
        except IntegrityError:
            # A learner took a place between the form's check and the save, and the database
            # refused fewer places than learners. Check again with the new count.
            run.refresh_from_db(fields=["places_taken"])
            form = run_forms.CourseRunForm(request.POST, instance=run, lead=run.lead)
            if form.is_valid():
                form.add_error(
                    None, _("Someone changed this run at the same moment. Please save again.")
                )
        else:
            messages.success(request, _("Saved."))
            return redirect("trainer_run", pk=run.pk)
    return _page(
        request,
        "courses/trainer/run_form.html",
        status=400 if form.errors else 200,
        form=form,
        run=run,
        heading=_("Change the run"),
    )


@trainer_view()
def run_schedule(request, pk):
    run = managed_run(request, pk)
    if run.is_closed:
        messages.info(request, _("This run is closed, so its dates cannot change."))
        return redirect("trainer_run", pk=run.pk)
    sessions = run.programme.listed_sessions
    form = run_forms.ScheduleForm(request.POST or None, run=run, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            kept = []
            for number, session, starts, minutes in form.schedule:
                RunSession.objects.update_or_create(
                    run=run,
                    number=number,
                    defaults={
                        "session": session,
                        "starts_at": starts,
                        "duration_minutes": minutes,
                    },
                )
                kept.append(number)
            run.schedule.exclude(number__in=kept).delete()
        messages.success(request, _("The dates are saved."))
        return redirect("trainer_run", pk=run.pk)
    return _page(
        request,
        "courses/trainer/schedule.html",
        status=400 if form.errors else 200,
        form=form,
        run=run,
    )


@trainer_view()
def run_detail(request, pk):
    run = managed_run(request, pk)
    schedule = list(run.schedule.with_session())
    others = list(
        run.enrolments.exclude(status=Enrolment.Status.ENROLLED)
        .select_related("learner")
        .order_by("status", "learner__username")
    )
    summaries = runs.feedback_summaries(schedule)
    for item in schedule:
        summary = summaries.get(item.pk, {"responses": 0, "shown": False})
        item.summary = summary if summary["shown"] else None
        item.responses = summary["responses"]
    return _page(
        request,
        "courses/trainer/run.html",
        run=run,
        schedule=schedule,
        enrolled=runs.progress(run, schedule),
        requests=[item for item in others if item.status == Enrolment.Status.REQUESTED],
        others=[item for item in others if item.status != Enrolment.Status.REQUESTED],
        certificates=list(run.certificates.select_related("holder").order_by("name")),
        add_form=run_forms.AddLearnerForm(),
        threshold=runs.FEEDBACK_THRESHOLD,
        trainer_pack=run.programme.url + "trainer-pack.pdf" if run.programme.url else None,
    )


def _enrolment_error(request, run, error):
    if isinstance(error, runs.RunFull):
        messages.error(request, _("The run is full. Give it more places first."))
    else:
        messages.error(request, _("This run is closed, so nobody can join it."))
    return redirect("trainer_run", pk=run.pk)


@require_POST
@trainer_view()
def enrolment_action(request, pk, enrolment_pk, action):
    if action not in ("accept", "decline", "remove"):
        raise Http404
    run = managed_run(request, pk)
    enrolment = get_object_or_404(run.enrolments.select_related("learner"), pk=enrolment_pk)
    name = enrolment.printed_name
    try:
        if action == "accept":
            runs.enrol(run, enrolment.learner, Enrolment.Route.REQUEST)
            messages.success(request, _("%(name)s has a place.") % {"name": name})
        elif action == "decline":
            runs.decline(enrolment)
            messages.success(request, _("%(name)s's request is declined.") % {"name": name})
        else:
            runs.withdraw(enrolment)
            messages.success(request, _("%(name)s is no longer on this run.") % {"name": name})
    except (runs.RunFull, runs.NotOpen) as error:
        return _enrolment_error(request, run, error)
    return redirect("trainer_run", pk=run.pk)


@trainer_view()
def add_learner(request, pk):
    run = managed_run(request, pk)
    form = run_forms.AddLearnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        learner = form.cleaned_data["username"]
        try:
            runs.enrol(run, learner, Enrolment.Route.ADDED)
        except (runs.RunFull, runs.NotOpen) as error:
            return _enrolment_error(request, run, error)
        messages.success(request, _("%(name)s has a place.") % {"name": learner.get_username()})
        return redirect("trainer_run", pk=run.pk)
    return _page(
        request,
        "courses/trainer/add_learner.html",
        status=400 if form.errors else 200,
        form=form,
        run=run,
    )


@require_POST
@trainer_view()
def make_invite(request, pk):
    run = managed_run(request, pk)
    if run.is_closed:
        return _enrolment_error(request, run, runs.NotOpen())
    token = runs.create_invite(run, request.user)
    link = request.build_absolute_uri(reverse("run_invite", kwargs={"token": token}))
    return _page(request, "courses/trainer/invite.html", run=run, link=link)


@trainer_view()
def register(request, pk, number):
    run = managed_run(request, pk)
    run_session = get_object_or_404(run.schedule.with_session(), number=number)
    enrolments = list(runs.enrolled(run))
    marked = set(run_session.attendance.filter(present=True).values_list("learner_id", flat=True))
    form = run_forms.RegisterForm(
        request.POST or None,
        enrolments=enrolments,
        initial={"present": [str(pk) for pk in marked]},
    )
    if request.method == "POST" and form.is_valid():
        runs.save_register(run_session, form.present_ids(), request.user)
        messages.success(
            request,
            _("The register for session %(number)d is saved.") % {"number": run_session.number},
        )
        return redirect("trainer_run", pk=run.pk)
    return _page(
        request,
        "courses/trainer/register.html",
        status=400 if form.errors else 200,
        form=form,
        run=run,
        run_session=run_session,
        enrolments=enrolments,
    )


@trainer_view()
def sign_in_sheet(request, pk, number):
    run = managed_run(request, pk)
    run_session = get_object_or_404(run.schedule.with_session(), number=number)
    rendered = sign_in_sheet_pdf(run_session, list(runs.enrolled(run)))
    return _pdf_response(rendered, f"sign-in-sheet-run-{run.pk}-session-{number}.pdf")


@trainer_view()
def close(request, pk):
    run = managed_run(request, pk)
    schedule = list(run.schedule.all())
    if request.method == "POST":
        if not schedule:
            messages.error(request, _("Give the run its dates before you close it."))
            return redirect("trainer_run", pk=run.pk)
        issued = runs.close_run(run)
        messages.success(
            request,
            _("The run is closed. %(count)d certificates were issued.") % {"count": issued},
        )
        return redirect("trainer_run", pk=run.pk)
    enrolled = runs.progress(run, schedule)
    return _page(
        request,
        "courses/trainer/close.html",
        run=run,
        missing=[item for item in schedule if item.register_taken_at is None],
        completing=[item for item in enrolled if item.completes],
        enrolled=enrolled,
    )


@trainer_view()
def run_certificates(request, pk):
    run = managed_run(request, pk)
    certificates = list(run.certificates.filter(revoked_at__isnull=True).order_by("name"))
    if not certificates:
        messages.info(request, _("No certificates have been issued for this run yet."))
        return redirect("trainer_run", pk=run.pk)
    rendered = certificates_pdf(certificates, request, title=run.programme.title)
    return _pdf_response(rendered, f"certificates-run-{run.pk}.pdf")


# The trainer's own record and the pathway ------------------------------------------------------


@trainer_view()
def profile(request):
    instance, _created = TrainerProfile.objects.get_or_create(user=request.user)
    form = run_forms.TrainerProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("trainer_profile")
    accreditations = (
        Accreditation.objects.filter(trainer=request.user)
        .prefetch_related("programmes")
        .select_related("signed_off_by", "certificate")
    )
    return _page(
        request,
        "courses/trainer/profile.html",
        status=400 if form.errors else 200,
        form=form,
        accreditations=accreditations,
        level=TrainerLevel(request.trainer_level),
    )


@trainer_view(TrainerLevel.TRAINER_OF_TRAINERS)
def sign_off(request):
    form = run_forms.SignOffForm(request.POST or None, signer=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        runs.sign_off(
            request.user,
            data["username"],
            data["level"],
            data["observed_on"],
            list(data["programmes"]),
            data["note"],
        )
        messages.success(
            request,
            _("%(name)s is signed off as %(level)s, and has a certificate for it.")
            % {
                "name": data["username"].get_username(),
                "level": TrainerLevel(data["level"]).label.lower(),
            },
        )
        return redirect("trainer_sign_off")
    given = (
        Accreditation.objects.filter(signed_off_by=request.user)
        .select_related("trainer")
        .prefetch_related(Prefetch("programmes"))
    )
    return _page(
        request,
        "courses/trainer/sign_off.html",
        status=400 if form.errors else 200,
        form=form,
        given=given,
    )
