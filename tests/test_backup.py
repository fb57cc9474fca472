"""`manage.py backup` and `manage.py restore` (emilia/backup.py), on the engine the suite runs on.

A backup is restored into an empty database of its own (a new SQLite file, or a PostgreSQL
database created for the test and dropped after it), reached through a Django connection made
for the test outside DATABASES. The command is also run end to end over the test database,
which it leaves as the backup had it.
"""

import contextlib
import copy
import errno
import io
import re
import sqlite3
import stat
import sys
import tarfile
import threading
import uuid

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.utils import load_backend

from emilia import backup
from learning_profile import crypto
from learning_profile.fields import EncryptedTextField
from learning_profile.models import Goal, Reflection
from tests.pdp_helpers import fill_profile, make_user

ON_POSTGRESQL = django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
MARKER = "Quokka-marker"
ENCRYPTED_COLUMNS = [
    (model._meta.db_table, field.column)
    for model in apps.get_app_config("learning_profile").get_models()
    for field in model._meta.local_concrete_fields
    if isinstance(field, EncryptedTextField)
]


def other_database(alias, **changes):
    """A Django connection with the default database's settings and `changes`, not in
    DATABASES: Django lets a test open it, and the test database is never touched by it."""
    settings_dict = copy.deepcopy(connections["default"].settings_dict)
    settings_dict.update(changes)
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)


def postgres_connect(dbname, **options):
    """A psycopg connection to database `dbname` on the server of the default database."""
    import psycopg

    source = connections["default"].settings_dict
    params = {
        "dbname": dbname,
        "host": source.get("HOST"),
        "port": source.get("PORT"),
        "user": source.get("USER"),
        "password": source.get("PASSWORD"),
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v}, **options)


def postgres_admin(sql):
    """Run `sql` (CREATE or DROP DATABASE) on the server of the default database."""
    with postgres_connect("postgres", autocommit=True) as admin:
        admin.execute(sql)


@pytest.fixture
def empty_database(tmp_path):
    """An empty database of the default's engine: a new SQLite file, or a new PostgreSQL
    database, dropped afterwards."""
    if not ON_POSTGRESQL:
        target = other_database("restore_target", NAME=str(tmp_path / "restored.sqlite3"))
        yield target
        target.close()
        return
    name = f"emilia_restore_{uuid.uuid4().hex[:16]}"
    postgres_admin(f'CREATE DATABASE "{name}"')
    target = other_database("restore_target", NAME=name)
    try:
        yield target
    finally:
        target.close()
        postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def raw_encrypted_values(connection):
    """Every non-empty encrypted PDP value in the database, as stored (no decryption)."""
    values = []
    with connection.cursor() as cursor:
        for table, column in ENCRYPTED_COLUMNS:
            cursor.execute(f'SELECT "{column}" FROM "{table}"')  # noqa: S608
            values += [value for (value,) in cursor.fetchall() if value]
    return values


def raw_value(connection, model, column, pk=None):
    """One column of `model`'s only row (or of row `pk`), as stored."""
    table = model._meta.db_table
    where = "" if pk is None else f' WHERE "{model._meta.pk.column}" = {int(pk)}'
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}"{where}')  # noqa: S608
        (value,) = cursor.fetchone()
    return value


def run(command, *args, **options):
    out = io.StringIO()
    call_command(command, *args, stdout=out, **options)
    return out.getvalue()


# Back up, restore, compare ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_has_every_row_and_readable_pdp_text(
    transactional_content, empty_database, tmp_path, settings
):
    """The restored database has the same rows in every table; PDP text in it is ciphertext
    that the project's keys decrypt to what the learner wrote, and that no other key reads."""
    from courses.models import ProgrammePage

    learner = make_user("backed-up-learner", email="learner@example.org")
    make_user("another-learner")
    fill_profile(learner, MARKER)
    programme = ProgrammePage.objects.get(content_key="finding-hope")
    programme.summary = "Published just before the backup."
    programme.save_revision().publish()
    path = tmp_path / "site-backup"

    output = run("backup", str(path))

    source_counts = backup.table_counts()
    assert source_counts[Goal._meta.db_table] == 1
    assert source_counts["auth_user"] == 2
    assert str(path) in output
    assert f"{len(source_counts)} tables, {sum(source_counts.values()):,} rows." in output
    assert "PDP_ENCRYPTION_KEYS is not in the backup" in output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert MARKER.encode() not in path.read_bytes()

    summary = backup.restore(path, empty_database)

    assert backup.table_counts(empty_database) == source_counts == summary.tables
    stored = raw_encrypted_values(empty_database)
    assert len(stored) == len(raw_encrypted_values(connections["default"])) >= 20
    assert all(value.startswith(crypto.PREFIX) and MARKER not in value for value in stored)
    assert all(crypto.decrypt(value).startswith(MARKER) for value in stored)
    goal_title = raw_value(empty_database, Goal, "title")
    assert crypto.decrypt(goal_title) == f"{MARKER} goal"
    reflection = raw_value(empty_database, Reflection, "text")
    assert crypto.decrypt(reflection) == f"{MARKER} reflection"
    summary_column = ProgrammePage._meta.get_field("summary").column
    assert (
        raw_value(empty_database, ProgrammePage, summary_column, pk=programme.pk)
        == "Published just before the backup."
    )
    # Without the keys, the backup reads as nothing.
    settings.PDP_ENCRYPTION_KEYS = [crypto.generate_key()]
    with pytest.raises(crypto.PDPKeyError):
        crypto.decrypt(goal_title)


@pytest.mark.django_db(transaction=True)
def test_restore_puts_the_configured_database_back_as_the_backup_had_it(
    transactional_content, tmp_path
):
    """`manage.py restore --yes` over the site's database: what was deleted after the backup
    is back (and decrypts), what was added after it is gone, every table has the backup's
    rows, and the output says so and that the keys are not in the backup."""
    learner = make_user("first-learner")
    fill_profile(learner, MARKER)
    path = tmp_path / "nightly"
    run("backup", str(path))
    counts_at_backup = backup.table_counts()

    Goal.objects.filter(owner=learner).delete()
    make_user("made-after-the-backup")
    assert backup.table_counts() != counts_at_backup

    output = run("restore", str(path), yes=True)

    assert backup.table_counts() == counts_at_backup
    assert Goal.objects.get(owner=learner).title == f"{MARKER} goal"
    assert not get_user_model().objects.filter(username="made-after-the-backup").exists()
    assert (
        f"Restored {path} into database 'default' ({'PostgreSQL' if ON_POSTGRESQL else 'SQLite'}"
        in output
    )
    assert f"{len(counts_at_backup)} tables, {sum(counts_at_backup.values()):,} rows." in output
    assert "PDP_ENCRYPTION_KEYS is not in the backup" in output


def test_sqlite_backups_are_consistent_while_the_site_writes(tmp_path):
    """Backups of a SQLite database in WAL mode, taken while another connection keeps
    committing two rows at a time, each hold whole transactions only, pass the integrity check
    and are single files in rollback-journal mode."""
    live = tmp_path / "live.sqlite3"
    writer = sqlite3.connect(live, check_same_thread=False)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("CREATE TABLE pairs (n INTEGER)")
    writer.commit()
    committed, stop = threading.Event(), threading.Event()

    def write():
        while not stop.is_set():
            with writer:
                writer.executemany("INSERT INTO pairs VALUES (?)", [(1,), (2,)])
            committed.set()

    thread = threading.Thread(target=write)
    thread.start()
    source = other_database(
        "wal_source", ENGINE="django.db.backends.sqlite3", NAME=str(live), OPTIONS={}
    )
    summaries = []
    try:
        for number in range(3):
            assert committed.wait(timeout=30)
            summaries.append(backup.backup(tmp_path / f"copy-{number}.sqlite3", source))
            committed.clear()  # the next backup waits for a commit made after this one
    finally:
        stop.set()
        thread.join()
        writer.close()
    counts = [summary.tables["pairs"] for summary in summaries]
    assert all(count % 2 == 0 for count in counts)
    assert 0 < counts[0] < counts[1] < counts[2]
    for summary in summaries:
        with contextlib.closing(sqlite3.connect(summary.path)) as copy_of_live:
            rows = copy_of_live.execute("SELECT COUNT(*) FROM pairs").fetchone()[0]
            assert rows == summary.tables["pairs"]
            assert copy_of_live.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith("copy-")) == [
        "copy-0.sqlite3",
        "copy-1.sqlite3",
        "copy-2.sqlite3",
    ]


def test_a_restore_blocked_by_a_running_site_stops_and_changes_nothing(
    db, empty_database, tmp_path, monkeypatch
):
    """While another connection (a request of a site still running) holds a table, a restore
    waits a while, then stops with a message that says why, and the database is unchanged."""
    path = tmp_path / "nightly"
    run("backup", str(path))
    backup.restore(path, empty_database)
    before = backup.table_counts(empty_database)
    monkeypatch.setattr(backup, "LOCK_WAIT_SECONDS", 1)
    monkeypatch.setattr(backup, "WATCH_SECONDS", 0.5)
    monkeypatch.setattr(backup, "SQLITE_TIMEOUT", 0.5)
    name = empty_database.settings_dict["NAME"]
    if ON_POSTGRESQL:
        site = postgres_connect(name)
        site.execute("SELECT COUNT(*) FROM auth_user")  # a transaction left open
    else:
        site = sqlite3.connect(name)
        site.execute("BEGIN IMMEDIATE")  # a write in progress
    try:
        with pytest.raises(backup.BackupError, match="Is the site still running"):
            backup.restore(path, empty_database)
    finally:
        site.close()
    empty_database.close()
    assert backup.table_counts(empty_database) == before


# Files ---------------------------------------------------------------------------------------


def test_a_backup_is_private_named_by_the_time_and_never_overwrites(db, settings, tmp_path):
    """Without a path, the backup goes to backups/ in the project folder, named by the time,
    readable by its owner only; an existing file is refused and left as it was."""
    settings.BASE_DIR = tmp_path

    output = run("backup")

    folder = tmp_path / "backups"
    (path,) = folder.iterdir()
    suffix = r"\.pgdump" if ON_POSTGRESQL else r"\.sqlite3"
    assert re.fullmatch(rf"emilia-\d{{8}}-\d{{6}}{suffix}", path.name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert f"to {path}\n" in output
    before = path.read_bytes()
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(path), stdout=io.StringIO())
    assert path.read_bytes() == before
    assert list(folder.iterdir()) == [path]


def test_a_backup_that_fails_midway_leaves_no_file(db, tmp_path, monkeypatch):
    """A disk that fills up during the backup: a clear error, and nothing left in the folder
    (no file that looks like a backup, no partial file)."""

    def disk_fills_up(connection, temporary):
        temporary.write_bytes(b"SQLite format 3\x00 half a database")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup, f"_dump_{connections['default'].vendor}", disk_fills_up)
    folder = tmp_path / "backups"
    folder.mkdir()

    with pytest.raises(CommandError, match="No space left on device"):
        call_command("backup", str(folder / "nightly"), stdout=io.StringIO())
    assert list(folder.iterdir()) == []


def test_a_backup_into_a_missing_folder_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match=r"The folder .*missing does not exist"):
        call_command("backup", str(tmp_path / "missing" / "nightly"), stdout=io.StringIO())


def test_the_media_archive_holds_uploads_but_not_the_rebuildable_packs(db, media_root, tmp_path):
    """--media writes a private tar.gz of MEDIA_ROOT beside the backup, without packs/."""
    (media_root / "original_images").mkdir(parents=True)
    (media_root / "original_images" / "photo.jpg").write_bytes(b"\xff\xd8 a photo")
    (media_root / "documents").mkdir()
    (media_root / "documents" / "handbook.pdf").write_bytes(b"%PDF-1.7 a handbook")
    (media_root / "packs" / "12").mkdir(parents=True)
    (media_root / "packs" / "12" / "en-course.pdf").write_bytes(b"%PDF-1.7 a pack")

    output = run("backup", str(tmp_path / "nightly.backup"), media=True)

    archive_path = tmp_path / "nightly-media.tar.gz"
    assert f"Media files: {archive_path} (" in output and "2 files" in output
    assert stat.S_IMODE(archive_path.stat().st_mode) == 0o600
    with tarfile.open(archive_path) as archive:
        files = {
            member.name: archive.extractfile(member).read()
            for member in archive
            if member.isfile()
        }
    assert files == {
        "original_images/photo.jpg": b"\xff\xd8 a photo",
        "documents/handbook.pdf": b"%PDF-1.7 a handbook",
    }


# What restore refuses --------------------------------------------------------------------------


def test_restore_asks_before_replacing_anything(db, tmp_path, monkeypatch):
    """Without --yes, restore refuses when nobody can answer, and asks at a terminal; any
    answer but "yes" changes nothing."""
    path = tmp_path / "nightly"
    run("backup", str(path))
    make_user("made-after-the-backup")

    with pytest.raises(CommandError, match="Run again with --yes to confirm"):
        call_command("restore", str(path), stdout=io.StringIO())

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    questions = []
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or "no")
    with pytest.raises(CommandError, match="Restore cancelled: nothing was changed"):
        call_command("restore", str(path), stdout=io.StringIO())
    assert "This replaces everything in database 'default'" in questions[0]
    assert get_user_model().objects.filter(username="made-after-the-backup").exists()


def a_backup_of_the_other_engine(path):
    if ON_POSTGRESQL:
        sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    else:
        path.write_bytes(backup.PGDUMP_MAGIC + b"\x01\x0f\x00" + bytes(200))


def a_plain_sql_dump(path):
    path.write_text("-- PostgreSQL database dump\nCREATE TABLE x ();\n")


def a_media_archive(path):
    tarfile.open(path, "w:gz").close()


def no_file(path):
    pass


def a_damaged_backup(path):
    magic = backup.PGDUMP_MAGIC if ON_POSTGRESQL else backup.SQLITE_HEADER
    path.write_bytes(magic + b"\x00garbage" * 64)


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (
            a_backup_of_the_other_engine,
            "is a SQLite backup, but database 'default' is PostgreSQL"
            if ON_POSTGRESQL
            else "is a PostgreSQL backup, but database 'default' is SQLite",
        ),
        (a_plain_sql_dump, "is not a backup made by `manage.py backup`"),
        (a_media_archive, "is a gzip file, not a database backup"),
        (no_file, "There is no file"),
        (a_damaged_backup, "pg_restore failed" if ON_POSTGRESQL else "file is not a database"),
    ],
)
def test_restore_refuses_a_file_it_cannot_restore(db, tmp_path, make_file, message):
    """Even with --yes, a file that is missing, damaged or of the wrong kind is refused with
    a message that says why, before anything changes."""
    make_user("still-here")
    path = tmp_path / "not-a-good-backup"
    make_file(path)
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("restore", str(path), yes=True, stdout=io.StringIO())
    assert get_user_model().objects.filter(username="still-here").exists()


# PostgreSQL's client programs -------------------------------------------------------------------


@pytest.mark.skipif(not ON_POSTGRESQL, reason="pg_dump runs only for PostgreSQL")
def test_pg_dump_gets_the_password_in_its_environment_and_its_errors_are_shown(
    db, tmp_path, monkeypatch
):
    """The password reaches pg_dump in PGPASSWORD, never on its command line; when pg_dump
    fails, its message is shown (without the password) and no file is left."""
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    fake = bin_folder / "pg_dump"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$@" > {tmp_path}/arguments\n'
        f'echo "$PGPASSWORD" > {tmp_path}/password\n'
        'for arg; do case "$arg" in --file=*) printf PGDMP > "${arg#--file=}";; esac; done\n'
        'echo "pg_dump: error: connection lost (password was $PGPASSWORD)" >&2\n'
        "exit 1\n"
    )
    fake.chmod(0o700)
    monkeypatch.setenv("PATH", f"{bin_folder}:/usr/bin:/bin")
    folder = tmp_path / "backups"
    folder.mkdir()
    source = other_database("with_password", PASSWORD="s3cret-Pa55word")
    with pytest.raises(backup.BackupError) as failure:
        backup.backup(folder / "nightly", source)
    source.close()
    assert "pg_dump failed: pg_dump: error: connection lost (password was ********)" in str(
        failure.value
    )
    assert "s3cret" not in str(failure.value)
    assert "s3cret" not in (tmp_path / "arguments").read_text()
    assert "--format=custom" in (tmp_path / "arguments").read_text()
    assert (tmp_path / "password").read_text().strip() == "s3cret-Pa55word"
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(not ON_POSTGRESQL, reason="pg_dump runs only for PostgreSQL")
def test_without_pg_dump_the_backup_says_what_to_install(db, tmp_path, monkeypatch):
    folder = tmp_path / "backups"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    with pytest.raises(CommandError, match="pg_dump was not found.*postgresql-client"):
        call_command("backup", str(folder / "nightly"), stdout=io.StringIO())
    assert list(folder.iterdir()) == []


def test_a_database_that_is_not_configured_is_refused(tmp_path):
    for command in ("backup", "restore"):
        with pytest.raises(CommandError, match="There is no database 'elsewhere' in DATABASES"):
            call_command(command, str(tmp_path / "nightly"), database="elsewhere")
