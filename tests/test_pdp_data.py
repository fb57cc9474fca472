"""Account and data: the exports hold everything a learner owns and nothing of anyone else,
deleting an account leaves nothing of it behind, and PDP text is ciphertext at rest under keys
that can be rotated."""

import datetime
import io
import json
from decimal import Decimal

import pypdf
import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from wagtail.models import Page

from learning_profile import crypto, models
from learning_profile.accounts import new_recovery_code
from learning_profile.data import export_context
from learning_profile.fields import EncryptedTextField
from tests.pdp_helpers import PASSWORD, fill_profile, make_user

pytestmark = pytest.mark.django_db

MARKER = "Qx9mark"
OTHER_MARKER = "Wv4other"
# The fields the export leaves out on purpose (see learning_profile/data.py).
NOT_EXPORTED = {"owner", "submission_key", "token_digest"}
APP_MODELS = list(apps.get_app_config("learning_profile").get_models())


@pytest.fixture
def learner():
    return make_user("willow", email="willow@example.org")


@pytest.fixture
def supporter():
    return make_user("oak")


@pytest.fixture
def everything(learner, supporter, programme, session_page):
    """One record of every kind, every text field holding MARKER, every optional field set."""
    records = fill_profile(learner, MARKER)
    goal = records["goal"]
    goal.programme = programme
    goal.target_date = datetime.date(2027, 1, 31)
    goal.save()
    step = records["step"]
    step.due_on = datetime.date(2026, 12, 5)
    step.done = True
    step.save()
    entry = records["entry"]
    entry.finished_on = datetime.date(2026, 10, 2)
    entry.hours = Decimal("2.5")
    entry.save()
    reflection = records["reflection"]
    reflection.session = session_page
    reflection.save()
    situation = records["situation"]
    situation.volunteering_hours = Decimal("7.5")
    situation.save()
    share = models.Share.objects.create(
        owner=learner,
        supporter=supporter,
        sections=["goals", "about"],
        expires_on=datetime.date(2027, 3, 1),
    )
    models.ShareView.objects.create(share=share, section="goals")
    revoked = models.Share.objects.create(
        owner=learner,
        supporter=supporter,
        sections=["needs"],
        expires_on=datetime.date(2027, 3, 1),
    )
    revoked.revoked_at = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)
    revoked.save()
    models.ShareInvite.objects.create(
        owner=learner,
        token_digest="a" * 64,
        sections=["reviews"],
        expires_on=datetime.date(2026, 12, 1),
    )
    new_recovery_code(learner)
    return records


@pytest.fixture
def other_learner(learner):
    """Someone else with a full profile, who has also shared with `learner`."""
    other = make_user("birch", email="birch@example.org")
    fill_profile(other, OTHER_MARKER)
    share = models.Share.objects.create(
        owner=other, supporter=learner, sections=["goals"], expires_on=datetime.date(2027, 1, 1)
    )
    models.ShareView.objects.create(share=share, section="goals")
    return other


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def export(user):
    response = signed_in(user).get(reverse("pdp_export_json"))
    assert response.status_code == 200
    return response, json.loads(response.content)


def encrypted_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def rows_of(user):
    """Every PDP row of every model in the app that belongs to `user`, directly or through a
    parent record (a goal's steps, a share's views)."""
    user_model = get_user_model()

    def user_links(model, prefix=""):
        return [
            Q(**{prefix + field.name: user})
            for field in model._meta.concrete_fields
            if field.is_relation and issubclass(field.related_model, user_model)
        ]

    found = {}
    for model in APP_MODELS:
        links = user_links(model)
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in APP_MODELS:
                links += user_links(field.related_model, prefix=f"{field.name}__")
        assert links, f"{model.__name__} has no link to a user: teach rows_of about it"
        query = Q()
        for link in links:
            query |= link
        found[model] = set(model.objects.filter(query).values_list("pk", flat=True))
    return found


# The JSON export ------------------------------------------------------------------------------


def exported_records(data, records, learner):
    """(record, its part of the export, the parent link left out) for every PDP record."""
    goal = records["goal"]
    check = records["check"]
    shares = list(models.Share.objects.owned_by(learner).order_by("-created_at"))
    pairs = [(models.AboutMe.objects.get(owner=learner), data["about_me"], None)]
    (exported_check,) = data["needs_checks"]
    pairs.append((check, exported_check, None))
    pairs += [
        (rating, exported, "needs_check")
        for rating, exported in zip(check.ratings.all(), exported_check["ratings"], strict=True)
    ]
    (exported_goal,) = data["goals"]
    pairs.append((goal, exported_goal, None))
    pairs.append((records["step"], exported_goal["steps"][0], "goal"))
    pairs.append((records["obstacle"], exported_goal["obstacles"][0], "goal"))
    pairs.append((records["entry"], data["learning_entries"][0], None))
    pairs.append((records["reflection"], data["reflections"][0], None))
    pairs.append((records["review"], data["reviews"][0], None))
    pairs.append((records["situation"], data["situation_records"][0], None))
    assert [share["id"] for share in data["shares_given"]] == [share.pk for share in shares]
    for share, exported in zip(shares, data["shares_given"], strict=True):
        pairs.append((share, exported, None))
        pairs += [
            (view, exported_view, "share")
            for view, exported_view in zip(share.views.all(), exported["views"], strict=True)
        ]
    pairs.append((models.ShareInvite.objects.get(owner=learner), data["share_invites"][0], None))
    return pairs


def as_json(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def test_the_json_export_is_a_complete_machine_readable_download(learner, everything):
    """Every field of every record comes back with the value the record holds."""
    response, data = export(learner)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert "no-store" in response["Cache-Control"]
    assert data["format"] == {"name": "emilia-training-pdp-export", "version": 1}
    assert datetime.datetime.fromisoformat(data["exported_at"]).tzinfo is not None
    learner.refresh_from_db()
    assert data["account"]["username"] == "willow"
    assert data["account"]["email"] == "willow@example.org"
    assert data["account"]["date_joined"] == learner.date_joined.isoformat()
    assert data["account"]["recovery_code_created_at"] == as_json(learner.recovery_code.created_at)

    pairs = exported_records(data, everything, learner)
    covered = {type(record) for record, _exported, _parent in pairs} | {models.RecoveryCode}
    assert covered == set(APP_MODELS), "a PDP model is missing from the export"
    for record, exported, parent in pairs:
        record.refresh_from_db()  # the values as stored, not as the fixture typed them
        for field in record._meta.concrete_fields:
            if field.name in NOT_EXPORTED or field.name == parent:
                continue
            name = f"{type(record).__name__}.{field.name}"
            if not field.is_relation:
                assert exported[field.name] == as_json(field.value_from_object(record)), name
            elif issubclass(field.related_model, Page):
                page = getattr(record, field.name)
                assert exported[field.name]["title"] == page.title, name
                assert exported[field.name]["url"] == page.get_full_url(), name
            elif issubclass(field.related_model, get_user_model()):
                assert exported[field.name] == getattr(record, field.name).username, name
            else:
                assert exported[field.attname] == field.value_from_object(record), name


def test_the_json_export_holds_every_text_the_learner_wrote(learner, everything):
    _response, data = export(learner)
    text = json.dumps(data, ensure_ascii=False)
    written = 0
    mine = rows_of(learner)
    for model in APP_MODELS:
        for record in model.objects.filter(pk__in=mine[model]):
            for field in encrypted_fields(model):
                stored = getattr(record, field.name)
                assert MARKER in stored
                assert json.dumps(stored, ensure_ascii=False) in text
                written += 1
    assert written == 28
    assert data["goals"][0]["programme"]["title"] == everything["goal"].programme.title
    assert data["reflections"][0]["goal_id"] == everything["goal"].pk
    assert data["reflections"][0]["session"]["title"] == everything["reflection"].session.title
    assert data["learning_entries"][0]["hours"] == "2.5"
    assert data["situation_records"][0]["paid_hours"] == "16.0"
    assert data["needs_checks"][0]["taken_on"] == "2026-11-01"


def test_the_json_export_holds_nothing_of_anyone_else(learner, everything, other_learner):
    """Of other people, only the usernames of the learner's own supporters appear."""
    _response, data = export(learner)
    text = json.dumps(data, ensure_ascii=False)
    assert OTHER_MARKER not in text
    assert "birch" not in text
    assert [share["supporter"] for share in data["shares_given"]] == ["oak", "oak"]

    _response, theirs = export(other_learner)
    text = json.dumps(theirs, ensure_ascii=False)
    assert MARKER not in text
    assert "willow" in text  # the learner they shared with
    assert theirs["account"]["username"] == "birch"


@pytest.mark.parametrize("kind", ["learner", "staff", "superuser"])
def test_everyone_downloads_only_their_own_data(learner, everything, kind):
    """The exports are the signed-in user's own: staff and superusers get theirs, not A's."""
    user = make_user(
        f"someone-{kind}", is_staff=kind != "learner", is_superuser=kind == "superuser"
    )
    fill_profile(user, OTHER_MARKER)
    client = signed_in(user)
    json_text = client.get(reverse("pdp_export_json")).content.decode()
    assert OTHER_MARKER in json_text
    assert MARKER not in json_text
    assert "willow" not in json_text
    pdf_text = pdf_text_of(client.get(reverse("pdp_export_pdf")).content)
    assert OTHER_MARKER in pdf_text
    assert MARKER not in pdf_text


@pytest.mark.parametrize(
    "name",
    ["pdp_account", "pdp_export_json", "pdp_export_pdf", "pdp_delete_account"],
)
def test_signed_out_visitors_are_sent_to_sign_in(name):
    url = reverse(name)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert f"next={url}" in response["Location"]


# The PDF export -------------------------------------------------------------------------------


def pdf_text_of(content):
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "".join("".join(page.extract_text() for page in reader.pages).split())


def squeezed(text):
    return "".join(text.split())


def test_the_pdf_export_is_a_tagged_readable_record(learner, everything):
    response = signed_in(learner).get(reverse("pdp_export_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.pdf"')
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title == "My Personal Development Profile"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[0] == "My Personal Development Profile"
    headings = [item.title for item in reader.outline[1] if not isinstance(item, list)]
    for heading in ["About me", "Learning needs", "Goals", "Reflections", "Sharing"]:
        assert heading in headings

    text = pdf_text_of(response.content)
    assert squeezed("Private: this is your own record") in text
    for model in APP_MODELS:
        for field in encrypted_fields(model):
            for record in model.objects.filter(pk__in=rows_of(learner)[model]):
                assert squeezed(getattr(record, field.name)) in text, f"{model.__name__}.{field}"
    assert squeezed(everything["goal"].programme.title) in text
    assert "oak" in text


def test_the_pdf_export_shows_markup_as_text(learner):
    """Hostile text is escaped: it is printed, never run or turned into markup."""
    models.AboutMe.objects.create(owner=learner, what_matters="<script>alert(1)</script><b>x</b>")
    html = render_to_string(
        "learning_profile/data/export_pdf.html", {**export_context(learner), "language": "en"}
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;" in html
    assert "<script>" not in html
    text = pdf_text_of(signed_in(learner).get(reverse("pdp_export_pdf")).content)
    assert "<script>alert(1)</script><b>x</b>" in text


# The account page -----------------------------------------------------------------------------


def test_the_account_page_shows_the_account_and_links(learner):
    response = signed_in(learner).get(reverse("pdp_account"))
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "learning_profile/account.html"
    html = response.content.decode()
    assert "willow" in html
    assert 'value="willow@example.org"' in html
    for name in [
        "password_change",
        "pdp_recovery_code",
        "pdp_export_json",
        "pdp_export_pdf",
        "pdp_delete_account",
    ]:
        assert f'"{reverse(name)}"' in html
    assert "Remove my email address" in html


def test_changing_the_email_address(learner):
    client = signed_in(learner)
    response = client.post(reverse("pdp_account"), {"email": "new@example.org"})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.email == "new@example.org"

    response = client.post(reverse("pdp_account"), {"email": "not an address"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_email_error"' in html
    assert "error-summary" in html
    learner.refresh_from_db()
    assert learner.email == "new@example.org"


def test_removing_the_email_address_gives_a_recovery_code_once(learner):
    response = signed_in(learner).post(reverse("pdp_account"), {"email": "", "remove": "1"})
    assert response.status_code == 200
    assert "registration/recovery_code.html" in [t.name for t in response.templates]
    learner.refresh_from_db()
    assert learner.email == ""
    code = response.context["code"]
    assert code in response.content.decode()
    assert check_password(code, learner.recovery_code.code_hash)


def test_getting_a_new_recovery_code_replaces_the_old_one(learner):
    old = new_recovery_code(learner)
    client = signed_in(learner)
    assert client.get(reverse("pdp_recovery_code")).status_code == 405
    response = client.post(reverse("pdp_recovery_code"))
    assert response.status_code == 200
    code = response.context["code"]
    assert code != old
    assert code in response.content.decode()
    stored = models.RecoveryCode.objects.get(user=learner)
    assert check_password(code, stored.code_hash)
    assert not check_password(old, stored.code_hash)


# Deleting the account -------------------------------------------------------------------------


def test_the_delete_page_says_plainly_what_goes(learner, everything, other_learner):
    response = signed_in(learner).get(reverse("pdp_delete_account"))
    assert response.status_code == 200
    html = response.content.decode()
    for line in [
        "1 goal",
        "1 step of a goal",
        "1 learning-needs check",
        "1 reflection",
        "1 record of your situation",
        "2 shares you gave supporters",
        "1 share other people gave you",
        "your account itself",
        "This cannot be undone.",
    ]:
        assert line in html
    assert MARKER not in html


@pytest.mark.parametrize(
    ("password", "message"),
    [("wrong password", "That is not your password."), ("", "Please enter your password.")],
)
def test_a_wrong_or_empty_password_deletes_nothing(learner, everything, password, message):
    before = rows_of(learner)
    response = signed_in(learner).post(reverse("pdp_delete_account"), {"password": password})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_password_error"' in html
    assert html.count(message) == 2  # beside the field and in the summary
    assert 'class="error-summary"' in html
    assert rows_of(learner) == before
    assert get_user_model().objects.filter(pk=learner.pk).exists()


def test_wrong_passwords_are_throttled_like_sign_in(learner):
    client = signed_in(learner)
    for _attempt in range(5):
        client.post(reverse("pdp_delete_account"), {"password": "wrong password"})
    response = client.post(reverse("pdp_delete_account"), {"password": PASSWORD})
    assert response.status_code == 400
    assert "too many wrong passwords" in response.content.decode()
    assert get_user_model().objects.filter(pk=learner.pk).exists()
    # The same lock-out holds at sign-in.
    response = Client().post(reverse("login"), {"username": "willow", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session


def test_the_right_password_deletes_the_account_and_everything_in_it(
    learner, everything, other_learner, supporter
):
    mine = rows_of(learner)
    assert all(mine[model] for model in APP_MODELS), "the fixture should fill every model"
    theirs = rows_of(other_learner)
    supporters = rows_of(supporter)
    client = signed_in(learner)

    response = client.post(reverse("pdp_delete_account"), {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("pdp_account_deleted")
    assert not get_user_model().objects.filter(pk=learner.pk).exists()
    for model, pks in mine.items():
        assert not model.objects.filter(pk__in=pks).exists(), model.__name__
    assert all(not pks for pks in rows_of(learner).values())
    # Others keep everything, except the shares that involved the learner.
    remaining = rows_of(other_learner)
    assert remaining[models.Goal] == theirs[models.Goal]
    assert remaining[models.NeedsRating] == theirs[models.NeedsRating]
    assert not remaining[models.Share]
    assert get_user_model().objects.filter(username="birch").exists()
    assert rows_of(supporter)[models.Share] == set()
    assert supporters[models.Share]

    response = client.get(response["Location"])
    assert response.status_code == 200
    assert "Your account is deleted" in response.content.decode()
    assert client.get(reverse("pdp_account")).status_code == 302  # signed out


def test_the_deleted_page_needs_no_sign_in():
    response = Client().get(reverse("pdp_account_deleted"))
    assert response.status_code == 200
    assert "Your account is deleted" in response.content.decode()


# Encryption at rest and key rotation ----------------------------------------------------------


def raw_values(model):
    """Every encrypted column value as stored, read past the model (no decryption)."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in encrypted_fields(model))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table}")  # noqa: S608
        return [value for row in cursor.fetchall() for value in row if value]


def raw_rows(model):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
        return cursor.fetchall()


ENCRYPTED_MODELS = [model for model in APP_MODELS if encrypted_fields(model)]


def test_no_text_is_stored_in_the_clear(learner, everything):
    assert len(ENCRYPTED_MODELS) == 9
    for model in ENCRYPTED_MODELS:
        values = raw_values(model)
        assert values, model.__name__
        assert all(value.startswith(crypto.PREFIX) for value in values)
        for row in raw_rows(model):
            assert MARKER not in repr(row)


def test_a_wrong_key_raises_and_never_returns_ciphertext(learner, everything, settings):
    settings.PDP_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    for model in ENCRYPTED_MODELS:
        with pytest.raises(crypto.PDPKeyError):
            list(model.objects.all())


def total_encrypted():
    return sum(len(raw_values(model)) for model in ENCRYPTED_MODELS)


def run(*args):
    out = io.StringIO()
    call_command("rotate_pdp_keys", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_rotating_keys_re_encrypts_every_value_with_the_newest_key(learner, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PDP_ENCRYPTION_KEYS = [old]
    records = fill_profile(learner, MARKER)
    texts = {
        model: sorted(
            (record.pk, getattr(record, field.name))
            for record in model.objects.all()
            for field in encrypted_fields(model)
        )
        for model in ENCRYPTED_MODELS
    }
    updated_at = models.Goal.objects.get().updated_at
    total = total_encrypted()
    assert total == 28

    settings.PDP_ENCRYPTION_KEYS = [new, old]
    report = run("--check")
    assert f"In all: {total} of {total} values are not under the newest key." in report
    assert "learning_profile.NeedsRating: 9 of 9 values not under the newest key." in report
    assert all(value.startswith(crypto.PREFIX) for value in raw_values(models.Goal))
    settings.PDP_ENCRYPTION_KEYS = [new]
    with pytest.raises(crypto.PDPKeyError):
        models.Goal.objects.get()  # --check changed nothing

    settings.PDP_ENCRYPTION_KEYS = [new, old]
    before = {model: raw_values(model) for model in ENCRYPTED_MODELS}
    report = run("--batch-size", "4")
    assert (
        "learning_profile.AboutMe: 5 values re-encrypted, 0 already under the newest key."
        in report
    )
    assert f"In all: {total} values re-encrypted." in report
    for model in ENCRYPTED_MODELS:
        assert not set(raw_values(model)) & set(before[model])

    settings.PDP_ENCRYPTION_KEYS = [new]
    for model in ENCRYPTED_MODELS:
        assert texts[model] == sorted(
            (record.pk, getattr(record, field.name))
            for record in model.objects.all()
            for field in encrypted_fields(model)
        )
    assert models.Goal.objects.get(pk=records["goal"].pk).updated_at == updated_at
    assert f"In all: 0 of {total} values are not under the newest key." in run("--check")
    assert "In all: 0 values re-encrypted." in run()


def test_a_value_no_key_can_read_is_reported_and_left_alone(learner, settings):
    lost, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PDP_ENCRYPTION_KEYS = [lost]
    models.Review.objects.create(owner=learner, went_well="lost")
    (unreadable,) = raw_values(models.Review)
    settings.PDP_ENCRYPTION_KEYS = [new]
    models.Review.objects.create(owner=learner, went_well="kept")
    with pytest.raises(CommandError, match="1 values cannot be decrypted"):
        run()
    assert unreadable in raw_values(models.Review)
