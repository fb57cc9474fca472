"""`manage.py restore PATH`: replace the database with a backup made by `manage.py backup`.

How it is done is in emilia/backup.py. Stop the site and its workers first: a restore replaces
every table, and a running site would go on with what it had read before.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from emilia import backup
from emilia.middleware import forget_cached_pages


class Command(BaseCommand):
    help = (
        "Replace the database with a backup made by `manage.py backup` (the same engine only). "
        "Stop the site first. Asks before changing anything unless --yes is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file (.sqlite3 or .pgdump).")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help='The database to replace ("default").'
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace the database without asking (needed when not run from a terminal).",
        )

    def handle(self, *args, path, database=DEFAULT_DB_ALIAS, yes=False, **options):
        def confirm(target):
            if yes:
                return True
            if sys.stdin is None or not sys.stdin.isatty():
                raise CommandError(
                    f"Restoring replaces everything in database {target}. "
                    "Run again with --yes to confirm."
                )
            answer = input(
                f"This replaces everything in database {target} with the backup {path}.\n"
                "Stop the site first. Type 'yes' to continue: "
            )
            return answer.strip().lower() == "yes"

        try:
            connection = backup.database(database)
            summary = backup.restore(path, connection, confirm=confirm)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        forget_cached_pages()  # pages kept in a shared cache (Redis) showed the replaced data
        for warning in summary.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if not options["verbosity"]:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {summary.path} into database {backup.describe(connection)}: "
                f"{len(summary.tables)} tables, {summary.rows:,} rows."
            )
        )
        if options["verbosity"] >= 2:
            for table, rows in summary.tables.items():
                self.stdout.write(f"  {table}: {rows:,}")
        self.stdout.write(
            self.style.WARNING(
                f"{backup.KEYS_REMINDER} PDP text was restored as it was stored, encrypted: it "
                "reads only with the keys that were in use when the backup was made."
            )
        )
        if database == DEFAULT_DB_ALIAS:
            self.stdout.write(
                "To check that the configured keys read every value: "
                "manage.py rotate_pdp_keys --check"
            )
        self.stdout.write(
            "Uploaded files are not in a database backup: unpack a media archive (backup "
            "--media) with tar -xzf FILE -C MEDIA_ROOT. Then start the site again."
        )
