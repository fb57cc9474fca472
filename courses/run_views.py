"""Public pages of course runs: a run's page, asking to join, invite links, and the public
certificate check at /certificates/<code>/."""

import hashlib

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import caches
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import runs
from .models import Certificate, CourseRun, Enrolment

VERIFY_LIMIT = 30  # certificate checks per address per ten minutes
VERIFY_WINDOW = 600


def public_runs():
    return CourseRun.objects.filter(status__in=CourseRun.PUBLIC).select_related(
        "programme__locale"
    )


def run_page(request, pk):
    run = get_object_or_404(public_runs(), pk=pk)
    enrolment = None
    if request.user.is_authenticated:
        enrolment = Enrolment.objects.filter(run=run, learner=request.user).first()
    return render(
        request,
        "courses/runs/run.html",
        {
            "run": run,
            "schedule": run.schedule.with_session(),
            "enrolment": enrolment,
            "trainers": [runs.display_name(user) for user in run.trainers()],
        },
    )


@require_POST
@never_cache
def join(request, pk):
    run = get_object_or_404(public_runs(), pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(run_url(run))
    try:
        enrolment = runs.ask_to_join(run, request.user)
    except runs.RunFull:
        messages.error(request, _("Sorry, this run is full."))
    except runs.NotOpen:
        messages.error(request, _("This run is not taking new learners at the moment."))
    else:
        if enrolment.status == Enrolment.Status.ENROLLED:
            messages.info(request, _("You already have a place on this run."))
        else:
            messages.success(
                request,
                _(
                    "You have asked for a place. A trainer will look at it soon: you will see "
                    "the answer in My courses."
                ),
            )
    return redirect(run_url(run))


def run_url(run):
    return reverse("run_page", kwargs={"pk": run.pk})


@never_cache
def invite(request, token):
    found = runs.find_invite(token)
    if found is None or found.run.is_closed:
        return render(request, "courses/runs/invite_used.html", status=404)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    run = found.run
    if request.method == "POST":
        try:
            runs.redeem_invite(found, request.user)
        except runs.RunFull:
            messages.error(request, _("Sorry, this run is full."))
            return redirect(run_url(run))
        except (runs.NotOpen, found.DoesNotExist):
            return render(request, "courses/runs/invite_used.html", status=404)
        messages.success(request, _("You have a place on this course. Welcome!"))
        return redirect("my_courses")
    return render(request, "courses/runs/invite.html", {"run": run, "token": token})


def _too_many_checks(request):
    address = request.META.get("REMOTE_ADDR", "")
    key = "certificate-checks:" + hashlib.sha256(address.encode()).hexdigest()
    try:
        limits = caches["limits"]
        limits.add(key, 0, VERIFY_WINDOW)
        return limits.incr(key) > VERIFY_LIMIT
    except Exception:  # noqa: BLE001 - no cache, no counting: refuse rather than allow guessing
        return True


@never_cache
def verify(request, code):
    """Only name, programme, hours and date, or that it was revoked. An unknown code gets the
    site's ordinary 404, after the same single lookup a real one gets."""
    if _too_many_checks(request):
        response = render(request, "courses/runs/verify_limited.html", status=429)
        response["Retry-After"] = str(VERIFY_WINDOW)
        return response
    certificate = Certificate.objects.filter(code=code[:40]).first()
    if certificate is None:
        raise Http404
    return render(request, "courses/runs/verify.html", {"certificate": certificate})
