"""Accounts for learners: a pseudonymous username, an optional email, and a recovery code for
those without one. Sign-in failures are throttled the same way for real and unknown names."""

import functools
import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login, password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import (
    AuthenticationForm,
    BaseUserCreationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from . import throttle
from .forms import PlainForm
from .models import RecoveryCode

LOCKED_MESSAGE = gettext_lazy(
    "There have been too many tries to sign in to this account. For your safety, please wait "
    "15 minutes, then try again. If you have forgotten your password, you can reset it."
)
PAUSED_MESSAGE = gettext_lazy(
    "Signing in is paused for a few minutes because of a problem on our side. Nothing is "
    "wrong with your account. Please try again later."
)
CARRY_PREFIX = "carried-"


def check_attempts_allowed(username, address, locked_message=LOCKED_MESSAGE):
    """Refuses (with a message for the form) when this username or address has failed too
    often, or when failures cannot be counted just now (fail closed)."""
    state = throttle.state(username, address)
    if state == throttle.UNAVAILABLE:
        raise forms.ValidationError(PAUSED_MESSAGE, code="paused")
    if state == throttle.LOCKED:
        raise forms.ValidationError(locked_message, code="locked")


class SignInForm(PlainForm, AuthenticationForm):
    error_messages = {
        "invalid_login": gettext_lazy(
            "The username and password do not match. Check them and try again. Passwords "
            "are case-sensitive."
        ),
        "inactive": gettext_lazy("This account is switched off. Please contact us."),
        "locked": LOCKED_MESSAGE,
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = _("Please enter your username.")
        self.fields["password"].error_messages["required"] = _("Please enter your password.")

    @sensitive_variables("password")
    def clean(self):
        username = self.data.get("username", "")
        address = throttle.client_address(self.request) if self.request else "unknown"
        if username:
            check_attempts_allowed(username, address, self.error_messages["locked"])
        try:
            return super().clean()
        except forms.ValidationError:
            if username:
                throttle.record_failure(username, address)
            raise


class SignInView(LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        throttle.clear(form.cleaned_data["username"])
        carried = [
            (name[len(CARRY_PREFIX) :], value)
            for name, values in self.request.POST.lists()
            if name.startswith(CARRY_PREFIX)
            for value in values
        ]
        if carried:
            # Signed in again after the session ended mid-form: the words typed come back in a
            # form to send on, with this new session's token. Nothing was stored meanwhile.
            return render(
                self.request,
                "registration/resume.html",
                {"carried": carried, "action": self.get_success_url()},
            )
        return response


sign_in = sensitive_post_parameters()(never_cache(SignInView.as_view()))


class RegisterForm(PlainForm, BaseUserCreationForm):
    email = forms.EmailField(
        label=gettext_lazy("Email (optional)"),
        required=False,
        help_text=gettext_lazy(
            "Only used if you forget your password. Leave it empty and we give you a "
            "recovery code instead."
        ),
        error_messages={
            "invalid": gettext_lazy(
                "Please enter an email address like name@example.org, or leave it empty."
            )
        },
    )

    class Meta(BaseUserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.help_text = _(
            "You do not need to use your real name. Use letters, numbers and @ . + - _ only."
        )
        username.error_messages.update(
            {
                "required": _("Please choose a username."),
                "unique": _("Someone already has that username. Please choose another."),
            }
        )
        self.fields["password1"].help_text = _(
            "At least 10 characters. A few words you will remember is a good password. "
            "You can paste it or use a password manager."
        )
        self.fields["password1"].error_messages["required"] = _("Please choose a password.")
        self.fields["password2"].label = _("Type the password again")
        self.fields["password2"].help_text = ""
        self.fields["password2"].error_messages["required"] = _("Please type the password again.")
        self.error_messages["password_mismatch"] = _(
            "The two passwords are not the same. Please type them again."
        )


@functools.cache
def dummy_hash():
    return make_password("not-a-recovery-code")


def new_recovery_code(user):
    """A fresh one-time code (shown once); only its hash is kept."""
    code = "-".join(secrets.token_hex(3).upper() for _ in range(4))
    RecoveryCode.objects.update_or_create(user=user, defaults={"code_hash": make_password(code)})
    return code


@sensitive_post_parameters()
@never_cache
def register(request):
    if request.user.is_authenticated:
        return redirect("pdp_home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            learners, _created = Group.objects.get_or_create(name="Learners")
            user.groups.add(learners)
            code = None if user.email else new_recovery_code(user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if code:
            return render(request, "registration/recovery_code.html", {"code": code, "new": True})
        messages.success(request, _("Welcome. Your account is ready."))
        return redirect("pdp_home")
    return render(
        request, "registration/register.html", {"form": form}, status=400 if form.errors else 200
    )


class RecoverForm(PlainForm):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    code = forms.CharField(
        label=gettext_lazy("Recovery code"),
        max_length=40,
        help_text=gettext_lazy("The code you printed or wrote down, like 1A2B3C-4D5E6F-..."),
    )
    new_password1 = forms.CharField(
        label=gettext_lazy("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=gettext_lazy("Type the new password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = _("Please fill this in.")

    @sensitive_variables("code", "password")
    def clean(self):
        cleaned = super().clean()
        username = cleaned.get("username", "")
        code = (cleaned.get("code") or "").strip().upper()
        address = throttle.client_address(self.request)
        if not username or not code:
            return cleaned
        check_attempts_allowed(username, address)
        user = get_user_model()._default_manager.filter(username=username).first()
        stored = getattr(user, "recovery_code", None) if user else None
        # Checked against a dummy hash when there is no code, so the time taken is the same.
        valid = check_password(code, stored.code_hash if stored else dummy_hash())
        if not (stored and valid):
            throttle.record_failure(username, address)
            raise forms.ValidationError(
                _("That username and recovery code do not match."), code="invalid"
            )
        self.user = user
        password = cleaned.get("new_password1")
        if password and password != cleaned.get("new_password2"):
            self.add_error("new_password2", _("The two passwords are not the same."))
        elif password:
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("new_password1", error)
        return cleaned


@sensitive_post_parameters()
@never_cache
def recover(request):
    form = RecoverForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.user
        with transaction.atomic():
            user.set_password(form.cleaned_data["new_password1"])
            user.save(update_fields=["password"])
            code = new_recovery_code(user)
        throttle.clear(user.username)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return render(
            request, "registration/recovery_code.html", {"code": code, "recovered": True}
        )
    return render(
        request, "registration/recover.html", {"form": form}, status=400 if form.errors else 200
    )


@require_POST
def keep_alive(request):
    """Called by the idle warning's "Stay signed in" button and while someone types."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    request.session.modified = True
    return HttpResponse(status=204)


class ResetForm(PlainForm, PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages.update(
            {
                "required": _("Please enter the email address on your account."),
                "invalid": _("Please enter an email address like name@example.org."),
            }
        )


class NewPasswordForm(PlainForm, SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = _("Please choose a password.")
        self.fields["new_password2"].label = _("Type the new password again")
        self.fields["new_password2"].error_messages["required"] = _(
            "Please type the password again."
        )
        self.error_messages["password_mismatch"] = _(
            "The two passwords are not the same. Please type them again."
        )


class ChangePasswordForm(PlainForm, PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Your password now")
        self.fields["old_password"].error_messages["required"] = _(
            "Please enter the password you use now."
        )
        self.fields["new_password1"].error_messages["required"] = _("Please choose a password.")
        self.fields["new_password2"].label = _("Type the new password again")
        self.fields["new_password2"].error_messages["required"] = _(
            "Please type the password again."
        )
        self.error_messages["password_incorrect"] = _(
            "That is not your password now. Please try again."
        )
        self.error_messages["password_mismatch"] = _(
            "The two passwords are not the same. Please type them again."
        )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password keeps this session and ends every other one (Django checks each
    session against the password hash, which has changed)."""

    form_class = ChangePasswordForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("pdp_account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password is changed. Anywhere else you were signed in is now signed out."),
        )
        return response
