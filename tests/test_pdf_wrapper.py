"""site/pdf.py: tagged PDFs with title, language and fonts, and a fetcher that only reads
the project's own files (a security boundary)."""

import http.server
import io
import threading

import pypdf
import pytest

from emilia.pdf import ProjectFilesOnly, RefusedResource, local_path, render_pdf


def document(body, head=""):
    return (
        '<!DOCTYPE html><html lang="el"><head><meta charset="utf-8"><title>Δοκιμή title</title>'
        '<link rel="stylesheet" href="/static/css/pdf.css">'
        f"{head}</head><body>{body}</body></html>"
    )


def embedded(font):
    descendants = font.get("/DescendantFonts")
    descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def read(content):
    return pypdf.PdfReader(io.BytesIO(content))


class Recorder(http.server.BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):  # noqa: N802 - the stdlib's name
        Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


@pytest.fixture
def web_server():
    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Recorder.requests = []
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_a_pdf_is_tagged_with_title_language_outline_and_embedded_fonts():
    rendered = render_pdf(document("<h1>Πρώτο κεφάλαιο</h1><p>Zażółć gęślą jaźń.</p><h2>Two</h2>"))
    reader = read(rendered.content)
    root = reader.trailer["/Root"]
    assert reader.metadata.title == "Δοκιμή title"
    assert root["/Lang"] == "el"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert reader.outline[0].title == "Πρώτο κεφάλαιο"
    assert reader.outline[1][0].title == "Two"  # nested under its h1
    text = reader.pages[0].extract_text()
    assert "Πρώτο κεφάλαιο" in text and "Zażółć gęślą jaźń." in text
    fonts = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
    assert fonts and all("Noto-Sans" in str(font["/BaseFont"]) for font in fonts)
    assert all(embedded(font) for font in fonts)
    assert rendered.page_count == 1


def test_local_files_the_network_and_attachments_are_never_fetched(tmp_path, web_server):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    body = (
        f'<img src="file://{secret}"><img src="file:///etc/hostname">'
        f'<a rel="attachment" href="file://{secret}">attached</a>'
        f'<img src="{web_server}/image.png"><p>Still renders</p>'
    )
    head = (
        f'<style>@import url("file://{secret}"); @import url("{web_server}/style.css");</style>'
        f'<link rel="stylesheet" href="{web_server}/linked.css">'
        f'<link rel="attachment" href="file://{secret}">'
    )
    rendered = render_pdf(document(body, head))
    assert Recorder.requests == []
    assert b"TOP-SECRET-MARKER" not in rendered.content
    assert b"/EmbeddedFile" not in rendered.content
    assert "Still renders" in read(rendered.content).pages[0].extract_text()


def test_the_fetcher_serves_project_static_files_and_data_urls_only(tmp_path, settings):
    fetcher = ProjectFilesOnly()
    assert fetcher.fetch("https://pdf.emilia.invalid/static/css/pdf.css").read().startswith(b"/*")
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    for url in (
        "file:///etc/passwd",
        "https://pdf.emilia.invalid/static/../../../etc/passwd",
        "https://pdf.emilia.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://pdf.emilia.invalid/media/../settings.py",
        "https://example.org/static/css/pdf.css",
        "http://127.0.0.1/static/css/pdf.css",
        "ftp://pdf.emilia.invalid/static/css/pdf.css",
    ):
        with pytest.raises((RefusedResource, ValueError)):
            fetcher.fetch(url)


def test_media_files_are_served_only_from_inside_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "images").mkdir(parents=True)
    (tmp_path / "media" / "images" / "a.png").write_bytes(b"png")
    (tmp_path / "outside.png").write_bytes(b"no")
    assert local_path("https://pdf.emilia.invalid/media/images/a.png").read_bytes() == b"png"
    assert local_path("https://pdf.emilia.invalid/media/../outside.png") is None
    assert local_path("https://pdf.emilia.invalid/media/images/missing.png") is None
