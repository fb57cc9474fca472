from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page


class StoredPDF(models.Model):
    """A built PDF (course pack, trainer pack or a session's handouts), kept as a file.

    Keyed by page, language, variant and `version`, a digest of the live revisions it was
    built from: a publish changes the version, so the next download gets a fresh build.
    """

    class Variant(models.TextChoices):
        COURSE = "course", _("Course pack")
        TRAINER = "trainer", _("Trainer pack")
        HANDOUTS = "handouts", _("Handouts")

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=10)
    variant = models.CharField(max_length=10, choices=Variant.choices)
    version = models.CharField(max_length=64)
    file_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    page_count = models.PositiveIntegerField()
    etag = models.CharField(max_length=64)
    built_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["page", "language", "variant", "version"], name="unique_stored_pdf"
            )
        ]
        verbose_name = _("stored PDF")

    def __str__(self):
        return f"{self.file_name} ({self.page_count} pages)"
