"""Sharing the PDP: read-only access to chosen sections for one other registered user, until a
date, given by username or by a one-time invite link, and revocable at any moment.

The learner's own actions go through `owned_by(request.user)`. A supporter reaches a section
only through an active share given to them and holding that section; every other case is the
same 404. Each view of a shared section is written to the access log the learner sees. Invite
tokens are shown once and stored only as their SHA-256 digest.
"""

import hashlib
import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import sections
from .forms import PlainForm, date_field
from .models import Section, Share, ShareInvite, ShareView
from .views import learner_view

ACCESS_LOG_LENGTH = 100
require_form_methods = require_http_methods(["GET", "HEAD", "POST"])
ENDED_SHARES_SHOWN = 50


def one_year_after(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def token_digest(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def ordered_sections(values):
    """The sections in the PDP's own order, whatever order they came in."""
    return [section for section in Section if section.value in values]


# Forms ----------------------------------------------------------------------------------------


class SectionCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose error-summary link goes to the first box (Django's default is none)."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class ShareTermsForm(PlainForm):
    """Which sections, and until when: the same for a share by username and an invite link."""

    sections = forms.MultipleChoiceField(
        label=gettext_lazy("What they can see"),
        help_text=gettext_lazy("Tick one or more parts of your profile."),
        choices=Section.choices,
        widget=SectionCheckboxes,
        error_messages={
            "required": gettext_lazy("Please tick at least one part of your profile to share."),
            "invalid_choice": gettext_lazy("Please choose only from the list."),
        },
    )
    expires_on = date_field(
        gettext_lazy("Until"),
        required=True,
        help_text=gettext_lazy(
            "The last day they can see it. Today or any day up to one year from now. "
            "For example 2026-03-27 (year, month, day)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        self.latest = one_year_after(self.today)
        attrs = self.fields["expires_on"].widget.attrs
        attrs["min"] = self.today.isoformat()
        attrs["max"] = self.latest.isoformat()

    def full_clean(self):
        super().full_clean()
        # PlainForm names the error ids without the form's prefix; name them as rendered.
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                described = [f"{bound.auto_id}_error"]
                if self.fields[name].help_text:
                    described.append(f"{bound.auto_id}_helptext")
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(described)

    def clean_sections(self):
        return [section.value for section in ordered_sections(self.cleaned_data["sections"])]

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day < self.today:
            raise forms.ValidationError(
                _("This date has passed. Please choose today or a later date."), code="past"
            )
        if day > self.latest:
            raise forms.ValidationError(
                _(
                    "Please choose a date no more than one year from today "
                    "(%(date)s at the latest)."
                ),
                code="too_far",
                params={"date": date_format(self.latest, "j F Y")},
            )
        return day


class ShareForm(ShareTermsForm):
    username = forms.CharField(
        label=gettext_lazy("Their username"),
        help_text=gettext_lazy("Ask them for the username they use on this website."),
        max_length=150,  # the longest username Django allows
        error_messages={
            "required": gettext_lazy("Please write their username."),
            "max_length": gettext_lazy("This is too long for a username."),
        },
    )

    field_order = ["username", "sections", "expires_on"]

    def __init__(self, *args, owner, **kwargs):
        self.owner = owner
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        users = get_user_model()._default_manager.filter(is_active=True)
        supporter = users.filter(username=username).first()
        if supporter is None:
            # Usernames differ only in capitals rarely: accept another case if it is unique.
            matches = list(users.filter(username__iexact=username)[:2])
            supporter = matches[0] if len(matches) == 1 else None
        if supporter is None:
            raise forms.ValidationError(
                _("We could not find that username. Please check it with them and try again."),
                code="unknown",
            )
        if supporter.pk == self.owner.pk:
            raise forms.ValidationError(
                _("That is your own username. Please write the username of someone else."),
                code="self",
            )
        self.supporter = supporter
        return username


class InviteForm(ShareTermsForm):
    prefix = "invite"


# Helpers --------------------------------------------------------------------------------------


def replace_share(owner, supporter, section_values, expires_on):
    """Give `supporter` a new share, ending any share they have now. Call inside a transaction."""
    Share.active_for_owner(owner).filter(supporter=supporter).update(revoked_at=timezone.now())
    return Share.objects.create(
        owner=owner, supporter=supporter, sections=section_values, expires_on=expires_on
    )


def with_sections(shares):
    for share in shares:
        share.shared_sections = ordered_sections(share.sections)
    return shares


def sharing_page(request, share_form=None, invite_form=None):
    user = request.user
    today = timezone.localdate()
    owned = Share.objects.owned_by(user).select_related("supporter")
    context = {
        "share_form": share_form or ShareForm(owner=user),
        "invite_form": invite_form or InviteForm(),
        "active_shares": with_sections(
            list(owned.filter(revoked_at__isnull=True, expires_on__gte=today))
        ),
        "ended_shares": with_sections(
            list(
                owned.filter(Q(revoked_at__isnull=False) | Q(expires_on__lt=today))[
                    :ENDED_SHARES_SHOWN
                ]
            )
        ),
        "invites": with_sections(
            list(
                ShareInvite.objects.owned_by(user).filter(
                    used_at__isnull=True, expires_on__gte=today
                )
            )
        ),
        "access_log": list(
            ShareView.objects.filter(share__owner=user)
            .select_related("share__supporter")
            .order_by("-viewed_at", "-pk")[:ACCESS_LOG_LENGTH]
        ),
        "access_log_length": ACCESS_LOG_LENGTH,
        "has_shares_received": Share.active_for(user, today).exists(),
    }
    status = (
        400 if (share_form and share_form.errors) or (invite_form and invite_form.errors) else 200
    )
    return render(request, "learning_profile/sharing/sharing.html", context, status=status)


def valid_invite(token):
    """The unused, unexpired invite with this token, or the same 404 for everything else."""
    invite = (
        ShareInvite.objects.select_related("owner")
        .filter(
            token_digest=token_digest(token),
            used_at__isnull=True,
            expires_on__gte=timezone.localdate(),
        )
        .first()
    )
    if invite is None:
        raise Http404
    return invite


# The learner's side ---------------------------------------------------------------------------


@learner_view
@require_form_methods
def sharing(request):
    if request.method != "POST":
        return sharing_page(request)
    form = ShareForm(request.POST, owner=request.user)
    if not form.is_valid():
        return sharing_page(request, share_form=form)
    with transaction.atomic():
        replace_share(
            request.user,
            form.supporter,
            form.cleaned_data["sections"],
            form.cleaned_data["expires_on"],
        )
    messages.success(
        request, _("Shared. They can see the parts you ticked until the date you chose.")
    )
    return redirect("pdp_sharing")


@learner_view
@require_POST
def share_revoke(request, pk):
    with transaction.atomic():
        share = get_object_or_404(Share.objects.owned_by(request.user).select_for_update(), pk=pk)
        if share.revoked_at is None:
            share.revoked_at = timezone.now()
            share.save(update_fields=["revoked_at"])
    messages.success(request, _("Stopped sharing. They cannot see your profile any more."))
    return redirect("pdp_sharing")


@learner_view
@require_POST
def invite_new(request):
    form = InviteForm(request.POST)
    if not form.is_valid():
        return sharing_page(request, invite_form=form)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invite = ShareInvite.objects.create(
            owner=request.user,
            token_digest=token_digest(token),
            sections=form.cleaned_data["sections"],
            expires_on=form.cleaned_data["expires_on"],
        )
    invite.shared_sections = ordered_sections(invite.sections)
    return render(
        request,
        "learning_profile/sharing/invite_created.html",
        {
            "invite": invite,
            "link": request.build_absolute_uri(reverse("pdp_invite", kwargs={"token": token})),
        },
    )


@learner_view
@require_POST
def invite_cancel(request, pk):
    with transaction.atomic():
        invite = get_object_or_404(
            ShareInvite.objects.owned_by(request.user).filter(used_at__isnull=True), pk=pk
        )
        invite.delete()
    messages.success(request, _("Cancelled the invite link. Nobody can use it now."))
    return redirect("pdp_sharing")


# The supporter's side -------------------------------------------------------------------------


@learner_view
@require_form_methods
def invite(request, token):
    invite = valid_invite(token)
    invite.shared_sections = ordered_sections(invite.sections)
    own = invite.owner_id == request.user.pk
    if request.method == "POST" and not own:
        with transaction.atomic():
            used = ShareInvite.objects.filter(pk=invite.pk, used_at__isnull=True).update(
                used_at=timezone.now()
            )
            if not used:  # accepted a moment ago, in another tab or by someone else
                raise Http404
            share = replace_share(invite.owner, request.user, invite.sections, invite.expires_on)
            ShareInvite.objects.filter(pk=invite.pk).update(share=share)
        messages.success(request, _("Done. You can now see what was shared with you."))
        return redirect("pdp_shared_with_me")
    return render(
        request,
        "learning_profile/sharing/invite.html",
        {"invite": invite, "own": own},
        status=403 if request.method == "POST" else 200,
    )


@learner_view
@require_safe
def shared_with_me(request):
    shares = with_sections(
        list(Share.active_for(request.user).select_related("owner").order_by("-created_at"))
    )
    return render(request, "learning_profile/sharing/shared_with_me.html", {"shares": shares})


@learner_view
@require_safe
def shared_section(request, share_id, section):
    if section not in Section.values:
        raise Http404
    with transaction.atomic():
        share = Share.active_for(request.user).select_related("owner").filter(pk=share_id).first()
        if share is None or section not in share.sections:
            raise Http404
        ShareView.objects.create(share=share, section=section)
    return render(
        request,
        "learning_profile/sharing/shared_section.html",
        {
            "share": share,
            "section": Section(section),
            "section_template": f"learning_profile/sections/{section}.html",
            "shared_sections": ordered_sections(share.sections),
            **sections.section_data(share.owner, section),
        },
    )
