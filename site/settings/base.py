"""Settings shared by every environment. Everything that differs comes from the environment.

The embedded default needs no configuration: SQLite in the project folder, media on local disk,
a local-memory cache. `DATABASE_URL` switches to PostgreSQL, `REDIS_URL` to a shared cache.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def _read_dotenv(path):
    """Load KEY=value lines from the ignored .env file that `make run` writes (never overrides)."""
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and name and not name.startswith("#"):
            os.environ.setdefault(name.strip(), value.strip().strip("'\""))


_read_dotenv(BASE_DIR / ".env")


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or list(default)


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "emilia",
    "courses",
    "content",
    "learning_profile",
    "django_tasks",
    "django_tasks_db",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "emilia.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "emilia.middleware.ContentSecurityPolicyMiddleware",
    "emilia.middleware.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "emilia.two_factor.AdminTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "learning_profile.middleware.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "emilia.urls"
WSGI_APPLICATION = "emilia.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "emilia.context_processors.site_settings",
                "learning_profile.context_processors.session_limits",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait their turn (up to 20 s) instead of failing: a transaction takes the write
    # lock when it begins, and the write-ahead log lets readers carry on meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# `default` holds whole pages and fragments; `limits` counts failed sign-ins and certificate
# checks. With REDIS_URL both live in Redis, shared by every app server; while Redis is down,
# `default` reads as empty (pages are served uncached) and `limits` raises, so sign-in refuses
# rather than stop counting (see emilia/cache.py).
if os.environ.get("REDIS_URL"):
    _REDIS_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    CACHES = {
        "default": {
            "BACKEND": "emilia.cache.TolerantRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "emilia",
            "OPTIONS": _REDIS_OPTIONS,
        },
        "limits": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "emilia-limits",
            "OPTIONS": _REDIS_OPTIONS,
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "limits": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "limits",
        },
    }

# Argon2 first; the others only so that older hashes can still be checked and upgraded.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Length and a common-password list; no composition rules (they make passwords worse).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Internationalisation: the eight languages EMILIA worked in. The language switcher shows each
# in its own name; these labels are for the admin.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("da", _("Danish")),
    ("fr", _("French")),
    ("el", _("Greek")),
    ("nb", _("Norwegian Bokmål")),
    ("pl", _("Polish")),
    ("es", _("Spanish")),
    ("bs", _("Bosnian")),
]
# Translations are Wagtail pages sharing a translation key. Most come from content/ files (the
# importer); editors can also start one from the admin ("Translate" on a page, from
# wagtail.contrib.simple_translation) and see what is missing or out of date under Reports >
# Translations. We chose this over wagtail-localize: the text of record is the files in
# content/, reviewed like code, and a second store of translated segments would compete with it.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PROJECT_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

# Public pages for visitors without a session are cached whole in the cache above (local memory,
# or Redis with REDIS_URL) and all forgotten when any page or what it shows changes (see
# emilia/middleware.py). 0 switches it off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", 600))

# A pack build is stopped after this many seconds (the longest pack takes a few seconds); the
# task is then marked failed and retried later, and downloads get the previous build.
PDF_BUILD_TIME_LIMIT = float(os.environ.get("PDF_BUILD_TIME_LIMIT", 120))

# PDF builds run as tasks: immediately by default; TASKS_BACKEND=database queues them for
# `manage.py db_worker` (django-tasks-db), so web requests never wait for a build.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if os.environ.get("TASKS_BACKEND") == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

WAGTAIL_SITE_NAME = "Emilia Training"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Uploads (see emilia/uploads.py). Documents are served only through Wagtail's view, so
# collection privacy applies; PDFs open in the browser, every other type downloads, and every
# response says nosniff. No SVG is accepted, as a document or as an image.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "txt", "rtf"]
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = int(os.environ.get("DOCUMENT_MAX_UPLOAD_MB", 20)) * 1024 * 1024
WAGTAILDOCS_DOCUMENT_FORM_BASE = "emilia.uploads.DocumentForm"
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = int(os.environ.get("IMAGE_MAX_UPLOAD_MB", 10)) * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
TAGGIT_CASE_INSENSITIVE = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "pdp_home"
LOGOUT_REDIRECT_URL = "signed_out"
# Private pages and documents send visitors to the same sign-in page (not Wagtail's own).
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
# Everyone who can reach the admin signs in on the site's own (throttled) page, then types a
# code from an authenticator app or a recovery code (emilia/two_factor.py, django-otp).
WAGTAILADMIN_LOGIN_URL = "login"
OTP_TOTP_ISSUER = "Emilia Training"
# Sessions live in the database (server-side) and end at logout. The cookie's age is the idle
# limit, renewed by every request; SESSION_ABSOLUTE_SECONDS ends any session after 12 hours.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_IDLE_WARNING_SECONDS = 25 * 60

# Keys for PDP text at rest: comma-separated Fernet keys, newest first (see learning_profile/
# crypto.py). `make run` writes one into .env; nothing learner-facing works without one.
PDP_ENCRYPTION_KEYS = env_list("PDP_ENCRYPTION_KEYS")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# One JSON object per line on standard error, with the request id (emilia/logs.py). Nothing a
# learner wrote, no form body, query string or cookie ever goes in. LOG_LEVEL=INFO adds one line
# per request.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "emilia.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's request errors go to the root handler above, once (not also to mail_admins
        # or Django's own console handler, whose format is not ours).
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
