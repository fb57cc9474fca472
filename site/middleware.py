"""Whole-page caching for anonymous visitors, and the security headers of every response."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

VERSION_KEY = "page-cache:version"
CACHED_HEADERS = ("Content-Type", "Content-Language", "Vary", "Cache-Control", "Last-Modified")
# Paths never cached whole: the admin, accounts, the learner's profile, downloads of files
# (served and cached by their own views) and the health check.
NEVER = ("/admin/", "/documents/", "/healthz", "/static/", "/media/")
NEVER_AFTER_LANGUAGE = (
    "my/",
    "accounts/",
    "organisations/self-assessment/",
    "trainer/",
    "course-runs/",  # places left change with every enrolment
    "certificates/",  # each check counts towards the address's limit
)


def page_cache_version():
    return cache.get_or_set(VERSION_KEY, 1, None)


def forget_cached_pages(*args, **kwargs):
    """Every cached page at once: called when a page is published, unpublished, moved or
    deleted, and when snippets or settings shown on pages change. Content changes are rare;
    a published edit shows on the very next request."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def _cacheable_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False  # possibly signed in, or a one-off message to show
    path = request.path
    if path.startswith(NEVER) or path.endswith(".pdf"):
        return False
    parts = path.split("/", 2)
    return not (len(parts) == 3 and parts[2].startswith(NEVER_AFTER_LANGUAGE))


def _key(request):
    digest = hashlib.sha256(request.get_full_path().encode("utf-8")).hexdigest()
    return f"page-cache:{page_cache_version()}:{request.get_host()}:{request.method}:{digest}"


class AnonymousPageCacheMiddleware:
    """Public pages for visitors without a session, served from the configured cache.

    A response is stored only if it is a 200 that sets no cookie, used no CSRF token and is
    not marked private or no-store, so nothing personal can ever be stored or served.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers.items():
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self._storable(request, response):
            headers = {name: response[name] for name in CACHED_HEADERS if name in response}
            cache.set(key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _storable(request, response):
        cache_control = response.get("Cache-Control", "")
        user = getattr(request, "user", None)
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_USED")
            and "private" not in cache_control
            and "no-store" not in cache_control
            and not (user is not None and user.is_authenticated)
        )


PUBLIC_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The Wagtail admin uses inline scripts and styles, and previews pages in a frame of its own.
ADMIN_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """A strict policy (no inline script or style) everywhere but the admin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        admin = request.path.startswith("/admin/")
        response.setdefault("Content-Security-Policy", ADMIN_POLICY if admin else PUBLIC_POLICY)
        return response
