"""Certificate and sign-in sheet PDFs, made through the one WeasyPrint wrapper.

A certificate carries a verification code of 160 random bits and a QR code of its public
verification address, drawn by segno as SVG and embedded as a `data:` URL (the only kind of
resource the wrapper fetches besides the project's own files).
"""

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from emilia.pdf import render_pdf


def verification_url(code, request=None):
    """The bare address in the public URL contract; it redirects to the visitor's language."""
    path = f"/certificates/{code}/"
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def qr_data_uri(url):
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def certificates_pdf(certificates, request=None, title=None):
    """One A4 landscape page per certificate, in the language each was issued in."""
    pages = []
    for certificate in certificates:
        url = verification_url(certificate.code, request)
        pages.append({"certificate": certificate, "url": url, "qr": qr_data_uri(url)})
    language = certificates[0].language if certificates else translation.get_language()
    with translation.override(language):
        html = render_to_string(
            "courses/pdf/certificate.html",
            {"pages": pages, "language": language, "title": title},
        )
    return render_pdf(html)


def sign_in_sheet_pdf(run_session, enrolments, spare_rows=6):
    run = run_session.run
    with translation.override(run.language):
        html = render_to_string(
            "courses/pdf/sign_in_sheet.html",
            {
                "run": run,
                "run_session": run_session,
                "enrolments": enrolments,
                "spare_rows": range(spare_rows),
                "language": run.language,
            },
        )
    return render_pdf(html)
