"""Making learners and filling every part of a PDP, for the PDP tests."""

import datetime

from django.contrib.auth import get_user_model

from learning_profile import models

PASSWORD = "correct horse battery"


def make_user(username, **extra):
    return get_user_model().objects.create_user(username, password=PASSWORD, **extra)


def fill_profile(user, marker):
    """One record of every kind, with `marker` in every free-text field."""
    today = datetime.date(2026, 11, 1)
    models.AboutMe.objects.create(
        owner=user, **{name: f"{marker} {name}" for name in models.AboutMe.TEXT_FIELDS}
    )
    check = models.NeedsCheck.objects.create(owner=user, taken_on=today)
    for area in models.NeedsArea:
        models.NeedsRating.objects.create(
            needs_check=check,
            area=area,
            rating=3,
            note=f"{marker} need {area}",
            wants_to_learn=True,
        )
    goal = models.Goal.objects.create(
        owner=user, title=f"{marker} goal", why=f"{marker} why", support=f"{marker} support"
    )
    models.GoalStep.objects.create(goal=goal, text=f"{marker} step")
    models.GoalObstacle.objects.create(
        goal=goal, obstacle=f"{marker} obstacle", what_helps=f"{marker} helps"
    )
    entry = models.LearningEntry.objects.create(
        owner=user, title=f"{marker} course", provider=f"{marker} college", notes=f"{marker} notes"
    )
    reflection = models.Reflection.objects.create(
        owner=user, text=f"{marker} reflection", goal=goal, written_on=today
    )
    review = models.Review.objects.create(
        owner=user,
        went_well=f"{marker} well",
        got_in_the_way=f"{marker} way",
        next_steps=f"{marker} next",
        reviewed_on=today,
    )
    situation = models.SituationRecord.objects.create(
        owner=user, work="paid", paid_hours=16, note=f"{marker} situation", recorded_on=today
    )
    return {
        "goal": goal,
        "check": check,
        "entry": entry,
        "reflection": reflection,
        "review": review,
        "situation": situation,
        "step": goal.steps.get(),
        "obstacle": goal.obstacles.get(),
    }
