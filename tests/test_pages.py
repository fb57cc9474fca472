"""Page types: where each may live, that each renders, and the session minutes rule."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from courses.models import ProgrammeIndexPage, ProgrammePage, SessionPage
from emilia.models import HomePage, StandardPage

pytestmark = pytest.mark.django_db


def test_page_hierarchy_is_index_then_programme_then_session():
    assert HomePage.allowed_parent_page_models() == [Page]
    assert set(HomePage.allowed_subpage_models()) == {StandardPage, ProgrammeIndexPage}
    assert ProgrammeIndexPage.allowed_parent_page_models() == [HomePage]
    assert ProgrammeIndexPage.allowed_subpage_models() == [ProgrammePage]
    assert ProgrammePage.allowed_parent_page_models() == [ProgrammeIndexPage]
    assert ProgrammePage.allowed_subpage_models() == [SessionPage]
    assert SessionPage.allowed_parent_page_models() == [ProgrammePage]
    assert SessionPage.allowed_subpage_models() == []
    assert set(StandardPage.allowed_parent_page_models()) == {HomePage, StandardPage}


def test_a_session_cannot_be_created_directly_under_the_catalogue():
    index = ProgrammeIndexPage.objects.get(locale__language_code="en")
    assert not SessionPage.can_create_at(index)
    assert ProgrammePage.can_create_at(index)
    assert not ProgrammeIndexPage.can_create_at(index)


def test_home_page_renders_the_programmes(client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert "emilia/home_page.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Finding hope" in html and "Working well" in html
    assert "6 sessions, 12 hours" in html


def test_standard_page_renders(client):
    home = HomePage.objects.get(locale__language_code="en")
    page = home.add_child(
        instance=StandardPage(title="About us", slug="about", intro="Who we are and why.")
    )
    page.save_revision().publish()
    response = client.get("/en/about/")
    assert response.status_code == 200
    assert "emilia/standard_page.html" in [t.name for t in response.templates]
    assert "Who we are and why." in response.content.decode()


def test_programme_page_lists_its_sessions_in_order(client, programme):
    response = client.get("/en/programmes/finding-hope/")
    assert response.status_code == 200
    assert "courses/programme_page.html" in [t.name for t in response.templates]
    html = response.content.decode()
    positions = [html.index(f"Finding hope, part {n}") for n in range(1, 7)]
    assert positions == sorted(positions)
    assert "6 sessions, 12 hours in all" in html
    assert "We meet each week." in html  # the easy-read summary
    assert "Peer-led" in html
    assert 'aria-label="Breadcrumb"' in html


def test_session_page_shows_plan_notes_and_handouts(client, session_page):
    response = client.get(session_page.url)
    assert response.status_code == 200
    assert "courses/session_page.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Session 3 of 6 in Finding hope" in html
    assert "Notes for trainers" in html
    assert "Go first and keep it light" in html
    assert "If you would rather not take part" in html
    assert "My notes for session 3" in html
    assert 'class="writing-space__lines lines-3"' in html
    assert 'rel="prev"' in html and 'rel="next"' in html


def test_session_minutes_must_add_up(session_page):
    session_page.duration_minutes = 150
    with pytest.raises(ValidationError) as caught:
        session_page.full_clean()
    message = caught.value.message_dict["body"][0]
    assert "add up to 120 minutes, but the session lasts 150 minutes" in message


def test_session_minutes_that_add_up_pass(session_page):
    session_page.full_clean()


def test_the_editor_sees_the_minutes_error_in_the_admin(client, admin_login, session_page):
    """An editor who saves a plan that does not add up sees why, and nothing is saved."""
    from django.contrib.auth import get_user_model
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    user = get_user_model().objects.create_superuser("boss", password="long-enough-pass")
    admin_login(user)
    activities = [
        (
            "activity",
            {
                "title": activity["title"],
                "activity_type": activity["activity_type"],
                "minutes": activity["minutes"],
                "instructions": rich_text(activity["instructions"].source),
                "trainer_notes": rich_text(activity["trainer_notes"].source),
            },
        )
        for activity in session_page.activities
    ]
    data = nested_form_data(
        {
            "title": session_page.title,
            "slug": session_page.slug,
            "number": session_page.number,
            "summary": session_page.summary,
            "duration_minutes": 150,
            "aims": session_page.aims,
            "preparation": session_page.preparation,
            "materials": session_page.materials,
            "content_key": session_page.content_key,
            "body": streamfield(activities),
        }
    )
    response = client.post(f"/admin/pages/{session_page.pk}/edit/", data)
    assert response.status_code == 200
    assert "add up to 120 minutes, but the session lasts 150 minutes" in response.content.decode()
    session_page.refresh_from_db()
    assert session_page.duration_minutes == 120
    assert not session_page.has_unpublished_changes


def test_programme_and_session_pages_stay_within_the_query_budget(
    client, programme, session_page, django_assert_max_num_queries
):
    client.get(programme.url)  # warm the site-root cache
    with django_assert_max_num_queries(12):
        assert client.get(programme.url).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(session_page.url).status_code == 200
