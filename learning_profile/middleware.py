import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _


class SessionLimitsMiddleware:
    """Signed-in pages are never stored by a browser or a shared cache, and a session ends
    after `SESSION_ABSOLUTE_SECONDS` however active it is (the idle limit is the session
    cookie's age, renewed on each request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get("signed_in_at")
            if started is None:
                request.session["signed_in_at"] = int(time.time())
            elif time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(
                    request,
                    _(
                        "You were signed in for 12 hours, so we signed you out. "
                        "Please sign in again."
                    ),
                )
                return redirect(f"{reverse('login')}?next={request.path}")
        response = self.get_response(request)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True, max_age=0)
            patch_vary_headers(response, ["Cookie"])
        return response
