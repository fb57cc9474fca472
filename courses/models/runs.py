"""Peer trainers and what they run: the training-the-trainers pathway, course runs (cohorts),
enrolment, registers, certificates and anonymous session feedback.

None of this is PDP data: it is what trainers need to run a course. Learners see their own part
of it in their learning record; nothing here is in the search index or the Wagtail admin.
"""

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .pages import ProgrammePage, SessionPage

RATING = [MinValueValidator(1), MaxValueValidator(5)]


class TrainerLevel(models.IntegerChoices):
    CO_TRAINER = 1, _("Co-trainer")
    LEAD_TRAINER = 2, _("Lead trainer")
    TRAINER_OF_TRAINERS = 3, _("Trainer of trainers")


class TrainerProfile(models.Model):
    """How a trainer appears to learners: the name they choose, and whether it may be printed
    on the certificates of the courses they deliver."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainer_profile"
    )
    public_name = models.CharField(
        _("The name learners see"),
        max_length=80,
        blank=True,
        help_text=_("For example your first name. If you leave it empty, we use your username."),
    )
    name_on_certificates = models.BooleanField(
        _("Print my name on the certificates of courses I deliver"), default=False
    )

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.public_name or self.user.get_username()


def display_name(user):
    profile = getattr(user, "trainer_profile", None) if user else None
    if profile is not None:
        return profile.display_name
    return user.get_username() if user else _("a former trainer")


class Accreditation(models.Model):
    """A level signed off by a trainer of trainers after watching the person deliver."""

    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="accreditations"
    )
    level = models.PositiveSmallIntegerField(_("Level"), choices=TrainerLevel.choices)
    observed_on = models.DateField(_("Date of the observed delivery"))
    programmes = models.ManyToManyField(
        ProgrammePage, blank=True, related_name="+", verbose_name=_("Programmes they may deliver")
    )
    note = models.CharField(_("Short note"), max_length=500, blank=True)
    # Empty for the first trainers of trainers, set up by an administrator.
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-observed_on", "-pk"]

    def __str__(self):
        return f"{self.get_level_display()} ({self.observed_on})"


def trainer_level(user):
    """The highest level signed off for this person, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Accreditation.objects.filter(trainer=user).aggregate(models.Max("level"))["level__max"]
        or None
    )


class CourseRun(models.Model):
    """One programme delivered to one group, in the programme page's language."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open for enrolment")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    PUBLIC = (Status.PLANNED, Status.OPEN, Status.RUNNING)
    CLOSED = (Status.FINISHED, Status.CANCELLED)

    programme = models.ForeignKey(
        ProgrammePage, on_delete=models.PROTECT, related_name="runs", verbose_name=_("Programme")
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="led_runs",
        verbose_name=_("Lead trainer"),
    )
    co_trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_delivered_runs"
    )
    online = models.BooleanField(_("Online"), default=False)
    venue = models.CharField(
        _("Venue"),
        max_length=200,
        blank=True,
        help_text=_("The place and its address. Leave empty for an online course."),
    )
    access_notes = models.CharField(
        _("Getting there and access"),
        max_length=500,
        blank=True,
        help_text=_("For example step-free access, the nearest bus stop, or how to join online."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("Places"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    # Places given to enrolled learners, changed only by a conditional UPDATE (see
    # courses/runs.py) so that two people can never both take the last place.
    places_taken = models.PositiveSmallIntegerField(default=0, editable=False)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    completion_percent = models.PositiveSmallIntegerField(
        _("Share of sessions a learner must attend to complete (%)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(places_taken__lte=models.F("capacity")), name="run_not_overfull"
            )
        ]

    def __str__(self):
        return f"{self.programme.title} ({self.get_status_display()})"

    @property
    def language(self):
        return self.programme.locale.language_code

    @property
    def places_left(self):
        return max(self.capacity - self.places_taken, 0)

    @property
    def is_closed(self):
        return self.status in self.CLOSED

    @property
    def where(self):
        return _("Online") if self.online else self.venue

    def trainers(self):
        lead = [self.lead] if self.lead else []
        return lead + [user for user in self.co_trainers.all() if user != self.lead]


class RunSessionQuerySet(models.QuerySet):
    def with_session(self):
        """With the programme's session page for its title and address, but not its body: a
        session's activities are a large StreamField that lists of dates never show."""
        return self.select_related("session").defer("session__body")


class RunSession(models.Model):
    """One dated meeting of a run: which session of the programme, when, and for how long."""

    run = models.ForeignKey(CourseRun, on_delete=models.CASCADE, related_name="schedule")
    number = models.PositiveSmallIntegerField()
    session = models.ForeignKey(
        SessionPage, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    register_taken_at = models.DateTimeField(null=True, blank=True)

    objects = RunSessionQuerySet.as_manager()

    class Meta:
        ordering = ["run", "number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="one_date_per_run_session")
        ]

    def __str__(self):
        return f"{self.run_id} #{self.number}"

    @property
    def title(self):
        return (
            self.session.title
            if self.session
            else _("Session %(number)d") % {"number": self.number}
        )

    @property
    def has_started(self):
        return self.starts_at <= timezone.now()


class Enrolment(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Asked to join")
        ENROLLED = "enrolled", _("Enrolled")
        DECLINED = "declined", _("Not accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Route(models.TextChoices):
        REQUEST = "request", _("Asked to join")
        ADDED = "added", _("Added by a trainer")
        INVITE = "invite", _("Invite link")

    run = models.ForeignKey(CourseRun, on_delete=models.CASCADE, related_name="enrolments")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    route = models.CharField(max_length=10, choices=Route.choices, default=Route.REQUEST)
    certificate_name = models.CharField(
        _("Name to print on your certificate"),
        max_length=100,
        blank=True,
        help_text=_("Any name you like. If you leave it empty, we print your username."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["run", "learner"], name="one_enrolment_per_run")
        ]

    def __str__(self):
        return f"{self.run_id}/{self.learner_id} {self.status}"

    @property
    def printed_name(self):
        return self.certificate_name or self.learner.get_username()


class RunInvite(models.Model):
    """A one-time link that gives a place on a run. Only a digest of its token is kept."""

    run = models.ForeignKey(CourseRun, on_delete=models.CASCADE, related_name="invites")
    token_digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"invite {self.pk} for run {self.run_id}"


class Attendance(models.Model):
    run_session = models.ForeignKey(
        RunSession, on_delete=models.CASCADE, related_name="attendance"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance"
    )
    present = models.BooleanField(default=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run_session", "learner"], name="one_mark_per_session")
        ]

    def __str__(self):
        return f"{self.run_session_id}/{self.learner_id} {self.present}"


def new_certificate_code():
    return secrets.token_urlsafe(20)  # 160 bits


class Certificate(models.Model):
    """What a certificate says is copied onto it when it is issued, so that it stays true
    when pages are edited or trainers leave."""

    class Kind(models.TextChoices):
        COURSE = "course", _("Course certificate")
        TRAINER = "trainer", _("Training the trainers certificate")

    code = models.CharField(max_length=40, unique=True, default=new_certificate_code)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COURSE)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    run = models.ForeignKey(
        CourseRun, on_delete=models.SET_NULL, null=True, related_name="certificates"
    )
    accreditation = models.OneToOneField(
        Accreditation, on_delete=models.SET_NULL, null=True, related_name="certificate"
    )
    name = models.CharField(_("Name printed on the certificate"), max_length=100)
    title = models.CharField(max_length=255)
    detail = models.CharField(max_length=255, blank=True)
    language = models.CharField(max_length=10)
    hours = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal("0"))
    started_on = models.DateField()
    finished_on = models.DateField()
    issuer = models.CharField(max_length=200)
    trainer_names = models.CharField(max_length=300, blank=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "holder"],
                condition=Q(run__isnull=False),
                name="one_certificate_per_run",
            )
        ]

    def __str__(self):
        return f"certificate {self.pk}"  # never the code: it is the proof


class FeedbackReceipt(models.Model):
    """That a learner has given feedback on a session, kept apart from what they said."""

    run_session = models.ForeignKey(
        RunSession, on_delete=models.CASCADE, related_name="feedback_receipts"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run_session", "learner"], name="one_feedback_per_learner"
            )
        ]

    def __str__(self):
        return f"receipt {self.pk}"


class SessionFeedback(models.Model):
    """An anonymous response: no learner, no time, and a random key, so that neither the order
    of rows nor a timestamp can tie it back to the receipt written beside it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run_session = models.ForeignKey(RunSession, on_delete=models.CASCADE, related_name="feedback")
    clear = models.PositiveSmallIntegerField(validators=RATING)
    welcome = models.PositiveSmallIntegerField(validators=RATING)
    useful = models.PositiveSmallIntegerField(validators=RATING)
    comment = models.TextField(blank=True, max_length=1000)

    def __str__(self):
        return f"feedback {self.pk}"
