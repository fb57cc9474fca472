"""Background work: building PDFs after a publish (django-tasks; immediate by default)."""

from django_tasks import task
from wagtail.models import Page

from . import packs


@task()
def build_pdf(page_id, variant):
    """Build and store the PDF of the live version of a page, unless it is already stored."""
    page = Page.objects.live().filter(pk=page_id).first()
    if page is None:
        return None
    stored = packs.get_or_build(page.specific, variant)
    return stored.pk
