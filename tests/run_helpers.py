"""Trainers, course runs and learners for the course-run tests."""

import datetime

from django.utils import timezone

from courses import runs
from courses.models import Accreditation, CourseRun, Enrolment, RunSession, TrainerLevel
from tests.pdp_helpers import make_user


def make_trainer(username, level=TrainerLevel.LEAD_TRAINER):
    user = make_user(username)
    Accreditation.objects.create(
        trainer=user, level=level, observed_on=datetime.date(2026, 1, 10), note="Observed."
    )
    return user


def make_run(programme, lead, *, capacity=10, status=CourseRun.Status.OPEN, start=None, **extra):
    """A run of `programme` with every session dated, a week apart, from `start` (default:
    three weeks ago, so every session has begun)."""
    run = CourseRun.objects.create(
        programme=programme,
        lead=lead,
        venue="Library, room 1",
        capacity=capacity,
        status=status,
        **extra,
    )
    start = start or timezone.now() - datetime.timedelta(weeks=len(programme.sessions))
    for number, session in enumerate(programme.sessions, start=1):
        RunSession.objects.create(
            run=run,
            number=number,
            session=session,
            starts_at=start + datetime.timedelta(weeks=number - 1),
            duration_minutes=session.duration_minutes,
        )
    return run


def enrol_learners(run, count, prefix="learner"):
    learners = [make_user(f"{prefix}{index}") for index in range(count)]
    for learner in learners:
        runs.enrol(run, learner, Enrolment.Route.ADDED)
    return learners


def mark_all_present(run, learners, trainer):
    present = {learner.pk for learner in learners}
    for run_session in run.schedule.all():
        runs.save_register(run_session, present, trainer)
