"""The one WeasyPrint wrapper: every PDF in the project is made here.

This is a security boundary. WeasyPrint fetches whatever a document names (images, style
sheets, fonts, and files named in attachment links, which it embeds). The fetcher below serves
only the project's own static and media files, read from disk, and `data:` URLs; it refuses
everything else: other `file://` paths, the network, and so redirects too.

Documents name project files by their site paths (`/static/...`, `/media/...`), which resolve
against `BASE_URL`, an address that never leaves this process.
"""

import mimetypes
import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE_URL = "https://pdf.emilia.invalid/"
_ORIGIN = urlsplit(BASE_URL)


class RefusedResource(ValueError):
    """A document asked for something outside the project's own files."""


def _inside(root, path):
    try:
        return path.resolve().is_relative_to(Path(root).resolve())
    except OSError:
        return False


def _static_file(relative):
    """A file from the project's static folders (the sources of collectstatic)."""
    found = finders.find(relative)
    if not found:
        return None
    roots = [Path(root) for root in settings.STATICFILES_DIRS] + list(_app_static_roots())
    return Path(found) if any(_inside(root, Path(found)) for root in roots) else None


def _app_static_roots():
    from django.apps import apps

    for app_config in apps.get_app_configs():
        static_dir = Path(app_config.path) / "static"
        if static_dir.is_dir():
            yield static_dir


def local_path(url):
    """The file on disk that a project URL names, or None if it names anything else."""
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != (_ORIGIN.scheme, _ORIGIN.netloc):
        return None
    path = unquote(parts.path)
    if "\x00" in path or "/../" in f"{path}/" or "\\" in path:
        return None
    static_prefix = urlsplit(settings.STATIC_URL).path
    media_prefix = urlsplit(settings.MEDIA_URL).path
    if path.startswith(static_prefix):
        return _static_file(path[len(static_prefix) :])
    if path.startswith(media_prefix):
        candidate = Path(settings.MEDIA_ROOT) / path[len(media_prefix) :]
        if candidate.is_file() and _inside(settings.MEDIA_ROOT, candidate):
            return candidate
    return None


class ProjectFilesOnly(URLFetcher):
    """Serves `data:` URLs and the project's static and media files; refuses the rest."""

    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=5)

    def fetch(self, url, headers=None):
        if url.lower().startswith("data:"):
            return super().fetch(url, headers)
        path = local_path(url)
        if path is None:
            raise RefusedResource(f"not a project file: {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )


@dataclass(frozen=True)
class RenderedPDF:
    content: bytes
    page_count: int


class PDFRenderTimeout(RuntimeError):
    """WeasyPrint took longer than the time allowed, and was stopped."""


class PDFRenderFailed(RuntimeError):
    """WeasyPrint could not render the document."""


def _render(html, stylesheets):
    fetcher = ProjectFilesOnly()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
        stylesheets=list(stylesheets), pdf_variant="pdf/ua-1", pdf_tags=True
    )
    content = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    return RenderedPDF(content=content, page_count=len(document.pages))


def render_pdf(html, *, stylesheets=(), time_limit=None):
    """Render an HTML document (with `<html lang>` and `<title>`) to a tagged PDF/UA file.

    Headings become the PDF outline; fonts named in the CSS are embedded. Any failure is
    raised as PDFRenderFailed. With `time_limit` (seconds), a timer interrupts WeasyPrint when
    the time is up (PDFRenderTimeout), so a document that makes it crawl cannot hold a worker.
    The timer is a signal, so it applies in a process's main thread (gunicorn's sync workers,
    `db_worker`, management commands); a build in another thread runs without one.
    """
    try:
        if time_limit and _can_set_timer():
            return _render_with_timer(html, stylesheets, time_limit)
        return _render(html, stylesheets)
    except PDFRenderTimeout:
        raise
    except Exception as exc:
        raise PDFRenderFailed(f"{type(exc).__name__}: {exc}"[:500]) from exc


def _can_set_timer():
    return (
        threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0  # no one else's timer is running
    )


def _render_with_timer(html, stylesheets, time_limit):
    def stop(signum, frame):
        raise PDFRenderTimeout(f"PDF rendering took longer than {time_limit} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, time_limit)
    try:
        return _render(html, stylesheets)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
