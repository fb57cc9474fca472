"""What downloads get when building a PDF goes wrong: a full disk, WeasyPrint failing, or
WeasyPrint taking too long. Nothing half-made is kept or served, and the previous pack keeps
being served while a new one cannot be made."""

import errno
import os
import time

import pytest

from courses import packs
from courses.models import StoredPDF
from emilia import pdf

pytestmark = pytest.mark.django_db
Variant = StoredPDF.Variant
PACK_URL = "/en/programmes/finding-hope/course-pack.pdf"


def files_under(folder):
    return sorted(
        os.path.relpath(os.path.join(root, name), folder)
        for root, _dirs, names in os.walk(folder)
        for name in names
        if not root.endswith(".locks")
    )


def publish_a_change(programme):
    """A new live revision, so the stored pack is no longer the current one."""
    programme.summary = "A new summary, published."
    programme.save_revision().publish()
    programme.refresh_from_db()


def test_a_full_disk_leaves_no_file_records_nothing_and_the_next_download_retries(
    client, programme, monkeypatch
):
    def disk_full(descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(packs.os, "fsync", disk_full)
        response = client.get(PACK_URL)
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "This file is not ready yet" in html
    assert 'href="/en/programmes/finding-hope/"' in html  # read it online meanwhile
    assert files_under(packs.pdf_root()) == []  # no half-written file
    assert not StoredPDF.objects.filter(page=programme).exists()  # nothing marked built

    response = client.get(PACK_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    stored = StoredPDF.objects.get(page=programme, variant=Variant.COURSE)
    assert files_under(packs.pdf_root()) == [stored.file_name]


def test_when_weasyprint_fails_the_previous_pack_is_served(
    client, programme, monkeypatch, render_counter
):
    first = client.get(PACK_URL)
    old_etag = first["ETag"]
    publish_a_change(programme)

    def broken(html, stylesheets):
        raise RuntimeError("WeasyPrint fell over")

    with monkeypatch.context() as patch:
        patch.setattr(pdf, "_render", broken)
        response = client.get(PACK_URL)
        assert response.status_code == 200
        assert response["ETag"] == old_etag
        # Downloads do not try again at once (each try could take the whole time limit).
        assert client.get(PACK_URL)["ETag"] == old_etag
    assert len(render_counter) == 2  # the first build, then the one failed try
    assert StoredPDF.objects.filter(page=programme, variant=Variant.COURSE).count() == 1

    # After the pause, a download tries again, and the new pack replaces the old.
    monkeypatch.setattr(packs, "RENDER_FAILURE_PAUSE_SECONDS", 0)
    packs.cache.clear()
    response = client.get(PACK_URL)
    assert response.status_code == 200 and response["ETag"] != old_etag
    assert StoredPDF.objects.filter(page=programme, variant=Variant.COURSE).count() == 1


def test_weasyprint_is_stopped_at_the_time_limit(client, programme, monkeypatch, settings):
    first = client.get(PACK_URL)
    publish_a_change(programme)
    settings.PDF_BUILD_TIME_LIMIT = 1

    def endless(html, stylesheets):
        time.sleep(60)

    monkeypatch.setattr(pdf, "_render", endless)
    started = time.monotonic()
    response = client.get(PACK_URL)
    waited = time.monotonic() - started
    assert response.status_code == 200 and response["ETag"] == first["ETag"]
    assert waited < 30, "the rendering was stopped, not waited for"
    assert [name for name in files_under(packs.pdf_root()) if ".building-" in name] == []


def test_the_time_limit_applies_to_pack_builds(render_counter, programme, settings):
    settings.PDF_BUILD_TIME_LIMIT = 77
    packs.get_or_build(programme, Variant.TRAINER)
    assert render_counter == [{"time_limit": 77}]


def test_without_an_earlier_pack_a_failed_build_gets_a_friendly_page(
    client, programme, monkeypatch
):
    def broken(html, stylesheets):
        raise RuntimeError("WeasyPrint fell over")

    monkeypatch.setattr(pdf, "_render", broken)
    response = client.get("/en/programmes/finding-hope/part-3/handouts.pdf")
    assert response.status_code == 503
    assert "This file is not ready yet" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_failed_build_task_is_marked_failed_and_queued_again_later(
    transactional_content, settings, monkeypatch, client
):
    """On the database worker: the task fails, a later attempt is queued, and downloads keep
    getting the previous pack meanwhile."""
    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from courses.models import ProgrammePage

    programme = ProgrammePage.objects.get(content_key="finding-hope")
    previous = packs.get_or_build(programme, Variant.COURSE)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    publish_a_change(programme)

    def broken(html, stylesheets):
        raise RuntimeError("WeasyPrint fell over")

    monkeypatch.setattr(pdf, "_render", broken)
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    builds = DBTaskResult.objects.filter(task_path="courses.tasks.build_pdf")
    failed = builds.filter(status="FAILED")
    assert sorted(result.args_kwargs["args"][1] for result in failed) == ["course", "trainer"]
    assert {result.exception_class_path for result in failed} == {"emilia.pdf.PDFRenderFailed"}
    retries = builds.filter(status="READY")
    assert sorted(result.args_kwargs["args"][1:] for result in retries) == [
        ["course", 2],
        ["trainer", 2],
    ]
    assert all(result.run_after > timezone.now() for result in retries)

    response = client.get(PACK_URL)
    assert response.status_code == 200
    assert response["ETag"] == f'"{previous.etag}"'

    # When the retry's time comes and WeasyPrint works again, the new pack is built.
    monkeypatch.undo()
    retry_ids = list(retries.values_list("pk", flat=True))
    retries.update(run_after=timezone.now())
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert set(builds.filter(pk__in=retry_ids).values_list("status", flat=True)) == {"SUCCESSFUL"}
    programme.refresh_from_db()
    assert packs.find_stored(programme, Variant.COURSE).etag != previous.etag
