"""What an uploaded document must hold, beyond what Wagtail already checks.

Wagtail refuses a document whose extension is not in WAGTAILDOCS_EXTENSIONS or whose size is over
WAGTAILDOCS_MAX_UPLOAD_SIZE (and an image that is not really one of WAGTAILIMAGES_EXTENSIONS).
A document's name proves nothing about its contents, though: an SVG image or a web page renamed
to `.pdf` or `.txt` would pass. `DocumentForm`, the base of every document form in the admin
(WAGTAILDOCS_DOCUMENT_FORM_BASE), also refuses a file whose first bytes do not match its
extension, or that starts like markup a browser could run. Wagtail builds the single upload, the
multiple uploader and "replace file" from this base, so all three are covered.
"""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm

# How each allowed type starts. DOCX and ODT are ZIP archives; `.txt` has no signature of its own.
SIGNATURES = {
    "pdf": b"%PDF-",
    "docx": b"PK\x03\x04",
    "odt": b"PK\x03\x04",
    "rtf": b"{\\rtf",
}
# How SVG, HTML and other XML start, whatever the file is called.
MARKUP_STARTS = (b"<?xml", b"<svg", b"<!doctype", b"<html", b"<head", b"<body", b"<script")
HEAD_BYTES = 512


def _head(upload):
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def check_document_contents(upload):
    """Raise ValidationError unless `upload` starts as a file of its extension should."""
    extension = os.path.splitext(upload.name)[1][1:].lower()
    head = _head(upload)
    text_start = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if text_start.startswith(MARKUP_STARTS):
        raise ValidationError(
            _("Web pages, SVG images and other markup files cannot be uploaded as documents."),
            code="markup_document",
        )
    signature = SIGNATURES.get(extension)
    if (signature and not head.startswith(signature)) or (extension == "txt" and b"\0" in head):
        raise ValidationError(
            _(
                "This file is not really a .%(extension)s file. Upload the document as saved by "
                "the program that made it."
            ),
            code="wrong_contents",
            params={"extension": extension},
        )


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form, refusing files whose contents do not match their extension."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            # The extension first (as Document.clean() would), so that an SVG is told which
            # types are allowed rather than only what it is.
            FileExtensionValidator(settings.WAGTAILDOCS_EXTENSIONS)(upload)
            check_document_contents(upload)
        return upload

    def add_error(self, field, error):
        """Keep one message per refused upload. Document.clean() checks the extension of the
        document's own file, which is still empty when the upload was refused, and would add
        "File extension “” is not allowed" under the real reason."""
        if field is None and hasattr(error, "error_dict") and self.has_error("file"):
            error.error_dict.pop("file", None)
        super().add_error(field, error)
