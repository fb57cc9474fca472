from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

# Demo-only accounts for a local machine. The same names and passwords are in the README.
DEMO_ACCOUNTS = [
    ("editor", "demo-editor-pass", ["Editors"], "a content editor: edits and submits programmes"),
    ("moderator", "demo-moderator-pass", ["Moderators"], "approves and publishes programmes"),
    ("trainer", "demo-trainer-pass", ["Peer trainers"], "a peer trainer"),
    ("learner1", "demo-learner-pass", ["Learners"], "a learner"),
    ("learner2", "demo-learner-pass", ["Learners"], "another learner"),
]


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
        if not created:
            self.stdout.write("Demo accounts already exist (passwords are in the README).")
            return
        self.stdout.write("Demo accounts (for this machine only; also listed in the README):")
        for username, password, role in created:
            self.stdout.write(f"  {username:<10} {password:<22} {role}")
