"""A learner's own account and data: the account page, the two exports (JSON and PDF) and
deleting the account with everything in it.

The exports are built here as plain functions (`build_export`, `render_export_pdf`) so that a
management command could call them too. Both hold only what the learner owns; of anyone else
they name only the supporters the learner chose to share with, by username.
"""

import datetime
import json
from decimal import Decimal

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST
from wagtail.models import Page

from courses.models import Accreditation, Attendance, Certificate, Enrolment
from emilia.pdf import render_pdf

from . import models, sections, throttle
from .accounts import check_attempts_allowed, new_recovery_code
from .forms import PlainForm
from .models import Section
from .views import form_page, learner_view

EXPORT_FORMAT = {"name": "emilia-training-pdp-export", "version": 1}

# Fields left out of the export: the owner is the learner (see "account"), the submission key
# only stops double submits, and an invite's digest is a hash of a secret link.
NOT_EXPORTED = {"owner", "submission_key", "token_digest"}


# The JSON export ------------------------------------------------------------------------------


def plain(value):
    """A value JSON can hold without losing anything: ISO-8601 dates, decimals as strings."""
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def page_reference(page, request=None):
    if page is None:
        return None
    return {"id": page.pk, "title": page.title, "url": page.get_full_url(request)}


def record_data(record, *, parent=None, request=None):
    """Every concrete field of one record except NOT_EXPORTED and the link to `parent`.

    Links become the linked record's id (`goal_id`), a page's id, title and address, or a
    supporter's username. New fields on the models are exported without a change here.
    """
    user_model = get_user_model()
    data = {}
    for field in record._meta.concrete_fields:
        if field.name in NOT_EXPORTED or field.name == parent:
            continue
        if not field.is_relation:
            data[field.name] = plain(field.value_from_object(record))
        elif issubclass(field.related_model, Page):
            data[field.name] = page_reference(getattr(record, field.name), request)
        elif issubclass(field.related_model, user_model):
            related = getattr(record, field.name)
            data[field.name] = related.username if related else None
        else:
            data[field.attname] = field.value_from_object(record)
    return data


def account_data(user):
    recovery_code = models.RecoveryCode.objects.filter(user=user).first()
    return {
        "username": user.username,
        "email": user.email,
        "date_joined": plain(user.date_joined),
        "last_login": plain(user.last_login),
        "recovery_code_created_at": plain(recovery_code.created_at) if recovery_code else None,
    }


def build_export(user, request=None):
    """Everything `user` keeps in their PDP, as JSON-ready data."""

    def many(records, **children):
        exported = []
        for record in records:
            data = record_data(record, request=request)
            for name, parent in children.items():
                data[name] = [
                    record_data(child, parent=parent, request=request)
                    for child in getattr(record, name).all()
                ]
            exported.append(data)
        return exported

    about = models.AboutMe.objects.owned_by(user).first()
    return {
        "format": EXPORT_FORMAT,
        "exported_at": plain(timezone.now()),
        "account": account_data(user),
        "about_me": record_data(about, request=request) if about else None,
        "needs_checks": many(sections.needs_for(user), ratings="needs_check"),
        "goals": many(sections.goals_for(user), steps="goal", obstacles="goal"),
        "learning_entries": many(models.LearningEntry.objects.owned_by(user)),
        "reflections": many(models.Reflection.objects.owned_by(user).select_related("session")),
        "reviews": many(models.Review.objects.owned_by(user)),
        "situation_records": many(models.SituationRecord.objects.owned_by(user)),
        "shares_given": many(
            models.Share.objects.owned_by(user)
            .select_related("supporter")
            .prefetch_related("views"),
            views="share",
        ),
        "share_invites": many(models.ShareInvite.objects.owned_by(user)),
        # What trainers recorded about the learner's courses (not typed by the learner).
        "course_enrolments": many(Enrolment.objects.filter(learner=user)),
        "course_attendance": many(Attendance.objects.filter(learner=user)),
        "certificates": many(Certificate.objects.filter(holder=user)),
        "trainer_levels": many(Accreditation.objects.filter(trainer=user)),
    }


def export_filename(extension):
    return f"my-personal-development-profile-{timezone.localdate().isoformat()}.{extension}"


def attachment(content, content_type, extension):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(extension)}"'
    return response


@learner_view
def export_json(request):
    with transaction.atomic():
        data = build_export(request.user, request)
    content = json.dumps(data, ensure_ascii=False, indent=2)
    return attachment(content, "application/json; charset=utf-8", "json")


# The PDF export -------------------------------------------------------------------------------


def export_context(user):
    context = {"user": user, "exported_at": timezone.now()}
    for section in Section:
        context.update(sections.section_data(user, section))
    context["shares"] = list(
        models.Share.objects.owned_by(user).select_related("supporter").prefetch_related("views")
    )
    context["share_views"] = sorted(
        ((view, share) for share in context["shares"] for view in share.views.all()),
        key=lambda pair: pair[0].viewed_at,
        reverse=True,
    )
    return context


def render_export_pdf(user, language=None):
    """The learner's whole PDP as a tagged PDF (headings make the outline)."""
    context = export_context(user)
    context["language"] = language or translation.get_language()
    html = render_to_string("learning_profile/data/export_pdf.html", context)
    return render_pdf(html)


@learner_view
def export_pdf(request):
    with transaction.atomic():
        rendered = render_export_pdf(request.user)
    return attachment(rendered.content, "application/pdf", "pdf")


# The account page -----------------------------------------------------------------------------


class EmailForm(PlainForm):
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": gettext_lazy("Please enter an email address like name@example.org."),
        },
    )


@learner_view
def account(request):
    user = request.user
    form = EmailForm(
        request.POST if request.method == "POST" else None, initial={"email": user.email}
    )
    if request.method == "POST":
        removing = "remove" in request.POST or (form.is_valid() and not form.cleaned_data["email"])
        if removing:
            return remove_email(request)
        if form.is_valid():
            with transaction.atomic():
                user.email = form.cleaned_data["email"]
                user.save(update_fields=["email"])
            messages.success(request, _("Your email address is saved."))
            return redirect("pdp_account")
    return form_page(request, "learning_profile/account.html", form)


def remove_email(request):
    user = request.user
    if not user.email:
        return redirect("pdp_account")
    with transaction.atomic():
        user.email = ""
        user.save(update_fields=["email"])
        code = new_recovery_code(user)
    return render(request, "registration/recovery_code.html", {"code": code})


@learner_view
@require_POST
def recovery_code(request):
    with transaction.atomic():
        code = new_recovery_code(request.user)
    return render(request, "registration/recovery_code.html", {"code": code})


# Deleting the account -------------------------------------------------------------------------


def deletion_summary(user):
    """What deleting the account removes, in plain words with counts."""
    goals = models.Goal.objects.owned_by(user)
    shares_given = models.Share.objects.owned_by(user)
    counts = [
        (
            models.AboutMe.objects.owned_by(user).count(),
            lambda n: ngettext("%(count)s “About me” page", "%(count)s “About me” pages", n),
        ),
        (
            models.NeedsCheck.objects.owned_by(user).count(),
            lambda n: ngettext(
                "%(count)s learning-needs check", "%(count)s learning-needs checks", n
            ),
        ),
        (goals.count(), lambda n: ngettext("%(count)s goal", "%(count)s goals", n)),
        (
            models.GoalStep.objects.filter(goal__in=goals).count(),
            lambda n: ngettext("%(count)s step of a goal", "%(count)s steps of goals", n),
        ),
        (
            models.GoalObstacle.objects.filter(goal__in=goals).count(),
            lambda n: ngettext(
                "%(count)s note on what might get in the way",
                "%(count)s notes on what might get in the way",
                n,
            ),
        ),
        (
            models.LearningEntry.objects.owned_by(user).count(),
            lambda n: ngettext(
                "%(count)s entry in your learning record",
                "%(count)s entries in your learning record",
                n,
            ),
        ),
        (
            models.Reflection.objects.owned_by(user).count(),
            lambda n: ngettext("%(count)s reflection", "%(count)s reflections", n),
        ),
        (
            models.Review.objects.owned_by(user).count(),
            lambda n: ngettext("%(count)s review", "%(count)s reviews", n),
        ),
        (
            models.SituationRecord.objects.owned_by(user).count(),
            lambda n: ngettext(
                "%(count)s record of your situation", "%(count)s records of your situation", n
            ),
        ),
        (
            shares_given.count(),
            lambda n: ngettext(
                "%(count)s share you gave a supporter, with its record of views",
                "%(count)s shares you gave supporters, with their record of views",
                n,
            ),
        ),
        (
            models.ShareInvite.objects.owned_by(user).count(),
            lambda n: ngettext("%(count)s sharing link", "%(count)s sharing links", n),
        ),
        (
            models.Share.objects.filter(supporter=user).count(),
            lambda n: ngettext(
                "%(count)s share other people gave you",
                "%(count)s shares other people gave you",
                n,
            ),
        ),
    ]
    return [label(count) % {"count": count} for count, label in counts]


def delete_everything(user):
    """Every PDP row that points at `user` (children go with their parents), then the user.

    Call inside a transaction. Rows are found by introspection, so a new model with a link
    to the user is covered; `only("pk")` deletes without decrypting anything.
    """
    user_model = get_user_model()
    for model in apps.get_app_config("learning_profile").get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and issubclass(field.related_model, user_model):
                model._base_manager.filter(**{field.name: user}).only("pk").delete()
    user_model._base_manager.filter(pk=user.pk).delete()


class DeleteAccountForm(PlainForm):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": gettext_lazy("Please enter your password.")},
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    @sensitive_variables("password")
    def clean_password(self):
        """Wrong passwords count towards the same lock-out as sign-in, so this form is no
        way round it."""
        password = self.cleaned_data["password"]
        user = self.request.user
        address = throttle.client_address(self.request)
        check_attempts_allowed(
            user.username,
            address,
            _(
                "There have been too many wrong passwords. For your safety, please wait "
                "15 minutes, then try again."
            ),
        )
        if not user.check_password(password):
            throttle.record_failure(user.username, address)
            raise forms.ValidationError(
                _("That is not your password. Please try again."), code="invalid"
            )
        return password


@learner_view
def delete_account(request):
    form = DeleteAccountForm(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        username = request.user.username
        with transaction.atomic():
            delete_everything(request.user)
        throttle.clear(username)
        logout(request)
        return redirect("pdp_account_deleted")
    return form_page(
        request,
        "learning_profile/data/delete.html",
        form,
        summary=deletion_summary(request.user),
    )


@never_cache
def account_deleted(request):
    """Shown after the account is gone, so to someone signed out."""
    return render(request, "learning_profile/data/deleted.html")
