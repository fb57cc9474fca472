"""The editors' report of which programmes are translated, into which language, and whether
each translation is older than its English source (stale)."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from .models import ProgrammePage, SessionPage

MISSING, SUMMARY_ONLY, STALE, CURRENT = "missing", "summary-only", "stale", "current"
LABELS = {
    MISSING: _("Missing"),
    SUMMARY_ONLY: _("Programme page only"),
    STALE: _("Out of date"),
    CURRENT: _("Up to date"),
}


def _sessions_by_programme(programmes):
    """{programme page id: [session, ...]} for the given programme pages, in one query."""
    by_path = {page.path: page.pk for page in programmes}
    sessions = {}
    for session in SessionPage.objects.live().only(
        "path", "depth", "translation_key", "last_published_at", "locale"
    ):
        parent = by_path.get(session.path[: -SessionPage.steplen])
        if parent:
            sessions.setdefault(parent, []).append(session)
    return sessions


def status_table():
    default = settings.LANGUAGE_CODE
    languages = [code for code, _name in settings.LANGUAGES if code != default]
    programmes = list(ProgrammePage.objects.select_related("locale").order_by("number"))
    sessions = _sessions_by_programme(programmes)
    english = [page for page in programmes if page.locale.language_code == default]
    translations = {
        (page.translation_key, page.locale.language_code): page
        for page in programmes
        if page.locale.language_code != default
    }
    rows = []
    for source in english:
        source_sessions = {s.translation_key: s for s in sessions.get(source.pk, [])}
        cells = []
        for language in languages:
            page = translations.get((source.translation_key, language))
            if page is None or not page.live:
                status, stale_titles = MISSING, []
            else:
                own = sessions.get(page.pk, [])
                stale_titles = [
                    s.title
                    for s in own
                    if s.translation_key in source_sessions
                    and _newer(source_sessions[s.translation_key], s)
                ]
                if _newer(source, page):
                    stale_titles.insert(0, source.title)
                if stale_titles:
                    status = STALE
                elif not own:
                    status = SUMMARY_ONLY
                else:
                    status = CURRENT
            cells.append(
                {
                    "language": language,
                    "status": status,
                    "label": LABELS[status],
                    "page": page,
                    "stale": stale_titles,
                }
            )
        rows.append({"programme": source, "cells": cells})
    names = [get_language_info(code)["name_local"] for code in languages]
    return {"languages": list(zip(languages, names, strict=True)), "rows": rows}


def _newer(source, translation):
    return (
        source.last_published_at is not None
        and translation.last_published_at is not None
        and source.last_published_at > translation.last_published_at
    )


def translation_status(request):
    return render(request, "courses/admin/translation_status.html", status_table())
