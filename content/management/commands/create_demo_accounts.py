from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

# Demo-only accounts for a local machine. The same names and passwords are in the README.
DEMO_ACCOUNTS = [
    ("editor", "demo-editor-pass", ["Editors"], "a content editor: edits and submits programmes"),
    ("moderator", "demo-moderator-pass", ["Moderators"], "approves and publishes programmes"),
    ("mentor", "demo-mentor-pass", ["Peer trainers"], "a trainer of trainers: signs off levels"),
    ("trainer", "demo-trainer-pass", ["Peer trainers"], "a lead peer trainer with a course run"),
    ("learner1", "demo-learner-pass", ["Learners"], "a learner"),
    ("learner2", "demo-learner-pass", ["Learners"], "another learner"),
]
DEMO_NAMES = [account[0] for account in DEMO_ACCOUNTS]


def demo_profile(user):
    """A little PDP for learner1, so the profile pages show what they are for."""
    import datetime

    from learning_profile import models

    today = datetime.date.today()
    models.AboutMe.objects.create(
        owner=user,
        what_matters="My daughter, my allotment, and feeling useful again.",
        strengths="Patient. Good with plants. People say I listen well.",
        how_i_learn="Seeing it done first, then trying it with someone beside me.",
    )
    goal = models.Goal.objects.create(
        owner=user,
        title="Volunteer at the community garden",
        why="I want a reason to get out of the house two mornings a week.",
        life_area=models.LifeArea.VOLUNTEERING,
        target_date=today + datetime.timedelta(days=60),
    )
    for text, done in (
        ("Find the garden's phone number", True),
        ("Ring and ask about Tuesday mornings", False),
        ("Go along once with my support worker", False),
    ):
        models.GoalStep.objects.create(goal=goal, text=text, done=done)
    models.GoalObstacle.objects.create(
        goal=goal, obstacle="Mornings are hard for me", what_helps="Pick the later session"
    )
    models.Reflection.objects.create(
        owner=user, goal=goal, text="Made the first call. It was easier than I thought."
    )


def demo_run(mentor, trainer, learner1, learner2):
    """The mentor signs off the trainer as a lead trainer, who runs Programme 1 in English with
    learner1 enrolled and learner2 asking to join."""
    import datetime

    from django.utils import timezone

    from courses import runs
    from courses.models import (
        Accreditation,
        CourseRun,
        Enrolment,
        ProgrammePage,
        RunSession,
        TrainerLevel,
        TrainerProfile,
    )

    if Accreditation.objects.filter(trainer=trainer).exists():
        return
    programme = ProgrammePage.objects.live().filter(number=1, locale__language_code="en").first()
    if programme is None:
        return
    today = timezone.localdate()
    Accreditation.objects.create(
        trainer=mentor,
        level=TrainerLevel.TRAINER_OF_TRAINERS,
        observed_on=today - datetime.timedelta(days=400),
        note="Set up as the first trainer of trainers.",
    )
    TrainerProfile.objects.create(user=mentor, public_name="Sam", name_on_certificates=True)
    TrainerProfile.objects.create(user=trainer, public_name="Alex", name_on_certificates=True)
    runs.sign_off(
        mentor,
        trainer,
        TrainerLevel.LEAD_TRAINER,
        today - datetime.timedelta(days=30),
        [programme],
        "Calm and clear with the group; kept to time; handled a hard moment kindly.",
    )
    run = CourseRun.objects.create(
        programme=programme,
        lead=trainer,
        venue="Riverside Community Centre, Room 2",
        access_notes="Step-free entrance at the side. Buses 12 and 40 stop outside.",
        capacity=12,
        status=CourseRun.Status.OPEN,
    )
    monday = today + datetime.timedelta(days=7 - today.weekday())
    for number, session in enumerate(programme.sessions, start=1):
        day = monday + datetime.timedelta(weeks=number - 1)
        RunSession.objects.create(
            run=run,
            number=number,
            session=session,
            starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))),
            duration_minutes=session.duration_minutes,
        )
    runs.enrol(run, learner1, Enrolment.Route.ADDED)
    runs.ask_to_join(run, learner2)


class Command(BaseCommand):
    help = "Create the demo accounts for a local machine (never on a public site)."

    def handle(self, *args, **options):
        User = get_user_model()
        created = []
        for username, password, groups, role in DEMO_ACCOUNTS:
            user, is_new = User.objects.get_or_create(username=username)
            if is_new:
                user.set_password(password)
                user.save()
                created.append((username, password, role))
                if username == "learner1":
                    demo_profile(user)
            user.groups.add(*Group.objects.filter(name__in=groups))
        users = {user.username: user for user in User.objects.filter(username__in=DEMO_NAMES)}
        demo_run(users["mentor"], users["trainer"], users["learner1"], users["learner2"])
        if not created:
            self.stdout.write("Demo accounts already exist (passwords are in the README).")
            return
        self.stdout.write("Demo accounts (for this machine only; also listed in the README):")
        for username, password, role in created:
            self.stdout.write(f"  {username:<10} {password:<22} {role}")
        self.stdout.write(
            "The first time editor or moderator opens the admin (/admin/), it asks them to set "
            "up an authenticator app for two-step sign-in, as for every admin account."
        )
