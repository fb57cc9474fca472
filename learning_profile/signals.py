import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


@receiver(user_logged_in)
def remember_when_signed_in(sender, request, user, **kwargs):
    """The start of the absolute session limit (see middleware.SessionLimitsMiddleware)."""
    if request is not None and hasattr(request, "session"):
        request.session["signed_in_at"] = int(time.time())
