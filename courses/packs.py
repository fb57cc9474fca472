"""Course packs, trainer packs and handouts: built once, stored, served many times.

Views, the publish signal, the `build_pdf` task and `manage.py build_packs` all come here.
A build renders through `emilia.pdf` (the one WeasyPrint wrapper) within a time limit, writes
the file atomically (a temporary file, then a rename), and only then records it. While one
process builds a pack, others asking for the same pack wait on a file lock and then serve that
build.

When a build fails, nothing is recorded and no partial file is left. A download then gets the
previous build of the same pack, if there is one (`for_download`). A failed rendering (an error
or the time limit) is not tried again by downloads for a while: the task retries it later
(see tasks.py). A failed write (a full disk) is tried again by the next download.
"""

import contextlib
import fcntl
import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import get_language_info

from emilia.pdf import PDFRenderFailed, PDFRenderTimeout, render_pdf

from .models import ProgrammePage, SessionPage, StoredPDF

PACKS_DIR = "packs"
Variant = StoredPDF.Variant
# After a rendering fails, downloads serve the previous build for this long without trying
# again themselves (each try could take the whole time limit).
RENDER_FAILURE_PAUSE_SECONDS = 5 * 60
RENDER_FAILURES = (PDFRenderFailed, PDFRenderTimeout)
logger = logging.getLogger(__name__)


class PackUnavailable(Exception):
    """The pack could not be built and there is no earlier build to serve instead."""


def pdf_root():
    return Path(settings.MEDIA_ROOT) / PACKS_DIR


def live_sessions(programme):
    return list(SessionPage.objects.child_of(programme).live().public().order_by("number"))


def current_version(page, variant, sessions=None):
    """A digest of the live revisions a PDF of `page` is made from."""
    if variant == Variant.HANDOUTS:
        parts = [page.pk, page.live_revision_id]
    else:
        sessions = live_sessions(page) if sessions is None else sessions
        parts = [page.pk, page.live_revision_id]
        parts += [(session.pk, session.live_revision_id) for session in sessions]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def download_filename(page, variant):
    """A clean, predictable name such as programme-01-empowering-people-en-trainer.pdf."""
    language = page.locale.language_code
    if variant == Variant.HANDOUTS:
        programme = page.get_parent().specific
        stem = (
            f"programme-{programme.number:02d}-session-{page.number:02d}-"
            f"{slugify(page.slug)}-{language}-handouts"
        )
    else:
        stem = f"programme-{page.number:02d}-{slugify(page.slug)}-{language}-{variant}"
    return re.sub(r"[^a-z0-9-]", "", stem.lower())[:150] + ".pdf"


def _context(page, variant, sessions, draft=False):
    language = page.locale.language_code
    info = get_language_info(language)
    programme = page if variant != Variant.HANDOUTS else page.get_parent().specific
    dates = [p.last_published_at for p in [programme, *sessions] if p.last_published_at]
    return {
        "programme": programme,
        "sessions": sessions,
        "variant": variant,
        "is_trainer": variant == Variant.TRAINER,
        "language": language,
        "language_name": info["name_local"],
        "version_date": max(dates) if dates else timezone.now(),
        "draft": draft,
    }


def render_html(page, variant, sessions=None, draft=False):
    if variant == Variant.HANDOUTS:
        sessions = [page]
        template = "courses/pdf/handouts.html"
    else:
        sessions = live_sessions(page) if sessions is None else sessions
        template = "courses/pdf/pack.html"
    with translation.override(page.locale.language_code):
        return render_to_string(template, _context(page, variant, sessions, draft))


def _write_atomically(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".building-", suffix=".pdf")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def build_lock(page, variant):
    """One build at a time per page, language and variant, across processes."""
    locks = pdf_root() / ".locks"
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / f"{page.pk}-{page.locale.language_code}-{variant}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def find_stored(page, variant, version=None):
    version = version or current_version(page, variant)
    stored = StoredPDF.objects.filter(
        page=page, language=page.locale.language_code, variant=variant, version=version
    ).first()
    if stored and (pdf_root() / stored.file_name).is_file():
        return stored
    return None


def build(page, variant):
    """Render and store the PDF for the live version of `page`, then forget older builds."""
    sessions = None if variant == Variant.HANDOUTS else live_sessions(page)
    version = current_version(page, variant, sessions)
    rendered = render_pdf(
        render_html(page, variant, sessions), time_limit=settings.PDF_BUILD_TIME_LIMIT
    )
    language = page.locale.language_code
    file_name = f"{page.pk}/{language}-{variant}-{version[:20]}.pdf"
    _write_atomically(pdf_root() / file_name, rendered.content)
    stored, _ = StoredPDF.objects.update_or_create(
        page=page,
        language=language,
        variant=variant,
        version=version,
        defaults={
            "file_name": file_name,
            "size": len(rendered.content),
            "page_count": rendered.page_count,
            "etag": hashlib.sha256(rendered.content).hexdigest(),
            "built_at": timezone.now(),
        },
    )
    remove_old_builds(page, variant, keep=stored)
    return stored


def remove_old_builds(page, variant, keep):
    old = StoredPDF.objects.filter(
        page=page, language=page.locale.language_code, variant=variant
    ).exclude(pk=keep.pk)
    for stored in old:
        if stored.file_name != keep.file_name:
            with contextlib.suppress(FileNotFoundError):
                (pdf_root() / stored.file_name).unlink()
    old.delete()


def get_or_build(page, variant, sessions=None, version=None):
    """The stored PDF for the live version, building it first if there is none yet.

    Concurrent callers wait for the one build in progress instead of starting their own.
    `sessions`, if the caller has already loaded the programme's live sessions, saves a query;
    `version`, if the caller has worked it out and found nothing stored, saves two.
    A failed rendering is noted (see `for_download`) and raised.
    """
    if version is None:
        version = current_version(page, variant, sessions)
        stored = find_stored(page, variant, version)
        if stored:
            return stored
    with build_lock(page, variant):
        stored = find_stored(page, variant, version)
        if stored:
            return stored
        try:
            return build(page, variant)
        except RENDER_FAILURES:
            cache.set(_failure_key(page, variant, version), True, RENDER_FAILURE_PAUSE_SECONDS)
            raise


def _failure_key(page, variant, version):
    # Per media folder too: the note is about the files stored there.
    folder = hashlib.sha256(str(pdf_root()).encode()).hexdigest()[:12]
    return f"pack-render-failed:{folder}:{page.pk}:{page.locale.language_code}:{variant}:{version}"


def latest_stored(page, variant):
    """The newest earlier build of this pack whose file is still there, or None."""
    builds = StoredPDF.objects.filter(
        page=page, language=page.locale.language_code, variant=variant
    ).order_by("-built_at")
    return next((stored for stored in builds if stored_path(stored).is_file()), None)


def for_download(page, variant, sessions=None):
    """The pack for a download: the current build, made now if needed; or, if that fails,
    the previous build. Raises PackUnavailable when there is neither.

    After a failed rendering, downloads do not try again for RENDER_FAILURE_PAUSE_SECONDS:
    the build task's retries do (or, on the immediate backend, the first download after it).
    """
    version = current_version(page, variant, sessions)
    stored = find_stored(page, variant, version)
    if stored:
        return stored
    if not cache.get(_failure_key(page, variant, version)):
        try:
            return get_or_build(page, variant, sessions, version)
        except RENDER_FAILURES:
            logger.exception("Building the %s PDF of page %s failed", variant, page.pk)
            from .tasks import schedule_retry

            schedule_retry(page.pk, variant, attempt=1)
        except OSError:
            logger.exception("Storing the %s PDF of page %s failed", variant, page.pk)
    previous = latest_stored(page, variant)
    if previous is None:
        raise PackUnavailable
    return previous


def variants_for(page):
    if isinstance(page, ProgrammePage):
        return [Variant.COURSE, Variant.TRAINER]
    if isinstance(page, SessionPage):
        return [Variant.HANDOUTS]
    return []


def stored_path(stored):
    return pdf_root() / stored.file_name


def render_draft(programme, variant):
    """A pack of the latest draft of a programme and its sessions, for editors; not stored."""
    draft = programme.get_latest_revision_as_object()
    sessions = [
        session.get_latest_revision_as_object()
        for session in SessionPage.objects.child_of(programme).order_by("number")
    ]
    sessions.sort(key=lambda session: session.number)
    return render_pdf(render_html(draft, variant, sessions, draft=True))
