"""Re-encrypt every PDP text value with the newest key in `PDP_ENCRYPTION_KEYS`.

How it works, and why: the command reads the raw column values (the ciphertext) with a
database cursor, never through the models. Going through the models would decrypt every value
into model instances and then `save()` them, which runs `auto_now` (changing every record's
"updated" time), signals and any custom `save()`; and `--check` must look at the raw values
anyway, to tell which key each one is under. So for each value: if the newest key alone reads
it, it is current and left alone; otherwise `crypto.rotate` re-encrypts it with the newest key
(it reads with any configured key) and it is written back with

    UPDATE table SET column = <new> WHERE pk = <pk> AND column = <old>

so a value a learner changes meanwhile (which is saved under the newest key) is never
overwritten with an older text. Rows are read in primary-key order, a batch at a time, each batch
in its own transaction. Encrypted fields are found by introspection (every `EncryptedTextField`
on every model of the app), so new fields are covered without a change here.

Rotating keys: put the new key first in PDP_ENCRYPTION_KEYS, keeping the old ones after it;
deploy; run this command; run it with `--check` (it should report 0); then remove the old keys.
"""

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, router, transaction

from learning_profile import crypto
from learning_profile.fields import EncryptedTextField

CURRENT, OLD, UNREADABLE = "current", "old", "unreadable"


def encrypted_models():
    """(model, [encrypted fields]) for every model of the app that has any."""
    for model in apps.get_app_config("learning_profile").get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [
            field
            for field in model._meta.local_concrete_fields
            if isinstance(field, EncryptedTextField)
        ]
        if fields:
            yield model, fields


class Command(BaseCommand):
    help = (
        "Re-encrypt every PDP text value with the newest key in PDP_ENCRYPTION_KEYS. "
        "With --check, only count the values that are not under the newest key."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Count the values not under the newest key; change nothing.",
        )
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Rows read and written per transaction."
        )

    def handle(self, *args, check=False, batch_size=500, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        try:
            crypto.fernet()
        except crypto.PDPKeyError as exc:
            raise CommandError(str(exc)) from exc
        self.newest = Fernet(settings.PDP_ENCRYPTION_KEYS[0].encode("ascii"))
        totals = {CURRENT: 0, OLD: 0, UNREADABLE: 0, "rotated": 0}
        for model, fields in encrypted_models():
            counts = self.process(model, fields, check=check, batch_size=batch_size)
            for name, count in counts.items():
                totals[name] += count
            self.report(model, counts, check)
        if check:
            self.stdout.write(
                f"In all: {totals[OLD] + totals[UNREADABLE]} of "
                f"{sum(totals[name] for name in (CURRENT, OLD, UNREADABLE))} values "
                "are not under the newest key."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"In all: {totals['rotated']} values re-encrypted.")
            )
        if totals[UNREADABLE]:
            raise CommandError(
                f"{totals[UNREADABLE]} values cannot be decrypted with any configured key and "
                "were left as they are. Is an old key missing from PDP_ENCRYPTION_KEYS?"
            )

    def state(self, value):
        if not value.startswith(crypto.PREFIX):
            return UNREADABLE
        try:
            self.newest.decrypt(value[len(crypto.PREFIX) :].encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            return OLD
        return CURRENT

    def process(self, model, fields, *, check, batch_size):
        alias = router.db_for_write(model)
        connection = connections[alias]
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        pk = quote(model._meta.pk.column)
        columns = [quote(field.column) for field in fields]
        # Identifiers come from the models and are quoted; every value is a parameter.
        select = f"SELECT {pk}, {', '.join(columns)} FROM {table}"  # noqa: S608
        counts = {CURRENT: 0, OLD: 0, UNREADABLE: 0, "rotated": 0}
        last_pk = None
        while True:
            with transaction.atomic(using=alias), connection.cursor() as cursor:
                if last_pk is None:
                    cursor.execute(f"{select} ORDER BY {pk} LIMIT %s", [batch_size])
                else:
                    cursor.execute(
                        f"{select} WHERE {pk} > %s ORDER BY {pk} LIMIT %s", [last_pk, batch_size]
                    )
                rows = cursor.fetchall()
                if not rows:
                    return counts
                for row_pk, *values in rows:
                    for field, column, value in zip(fields, columns, values, strict=True):
                        if not value:
                            continue
                        state = self.state(value)
                        if state == OLD:
                            try:
                                rotated = crypto.rotate(value)
                            except crypto.PDPKeyError:
                                state = UNREADABLE
                        counts[state] += 1
                        if state == UNREADABLE:
                            self.stderr.write(
                                f"Cannot decrypt {model._meta.label}.{field.name} of row {row_pk}."
                            )
                        elif state == OLD and not check:
                            cursor.execute(
                                f"UPDATE {table} SET {column} = %s "  # noqa: S608
                                f"WHERE {pk} = %s AND {column} = %s",
                                [rotated, row_pk, value],
                            )
                            counts["rotated"] += cursor.rowcount
                last_pk = rows[-1][0]

    def report(self, model, counts, check):
        total = counts[CURRENT] + counts[OLD] + counts[UNREADABLE]
        label = model._meta.label
        if check:
            line = (
                f"{label}: {counts[OLD] + counts[UNREADABLE]} of {total} values "
                "not under the newest key"
            )
        else:
            line = (
                f"{label}: {counts['rotated']} values re-encrypted, "
                f"{counts[CURRENT]} already under the newest key"
            )
        if counts[UNREADABLE]:
            line += f" ({counts[UNREADABLE]} cannot be decrypted)"
        self.stdout.write(line + ".")
