"""load_content: idempotent, all-or-nothing per programme, and it strips unsafe markup."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page, Revision

from courses.models import ProgrammePage, SessionPage
from tests.factories import write_programme

pytestmark = pytest.mark.django_db


def load(source, **options):
    call_command("load_content", source=str(source), verbosity=0, **options)


def test_a_second_run_creates_no_page_and_no_revision(fixture_content_dir):
    pages, revisions = Page.objects.count(), Revision.objects.count()
    load(fixture_content_dir)
    assert Page.objects.count() == pages
    assert Revision.objects.count() == revisions
    assert ProgrammePage.objects.filter(content_key="finding-hope").count() == 1
    assert (
        SessionPage.objects.child_of(ProgrammePage.objects.get(content_key="working-well")).count()
        == 7
    )


def test_pages_are_matched_on_their_key_not_their_title(tmp_path):
    folder = write_programme(tmp_path, 1, "finding-hope", "Finding hope")
    path = folder / "programme.en.md"
    path.write_text(path.read_text().replace("title: Finding hope", "title: Finding hope again"))
    load(tmp_path)
    page = ProgrammePage.objects.get(content_key="finding-hope")
    assert page.title == "Finding hope again"
    assert page.live and not page.has_unpublished_changes
    assert ProgrammePage.objects.filter(content_key="finding-hope").count() == 1


def test_a_malformed_file_is_named_and_nothing_of_its_programme_is_imported(tmp_path):
    write_programme(tmp_path, 3, "new-course", "New course")
    broken = write_programme(tmp_path, 4, "broken-course", "Broken course")
    bad = broken / "05-part-5.en.md"
    bad.write_text(bad.read_text().replace("minutes=60}", "minutes=50}", 1))
    with pytest.raises(CommandError, match="not imported"):
        load(tmp_path)
    assert ProgrammePage.objects.filter(content_key="new-course").exists()
    assert not ProgrammePage.objects.filter(content_key="broken-course").exists()
    assert not SessionPage.objects.filter(content_key__startswith="broken-course").exists()


def test_the_error_message_names_the_file_and_line(tmp_path, capsys):
    broken = write_programme(tmp_path, 4, "broken-course", "Broken course")
    bad = broken / "05-part-5.en.md"
    bad.write_text(bad.read_text().replace("minutes=60}", "minutes=50}", 1))
    with pytest.raises(CommandError):
        load(tmp_path)
    assert f"{bad}, line 5: the activities add up to 110 minutes" in capsys.readouterr().err


def test_script_tags_and_javascript_links_are_stripped(tmp_path):
    folder = write_programme(tmp_path, 5, "safe-course", "Safe course")
    path = folder / "01-part-1.en.md"
    path.write_text(
        path.read_text().replace(
            "We say hello",
            '<script>alert("x")</script> <a href="javascript:alert(1)">click</a> '
            '<img src=x onerror="alert(2)"> [link](javascript:alert(3)) We say hello',
        )
    )
    load(tmp_path)
    page = SessionPage.objects.get(content_key="safe-course-part-1")
    html = page.activities[0]["instructions"].source
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "We say hello" in html
    response_html = page.serve(_request(page)).render().content.decode()
    assert "<script>alert" not in response_html


def test_a_session_removed_from_the_source_is_unpublished(tmp_path):
    folder = write_programme(tmp_path, 6, "shrinking", "Shrinking", sessions=7)
    load(tmp_path)
    (folder / "07-part-7.en.md").unlink()
    load(tmp_path)
    assert not SessionPage.objects.get(content_key="shrinking-part-7").live
    assert SessionPage.objects.filter(content_key__startswith="shrinking-", live=True).count() == 6


def test_imported_sessions_render_their_plan_as_a_timetable(client, session_page):
    response = client.get(session_page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "0:00–1:00" in html and "1:00–2:00" in html
    assert "kaleidoscope" in html


def _request(page):
    from django.test import RequestFactory

    request = RequestFactory().get(page.url)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    return request
