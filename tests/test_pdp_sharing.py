"""Sharing the PDP: a learner gives read-only access to chosen sections, until a date, to
another registered user (by username or a one-time invite link), and can stop at any time.
Everyone else, staff included, gets the same 404; every view by a supporter is logged."""

import datetime
import hashlib

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from learning_profile.models import (
    AboutMe,
    Goal,
    Reflection,
    Section,
    Share,
    ShareInvite,
    ShareView,
)
from learning_profile.sharing import one_year_after

pytestmark = pytest.mark.django_db

PASSWORD = "a long test password"


def today():
    return timezone.localdate()


def days_from_now(days):
    return today() + datetime.timedelta(days=days)


@pytest.fixture
def make_user(django_user_model):
    def make(username, **extra):
        return django_user_model.objects.create_user(username=username, password=PASSWORD, **extra)

    return make


@pytest.fixture
def owner(make_user):
    user = make_user("river")
    AboutMe.objects.create(owner=user, what_matters="My dog, Pip, and the allotment.")
    Goal.objects.create(owner=user, title="Go back to college")
    Reflection.objects.create(owner=user, text="A quiet week, and that was fine.")
    return user


@pytest.fixture
def supporter(make_user):
    return make_user("peer-worker")


@pytest.fixture
def stranger(make_user):
    return make_user("someone-else")


def client_for(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def share_url(share, section):
    return reverse("pdp_shared_section", args=[share.pk, section])


def give_share(owner, supporter, sections=("about", "goals"), expires_on=None, **extra):
    return Share.objects.create(
        owner=owner,
        supporter=supporter,
        sections=list(sections),
        expires_on=expires_on or days_from_now(30),
        **extra,
    )


def share_data(username, sections=("about", "goals"), expires_on=None, **extra):
    return {
        "username": username,
        "sections": list(sections),
        "expires_on": (expires_on or days_from_now(30)).isoformat(),
        **extra,
    }


def invite_data(sections=("about",), expires_on=None):
    return {
        "invite-sections": list(sections),
        "invite-expires_on": (expires_on or days_from_now(30)).isoformat(),
    }


def make_invite(owner_client):
    """Create an invite as the owner; return the raw token taken from the link shown."""
    response = owner_client.post(reverse("pdp_invite_new"), invite_data())
    assert response.status_code == 200
    assert response.templates[0].name == "learning_profile/sharing/invite_created.html"
    link = response.context["link"]
    assert link in response.content.decode()
    return link.rstrip("/").rsplit("/", 1)[-1]


def date_text(day):
    return f"{day.day} {day:%B %Y}"


def assert_error_shown(response, field_id, message):
    """The message is beside the field (its error paragraph) and in the error summary."""
    html = response.content.decode()
    message = escape(message)
    beside = html.split(f'id="{field_id}_error">', 1)
    assert len(beside) == 2, f"no error beside {field_id}"
    assert message in beside[1].split("</p>", 1)[0]
    summary = html.split('class="error-summary"', 1)
    assert len(summary) == 2, "no error summary"
    assert f'href="#{field_id}' in summary[1].split("</div>", 1)[0]
    assert message in summary[1].split("</div>", 1)[0]


# Sharing by username --------------------------------------------------------------------------


def test_share_by_username_shows_the_supporter_only_the_chosen_sections(owner, supporter):
    """The supporter sees the sections ticked, marked as shared by the owner, and nothing else."""
    response = client_for(owner).post(reverse("pdp_sharing"), share_data("peer-worker"))
    assert response.status_code == 302
    assert response.url == reverse("pdp_sharing")
    share = Share.objects.get()
    assert (share.owner, share.supporter) == (owner, supporter)
    assert share.sections == ["about", "goals"]
    assert share.expires_on == days_from_now(30)

    client = client_for(supporter)
    listing = client.get(reverse("pdp_shared_with_me"))
    assert listing.status_code == 200
    assert "Shared with you by river" in listing.content.decode()
    assert list(listing.context["shares"]) == [share]
    assert share_url(share, "about") in listing.content.decode()
    assert share_url(share, "goals") in listing.content.decode()
    assert share_url(share, "reflections") not in listing.content.decode()

    page = client.get(share_url(share, "about"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Shared with you by river" in html
    assert "My dog, Pip, and the allotment." in html
    assert "A quiet week" not in html


def test_shared_goals_page_does_not_link_to_the_owners_edit_pages(owner, supporter):
    """Read-only: the supporter's page has the goal but no link into the owner's pages."""
    share = give_share(owner, supporter)
    goal = Goal.objects.get(owner=owner)
    html = client_for(supporter).get(share_url(share, "goals")).content.decode()
    assert "Go back to college" in html
    assert reverse("pdp_goal", args=[goal.pk]) not in html


def test_sharing_again_with_the_same_person_replaces_the_share(owner, supporter):
    """A second share with someone ends the first: one active share, with the new sections."""
    first = give_share(owner, supporter, sections=["about"])
    client_for(owner).post(
        reverse("pdp_sharing"), share_data("peer-worker", sections=["reflections"])
    )
    first.refresh_from_db()
    assert first.revoked_at is not None
    active = Share.active_for_owner(owner).get()
    assert active.sections == ["reflections"]
    supporter_client = client_for(supporter)
    assert supporter_client.get(share_url(first, "about")).status_code == 404
    assert supporter_client.get(share_url(active, "reflections")).status_code == 200


def test_sections_are_kept_in_the_profiles_order(owner, supporter):
    """Ticked in any order, the sections are stored once each, in the profile's order."""
    client_for(owner).post(
        reverse("pdp_sharing"),
        share_data("peer-worker", sections=["reviews", "about", "reviews"]),
    )
    assert Share.objects.get().sections == ["about", "reviews"]


def test_username_is_found_whatever_the_capitals(owner, supporter):
    """'Peer-Worker' finds the one account called 'peer-worker'."""
    client_for(owner).post(reverse("pdp_sharing"), share_data("Peer-Worker"))
    assert Share.objects.get().supporter == supporter


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"username": "river"}, "id_username", "That is your own username."),
        ({"username": "nobody-here"}, "id_username", "We could not find that username."),
        ({"username": ""}, "id_username", "Please write their username."),
        ({"sections": []}, "id_sections", "Please tick at least one part"),
        ({"sections": ["secrets"]}, "id_sections", "Please choose only from the list."),
        ({"expires_on": -1}, "id_expires_on", "This date has passed."),
        ({"expires_on": 400}, "id_expires_on", "no more than one year from today"),
        ({"expires_on": ""}, "id_expires_on", "Please enter a date."),
        ({"expires_on": "31/02/2027"}, "id_expires_on", "Please enter a real date"),
    ],
    ids=[
        "self",
        "unknown-username",
        "no-username",
        "no-sections",
        "bad-section",
        "past",
        "too-far",
        "no-date",
        "not-a-date",
    ],
)
def test_mistakes_are_shown_beside_the_field_and_in_the_summary(
    owner, supporter, changes, field_id, message
):
    """Each mistake gives a plain message in both places, keeps what was typed, saves nothing."""
    data = share_data("peer-worker")
    data.update(changes)
    if isinstance(data["expires_on"], int):
        data["expires_on"] = days_from_now(data["expires_on"]).isoformat()
    response = client_for(owner).post(reverse("pdp_sharing"), data)
    assert response.status_code == 400
    assert_error_shown(response, field_id, message)
    assert Share.objects.count() == 0
    if data["username"]:
        assert f'value="{data["username"]}"' in response.content.decode()


def test_sharing_until_today_or_one_year_ahead_is_allowed(owner, supporter):
    """The date can be today, and at most one year from today."""
    client = client_for(owner)
    for last_day in (today(), one_year_after(today())):
        response = client.post(
            reverse("pdp_sharing"), share_data("peer-worker", expires_on=last_day)
        )
        assert response.status_code == 302
        assert Share.active_for_owner(owner).get().expires_on == last_day


def test_extra_post_fields_are_ignored(owner, supporter, stranger):
    """An `owner` or `supporter` sent with the form changes nothing: the share is the sender's."""
    client_for(owner).post(
        reverse("pdp_sharing"),
        share_data("peer-worker", owner=stranger.pk, supporter=stranger.pk, revoked_at="x"),
    )
    share = Share.objects.get()
    assert (share.owner, share.supporter, share.revoked_at) == (owner, supporter, None)


# Who can see what: the owner's page -----------------------------------------------------------


def test_owner_sees_who_can_see_what_now_and_what_has_ended(owner, supporter, stranger):
    """Active shares are listed with a revoke button; ended ones apart; others' shares never."""
    active = give_share(owner, supporter)
    ended = give_share(owner, stranger, revoked_at=timezone.now())
    someone_elses = give_share(stranger, supporter)
    response = client_for(owner).get(reverse("pdp_sharing"))
    assert response.status_code == 200
    assert list(response.context["active_shares"]) == [active]
    assert list(response.context["ended_shares"]) == [ended]
    html = response.content.decode()
    assert reverse("pdp_share_revoke", args=[active.pk]) in html
    assert reverse("pdp_share_revoke", args=[someone_elses.pk]) not in html


def test_shared_with_me_link_only_for_someone_who_receives_shares(owner, supporter):
    """The sharing page links to 'shared with me' only when something is shared with you."""
    give_share(owner, supporter)
    url = reverse("pdp_shared_with_me")
    assert url in client_for(supporter).get(reverse("pdp_sharing")).content.decode()
    assert url not in client_for(owner).get(reverse("pdp_sharing")).content.decode()


def test_every_view_is_logged_and_the_owner_sees_the_access_log(owner, supporter):
    """Each opening of a shared section writes a log row; the owner sees them, newest first."""
    share = give_share(owner, supporter)
    client = client_for(supporter)
    client.get(share_url(share, "about"))
    client.get(share_url(share, "goals"))
    client.get(share_url(share, "about"))
    assert [view.section for view in ShareView.objects.order_by("pk")] == [
        "about",
        "goals",
        "about",
    ]
    response = client_for(owner).get(reverse("pdp_sharing"))
    log = response.context["access_log"]
    assert [(view.share.supporter.username, view.section) for view in log] == [
        ("peer-worker", "about"),
        ("peer-worker", "goals"),
        ("peer-worker", "about"),
    ]
    html = response.content.decode()
    assert '<tr><th scope="row">peer-worker</th><td>Goals</td>' in html


def test_failed_views_are_not_logged(owner, supporter):
    """A 404, or a request that is not a plain GET, writes nothing to the access log."""
    share = give_share(owner, supporter)
    client = client_for(supporter)
    assert client.get(share_url(share, "reflections")).status_code == 404
    assert client.post(share_url(share, "about")).status_code == 405
    assert ShareView.objects.count() == 0


def test_access_log_holds_only_the_owners_shares(owner, supporter, stranger):
    """Views of someone else's profile are not in my access log."""
    theirs = give_share(stranger, supporter)
    client_for(supporter).get(share_url(theirs, "about"))
    response = client_for(owner).get(reverse("pdp_sharing"))
    assert list(response.context["access_log"]) == []


# Revoking -------------------------------------------------------------------------------------


def test_revoked_supporter_sees_nothing(owner, supporter):
    """After the owner stops sharing, the supporter gets a 404 and the share is listed as ended."""
    share = give_share(owner, supporter)
    response = client_for(owner).post(reverse("pdp_share_revoke", args=[share.pk]))
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.revoked_at is not None
    client = client_for(supporter)
    assert client.get(share_url(share, "about")).status_code == 404
    assert list(client.get(reverse("pdp_shared_with_me")).context["shares"]) == []


def test_revoke_by_anyone_else_is_404(owner, supporter, stranger):
    """Neither the supporter nor a stranger can end (or find) the owner's share."""
    share = give_share(owner, supporter)
    for user in (supporter, stranger):
        response = client_for(user).post(reverse("pdp_share_revoke", args=[share.pk]))
        assert response.status_code == 404
    share.refresh_from_db()
    assert share.revoked_at is None


def test_revoke_needs_post(owner, supporter):
    """Opening the revoke address does nothing."""
    share = give_share(owner, supporter)
    assert client_for(owner).get(reverse("pdp_share_revoke", args=[share.pk])).status_code == 405
    share.refresh_from_db()
    assert share.revoked_at is None


# The same 404 for every failure ---------------------------------------------------------------


def test_section_not_shared_is_404(owner, supporter):
    """A section the owner did not tick is a 404, and so is a made-up one."""
    share = give_share(owner, supporter, sections=["about"])
    client = client_for(supporter)
    assert client.get(share_url(share, "reflections")).status_code == 404
    assert client.get(share_url(share, "secrets")).status_code == 404


def test_expired_share_is_404(owner, supporter):
    """A share is visible on its last day, and not the day after."""
    last_day = give_share(owner, supporter, expires_on=today())
    expired = give_share(owner, supporter, expires_on=days_from_now(-1))
    client = client_for(supporter)
    assert client.get(share_url(last_day, "about")).status_code == 200
    assert client.get(share_url(expired, "about")).status_code == 404


def test_another_learner_gets_404(owner, supporter, stranger):
    """Someone who is not the supporter cannot open the share, nor can the owner through it."""
    share = give_share(owner, supporter)
    assert client_for(stranger).get(share_url(share, "about")).status_code == 404
    assert client_for(owner).get(share_url(share, "about")).status_code == 404
    assert list(client_for(stranger).get(reverse("pdp_shared_with_me")).context["shares"]) == []


def test_staff_and_superusers_get_404(owner, supporter, make_user, django_user_model):
    """Being staff or a superuser gives no way into a learner's profile."""
    share = give_share(owner, supporter)
    staff = make_user("staff-member", is_staff=True)
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    for user in (staff, admin):
        assert client_for(user).get(share_url(share, "about")).status_code == 404
        assert (
            client_for(user).post(reverse("pdp_share_revoke", args=[share.pk])).status_code == 404
        )
    assert ShareView.objects.count() == 0


def test_unknown_share_is_404(supporter):
    assert (
        client_for(supporter).get(reverse("pdp_shared_section", args=[9999, "about"])).status_code
        == 404
    )


def test_anonymous_visitors_are_sent_to_sign_in(owner, supporter):
    """Every sharing page asks a visitor to sign in first, and shows nothing."""
    share = give_share(owner, supporter)
    client = Client()
    for url in (
        reverse("pdp_sharing"),
        reverse("pdp_shared_with_me"),
        share_url(share, "about"),
        reverse("pdp_invite", args=["some-token"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert ShareView.objects.count() == 0


# Invite links ---------------------------------------------------------------------------------


def test_invite_link_is_accepted_once(owner, supporter, stranger):
    """The first person to accept gets the share; the link is then a 404 for everyone."""
    token = make_invite(client_for(owner))
    url = reverse("pdp_invite", args=[token])
    client = client_for(supporter)

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "river would like to share parts of their profile with you" in html
    assert "About me" in html
    assert date_text(days_from_now(30)) in html

    accepted = client.post(url)
    assert accepted.status_code == 302
    assert accepted.url == reverse("pdp_shared_with_me")
    share = Share.objects.get()
    assert (share.owner, share.supporter, share.sections) == (owner, supporter, ["about"])
    assert share.expires_on == days_from_now(30)
    invite = ShareInvite.objects.get()
    assert invite.used_at is not None
    assert invite.share == share
    assert client.get(share_url(share, "about")).status_code == 200

    for user in (supporter, stranger):
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).post(url).status_code == 404
    assert Share.objects.count() == 1


def test_cancelled_invite_is_404(owner, supporter):
    """A link the owner cancelled cannot be opened or accepted."""
    owner_client = client_for(owner)
    token = make_invite(owner_client)
    invite = ShareInvite.objects.get()
    sharing_page = owner_client.get(reverse("pdp_sharing"))
    assert list(sharing_page.context["invites"]) == [invite]
    response = owner_client.post(reverse("pdp_invite_cancel", args=[invite.pk]))
    assert response.status_code == 302
    url = reverse("pdp_invite", args=[token])
    assert client_for(supporter).get(url).status_code == 404
    assert client_for(supporter).post(url).status_code == 404
    assert Share.objects.count() == 0


def test_invite_cancel_by_anyone_else_is_404(owner, stranger):
    make_invite(client_for(owner))
    invite = ShareInvite.objects.get()
    response = client_for(stranger).post(reverse("pdp_invite_cancel", args=[invite.pk]))
    assert response.status_code == 404
    assert ShareInvite.objects.filter(pk=invite.pk).exists()


def test_expired_and_unknown_invites_are_404(owner, supporter):
    """An expired link and a made-up one look the same: not found."""
    token = make_invite(client_for(owner))
    ShareInvite.objects.update(expires_on=days_from_now(-1))
    client = client_for(supporter)
    assert client.get(reverse("pdp_invite", args=[token])).status_code == 404
    assert client.get(reverse("pdp_invite", args=["not-a-real-token"])).status_code == 404
    assert client.post(reverse("pdp_invite", args=["not-a-real-token"])).status_code == 404
    assert Share.objects.count() == 0


def test_owner_cannot_accept_their_own_invite(owner):
    """The owner opening their own link is told so plainly; accepting it creates nothing."""
    client = client_for(owner)
    token = make_invite(client)
    url = reverse("pdp_invite", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    assert "You cannot accept your own link." in page.content.decode()
    assert client.post(url).status_code == 403
    assert Share.objects.count() == 0
    assert ShareInvite.objects.get().used_at is None


def test_invite_token_is_stored_only_as_its_digest(owner):
    """The raw token is shown once and is nowhere in the database; only its SHA-256 is kept."""
    client = client_for(owner)
    token = make_invite(client)
    invite = ShareInvite.objects.get()
    assert len(token) >= 43
    assert invite.token_digest == hashlib.sha256(token.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM learning_profile_shareinvite")
        rows = cursor.fetchall()
    assert rows
    assert not any(token in str(value) for row in rows for value in row)
    assert token not in client.get(reverse("pdp_sharing")).content.decode()


def test_invite_form_mistakes_are_shown_and_nothing_is_saved(owner):
    """The invite form shows its mistakes beside its fields and in the summary."""
    response = client_for(owner).post(
        reverse("pdp_invite_new"), invite_data(sections=[], expires_on=days_from_now(-3))
    )
    assert response.status_code == 400
    assert_error_shown(response, "id_invite-sections", "Please tick at least one part")
    assert_error_shown(response, "id_invite-expires_on", "This date has passed.")
    assert ShareInvite.objects.count() == 0


def test_accepting_an_invite_replaces_an_existing_share(owner, supporter):
    """Someone who already has a share from the owner ends up with one: the invite's."""
    old = give_share(owner, supporter, sections=["goals"])
    token = make_invite(client_for(owner))
    client_for(supporter).post(reverse("pdp_invite", args=[token]))
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert Share.active_for_owner(owner).get().sections == ["about"]


# Request forgery and escaping -----------------------------------------------------------------


def test_csrf_is_enforced(owner, supporter):
    """Without the CSRF token, sharing, revoking, inviting and accepting all fail."""
    share = give_share(owner, supporter)
    token = make_invite(client_for(owner))
    owner_client = client_for(owner, enforce_csrf_checks=True)
    assert owner_client.post(reverse("pdp_sharing"), share_data("someone")).status_code == 403
    assert owner_client.post(reverse("pdp_share_revoke", args=[share.pk])).status_code == 403
    assert owner_client.post(reverse("pdp_invite_new"), invite_data()).status_code == 403
    supporter_client = client_for(supporter, enforce_csrf_checks=True)
    assert supporter_client.post(reverse("pdp_invite", args=[token])).status_code == 403
    share.refresh_from_db()
    assert share.revoked_at is None
    assert Share.objects.count() == 1
    assert ShareInvite.objects.count() == 1


def test_script_typed_by_the_owner_is_escaped_for_the_supporter(owner, supporter):
    """What the owner wrote is shown as text on the supporter's page, never run."""
    about = AboutMe.objects.get(owner=owner)
    about.what_matters = '<script>alert("hi")</script>'
    about.save()
    share = give_share(owner, supporter)
    html = client_for(supporter).get(share_url(share, "about")).content.decode()
    assert "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;" in html
    assert '<script>alert("hi")' not in html


def test_every_section_can_be_shared_and_read(owner, supporter):
    """Each section of the profile opens read-only for a supporter it is shared with."""
    share = give_share(owner, supporter, sections=Section.values)
    client = client_for(supporter)
    for section in Section.values:
        response = client.get(share_url(share, section))
        assert response.status_code == 200, section
        assert f"learning_profile/sections/{section}.html" in [t.name for t in response.templates]
