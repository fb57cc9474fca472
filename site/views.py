"""Views of the site shell: search, support contacts, health check, robots.txt, error pages."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page

from . import search_index
from .models import CrisisContact

SEARCH_RESULTS_PER_PAGE = 10
SEARCH_QUERY_MAX_LENGTH = 200


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[:SEARCH_QUERY_MAX_LENGTH]
    results_page, total = None, 0
    if query:
        pages = search_index.search(
            query,
            get_language(),
            Page.objects.live().public().filter(locale=Locale.get_active()).exclude(depth__lte=2),
        )
        paginator = Paginator(pages, SEARCH_RESULTS_PER_PAGE)
        try:
            results_page = paginator.page(request.GET.get("page", 1))
        except (PageNotAnInteger, EmptyPage):
            results_page = paginator.page(1)
        total = paginator.count
    return render(
        request,
        "search.html",
        {"search_query": query, "results": results_page, "total": total},
    )


@require_GET
def support(request):
    """The "Need support now?" page: crisis contacts in the visitor's language first."""
    contacts = list(CrisisContact.objects.filter(locale__language_code=get_language()))
    if not contacts:
        contacts = list(CrisisContact.objects.filter(locale=Locale.get_default()))
    return render(request, "support.html", {"contacts": contacts})


@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness as JSON: 200 when the database and file storage both answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        checks["database"] = "unavailable"
    try:
        name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        default_storage.delete(name)
        checks["storage"] = "ok"
    except Exception:  # noqa: BLE001
        checks["storage"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /my/",
        "Disallow: /accounts/",
        "Disallow: /*/search/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without the request's context processors: the database may be the problem.
    return HttpResponseServerError(loader.get_template("500.html").render())
