"""The organisational self-assessment (EMILIA's fourth tool).

An organisation rates itself on statements under the five stages of the EU lifelong-learning
process and ticks the obstacles it recognises; matching solutions make its action plan.
Stages (with their statements) and obstacles (with their solutions) are snippets that editors
keep up to date, registered in wagtail_hooks.py and seeded from content/organisations/.

Nothing an organisation enters is stored unless it chooses to save it: then a
`SavedAssessment` keeps the answers, reachable only through a private link whose token is
never stored (only its SHA-256 digest is).
"""

import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, TranslatableMixin

TOKEN_BYTES = 32  # 256 bits of randomness in every private link


class AssessmentStage(TranslatableMixin, ClusterableModel):
    """One of the five stages. Registered as a snippet in wagtail_hooks.py."""

    number = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=60)
    title = models.CharField(max_length=150)
    summary = models.TextField()

    panels = [
        FieldPanel("number"),
        FieldPanel("title"),
        FieldPanel("summary"),
        FieldPanel("key"),
        InlinePanel("statements", label=_("Statements to rate"), min_num=1),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["number"]
        verbose_name = _("self-assessment stage")

    def __str__(self):
        return f"{self.number}. {self.title}"


class AssessmentStatement(TranslatableMixin, Orderable):
    stage = ParentalKey(AssessmentStage, on_delete=models.CASCADE, related_name="statements")
    key = models.SlugField(max_length=80)
    text = models.TextField()

    panels = [FieldPanel("text"), FieldPanel("key")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order"]
        verbose_name = _("statement")

    def __str__(self):
        return self.text


class Obstacle(TranslatableMixin, ClusterableModel):
    """Something that stops an organisation offering learning. A snippet (wagtail_hooks.py)."""

    key = models.SlugField(max_length=80)
    stage = models.ForeignKey(AssessmentStage, on_delete=models.PROTECT, related_name="obstacles")
    title = models.CharField(max_length=200)
    description = models.TextField()

    panels = [
        FieldPanel("title"),
        FieldPanel("stage"),
        FieldPanel("description"),
        FieldPanel("key"),
        InlinePanel("solutions", label=_("Solutions"), min_num=1),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["stage__number", "title"]
        verbose_name = _("obstacle")

    def __str__(self):
        return self.title


class Solution(TranslatableMixin, Orderable):
    obstacle = ParentalKey(Obstacle, on_delete=models.CASCADE, related_name="solutions")
    key = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)
    text = models.TextField(help_text=_("Practical steps: who does what, and the first step."))

    panels = [FieldPanel("title"), FieldPanel("text"), FieldPanel("key")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order"]
        verbose_name = _("solution")

    def __str__(self):
        return self.title


class SavedAssessmentQuerySet(models.QuerySet):
    def for_token(self, token):
        return self.filter(token_digest=SavedAssessment.digest(token))


class SavedAssessment(models.Model):
    """Answers an organisation chose to keep, reachable only through its private link."""

    token_digest = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=10)
    ratings = models.JSONField(help_text=_("Statement key: rating from 1 to 5."))
    obstacles = models.JSONField(help_text=_("Keys of the obstacles ticked."))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SavedAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved self-assessment")

    def __str__(self):
        return f"Saved self-assessment {self.pk}"

    @staticmethod
    def digest(token):
        return hashlib.sha256(str(token).encode()).hexdigest()

    @classmethod
    def create_with_token(cls, **fields):
        """Save answers and return (assessment, token); the token is shown once, never stored."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        return cls.objects.create(token_digest=cls.digest(token), **fields), token
