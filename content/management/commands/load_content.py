from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from content.importer import Importer
from content.source import PROGRAMMES_DIR
from emilia import search_index


class Command(BaseCommand):
    help = (
        "Create or update the programme pages from content/programmes (safe to run again: "
        "pages are matched on their key and unchanged pages are left alone)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            default=str(PROGRAMMES_DIR),
            help="Folder holding one folder per programme.",
        )
        parser.add_argument("--language", default="en")
        parser.add_argument(
            "--skip-index", action="store_true", help="Do not rebuild the search index at the end."
        )

    def handle(self, *args, source, language, skip_index, **options):
        report = Importer(source=source, language=language).run()
        self.stdout.write(
            f"{len(report.created)} page(s) created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.unpublished)} unpublished."
        )
        for line in report.created + report.updated:
            self.stdout.write(f"  {line}", self.style.SUCCESS)
        for line in report.unpublished:
            self.stdout.write(f"  unpublished: {line}", self.style.WARNING)
        if not skip_index:
            call_command("update_index", verbosity=0)  # Wagtail's, for the admin's search
            search_index.rebuild()  # the public search, in every language
            self.stdout.write("Search index updated.")
        if report.errors:
            for error in report.errors:
                self.stderr.write(f"  {error}")
            raise CommandError(
                f"{len(report.errors)} problem(s) in the content files: the programmes named "
                "above were not imported. Fix them and run the command again."
            )
