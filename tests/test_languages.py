"""Eight languages: translated pages imported beside the English ones, the right `lang` on
every page, a switcher that keeps the visitor's place, hreflang and sitemap alternates, and
programmes translated only as far as their catalogue entry pointing to the English sessions."""

import re

import pytest
from django.core.management import call_command

from courses.models import ProgrammePage, SessionPage
from tests.factories import write_translated_fixture_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def translated(tmp_path):
    source = write_translated_fixture_content(tmp_path / "programmes")
    call_command("load_content", source=str(source), skip_index=True, verbosity=0)
    return source


def lang_of(response):
    return re.search(r'<html lang="([\w-]+)"', response.content.decode()).group(1)


@pytest.mark.parametrize("language", ["fr", "el", "pl"])
def test_each_language_has_its_home_catalogue_programme_and_session(client, translated, language):
    for path in ("", "programmes/", "programmes/finding-hope/", "programmes/finding-hope/part-3/"):
        response = client.get(f"/{language}/{path}")
        assert response.status_code == 200, path
        assert lang_of(response) == language, path
    html = client.get(f"/{language}/programmes/finding-hope/part-3/").content.decode()
    title = {"fr": "Retrouver l&#x27;espoir 3", "el": "Βρίσκοντας ελπίδα 3", "pl": "nadzieję 3"}
    assert title[language] in html


def test_translations_are_wagtail_translations_of_the_english_pages(translated):
    english = ProgrammePage.objects.get(content_key="finding-hope", locale__language_code="en")
    codes = sorted(t.locale.language_code for t in english.get_translations().live())
    assert codes == ["el", "fr", "pl"]
    session = SessionPage.objects.get(
        content_key="finding-hope-part-2", locale__language_code="fr"
    )
    assert session.get_parent().specific.title == "Retrouver l'espoir"


def test_importing_again_changes_nothing(translated):
    from content.importer import Importer

    report = Importer(source=translated).run()
    assert report.created == [] and report.updated == []
    assert report.errors == []


def test_the_switcher_keeps_the_page_where_a_translation_exists(client, translated):
    html = client.get("/fr/programmes/finding-hope/part-2/").content.decode()
    switcher = re.search(r'<nav class="language-switcher.*?</nav>', html, re.S).group(0)
    assert 'href="/el/programmes/finding-hope/part-2/" lang="el"' in switcher
    assert 'href="/en/programmes/finding-hope/part-2/" lang="en"' in switcher
    # No Danish session: the Danish link goes to the Danish home page.
    assert 'href="/da/" lang="da"' in switcher
    assert ">Ελληνικά<" in switcher and ">polski<" in switcher and ">dansk<" in switcher
    assert 'aria-current="true">français<' in switcher
    assert "flag" not in switcher


def test_the_switcher_keeps_the_path_on_other_pages(client, translated):
    html = client.get("/el/support/").content.decode()
    assert 'href="/pl/support/" lang="pl"' in html


def test_hreflang_lists_only_existing_translations(client, translated):
    html = client.get("/en/programmes/finding-hope/part-2/").content.decode()
    hreflangs = re.findall(r'<link rel="alternate" hreflang="([\w-]+)"', html)
    assert sorted(hreflangs) == ["el", "en", "fr", "pl", "x-default"]


def test_the_sitemap_lists_every_language_with_alternates(client, translated):
    xml = client.get("/sitemap.xml").content.decode()
    assert "/pl/programmes/finding-hope/part-4/</loc>" in xml
    assert "/da/programmes/working-well/</loc>" in xml
    assert re.search(r'hreflang="el" href="http://[\w.]+/el/programmes/finding-hope/part-4/"', xml)


def test_a_programme_translated_as_far_as_its_summary_offers_the_english_sessions(
    client, translated
):
    response = client.get("/da/programmes/working-well/")
    html = response.content.decode()
    assert lang_of(response) == "da"
    assert "Trives på arbejdet" in html and "Et kursus om arbejde" in html
    assert '<ol class="session-list" lang="en">' in html
    assert 'href="/en/programmes/working-well/part-1/"' in html
    assert 'href="/en/programmes/working-well/course-pack.pdf" hreflang="en"' in html
    assert "/da/programmes/working-well/course-pack.pdf" not in html


def test_the_danish_catalogue_lists_its_programme(client, translated):
    html = client.get("/da/programmes/").content.decode()
    assert "Trives på arbejdet" in html
    assert "Finding hope" not in html


def pdf_fonts(reader):
    names = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.mark.parametrize(
    "language, expected",
    [("el", "Μιλάμε για ελπίδα και θάρρος"), ("pl", "Zażółć gęślą jaźń, mówimy o nadziei")],
)
def test_greek_and_polish_course_packs_hold_their_text_in_our_fonts(
    client, translated, language, expected
):
    import io

    import pypdf

    response = client.get(f"/{language}/programmes/finding-hope/course-pack.pdf")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert expected in text
    assert "\ufffd" not in text
    assert reader.trailer["/Root"]["/Lang"] == language
    # Every glyph came from the project's Noto Sans: no fallback font, so no missing glyph.
    fonts = pdf_fonts(reader)
    assert fonts and all("Noto" in name for name in fonts), fonts


def search_titles(client, language, query):
    html = client.get(f"/{language}/search/", {"q": query}).content.decode()
    return re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', html)


@pytest.fixture
def indexed(translated):
    from emilia import search_index

    search_index.rebuild()


def test_french_search_finds_an_inflected_form(client, indexed):
    # The French sessions say "des chevaux"; the visitor types the singular, "cheval".
    titles = search_titles(client, "fr", "cheval")
    assert titles and all(title.startswith("Retrouver l&#x27;espoir") for title in titles)
    assert len(titles) == 7  # the programme (its summary) and its six sessions
    # Accents are optional; English pages are not mixed into French results.
    assert len(search_titles(client, "fr", "reves")) == 7
    assert search_titles(client, "en", "cheval") == []


def test_greek_and_polish_search_use_their_own_stemmers(client, indexed):
    assert len(search_titles(client, "el", "ελπίδες")) >= 6  # plural of ελπίδα
    assert len(search_titles(client, "pl", "nadzieja")) >= 6  # nominative of "nadziei"


@pytest.mark.parametrize(
    "language, number", [("da", "70 201 201"), ("fr", "3114"), ("es", "024"), ("pl", "116 123")]
)
def test_each_language_has_its_own_crisis_contacts(client, translated, language, number):
    html = client.get(f"/{language}/support/").content.decode()
    assert number in html
    assert "Samaritans" not in html


def test_editors_see_which_translations_are_missing_stale_or_current(
    client, admin_login, translated
):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    editor = get_user_model().objects.create_user("ed", password="long-enough-pass")
    editor.groups.add(Group.objects.get(name="Editors"))
    admin_login(editor)
    # The English session 2 changes after its French translation was made.
    english = SessionPage.objects.get(
        content_key="finding-hope-part-2", locale__language_code="en"
    )
    english.save_revision().publish()
    html = client.get("/admin/courses/translations/").content.decode()
    rows = dict(re.findall(r'<th scope="row"><a [^>]+>(\d+)\..*?</th>(.*?)</tr>', html, re.S))
    finding_hope, working_well = rows["1"], rows["2"]
    cells = re.findall(r"translation-status--([\w-]+)", finding_hope)
    # Columns: da fr el nb pl es bs
    assert cells == ["missing", "stale", "stale", "missing", "stale", "missing", "missing"]
    assert "<li>Retrouver l&#x27;espoir 2</li>" in finding_hope  # names the stale session
    assert re.findall(r"translation-status--([\w-]+)", working_well)[0] == "summary-only"


def test_packs_of_a_summary_only_translation_are_the_english_ones(client, translated):
    response = client.get("/da/programmes/working-well/course-pack.pdf")
    assert response.status_code == 302
    assert response["Location"] == "/en/programmes/working-well/course-pack.pdf"
    html = client.get("/da/downloads/").content.decode()
    assert "Trives på arbejdet" in html
    assert '<ul class="downloads" lang="en">' in html
    assert "/en/programmes/working-well/trainer-pack.pdf" in html
    assert "/en/programmes/working-well/part-1/handouts.pdf" in html


def test_build_packs_skips_summary_only_translations(translated, capsys):
    from courses.models import StoredPDF

    call_command("build_packs", language="da", verbosity=0)
    assert not StoredPDF.objects.filter(language="da").exists()
