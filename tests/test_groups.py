"""Groups and the moderation workflow: editors submit, moderators publish."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import Page

from courses.models import ProgrammeIndexPage

pytestmark = pytest.mark.django_db


def member_of(name, username):
    user = get_user_model().objects.create_user(username, password="long-enough-pass")
    user.groups.add(Group.objects.get(name=name))
    return user


def test_the_four_groups_exist():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Editors", "Moderators", "Peer trainers", "Learners"} <= names


def test_editors_can_edit_programmes_but_not_publish_them(programme):
    editor = member_of("Editors", "ed")
    permissions = programme.permissions_for_user(editor)
    assert permissions.can_edit()
    assert not permissions.can_publish()


def test_moderators_can_publish(programme):
    moderator = member_of("Moderators", "mo")
    assert programme.permissions_for_user(moderator).can_publish()


def test_learners_and_peer_trainers_cannot_reach_the_admin(client):
    client.force_login(member_of("Learners", "le"))
    assert client.get("/admin/").status_code == 302
    client.force_login(member_of("Peer trainers", "pt"))
    assert client.get("/admin/").status_code == 302


def test_editors_reach_the_admin(client, admin_login):
    admin_login(member_of("Editors", "ed2"))
    assert client.get("/admin/").status_code == 200


def test_the_programmes_section_has_the_moderation_workflow(programme):
    index = ProgrammeIndexPage.objects.get(locale__language_code="en")
    workflow = index.get_workflow()
    assert workflow.name == "Programme moderation"
    assert programme.get_workflow() == workflow
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == ["Moderators"]


def test_an_editor_submits_and_a_moderator_approves(programme):
    editor, moderator = member_of("Editors", "ed3"), member_of("Moderators", "mo3")
    programme.summary = "A new summary written by an editor."
    revision = programme.save_revision(user=editor)
    workflow_state = programme.get_workflow().start(programme, editor)
    assert programme.live_revision != revision
    task_state = workflow_state.current_task_state
    task_state.task.specific.on_action(task_state, moderator, "approve")
    programme.refresh_from_db()
    assert programme.summary == "A new summary written by an editor."


def test_demo_accounts_are_created_once(capsys):
    call_command("create_demo_accounts")
    first = capsys.readouterr().out
    assert "learner1" in first and "demo-learner-pass" in first
    call_command("create_demo_accounts")
    assert "already exist" in capsys.readouterr().out
    assert get_user_model().objects.filter(username="learner1").count() == 1
    assert get_user_model().objects.get(username="editor").groups.get().name == "Editors"
    # The demo trainer runs Programme 1, with learner1 on it and learner2 asking to join.
    from courses.models import CourseRun, Enrolment, trainer_level

    run = CourseRun.objects.get()
    assert run.lead.username == "trainer" and run.places_taken == 1
    assert {e.learner.username: e.status for e in Enrolment.objects.all()} == {
        "learner1": Enrolment.Status.ENROLLED,
        "learner2": Enrolment.Status.REQUESTED,
    }
    assert trainer_level(get_user_model().objects.get(username="mentor")) == 3


def test_the_home_page_replaced_wagtails_welcome_page():
    assert not Page.objects.filter(title="Welcome to your new Wagtail site!").exists()
