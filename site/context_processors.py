from django.core.cache import cache
from wagtail.models import Site

from .models import SiteSettings

SETTINGS_CACHE_SECONDS = 300


def settings_cache_key(site_id):
    return f"emilia:site-settings:{site_id}"


def site_settings(request):
    """The site's settings (footer, organisation), cached so pages spend no query on them.

    Saving the settings clears the cached copy (see signals in apps.py).
    """
    site = Site.find_for_request(request)
    if site is None:
        return {"site_settings": SiteSettings()}
    key = settings_cache_key(site.pk)
    values = cache.get(key)
    if values is None:
        settings_object = SiteSettings.for_site(site)
        values = {
            "organisation_name": settings_object.organisation_name,
            "footer_text": settings_object.footer_text,
            "contact_email": settings_object.contact_email,
        }
        cache.set(key, values, SETTINGS_CACHE_SECONDS)
    return {"site_settings": SiteSettings(site=site, **values)}
