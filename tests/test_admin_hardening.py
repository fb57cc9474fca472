"""Admin uploads and the tag autocomplete.

Documents: only the allowed types, up to the size limit, with contents that match the extension;
served through Wagtail's view as downloads (PDF alone opens in the browser), never sniffed, and
never to a visitor a private collection keeps out. Images: no SVG. The tag autocomplete offers
programme tags only.
"""

import io
import json

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import reverse
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import BaseViewRestriction, Collection, CollectionViewRestriction

from tests.pdp_helpers import make_user

Document = get_document_model()
Image = get_image_model()

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
ZIP = b"PK\x03\x04" + b"\0" * 40
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)
VALID_DOCUMENTS = {
    "handout.pdf": PDF,
    "handout.docx": ZIP,
    "handout.odt": ZIP,
    "handout.rtf": b"{\\rtf1\\ansi Hello}",
    "handout.txt": b"Bring a notebook.\n",
}


def _png(name="photo.png"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def editor(db):
    user = make_user("editor")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def admin_client(client, admin_login, editor):
    """An editor signed in to the admin, both steps (`admin_login` is in tests/conftest.py)."""
    admin_login(editor)
    return client


@pytest.fixture
def root_collection(db):
    return Collection.get_first_root_node()


def upload_document(client, collection, name, content):
    return client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Handout",
            "file": SimpleUploadedFile(name, content),
            "collection": collection.pk,
            "tags": "",
        },
    )


def upload_documents(client, collection, name, content):
    """The multiple uploader (drag and drop), which answers in JSON."""
    response = client.post(
        reverse("wagtaildocs:add_multiple"),
        {"files[]": SimpleUploadedFile(name, content), "collection": collection.pk},
    )
    return json.loads(response.content)


def upload_image(client, collection, upload):
    return client.post(
        reverse("wagtailimages:add"),
        {"title": "Photo", "file": upload, "collection": collection.pk, "tags": ""},
    )


# Document uploads


def test_the_upload_form_states_the_limits(admin_client):
    """The upload forms say how big a file may be: 20 MB for documents, 10 MB for images."""
    documents = admin_client.get(reverse("wagtaildocs:add"))
    images = admin_client.get(reverse("wagtailimages:add"))
    assert "Maximum filesize: 20.0\xa0MB" in documents.content.decode()
    assert "Maximum filesize: 10.0\xa0MB" in images.content.decode()


def test_a_document_over_the_limit_is_refused(admin_client, root_collection, settings):
    """A document over the limit is refused with a message naming the limit; nothing is saved."""
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 100 * 1024
    response = upload_document(admin_client, root_collection, "big.pdf", PDF + b"0" * 150_000)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "This file is too big (146.5\xa0KB). Maximum filesize 100.0\xa0KB."
    ]
    assert not Document.objects.exists()


def test_the_multiple_uploader_refuses_a_document_over_the_limit(
    admin_client, root_collection, settings
):
    """Drag and drop obeys the same limit, with the same message."""
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 100 * 1024
    answer = upload_documents(admin_client, root_collection, "big.pdf", PDF + b"0" * 150_000)
    assert answer["success"] is False
    assert answer["error_message"] == (
        "This file is too big (146.5\xa0KB). Maximum filesize 100.0\xa0KB."
    )
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("diagram.svg", "File extension “svg” is not allowed."),
        ("page.html", "File extension “html” is not allowed."),
        ("diagram.txt", "SVG images and other markup files cannot be uploaded as documents."),
        ("diagram.pdf", "SVG images and other markup files cannot be uploaded as documents."),
    ],
)
def test_svg_is_never_accepted_as_a_document(admin_client, root_collection, name, message):
    """An SVG is refused by its extension, and under an allowed name by its contents, with one
    message, by the upload form and by the multiple uploader."""
    response = upload_document(admin_client, root_collection, name, SVG)
    assert response.status_code == 200
    (error,) = response.context["form"].errors["file"]
    assert message in error
    answer = upload_documents(admin_client, root_collection, name, SVG)
    assert answer["success"] is False
    assert message in answer["error_message"]
    assert "\n" not in answer["error_message"]
    assert not Document.objects.exists()


@pytest.mark.parametrize("name", ["renamed.pdf", "renamed.docx", "renamed.rtf"])
def test_a_document_whose_contents_do_not_match_its_extension_is_refused(
    admin_client, root_collection, name
):
    """A file renamed to an allowed extension is refused in plain words."""
    response = upload_document(admin_client, root_collection, name, b"MZ\x90\0 not a document")
    extension = name.rsplit(".", 1)[1]
    assert f"This file is not really a .{extension} file." in " ".join(
        response.context["form"].errors["file"]
    )
    assert not Document.objects.exists()


@pytest.mark.parametrize(("name", "content"), VALID_DOCUMENTS.items())
def test_allowed_documents_are_accepted(admin_client, root_collection, name, content):
    """Each allowed type, with the contents it should have, is saved."""
    response = upload_document(admin_client, root_collection, name, content)
    assert response.status_code == 302
    assert Document.objects.get().file_extension == name.rsplit(".", 1)[1]


def test_replacing_a_document_file_is_checked_too(admin_client, root_collection):
    """Replacing a document's file goes through the same checks; the old file stays."""
    document = Document.objects.create(
        title="Handout", file=ContentFile(VALID_DOCUMENTS["handout.txt"], name="handout.txt")
    )
    response = admin_client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        {
            "title": "Handout",
            "file": SimpleUploadedFile("handout.txt", SVG),
            "collection": root_collection.pk,
            "tags": "",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    document.refresh_from_db()
    assert document.file.read() == VALID_DOCUMENTS["handout.txt"]


# Image uploads


@pytest.mark.parametrize("name", ["diagram.svg", "diagram.png"])
def test_svg_is_never_accepted_as_an_image(admin_client, root_collection, name):
    """An SVG is refused as an image, under its own name or renamed; nothing is saved."""
    response = upload_image(admin_client, root_collection, SimpleUploadedFile(name, SVG))
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Image.objects.exists()


def test_the_multiple_image_uploader_refuses_svg(admin_client, root_collection):
    """Drag and drop refuses an SVG too, and SVG is not among the formats it names."""
    response = admin_client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile("diagram.svg", SVG), "collection": root_collection.pk},
    )
    answer = json.loads(response.content)
    assert answer["success"] is False
    assert "Not a supported image format" in answer["error_message"]
    assert "SVG" not in answer["error_message"]  # the list of supported formats
    assert not Image.objects.exists()


def test_a_real_png_is_accepted(admin_client, root_collection):
    """A real image still goes in (the refusals above are about SVG, not every upload)."""
    response = upload_image(admin_client, root_collection, _png())
    assert response.status_code == 302
    assert Image.objects.get().title == "Photo"


def test_an_image_over_the_limit_is_refused(admin_client, root_collection, settings):
    """An image over WAGTAILIMAGES_MAX_UPLOAD_SIZE is refused with the limit named."""
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10
    response = upload_image(admin_client, root_collection, _png())
    assert "Maximum filesize 10\xa0bytes" in " ".join(response.context["form"].errors["file"])
    assert not Image.objects.exists()


# Serving documents


def make_document(name, content, collection=None):
    extra = {"collection": collection} if collection else {}
    return Document.objects.create(title=name, file=ContentFile(content, name=name), **extra)


def served_bytes(response):
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("name", ["handout.docx", "handout.odt", "handout.rtf", "handout.txt"])
def test_documents_download_through_the_serve_view(client, db, name):
    """A document's link is Wagtail's serve view, and the file comes as a download, unsniffed."""
    document = make_document(name, VALID_DOCUMENTS[name])
    assert document.url == f"/documents/{document.pk}/{name}"
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert served_bytes(response) == VALID_DOCUMENTS[name]


def test_a_pdf_opens_in_the_browser_locked_down(client, db):
    """PDF, the one inline type, opens in the browser: unsniffed, with nothing embedded run."""
    document = make_document("handout.pdf", PDF)
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert not response.get("Content-Disposition", "").startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_the_document_file_is_not_served_at_its_media_address(client, db):
    """Only the serve view hands out documents, so collection privacy cannot be bypassed."""
    document = make_document("handout.txt", VALID_DOCUMENTS["handout.txt"])
    assert client.get(document.file.url).status_code == 404


@pytest.mark.parametrize(
    "restriction_type", [BaseViewRestriction.LOGIN, BaseViewRestriction.PASSWORD]
)
def test_private_collection_documents_are_not_served_to_visitors(
    client, root_collection, restriction_type
):
    """A visitor gets the sign-in or password page, never the document itself."""
    private = root_collection.add_child(name="Trainers only")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=restriction_type, password="trainers-only-pass"
    )
    document = make_document("handout.txt", b"Private notes for trainers.\n", private)
    response = client.get(document.url, follow=True)
    assert not hasattr(response, "streaming_content")
    assert b"Private notes" not in response.content
    assert response.status_code == 200
    assert b'type="password"' in response.content  # a sign-in or password form
    if restriction_type == BaseViewRestriction.LOGIN:
        assert response.redirect_chain
        assert response.request["PATH_INFO"].endswith("/login/")
    else:
        assert "wagtaildocs/password_required.html" in [t.name for t in response.templates]


def test_a_signed_in_user_gets_a_login_only_document(client, root_collection):
    """The same document reaches anyone signed in: the refusal above is the restriction's."""
    private = root_collection.add_child(name="Trainers only")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=BaseViewRestriction.LOGIN
    )
    document = make_document("handout.txt", b"Private notes for trainers.\n", private)
    client.force_login(make_user("trainer"))
    assert served_bytes(client.get(document.url)) == b"Private notes for trainers.\n"


# The tag autocomplete

GENERIC = ("wagtailadmin_tag_autocomplete", ())
PER_MODEL = ("wagtailadmin_tag_model_autocomplete", ("taggit", "tag"))


@pytest.fixture
def shared_tags(programme):
    """The fixture programmes are tagged hope, recovery and work. Beside them in taggit's table:
    a tag only on an image, one only on a document, one on nothing, and `hope` on an image too."""
    image = Image.objects.create(title="Sunrise", file=ImageFile(_png(), name="sunrise.png"))
    image.tags.add("hopeful sunrise", "hope")
    document = make_document("leaflet.txt", b"A leaflet.\n")
    document.tags.add("hope leaflet")
    Tag.objects.create(name="hopscotch", slug="hopscotch")
    names = Tag.objects.filter(name__istartswith="hop").values_list("name", flat=True)
    assert sorted(names) == ["hope", "hope leaflet", "hopeful sunrise", "hopscotch"]


def autocomplete(client, url, **query):
    name, args = url
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


@pytest.mark.parametrize("url", [GENERIC, PER_MODEL], ids=["generic", "per-model"])
def test_the_tag_autocomplete_offers_programme_tags_only(admin_client, shared_tags, url):
    """Wagtail's tag widget is offered programme tags, never an image's or a document's."""
    assert autocomplete(admin_client, url, term="hop") == ["hope"]
    assert autocomplete(admin_client, url, term="HOP") == ["hope"]
    assert autocomplete(admin_client, url, term="re") == ["recovery"]
    assert autocomplete(admin_client, url, term="sun") == []
    assert autocomplete(admin_client, url, term="leaf") == []


@pytest.mark.parametrize("url", [GENERIC, PER_MODEL], ids=["generic", "per-model"])
def test_the_tag_autocomplete_without_a_term_lists_nothing(admin_client, shared_tags, url):
    """As in Wagtail, no term means no suggestions: the table is never listed whole."""
    assert autocomplete(admin_client, url) == []
    assert autocomplete(admin_client, url, term="") == []


@pytest.mark.parametrize(
    "model", [("wagtailimages", "image"), ("courses", "programmetag"), ("taggit", "nothing")]
)
def test_the_per_model_autocomplete_refuses_other_models(admin_client, shared_tags, model):
    """Only the tag model that programme tags use is offered; any other is not found."""
    response = admin_client.get(reverse(PER_MODEL[0], args=model), {"term": "hop"}, follow=True)
    assert response.status_code == 404
    assert b"hope" not in response.content


@pytest.mark.parametrize("url", [GENERIC, PER_MODEL], ids=["generic", "per-model"])
def test_only_admin_users_can_call_the_tag_autocomplete(
    client, admin_login, settings, shared_tags, url
):
    """A visitor, and a learner even after both sign-in steps, are sent to the admin's sign-in;
    a script gets a 403."""
    name, args = url
    address = reverse(name, args=args)
    sign_in = resolve_url(getattr(settings, "WAGTAILADMIN_LOGIN_URL", "wagtailadmin_login"))
    anonymous = client.get(address, {"term": "hop"})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(sign_in)
    admin_login(make_user("learner"))
    learner = client.get(address, {"term": "hop"})
    assert learner.status_code == 302
    assert learner["Location"].startswith(sign_in)
    scripted = client.get(address, {"term": "hop"}, headers={"x-requested-with": "XMLHttpRequest"})
    assert scripted.status_code == 403
    assert b"hope" not in scripted.content


def test_the_tag_widget_uses_the_limited_autocomplete(admin_client, programme, shared_tags):
    """The programme editor's tag field asks the address that answers with programme tags."""
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[programme.pk]))
    assert f'data-w-tag-url-value="{reverse(GENERIC[0])}"' in response.content.decode()
