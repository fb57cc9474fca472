from django.conf import settings


def session_limits(request):
    return {
        "idle_limit_seconds": settings.SESSION_COOKIE_AGE,
        "idle_warning_seconds": settings.SESSION_IDLE_WARNING_SECONDS,
    }
