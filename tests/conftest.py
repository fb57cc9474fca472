import importlib

import pytest
from django.core.management import call_command
from django.utils import translation

from tests.factories import write_fixture_content


@pytest.fixture(scope="session")
def fixture_content_dir(tmp_path_factory):
    return write_fixture_content(tmp_path_factory.mktemp("content") / "programmes")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, fixture_content_dir):
    """Every database test starts from the two fixture programmes, imported once."""
    with django_db_blocker.unblock():
        call_command("load_content", source=str(fixture_content_dir), verbosity=0)


@pytest.fixture
def programme(db):
    from courses.models import ProgrammePage

    return ProgrammePage.objects.get(content_key="finding-hope")


@pytest.fixture
def session_page(programme):
    from courses.models import SessionPage

    return SessionPage.objects.get(content_key="finding-hope-part-3")


@pytest.fixture
def admin_login(client):
    """Signs a user in as after both steps of the admin's sign-in: the password, then a code
    from a confirmed authenticator app (made here if they have none)."""

    def sign_in(user):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Test app")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return device

    return sign_in


@pytest.fixture(autouse=True)
def fresh_page_cache():
    """No test sees pages another test cached (a version bump, not a clear: the workers share
    Redis in CI, and clearing would drop the other worker's keys mid-test)."""
    from emilia.middleware import forget_cached_pages

    forget_cached_pages()


@pytest.fixture(autouse=True)
def own_sign_in_counts(monkeypatch):
    """Each test counts failed sign-ins under keys of its own: in CI both workers share one
    Redis, and tests reuse usernames and the client's address."""
    import uuid

    from learning_profile import throttle

    monkeypatch.setattr(throttle, "KEY_PREFIX", f"signin-failures:test-{uuid.uuid4().hex}")


@pytest.fixture(autouse=True)
def english_by_default():
    """Each test starts in English: a request to /fr/ leaves French active in the thread
    (LocaleMiddleware activates, never resets), which would change later `reverse()` calls."""
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test keeps its uploaded and built files in a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def restore_migrated_data():
    """Put back what migrations create, which the flush after a transactional test removes."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Locale, Page

    ContentType.objects.clear_cache()  # the flush gave content types new ids
    if not Page.objects.filter(depth=1).exists():
        Locale.objects.get_or_create(language_code="en")
        Page.add_root(instance=Page(title="Root", slug="root"))
    groups = importlib.import_module("emilia.migrations.0002_groups")
    groups.create_groups(apps, None)


@pytest.fixture
def transactional_content(transactional_db, fixture_content_dir):
    """The fixture programmes in a database that real commits reach (flushed after the test)."""
    restore_migrated_data()
    call_command("load_content", source=str(fixture_content_dir), verbosity=0)


@pytest.fixture
def render_counter(monkeypatch):
    """Every pack rendering, as the keyword arguments it was given (the time limit)."""
    from courses import packs

    calls = []
    original = packs.render_pdf

    def counting(html, **kwargs):
        calls.append(kwargs)
        return original(html, **kwargs)

    monkeypatch.setattr(packs, "render_pdf", counting)
    return calls
