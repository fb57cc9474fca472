"""The organisational self-assessment: steps, scoring, action plan, saving by private link."""

import io
import re

import pypdf
import pytest
from django.contrib.sessions.models import Session
from django.db import connection

from courses.models import AssessmentStage, Obstacle, SavedAssessment
from courses.self_assessment import Answers, Questionnaire

pytestmark = pytest.mark.django_db
URL = "/en/organisations/self-assessment/"


def stages():
    return list(AssessmentStage.objects.filter(locale__language_code="en").order_by("number"))


def step_data(stage, rating, obstacles=(), state="", action="next"):
    data = {"state": state, "step": stage.number, "action": action}
    for statement in stage.statements.all():
        data[f"rate-{statement.key}"] = str(rating(statement) if callable(rating) else rating)
    data["obstacle"] = list(obstacles)
    return data


def state_of(response):
    return re.search(r'name="state" value="([^"]+)"', response.content.decode()).group(1)


def walk(client, ratings=(1, 2, 3, 4, 5), obstacles=None):
    """Answer every step; `ratings[i]` for every statement of stage i+1."""
    obstacles = obstacles or {}
    response = client.get(URL, {"start": 1})
    for stage, rating in zip(stages(), ratings, strict=True):
        response = client.post(
            URL, step_data(stage, rating, obstacles.get(stage.number, ()), state_of(response))
        )
        assert response.status_code == 200
    return response


def test_the_start_page_explains_and_stores_nothing(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your answers stay with you" in html
    assert "Partnership working" in html


def test_the_full_journey_scores_each_stage_and_lists_matching_solutions(client):
    before_sessions = Session.objects.count()
    first_obstacle = Obstacle.objects.filter(stage__number=1).order_by("key").first()
    response = walk(client, ratings=(2, 5, 4, 1, 3), obstacles={1: [first_obstacle.key]})
    assert "courses/self_assessment/result.html" in [t.name for t in response.templates]
    profile = response.context["profile"]
    assert [row["score"] for row in profile["stages"]] == [2.0, 5.0, 4.0, 1.0, 3.0]
    assert [row["stage"].number for row in profile["priorities"]] == [4, 1, 5]
    html = response.content.decode()
    assert first_obstacle.title in html
    for solution in first_obstacle.solutions.all():
        assert solution.title in html
    assert SavedAssessment.objects.count() == 0
    assert Session.objects.count() == before_sessions
    assert response["Cache-Control"] == "private, no-store"


def test_scoring_for_known_answers():
    questionnaire = Questionnaire()
    answers = Answers()
    values = iter([1, 2, 3, 4, 5, 5] * 5)
    for stage in questionnaire.stages:
        for statement in stage.statements.all():
            answers.ratings[statement.key] = next(values)
    obstacle = questionnaire.obstacles_for(questionnaire.stage(3))[0]
    answers.obstacles = [obstacle.key]
    profile = questionnaire.profile(answers)
    assert [row["score"] for row in profile["stages"]] == [3.3] * 5
    assert [row["percent"] for row in profile["stages"]] == [58] * 5
    # Equal scores: the stage with obstacles ticked comes first, then by number.
    assert [row["stage"].number for row in profile["priorities"]] == [3, 1, 2]
    assert [item["obstacle"] for item in profile["plan"]] == [obstacle]


def test_a_strong_organisation_has_no_priorities():
    questionnaire = Questionnaire()
    answers = Answers(
        ratings={s.key: 5 for stage in questionnaire.stages for s in stage.statements.all()}
    )
    assert questionnaire.profile(answers)["priorities"] == []


def test_going_back_keeps_the_answers(client):
    first, second = stages()[:2]
    response = client.get(URL, {"start": 1})
    response = client.post(URL, step_data(first, 4, state=state_of(response)))
    response = client.post(URL, step_data(second, 2, state=state_of(response), action="back"))
    html = response.content.decode()
    assert "Step 1 of 5" in html
    statement = first.statements.first()
    assert f'id="rate-{statement.key}-4" name="rate-{statement.key}" value="4" checked' in html
    response = client.post(URL, step_data(first, 4, state=state_of(response)))
    assert 'value="2" checked' in response.content.decode()


def test_a_missing_rating_is_explained_beside_the_field_and_in_the_summary(client):
    first = stages()[0]
    response = client.get(URL, {"start": 1})
    data = step_data(first, 3, state=state_of(response))
    missing = first.statements.first()
    del data[f"rate-{missing.key}"]
    response = client.post(URL, data)
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'href="#rate-{missing.key}-1"' in html
    assert f'id="rate-{missing.key}-error"' in html
    assert "Choose how true this is, from 1 to 5." in html
    assert "Step 1 of 5" in html
    # What was entered is kept.
    other = first.statements.all()[1]
    assert f'name="rate-{other.key}" value="3" checked' in html


def test_an_out_of_range_rating_gets_a_clear_message(client):
    first = stages()[0]
    response = client.get(URL, {"start": 1})
    data = step_data(first, 3, state=state_of(response))
    data[f"rate-{first.statements.first().key}"] = "7"
    html = client.post(URL, data).content.decode()
    assert "Choose a number from 1 to 5 for this statement." in html


def test_a_forged_obstacle_gets_a_clear_message(client):
    first = stages()[0]
    other_stage_obstacle = Obstacle.objects.filter(stage__number=2).first()
    response = client.get(URL, {"start": 1})
    data = step_data(first, 3, ["no-such-obstacle", other_stage_obstacle.key], state_of(response))
    html = client.post(URL, data).content.decode()
    assert "One of the ticked obstacles is not on this list." in html


def test_a_tampered_or_forged_state_is_refused_and_nothing_saved(client):
    first = stages()[0]
    response = client.post(URL, step_data(first, 3, state="forged:value"))
    assert response.status_code == 400
    assert "We could not read your answers" in response.content.decode()
    forged = Answers(ratings={"not-a-statement": 3}).encode()
    assert client.post(URL, step_data(first, 3, state=forged)).status_code == 400
    assert client.post(URL, {**step_data(first, 3), "step": "9"}).status_code == 400
    assert client.post(URL + "save/", {"state": "junk"}).status_code == 400
    assert SavedAssessment.objects.count() == 0


def test_results_with_a_missing_step_say_which_step(client):
    answers = Answers()
    for stage in stages()[:3]:
        for statement in stage.statements.all():
            answers.ratings[statement.key] = 3
    stage5 = stages()[4]
    response = client.post(URL, step_data(stage5, 3, state=answers.encode()))
    html = response.content.decode()
    assert "Some steps are not finished yet" in html
    assert "Please answer every statement in step 4" in html
    assert "Step 4 of 5" in html
    assert client.post(URL + "action-plan.pdf", {"state": answers.encode()}).status_code == 400


def test_the_action_plan_pdf_holds_the_chosen_obstacles_and_their_solutions(client):
    chosen = list(Obstacle.objects.filter(stage__number=2).order_by("key")[:2])
    response = walk(client, obstacles={2: [o.key for o in chosen]})
    plan = client.post(URL + "action-plan.pdf", {"state": state_of(response)})
    assert plan.status_code == 200
    assert plan["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(plan.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for obstacle in chosen:
        assert " ".join(obstacle.title.split()) in text
        for solution in obstacle.solutions.all():
            assert " ".join(solution.title.split()) in text
    assert "Who will do it" in text and "By when" in text
    assert reader.metadata.title.startswith("Action plan")
    assert SavedAssessment.objects.count() == 0


def test_saving_gives_a_private_link_that_only_the_token_opens(client):
    response = walk(client, ratings=(3, 3, 3, 3, 3))
    saved_response = client.post(URL + "save/", {"state": state_of(response)})
    assert saved_response.status_code == 302
    link = saved_response["Location"]
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 43  # 256 bits, URL-safe base64
    saved = SavedAssessment.objects.get()
    assert token not in str(saved.token_digest)
    page = client.get(link)
    assert page.status_code == 200
    assert "Saved under a private link" in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"  # the token never leaves the site
    with connection.cursor() as cursor:
        cursor.execute("SELECT token_digest FROM courses_savedassessment")
        assert token not in cursor.fetchone()[0]
    guessed = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(URL + f"saved/{guessed}/").status_code == 404
    assert client.get(URL + "saved/x/").status_code == 404
    plan = client.get(link + "action-plan.pdf")
    assert plan.status_code == 200 and plan["Content-Type"] == "application/pdf"


def test_a_saved_assessment_can_be_deleted_through_its_link(client):
    response = walk(client)
    link = client.post(URL + "save/", {"state": state_of(response)})["Location"]
    confirm = client.get(link + "delete/")
    assert "Delete this saved self-assessment?" in confirm.content.decode()
    assert SavedAssessment.objects.count() == 1
    deleted = client.post(link + "delete/")
    assert "is deleted" in deleted.content.decode()
    assert SavedAssessment.objects.count() == 0
    assert client.get(link).status_code == 404


def test_the_library_is_seeded_from_content_once():
    from wagtail.models import Locale

    from content.importer import ensure_self_assessment

    assert AssessmentStage.objects.count() == 5
    assert Obstacle.objects.count() >= 40
    obstacle = Obstacle.objects.first()
    obstacle.title = "Edited by an editor"
    obstacle.save()
    assert ensure_self_assessment(Locale.objects.get(language_code="en")) == 0
    assert Obstacle.objects.filter(title="Edited by an editor").exists()
