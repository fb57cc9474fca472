"""Programme pages: the catalogue (index), programmes, and their sessions.

Page tree: HomePage -> ProgrammeIndexPage (/programmes/) -> ProgrammePage -> SessionPage.
Pages created from `content/` carry a stable `content_key`, which the importer matches on.
"""

from collections import defaultdict

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index

from ..blocks import RICH_TEXT_FEATURES, SessionBodyBlock


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def duration_label(minutes):
    hours, rest = divmod(minutes, 60)
    if not rest:
        return ngettext("%(hours)d hour", "%(hours)d hours", hours) % {"hours": hours}
    if not hours:
        return _("%(minutes)d minutes") % {"minutes": rest}
    return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": rest}


class Audience(TranslatableMixin, models.Model):
    """Who a programme is for. Registered as a snippet in wagtail_hooks.py."""

    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        verbose_name = _("audience")

    def __str__(self):
        return self.name


class ProgrammeTag(TaggedItemBase):
    content_object = ParentalKey(
        "courses.ProgrammePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class DeliveryModel(models.TextChoices):
    PEER_LED = "peer-led", _("Peer-led: run by trained peer trainers")
    CO_DELIVERED = "co-delivered", _("Co-delivered: a peer trainer with a professional")


class ImportedPage(Page):
    """A page that content/ can create and update, matched on its stable `content_key`."""

    content_key = models.SlugField(
        max_length=120,
        blank=True,
        help_text=_("Stable key used when importing from content/. Leave it as it is."),
    )
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    promote_panels = [*Page.promote_panels, FieldPanel("content_key")]

    class Meta:
        abstract = True

    def breadcrumb_pages(self):
        """Pages between the home page and this one (routing may have found them already)."""
        return list(self.get_ancestors().filter(depth__gt=2))


class ProgrammeIndexPage(Page):
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["emilia.HomePage"]
    subpage_types = ["courses.ProgrammePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("programme catalogue")

    def search_result_label(self):
        return _("Catalogue")

    def route(self, request, path_components):
        """Find a programme (and a session in it) with one query per level.

        Wagtail's own routing costs two queries per level (the page, then its specific
        type). The pages found here also keep their parents for breadcrumbs, so serving a
        session page needs no query for its ancestors.
        """
        if not path_components or len(path_components) > 2:
            return super().route(request, path_components)
        programme = ProgrammePage.objects.child_of(self).filter(slug=path_components[0]).first()
        if programme is None:
            raise Http404
        programme.catalogue = self
        programme._cached_parent_obj = self
        if len(path_components) == 1:
            return programme.route(request, [])
        session = SessionPage.objects.child_of(programme).filter(slug=path_components[1]).first()
        if session is None:
            raise Http404
        session.catalogue, session.programme = self, programme
        session._cached_parent_obj = programme
        return session.route(request, [])

    def programmes(self):
        return (
            ProgrammePage.objects.child_of(self)
            .live()
            .public()
            .order_by("number")
            .prefetch_related("audiences", "tags")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        programmes = self.programmes()
        audiences = Audience.objects.filter(locale=self.locale)
        tags = (
            Tag.objects.filter(
                courses_programmetag_items__content_object__in=ProgrammePage.objects.child_of(self)
                .live()
                .public()
            )
            .distinct()
            .order_by("name")
        )
        audience = request.GET.get("audience", "")
        tag = request.GET.get("tag", "")
        if audience:
            programmes = programmes.filter(audiences__slug=audience)
        if tag:
            programmes = programmes.filter(tags__slug=tag)
        programmes = list(programmes.distinct())
        durations = session_totals(self, programmes)
        for programme in programmes:
            programme.card_sessions, programme.card_minutes = durations.get(programme.pk, (0, 0))
        context.update(
            programmes=programmes,
            audiences=audiences,
            tags=tags,
            selected_audience=audience,
            selected_tag=tag,
            filtered=bool(audience or tag),
        )
        return context


def session_totals(index_page, programmes):
    """{programme pk: (sessions, minutes)} for the live sessions below `index_page`, one query."""
    by_path = {programme.path: programme.pk for programme in programmes}
    totals = defaultdict(lambda: [0, 0])
    sessions = (
        SessionPage.objects.descendant_of(index_page)
        .live()
        .values_list("path", "duration_minutes")
    )
    steplen = SessionPage.steplen
    for path, minutes in sessions:
        pk = by_path.get(path[:-steplen])
        if pk:
            totals[pk][0] += 1
            totals[pk][1] += minutes
    return {pk: tuple(value) for pk, value in totals.items()}


class ProgrammePage(ImportedPage):
    number = models.PositiveSmallIntegerField(help_text=_("The programme's number, 1 to 99."))
    summary = models.TextField(help_text=_("One paragraph for the catalogue."))
    easy_read_summary = models.TextField(
        help_text=_("Easy read: one very short sentence per line.")
    )
    introduction = RichTextField(features=RICH_TEXT_FEATURES, blank=True)
    audiences = ParentalManyToManyField(Audience, blank=True, related_name="programmes")
    delivery_model = models.CharField(
        max_length=20, choices=DeliveryModel.choices, default=DeliveryModel.PEER_LED
    )
    aims = models.TextField(help_text=_("One aim per line."))
    learning_outcomes = models.TextField(help_text=_("One outcome per line."))
    licence = models.CharField(max_length=60, default="CC BY-SA 4.0")
    tags = ClusterTaggableManager(through=ProgrammeTag, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("number"),
        FieldPanel("summary"),
        FieldPanel("easy_read_summary"),
        FieldPanel("introduction"),
        MultiFieldPanel(
            [
                FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
                FieldPanel("delivery_model"),
                FieldPanel("tags"),
            ],
            heading=_("Who it is for and how it runs"),
        ),
        FieldPanel("aims"),
        FieldPanel("learning_outcomes"),
        FieldPanel("licence"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("easy_read_summary"),
        index.SearchField("introduction"),
        index.SearchField("aims"),
        index.SearchField("learning_outcomes"),
        index.FilterField("number"),
    ]

    parent_page_types = ["courses.ProgrammeIndexPage"]
    subpage_types = ["courses.SessionPage"]

    class Meta:
        verbose_name = _("programme")

    def search_result_label(self):
        return _("Programme %(number)d") % {"number": self.number}

    def breadcrumb_pages(self):
        return [self.catalogue] if hasattr(self, "catalogue") else super().breadcrumb_pages()

    @property
    def easy_read_lines(self):
        return _lines(self.easy_read_summary)

    @property
    def aim_lines(self):
        return _lines(self.aims)

    @property
    def outcome_lines(self):
        return _lines(self.learning_outcomes)

    @cached_property
    def sessions(self):
        return list(
            SessionPage.objects.child_of(self)
            .live()
            # Served, so this page and its ancestors are public: only a session's own view
            # restriction can hide it, checked in this query rather than a second one.
            .filter(view_restrictions__isnull=True)
            .order_by("number")
            .defer_streamfields()
        )

    @cached_property
    def source_programme(self):
        """For a translation whose sessions are not translated: the English programme, whose
        sessions and packs the page offers instead (marked as English)."""
        if self.sessions or self.locale.language_code == settings.LANGUAGE_CODE:
            return None
        return (
            ProgrammePage.objects.live()
            .filter(
                translation_key=self.translation_key, locale__language_code=settings.LANGUAGE_CODE
            )
            .first()
        )

    @property
    def listed_sessions(self):
        """The sessions to list: this language's, or the English ones if none are translated."""
        if self.sessions or self.source_programme is None:
            return self.sessions
        return self.source_programme.sessions

    @property
    def total_minutes(self):
        return sum(session.duration_minutes for session in self.sessions)

    @property
    def duration(self):
        count = len(self.sessions)
        return _("%(sessions)s, %(time)s in all") % {
            "sessions": ngettext("%(count)d session", "%(count)d sessions", count)
            % {"count": count},
            "time": duration_label(self.total_minutes),
        }


class SessionPage(ImportedPage):
    number = models.PositiveSmallIntegerField()
    summary = models.TextField()
    duration_minutes = models.PositiveSmallIntegerField(
        help_text=_("How long the session lasts. The activities must add up to this.")
    )
    aims = models.TextField(help_text=_("One aim per line."))
    preparation = models.TextField(
        blank=True, help_text=_("What the trainer does beforehand, one item per line.")
    )
    materials = models.TextField(blank=True, help_text=_("What is needed, one item per line."))
    body = StreamField(SessionBodyBlock())

    content_panels = [
        *Page.content_panels,
        FieldPanel("number"),
        FieldPanel("summary"),
        FieldPanel("duration_minutes"),
        FieldPanel("aims"),
        FieldPanel("preparation"),
        FieldPanel("materials"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("aims"),
        index.SearchField("body"),
    ]

    parent_page_types = ["courses.ProgrammePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("session")

    def search_result_label(self):
        return _("Session %(number)d") % {"number": self.number}

    def breadcrumb_pages(self):
        if hasattr(self, "catalogue"):
            return [self.catalogue, self.programme]
        return super().breadcrumb_pages()

    def get_programme(self):
        if not hasattr(self, "programme"):
            self.programme = ProgrammePage.objects.get(path=self.path[: -self.steplen])
        return self.programme

    def clean(self):
        super().clean()
        activities = self.activities
        if not activities:
            raise ValidationError({"body": _("Add at least one activity to the session plan.")})
        total = sum(activity["minutes"] or 0 for activity in activities)
        if self.duration_minutes and total != self.duration_minutes:
            raise ValidationError(
                {
                    "body": _(
                        "The activities add up to %(total)d minutes, but the session lasts "
                        "%(length)d minutes. Change the minutes of an activity or the length "
                        "of the session so that they match."
                    )
                    % {"total": total, "length": self.duration_minutes}
                }
            )

    @property
    def aim_lines(self):
        return _lines(self.aims)

    @property
    def preparation_lines(self):
        return _lines(self.preparation)

    @property
    def material_lines(self):
        return _lines(self.materials)

    @property
    def duration(self):
        return duration_label(self.duration_minutes)

    @property
    def activities(self):
        return [block.value for block in self.body if block.block_type == "activity"]

    @property
    def content_notes(self):
        return [block.value for block in self.body if block.block_type == "content_note"]

    @property
    def handouts(self):
        return [block.value for block in self.body if block.block_type == "handout"]

    def timetable(self):
        """The plan as rows: start minute, end minute, activity."""
        rows, start = [], 0
        for number, activity in enumerate(self.activities, start=1):
            end = start + (activity["minutes"] or 0)
            rows.append(
                {
                    "number": number,
                    "start": f"{start // 60}:{start % 60:02d}",
                    "end": f"{end // 60}:{end % 60:02d}",
                    "activity": activity,
                }
            )
            start = end
        return rows

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        programme = self.get_programme()
        siblings = list(
            SessionPage.objects.sibling_of(self)
            .live()
            .filter(view_restrictions__isnull=True)  # see ProgrammePage.sessions
            .order_by("number")
            .defer_streamfields()
        )
        position = next(
            (index for index, sibling in enumerate(siblings) if sibling.pk == self.pk), None
        )
        context.update(
            programme=programme,
            session_count=len(siblings),
            previous_session=siblings[position - 1] if position else None,
            next_session=(
                siblings[position + 1]
                if position is not None and position + 1 < len(siblings)
                else None
            ),
        )
        return context
