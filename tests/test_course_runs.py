"""Peer trainers and course runs: who may do what, enrolment and its capacity (also under
concurrency), registers and sign-in sheets, closing a run and its certificates (exactly one
each, also when closed twice at once), the public check, anonymous feedback, the pathway."""

import datetime
import io
import threading

import pypdf
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from courses import runs
from courses.models import (
    Accreditation,
    Attendance,
    Certificate,
    CourseRun,
    Enrolment,
    FeedbackReceipt,
    ProgrammePage,
    SessionFeedback,
    TrainerLevel,
    TrainerProfile,
)
from tests.pdp_helpers import make_user
from tests.run_helpers import enrol_learners, make_run, make_trainer, mark_all_present

pytestmark = pytest.mark.django_db


def pdf_text(content):
    reader = pypdf.PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def lead(db):
    return make_trainer("leader")


@pytest.fixture
def run(programme, lead):
    return make_run(programme, lead)


# Permissions -----------------------------------------------------------------------------------


def trainer_urls(run, enrolment_pk=1):
    return [
        ("get", reverse("trainer_run", args=[run.pk])),
        ("get", reverse("trainer_run_edit", args=[run.pk])),
        ("get", reverse("trainer_run_schedule", args=[run.pk])),
        ("get", reverse("trainer_register", args=[run.pk, 1])),
        ("post", reverse("trainer_register", args=[run.pk, 1])),
        ("get", reverse("trainer_sign_in_sheet", args=[run.pk, 1])),
        ("post", reverse("trainer_add_learner", args=[run.pk])),
        ("post", reverse("trainer_invite", args=[run.pk])),
        ("post", reverse("trainer_enrolment", args=[run.pk, enrolment_pk, "accept"])),
        ("post", reverse("trainer_close", args=[run.pk])),
        ("get", reverse("trainer_certificates", args=[run.pk])),
    ]


def test_a_trainer_cannot_reach_a_run_they_do_not_deliver(client, run):
    learner = make_user("hopeful")
    enrolment = runs.ask_to_join(run, learner)
    other = make_trainer("someone-else")
    client.force_login(other)
    for method, url in trainer_urls(run, enrolment.pk):
        assert getattr(client, method)(url).status_code == 404, url
    run.refresh_from_db()
    enrolment.refresh_from_db()
    assert run.closed_at is None and enrolment.status == Enrolment.Status.REQUESTED
    assert not run.invites.exists()


def test_learners_and_staff_get_403_on_trainer_pages(client, run, admin_user):
    learner = make_user("ordinary")
    runs.enrol(run, learner, Enrolment.Route.ADDED)
    for user in (learner, admin_user):
        client.force_login(user)
        assert client.get(reverse("trainer_dashboard")).status_code == 403
        for method, url in trainer_urls(run):
            assert getattr(client, method)(url).status_code == 403, url
    assert not Attendance.objects.exists()
    assert not Certificate.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, run):
    response = client.get(reverse("trainer_run", args=[run.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_co_trainer_manages_the_run_they_are_added_to(client, run):
    co = make_trainer("helper", TrainerLevel.CO_TRAINER)
    run.co_trainers.add(co)
    client.force_login(co)
    assert client.get(reverse("trainer_run", args=[run.pk])).status_code == 200
    assert client.get(reverse("trainer_register", args=[run.pk, 1])).status_code == 200


def test_only_lead_trainers_and_above_create_runs(client, programme):
    co = make_trainer("newbie", TrainerLevel.CO_TRAINER)
    client.force_login(co)
    assert client.get(reverse("trainer_run_new")).status_code == 403
    response = client.post(
        reverse("trainer_run_new"),
        {
            "programme": programme.pk,
            "status": "open",
            "venue": "Hall",
            "capacity": 8,
            "completion_percent": 75,
        },
    )
    assert response.status_code == 403
    assert not CourseRun.objects.exists()


# Making a run ----------------------------------------------------------------------------------


def run_form_data(programme, **changes):
    return {
        "programme": programme.pk,
        "status": "open",
        "venue": "Town library, meeting room",
        "access_notes": "",
        "capacity": "8",
        "completion_percent": "75",
        "co_trainer_names": "",
        **changes,
    }


def test_a_lead_trainer_creates_a_run_with_a_co_trainer_and_dates(client, lead, programme):
    co = make_trainer("second", TrainerLevel.CO_TRAINER)
    client.force_login(lead)
    response = client.post(
        reverse("trainer_run_new"), run_form_data(programme, co_trainer_names="second")
    )
    run = CourseRun.objects.get()
    assert response["Location"] == reverse("trainer_run_schedule", args=[run.pk])
    assert run.lead == lead and list(run.co_trainers.all()) == [co]
    dates = {}
    for number in range(1, len(programme.sessions) + 1):
        dates[f"date_{number}"] = f"2027-01-{number * 2:02d}"
        dates[f"time_{number}"] = "10:00"
    response = client.post(reverse("trainer_run_schedule", args=[run.pk]), dates)
    assert response.status_code == 302
    assert run.schedule.count() == len(programme.sessions)
    first = run.schedule.first()
    assert first.session == programme.sessions[0]
    assert first.duration_minutes == programme.sessions[0].duration_minutes


def test_a_run_with_missing_or_wrong_details_explains_and_saves_nothing(client, lead, programme):
    client.force_login(lead)
    response = client.post(
        reverse("trainer_run_new"),
        run_form_data(programme, venue="", capacity="0", co_trainer_names="nobody-here"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert "Say where the course meets" in html
    assert "These people are not peer trainers here: nobody-here" in html
    assert "Ensure this value is greater than or equal to 1" in html
    assert not CourseRun.objects.exists()


def test_dates_out_of_order_are_refused_and_nothing_is_saved(client, lead, programme):
    run = CourseRun.objects.create(programme=programme, lead=lead, venue="Hall", capacity=5)
    client.force_login(lead)
    response = client.post(
        reverse("trainer_run_schedule", args=[run.pk]),
        {"date_1": "2027-02-10", "time_1": "10:00", "date_2": "2027-02-03", "time_2": "10:00"},
    )
    assert response.status_code == 400
    assert "Session 2 must start after session 1 ends" in response.content.decode()
    assert not run.schedule.exists()


def test_a_schedule_longer_than_the_programme_is_refused(client, lead, programme):
    run = CourseRun.objects.create(programme=programme, lead=lead, venue="Hall", capacity=5)
    client.force_login(lead)
    count = len(programme.sessions)
    data = {}
    for number in range(1, count + 2):
        data[f"date_{number}"] = f"2027-03-{number:02d}"
        data[f"time_{number}"] = "09:30"
    response = client.post(reverse("trainer_run_schedule", args=[run.pk]), data)
    assert response.status_code == 400
    assert f"it has {count} sessions" in response.content.decode()
    assert not run.schedule.exists()


def test_capacity_cannot_go_below_the_learners_enrolled(client, run, lead):
    enrol_learners(run, 3)
    client.force_login(lead)
    response = client.post(
        reverse("trainer_run_edit", args=[run.pk]), run_form_data(run.programme, capacity="2")
    )
    assert response.status_code == 400
    assert "3 learners are already enrolled" in response.content.decode()
    run.refresh_from_db()
    assert run.capacity == 10 and run.places_taken == 3


def test_a_place_taken_while_capacity_is_lowered_gives_a_message_not_an_error(
    client, run, lead, monkeypatch
):
    """The form checks the count, then a learner takes a place before the save: the database
    refuses fewer places than learners, and the trainer sees why."""
    from courses import run_forms

    enrol_learners(run, 3)
    original = run_forms.CourseRunForm.is_valid
    calls = []

    def valid_then_a_place_is_taken(form):
        valid = original(form)
        if not calls:
            calls.append(True)
            enrol_learners(run, 1, prefix="late")
        return valid

    monkeypatch.setattr(run_forms.CourseRunForm, "is_valid", valid_then_a_place_is_taken)
    client.force_login(lead)
    response = client.post(
        reverse("trainer_run_edit", args=[run.pk]), run_form_data(run.programme, capacity="3")
    )
    assert response.status_code == 400
    assert "4 learners are already enrolled" in response.content.decode()
    run.refresh_from_db()
    assert run.capacity == 10 and run.places_taken == 4


# Enrolment -------------------------------------------------------------------------------------


def test_a_learner_asks_to_join_and_the_trainer_accepts(client, run, lead):
    learner = make_user("keen")
    client.force_login(learner)
    response = client.post(reverse("run_join", args=[run.pk]), follow=True)
    assert "You have asked for a place" in response.content.decode()
    enrolment = Enrolment.objects.get(run=run, learner=learner)
    assert enrolment.status == Enrolment.Status.REQUESTED
    client.force_login(lead)
    client.post(reverse("trainer_enrolment", args=[run.pk, enrolment.pk, "accept"]))
    enrolment.refresh_from_db()
    run.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ENROLLED and run.places_taken == 1


def test_a_trainer_adds_a_learner_by_username_and_hears_about_unknown_names(client, run, lead):
    make_user("Robin")
    client.force_login(lead)
    response = client.post(reverse("trainer_add_learner", args=[run.pk]), {"username": "nobody"})
    assert response.status_code == 400
    assert "Nobody here has that username" in response.content.decode()
    client.post(reverse("trainer_add_learner", args=[run.pk]), {"username": "robin"})
    assert run.enrolments.get().status == Enrolment.Status.ENROLLED


def test_an_invite_link_works_once(client, run, lead):
    client.force_login(lead)
    response = client.post(reverse("trainer_invite", args=[run.pk]))
    link = response.context["link"]
    path = link.split("testserver", 1)[1]
    first, second = make_user("invited"), make_user("forwarded")
    client.force_login(first)
    assert client.get(path).status_code == 200
    client.post(path)
    assert Enrolment.objects.get(learner=first).status == Enrolment.Status.ENROLLED
    client.force_login(second)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    assert not Enrolment.objects.filter(learner=second).exists()


def test_a_full_run_says_so(client, programme, lead):
    run = make_run(programme, lead, capacity=1)
    enrol_learners(run, 1)
    late = make_user("late")
    client.force_login(late)
    response = client.post(reverse("run_join", args=[run.pk]), follow=True)
    assert "Sorry, this run is full." in response.content.decode()
    with pytest.raises(runs.RunFull):
        runs.enrol(run, late, Enrolment.Route.ADDED)


def test_withdrawing_gives_the_place_back(client, programme, lead):
    run = make_run(programme, lead, capacity=1)
    (learner,) = enrol_learners(run, 1)
    client.force_login(learner)
    enrolment = Enrolment.objects.get(learner=learner)
    client.post(reverse("my_course_leave", args=[enrolment.pk]))
    run.refresh_from_db()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN and run.places_taken == 0
    runs.enrol(run, make_user("next-in-line"), Enrolment.Route.ADDED)


def in_threads(target, count=2):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def work(index):
        try:
            barrier.wait()
            results.append(target(index))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_two_learners_taking_the_last_place_one_gets_it(transactional_content):
    programme = ProgrammePage.objects.get(content_key="finding-hope")
    run = make_run(programme, make_trainer("lead-c"), capacity=3)
    enrol_learners(run, 2)
    contenders = [make_user("first-c"), make_user("second-c")]

    def take(index):
        try:
            runs.enrol(run, contenders[index], Enrolment.Route.INVITE)
            return "place"
        except runs.RunFull:
            return "full"

    results, errors = in_threads(take)
    assert errors == []
    assert sorted(results) == ["full", "place"]
    run.refresh_from_db()
    assert run.places_taken == 3
    assert run.enrolments.filter(status=Enrolment.Status.ENROLLED).count() == 3


# Registers and sign-in sheets -------------------------------------------------------------------


def test_the_register_marks_who_came_and_learners_see_their_own_attendance(client, run, lead):
    came, missed = enrol_learners(run, 2)
    client.force_login(lead)
    response = client.post(
        reverse("trainer_register", args=[run.pk, 1]), {"present": [str(came.pk)]}
    )
    assert response.status_code == 302
    first = run.schedule.get(number=1)
    assert Attendance.objects.get(run_session=first, learner=came).present
    assert not Attendance.objects.get(run_session=first, learner=missed).present
    client.force_login(came)
    enrolment = Enrolment.objects.get(learner=came)
    html = client.get(reverse("my_course", args=[enrolment.pk])).content.decode()
    assert "I was there" in html
    client.force_login(missed)
    other = Enrolment.objects.get(learner=missed)
    assert "Missed" in client.get(reverse("my_course", args=[other.pk])).content.decode()
    # Nobody sees someone else's course page.
    assert client.get(reverse("my_course", args=[enrolment.pk])).status_code == 404


def test_a_learner_cannot_mark_their_own_attendance(client, run):
    (learner,) = enrol_learners(run, 1)
    client.force_login(learner)
    response = client.post(
        reverse("trainer_register", args=[run.pk, 1]), {"present": [str(learner.pk)]}
    )
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_the_sign_in_sheet_lists_the_learners(client, run, lead):
    learners = enrol_learners(run, 2, prefix="sheet")
    Enrolment.objects.filter(learner=learners[0]).update(certificate_name="Jo Bloggs")
    client.force_login(lead)
    response = client.get(reverse("trainer_sign_in_sheet", args=[run.pk, 2]))
    assert response["Content-Type"] == "application/pdf"
    reader, text = pdf_text(response.content)
    assert "Sign-in sheet" in text
    assert "Jo Bloggs" in text and "sheet1" in text
    assert run.programme.title in text and "Library, room 1" in text
    assert reader.metadata.title.startswith("Sign-in sheet")


# Closing and certificates ------------------------------------------------------------------------


def test_closing_issues_one_certificate_to_each_learner_who_completed(client, run, lead):
    finished, dropped_out = enrol_learners(run, 2)
    mark_all_present(run, [finished], lead)
    client.force_login(lead)
    client.post(reverse("trainer_close", args=[run.pk]))
    client.post(reverse("trainer_close", args=[run.pk]))  # a double click
    run.refresh_from_db()
    assert run.status == CourseRun.Status.FINISHED
    certificate = Certificate.objects.get()
    assert certificate.holder == finished
    hours = sum(session.duration_minutes for session in run.programme.sessions) / 60
    assert float(certificate.hours) == pytest.approx(hours, abs=0.05)
    assert len(certificate.code) >= 27  # 160 random bits, base64
    assert not Certificate.objects.filter(holder=dropped_out).exists()


@pytest.mark.django_db(transaction=True)
def test_closing_twice_at_once_issues_no_duplicates(transactional_content):
    programme = ProgrammePage.objects.get(content_key="finding-hope")
    lead = make_trainer("lead-d")
    run = make_run(programme, lead)
    learners = enrol_learners(run, 3)
    mark_all_present(run, learners, lead)
    results, errors = in_threads(lambda index: runs.close_run(CourseRun.objects.get(pk=run.pk)))
    assert errors == []
    assert sorted(results) == [0, 3]
    assert Certificate.objects.filter(run=run).count() == 3


def test_the_certificate_pdf_has_the_chosen_name_the_facts_and_a_qr_code(client, run, lead):
    (learner,) = enrol_learners(run, 1)
    TrainerProfile.objects.create(user=lead, public_name="Alex", name_on_certificates=True)
    mark_all_present(run, [learner], lead)
    client.force_login(learner)
    enrolment = Enrolment.objects.get(learner=learner)
    client.post(reverse("my_course", args=[enrolment.pk]), {"certificate_name": "Maria Ortega"})
    runs.close_run(run)
    certificate = Certificate.objects.get()
    response = client.get(reverse("my_certificate_pdf", args=[certificate.code]))
    assert response["Content-Type"] == "application/pdf"
    reader, text = pdf_text(response.content)
    assert "Maria Ortega" in text and run.programme.title in text
    assert "Alex" in text  # the trainer agreed to be named
    assert f"/certificates/{certificate.code}/" in text.replace("\n", "")
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    assert len(reader.pages) == 1
    # Someone else cannot download it.
    client.force_login(make_user("nosy"))
    assert client.get(reverse("my_certificate_pdf", args=[certificate.code])).status_code == 404


def test_trainers_who_have_not_agreed_are_not_named(run, lead):
    (learner,) = enrol_learners(run, 1)
    TrainerProfile.objects.create(user=lead, public_name="Private Person")
    mark_all_present(run, [learner], lead)
    runs.close_run(run)
    assert Certificate.objects.get().trainer_names == ""


def test_the_batch_pdf_has_a_page_per_certificate(client, run, lead):
    learners = enrol_learners(run, 3)
    mark_all_present(run, learners, lead)
    runs.close_run(run)
    client.force_login(lead)
    response = client.get(reverse("trainer_certificates", args=[run.pk]))
    reader, text = pdf_text(response.content)
    assert len(reader.pages) == 3
    for learner in learners:
        assert learner.username in text


def test_the_qr_code_is_the_verification_address(run, lead, rf):
    import segno

    from courses.certificates import qr_data_uri, verification_url

    url = verification_url("abc", rf.get("/"))
    assert url == "http://testserver/certificates/abc/"
    assert qr_data_uri(url).startswith("data:image/svg+xml")
    assert segno.make(url, error="m").svg_data_uri(scale=4, border=2) == qr_data_uri(url)


# The public check ------------------------------------------------------------------------------


def issued_certificate(run, lead):
    (learner,) = enrol_learners(run, 1, prefix="holder")
    mark_all_present(run, [learner], lead)
    runs.close_run(run)
    return Certificate.objects.get(holder=learner)


def test_the_verification_page_shows_only_name_programme_hours_and_date(client, run, lead):
    certificate = issued_certificate(run, lead)
    response = client.get(f"/certificates/{certificate.code}/", follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert certificate.name in html and certificate.title in html
    assert certificate.finished_on.strftime("%Y") in html
    assert "mental" not in html.lower()
    assert "Library" not in html  # no venue, no trainers, nothing else
    assert 'name="robots" content="noindex"' in html


def test_a_revoked_certificate_says_so(client, run, lead):
    certificate = issued_certificate(run, lead)
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
    html = client.get(f"/en/certificates/{certificate.code}/").content.decode()
    assert "has been revoked" in html and certificate.name not in html


def test_unknown_codes_get_the_ordinary_404(client, run, lead):
    issued_certificate(run, lead)
    unknown = client.get("/en/certificates/not-a-real-code-at-all-0000000/")
    elsewhere = client.get("/en/no-such-page-here/")
    assert unknown.status_code == 404
    assert unknown.content.decode().replace(
        "certificates/not-a-real-code-at-all-0000000/", "X"
    ) == elsewhere.content.decode().replace("no-such-page-here/", "X")


def test_checking_codes_is_rate_limited(client, monkeypatch):
    from courses import run_views

    monkeypatch.setattr(run_views, "VERIFY_LIMIT", 3)
    monkeypatch.setattr(run_views, "VERIFY_WINDOW", 60)
    address = {"REMOTE_ADDR": "203.0.113.77"}
    codes = [client.get(f"/en/certificates/guess-{i}/", **address).status_code for i in range(5)]
    assert codes == [404, 404, 404, 429, 429]
    assert client.get("/en/certificates/guess-x/", REMOTE_ADDR="203.0.113.78").status_code == 404


# Feedback --------------------------------------------------------------------------------------


def test_feedback_is_anonymous_once_only_and_shown_from_five_responses(client, run, lead):
    learners = enrol_learners(run, 5, prefix="fb")
    for index, learner in enumerate(learners):
        client.force_login(learner)
        enrolment = Enrolment.objects.get(learner=learner)
        url = reverse("my_course_feedback", args=[enrolment.pk, 1])
        response = client.post(
            url, {"clear": "4", "welcome": "5", "useful": str(index + 1), "comment": "Good tea"}
        )
        assert response.status_code == 302
        assert client.post(url, {"clear": "1", "welcome": "1", "useful": "1"}).status_code == 302
        if index == 3:
            client.force_login(lead)
            html = client.get(reverse("trainer_run", args=[run.pk])).content.decode()
            assert "4 responses so far; shown from 5." in html
            assert "Good tea" not in html
    assert SessionFeedback.objects.count() == 5
    assert FeedbackReceipt.objects.count() == 5
    field_names = {field.name for field in SessionFeedback._meta.get_fields()}
    assert not field_names & {"learner", "owner", "user", "created_at"}
    client.force_login(lead)
    html = client.get(reverse("trainer_run", args=[run.pk])).content.decode()
    assert "5 responses. Clear: 4.0. Welcome: 5.0. Useful: 3.0 (out of 5)." in html
    assert "Good tea" in html


def test_feedback_with_a_missing_rating_explains(client, run):
    (learner,) = enrol_learners(run, 1)
    client.force_login(learner)
    enrolment = Enrolment.objects.get(learner=learner)
    response = client.post(
        reverse("my_course_feedback", args=[enrolment.pk, 1]), {"clear": "4", "comment": "Hi"}
    )
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    assert not SessionFeedback.objects.exists()


def test_no_feedback_before_a_session_starts_or_from_someone_not_on_the_run(client, programme):
    lead = make_trainer("lead-f")
    future = make_run(programme, lead, start=timezone.now() + datetime.timedelta(days=3))
    (learner,) = enrol_learners(future, 1)
    client.force_login(learner)
    enrolment = Enrolment.objects.get(learner=learner)
    client.post(
        reverse("my_course_feedback", args=[enrolment.pk, 1]),
        {"clear": "4", "welcome": "4", "useful": "4"},
    )
    assert not SessionFeedback.objects.exists()
    client.force_login(make_user("outsider"))
    url = reverse("my_course_feedback", args=[enrolment.pk, 1])
    assert client.get(url).status_code == 404


# The pathway -----------------------------------------------------------------------------------


def test_a_trainer_of_trainers_signs_off_a_level_with_a_certificate(client, programme):
    mentor = make_trainer("mentor-t", TrainerLevel.TRAINER_OF_TRAINERS)
    person = make_user("apprentice")
    client.force_login(mentor)
    response = client.post(
        reverse("trainer_sign_off"),
        {
            "username": "apprentice",
            "level": str(TrainerLevel.CO_TRAINER),
            "observed_on": "2026-11-02",
            "programmes": [str(programme.pk)],
            "note": "Warm and well prepared.",
        },
    )
    assert response.status_code == 302
    accreditation = Accreditation.objects.get(trainer=person)
    assert accreditation.signed_off_by == mentor
    assert list(accreditation.programmes.all()) == [programme]
    certificate = Certificate.objects.get(holder=person)
    assert certificate.kind == Certificate.Kind.TRAINER and "Co-trainer" in certificate.title
    # It shows in their trainer record and in their own learning record.
    client.force_login(person)
    assert "Warm and well prepared." in client.get(reverse("trainer_profile")).content.decode()
    html = client.get(reverse("pdp_learning")).content.decode()
    assert "Co-trainer" in html and programme.title in html


def test_only_trainers_of_trainers_sign_off_and_never_themselves(client, programme):
    lead = make_trainer("lead-s")
    client.force_login(lead)
    assert client.get(reverse("trainer_sign_off")).status_code == 403
    mentor = make_trainer("mentor-s", TrainerLevel.TRAINER_OF_TRAINERS)
    client.force_login(mentor)
    response = client.post(
        reverse("trainer_sign_off"),
        {"username": "mentor-s", "level": "3", "observed_on": "2030-01-01", "programmes": []},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Someone else must sign off your own level." in html
    assert "The date cannot be in the future." in html
    assert Accreditation.objects.filter(trainer=mentor).count() == 1


def test_the_learning_record_shows_courses_attended(client, run, lead):
    (learner,) = enrol_learners(run, 1)
    mark_all_present(run, [learner], lead)
    runs.close_run(run)
    client.force_login(learner)
    html = client.get(reverse("pdp_learning")).content.decode()
    sessions = len(run.programme.sessions)
    assert run.programme.title in html
    assert f"came to {sessions} of {sessions} sessions" in html
    assert "certificate issued" in html


# Dashboard and public listings -----------------------------------------------------------------


def test_the_dashboard_shows_runs_registers_due_and_certificates(client, run, lead):
    enrol_learners(run, 2)
    client.force_login(lead)
    html = client.get(reverse("trainer_dashboard")).content.decode()
    assert run.programme.title in html
    assert "Registers to complete" in html
    assert reverse("trainer_register", args=[run.pk, 1]) in html
    assert "0 certificates issued on your runs." in html


def test_upcoming_runs_show_on_the_programme_and_home_pages_until_finished(client, run, lead):
    assert reverse("run_page", args=[run.pk]) in client.get(run.programme.url).content.decode()
    assert reverse("run_page", args=[run.pk]) in client.get("/en/").content.decode()
    runs.close_run(run)
    assert reverse("run_page", args=[run.pk]) not in client.get(run.programme.url).content.decode()
    assert reverse("run_page", args=[run.pk]) not in client.get("/en/").content.decode()
    assert client.get(reverse("run_page", args=[run.pk])).status_code == 404


def test_cancelled_runs_are_not_listed(client, programme, lead):
    run = make_run(programme, lead, status=CourseRun.Status.CANCELLED)
    assert reverse("run_page", args=[run.pk]) not in client.get(programme.url).content.decode()


def test_deleting_an_account_removes_its_enrolments_and_certificates(run, lead):
    (learner,) = enrol_learners(run, 1)
    mark_all_present(run, [learner], lead)
    runs.close_run(run)
    learner.delete()
    assert not Certificate.objects.exists() and not Enrolment.objects.exists()
    assert not Attendance.objects.exists()
