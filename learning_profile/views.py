"""The learner's own PDP pages under /my/. Every lookup goes through `owned_by(request.user)`:
what is not yours is a 404, whoever you are."""

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from courses.models import ProgrammePage, SessionPage

from . import forms, models, sections
from .accounts import CARRY_PREFIX, SignInForm
from .models import Section


def learner_view(view):
    """Signed-in owners only; never cached; POST data kept out of error reports. A form sent
    after the session ended is not lost: the sign-in page carries it through (see login)."""

    @functools.wraps(view)
    @sensitive_post_parameters()
    @sensitive_variables()
    @never_cache
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if request.method == "POST":
                carried = [
                    (CARRY_PREFIX + name, value)
                    for name, values in request.POST.lists()
                    if name != "csrfmiddlewaretoken"
                    for value in values
                ]
                return render(
                    request,
                    "registration/login.html",
                    {
                        "form": SignInForm(request),
                        "next": request.path,
                        "carried": carried,
                        "session_ended": True,
                    },
                    status=401,
                )
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def save_once(request, form):
    """Create the form's record for this owner, once per form key (double clicks, retries)."""
    model = form._meta.model
    key = form.cleaned_data.get("submission_key") or ""
    owned = model.objects.owned_by(request.user)
    if key and (existing := owned.filter(submission_key=key).first()):
        return existing
    record = form.save(commit=False)
    record.owner = request.user
    record.submission_key = key
    try:
        with transaction.atomic():
            record.save()
            form.save_m2m()
    except IntegrityError:
        if key and (existing := owned.filter(submission_key=key).first()):
            return existing
        raise
    return record


def form_page(request, template, form, **context):
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


# The PDP home ---------------------------------------------------------------------------------


@learner_view
def home(request):
    user = request.user
    goals = list(sections.goals_for(user))
    active = [goal for goal in goals if goal.status == models.GoalStatus.ACTIVE]
    checks = list(sections.needs_for(user)[:2])
    context = {
        "about": models.AboutMe.objects.owned_by(user).first(),
        "active_goals": active[:5],
        "goal_counts": {
            status: sum(goal.status == status for goal in goals)
            for status in models.GoalStatus.values
        },
        "goal_total": len(goals),
        "steps_done": sum(step.done for goal in goals for step in goal.steps.all()),
        "steps_total": sum(len(goal.steps.all()) for goal in goals),
        "latest_check": checks[0] if checks else None,
        "learning_count": models.LearningEntry.objects.owned_by(user).count(),
        "latest_reflection": models.Reflection.objects.owned_by(user).first(),
        "reflection_count": models.Reflection.objects.owned_by(user).count(),
        "latest_review": models.Review.objects.owned_by(user).first(),
        "latest_situation": models.SituationRecord.objects.owned_by(user).first(),
        "active_shares": models.Share.active_for_owner(user).count(),
    }
    return render(request, "learning_profile/home.html", context)


# About me -------------------------------------------------------------------------------------


@learner_view
def about(request):
    instance = models.AboutMe.objects.owned_by(request.user).first() or models.AboutMe(
        owner=request.user
    )
    form = forms.AboutMeForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            record = form.save(commit=False)
            record.owner = request.user
            record.save()
        messages.success(request, _("Saved “About me”."))
        return redirect("pdp_home")
    return form_page(request, "learning_profile/about_form.html", form)


# Learning needs -------------------------------------------------------------------------------


@learner_view
def needs(request):
    data = sections.section_data(request.user, Section.NEEDS)
    return render(request, "learning_profile/needs.html", data)


@learner_view
def needs_new(request):
    form = forms.NeedsCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = form.cleaned_data["submission_key"]
        owned = models.NeedsCheck.objects.owned_by(request.user)
        if not (key and owned.filter(submission_key=key).exists()):
            try:
                with transaction.atomic():
                    check = models.NeedsCheck.objects.create(
                        owner=request.user,
                        taken_on=form.cleaned_data["taken_on"],
                        submission_key=key,
                    )
                    ratings = list(form.ratings())
                    for rating in ratings:
                        rating.needs_check = check
                    models.NeedsRating.objects.bulk_create(ratings)
            except IntegrityError:
                if not owned.filter(submission_key=key).exists():
                    raise
        messages.success(request, _("Saved your learning needs."))
        return redirect("pdp_needs")
    return form_page(request, "learning_profile/needs_form.html", form)


@learner_view
@require_POST
def needs_delete(request, pk):
    check = get_object_or_404(models.NeedsCheck.objects.owned_by(request.user), pk=pk)
    check.delete()
    messages.success(request, _("Deleted that learning-needs check."))
    return redirect("pdp_needs")


# Goals ----------------------------------------------------------------------------------------


def programme_choices():
    return ProgrammePage.objects.live().filter(locale__language_code="en").order_by("number")


def own_goal(request, pk):
    return get_object_or_404(sections.goals_for(request.user), pk=pk)


@learner_view
def goals(request):
    all_goals = list(sections.goals_for(request.user))
    groups = [
        (status, [goal for goal in all_goals if goal.status == status.value])
        for status in models.GoalStatus
    ]
    return render(
        request, "learning_profile/goals.html", {"groups": groups, "total": len(all_goals)}
    )


@learner_view
def goal_new(request):
    form = forms.NewGoalForm(request.POST or None, programmes=programme_choices())
    if request.method == "POST" and form.is_valid():
        goal = save_once(request, form)
        messages.success(request, _("Saved your goal. Now you can add steps to it."))
        return redirect("pdp_goal", pk=goal.pk)
    return form_page(request, "learning_profile/goal_form.html", form, new=True)


@learner_view
def goal(request, pk):
    goal = own_goal(request, pk)
    return render(
        request,
        "learning_profile/goal.html",
        {
            "goal": goal,
            "step_form": forms.NewStepForm(prefix="step"),
            "obstacle_form": forms.ObstacleForm(prefix="obstacle"),
        },
    )


@learner_view
def goal_edit(request, pk):
    goal = own_goal(request, pk)
    form = forms.GoalForm(request.POST or None, instance=goal, programmes=programme_choices())
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            current = models.Goal.objects.select_for_update().get(pk=goal.pk)
            seen = form.cleaned_data.get("version")
            if seen is not None and seen != current.version:
                # Saved meanwhile somewhere else (another tab): show both, overwrite nothing.
                conflict = forms.GoalForm(
                    request.POST,
                    instance=models.Goal.objects.get(pk=goal.pk),  # validating changes it
                    programmes=programme_choices(),
                )
                conflict.data = conflict.data.copy()
                conflict.data["version"] = current.version
                conflict.is_valid()
                return render(
                    request,
                    "learning_profile/goal_form.html",
                    {"form": conflict, "goal": current, "conflict": True},
                    status=409,
                )
            updated = form.save(commit=False)
            updated.version = current.version + 1
            updated.save()
        messages.success(request, _("Saved the changes to your goal."))
        return redirect("pdp_goal", pk=goal.pk)
    return form_page(request, "learning_profile/goal_form.html", form, goal=goal)


@learner_view
def goal_delete(request, pk):
    goal = own_goal(request, pk)
    if request.method == "POST":
        goal.delete()
        messages.success(request, _("Deleted the goal and its steps."))
        return redirect("pdp_goals")
    return render(
        request,
        "learning_profile/confirm_delete.html",
        {
            "what": _("this goal, its steps and its obstacles"),
            "title": goal.title,
            "cancel_url": reverse("pdp_goal", args=[goal.pk]),
        },
    )


def goal_part_form(request, goal, form_class, prefix, success):
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        with transaction.atomic():
            part = form.save(commit=False)
            part.goal = goal
            part.save()
        messages.success(request, success)
        return redirect("pdp_goal", pk=goal.pk)
    context = {
        "goal": goal,
        "step_form": forms.NewStepForm(prefix="step"),
        "obstacle_form": forms.ObstacleForm(prefix="obstacle"),
    }
    context[f"{prefix}_form"] = form
    return render(request, "learning_profile/goal.html", context, status=400)


@learner_view
@require_POST
def step_add(request, pk):
    goal = own_goal(request, pk)
    return goal_part_form(request, goal, forms.NewStepForm, "step", _("Added the step."))


@learner_view
@require_POST
def obstacle_add(request, pk):
    goal = own_goal(request, pk)
    return goal_part_form(
        request, goal, forms.ObstacleForm, "obstacle", _("Added what might get in the way.")
    )


def own_part(request, model, pk, part_pk):
    goal = own_goal(request, pk)
    return goal, get_object_or_404(model.objects.filter(goal=goal), pk=part_pk)


@learner_view
@require_POST
def step_toggle(request, pk, step_pk):
    goal, step = own_part(request, models.GoalStep, pk, step_pk)
    step.done = request.POST.get("done") == "1"
    step.save(update_fields=["done"])
    messages.success(
        request,
        _("Marked the step as done.") if step.done else _("Marked the step as not done yet."),
    )
    return redirect(reverse("pdp_goal", args=[goal.pk]) + f"#step-{step.pk}")


@learner_view
def part_edit(request, pk, part_pk, kind):
    model, form_class = {
        "step": (models.GoalStep, forms.StepForm),
        "obstacle": (models.GoalObstacle, forms.ObstacleForm),
    }[kind]
    goal, part = own_part(request, model, pk, part_pk)
    if request.method == "POST" and "delete" in request.POST:
        part.delete()
        messages.success(request, _("Deleted."))
        return redirect("pdp_goal", pk=goal.pk)
    form = form_class(request.POST or None, instance=part)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("pdp_goal", pk=goal.pk)
    return form_page(request, "learning_profile/part_form.html", form, goal=goal, kind=kind)


# Learning record, reflections, reviews, situation: lists of dated records ---------------------


RECORDS = {
    "learning": {
        "model": models.LearningEntry,
        "form": forms.LearningEntryForm,
        "section": Section.LEARNING,
        "new": _("Add learning from somewhere else"),
        "edit": _("Change this learning"),
        "saved": _("Saved to your learning record."),
    },
    "reflections": {
        "model": models.Reflection,
        "form": forms.ReflectionForm,
        "section": Section.REFLECTIONS,
        "new": _("Write a reflection"),
        "edit": _("Change this reflection"),
        "saved": _("Saved your reflection."),
    },
    "reviews": {
        "model": models.Review,
        "form": forms.ReviewForm,
        "section": Section.REVIEWS,
        "new": _("Write a review"),
        "edit": _("Change this review"),
        "saved": _("Saved your review."),
    },
    "situation": {
        "model": models.SituationRecord,
        "form": forms.SituationForm,
        "section": Section.SITUATION,
        "new": _("Record my situation now"),
        "edit": _("Change this record"),
        "saved": _("Saved. Thank you: this is only for you, unless you share it."),
    },
}


def record_form_kwargs(request, kind):
    if kind != "reflections":
        return {}
    return {
        "goals": models.Goal.objects.owned_by(request.user),
        "sessions": SessionPage.objects.live().filter(locale__language_code="en").order_by("path"),
    }


@learner_view
def record_list(request, kind):
    config = RECORDS[kind]
    data = sections.section_data(request.user, config["section"])
    return render(
        request, f"learning_profile/{kind}.html", {"kind": kind, "config": config, **data}
    )


@learner_view
def record_new(request, kind):
    config = RECORDS[kind]
    form = config["form"](request.POST or None, **record_form_kwargs(request, kind))
    if request.method == "POST" and form.is_valid():
        save_once(request, form)
        messages.success(request, config["saved"])
        return redirect(f"pdp_{kind}")
    return form_page(
        request, "learning_profile/record_form.html", form, kind=kind, heading=config["new"]
    )


@learner_view
def record_edit(request, kind, pk):
    config = RECORDS[kind]
    record = get_object_or_404(config["model"].objects.owned_by(request.user), pk=pk)
    if request.method == "POST" and "delete" in request.POST:
        record.delete()
        messages.success(request, _("Deleted."))
        return redirect(f"pdp_{kind}")
    form = config["form"](
        request.POST or None, instance=record, **record_form_kwargs(request, kind)
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, config["saved"])
        return redirect(f"pdp_{kind}")
    return form_page(
        request,
        "learning_profile/record_form.html",
        form,
        kind=kind,
        heading=config["edit"],
        record=record,
    )
