"""Two-step sign-in for the admin (emilia/two_factor.py): everyone who can reach the admin sets
up an authenticator app, then types a code from it (or a recovery code) in every new session."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from emilia.two_factor import new_recovery_codes

pytestmark = pytest.mark.django_db

PASSWORD = "long-enough-pass"
SETUP = "/en/accounts/two-factor/set-up/"
VERIFY = "/en/accounts/two-factor/verify/"
CODES = "/en/accounts/two-factor/recovery-codes/"
RECOVERY_CODE = re.compile(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>")


def member_of(group, username="ed"):
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor():
    return member_of("Editors")


@pytest.fixture
def app(editor):
    """The editor's confirmed authenticator app."""
    return TOTPDevice.objects.create(user=editor, name="Phone")


def code_now(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong_code(device):
    """A code the app does not accept now (nor one step before or after, which it also takes)."""
    accepted = {f"{totp(device.bin_key, drift=drift):06d}" for drift in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in accepted)


def field_error(response):
    html = response.content.decode()
    return re.search(r'<p class="field-error" id="id_code_error">.*?</span>(.*?)</p>', html, re.S)


def wait_as_if(user):
    """As if the wait after the last wrong code had passed."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).exclude(throttling_failure_timestamp=None).update(
            throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
        )


def test_staff_without_an_app_are_sent_to_set_one_up(client, editor):
    client.force_login(editor)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next={quote('/admin/pages/', safe='')}"
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert "emilia/two_factor/setup.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert '<img class="qr-code" src="data:image/svg+xml' in html
    assert 'alt="QR code that adds your Emilia Training admin account' in html
    device = TOTPDevice.objects.get(user=editor)
    assert not device.confirmed
    key = re.search(r'<p class="setup-key".*?</span>([A-Z2-7 ]+)</p>', html).group(1)
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", key)  # 160 bits in groups of four
    assert 'name="next" value="/admin/pages/"' in html
    # Reloading shows the same key: one app is being set up, not a new one each time.
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=editor).count() == 1


def test_a_wrong_code_shows_the_error_and_confirms_nothing(client, editor):
    client.force_login(editor)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=editor)
    response = client.post(SETUP, {"code": wrong_code(device), "next": "/admin/"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_code">Code from the app: That code is not right.' in html
    assert "That code is not right" in field_error(response).group(1)
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_code_error id_code_helptext"' in html
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.exists()
    assert client.get("/admin/")["Location"].startswith(SETUP)


def test_letters_are_refused_while_setting_up(client, editor):
    client.force_login(editor)
    response = client.post(SETUP, {"code": "abcdefgh"})
    assert response.status_code == 400
    assert "Please enter the 6 numbers the app shows" in field_error(response).group(1)


def test_a_right_code_confirms_the_app_and_shows_ten_recovery_codes_once(client, editor):
    client.force_login(editor)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=editor)
    code = code_now(device)
    response = client.post(SETUP, {"code": f"{code[:3]} {code[3:]}", "next": "/admin/pages/"})
    assert response.status_code == 200
    assert "emilia/two_factor/recovery_codes.html" in [t.name for t in response.templates]
    codes = RECOVERY_CODE.findall(response.content.decode())
    assert len(codes) == 10 == len(set(codes))
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(
        c.replace("-", "") for c in codes
    )
    assert 'href="/admin/pages/">I have kept my codes: continue' in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/pages/").status_code == 200
    # Never shown again: the recovery codes page only counts them.
    page = client.get(CODES).content.decode()
    assert "You have 10 recovery codes left." in page
    assert not RECOVERY_CODE.findall(page)


def test_a_later_session_must_type_a_code(client, app, editor):
    client.force_login(editor)
    response = client.get("/admin/")
    assert response["Location"] == f"{VERIFY}?next={quote('/admin/', safe='')}"
    page = client.get(response["Location"])
    assert "emilia/two_factor/verify.html" in [t.name for t in page.templates]
    response = client.post(VERIFY, {"code": code_now(app), "next": "/admin/pages/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/").status_code == 200
    # The same code does not work twice, even in another session.
    other = Client()
    other.force_login(editor)
    response = other.post(VERIFY, {"code": code_now(app)})
    assert response.status_code == 400
    assert other.get("/admin/").status_code == 302


def test_signing_in_on_the_site_then_the_second_step(client, app):
    response = client.get("/admin/")
    assert response["Location"] == "/en/accounts/login/?next=/admin/"
    response = client.post(
        "/en/accounts/login/", {"username": "ed", "password": PASSWORD, "next": "/admin/"}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": code_now(app)})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_works_once_and_says_how_many_are_left(client, app, editor):
    codes = new_recovery_codes(editor)
    client.force_login(editor)
    response = client.post(VERIFY, {"code": codes[0].upper(), "next": "/admin/pages/"})
    assert response.status_code == 302
    assert response["Location"] == f"{CODES}?next={quote('/admin/pages/', safe='')}"
    page = client.get(response["Location"]).content.decode()
    assert "You signed in with a recovery code, so that code will not work again." in page
    assert "You have 9 recovery codes left." in page
    assert client.get("/admin/").status_code == 200

    other = Client()
    other.force_login(editor)
    response = other.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 400
    assert "That code is not right" in field_error(response).group(1)
    assert other.get("/admin/").status_code == 302
    assert StaticToken.objects.count() == 9


def test_wrong_codes_make_you_wait(client, app, editor):
    """django-otp's throttling: after each wrong code the wait doubles, and even the right
    code is refused until it is over."""
    client.force_login(editor)
    for _ in range(5):
        response = client.post(VERIFY, {"code": wrong_code(app)})
        assert "That code is not right" in field_error(response).group(1)
        wait_as_if(editor)
    TOTPDevice.objects.filter(pk=app.pk).update(throttling_failure_timestamp=timezone.now())
    response = client.post(VERIFY, {"code": code_now(app)})
    assert response.status_code == 400
    message = field_error(response).group(1)
    assert re.search(r"too many wrong codes. For your safety, please wait 1[56] seconds", message)
    assert '<li><a href="#id_code">Code: There have been too many wrong codes.' in (
        response.content.decode()
    )
    assert client.get("/admin/").status_code == 302
    # Recovery codes wait too.
    codes = new_recovery_codes(editor)
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 400
    assert StaticToken.objects.count() == 10
    wait_as_if(editor)
    assert client.post(VERIFY, {"code": code_now(app)}).status_code == 302
    app.refresh_from_db()
    assert app.throttling_failure_count == 0
    assert client.get("/admin/").status_code == 200


def test_a_learner_is_never_asked(client):
    learner = member_of("Learners", "le")
    client.force_login(learner)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")
    assert client.get("/en/my/").status_code == 200
    assert client.get(SETUP).status_code == 404
    assert client.get(VERIFY).status_code == 404
    assert not TOTPDevice.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get(VERIFY)["Location"].startswith("/en/accounts/login/?next=")


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/admin/", "javascript:alert(1)"]
)
def test_next_may_not_leave_the_site(client, app, editor, next_url):
    client.force_login(editor)
    assert 'name="next" value="/admin/"' in client.get(VERIFY, {"next": next_url}).content.decode()
    response = client.post(VERIFY, {"code": code_now(app), "next": next_url})
    assert response["Location"] == "/admin/"


def test_the_pages_are_never_stored(client, editor):
    client.force_login(editor)
    pages = [client.get(SETUP)]
    device = TOTPDevice.objects.get(user=editor)
    pages.append(client.post(SETUP, {"code": code_now(device)}))  # the recovery codes
    pages.append(client.get(CODES))
    other = Client()
    other.force_login(editor)
    pages.append(other.get(VERIFY))
    for response in pages:
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]


def test_the_admins_own_sign_in_page_sends_to_the_sites(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/admin/pages/"


def test_signing_out_of_the_admin(client, app, editor, admin_login):
    admin_login(editor)
    response = client.post("/admin/logout/")
    assert response["Location"] == "/en/accounts/login/"
    assert (
        "You have been successfully logged out."
        in client.get("/en/accounts/login/").content.decode()
    )
    assert client.get("/admin/")["Location"] == "/en/accounts/login/?next=/admin/"


def test_making_new_recovery_codes_replaces_the_old_ones(client, editor, admin_login):
    old = new_recovery_codes(editor)
    admin_login(editor)
    assert "Two-step sign-in" in client.get("/admin/account/").content.decode()
    response = client.post(CODES, {"next": "/admin/account/"})
    new = RECOVERY_CODE.findall(response.content.decode())
    assert len(new) == 10
    assert not set(new) & set(old)
    other = Client()
    other.force_login(editor)
    assert other.post(VERIFY, {"code": old[1]}).status_code == 400
    wait_as_if(editor)
    assert other.post(VERIFY, {"code": new[1]}).status_code == 302


def test_the_recovery_codes_page_needs_the_second_step(client, app, editor):
    client.force_login(editor)
    response = client.get(CODES)
    assert response["Location"].startswith(VERIFY)
    assert client.post(CODES).status_code == 302
    assert not StaticToken.objects.exists()


def test_an_app_is_replaced_only_from_a_verified_session(client, app, editor, admin_login):
    """Someone who knows only the password cannot swap in an app of their own."""
    client.force_login(editor)
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    admin_login(editor)
    page = client.get(SETUP).content.decode()
    assert "Set up a new authenticator app" in page
    new = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert client.post(SETUP, {"code": code_now(new)}).status_code == 200
    assert list(TOTPDevice.objects.filter(user=editor)) == [new]
    assert client.get("/admin/").status_code == 200


def test_an_administrator_resets_someones_two_step_sign_in(client, app, editor, admin_login):
    new_recovery_codes(editor)
    admin_login(editor)
    call_command("reset_two_factor", "ed")
    assert not TOTPDevice.objects.exists()
    assert not StaticToken.objects.exists()
    # Signed out everywhere: the new app is set up after signing in again.
    assert client.get("/admin/")["Location"] == "/en/accounts/login/?next=/admin/"
    client.force_login(editor)
    assert client.get("/admin/")["Location"].startswith(SETUP)
    with pytest.raises(CommandError):
        call_command("reset_two_factor", "nobody")
