"""Whole public pages cached for anonymous visitors, forgotten on any change; never a signed-in
page; and a strict Content-Security-Policy outside the admin."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def test_anonymous_pages_are_cached_and_a_published_edit_shows_at_once(client, programme):
    client.get("/en/")  # the first request of a fresh database creates the site settings
    first = client.get(programme.url)
    assert first["X-Page-Cache"] == "miss"
    assert client.get(programme.url)["X-Page-Cache"] == "hit"
    programme.title = "Finding hope again"
    programme.save_revision().publish()
    response = client.get(programme.url)
    assert response["X-Page-Cache"] == "miss"
    assert "Finding hope again" in response.content.decode()
    # The catalogue, which lists the programme, changed with it.
    assert "Finding hope again" in client.get("/en/programmes/").content.decode()


def test_unpublishing_forgets_the_cached_page(client, session_page):
    assert client.get(session_page.url).status_code == 200
    session_page.unpublish()
    assert client.get(session_page.url).status_code == 404


def test_signed_in_visitors_never_get_or_make_cached_pages(client, programme):
    client.get(programme.url)  # cached for anonymous visitors
    user = get_user_model().objects.create_user("reader", password="long-enough-pass")
    client.force_login(user)
    response = client.get(programme.url)
    assert "X-Page-Cache" not in response
    assert "Sign out" in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_pages_with_forms_that_post_are_not_cached(client):
    for path in ("/en/accounts/login/", "/en/organisations/self-assessment/"):
        client.get(path)
        assert "X-Page-Cache" not in client.get(path), path


def test_a_strict_content_security_policy_outside_the_admin(client, programme):
    policy = client.get(programme.url)["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    cached = client.get(programme.url)
    assert cached["Content-Security-Policy"] == policy
    admin = client.get("/admin/login/")["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in admin
