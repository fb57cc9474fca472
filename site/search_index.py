"""Search in every site language, the same on SQLite and PostgreSQL.

Each live page is kept as a `SearchDocument`: the stems of its words, made with the Snowball
stemmer of its language (Polish has its own; Bosnian uses the Serbian one, its close
neighbour), then lower-cased and stripped of accents so that "reves" finds "rêves". A query is
stemmed the same way, so "cheval" finds a session about "chevaux". Title words weigh more than
body words. The documents are rebuilt on publish (signals) and by `load_content`.
"""

import re
import unicodedata
from functools import cache

import snowballstemmer
from django.db import transaction
from django.utils.html import strip_tags
from wagtail.fields import StreamField
from wagtail.search import index

STEMMERS = {
    "en": "english",
    "da": "danish",
    "fr": "french",
    "el": "greek",
    "nb": "norwegian",
    "pl": "polish",
    "es": "spanish",
    "bs": "serbian",
}
WORD = re.compile(r"\w+", re.UNICODE)
TITLE_WEIGHT = 5
MAX_QUERY_TERMS = 12


@cache
def stemmer(language):
    name = STEMMERS.get(language)
    return snowballstemmer.stemmer(name) if name else None


def _unaccent(word):
    return "".join(
        char for char in unicodedata.normalize("NFKD", word) if not unicodedata.combining(char)
    )


def terms(text, language):
    words = [word.casefold() for word in WORD.findall(text or "") if not word.isdigit()]
    stem = stemmer(language)
    if stem is not None:
        words = stem.stemWords(words)
    return [_unaccent(word) for word in words if word]


def joined(words):
    """Space on both sides of every term, so that `contains(" term ")` matches whole terms."""
    return " " + " ".join(words) + " " if words else ""


def page_text(page):
    """The text of the page's own search fields (the ones Wagtail's index would use)."""
    parts = []
    for field in page.get_search_fields():
        if not isinstance(field, index.SearchField) or field.field_name == "title":
            continue
        value = getattr(page, field.field_name, None)
        if value is None:
            continue
        try:
            model_field = page._meta.get_field(field.field_name)
        except Exception:  # noqa: BLE001 - a search field may be a method, not a model field
            model_field = None
        if isinstance(model_field, StreamField):
            parts.extend(model_field.get_searchable_content(value))
        else:
            parts.append(strip_tags(str(value() if callable(value) else value)))
    return "\n".join(parts)


def index_page(page):
    from .models import SearchDocument

    page = page.specific
    language = page.locale.language_code
    if not page.live or page.depth <= 2:
        SearchDocument.objects.filter(page=page).delete()
        return
    SearchDocument.objects.update_or_create(
        page=page,
        defaults={
            "language": language,
            "title_terms": joined(terms(page.title, language)),
            "body_terms": joined(terms(page_text(page), language)),
        },
    )


def rebuild():
    from wagtail.models import Page

    from .models import SearchDocument

    with transaction.atomic():
        SearchDocument.objects.all().delete()
        for page in Page.objects.live().filter(depth__gt=2).specific().iterator():
            index_page(page)


def search(query, language, pages):
    """`pages` (a Page queryset) that hold every term of `query`, best first."""
    from .models import SearchDocument

    wanted = list(dict.fromkeys(terms(query, language)))[:MAX_QUERY_TERMS]
    if not wanted:
        return []
    documents = SearchDocument.objects.filter(language=language, page__in=pages)
    for term in wanted:
        needle = f" {term} "
        documents = documents.filter(title_terms__contains=needle) | documents.filter(
            body_terms__contains=needle
        )
    # The query already holds only documents with every term; here they are ranked.
    scores = {
        page_id: sum(
            TITLE_WEIGHT * title_terms.count(f" {t} ") + body_terms.count(f" {t} ") for t in wanted
        )
        for page_id, title_terms, body_terms in documents.values_list(
            "page_id", "title_terms", "body_terms"
        )
    }
    found = {page.pk: page for page in pages.filter(pk__in=scores).specific()}
    return sorted(found.values(), key=lambda page: (-scores[page.pk], page.path))
