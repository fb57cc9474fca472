"""The one WeasyPrint wrapper: every PDF in the project is made here.

This is a security boundary. WeasyPrint fetches whatever a document names (images, style
sheets, fonts, and files named in attachment links, which it embeds). The fetcher below serves
only the project's own static and media files, read from disk, and `data:` URLs; it refuses
everything else: other `file://` paths, the network, and so redirects too.

Documents name project files by their site paths (`/static/...`, `/media/...`), which resolve
against `BASE_URL`, an address that never leaves this process.
"""

import mimetypes
import os
import selectors
import signal
import struct
import time
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
    """WeasyPrint failed in the process that rendered the document."""


def _render(html, stylesheets):
    fetcher = ProjectFilesOnly()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
        stylesheets=list(stylesheets), pdf_variant="pdf/ua-1", pdf_tags=True
    )
    content = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    return RenderedPDF(content=content, page_count=len(document.pages))


def render_pdf(html, *, stylesheets=(), time_limit=None):
    """Render an HTML document (with `<html lang>` and `<title>`) to a tagged PDF/UA file.

    Headings become the PDF outline; fonts named in the CSS are embedded. With `time_limit`
    (seconds), the rendering runs in a child process that is stopped when the time is up
    (`PDFRenderTimeout`): a document that makes WeasyPrint loop or crawl cannot hold a worker.
    """
    if not time_limit:
        return _render(html, stylesheets)
    return _render_in_child(html, stylesheets, time_limit)


def _render_in_child(html, stylesheets, time_limit):
    """Fork; the child renders and writes b"K" + page count + PDF, or b"E" + the error's
    name, to a pipe, then exits without running any clean-up of the parent's (its database
    connections, for one, are the parent's). The parent reads until the deadline."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        status = 0
        try:
            os.close(read_end)
            try:
                rendered = _render(html, stylesheets)
                payload = b"K" + struct.pack(">I", rendered.page_count) + rendered.content
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                payload = b"E" + f"{type(exc).__name__}: {exc}"[:500].encode()
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        except BaseException:  # noqa: BLE001
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    chunks = []
    deadline = time.monotonic() + time_limit
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(read_end, selectors.EVENT_READ)
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    os.kill(pid, signal.SIGKILL)
                    raise PDFRenderTimeout(f"PDF rendering took longer than {time_limit} s")
                chunk = os.read(read_end, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    payload = b"".join(chunks)
    if payload[:1] == b"K" and len(payload) > 5:
        (page_count,) = struct.unpack(">I", payload[1:5])
        return RenderedPDF(content=payload[5:], page_count=page_count)
    reason = payload[1:].decode(errors="replace") if payload[:1] == b"E" else "no output"
    raise PDFRenderFailed(f"PDF rendering failed: {reason}")
