"""The site shell: robots.txt, sitemap, error pages, support contacts, layout (the health check
is in test_operations.py)."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_robots_txt_points_at_the_sitemap_and_keeps_private_areas_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text
    assert "Disallow: /my/" in text


def test_sitemap_lists_programmes_and_sessions(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert "/en/programmes/finding-hope/</loc>" in xml
    assert "/en/programmes/finding-hope/part-3/</loc>" in xml


def test_a_missing_page_gets_the_friendly_404(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can't find that page" in html
    assert "It is not your fault." in html
    assert "Need support now?" in html


@override_settings(DEBUG=False)
def test_a_server_error_gets_the_calm_500_page():
    from django.test import Client
    from django.urls import path

    from emilia import urls as site_urls

    def boom(request):
        raise RuntimeError("broken")

    class Urls:
        urlpatterns = [path("boom/", boom), *site_urls.urlpatterns]
        handler500 = site_urls.handler500

    with override_settings(ROOT_URLCONF=Urls):
        response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "Nothing you did caused it." in response.content.decode()


def test_support_page_lists_the_crisis_contacts_with_emergency_first(client):
    html = client.get("/en/support/").content.decode()
    assert html.index("Emergency services (Europe)") < html.index("Samaritans")
    assert 'href="tel:116123"' in html


def test_crisis_contacts_are_editable_and_the_page_follows(client):
    from emilia.models import CrisisContact

    contact = CrisisContact.objects.get(name="Samaritans")
    contact.hours = "Day and night"
    contact.save()
    assert "Day and night" in client.get("/en/support/").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/en/programmes/",
        "/en/programmes/finding-hope/",
        "/en/programmes/finding-hope/part-3/",
        "/en/search/?q=hope",
        "/en/support/",
    ],
)
def test_every_page_has_the_skip_link_landmarks_and_support_link(client, url):
    html = client.get(url).content.decode()
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
    assert '<main id="main"' in html
    assert '<html lang="en">' in html
    assert '<a class="support-link" href="/en/support/">Need support now?</a>' in html
    assert "fonts.googleapis" not in html and "//cdn" not in html


def test_site_settings_footer_changes_show_at_once(client):
    from wagtail.models import Site

    from emilia.models import SiteSettings

    settings_object = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    client.get("/en/")
    settings_object.footer_text = "Run by the Friends of Emilia."
    settings_object.save()
    assert "Run by the Friends of Emilia." in client.get("/en/").content.decode()
