"""Accounts: registration without a real name, sign-in that resists guessing, sessions that end."""

import re
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from learning_profile import models, throttle
from tests.pdp_helpers import PASSWORD, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_argon2_hashes_passwords():
    from emilia.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    validators = [item["NAME"].rsplit(".", 1)[1] for item in base.AUTH_PASSWORD_VALIDATORS]
    assert "CommonPasswordValidator" in validators and "MinimumLengthValidator" in validators
    assert not [name for name in validators if "Numeric" in name or "Composition" in name]


def test_registering_without_email_shows_a_one_time_recovery_code(client):
    response = client.post(
        reverse("register"),
        {"username": "bluebird", "email": "", "password1": PASSWORD, "password2": PASSWORD},
    )
    html = response.content.decode()
    assert response.status_code == 200
    code = re.search(r'class="recovery-code"[^>]*>([0-9A-F-]+)<', html).group(1)
    user = User.objects.get(username="bluebird")
    assert user.groups.filter(name="Learners").exists()
    assert code not in user.recovery_code.code_hash
    assert client.get(reverse("pdp_home")).status_code == 200  # signed in


def test_registering_with_email_gives_no_code(client):
    Group.objects.get_or_create(name="Learners")
    response = client.post(
        reverse("register"),
        {
            "username": "wren",
            "email": "wren@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert not models.RecoveryCode.objects.exists()


def test_registration_errors_are_plain_and_nothing_is_saved(client):
    make_user("taken")
    response = client.post(
        reverse("register"),
        {
            "username": "taken",
            "email": "not-an-email",
            "password1": "password",
            "password2": "different",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in html
    assert "Someone already has that username" in html
    assert "Please enter an email address like name@example.org" in html
    assert "The two passwords are not the same" in html
    assert User.objects.count() == 1


def test_common_and_short_passwords_are_refused(client):
    response = client.post(
        reverse("register"),
        {"username": "robin", "password1": "password123", "password2": "password123"},
    )
    assert "too common" in response.content.decode()
    assert not User.objects.filter(username="robin").exists()


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


def test_signing_in_makes_a_new_session_key(client):
    make_user("heron")
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    sign_in(client, "heron")
    assert client.session.session_key != before
    assert client.session.get("_auth_user_id")


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "https:evil.example", "javascript:alert(1)", "https://evil.example/"],
)
def test_next_never_leaves_the_site(client, target):
    make_user("heron")
    response = sign_in(client, "heron", next=target)
    assert response.status_code == 302
    assert response["Location"] == reverse("pdp_home")


def test_next_inside_the_site_is_followed(client):
    make_user("heron")
    response = sign_in(client, "heron", next="/en/my/goals/")
    assert response["Location"] == "/en/my/goals/"


def test_wrong_password_and_unknown_user_get_the_same_message(client):
    make_user("heron")
    wrong = sign_in(client, "heron", "not the password").content.decode()
    unknown = sign_in(client, "nobody-here", "not the password").content.decode()
    message = "The username and password do not match."
    assert message in wrong and message in unknown


def test_lockout_triggers_for_real_and_unknown_names_and_lifts(client, monkeypatch):
    make_user("heron")
    clock = [1_000_000.0]
    monkeypatch.setattr(throttle, "now", lambda: clock[0])
    for name in ("heron", "ghost"):
        for _attempt in range(throttle.MAX_PER_USERNAME):
            assert sign_in(client, name, "wrong password").status_code == 200
        response = sign_in(client, name, PASSWORD)
        assert "too many tries to sign in" in response.content.decode()
        assert "_auth_user_id" not in client.session
    clock[0] += throttle.WINDOW_SECONDS + 1
    assert sign_in(client, "heron").status_code == 302


def test_too_many_failures_from_one_address_lock_it(client, monkeypatch):
    monkeypatch.setattr(throttle, "MAX_PER_ADDRESS", 3)
    make_user("heron")
    for number in range(3):
        sign_in(client, f"guess{number}", "wrong password")
    assert "too many tries" in sign_in(client, "heron").content.decode()


def test_signing_out_ends_the_session_and_back_shows_nothing(client):
    make_user("heron")
    sign_in(client, "heron")
    page = client.get(reverse("pdp_home"))
    assert "no-store" in page["Cache-Control"]
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("signed_out")
    assert client.get(reverse("pdp_home")).status_code == 302


def test_changing_the_password_ends_other_sessions():
    user = make_user("heron")
    here, elsewhere = Client(), Client()
    sign_in(here, "heron")
    sign_in(elsewhere, "heron")
    response = here.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert here.get(reverse("pdp_home")).status_code == 200
    assert elsewhere.get(reverse("pdp_home")).status_code == 302
    user.refresh_from_db()
    assert user.check_password("a brand new passphrase")


def test_sessions_end_after_the_absolute_limit(client):
    make_user("heron")
    sign_in(client, "heron")
    session = client.session
    session["signed_in_at"] = int(time.time()) - django_settings.SESSION_ABSOLUTE_SECONDS - 5
    session.save()
    response = client.get(reverse("pdp_goals"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("pdp_home")).status_code == 302


def test_the_idle_limit_is_thirty_minutes_renewed_by_use():
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    assert django_settings.SESSION_SAVE_EVERY_REQUEST
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_keep_alive(client):
    assert client.post(reverse("keep_alive")).status_code == 401
    make_user("heron")
    sign_in(client, "heron")
    assert client.post(reverse("keep_alive")).status_code == 204


def test_a_form_sent_after_the_session_ended_is_carried_through_sign_in(client):
    user = make_user("heron")
    text = "Three pages of careful thoughts <b>about today</b>"
    response = client.post(
        reverse("pdp_reflections_new"), {"written_on": "2026-11-20", "text": text}
    )
    html = response.content.decode()
    assert response.status_code == 401
    assert "your writing is safe" in html
    assert 'name="carried-text"' in html and "&lt;b&gt;about today" in html
    assert not models.Reflection.objects.exists()
    response = sign_in(
        client,
        "heron",
        next=reverse("pdp_reflections_new"),
        **{"carried-text": text, "carried-written_on": "2026-11-20"},
    )
    html = response.content.decode()
    assert "Save what I wrote" in html
    assert f'action="{reverse("pdp_reflections_new")}"' in html
    client.post(reverse("pdp_reflections_new"), {"written_on": "2026-11-20", "text": text})
    assert models.Reflection.objects.get().owner == user


def test_recovery_code_resets_the_password_once():
    html = (
        Client()
        .post(
            reverse("register"),
            {"username": "bluebird", "password1": PASSWORD, "password2": PASSWORD},
        )
        .content.decode()
    )
    code = re.search(r'class="recovery-code"[^>]*>([0-9A-F-]+)<', html).group(1)
    data = {
        "username": "bluebird",
        "code": code.lower(),
        "new_password1": "my new long passphrase",
        "new_password2": "my new long passphrase",
    }
    response = Client().post(reverse("recover"), data)
    assert "Your new password is set" in response.content.decode()
    new_code = re.search(r'class="recovery-code"[^>]*>([0-9A-F-]+)<', response.content.decode())
    assert new_code.group(1) != code
    assert User.objects.get(username="bluebird").check_password("my new long passphrase")
    again = Client().post(reverse("recover"), data)
    assert "That username and recovery code do not match." in again.content.decode()


def test_a_wrong_recovery_code_changes_nothing():
    make_user("heron")
    response = Client().post(
        reverse("recover"),
        {
            "username": "heron",
            "code": "ABC",
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )
    assert response.status_code == 400
    assert "That username and recovery code do not match." in response.content.decode()
    assert User.objects.get(username="heron").check_password(PASSWORD)


def test_password_reset_by_email(client):
    make_user("wren", email="wren@example.org")
    client.post(reverse("password_reset"), {"email": "wren@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    assert "Choose a new password" in page.content.decode()
    client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert len(mail.outbox) == 1
