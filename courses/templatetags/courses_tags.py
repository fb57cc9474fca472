from django import template
from django.core.cache import cache
from django.db.models import F, Min
from django.utils.translation import get_language
from wagtail.models import Locale

from courses.blocks import ActivityType
from courses.models import (
    CourseRun,
    ProgrammeIndexPage,
    ProgrammePage,
    duration_label,
    session_totals,
)
from emilia.middleware import page_cache_version

register = template.Library()


@register.inclusion_tag("courses/includes/programme_cards.html", takes_context=True)
def programme_cards(context, heading_level=3):
    """Cards for every live programme in the current language (for the home page)."""
    index_page = ProgrammeIndexPage.objects.live().filter(locale=Locale.get_active()).first()
    programmes = []
    if index_page:
        programmes = list(
            ProgrammePage.objects.child_of(index_page)
            .live()
            .public()
            .order_by("number")
            .prefetch_related("audiences")
        )
        totals = session_totals(index_page, programmes)
        for programme in programmes:
            programme.card_sessions, programme.card_minutes = totals.get(programme.pk, (0, 0))
    return {
        "request": context.get("request"),
        "programmes": programmes,
        "heading_level": heading_level,
        "index_page": index_page,
    }


@register.filter
def duration(minutes):
    return duration_label(minutes or 0)


ACTIVITY_LABELS = dict(ActivityType.choices)


@register.filter
def activity_label(activity_type):
    return ACTIVITY_LABELS.get(activity_type, activity_type)


@register.inclusion_tag("courses/includes/upcoming_runs.html")
def upcoming_runs(programme=None, limit=6):
    """Planned, open and running course runs (of one programme, in any language, or of all).

    Kept in the cache under the page-cache version, which changes whenever a run or its dates
    change, so an uncached programme page spends no query on them."""
    scope = programme.translation_key if programme else "all"
    key = f"upcoming-runs:{page_cache_version()}:{get_language()}:{scope}:{limit}"
    found = cache.get(key)
    if found is None:
        runs = (
            CourseRun.objects.filter(status__in=CourseRun.PUBLIC)
            .select_related("programme__locale")
            .annotate(first_session=Min("schedule__starts_at"))
            .order_by(F("first_session").asc(nulls_last=True), "pk")
        )
        if programme is not None:
            runs = runs.filter(programme__translation_key=programme.translation_key)
        found = [
            {
                "pk": run.pk,
                "title": run.programme.title,
                "where": str(run.where),
                "status": str(run.get_status_display()),
                "first_session": run.first_session,
                "language": run.programme.locale.get_display_name(),
            }
            for run in runs[:limit]
        ]
        cache.set(key, found, 600)
    return {"upcoming_runs": found, "show_programme": programme is None}
