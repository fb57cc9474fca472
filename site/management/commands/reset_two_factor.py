from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user


class Command(BaseCommand):
    help = (
        "Reset someone's two-step sign-in for the admin, when they have lost their phone and "
        "their recovery codes. Their authenticator app and recovery codes stop working and they "
        "are signed out everywhere; the next time they sign in and open the admin, they set up "
        "an app again."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"Nobody has the username {username!r}.")
        with transaction.atomic():
            devices = list(devices_for_user(user, confirmed=None))
            for device in devices:
                device.delete()
            ended = self.end_sessions(user)
        self.stdout.write(
            f"Two-step sign-in for {user.get_username()} is reset ({len(devices)} device(s) "
            f"removed, {ended} session(s) ended). They set up an authenticator app again the "
            "next time they sign in and open the admin."
        )

    @staticmethod
    def end_sessions(user):
        """So that only someone who knows the password can set up the new app."""
        ended = 0
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
            if session.get_decoded().get(SESSION_KEY) == str(user.pk):
                session.delete()
                ended += 1
        return ended
