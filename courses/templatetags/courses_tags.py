from django import template
from wagtail.models import Locale

from courses.blocks import ActivityType
from courses.models import ProgrammeIndexPage, ProgrammePage, duration_label, session_totals

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
