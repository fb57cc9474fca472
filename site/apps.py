from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished


def _forget_cached_settings(sender, instance, **kwargs):
    from django.core.cache import cache

    from .context_processors import settings_cache_key

    cache.delete(settings_cache_key(instance.site_id))


def _forget_pages_unless_defaults(sender, instance, created, **kwargs):
    """Settings rows are created with their defaults on the first page view of a fresh site
    (`for_site`): pages already render those defaults, so only a real edit forgets them."""
    if not created:
        from .middleware import forget_cached_pages

        forget_cached_pages()


def _index_page(sender, instance, **kwargs):
    from .search_index import index_page

    index_page(instance)


class EmiliaConfig(AppConfig):
    name = "emilia"
    label = "emilia"
    verbose_name = "Emilia Training site"

    def ready(self):
        from .models import SiteSettings

        post_save.connect(_forget_cached_settings, sender=SiteSettings)
        post_delete.connect(_forget_cached_settings, sender=SiteSettings)
        page_published.connect(_index_page)
        page_unpublished.connect(_index_page)
        # Whole-page cache: forget every cached page when anything shown on pages changes.
        from wagtail.models import Page
        from wagtail.signals import post_page_move

        from courses.models import Audience

        from .middleware import forget_cached_pages
        from .models import CrisisContact

        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(forget_cached_pages, dispatch_uid=f"forget-pages-{id(signal)}")
        post_delete.connect(forget_cached_pages, sender=Page, dispatch_uid="forget-pages-delete")
        post_save.connect(_forget_pages_unless_defaults, sender=SiteSettings)
        post_delete.connect(forget_cached_pages, sender=SiteSettings)
        for model in (CrisisContact, Audience):
            post_save.connect(forget_cached_pages, sender=model, dispatch_uid=f"forget-{model}")
            post_delete.connect(
                forget_cached_pages, sender=model, dispatch_uid=f"forget-d-{model}"
            )
