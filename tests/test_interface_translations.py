"""Every interface string is translated into every site language, and the site uses them."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.LOCALE_PATHS[0])
OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_no_message_is_missing_or_fuzzy(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    assert po.exists(), f"{po} is missing: run makemessages -l {language}"
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is needed: `make test` installs it"
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ translated messages\.", statistics), statistics
    # msgfmt counts an empty msgstr as untranslated; a header-only file would pass, so:
    assert int(statistics.split()[0]) > 500


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_no_msgstr_is_empty(language):
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first is the header
    empty = [
        e
        for e in entries
        if re.search(r'^msgstr(\[\d\])? ""\n?$', e, re.M)
        and not re.search(r'^msgstr(\[\d\])? ""\n"', e, re.M)
    ]
    assert empty == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, words",
    [("fr", "Aller au contenu principal"), ("el", "Πήγαινε στο κύριο περιεχόμενο")],
)
def test_pages_use_the_compiled_translations(client, language, words):
    mo = LOCALE / language / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), "run `make messages` (make test does) to compile the translations"
    html = client.get(f"/{language}/support/").content.decode()
    assert words in html


def _message_ids(po_text):
    """(context, msgid) of every entry in a .po file's text, multi-line strings joined."""
    ids = set()
    for entry in po_text.split("\n\n"):
        fields, current = {}, None
        for line in entry.splitlines():
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            ids.add((fields.get("msgctxt"), fields["msgid"]))
    return ids


def test_every_string_in_the_code_is_in_the_translation_files():
    """makemessages for a scratch language finds nothing the real files lack."""
    root = LOCALE.parent.parent
    scratch = LOCALE / "zz"
    try:
        result = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "-l",
                "zz",
                "--no-obsolete",
                "--ignore=.venv",
                "--ignore=tests",
                "--ignore=staticfiles",
                "--ignore=media",
            ],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        wanted = _message_ids((scratch / "LC_MESSAGES" / "django.po").read_text("utf-8"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for language in OTHER_LANGUAGES:
        have = _message_ids(
            (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
        )
        missing = sorted(msgid for _ctx, msgid in wanted - have)
        assert missing == [], f"{language}: run makemessages and translate: {missing[:5]}"
