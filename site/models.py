"""The site shell's own pages, settings and snippets.

- `HomePage` and `StandardPage`: pages in the tree.
- `SiteSettings`: organisation name and footer text (Settings in the admin).
- `CrisisContact`: who to contact for support now, by country and language; a snippet
  registered in `wagtail_hooks.py`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from .blocks import BodyBlock


class HomePage(Page):
    intro = models.TextField(
        help_text=_("One or two sentences under the site name: what this place is for.")
    )
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["emilia.StandardPage", "courses.ProgrammeIndexPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def search_result_label(self):
        return _("Page")


class StandardPage(Page):
    intro = models.TextField(blank=True, help_text=_("A short opening paragraph."))
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["emilia.HomePage", "emilia.StandardPage"]
    subpage_types = ["emilia.StandardPage"]

    class Meta:
        verbose_name = _("standard page")

    def search_result_label(self):
        return _("Page")


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    organisation_name = models.CharField(
        max_length=200,
        default="Emilia Training",
        help_text=_("The organisation that runs this site; printed on certificates."),
    )
    footer_text = models.TextField(
        blank=True,
        default=(
            "Emilia Training is free. Courses are written by people who use mental health "
            "services, for everyone."
        ),
    )
    contact_email = models.EmailField(blank=True)

    panels = [
        FieldPanel("organisation_name"),
        FieldPanel("footer_text"),
        FieldPanel("contact_email"),
    ]

    class Meta:
        verbose_name = _("site settings")


class CrisisContact(TranslatableMixin, Orderable):
    """Someone to contact for support now. Registered as a snippet in wagtail_hooks.py."""

    name = models.CharField(max_length=120)
    country = models.CharField(
        max_length=80, help_text=_("Where this contact answers, for example 'United Kingdom'.")
    )
    description = models.TextField(help_text=_("Who it is for and what happens when you call."))
    phone = models.CharField(max_length=40, blank=True)
    text_message = models.CharField(max_length=80, blank=True, help_text=_("A number or code."))
    website = models.URLField(blank=True)
    hours = models.CharField(max_length=120, blank=True, help_text=_("For example '24 hours'."))
    is_emergency = models.BooleanField(
        default=False, help_text=_("Tick for emergency numbers: these are listed first.")
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("country"),
        FieldPanel("description"),
        FieldPanel("phone"),
        FieldPanel("text_message"),
        FieldPanel("website"),
        FieldPanel("hours"),
        FieldPanel("is_emergency"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["-is_emergency", "sort_order", "name"]
        verbose_name = _("crisis contact")

    def __str__(self):
        return f"{self.name} ({self.country})"

    @property
    def phone_href(self):
        return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")


class SearchDocument(models.Model):
    """A live page's words as stems in its language (see search_index.py). Never learner data:
    only Wagtail pages are indexed."""

    page = models.OneToOneField(Page, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8, db_index=True)
    title_terms = models.TextField()
    body_terms = models.TextField()

    def __str__(self):
        return f"search document for page {self.page_id}"
