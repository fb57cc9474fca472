"""`manage.py backup`: a consistent copy of the database, made while the site runs.

How it is made is in emilia/backup.py; the README's "Backups" says what to keep where.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.template.defaultfilters import filesizeformat

from emilia import backup


class Command(BaseCommand):
    help = (
        "Back up the database into a new file readable only by its owner (SQLite: a copy made "
        "with SQLite's backup API; PostgreSQL: pg_dump's custom format). The PDP encryption "
        "keys are not in it: keep them separately."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="The new file (default: backups/emilia-YYYYMMDD-HHMMSS.sqlite3 or .pgdump in "
            "the project folder). An existing file is never overwritten.",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help='The database to back up ("default").'
        )
        parser.add_argument(
            "--media",
            action="store_true",
            help="Also archive the uploaded files (MEDIA_ROOT without the rebuildable packs/) "
            "into a .tar.gz beside the backup.",
        )

    def handle(self, *args, path=None, database=DEFAULT_DB_ALIAS, media=False, **options):
        verbosity = options["verbosity"]
        try:
            connection = backup.database(database)
            summary = backup.backup(path, connection)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Backed up database {backup.describe(connection)} to {summary.path}"
                )
            )
            self.stdout.write(
                f"{filesizeformat(summary.size)}, {len(summary.tables)} tables, "
                f"{summary.rows:,} rows."
            )
        if verbosity >= 2:
            for table, rows in summary.tables.items():
                self.stdout.write(f"  {table}: {rows:,}")
        if media:
            try:
                archive = backup.backup_media(summary.path)
            except backup.BackupError as exc:
                raise CommandError(f"{exc} (the database backup is complete).") from exc
            if verbosity:
                self.stdout.write(
                    f"Media files: {archive.path} ({filesizeformat(archive.size)}, "
                    f"{archive.files:,} files; packs/ is left out and rebuilt when next asked "
                    "for)."
                )
        if verbosity:
            self.stdout.write(self.style.WARNING(backup.KEYS_REMINDER))
