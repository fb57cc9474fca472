"""Two-step sign-in for everyone who can reach the Wagtail admin, through django-otp.

After their password (on the site's own throttled sign-in page), anyone with the
`wagtailadmin.access_admin` permission proves a second factor before any page under /admin/:
a 6-digit code from an authenticator app (otp_totp), or one of 10 single-use recovery codes
(otp_static). Someone without a confirmed app is sent to set one up first; learners are never
asked. Wrong codes are slowed down by django-otp's own throttling (1, 2, 4, 8 … seconds).

What is stored, by django-otp: the app's secret key, and the recovery codes, in the database.
Codes typed are never logged (the views hide POST data from error reports). An administrator
resets someone's two-step sign-in with `manage.py reset_two_factor USERNAME`.
"""

import functools
import math
import re
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django.views.generic import RedirectView
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

ADMIN_PREFIX = "/admin/"
# Signing out always works, verified or not.
NOT_ENFORCED = ("/admin/logout/",)
RECOVERY_CODE_COUNT = 10
TOTP_CODE = re.compile(r"\d{6}")


def can_reach_admin(user):
    return user.is_authenticated and user.has_perm("wagtailadmin.access_admin")


def has_app(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def safe_next(request):
    """Where to go afterwards: `next` if it stays on this site, else the admin's dashboard."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("wagtailadmin_home")


def redirect_to_step(request, next_url):
    """To the code page, or to setting up an app if the user has none yet."""
    name = "two_factor_verify" if has_app(request.user) else "two_factor_setup"
    response = redirect(f"{reverse(name)}?{urlencode({'next': next_url})}")
    add_never_cache_headers(response)
    return response


class AdminTwoFactorMiddleware:
    """Every path under /admin/ needs a verified session from anyone who can reach the admin.
    Goes right after django-otp's OTPMiddleware, which tells whether the session is verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path_ = request.path
        if (
            path_.startswith(ADMIN_PREFIX)
            and not path_.startswith(NOT_ENFORCED)
            and can_reach_admin(request.user)
            and not request.user.is_verified()
        ):
            return redirect_to_step(request, request.get_full_path())
        return self.get_response(request)


def for_admin_users(view):
    """Signed in, with admin access (404 for anyone else); never cached; codes kept out of
    error reports."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_reach_admin(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return sensitive_post_parameters()(never_cache(require_http_methods(["GET", "POST"])(wrapped)))


def locked_until(devices):
    """When the latest of django-otp's waits after wrong codes ends, or None."""
    ends = []
    for device in devices:
        allowed, details = device.verify_is_allowed()
        if not allowed and details and details.get("locked_until"):
            ends.append(details["locked_until"])
    return max(ends) if ends else None


def wait_message(until):
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    if seconds <= 90:
        wait = ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    elif seconds <= 90 * 60:
        minutes = math.ceil(seconds / 60)
        wait = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    else:
        hours = math.ceil(seconds / 3600)
        wait = ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return _(
        "There have been too many wrong codes. For your safety, please wait %(wait)s, "
        "then try again with the code your app shows then."
    ) % {"wait": wait}


def reset_throttles(devices):
    """A right code clears the waits on all the user's devices (an update, so that no stale
    copy of a device is saved over what checking the code stored)."""
    for device in devices:
        type(device).objects.filter(pk=device.pk).update(
            throttling_failure_count=0, throttling_failure_timestamp=None
        )


class CodeForm(forms.Form):
    """One code, checked against the user's app (and, when signing in, recovery codes) with
    django-otp's throttling. Errors beside the field and in the summary, as on every form."""

    error_css_class = "field--error"

    code = forms.CharField(
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, data=None, *, user, app, recovery=None, setting_up=False):
        super().__init__(data)
        self.user = user
        self.app = app
        self.recovery = recovery
        self.setting_up = setting_up
        self.device = None
        field = self.fields["code"]
        field.error_messages.update(
            {
                "required": _("Please enter the code."),
                "max_length": _("That is too long to be a code. Please check it."),
            }
        )
        if setting_up:
            field.label = _("Code from the app")
            field.help_text = _("The 6 numbers the app shows now, like 123456.")
            field.widget.attrs["inputmode"] = "numeric"
        else:
            field.label = _("Code")
            field.help_text = _(
                "The 6 numbers your authenticator app shows now. If you do not have your "
                "phone, type one of your recovery codes instead."
            )
        field.widget.attrs["aria-describedby"] = f"{self['code'].auto_id}_helptext"

    @property
    def devices(self):
        return [device for device in (self.app, self.recovery) if device is not None]

    def full_clean(self):
        super().full_clean()
        if "code" in self.errors:
            auto_id = self["code"].auto_id
            self.fields["code"].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"{auto_id}_error {auto_id}_helptext"}
            )

    def clean_code(self):
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()
        is_app_code = bool(TOTP_CODE.fullmatch(code))
        if self.setting_up and not is_app_code:
            raise forms.ValidationError(
                _("Please enter the 6 numbers the app shows, like 123456."), code="format"
            )
        until = locked_until(self.devices)
        if until is not None:
            raise forms.ValidationError(wait_message(until), code="throttled")
        device = self.app if is_app_code or self.recovery is None else self.recovery
        self.device = django_otp.verify_token(self.user, device.persistent_id, code)
        if self.device is None:
            if self.setting_up:
                message = _(
                    "That code is not right. Type the 6 numbers the app shows now: they change "
                    "every 30 seconds. If it still does not work, check that your phone sets "
                    "its time automatically."
                )
            else:
                message = _(
                    "That code is not right. Type the code your app shows now (it changes every "
                    "30 seconds), or a recovery code you have not used before."
                )
            raise forms.ValidationError(message, code="wrong")
        reset_throttles(self.devices)
        return code

    @property
    def used_recovery_code(self):
        return isinstance(self.device, StaticDevice)


def new_recovery_codes(user):
    """Ten fresh single-use codes, replacing any the user had. The recovery device itself is
    kept, so a session verified with one of its codes stays verified."""
    device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name="Recovery codes")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    reset_throttles([device])
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def remaining_recovery_codes(user):
    return StaticToken.objects.filter(device__user=user).count()


def mark_verified(request, device):
    """The session now has both steps: a new session key, as at any sign-in."""
    request.session.cycle_key()
    django_otp.login(request, device)


def grouped(text, size=4):
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


def show_recovery_codes(request, codes, next_url, *, first_time=False):
    return render(
        request,
        "emilia/two_factor/recovery_codes.html",
        {"codes": codes, "next_url": next_url, "first_time": first_time},
    )


@for_admin_users
def setup(request):
    """Add an authenticator app: a QR code and the key as text, then a code from the app.
    Someone who already has an app may only replace it from a verified session."""
    user = request.user
    next_url = safe_next(request)
    replacing = has_app(user)
    if replacing and not user.is_verified():
        return redirect_to_step(request, next_url)
    app = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if app is None:
        app = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None, user=user, app=app, setting_up=True)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            TOTPDevice.objects.filter(pk=app.pk).update(confirmed=True)
            TOTPDevice.objects.filter(user=user).exclude(pk=app.pk).delete()
            codes = new_recovery_codes(user)
        form.device.confirmed = True
        mark_verified(request, form.device)
        return show_recovery_codes(request, codes, next_url, first_time=True)
    context = {
        "form": form,
        "next_url": next_url,
        "replacing": replacing,
        "qr": segno.make(app.config_url, error="m").svg_data_uri(scale=5, border=4),
        "key": grouped(b32encode(app.bin_key).decode("ascii")),
    }
    return render(
        request,
        "emilia/two_factor/setup.html",
        context,
        status=400 if form.errors else 200,
    )


@for_admin_users
def verify(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    user = request.user
    next_url = safe_next(request)
    if user.is_verified():
        return redirect(next_url)
    app = TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("-pk").first()
    if app is None:
        return redirect_to_step(request, next_url)
    recovery = StaticDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()
    form = CodeForm(request.POST or None, user=user, app=app, recovery=recovery)
    if request.method == "POST" and form.is_valid():
        mark_verified(request, form.device)
        if not form.used_recovery_code:
            return redirect(next_url)
        messages.warning(
            request, _("You signed in with a recovery code, so that code will not work again.")
        )
        return redirect(f"{reverse('two_factor_recovery_codes')}?{urlencode({'next': next_url})}")
    return render(
        request,
        "emilia/two_factor/verify.html",
        {"form": form, "next_url": next_url},
        status=400 if form.errors else 200,
    )


@for_admin_users
def recovery_codes(request):
    """How many recovery codes are left; make new ones (the old ones stop working)."""
    user = request.user
    next_url = safe_next(request)
    if not user.is_verified():
        return redirect_to_step(request, request.get_full_path())
    if request.method == "POST":
        codes = new_recovery_codes(user)
        return show_recovery_codes(request, codes, next_url)
    return render(
        request,
        "emilia/two_factor/manage.html",
        {
            "remaining": remaining_recovery_codes(user),
            "next_url": next_url,
            "next_query": urlencode({"next": next_url}),
        },
    )


# Wagtail's own sign-in form would skip the site's throttling: /admin/login/ (where Wagtail and
# WAGTAILADMIN_LOGIN_URL's users still link) goes to the site's page, keeping `next`.
to_site_sign_in = RedirectView.as_view(pattern_name="login", query_string=True)

# Included under the language prefix at accounts/two-factor/ (never cached whole: see
# emilia/middleware.py).
urlpatterns = [
    path("set-up/", setup, name="two_factor_setup"),
    path("verify/", verify, name="two_factor_verify"),
    path("recovery-codes/", recovery_codes, name="two_factor_recovery_codes"),
]
