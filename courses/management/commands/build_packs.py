import time

from django.core.management.base import BaseCommand, CommandError

from courses import packs
from courses.models import ProgrammePage, SessionPage


class Command(BaseCommand):
    help = "Build every missing or out-of-date course pack, trainer pack and handouts PDF."

    def add_arguments(self, parser):
        parser.add_argument("--programme", type=int, help="Only this programme number.")
        parser.add_argument("--language", help="Only this language code, such as en.")
        parser.add_argument("--force", action="store_true", help="Rebuild even if stored.")

    def handle(self, *args, programme=None, language=None, force=False, **options):
        programmes = ProgrammePage.objects.live().order_by("number")
        if programme is not None:
            programmes = programmes.filter(number=programme)
        if language:
            programmes = programmes.filter(locale__language_code=language)
        jobs = []
        for page in programmes:
            if not page.sessions:
                continue  # a translation of the programme page alone: its packs are English
            jobs += [(page, variant) for variant in packs.variants_for(page)]
            for session in SessionPage.objects.child_of(page).live().order_by("number"):
                jobs.append((session, packs.Variant.HANDOUTS))
        if not programmes.exists():
            raise CommandError("No published programme matches.")
        built = 0
        started = time.monotonic()
        for done, (page, variant) in enumerate(jobs, start=1):
            if force or not packs.find_stored(page, variant):
                with packs.build_lock(page, variant):
                    if force or not packs.find_stored(page, variant):
                        packs.build(page, variant)
                        built += 1
            self._progress(done, len(jobs), f"{page.title} ({variant})")
        self.stdout.write("")
        self.stdout.write(
            f"{built} PDF(s) built, {len(jobs) - built} already up to date, "
            f"in {time.monotonic() - started:.1f} s."
        )

    def _progress(self, done, total, label):
        width = 30
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total} {label[:50]:<50}", ending="")
        self.stdout.flush()
