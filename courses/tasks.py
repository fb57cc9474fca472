"""Background work: building PDFs after a publish (django-tasks; immediate by default).

A build that fails is marked failed by django-tasks, and, on a backend that can run tasks
later (the database worker), queued again after a pause that grows with each attempt. On the
immediate backend, the next download after the pause tries again instead (packs.for_download).
"""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task
from wagtail.models import Page

from . import packs

logger = logging.getLogger(__name__)
RETRY_DELAYS_SECONDS = (60, 5 * 60, 30 * 60, 2 * 60 * 60)


@task()
def build_pdf(page_id, variant, attempt=1):
    """Build and store the PDF of the live version of a page, unless it is already stored."""
    page = Page.objects.live().filter(pk=page_id).first()
    if page is None:
        return None
    try:
        stored = packs.get_or_build(page.specific, variant)
    except Exception:
        schedule_retry(page_id, variant, attempt)
        raise
    return stored.pk


def schedule_retry(page_id, variant, attempt):
    """Queue attempt `attempt + 1` after a pause; False if the backend cannot, or if this was
    the last attempt."""
    if attempt > len(RETRY_DELAYS_SECONDS):
        logger.error(
            "Gave up building %s PDF of page %s after %s attempts", variant, page_id, attempt
        )
        return False
    if not build_pdf.get_backend().supports_defer:
        return False
    run_after = timezone.now() + timedelta(seconds=RETRY_DELAYS_SECONDS[attempt - 1])
    build_pdf.using(run_after=run_after).enqueue(page_id, str(variant), attempt + 1)
    return True
