"""The learner's own PDP: owner-only, encrypted at rest, plain text, forms that lose nothing."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from learning_profile import models
from tests.pdp_helpers import PASSWORD, fill_profile, make_user

pytestmark = pytest.mark.django_db

MARKER = "Zq7marker"


@pytest.fixture
def owner():
    return make_user("sunflower")


@pytest.fixture
def records(owner):
    return fill_profile(owner, MARKER)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def object_urls(records):
    goal = records["goal"]
    return [
        reverse("pdp_goal", args=[goal.pk]),
        reverse("pdp_goal_edit", args=[goal.pk]),
        reverse("pdp_goal_delete", args=[goal.pk]),
        reverse("pdp_step_edit", args=[goal.pk, records["step"].pk]),
        reverse("pdp_obstacle_edit", args=[goal.pk, records["obstacle"].pk]),
        reverse("pdp_learning_edit", args=[records["entry"].pk]),
        reverse("pdp_reflections_edit", args=[records["reflection"].pk]),
        reverse("pdp_reviews_edit", args=[records["review"].pk]),
        reverse("pdp_situation_edit", args=[records["situation"].pk]),
    ]


POST_ONLY = [
    ("pdp_needs_delete", lambda r: [r["check"].pk]),
    ("pdp_step_toggle", lambda r: [r["goal"].pk, r["step"].pk]),
    ("pdp_step_add", lambda r: [r["goal"].pk]),
    ("pdp_obstacle_add", lambda r: [r["goal"].pk]),
]

LIST_URLS = [
    "pdp_home",
    "pdp_about",
    "pdp_needs",
    "pdp_goals",
    "pdp_learning",
    "pdp_reflections",
    "pdp_reviews",
    "pdp_situation",
]


def test_the_owner_sees_every_part_of_their_profile(owner, records):
    client = signed_in(owner)
    pages = ""
    for url in object_urls(records):
        response = client.get(url)
        assert response.status_code == 200, url
        pages += response.content.decode()
    pages += "".join(client.get(reverse(name)).content.decode() for name in LIST_URLS)
    words = ("goal", "why", "support", "step", "obstacle", "helps", "course", "college", "notes")
    words += ("reflection", "well", "way", "next", "need", "situation", "strengths")
    for text in words:
        assert f"{MARKER} {text}" in pages


@pytest.mark.parametrize("who", ["another learner", "staff", "superuser"])
def test_anyone_else_gets_404_for_every_record(owner, records, who):
    other = make_user("other", is_staff=who != "another learner", is_superuser=who == "superuser")
    client = signed_in(other)
    for url in object_urls(records):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"title": "taken over", "delete": "1"}).status_code == 404, url
    for name, args in POST_ONLY:
        assert client.post(reverse(name, args=args(records)), {"done": "1"}).status_code == 404
    # Nothing was changed or deleted by those attempts.
    assert models.Goal.objects.get(pk=records["goal"].pk).title == f"{MARKER} goal"
    assert models.NeedsCheck.objects.filter(pk=records["check"].pk).exists()
    assert models.GoalStep.objects.filter(goal=records["goal"]).count() == 1


@pytest.mark.parametrize("who", ["another learner", "staff", "superuser"])
def test_lists_hold_only_the_viewers_own_records(owner, records, who):
    other = make_user("other", is_staff=who != "another learner", is_superuser=who == "superuser")
    fill_profile(other, "OtherPerson")
    client = signed_in(other)
    for name in LIST_URLS:
        html = client.get(reverse(name)).content.decode()
        assert MARKER not in html, name
    assert "OtherPerson goal" in client.get(reverse("pdp_goals")).content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(records):
    client = Client()
    for url in [reverse(name) for name in LIST_URLS] + object_urls(records):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")


def test_pdp_pages_are_never_stored_by_a_browser_or_cache(owner, records):
    response = signed_in(owner).get(reverse("pdp_home"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_no_pdp_model_is_in_any_admin():
    from django.apps import apps
    from django.contrib import admin
    from wagtail.snippets.models import get_snippet_models

    pdp_models = apps.get_app_config("learning_profile").get_models()
    assert not any(model in admin.site._registry for model in pdp_models)
    assert not any(model._meta.app_label == "learning_profile" for model in get_snippet_models())


def raw_rows():
    """Every value in every learning_profile table, as the database holds it."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table.startswith("learning_profile_"):
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
                values += [str(value) for row in cursor.fetchall() for value in row]
    return values


def test_text_is_encrypted_at_rest(owner, records):
    values = raw_rows()
    assert values
    assert not [value for value in values if MARKER in value]
    encrypted = [value for value in values if value.startswith("pdp1:")]
    assert len(encrypted) >= 20


def test_a_wrong_key_fails_closed_and_never_shows_ciphertext(owner, records, settings):
    from learning_profile.crypto import PDPKeyError, generate_key

    settings.PDP_ENCRYPTION_KEYS = [generate_key()]
    with pytest.raises(PDPKeyError):
        models.Goal.objects.get(pk=records["goal"].pk)
    settings.PDP_ENCRYPTION_KEYS = []
    with pytest.raises(PDPKeyError):
        models.Goal.objects.get(pk=records["goal"].pk)


HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)> javascript:alert(3)'


def test_hostile_text_comes_back_as_text(owner):
    fill_profile(owner, HOSTILE)
    client = signed_in(owner)
    goal = models.Goal.objects.get(owner=owner)
    pages = [client.get(reverse(name)).content.decode() for name in LIST_URLS]
    pages.append(client.get(reverse("pdp_goal", args=[goal.pk])).content.decode())
    for html in pages:
        assert "<script>alert(1)" not in html
        assert "<img src=x" not in html
        assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[LIST_URLS.index("pdp_goals")]


def test_extra_fields_in_a_post_are_ignored(owner):
    other = make_user("other")
    client = signed_in(owner)
    response = client.post(
        reverse("pdp_goal_new"),
        {
            "title": "Walk to the library",
            "life_area": "learning",
            "owner": other.pk,
            "user": other.pk,
            "is_staff": "on",
            "version": 99,
        },
    )
    assert response.status_code == 302
    goal = models.Goal.objects.get()
    assert goal.owner == owner and goal.version == 1
    owner.refresh_from_db()
    assert not owner.is_staff


def test_csrf_is_enforced(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(reverse("pdp_goal_new"), {"title": "x", "life_area": "work"})
    assert response.status_code == 403
    assert not models.Goal.objects.exists()


def test_a_double_clicked_submit_makes_one_record(owner):
    client = signed_in(owner)
    form = client.get(reverse("pdp_reflections_new")).content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', form).group(1)
    data = {"written_on": "2026-11-20", "text": "Today went well.", "submission_key": key}
    first = client.post(reverse("pdp_reflections_new"), data)
    second = client.post(reverse("pdp_reflections_new"), data)
    assert first.status_code == second.status_code == 302
    assert models.Reflection.objects.count() == 1
    data["submission_key"] = "0" * 32
    client.post(reverse("pdp_reflections_new"), data)
    assert models.Reflection.objects.count() == 2


def test_errors_show_beside_the_field_and_in_a_summary_and_nothing_is_saved(owner):
    client = signed_in(owner)
    response = client.post(reverse("pdp_goal_new"), {"title": "", "life_area": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in html
    assert 'href="#id_title"' in html
    assert 'id="id_title_error"' in html
    assert 'aria-invalid="true"' in html
    assert "Please write something here." in html
    assert not models.Goal.objects.exists()


def test_oversized_text_is_refused_with_a_message(owner):
    client = signed_in(owner)
    response = client.post(
        reverse("pdp_reflections_new"), {"written_on": "2026-11-20", "text": "a" * 10001}
    )
    assert response.status_code == 400
    assert "This is too long: please keep it to 10000 characters or fewer" in (
        response.content.decode()
    )
    assert not models.Reflection.objects.exists()


def test_control_characters_are_refused_or_stripped_and_emoji_and_rtl_kept(owner):
    client = signed_in(owner)
    response = client.post(
        reverse("pdp_reflections_new"), {"written_on": "2026-11-20", "text": "bad\x00byte"}
    )
    assert response.status_code == 400
    assert "hidden character" in response.content.decode()
    text = "Hope 🌱 \u200fمرحبا بكم\u200f\x07 line\r\nnext"
    client.post(reverse("pdp_reflections_new"), {"written_on": "2026-11-20", "text": text})
    saved = models.Reflection.objects.get().text
    assert saved == "Hope 🌱 \u200fمرحبا بكم\u200f line\nnext"


def test_editing_a_goal_in_two_tabs_shows_a_conflict_not_an_overwrite(owner):
    client = signed_in(owner)
    goal = models.Goal.objects.create(owner=owner, title="Find a course")
    url = reverse("pdp_goal_edit", args=[goal.pk])
    base = {"life_area": "learning", "status": "active", "version": "1"}
    assert client.post(url, {**base, "title": "Find an art course"}).status_code == 302
    response = client.post(url, {**base, "title": "Find a cooking course"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "This goal was changed somewhere else" in html
    assert "Find an art course" in html and "Find a cooking course" in html
    goal.refresh_from_db()
    assert goal.title == "Find an art course" and goal.version == 2
    # Saving again from the conflict page keeps the second version, deliberately.
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    client.post(url, {**base, "title": "Find a cooking course", "version": version})
    goal.refresh_from_db()
    assert goal.title == "Find a cooking course" and goal.version == 3


def test_goal_steps_and_progress(owner):
    client = signed_in(owner)
    client.post(
        reverse("pdp_goal_new"), {"title": "Volunteer at the garden", "life_area": "volunteering"}
    )
    goal = models.Goal.objects.get()
    for text in ("Phone the garden", "Visit on Saturday"):
        client.post(reverse("pdp_step_add", args=[goal.pk]), {"step-text": text})
    client.post(
        reverse("pdp_obstacle_add", args=[goal.pk]),
        {"obstacle-obstacle": "Buses are early", "obstacle-what_helps": "Ask a friend"},
    )
    step = goal.steps.all()[0]
    client.post(reverse("pdp_step_toggle", args=[goal.pk, step.pk]), {"done": "1"})
    html = client.get(reverse("pdp_goal", args=[goal.pk])).content.decode()
    assert '<meter min="0" max="100" value="50">' in html
    assert "Buses are early" in html and "Ask a friend" in html
    response = client.post(reverse("pdp_step_add", args=[goal.pk]), {"step-text": ""})
    assert response.status_code == 400
    assert "Please write something here." in response.content.decode()
    assert goal.steps.count() == 2


def test_learning_needs_show_change_over_time(owner):
    client = signed_in(owner)
    for date, rating in (("2026-01-10", 2), ("2026-06-10", 4)):
        data = {"taken_on": date}
        for area in models.NeedsArea:
            data[f"{area.value}-rating"] = rating
        data["digital-learn"] = "on"
        data["digital-note"] = "Email attachments"
        assert client.post(reverse("pdp_needs_new"), data).status_code == 302
    html = client.get(reverse("pdp_needs")).content.decode()
    assert "10 Jan 2026" in html and "10 Jun 2026" in html
    assert html.index("10 Jan 2026") < html.index("10 Jun 2026")
    assert "Email attachments" in html and "wants to learn" in html
    response = client.post(reverse("pdp_needs_new"), {"taken_on": "2026-07-01"})
    assert response.status_code == 400
    assert response.content.decode().count("Please choose a number from 1 to 5.") == 18
    assert models.NeedsCheck.objects.count() == 2


def test_situation_checks_hours_and_shows_a_chart_with_a_table(owner):
    client = signed_in(owner)
    response = client.post(
        reverse("pdp_situation_new"),
        {
            "recorded_on": "2026-11-01",
            "work": "looking",
            "paid_hours": "10",
            "volunteering_hours": "abc",
            "education": "none",
        },
    )
    html = response.content.decode()
    assert "paid hours should be 0" in html
    assert "Please write a number, for example 16 or 7.5." in html
    client.post(
        reverse("pdp_situation_new"),
        {
            "recorded_on": "2026-11-01",
            "work": "paid",
            "paid_hours": "16",
            "volunteering_hours": "4",
            "education": "course",
        },
    )
    html = client.get(reverse("pdp_situation")).content.decode()
    assert "<table>" in html and "16.0" in html and "hours-chart__bar--paid w-100" in html


def test_about_me_is_saved_and_shown(owner):
    client = signed_in(owner)
    client.post(reverse("pdp_about"), {"strengths": "Patient\nGood listener"})
    assert models.AboutMe.objects.get(owner=owner).strengths == "Patient\nGood listener"
    assert "Patient" in client.get(reverse("pdp_about")).content.decode()


def test_the_home_page_query_count_does_not_grow_with_records(
    owner, django_assert_max_num_queries
):
    client = signed_in(owner)
    fill_profile(owner, "few")
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("pdp_home"))
    for number in range(15):
        models.Reflection.objects.create(owner=owner, text=f"more {number}")
        models.LearningEntry.objects.create(owner=owner, title=f"more {number}")
        goal = models.Goal.objects.create(owner=owner, title=f"goal {number}")
        models.GoalStep.objects.bulk_create(
            [models.GoalStep(goal=goal, text=f"step {n}") for n in range(5)]
        )
    with django_assert_max_num_queries(40) as many:
        client.get(reverse("pdp_home"))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_deleting_a_goal_asks_first(owner):
    client = signed_in(owner)
    goal = models.Goal.objects.create(owner=owner, title="Learn to swim")
    url = reverse("pdp_goal_delete", args=[goal.pk])
    assert "Are you sure?" in client.get(url).content.decode()
    client.post(url)
    assert not models.Goal.objects.exists()
    assert PASSWORD


def test_error_links_reach_radio_groups_and_prefixed_fields(owner):
    client = signed_in(owner)
    html = client.post(
        reverse("pdp_situation_new"), {"recorded_on": "2026-11-01"}
    ).content.decode()
    assert 'href="#id_work_0"' in html and 'id="id_work_0"' in html
    goal = models.Goal.objects.create(owner=owner, title="Learn to cook")
    html = client.post(reverse("pdp_step_add", args=[goal.pk]), {"step-text": ""}).content.decode()
    assert 'href="#id_step-text"' in html
    assert 'aria-describedby="id_step-text_error"' in html and 'id="id_step-text_error"' in html


def test_hours_are_read_in_the_visitors_language(owner):
    client = signed_in(owner)
    data = {
        "recorded_on": "2026-11-01",
        "work": "paid",
        "paid_hours": "7,5",
        "volunteering_hours": "0",
        "education": "none",
    }
    assert client.post("/fr/my/situation/new/", data).status_code == 302
    assert str(models.SituationRecord.objects.get().paid_hours) == "7.5"
