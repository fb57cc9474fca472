"""The self-assessment in a real browser, with JavaScript on and off: no WCAG 2.2 AA problem
on any step, the errors, the results or the saved page.

axe-core is JavaScript, so in the JavaScript-off pass each page's HTML, as that browser got it,
is copied into a second, scripted page on the same site and checked there."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def on_step(page, step):
    """Wait until the browser shows this step. Playwright's click waits only for a navigation to
    start, and `.all()` below does not wait at all: without this, answers could be given on the
    page that is being left."""
    expect(page.locator(".page-heading__kicker")).to_have_text(f"Step {step} of 5")


def answer_step(page, rating):
    for group in page.locator("fieldset.rating").all():
        group.locator(f"input[value='{rating}']").check()


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_the_whole_journey(browser, site_url, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    context.set_default_timeout(15_000)
    page = context.new_page()

    checker = None if javascript else browser.new_page()

    def accessible():
        if javascript:
            return axe_violations(page) == []
        checker.goto(site_url + "/robots.txt")  # same origin, so /static/ links resolve
        checker.set_content(page.content())
        return axe_violations(checker) == []

    page.goto(site_url + "/en/organisations/self-assessment/")
    assert accessible()
    page.get_by_role("button", name="Start the self-assessment").click()
    on_step(page, 1)
    assert accessible()

    # Submitting an empty step shows the errors, accessibly.
    page.get_by_role("button", name="Continue to step 2").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert accessible()
    page.locator(".error-summary a").first.click()
    if javascript:
        assert page.evaluate("document.activeElement.type") == "radio"

    answer_step(page, 2)
    page.locator("#obstacles input[type=checkbox]").first.check()
    page.get_by_role("button", name="Continue to step 2").click()
    on_step(page, 2)
    answer_step(page, 4)
    page.get_by_role("button", name="Back to step 1").click()
    on_step(page, 1)
    expect(page.locator("#obstacles input[type=checkbox]").first).to_be_checked()
    page.get_by_role("button", name="Continue to step 2").click()
    for step in range(2, 6):
        on_step(page, step)
        if step == 2:
            # The answers given before going back are still there.
            expect(page.locator("fieldset.rating input[value='4']").first).to_be_checked()
        answer_step(page, step)
        label = "See my results" if step == 5 else f"Continue to step {step + 1}"
        page.get_by_role("button", name=label).click()

    expect(page.locator("h1")).to_have_text("Your self-assessment results")
    assert page.locator("meter").count() == 5
    assert page.locator(".plan-item").count() == 1
    assert accessible()

    page.get_by_role("button", name="Save under a private link").click()
    expect(page.get_by_text("Saved under a private link")).to_be_visible()
    assert "/organisations/self-assessment/saved/" in page.url
    assert accessible()
    page.get_by_role("link", name="Delete these saved results").click()
    expect(page.get_by_role("button", name="Yes, delete it")).to_be_visible()
    assert accessible()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.locator("h1")).to_have_text("Your saved self-assessment is deleted")
    context.close()
    if checker:
        checker.close()
