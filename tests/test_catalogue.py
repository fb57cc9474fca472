"""The catalogue at /programmes/: every programme, filters by audience and topic."""

import pytest

pytestmark = pytest.mark.django_db


def titles(response):
    return [programme.title for programme in response.context["programmes"]]


def test_the_catalogue_lists_every_programme_in_number_order(client):
    response = client.get("/en/programmes/")
    assert response.status_code == 200
    assert titles(response) == ["Finding hope", "Working well"]
    assert "2 courses" in response.content.decode()


def test_the_bare_path_redirects_to_the_language_prefixed_one(client):
    response = client.get("/programmes/")
    assert response.status_code == 302
    assert response["Location"] == "/en/programmes/"


def test_filter_by_audience(client):
    response = client.get("/en/programmes/", {"audience": "staff"})
    assert titles(response) == ["Working well"]
    assert "1 course matches." in response.content.decode()


def test_filter_by_topic(client):
    assert titles(client.get("/en/programmes/", {"tag": "recovery"})) == ["Finding hope"]
    assert titles(client.get("/en/programmes/", {"tag": "hope"})) == [
        "Finding hope",
        "Working well",
    ]


def test_both_filters_together_and_no_match(client):
    response = client.get("/en/programmes/", {"audience": "staff", "tag": "recovery"})
    assert titles(response) == []
    assert "No course matches both choices" in response.content.decode()


def test_the_filter_form_works_without_javascript(client):
    """A plain GET form with a submit button, and the chosen options stay selected."""
    html = client.get("/en/programmes/", {"audience": "staff"}).content.decode()
    assert '<form class="filters" method="get" action="/en/programmes/"' in html
    assert '<button type="submit" class="button">Show courses</button>' in html
    assert '<option value="staff" selected>' in html
    assert "Show all courses" in html


def test_an_unknown_filter_value_shows_nothing_rather_than_an_error(client):
    response = client.get("/en/programmes/", {"audience": "nobody"})
    assert response.status_code == 200
    assert titles(response) == []


def test_unpublished_programmes_are_not_listed(client, programme):
    programme.unpublish()
    assert titles(client.get("/en/programmes/")) == ["Working well"]
    assert client.get("/en/programmes/finding-hope/").status_code == 404
