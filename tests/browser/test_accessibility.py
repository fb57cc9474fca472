"""Accessibility in a real browser: no WCAG 2.2 A/AA problem, keys work, no JS needed."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PAGES = {
    "home": "/en/",
    "catalogue": "/en/programmes/",
    "programme": "/en/programmes/finding-hope/",
    "session": "/en/programmes/finding-hope/part-3/",
    "search": "/en/search/?q=hope",
    "not found": "/en/no-such-page/",
    "support": "/en/support/",
    "downloads": "/en/downloads/",
    "greek home": "/el/",
    "polish catalogue": "/pl/programmes/",
    "french support": "/fr/support/",
}


def axe_violations(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} element(s): "
        f"{violation['nodes'][0]['target']})"
        for violation in results.response["violations"]
    ]


@pytest.mark.parametrize("name", PAGES)
def test_no_wcag_violations(page, site_url, name):
    response = page.goto(site_url + PAGES[name])
    assert response.status == (404 if name == "not found" else 200)
    assert axe_violations(page) == []


def test_no_wcag_violations_with_trainer_notes_open(page, site_url):
    page.goto(site_url + PAGES["session"])
    for summary in page.locator("details.trainer-notes summary").all():
        summary.click()
    assert axe_violations(page) == []


def test_the_skip_link_is_first_and_moves_focus_to_the_main_content(page, site_url):
    page.goto(site_url + PAGES["programme"])
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("#main")


def test_keyboard_focus_is_visible_on_links(page, site_url):
    page.goto(site_url + PAGES["catalogue"])
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the site name
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_the_support_link_is_reachable_by_keyboard_on_every_page(page, site_url):
    page.goto(site_url + PAGES["session"])
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Need support now?"
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/support/")
    assert page.locator("h1").inner_text() == "Need support now?"


def test_trainer_notes_open_with_the_keyboard(page, site_url):
    page.goto(site_url + PAGES["session"])
    summary = page.locator("details.trainer-notes summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details.trainer-notes").first.get_attribute("open") is not None
    assert page.get_by_text("Go first and keep it light in session 3").is_visible()


def test_catalogue_filters_work_with_javascript_off(page_without_js, site_url):
    page = page_without_js
    page.goto(site_url + PAGES["catalogue"])
    page.select_option("#filter-audience", "staff")
    page.get_by_role("button", name="Show courses").click()
    page.wait_for_url("**/en/programmes/?audience=staff&tag=")
    cards = page.locator(".card__title").all_inner_texts()
    assert len(cards) == 1 and "Working well" in cards[0]
    assert page.locator("#filter-audience").input_value() == "staff"


def test_search_works_with_javascript_off(page_without_js, site_url):
    page = page_without_js
    page.goto(site_url + "/en/search/")
    page.fill("#search-q", "kaleidoscope")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/search/?q=kaleidoscope")
    assert page.locator(".search-results h2").all_inner_texts() == ["Finding hope, part 3"]


def test_the_page_reflows_at_400_percent_zoom(browser, site_url):
    """At 320 CSS pixels wide (1280 at 400%), nothing scrolls sideways."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    for name in ("home", "catalogue", "programme", "session"):
        page.goto(site_url + PAGES[name])
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"
    context.close()
