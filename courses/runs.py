"""What trainers and learners do with course runs, each step safe to repeat and safe under
concurrency: places are taken with one conditional UPDATE, certificates are unique per run and
learner, and every change happens in one transaction or not at all."""

import hashlib
import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from emilia.middleware import forget_cached_pages
from emilia.models import SiteSettings

from .models import (
    Accreditation,
    Attendance,
    Certificate,
    CourseRun,
    Enrolment,
    FeedbackReceipt,
    RunInvite,
    RunSession,
    SessionFeedback,
    TrainerLevel,
)
from .models.runs import display_name

FEEDBACK_THRESHOLD = 5  # responses needed before anyone sees a session's feedback


class RunFull(Exception):
    """The run has no place left."""


class NotOpen(Exception):
    """The run is not taking enrolments."""


def runs_delivered_by(user):
    """The runs this trainer leads or co-delivers: the only ones they can manage."""
    return CourseRun.objects.filter(Q(lead=user) | Q(co_trainers=user)).distinct()


def _take_place(run):
    """Take one place if the run is still open to learners and a place is left, else raise
    NotOpen or RunFull. The checks and the change are one statement, so two people cannot both
    take the last place, nor anyone a place on a run closed a moment ago."""
    taken = (
        CourseRun.objects.filter(pk=run.pk, places_taken__lt=F("capacity"))
        .exclude(status__in=CourseRun.CLOSED)
        .update(places_taken=F("places_taken") + 1)
    )
    if not taken:
        run.refresh_from_db(fields=["status", "places_taken", "capacity"])
        raise NotOpen if run.is_closed else RunFull


def _give_back_place(run):
    CourseRun.objects.filter(pk=run.pk, places_taken__gt=0).update(
        places_taken=F("places_taken") - 1
    )


def enrol(run, learner, route):
    """Give the learner a place. Raises RunFull or NotOpen; enrolling twice changes nothing."""
    with transaction.atomic():
        enrolment, _created = Enrolment.objects.select_for_update().get_or_create(
            run=run, learner=learner, defaults={"route": route}
        )
        if enrolment.status == Enrolment.Status.ENROLLED:
            return enrolment
        _take_place(run)
        enrolment.status = Enrolment.Status.ENROLLED
        enrolment.route = route
        enrolment.save()
    return enrolment


def ask_to_join(run, learner):
    """A learner asks for a place on an open run; a trainer accepts or declines."""
    if run.status != CourseRun.Status.OPEN:
        raise NotOpen
    if run.places_left <= 0:
        raise RunFull
    with transaction.atomic():
        enrolment, created = Enrolment.objects.select_for_update().get_or_create(
            run=run, learner=learner
        )
        if not created and enrolment.status in (
            Enrolment.Status.WITHDRAWN,
            Enrolment.Status.DECLINED,
        ):
            enrolment.status = Enrolment.Status.REQUESTED
            enrolment.save(update_fields=["status", "updated_at"])
    return enrolment


def decline(enrolment):
    if enrolment.status == Enrolment.Status.REQUESTED:
        enrolment.status = Enrolment.Status.DECLINED
        enrolment.save(update_fields=["status", "updated_at"])


def withdraw(enrolment):
    """Leave a run (or cancel a request). An enrolled learner's place goes back to the run."""
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status == Enrolment.Status.ENROLLED:
            _give_back_place(enrolment.run)
        if enrolment.status in (Enrolment.Status.ENROLLED, Enrolment.Status.REQUESTED):
            enrolment.status = Enrolment.Status.WITHDRAWN
            enrolment.save(update_fields=["status", "updated_at"])
    return enrolment


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def create_invite(run, trainer):
    """A new one-time invite link token. Only its digest is stored: show it to the trainer now."""
    token = secrets.token_urlsafe(24)
    RunInvite.objects.create(run=run, token_digest=_digest(token), created_by=trainer)
    return token


def find_invite(token):
    return (
        RunInvite.objects.select_related("run__programme")
        .filter(token_digest=_digest(token or ""), used_at__isnull=True)
        .first()
    )


def redeem_invite(invite, learner):
    """Use the invite: a place for the learner, and the link is spent. Raises RunFull,
    NotOpen, or RunInvite.DoesNotExist if someone else used it a moment ago."""
    with transaction.atomic():
        spent = RunInvite.objects.filter(pk=invite.pk, used_at__isnull=True).update(
            used_at=timezone.now(), used_by=learner
        )
        if not spent:
            raise RunInvite.DoesNotExist
        return enrol(invite.run, learner, Enrolment.Route.INVITE)


def enrolled(run):
    return (
        Enrolment.objects.filter(run=run, status=Enrolment.Status.ENROLLED)
        .select_related("learner")
        .order_by("learner__username")
    )


def save_register(run_session, present_ids, trainer):
    """Mark who came to a session: every enrolled learner is marked present or absent."""
    learners = [enrolment.learner for enrolment in enrolled(run_session.run)]
    with transaction.atomic():
        for learner in learners:
            Attendance.objects.update_or_create(
                run_session=run_session,
                learner=learner,
                defaults={"present": learner.pk in present_ids, "marked_by": trainer},
            )
        run_session.register_taken_at = timezone.now()
        run_session.save(update_fields=["register_taken_at"])


def attended(run):
    """{learner id: set of run session ids they came to} for a run, in one query."""
    marks = {}
    for learner_id, run_session_id in Attendance.objects.filter(
        run_session__run=run, present=True
    ).values_list("learner_id", "run_session_id"):
        marks.setdefault(learner_id, set()).add(run_session_id)
    return marks


def has_completed(attended, sessions, percent):
    return sessions > 0 and attended * 100 >= sessions * percent


def progress(run, schedule):
    """The run's enrolled learners, each with `came_to` (the run session ids they attended)
    and `completes` (whether that meets the run's completion rule)."""
    marks = attended(run)
    learners = list(enrolled(run))
    for enrolment in learners:
        enrolment.came_to = marks.get(enrolment.learner_id, set())
        enrolment.completes = has_completed(
            len(enrolment.came_to), len(schedule), run.completion_percent
        )
    return learners


def _issuer():
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    name = SiteSettings.for_site(site).organisation_name if site else ""
    return name or "Emilia Training"


def _hours(minutes):
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.1"))


def close_run(run):
    """Finish the run and issue one certificate to each learner who met its completion rule.

    Safe to call twice at once (a double click, two trainers): the run row is claimed with a
    conditional UPDATE and certificates are unique per run and learner. Returns the number of
    certificates this call issued."""
    with transaction.atomic():
        claimed = (
            CourseRun.objects.filter(pk=run.pk)
            .exclude(status=CourseRun.Status.CANCELLED)
            .filter(closed_at__isnull=True)
            .update(status=CourseRun.Status.FINISHED, closed_at=timezone.now())
        )
        if not claimed:
            return 0
        # A finished run leaves the lists of upcoming runs on cached pages.
        forget_cached_pages()
        run.refresh_from_db()
        schedule = list(run.schedule.all())
        if not schedule:
            return 0
        common = {
            "kind": Certificate.Kind.COURSE,
            "run": run,
            "title": run.programme.title,
            "detail": _("Programme %(number)d") % {"number": run.programme.number},
            "language": run.language,
            "started_on": timezone.localdate(schedule[0].starts_at),
            "finished_on": timezone.localdate(schedule[-1].starts_at),
            "issuer": _issuer(),
            "trainer_names": ", ".join(
                display_name(trainer) for trainer in run.trainers() if _consents(trainer)
            ),
        }
        issued = 0
        for enrolment in progress(run, schedule):
            if not enrolment.completes:
                continue
            minutes = sum(
                item.duration_minutes for item in schedule if item.pk in enrolment.came_to
            )
            try:
                with transaction.atomic():
                    Certificate.objects.create(
                        holder=enrolment.learner,
                        name=enrolment.printed_name,
                        hours=_hours(minutes),
                        **common,
                    )
                    issued += 1
            except IntegrityError:
                pass  # already issued: exactly one each
    return issued


def _consents(trainer):
    profile = getattr(trainer, "trainer_profile", None) if trainer else None
    return bool(profile and profile.name_on_certificates)


def sign_off(trainer_of_trainers, person, level, observed_on, programmes, note):
    """A trainer of trainers records a level after watching the person deliver, and the person
    gets a training-the-trainers certificate for it."""
    with transaction.atomic():
        accreditation = Accreditation.objects.create(
            trainer=person,
            level=level,
            observed_on=observed_on,
            note=note,
            signed_off_by=trainer_of_trainers,
        )
        accreditation.programmes.set(programmes)
        titles = ", ".join(programme.title for programme in programmes)
        Certificate.objects.create(
            kind=Certificate.Kind.TRAINER,
            holder=person,
            accreditation=accreditation,
            name=display_name(person),
            title=_("Training the trainers: %(level)s") % {"level": TrainerLevel(level).label},
            detail=titles[:255],
            language=get_language() or settings.LANGUAGE_CODE,
            hours=Decimal("0"),
            started_on=observed_on,
            finished_on=observed_on,
            issuer=_issuer(),
            trainer_names=display_name(trainer_of_trainers)
            if _consents(trainer_of_trainers)
            else "",
        )
    return accreditation


def can_give_feedback(run_session, learner):
    return (
        run_session.has_started
        and Enrolment.objects.filter(
            run=run_session.run, learner=learner, status=Enrolment.Status.ENROLLED
        ).exists()
        and not FeedbackReceipt.objects.filter(run_session=run_session, learner=learner).exists()
    )


def give_feedback(run_session, learner, clear, welcome, useful, comment):
    """Store a response without the learner; the receipt (kept apart) makes it once only.
    Returns False if this learner already gave feedback on the session."""
    try:
        with transaction.atomic():
            FeedbackReceipt.objects.create(run_session=run_session, learner=learner)
            SessionFeedback.objects.create(
                run_session=run_session,
                clear=clear,
                welcome=welcome,
                useful=useful,
                comment=comment,
            )
    except IntegrityError:
        return False
    return True


def feedback_summaries(run_sessions):
    """{run session id: summary} for every session with responses: `responses` (how many) and
    `shown`. Only when enough people answered that nobody can be picked out (`shown`) does a
    summary carry the averages and comments."""
    ids = [item.pk for item in run_sessions]
    rows = (
        SessionFeedback.objects.filter(run_session_id__in=ids)
        .values("run_session_id")
        .annotate(
            responses=Count("pk"),
            clear=Avg("clear"),
            welcome=Avg("welcome"),
            useful=Avg("useful"),
        )
    )
    summaries = {}
    for row in rows:
        shown = row["responses"] >= FEEDBACK_THRESHOLD
        summaries[row["run_session_id"]] = (
            dict(row, shown=True, comments=[])
            if shown
            else {"responses": row["responses"], "shown": False}
        )
    visible = [key for key, summary in summaries.items() if summary["shown"]]
    if visible:
        comments = (
            SessionFeedback.objects.filter(run_session_id__in=visible)
            .exclude(comment="")
            .order_by("pk")
            .values_list("run_session_id", "comment")
        )
        for run_session_id, comment in comments:
            summaries[run_session_id]["comments"].append(comment)
    return summaries


def next_sessions(runs):
    """The next dated session of each run, in one query."""
    now = timezone.now()
    upcoming = {}
    for item in (
        RunSession.objects.filter(run__in=runs, starts_at__gte=now - timezone.timedelta(hours=4))
        .with_session()
        .order_by("starts_at")
    ):
        upcoming.setdefault(item.run_id, item)
    return upcoming


def get_user_by_username(username):
    return get_user_model().objects.filter(username__iexact=(username or "").strip()).first()
