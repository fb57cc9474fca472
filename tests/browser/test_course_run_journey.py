"""A course run from start to finish in a real browser, with axe on every trainer page: the
trainer makes a run and dates it, a learner asks to join, the trainer accepts, takes every
register and closes the run; the learner downloads the certificate, and the address in its QR
code (read from the PDF by zbar, as a phone would) shows the learner's name."""

import subprocess

import pytest
from playwright.sync_api import expect

from courses.models import CourseRun, ProgrammePage, TrainerLevel
from tests.browser.test_accessibility import axe_violations
from tests.pdp_helpers import PASSWORD, make_user
from tests.run_helpers import make_run, make_trainer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, site_url, username):
    context = browser.new_context()
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{site_url}/en/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/my/")
    return page


def read_qr_code(pdf_path, tmp_path):
    subprocess.run(  # noqa: S603 - fixed tools, a file the test wrote
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf_path), str(tmp_path / "page")],
        check=True,
    )
    result = subprocess.run(  # noqa: S603
        ["zbarimg", "--raw", "-q", str(tmp_path / "page.png")],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def test_a_course_run_from_start_to_certificate(browser, site_url, tmp_path):
    make_trainer("alex-lead")
    make_user("maria")
    trainer = sign_in(browser, site_url, "alex-lead")

    trainer.goto(f"{site_url}/en/trainer/")
    expect(trainer.locator("h1")).to_have_text("Trainer dashboard")
    assert axe_violations(trainer) == []

    trainer.get_by_role("link", name="New course run").first.click()
    expect(trainer.locator("h1")).to_have_text("New course run")
    assert axe_violations(trainer) == []
    # Sending it empty shows the errors, accessibly.
    trainer.fill("#id_capacity", "")
    trainer.get_by_role("button", name="Save").click()
    expect(trainer.locator(".error-summary")).to_be_visible()
    assert axe_violations(trainer) == []
    trainer.select_option("#id_programme", label="1. Finding hope (English)")
    trainer.get_by_label("Open for enrolment").check()
    trainer.fill("#id_venue", "Riverside Centre")
    trainer.fill("#id_capacity", "6")
    trainer.get_by_role("button", name="Save").click()

    expect(trainer.locator("h1")).to_have_text("Dates of the sessions")
    assert axe_violations(trainer) == []
    sessions = trainer.locator("fieldset.schedule-row").count()
    for number in range(1, sessions + 1):
        trainer.fill(f"#id_date_{number}", f"2026-09-{number * 3:02d}")
        trainer.fill(f"#id_time_{number}", "10:00")
    trainer.get_by_role("button", name="Save the dates").click()
    expect(trainer.locator("h1")).to_have_text("Finding hope")
    run = CourseRun.objects.get()
    assert run.schedule.count() == sessions

    learner = sign_in(browser, site_url, "maria")
    learner.goto(f"{site_url}/en/course-runs/{run.pk}/")
    assert axe_violations(learner) == []
    learner.get_by_role("button", name="Ask for a place").click()
    expect(learner.get_by_text("You have asked for a place.").first).to_be_visible()

    trainer.reload()
    assert axe_violations(trainer) == []
    trainer.get_by_role("button", name="Accept maria").click()
    expect(trainer.get_by_text("maria has a place.")).to_be_visible()

    for number in range(1, sessions + 1):
        trainer.goto(f"{site_url}/en/trainer/runs/{run.pk}/sessions/{number}/register/")
        expect(trainer.locator("h1")).to_have_text(f"Register for session {number}")
        if number == 1:
            assert axe_violations(trainer) == []
        trainer.get_by_label("maria").check()
        trainer.get_by_role("button", name="Save the register").click()
        expect(trainer.get_by_text(f"The register for session {number} is saved.")).to_be_visible()

    trainer.get_by_role("link", name="Close the run").click()
    expect(trainer.locator("h1")).to_have_text("Close the run")
    assert axe_violations(trainer) == []
    trainer.get_by_role("button", name="Close the run and issue certificates").click()
    expect(trainer.get_by_text("1 certificates were issued")).to_be_visible()
    assert axe_violations(trainer) == []

    learner.goto(f"{site_url}/en/my/courses/")
    learner.get_by_role("link", name="Finding hope", exact=True).click()
    expect(learner.get_by_role("heading", name="My certificate", exact=True)).to_be_visible()
    assert axe_violations(learner) == []
    with learner.expect_download() as download:
        learner.get_by_role("link", name="Download my certificate (PDF)").click()
    pdf_path = tmp_path / "certificate.pdf"
    download.value.save_as(pdf_path)

    address = read_qr_code(pdf_path, tmp_path)
    assert address.startswith(site_url + "/certificates/")
    visitor = browser.new_page()
    visitor.goto(address)
    expect(visitor.locator("h1")).to_have_text("Certificate check")
    expect(visitor.locator(".facts")).to_contain_text("maria")
    expect(visitor.locator(".facts")).to_contain_text("Finding hope")
    assert axe_violations(visitor) == []
    for page in (trainer, learner, visitor):
        page.context.close()


def test_the_other_trainer_pages_are_accessible(browser, site_url):
    mentor = make_trainer("sam-mentor", TrainerLevel.TRAINER_OF_TRAINERS)
    run = make_run(ProgrammePage.objects.get(content_key="finding-hope"), mentor)
    page = sign_in(browser, site_url, "sam-mentor")
    for path, heading in (
        ("/en/trainer/profile/", "My trainer record"),
        ("/en/trainer/sign-off/", "Sign off a trainer"),
        (f"/en/trainer/runs/{run.pk}/edit/", "Change the run"),
        (f"/en/trainer/runs/{run.pk}/add/", "Add a learner"),
    ):
        page.goto(site_url + path)
        expect(page.locator("h1")).to_have_text(heading)
        assert axe_violations(page) == [], path
    # Errors on the sign-off form, and the invite link page.
    page.goto(site_url + "/en/trainer/sign-off/")
    page.get_by_role("button", name="Sign off").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{site_url}/en/trainer/runs/{run.pk}/")
    page.get_by_role("button", name="Make an invite link").click()
    expect(page.locator("h1")).to_have_text("Invite link")
    assert axe_violations(page) == []
    page.context.close()
