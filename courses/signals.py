"""Publishing a programme or a session builds its PDFs, once the publish has been saved."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

_paused = ContextVar("pack_builds_paused", default=False)


@contextmanager
def pack_builds_paused():
    """For bulk work such as `load_content`: publish many pages, build nothing."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def queue_builds(sender, instance, **kwargs):
    from . import packs
    from .models import ProgrammePage, SessionPage
    from .tasks import build_pdf

    if _paused.get():
        return
    page = instance.specific
    jobs = [(page.pk, variant) for variant in packs.variants_for(page)]
    if isinstance(page, SessionPage):
        programme = ProgrammePage.objects.filter(path=page.path[: -page.steplen]).first()
        if programme and programme.live:
            jobs += [(programme.pk, variant) for variant in packs.variants_for(programme)]
    for page_id, variant in jobs:
        transaction.on_commit(
            lambda page_id=page_id, variant=variant: build_pdf.enqueue(page_id, str(variant))
        )
