"""The eleven programmes in content/: complete, in range, plain, and never repeating themselves."""

import pytest
from django.core.management import call_command

from content.readability import (
    LEARNER_MINIMUM,
    TRAINER_MINIMUM,
    flesch,
    scores,
    shared_paragraphs,
)
from content.source import ContentErrors, programme_folders, read_programme


def _read_all():
    programmes, problems = [], []
    for folder in programme_folders():
        try:
            programmes.append(read_programme(folder))
        except ContentErrors as exc:
            problems.extend(str(error) for error in exc.errors)
    return programmes, problems


PROGRAMMES, PROBLEMS = _read_all()
BY_NUMBER = {programme.number: programme for programme in PROGRAMMES}


def test_every_programme_file_reads_without_problems():
    assert PROBLEMS == []


def test_there_are_eleven_programmes_numbered_one_to_eleven():
    assert sorted(BY_NUMBER) == list(range(1, 12))


def test_programme_one_is_the_full_model_programme():
    programme = BY_NUMBER[1]
    assert programme.title == "Empowering People in Recovery"
    assert 8 <= len(programme.sessions) <= 10


@pytest.mark.parametrize("programme", PROGRAMMES, ids=lambda p: f"programme-{p.number:02d}")
def test_each_programme_is_complete(programme):
    assert 6 <= len(programme.sessions) <= 10
    assert len(programme.easy_read) >= 4
    assert programme.summary and programme.introduction
    assert programme.aims and programme.outcomes
    assert programme.licence
    for session in programme.sessions:
        assert 120 <= session.minutes <= 240, session.path
        assert sum(activity.minutes for activity in session.activities) == session.minutes
        assert len(session.activities) >= 3, session.path
        assert all(activity.trainer_notes.strip() for activity in session.activities)
        assert session.handouts, session.path
        fill_in = {part.kind for handout in session.handouts for part in handout.parts}
        assert fill_in & {"lines", "checklist", "table"}, f"{session.path}: nothing to fill in"
        for note in session.content_notes:
            assert note.opt_out.strip(), session.path


@pytest.mark.parametrize("programme", PROGRAMMES, ids=lambda p: f"programme-{p.number:02d}")
def test_learner_text_is_plain_and_trainer_notes_no_harder_than_a_newspaper(programme):
    result = scores(programme)
    assert result["learner"] >= LEARNER_MINIMUM, result
    assert result["trainer"] >= TRAINER_MINIMUM, result


def test_no_two_sessions_anywhere_share_a_paragraph():
    assert shared_paragraphs(PROGRAMMES) == []


def test_programme_keys_slugs_and_session_keys_are_unique_site_wide():
    keys = [p.key for p in PROGRAMMES] + [s.key for p in PROGRAMMES for s in p.sessions]
    assert len(keys) == len(set(keys))
    assert len({p.slug for p in PROGRAMMES}) == len(PROGRAMMES)


def test_the_reading_ease_score_ranks_plain_text_above_dense_text():
    plain = "We meet once a week. You can bring a friend. We talk about what helps."
    dense = (
        "Participants will systematically operationalise individualised recovery-oriented "
        "objectives, incorporating multidisciplinary perspectives regarding psychosocial "
        "rehabilitation methodologies."
    )
    assert flesch(plain) > 80 > 20 > flesch(dense)


@pytest.mark.django_db
def test_load_content_imports_every_programme_into_the_catalogue(client):
    call_command("load_content", verbosity=0, skip_index=True)
    response = client.get("/en/programmes/")
    listed = [
        p.title
        for p in response.context["programmes"]
        if p.content_key in {programme.key for programme in PROGRAMMES}
    ]
    assert listed == [BY_NUMBER[number].title for number in sorted(BY_NUMBER)]
    first = BY_NUMBER[1]
    session = first.sessions[0]
    page = client.get(f"/en/programmes/{first.slug}/{session.slug}/")
    assert page.status_code == 200
    assert session.title in page.content.decode()
