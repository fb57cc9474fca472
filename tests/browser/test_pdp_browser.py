"""The PDP in a real browser: no WCAG 2.2 AA problem on its home, a goal form with errors or the
sharing page; keyboard-only sign-in; no sideways scrolling at 400% zoom; the idle warning."""

import re

import pytest
from playwright.sync_api import expect

from learning_profile import models
from tests.browser.test_accessibility import axe_violations
from tests.pdp_helpers import PASSWORD, fill_profile, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def learner(site_url):
    user = make_user("sunflower")
    fill_profile(user, "Plain words")
    return user


def sign_in(page, site_url, next_path="/en/my/"):
    page.goto(f"{site_url}/en/accounts/login/?next={next_path}")
    page.fill("#id_username", "sunflower")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_path}")


def test_pdp_home_has_no_accessibility_problems(page, site_url, learner):
    sign_in(page, site_url)
    assert page.locator("h1").inner_text() == "Hello, sunflower"
    assert axe_violations(page) == []


def test_a_goal_form_with_errors_is_accessible_and_the_summary_links_to_fields(
    page, site_url, learner
):
    sign_in(page, site_url, "/en/my/goals/new/")
    page.fill("#id_why", "Because I want to feel useful")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert axe_violations(page) == []
    page.locator(".error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_title"
    # What was typed is still there.
    assert page.locator("#id_why").input_value() == "Because I want to feel useful"


def test_the_sharing_page_is_accessible(page, site_url, learner):
    make_user("supporter")
    sign_in(page, site_url, "/en/my/sharing/")
    assert axe_violations(page) == []


def test_signing_in_and_adding_a_goal_by_keyboard_alone(page, site_url, learner):
    page.goto(f"{site_url}/en/accounts/login/")
    page.focus("#id_username")
    page.keyboard.type("sunflower")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/my/")
    page.goto(f"{site_url}/en/my/goals/new/")
    page.focus("#id_title")
    page.keyboard.type("Join the walking group")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/en/my/goals/\d+/$"))
    assert page.locator("h1").inner_text() == "Join the walking group"


def test_pdp_pages_reflow_at_400_percent_zoom(browser, site_url, learner):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    sign_in(page, site_url)
    goal = models.Goal.objects.filter(owner=learner).first()
    for path in ("/en/my/", "/en/my/needs/", f"/en/my/goals/{goal.pk}/", "/en/my/situation/"):
        page.goto(site_url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path
    context.close()


def test_the_idle_warning_offers_to_stay_signed_in(page, site_url, learner, settings):
    settings.SESSION_IDLE_WARNING_SECONDS = 1
    sign_in(page, site_url)
    warning = page.locator(".session-warning")
    warning.wait_for()
    assert "signed out in about" in warning.inner_text()
    assert page.evaluate("document.activeElement.textContent") == "Stay signed in"
    with page.expect_response("**/accounts/session/keep-alive/") as response:
        page.keyboard.press("Enter")
    assert response.value.status == 204
    assert warning.count() == 0
