"""Operations: request ids and structured logs, the health check, and what visitors get when
the database or the cache is down."""

import io
import json
import logging
from contextlib import contextmanager

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.test import Client
from django.urls import reverse

from emilia.logs import REDACTED, JsonFormatter, safe_path
from learning_profile import crypto, models
from tests.pdp_helpers import PASSWORD, make_user

pytestmark = pytest.mark.django_db
SECRET = "I still hear the voices at night, Zq9secret"


@contextmanager
def captured_logs():
    """What the project's log handler writes, as parsed JSON lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    lines = []
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines())
        lines.append({"raw": stream.getvalue()})


@contextmanager
def database_failing(when=lambda sql: True):
    """Every query matching `when` fails as if the database server had gone away."""

    def fail(execute, sql, params, many, context):
        if when(sql):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail):
        yield


def test_the_log_handler_writes_json_lines():
    formatters = [
        handler.formatter
        for handler in logging.getLogger().handlers
        if isinstance(handler.formatter, JsonFormatter)
    ]
    assert formatters, "the console handler is configured with emilia.logs.JsonFormatter"


def test_every_response_carries_a_request_id(client):
    first = client.get("/en/")
    second = client.get("/en/")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]
    # A proxy's id is kept, so its log and ours can be matched; anything odd is replaced.
    assert client.get("/en/", HTTP_X_REQUEST_ID="lb-1234abcd")["X-Request-ID"] == "lb-1234abcd"
    odd = client.get("/en/", HTTP_X_REQUEST_ID="<script>alert(1)</script>")["X-Request-ID"]
    assert "<" not in odd and len(odd) == 32


def test_an_error_while_saving_pdp_text_logs_no_learner_data(monkeypatch):
    """A library that puts the value it choked on into its error message must not carry what
    a learner wrote into the log."""
    learner = make_user("lark")

    def failing_encrypt(text):
        raise ValueError(f"could not encrypt {text!r}")

    monkeypatch.setattr(crypto, "encrypt", failing_encrypt)
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    with captured_logs() as lines:
        response = client.post(
            reverse("pdp_about") + "?note=Zq9query",
            {"what_matters": SECRET, "strengths": "Listening to others"},
        )
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert not models.AboutMe.objects.filter(owner=learner).exists()
    raw = lines.pop()["raw"]
    for private in ("voices at night", "Zq9secret", "Listening to others", "Zq9query", PASSWORD):
        assert private not in raw
    error = next(line for line in lines if line["level"] == "ERROR")
    assert error["request_id"] == response["X-Request-ID"]
    assert error["method"] == "POST" and error["path"] == reverse("pdp_about")
    assert error["exception"] == "ValueError"
    assert REDACTED in error["traceback"] and "failing_encrypt" in error["traceback"]
    assert error["status_code"] == 500


def test_secret_links_are_cut_from_logged_paths():
    assert (
        safe_path("/en/course-runs/invite/AbC123xyz_-/") == f"/en/course-runs/invite/{REDACTED}/"
    )
    assert safe_path("/en/certificates/K7Q2ZZ/") == f"/en/certificates/{REDACTED}/"
    assert safe_path("/en/accounts/password/reset/MQ/c4s-token/") == (
        f"/en/accounts/password/reset/{REDACTED}/"
    )
    assert safe_path("/en/accounts/password/reset/sent/") == "/en/accounts/password/reset/sent/"
    assert safe_path("/en/my/sharing/invite/tok3n/") == f"/en/my/sharing/invite/{REDACTED}/"


def test_not_found_lines_hold_no_certificate_code(client):
    with captured_logs() as lines:
        assert client.get("/en/certificates/GUESSEDCODE123/").status_code == 404
    raw = lines.pop()["raw"]
    assert "GUESSEDCODE123" not in raw


# The health check ---------------------------------------------------------------------------


def test_health_check_reports_each_part(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == body["cache"] == body["storage"] == "ok"
    assert body["tasks"] == {"backend": "immediate"}


def test_health_check_is_503_when_the_database_is_unreachable(client):
    with database_failing():
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "unavailable" and body["tasks"] == "unknown"
    assert body["storage"] == "ok"


def test_health_check_is_503_when_storage_fails(client, monkeypatch):
    from django.core.files.storage import default_storage

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(default_storage, "save", full)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == "unavailable"


def test_health_check_counts_queued_pdf_builds(client, settings, programme):
    import datetime

    from django.utils import timezone

    from courses.tasks import build_pdf

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    build_pdf.enqueue(programme.pk, "course")
    later = timezone.now() + datetime.timedelta(hours=1)
    build_pdf.using(run_after=later).enqueue(programme.pk, "trainer", 2)
    tasks = client.get("/healthz").json()["tasks"]
    assert tasks["backend"] == "database"
    assert tasks["pending"] == 2 and tasks["due"] == 1 and tasks["running"] == 0
    assert tasks["failed_last_day"] == 0 and tasks["oldest_due_seconds"] >= 0


# The database down during a request ---------------------------------------------------------


def test_a_lost_database_gives_a_friendly_503_page():
    client = Client(raise_request_exception=False)
    with database_failing():
        response = client.get("/en/programmes/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "We will be back in a moment" in html
    assert "nothing you saved before is lost" in html
    assert "112" in html  # the crisis line needs no database


def test_a_database_failure_midway_through_a_save_writes_nothing():
    """The needs check and its ratings are one transaction: losing the database while the
    ratings are written leaves no check behind without them."""
    learner = make_user("heron")
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    data = {"taken_on": "2026-11-02"}
    for area in models.NeedsArea:
        data[f"{area.value}-rating"] = 3
    with database_failing(lambda sql: "needsrating" in sql.lower() and "INSERT" in sql.upper()):
        response = client.post(reverse("pdp_needs_new"), data)
    assert response.status_code == 503
    assert "We will be back in a moment" in response.content.decode()
    assert models.NeedsCheck.objects.count() == 0
    assert models.NeedsRating.objects.count() == 0
    # Once the database is back, the same form saves.
    assert client.post(reverse("pdp_needs_new"), data).status_code == 302
    assert models.NeedsCheck.objects.filter(owner=learner).count() == 1


# The cache down -----------------------------------------------------------------------------


@pytest.fixture
def cache_down(settings):
    """Both caches point at a Redis that is not there (nothing listens on port 1)."""
    dead = "redis://127.0.0.1:1/0"
    options = {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}
    settings.CACHES = {
        "default": {
            "BACKEND": "emilia.cache.TolerantRedisCache",
            "LOCATION": dead,
            "OPTIONS": options,
        },
        "limits": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": dead,
            "OPTIONS": options,
        },
    }


def test_pages_are_served_uncached_while_the_cache_is_down(client, programme, cache_down):
    for _ in range(2):
        response = client.get("/en/programmes/finding-hope/")
        assert response.status_code == 200
        assert response.get("X-Page-Cache") != "hit"
        assert "Finding hope" in response.content.decode()
    assert client.get("/en/").status_code == 200
    assert client.get("/healthz").json() | {"tasks": None} == {
        "status": "degraded",
        "database": "ok",
        "cache": "unavailable",
        "storage": "ok",
        "tasks": None,
    }


def test_sign_in_refuses_while_failures_cannot_be_counted(client, cache_down):
    make_user("wren")
    response = client.post(
        reverse("login"), {"username": "wren", "password": PASSWORD}, follow=False
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Signing in is paused for a few minutes" in html
    assert "_auth_user_id" not in client.session


def test_certificate_checks_refuse_while_they_cannot_be_counted(client, cache_down):
    assert client.get("/en/certificates/ANYCODE/").status_code == 429


def test_a_down_cache_is_left_alone_for_a_few_seconds(cache_down, monkeypatch):
    """A Redis that hangs would otherwise cost every request its connection timeouts."""
    from django.core.cache import cache
    from django.core.cache.backends.redis import RedisCache

    from emilia import cache as tolerant

    monkeypatch.setattr(tolerant, "_down_until", {})
    attempts = []
    original = RedisCache.get

    def counting_get(self, *args, **kwargs):
        attempts.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(RedisCache, "get", counting_get)
    assert cache.get("a") is None
    assert cache.get("b", "fallback") == "fallback"
    assert cache.incr("c", 3) == 3
    assert attempts == ["a"]
    monkeypatch.setattr(tolerant, "_down_until", {})
    assert cache.get("d") is None
    assert attempts == ["a", "d"]
