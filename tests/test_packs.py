"""Course packs, trainer packs and handouts: what is in them, how they are stored and served."""

import io
import re
import threading

import pypdf
import pytest
from django.db import connection

from courses import packs
from courses.models import StoredPDF

pytestmark = pytest.mark.django_db
Variant = StoredPDF.Variant


def pdf_text(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    reader = pypdf.PdfReader(io.BytesIO(content))
    return reader, [page.extract_text() for page in reader.pages]


def test_the_course_pack_has_every_session_and_handout_and_no_trainer_notes(client, programme):
    response = client.get("/en/programmes/finding-hope/course-pack.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader, pages = pdf_text(response)
    text = "\n".join(pages)
    for number in range(1, 7):
        assert f"Session {number}: Finding hope, part {number}" in text
        assert f"My notes for session {number}" in text
    assert "We say hello and talk kaleidoscope in session 3" in text
    assert "Go first and keep it light" not in text
    assert "Trainer notes" not in text
    assert "Course pack" in pages[0] and "CC BY-SA 4.0" in pages[0]
    assert reader.metadata.title == "Course 1: Finding hope · Course pack"
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_the_trainer_pack_adds_notes_timings_and_checklists(client, programme):
    reader, pages = pdf_text(client.get("/en/programmes/finding-hope/trainer-pack.pdf"))
    text = "\n".join(pages)
    assert "Go first and keep it light in session 3 of finding-hope" in text
    assert "Materials checklist" in text and "Flipchart" in text
    assert "Before the session" in text and "Set out the chairs" in text
    assert "Trainer pack" in pages[0]


def test_contents_page_numbers_point_at_the_session_headings(client, programme):
    reader, pages = pdf_text(client.get("/en/programmes/finding-hope/trainer-pack.pdf"))
    contents = pages[1]
    assert contents.startswith("Contents")
    for number in range(1, 7):
        title = f"Session {number}: Finding hope, part {number}"
        listed = re.search(re.escape(title) + r"[ .]*?(\d+)\s*$", contents, re.MULTILINE)
        assert listed, f"{title} is not in the contents"
        page_number = int(listed.group(1))
        # The session starts on that page: its heading (and running header) is there, and
        # not yet on the page before.
        assert title in pages[page_number - 1], f"{title} is not on page {page_number}"
        assert title not in pages[page_number - 2], f"{title} starts before page {page_number}"
        assert f"Page {page_number} of {len(pages)}" in pages[page_number - 1]


def test_the_filename_is_clean_and_the_pack_is_served_with_caching_headers(client, programme):
    response = client.get("/en/programmes/finding-hope/trainer-pack.pdf")
    assert response["Content-Disposition"] == (
        'inline; filename="programme-01-finding-hope-en-trainer.pdf"'
    )
    assert re.fullmatch(r'"[0-9a-f]{64}"', response["ETag"])
    assert response["Last-Modified"]
    again = client.get(
        "/en/programmes/finding-hope/trainer-pack.pdf", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304
    assert again["ETag"] == response["ETag"]


def test_a_second_download_is_served_from_storage_without_rendering(
    client, programme, render_counter
):
    client.get("/en/programmes/finding-hope/course-pack.pdf")
    client.get("/en/programmes/finding-hope/course-pack.pdf")
    assert len(render_counter) == 1
    assert StoredPDF.objects.filter(page=programme, variant=Variant.COURSE).count() == 1


def test_publishing_builds_the_packs_and_the_download_does_not_wait(
    client, programme, render_counter, django_capture_on_commit_callbacks
):
    programme.summary = "A changed summary."
    with django_capture_on_commit_callbacks(execute=True):
        programme.save_revision().publish()
    assert len(render_counter) == 2  # the course pack and the trainer pack
    reader, pages = pdf_text(client.get("/en/programmes/finding-hope/course-pack.pdf"))
    assert len(render_counter) == 2
    assert "A changed summary." in pages[0]


def test_publishing_a_session_rebuilds_its_handouts_and_its_programme_packs(
    session_page, render_counter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session_page.save_revision().publish()
    variants = sorted(StoredPDF.objects.values_list("variant", flat=True))
    assert variants == ["course", "handouts", "trainer"]


def test_old_versions_are_removed_when_a_new_one_is_built(client, programme, media_root):
    client.get("/en/programmes/finding-hope/course-pack.pdf")
    first = StoredPDF.objects.get(page=programme, variant=Variant.COURSE)
    programme.summary = "Another summary."
    programme.save_revision().publish()
    client.get("/en/programmes/finding-hope/course-pack.pdf")
    current = StoredPDF.objects.get(page=programme, variant=Variant.COURSE)
    assert current.version != first.version
    assert not (media_root / "packs" / first.file_name).exists()
    assert (media_root / "packs" / current.file_name).exists()


def test_handouts_pdf_for_a_session(client, session_page):
    response = client.get("/en/programmes/finding-hope/part-3/handouts.pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'inline; filename="programme-01-session-03-part-3-en-handouts.pdf"'
    )
    reader, pages = pdf_text(response)
    text = "\n".join(pages)
    assert "Handouts for session 3: Finding hope, part 3" in text
    assert "What helped today?" in text
    assert "Go first" not in text


@pytest.mark.parametrize(
    "url",
    [
        "/en/programmes/../settings/course-pack.pdf",
        "/en/programmes/finding-hope/..%2F..%2Fetc%2Fpasswd/handouts.pdf",
        "/en/programmes/%2e%2e/course-pack.pdf",
        "/en/programmes/finding-hope/part-3/../../course-pack.pdf/..",
        "/en/programmes/no-such-course/course-pack.pdf",
        "/en/programmes/finding-hope/no-such-session/handouts.pdf",
        "/en/programmes/finding-hope/student-pack.pdf",
    ],
)
def test_bad_download_urls_get_404(client, programme, url):
    assert client.get(url).status_code == 404


def test_an_unpublished_programme_has_no_pack(client, programme):
    programme.unpublish()
    assert client.get("/en/programmes/finding-hope/course-pack.pdf").status_code == 404


def test_a_failed_write_leaves_no_file_and_marks_nothing_built(programme, monkeypatch, media_root):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(packs.os, "replace", full_disk)
    with pytest.raises(OSError):
        packs.get_or_build(programme, Variant.COURSE)
    assert not StoredPDF.objects.exists()
    leftovers = [p for p in (media_root / "packs").rglob("*") if p.is_file()]
    assert [p.name for p in leftovers if p.suffix == ".pdf"] == []
    monkeypatch.undo()
    assert packs.get_or_build(programme, Variant.COURSE).page_count >= 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_for_a_missing_pack_share_one_build(
    transactional_content, render_counter
):
    """Several visitors ask at once: one build happens and everyone gets that file."""
    from courses.models import ProgrammePage

    programme = ProgrammePage.objects.get(content_key="working-well")
    results, errors = [], []

    def download():
        try:
            results.append(packs.get_or_build(programme, Variant.TRAINER).pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=download) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(render_counter) == 1
    assert len(set(results)) == 1


def test_the_downloads_page_lists_every_file_with_size_pages_and_language(client, programme):
    client.get("/en/programmes/finding-hope/course-pack.pdf")
    response = client.get("/en/downloads/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Course 1: Finding hope" in html and "Course 2: Working well" in html
    assert 'href="/en/programmes/finding-hope/course-pack.pdf"' in html
    assert 'href="/en/programmes/finding-hope/trainer-pack.pdf"' in html
    assert 'href="/en/programmes/working-well/part-7/handouts.pdf"' in html
    stored = StoredPDF.objects.get(page=programme, variant=Variant.COURSE)
    assert re.search(
        rf"Course pack <span class=\"download__format\">\(PDF, [\d.]+\xa0KB, {stored.page_count} "
        r"pages, English\)",
        html,
    )


def test_build_packs_command_builds_everything_once(capsys):
    from django.core.management import call_command

    call_command("build_packs", programme=2)
    assert "9 PDF(s) built" in capsys.readouterr().out  # 2 packs and 7 sessions of handouts
    call_command("build_packs", programme=2)
    assert "0 PDF(s) built, 9 already up to date" in capsys.readouterr().out


def test_editors_preview_the_draft_pack(client, admin_login, programme):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    editor = get_user_model().objects.create_user("ed", password="long-enough-pass")
    editor.groups.add(Group.objects.get(name="Editors"))
    admin_login(editor)
    programme.summary = "A draft summary, not yet published."
    programme.save_revision()
    response = client.get(f"/admin/courses/programmes/{programme.pk}/preview-pack/course/")
    assert response.status_code == 200
    reader, pages = pdf_text(response)
    assert "A draft summary, not yet published." in pages[0]
    assert "Draft preview" in pages[0]
    public = client.get("/en/programmes/finding-hope/course-pack.pdf")
    assert "A draft summary" not in pdf_text(public)[1][0]
    edit = client.get(f"/admin/pages/{programme.pk}/edit/").content.decode()
    assert "Preview course pack" in edit


def test_learners_cannot_preview_drafts(client, programme):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_user("le", password="long-enough-pass"))
    response = client.get(f"/admin/courses/programmes/{programme.pk}/preview-pack/course/")
    assert response.status_code in (302, 403)


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_builds_queued_packs(transactional_content, settings, render_counter):
    """With TASKS_BACKEND=database a publish only queues the build; `db_worker` does it.

    Transactional: the worker closes and reopens its database connection as a real one does.
    """
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from courses.models import ProgrammePage

    # django-tasks drops its cached backends when the TASKS setting changes.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    programme = ProgrammePage.objects.get(content_key="finding-hope")
    programme.summary = "Built by the worker."
    programme.save_revision().publish()
    assert render_counter == []
    builds = DBTaskResult.objects.filter(task_path="courses.tasks.build_pdf")
    assert sorted(result.args_kwargs["args"][1] for result in builds) == ["course", "trainer"]
    assert {result.status for result in builds} == {"READY"}
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert len(render_counter) == 2
    assert {result.status for result in builds.all()} == {"SUCCESSFUL"}
    programme.refresh_from_db()
    assert packs.find_stored(programme, Variant.COURSE)
