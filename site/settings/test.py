"""The test suite: the development defaults, quieter and faster."""

import os
import tempfile

from .dev import *  # noqa: F403
from .dev import CACHES, DATABASES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"
# A fixed key for tests only (never used anywhere else).
PDP_ENCRYPTION_KEYS = ["bGVhcm5pbmctcHJvZmlsZS10ZXN0LWtleS0wMDAwMDA="]
# The whole-page cache is on in tests too (tests/conftest.py forgets cached pages between
# tests).
# Each pytest-xdist worker keeps its keys apart: in CI both workers share one Redis, and one
# worker's publish (which forgets every cached page) must not reach into the other's test.
for _cache in CACHES.values():
    _cache["KEY_PREFIX"] = "emilia-test-" + os.environ.get("PYTEST_XDIST_WORKER", "main")

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not SQLite's shared in-memory database: there, two threads writing at once get
    # "table is locked" at once instead of waiting, so concurrency tests could not run on it.
    # pytest-django adds each xdist worker's name to the file name.
    # No write-ahead log here: its side files would outlive the test database.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA synchronous=OFF"
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"emilia-test-{os.getpid()}.sqlite3")
    }
