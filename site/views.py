"""Views of the site shell: search, support contacts, health check, robots.txt, error pages."""

import logging
import sys
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page

from . import search_index
from .models import CrisisContact

logger = logging.getLogger(__name__)
SEARCH_RESULTS_PER_PAGE = 10
SEARCH_QUERY_MAX_LENGTH = 200
RETRY_AFTER_SECONDS = 30


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


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache():
    """A value written and read back. (The default cache reads as empty while Redis is down,
    so a missing value is the sign.)"""
    key, token = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, token, 30)
    if cache.get(key) != token:
        raise ConnectionError("the cache did not keep a value")
    cache.delete(key)


def _check_storage():
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)


def _tasks():
    """Queued PDF builds (every task here builds a PDF) when they run on a worker."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend != "django_tasks_db.DatabaseBackend":
        return {"backend": "immediate"}
    from django.db.models import Count, Min, Q
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    counts = DBTaskResult.objects.aggregate(
        pending=Count("pk", filter=Q(status=TaskResultStatus.READY)),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        failed_last_day=Count(
            "pk",
            filter=Q(status=TaskResultStatus.FAILED, finished_at__gte=now - timedelta(days=1)),
        ),
    )
    due = DBTaskResult.objects.ready().aggregate(due=Count("pk"), oldest=Min("enqueued_at"))
    oldest = due.pop("oldest")
    return {
        "backend": "database",
        **counts,
        **due,
        "oldest_due_seconds": round((now - oldest).total_seconds()) if oldest else 0,
    }


@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness as JSON for load balancers and monitoring.

    503 when the database or file storage does not answer (this server cannot serve); 200 but
    "degraded" when only the cache is down (pages are then served uncached). Queued PDF builds
    are counted when a worker runs them: a growing `oldest_due_seconds` means no worker runs.
    """
    checks = {}
    for name, check in (
        ("database", _check_database),
        ("cache", _check_cache),
        ("storage", _check_storage),
    ):
        try:
            check()
            checks[name] = "ok"
        except Exception:  # noqa: BLE001 - any failure means "not ready"
            logger.warning("Health check: %s unavailable", name, exc_info=True)
            checks[name] = "unavailable"
    if checks["database"] == "ok":
        try:
            checks["tasks"] = _tasks()
        except Exception:  # noqa: BLE001
            logger.warning("Health check: task queue unreadable", exc_info=True)
            checks["tasks"] = "unavailable"
    else:
        checks["tasks"] = "unknown"
    ready = checks["database"] == "ok" and checks["storage"] == "ok"
    status = "unavailable" if not ready else "ok" if checks["cache"] == "ok" else "degraded"
    return JsonResponse({"status": status, **checks}, status=200 if ready else 503)


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
    """The 500 page; or, when the database could not be reached, a 503 saying to try again.

    Both are rendered without the request's context processors (the database may be the
    problem). Django calls this while handling the exception, so `sys.exc_info()` names it.
    Every view that writes more than one row does so in one transaction, so a failed request
    has written nothing.
    """
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        response = HttpResponse(
            loader.get_template("503.html").render({"LANGUAGE_CODE": get_language()}),
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
