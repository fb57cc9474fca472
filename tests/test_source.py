"""The source-file reader: valid files read completely, every problem names its file and line."""

import pytest

from content.source import ContentErrors, read_programme
from tests.factories import write_programme


def read_errors(folder):
    with pytest.raises(ContentErrors) as caught:
        read_programme(folder)
    return caught.value.errors


def test_a_valid_programme_reads_completely(tmp_path):
    folder = write_programme(tmp_path, 1, "finding-hope", "Finding hope")
    programme = read_programme(folder)
    assert programme.title == "Finding hope"
    assert [session.number for session in programme.sessions] == [1, 2, 3, 4, 5, 6]
    session = programme.sessions[0]
    assert session.slug == "part-1"
    assert [activity.minutes for activity in session.activities] == [60, 60]
    assert session.activities[0].type == "icebreaker"
    assert "Go first" in session.activities[0].trainer_notes
    assert session.content_notes[0].opt_out.startswith("You can take a walk")
    kinds = [part.kind for part in session.handouts[0].parts]
    assert kinds == ["text", "lines", "checklist", "table"]
    table = session.handouts[0].parts[3]
    assert table.columns == ["Step", "By when"]
    assert table.rows == [["", ""]]


def test_minutes_that_do_not_add_up_are_reported_with_file_and_line(tmp_path):
    folder = write_programme(tmp_path, 1, "finding-hope", "Finding hope")
    path = folder / "02-part-2.en.md"
    path.write_text(path.read_text().replace("minutes=60}", "minutes=45}", 1))
    errors = read_errors(folder)
    assert len(errors) == 1
    assert errors[0].path == path
    assert errors[0].line == 5  # the 'minutes:' line of the front matter
    assert "add up to 105 minutes but the session lasts 120 minutes" in str(errors[0])


def test_broken_yaml_names_the_line(tmp_path):
    folder = write_programme(tmp_path, 1, "finding-hope", "Finding hope")
    path = folder / "03-part-3.en.md"
    path.write_text(path.read_text().replace("title: Finding hope, part 3", "title: [oops"))
    (error,) = read_errors(folder)
    assert error.path == path
    assert error.line == 4
    assert "not valid YAML" in error.message


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("{type=icebreaker minutes=60}", "{type=lecture minutes=60}", "activity type 'lecture'"),
        ("{type=icebreaker minutes=60}", "", "must end with {type=... minutes=...}"),
        ("### Opt-out", "### Instead", "needs an '### Opt-out' alternative"),
        ("### Trainer notes\nGo first", "Go first", "has no '### Trainer notes'"),
        ("## Handout: My notes", "## Sheet: My notes", "a '## ' heading must be"),
        ("aims: [Meet the group]", "aims: Meet the group", "'aims' must be a list"),
        ("[lines:3]", "[lines:30]", "[lines:N] takes a number from 1 to 20"),
        ("| | |", "| |", "this table row has 1 cells, not 2"),
    ],
)
def test_malformed_sessions_get_a_plain_message(tmp_path, old, new, message):
    folder = write_programme(tmp_path, 1, "finding-hope", "Finding hope")
    path = folder / "04-part-4.en.md"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    errors = read_errors(folder)
    assert any(message in error.message and error.path == path for error in errors), errors


def test_a_session_without_a_handout_is_refused(tmp_path):
    folder = write_programme(tmp_path, 1, "finding-hope", "Finding hope")
    path = folder / "01-part-1.en.md"
    text = path.read_text()
    path.write_text(text[: text.index("## Handout:")])
    assert any("at least one '## Handout" in error.message for error in read_errors(folder))


def test_too_few_sessions_is_refused(tmp_path):
    folder = write_programme(tmp_path, 1, "finding-hope", "Finding hope", sessions=5)
    (error,) = read_errors(folder)
    assert "6 to 10 sessions, this one has 5" in error.message


def test_unknown_audience_and_fields_are_refused(tmp_path):
    folder = write_programme(tmp_path, 1, "finding-hope", "Finding hope", audience=["patients"])
    path = folder / "programme.en.md"
    path.write_text(path.read_text().replace("licence:", "colour: blue\nlicence:"))
    messages = [error.message for error in read_errors(folder)]
    assert any("audience 'patients' is not one of" in message for message in messages)
    assert any("'colour' is not a field" in message for message in messages)


def test_a_translation_may_be_the_programme_page_alone(tmp_path):
    folder = write_programme(tmp_path, 1, "finding-hope", "Finding hope")
    english = (folder / "programme.en.md").read_text(encoding="utf-8")
    (folder / "programme.fr.md").write_text(
        english.replace("title: Finding hope", "title: Retrouver l'espoir"), encoding="utf-8"
    )
    programme = read_programme(folder, language="fr")
    assert programme.title == "Retrouver l'espoir" and programme.sessions == []
    # English, the source, must always have its sessions.
    for path in folder.glob("0*.en.md"):
        path.unlink()
    assert "6 to 10 sessions, this one has 0" in read_errors(folder)[0].message
