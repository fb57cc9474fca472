from django import template
from django.conf import settings
from django.db.models import Q
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info
from wagtail.models import Page

register = template.Library()


@register.simple_tag
def breadcrumb_pages(page):
    """The pages between the home page and `page`; page types may know them without a query."""
    known = getattr(page, "breadcrumb_pages", None)
    if known is not None:
        return known()
    return list(page.get_ancestors().filter(depth__gt=2))


@register.simple_tag(takes_context=True)
def language_versions(context):
    """Every site language, named in itself, with the address of this page in it.

    A Wagtail page links to its live translation, or to that language's home page when there
    is none; any other page (search, support, accounts, the PDP) to the same path in that
    language. `exists` tells whether the same page exists in that language (for hreflang).
    """
    request = context.get("request")
    page = context.get("page")
    current = get_language()
    translations = {}
    homes = {}
    if isinstance(page, Page):
        # The page's translations and every language's home page, in one query.
        candidates = (
            Page.objects.live()
            .filter(Q(translation_key=page.translation_key) | Q(depth=2))
            .select_related("locale")
        )
        for candidate in candidates:
            code = candidate.locale.language_code
            if candidate.translation_key == page.translation_key:
                translations[code] = candidate
            if candidate.depth == 2:
                homes[code] = candidate
    versions = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        if isinstance(page, Page):
            target = translations.get(code) or homes.get(code)
            url = target.get_url(request) if target else f"/{code}/"
            exists = code in translations
        else:
            url = translate_url(request.get_full_path() if request else "/", code)
            exists = True
        versions.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": url,
                "exists": exists,
                "current": code == current,
            }
        )
    return versions
