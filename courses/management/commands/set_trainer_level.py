from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from courses.models import Accreditation, ProgrammePage, TrainerLevel
from courses.runs import get_user_by_username

LEVELS = {
    "co-trainer": TrainerLevel.CO_TRAINER,
    "lead-trainer": TrainerLevel.LEAD_TRAINER,
    "trainer-of-trainers": TrainerLevel.TRAINER_OF_TRAINERS,
}


class Command(BaseCommand):
    help = (
        "Record a peer trainer level for someone, as an administrator. Use it for the first "
        "trainers of trainers; after that they sign off others in the site under /trainer/."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("level", choices=sorted(LEVELS))
        parser.add_argument(
            "--programme", type=int, action="append", default=[], help="a programme number"
        )
        parser.add_argument("--note", default="Set by an administrator.")

    def handle(self, *args, username, level, programme, note, **options):
        user = get_user_by_username(username)
        if user is None:
            raise CommandError(f"Nobody has the username {username!r}.")
        accreditation = Accreditation.objects.create(
            trainer=user, level=LEVELS[level], observed_on=timezone.localdate(), note=note
        )
        accreditation.programmes.set(
            ProgrammePage.objects.live().filter(number__in=programme, locale__language_code="en")
        )
        self.stdout.write(f"{user.get_username()} is now recorded as {level}.")
