"""What each PDP section holds for one owner: the same data for the owner's own pages, for a
supporter the learner shared it with, and for the exports. Query counts do not grow with the
number of records (every relation is prefetched)."""

from django.db.models import Prefetch

from . import models
from .models import Section


def goals_for(owner):
    return (
        models.Goal.objects.owned_by(owner)
        .select_related("programme")
        .prefetch_related(
            Prefetch(
                "steps", queryset=models.GoalStep.objects.order_by(*models.GoalStep._meta.ordering)
            ),
            "obstacles",
        )
    )


def needs_for(owner):
    return models.NeedsCheck.objects.owned_by(owner).prefetch_related("ratings")


def needs_table(checks):
    """Rows of areas, columns of dates (oldest first): change over time at a glance."""
    checks = list(reversed(checks))
    rows = []
    for area in models.NeedsArea:
        cells = []
        for check in checks:
            rating = next((r for r in check.ratings.all() if r.area == area.value), None)
            cells.append(rating)
        rows.append({"area": area, "cells": cells})
    return {"dates": [check.taken_on for check in checks], "rows": rows}


def section_data(owner, section):
    if section == Section.ABOUT:
        return {"about": models.AboutMe.objects.owned_by(owner).first()}
    if section == Section.NEEDS:
        checks = list(needs_for(owner))
        return {"checks": checks, "needs_table": needs_table(checks)}
    if section == Section.GOALS:
        return {"goals": list(goals_for(owner))}
    if section == Section.LEARNING:
        return {
            "entries": list(models.LearningEntry.objects.owned_by(owner)),
            **on_this_platform(owner),
        }
    if section == Section.REFLECTIONS:
        return {
            "reflections": list(
                models.Reflection.objects.owned_by(owner).select_related("goal", "session")
            )
        }
    if section == Section.REVIEWS:
        return {"reviews": list(models.Review.objects.owned_by(owner))}
    if section == Section.SITUATION:
        records = list(models.SituationRecord.objects.owned_by(owner))
        return {"records": records, "chart": situation_chart(records)}
    raise ValueError(section)


def on_this_platform(owner):
    """Courses the learner joined here, with attendance and certificates, and any trainer
    levels they were signed off for: the part of the learning record nobody types in."""
    from courses.models import Accreditation, Attendance, Certificate, Enrolment

    enrolments = list(
        Enrolment.objects.filter(learner=owner, status=Enrolment.Status.ENROLLED)
        .select_related("run__programme")
        .prefetch_related("run__schedule")
        .order_by("-created_at")
    )
    came = set(
        Attendance.objects.filter(learner=owner, present=True).values_list(
            "run_session_id", flat=True
        )
    )
    certificates = {
        certificate.run_id: certificate
        for certificate in Certificate.objects.filter(holder=owner, run__isnull=False)
    }
    courses = []
    for enrolment in enrolments:
        schedule = list(enrolment.run.schedule.all())
        courses.append(
            {
                "enrolment": enrolment,
                "run": enrolment.run,
                "sessions": len(schedule),
                "attended": sum(item.pk in came for item in schedule),
                "first": schedule[0].starts_at if schedule else None,
                "last": schedule[-1].starts_at if schedule else None,
                "certificate": certificates.get(enrolment.run_id),
            }
        )
    accreditations = list(
        Accreditation.objects.filter(trainer=owner)
        .select_related("signed_off_by")
        .prefetch_related("programmes")
    )
    return {"platform_courses": courses, "accreditations": accreditations}


def situation_chart(records):
    """Bars for paid and volunteering hours per record, oldest first, scaled to the largest."""
    ordered = list(reversed(records))
    largest = max(
        [float(r.paid_hours) for r in ordered]
        + [float(r.volunteering_hours) for r in ordered]
        + [1]
    )
    return [
        {
            "record": record,
            # In steps of 5, so the bars need no inline style (the CSP allows none).
            "paid_percent": 5 * round(20 * float(record.paid_hours) / largest),
            "volunteering_percent": 5 * round(20 * float(record.volunteering_hours) / largest),
        }
        for record in ordered
    ]
