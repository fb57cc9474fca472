"""Search at /search/ finds programmes and sessions by the words in them."""

import pytest

pytestmark = pytest.mark.django_db


def result_titles(response):
    return [page.title for page in response.context["results"] or []]


def test_search_finds_a_session_by_a_word_in_its_body(client):
    response = client.get("/en/search/", {"q": "kaleidoscope"})
    assert response.status_code == 200
    assert result_titles(response) == ["Finding hope, part 3"]
    html = response.content.decode()
    assert "1 result for “kaleidoscope”" in html
    assert 'href="/en/programmes/finding-hope/part-3/"' in html


def test_search_finds_a_programme_by_its_title(client):
    assert "Working well" in result_titles(client.get("/en/search/", {"q": "working"}))


def test_no_results_gives_a_way_forward(client):
    html = client.get("/en/search/", {"q": "xylophonic"}).content.decode()
    assert "0 results for “xylophonic”" in html
    assert "See all courses" in html


def test_an_empty_search_shows_the_form_only(client):
    response = client.get("/en/search/")
    assert response.status_code == 200
    assert response.context["results"] is None
    assert 'name="q"' in response.content.decode()


def test_a_very_long_query_is_cut_not_refused(client):
    response = client.get("/en/search/", {"q": "hope " * 200})
    assert response.status_code == 200
    assert len(response.context["search_query"]) <= 200


def test_unpublished_sessions_are_not_found(client, session_page):
    session_page.unpublish()
    assert result_titles(client.get("/en/search/", {"q": "kaleidoscope"})) == []
