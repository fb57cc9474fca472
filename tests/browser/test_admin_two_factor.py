"""Two-step sign-in for the admin in a real browser: setting it up, the recovery codes and the
code page have no WCAG 2.2 AA problem, and a later sign-in works by keyboard alone."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.test_accessibility import axe_violations
from tests.pdp_helpers import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, site_url):
    page.goto(f"{site_url}/admin/")
    page.wait_for_url("**/en/accounts/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_setting_up_two_step_sign_in_then_signing_in_with_a_recovery_code(browser, page, site_url):
    editor = make_user("editor")
    editor.groups.add(Group.objects.get(name="Editors"))

    sign_in(page, site_url)
    page.wait_for_url("**/en/accounts/two-factor/set-up/?next=%2Fadmin%2F")
    expect(page.locator("h1")).to_have_text("Set up two-step sign-in")
    assert page.locator("img.qr-code").evaluate("img => img.naturalWidth") > 100
    assert axe_violations(page) == []

    device = TOTPDevice.objects.get(user=editor)
    code = f"{totp(device.bin_key):06d}"
    page.fill("#id_code", "12345")
    page.get_by_role("button", name="Check the code").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert axe_violations(page) == []
    # As if the short wait after a wrong code had passed.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=1)
    )
    page.fill("#id_code", code)
    page.get_by_role("button", name="Check the code").click()
    expect(page.locator("h1")).to_have_text("Your recovery codes")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert axe_violations(page) == []
    page.get_by_role("link", name="I have kept my codes: continue").click()
    page.wait_for_url(f"{site_url}/admin/")

    # A later session asks for a code; this time by keyboard alone, with a recovery code
    # (the app's code of these 30 seconds has been used).
    context = browser.new_context()
    later = context.new_page()
    try:
        sign_in(later, site_url)
        later.wait_for_url("**/en/accounts/two-factor/verify/?next=%2Fadmin%2F")
        assert axe_violations(later) == []
        later.focus("#id_code")
        later.keyboard.type(codes[0])
        later.keyboard.press("Enter")
        later.wait_for_url("**/en/accounts/two-factor/recovery-codes/?next=%2Fadmin%2F")
        expect(later.locator(".messages")).to_contain_text("that code will not work again")
        expect(later.locator("main")).to_contain_text("You have 9 recovery codes left.")
        assert axe_violations(later) == []
        later.get_by_role("link", name="Continue to the admin").click()
        later.wait_for_url(f"{site_url}/admin/")
    finally:
        context.close()
