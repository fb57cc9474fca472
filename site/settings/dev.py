"""Local development: `make run`. Needs no configuration at all."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
# `make run` writes a generated key into the ignored .env; this fallback is for a bare checkout.
SECRET_KEY = SECRET_KEY or "dev-only-not-secret-" + "x" * 40  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Static files straight from static/ (no collectstatic needed while developing).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
