"""The Personal Development Profile: what a learner keeps about themselves.

Every record belongs to one learner (`owner`) and is read only through `owned_by(user)`, which
the views use for every lookup; anyone else, staff included, finds nothing and gets a 404.
Free text is an `EncryptedTextField`. None of these models is registered in any admin, search
index or API.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import EncryptedTextField


class OwnedQuerySet(models.QuerySet):
    def owned_by(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user)


class OwnedRecord(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The random key of the form that created the record: a double-clicked submit finds the
    # record the first click made instead of making a second one.
    submission_key = models.CharField(max_length=32, blank=True, default="", editable=False)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "submission_key"],
                condition=~Q(submission_key=""),
                name="%(app_label)s_%(class)s_one_per_submit",
            )
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"  # never the learner's words


class Section(models.TextChoices):
    """The parts of the PDP, which a learner can share one by one."""

    ABOUT = "about", _("About me")
    NEEDS = "needs", _("Learning needs")
    GOALS = "goals", _("Goals")
    LEARNING = "learning", _("Learning record")
    REFLECTIONS = "reflections", _("Reflections")
    REVIEWS = "reviews", _("Reviews")
    SITUATION = "situation", _("My situation over time")


class AboutMe(OwnedRecord):
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="about_me"
    )
    what_matters = EncryptedTextField(_("What matters to me"), blank=True)
    strengths = EncryptedTextField(_("My strengths"), blank=True)
    interests = EncryptedTextField(_("My interests"), blank=True)
    skills = EncryptedTextField(_("My skills"), blank=True)
    how_i_learn = EncryptedTextField(_("What helps me learn"), blank=True)

    TEXT_FIELDS = ["what_matters", "strengths", "interests", "skills", "how_i_learn"]

    class Meta(OwnedRecord.Meta):
        pass

    def is_empty(self):
        return not any(getattr(self, name) for name in self.TEXT_FIELDS)


class NeedsArea(models.TextChoices):
    CONFIDENCE = "confidence", _("Confidence")
    READING_WRITING = "reading-writing", _("Reading and writing")
    NUMBERS = "numbers", _("Numbers")
    DIGITAL = "digital", _("Digital skills")
    COMMUNICATION = "communication", _("Communication")
    WORKING_WITH_OTHERS = "working-with-others", _("Working with others")
    STRESS = "stress", _("Managing stress")
    RIGHTS = "rights", _("Knowing my rights")
    WORK_SKILLS = "work-skills", _("Skills for work")


class NeedsCheck(OwnedRecord):
    """One go at the learning-needs self-assessment; taken again later, they show change."""

    taken_on = models.DateField(_("Date"), default=datetime.date.today)

    class Meta(OwnedRecord.Meta):
        ordering = ["-taken_on", "-created_at"]


class NeedsRating(models.Model):
    needs_check = models.ForeignKey(NeedsCheck, on_delete=models.CASCADE, related_name="ratings")
    area = models.CharField(max_length=32, choices=NeedsArea.choices)
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = EncryptedTextField(blank=True)
    wants_to_learn = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["needs_check", "area"], name="one_rating_per_area")
        ]


class LifeArea(models.TextChoices):
    LEARNING = "learning", _("Learning")
    WORK = "work", _("Work")
    VOLUNTEERING = "volunteering", _("Volunteering")
    SOCIAL = "social", _("Social life")
    HEALTH = "health", _("Health and wellbeing")
    HOME = "home", _("Home")
    OTHER = "other", _("Other")


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("Working on it")
    ACHIEVED = "achieved", _("Achieved")
    PAUSED = "paused", _("Paused")
    LET_GO = "let-go", _("Let go")


class Goal(OwnedRecord):
    title = EncryptedTextField(_("My goal"))
    why = EncryptedTextField(_("Why it matters to me"), blank=True)
    life_area = models.CharField(
        _("Part of life"), max_length=16, choices=LifeArea.choices, default=LifeArea.LEARNING
    )
    support = EncryptedTextField(_("Support I need"), blank=True)
    target_date = models.DateField(_("Target date"), null=True, blank=True)
    status = models.CharField(
        _("Status"), max_length=16, choices=GoalStatus.choices, default=GoalStatus.ACTIVE
    )
    programme = models.ForeignKey(
        "courses.ProgrammePage",
        verbose_name=_("Linked course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Goes up by one on every save of the goal's own fields: a save made from an older copy
    # (a second tab) is noticed and shown as a conflict instead of overwriting.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta(OwnedRecord.Meta):
        ordering = ["status", "target_date", "-created_at"]

    def progress(self):
        """Share of steps done, 0 to 100; an achieved goal is 100."""
        if self.status == GoalStatus.ACHIEVED:
            return 100
        steps = self.steps.all()  # prefetched in lists
        if not steps:
            return 0
        return round(100 * sum(step.done for step in steps) / len(steps))


class GoalStep(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    text = EncryptedTextField(_("Step"))
    due_on = models.DateField(_("Do it by"), null=True, blank=True)
    done = models.BooleanField(_("Done"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done", "due_on", "created_at", "pk"]


class GoalObstacle(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="obstacles")
    obstacle = EncryptedTextField(_("What might get in the way"))
    what_helps = EncryptedTextField(_("What might help"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]


class LearningEntry(OwnedRecord):
    """Learning done somewhere else, added by hand."""

    title = EncryptedTextField(_("What I learned or took part in"))
    provider = EncryptedTextField(_("Where or who with"), blank=True)
    finished_on = models.DateField(_("Date"), null=True, blank=True)
    hours = models.DecimalField(
        _("Hours"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    notes = EncryptedTextField(_("Notes"), blank=True)

    class Meta(OwnedRecord.Meta):
        ordering = ["-finished_on", "-created_at"]
        verbose_name_plural = "learning entries"


class Reflection(OwnedRecord):
    written_on = models.DateField(_("Date"), default=datetime.date.today)
    text = EncryptedTextField(_("My reflection"))
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("About one of my goals"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reflections",
    )
    session = models.ForeignKey(
        "courses.SessionPage",
        verbose_name=_("About a course session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta(OwnedRecord.Meta):
        ordering = ["-written_on", "-created_at"]


class Review(OwnedRecord):
    reviewed_on = models.DateField(_("Date"), default=datetime.date.today)
    went_well = EncryptedTextField(_("What went well"), blank=True)
    got_in_the_way = EncryptedTextField(_("What got in the way"), blank=True)
    next_steps = EncryptedTextField(_("What next"), blank=True)

    class Meta(OwnedRecord.Meta):
        ordering = ["-reviewed_on", "-created_at"]


class WorkStatus(models.TextChoices):
    NOT_WORKING = "not-working", _("Not in paid work")
    LOOKING = "looking", _("Looking for paid work")
    PAID = "paid", _("In paid work")
    SELF_EMPLOYED = "self-employed", _("Self-employed")


class EducationStatus(models.TextChoices):
    NONE = "none", _("Not studying")
    COURSE = "course", _("On a short course")
    PART_TIME = "part-time", _("Studying part-time")
    FULL_TIME = "full-time", _("Studying full-time")


class SituationRecord(OwnedRecord):
    """Voluntary: the measures EMILIA tracked, recorded now and then to see change."""

    recorded_on = models.DateField(_("Date"), default=datetime.date.today)
    work = models.CharField(_("Work"), max_length=16, choices=WorkStatus.choices)
    paid_hours = models.DecimalField(
        _("Paid hours a week"),
        max_digits=4,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    volunteering_hours = models.DecimalField(
        _("Volunteering hours a week"),
        max_digits=4,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    education = models.CharField(
        _("Education"), max_length=16, choices=EducationStatus.choices, default="none"
    )
    note = EncryptedTextField(_("Anything to add"), blank=True)

    class Meta(OwnedRecord.Meta):
        ordering = ["-recorded_on", "-created_at"]


class Share(models.Model):
    """Read-only access to some sections of one learner's PDP for one other user, until a date."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pdp_shares_given"
    )
    supporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pdp_shares_received"
    )
    sections = models.JSONField(default=list)
    expires_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def is_active(self, today=None):
        today = today or timezone.localdate()
        return self.revoked_at is None and self.expires_on >= today

    def section_labels(self):
        return [Section(value).label for value in Section.values if value in self.sections]

    @classmethod
    def active_for_owner(cls, owner, today=None):
        today = today or timezone.localdate()
        return cls.objects.owned_by(owner).filter(revoked_at__isnull=True, expires_on__gte=today)

    @classmethod
    def active_for(cls, supporter, today=None):
        today = today or timezone.localdate()
        return cls.objects.filter(
            supporter=supporter, revoked_at__isnull=True, expires_on__gte=today
        )


class ShareInvite(models.Model):
    """A one-time link the learner gives a supporter; only its digest is stored."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pdp_invites"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    sections = models.JSONField(default=list)
    expires_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    share = models.OneToOneField(
        Share, null=True, blank=True, on_delete=models.SET_NULL, related_name="invite"
    )

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]


class ShareView(models.Model):
    """The access log: each time a supporter opened a shared section."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="views")
    section = models.CharField(max_length=16, choices=Section.choices)
    viewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-viewed_at"]


class RecoveryCode(models.Model):
    """For an account without email: a one-time code, stored hashed like a password."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_code"
    )
    code_hash = models.CharField(max_length=256)
    created_at = models.DateTimeField(auto_now_add=True)
