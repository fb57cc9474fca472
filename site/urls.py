from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import two_factor, views
from .sitemaps import TranslatedSitemap

handler404 = "emilia.views.page_not_found"
handler500 = "emilia.views.server_error"

urlpatterns = [
    # Before the admin's own: Wagtail's tag autocomplete would offer image and document tags too.
    path("admin/tag-autocomplete/", include("courses.admin_urls")),
    # Staff sign in on the site's own page (throttled), then meet the two-step sign-in.
    path("admin/login/", two_factor.to_site_sign_in),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": TranslatedSitemap}}, name="sitemap"),
]

urlpatterns += i18n_patterns(
    path("search/", views.search, name="search"),
    path("support/", views.support, name="support"),
    path("accounts/two-factor/", include(two_factor)),
    path("accounts/", include("learning_profile.account_urls")),
    path("my/", include("learning_profile.urls")),
    path("", include("courses.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
