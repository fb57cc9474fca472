"""Backups of the database, for `manage.py backup` and `manage.py restore`.

SQLite: Python's `sqlite3` backup API copies the live database file in one step, under a read
lock, so the copy is one consistent moment; with the write-ahead log (used outside tests) the
site goes on writing meanwhile. The copy is switched to a rollback journal, so it is a single
self-contained file, and must pass `PRAGMA integrity_check`. A restore copies a backup into the
configured database file with the same API.

PostgreSQL: `pg_dump --format=custom` reads from a snapshot that a connection of ours exports
(`pg_export_snapshot()`), and the rows we report are counted in that same snapshot: the figures
describe exactly what is in the file. A restore is `pg_restore --clean --if-exists --no-owner
--single-transaction`: all of it or nothing. The client programs get their connection settings
from DATABASES through libpq's environment variables (the password in PGPASSWORD, never on a
command line) and never ask for a password.

On either engine, a restore that waits about a minute for tables another connection holds (a
site still running) is stopped, and changes nothing.

Every file is written under a temporary name in the target folder with mode 0600 (it holds
password hashes and learners' encrypted PDP records), synced, and renamed only when complete: a
backup that fails leaves no file that looks good, and an existing file is never overwritten.

Not in a backup: PDP_ENCRYPTION_KEYS, on purpose (a stolen backup reads as nothing without
them, and a backup without them is unreadable too: they must be kept separately), and, unless
`--media` asks for a media archive, the uploaded files.

This module imports only Django and the standard library, and backs up whatever tables there
are: no app needs to register anything.
"""

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone
from django.utils.connection import ConnectionDoesNotExist

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
ENGINE_NAMES = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}
SUFFIXES = {SQLITE: ".sqlite3", POSTGRESQL: ".pgdump"}
SQLITE_HEADER = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"  # pg_dump's custom format
GZIP_MAGIC = b"\x1f\x8b"
# How long SQLite waits for a writer to finish before giving up, in seconds.
SQLITE_TIMEOUT = 60
# Folders under MEDIA_ROOT built from the database and rebuilt when next asked for (the course
# packs of courses/packs.py), left out of the media archive.
REBUILDABLE_MEDIA = frozenset({"packs"})
# Django's PostgreSQL OPTIONS that libpq also reads from the environment.
LIBPQ_OPTIONS = {
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
}
# pg_restore waits this long for a table that another connection (a running site) holds, then
# is stopped instead of hanging; how often that is looked at.
LOCK_WAIT_SECONDS = 60
WATCH_SECONDS = 2
KEYS_REMINDER = (
    "PDP_ENCRYPTION_KEYS is not in the backup. Keep the keys safe and separately from the "
    "backups: without them, nothing learners wrote in their PDP can be read."
)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the operator."""


@dataclass
class Summary:
    """What a backup file holds, or what a restore put into the database."""

    path: Path
    size: int
    tables: dict[str, int]  # rows per table
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self):
        return sum(self.tables.values())


@dataclass
class MediaArchive:
    path: Path
    size: int
    files: int


def database(alias=DEFAULT_DB_ALIAS):
    """Django's connection for `alias` (the functions below take a connection)."""
    try:
        return connections[alias]
    except ConnectionDoesNotExist as exc:
        raise BackupError(f"There is no database {alias!r} in DATABASES.") from exc


def vendor(connection):
    """The engine, SQLite or PostgreSQL (as Django names them); any other is refused."""
    if connection.vendor not in ENGINE_NAMES:
        raise BackupError(
            f"Database {connection.alias!r} is {connection.vendor}: only SQLite and PostgreSQL "
            "are supported."
        )
    return connection.vendor


def describe(connection):
    """The database in words, without its password: `'default' (SQLite, /srv/db.sqlite3)`."""
    settings_dict = connection.settings_dict
    if vendor(connection) == SQLITE:
        where = str(settings_dict["NAME"])
    else:
        host = settings_dict.get("HOST") or "the local socket"
        port = settings_dict.get("PORT")
        where = f"{settings_dict.get('NAME')} on {host}" + (f":{port}" if port else "")
    return f"{connection.alias!r} ({ENGINE_NAMES[connection.vendor]}, {where})"


def default_path(connection):
    """A new file under backups/ in the project folder, named by the time: emilia-20261123-
    101500.sqlite3 (or .pgdump)."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    alias = connection.alias
    name = "emilia" if alias == DEFAULT_DB_ALIAS else f"emilia-{alias}"
    return Path(settings.BASE_DIR) / "backups" / f"{name}-{stamp}{SUFFIXES[vendor(connection)]}"


def backup(path=None, connection=None):
    """Back up the database (default: the default one) into a new file at `path` (default:
    `default_path()`, in a folder only its owner can open)."""
    connection = database() if connection is None else connection
    kind = vendor(connection)
    if path is None:
        path = default_path(connection)
        path.parent.mkdir(mode=0o700, exist_ok=True)
    path = Path(path)
    dump = _dump_sqlite if kind == SQLITE else _dump_postgresql
    with _explained(f"Backing up database {connection.alias!r} failed", connection):
        with _new_private_file(path) as temporary:
            tables = dump(connection, temporary)
        return Summary(path, path.stat().st_size, tables)


def backup_media(database_backup):
    """A tar.gz of MEDIA_ROOT (without rebuildable folders) beside a database backup:
    emilia-20261123-101500.sqlite3 gets emilia-20261123-101500-media.tar.gz."""
    database_backup = Path(database_backup)
    path = database_backup.with_name(f"{database_backup.stem}-media.tar.gz")
    media_root = Path(settings.MEDIA_ROOT)
    files = 0

    def count(member):
        nonlocal files
        files += member.isfile()
        return member

    with _explained("Archiving the media files failed"):
        with _new_private_file(path) as temporary, tarfile.open(temporary, "w:gz") as archive:
            if media_root.is_dir():
                for entry in sorted(media_root.iterdir()):
                    if entry.name not in REBUILDABLE_MEDIA:
                        archive.add(entry, arcname=entry.name, filter=count)
        return MediaArchive(path, path.stat().st_size, files)


def backup_format(path):
    """The engine a backup file is for, from its first bytes; any other file is refused."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError as exc:
        raise BackupError(f"There is no file {path}.") from exc
    except OSError as exc:
        raise BackupError(f"Cannot read {path}: {exc.strerror}.") from exc
    if head == SQLITE_HEADER:
        return SQLITE
    if head.startswith(PGDUMP_MAGIC):
        return POSTGRESQL
    if head.startswith(GZIP_MAGIC):
        raise BackupError(
            f"{path} is a gzip file, not a database backup. A media archive (made with --media) "
            "is restored by unpacking it into MEDIA_ROOT: tar -xzf FILE -C MEDIA_ROOT."
        )
    raise BackupError(
        f"{path} is not a backup made by `manage.py backup`: it is neither a SQLite database "
        "nor a pg_dump archive in the custom format."
    )


def check_backup(path, connection=None):
    """Refuse a file that cannot be restored into the database: missing, of the other
    engine's format, or damaged. Changes nothing."""
    connection = database() if connection is None else connection
    path = Path(path)
    kind = vendor(connection)
    found = backup_format(path)
    if found != kind:
        raise BackupError(
            f"{path} is a {ENGINE_NAMES[found]} backup, but database {connection.alias!r} is "
            f"{ENGINE_NAMES[kind]}. A backup can only be restored into the same kind of "
            "database (to move data between them, use dumpdata and loaddata)."
        )
    with _explained(f"Checking {path} failed", connection):
        if kind == SQLITE:
            source = _open_sqlite(path, read_only=True)
            try:
                _check_integrity(source, f"The backup {path} is damaged")
            finally:
                source.close()
        else:
            _archived_tables(path)
    return kind


def restore(path, connection=None, confirm=None):
    """Replace everything in the database (default: the default one) with the backup at
    `path`, and count what it then holds.

    `confirm(description)`, if given, is called once the file has been checked and before
    anything changes; unless it returns true, nothing is changed.
    """
    connection = database() if connection is None else connection
    path = Path(path)
    kind = check_backup(path, connection)
    if confirm is not None and not confirm(describe(connection)):
        raise BackupError("Restore cancelled: nothing was changed.")
    load = _restore_sqlite if kind == SQLITE else _restore_postgresql
    try:
        with _explained(f"Restoring into database {connection.alias!r} failed", connection):
            # Django's own connection must hold no locks and no old view of the database.
            connection.close()
            warnings = load(path, connection)
            counts = table_counts(connection)
    except BackupError as exc:
        if re.search(r"\block", str(exc)):  # waited for a lock ("database is locked")
            raise BackupError(
                f"{exc}\nIs the site still running? Stop it and its workers, then try again."
            ) from exc
        raise
    return Summary(path, path.stat().st_size, counts, warnings)


def table_counts(connection=None):
    """Rows per table of the database, counted the way a backup counts them."""
    connection = database() if connection is None else connection
    with connection.cursor() as cursor:
        if connection.vendor == SQLITE:
            tables = _sqlite_tables(cursor)
        else:
            tables = connection.introspection.table_names(cursor)
        return _count_rows(cursor, tables)


# Files


@contextlib.contextmanager
def _new_private_file(path):
    """A temporary file (mode 0600) beside `path`, renamed to `path` only when the block has
    finished without an error, and removed otherwise."""
    if path.is_dir():
        raise BackupError(f"{path} is a folder: give the name of the new file.")
    if path.exists():
        raise BackupError(f"{path} already exists: a backup never overwrites a file.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    descriptor, name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".partial"
    )
    os.close(descriptor)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o600)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself survives a crash
    finally:
        os.close(folder)


@contextlib.contextmanager
def _explained(what, connection=None):
    """Errors from the file system, SQLite or the database, as a BackupError with the reason
    (and never the database password)."""
    try:
        yield
    except (OSError, sqlite3.Error, DatabaseError, tarfile.TarError) as exc:
        reason = str(exc).strip() or type(exc).__name__
        raise BackupError(_redact(f"{what}: {reason}", connection)) from exc


def _redact(text, connection):
    password = connection.settings_dict.get("PASSWORD") if connection is not None else None
    return text.replace(str(password), "********") if password else text


# SQLite


def _sqlite_path(connection):
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name:
        raise BackupError(
            f"Database {connection.alias!r} is an in-memory SQLite database, not a file."
        )
    return Path(name)


def _open_sqlite(path, read_only=False):
    """A connection to an existing database file (never creates one)."""
    mode = "ro" if read_only else "rw"
    return sqlite3.connect(
        f"{Path(path).resolve().as_uri()}?mode={mode}", uri=True, timeout=SQLITE_TIMEOUT
    )


def _check_integrity(connection, what):
    problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise BackupError(f"{what}: SQLite's integrity check says {'; '.join(problems[:5])}")


def _sqlite_tables(cursor):
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 7) != 'sqlite_'"
    )
    return [row[0] for row in cursor.fetchall()]


def _copy_sqlite(source, target):
    """Copy the whole database in one step (pages=-1): under one read lock, one moment in
    time. Gives up after SQLITE_TIMEOUT seconds of waiting for a lock, where Python's
    `backup()` alone would retry for ever."""
    deadline = time.monotonic() + SQLITE_TIMEOUT

    def progress(status, remaining, total):
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise sqlite3.OperationalError("database is locked")

    source.backup(target, pages=-1, progress=progress)


def _dump_sqlite(connection, temporary):
    source_path = _sqlite_path(connection)
    if not source_path.is_file():
        raise BackupError(f"The database file {source_path} does not exist.")
    source = _open_sqlite(source_path)
    try:
        source.execute("PRAGMA query_only = ON")
        target = sqlite3.connect(temporary)
        try:
            _copy_sqlite(source, target)
            target.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
            _check_integrity(target, "The copy is not sound")
            return _count_rows(target.cursor(), _sqlite_tables(target.cursor()))
        finally:
            target.close()
    finally:
        source.close()


def _restore_sqlite(path, connection):
    target_path = _sqlite_path(connection)
    if target_path.exists() and target_path.resolve() == path.resolve():
        raise BackupError(f"{path} is the database {connection.alias!r} itself.")
    if not target_path.parent.is_dir():
        raise BackupError(f"The folder {target_path.parent} does not exist.")
    source = _open_sqlite(path, read_only=True)
    try:
        # Creates the database file if there is none yet (restoring onto a new server).
        target = sqlite3.connect(target_path, timeout=SQLITE_TIMEOUT)
        try:
            _copy_sqlite(source, target)
        finally:
            target.close()
    finally:
        source.close()
    return []


# PostgreSQL


def _dump_postgresql(connection, temporary):
    pg_dump = _client_program("pg_dump")
    with _exported_snapshot(connection) as (snapshot, counts):
        _run(
            [
                pg_dump,
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={temporary}",
                f"--dbname={_dbname(connection)}",
            ],
            connection,
        )
    missing = sorted(set(counts) - _archived_tables(temporary))
    if missing:
        raise BackupError(f"pg_dump left tables out of the archive: {', '.join(missing)}")
    return counts


@contextlib.contextmanager
def _exported_snapshot(connection):
    """(snapshot id, rows per table): a read-only transaction on a connection of our own, open
    until the block ends, whose snapshot pg_dump reads from."""
    own = connection.copy()
    try:
        own.set_autocommit(False)
        with own.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count_rows(cursor, own.introspection.table_names(cursor))
        yield snapshot, counts
    finally:
        own.close()


def _restore_postgresql(path, connection):
    archived = _archived_tables(path)
    application_name = f"emilia-restore-{os.getpid()}"
    _run(
        [
            _client_program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--no-password",
            f"--dbname={_dbname(connection)}",
            str(path),
        ],
        connection,
        application_name=application_name,
        watch=lambda: _check_lock_wait(connection, application_name),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # pg_restore leaves the planner without statistics
        extra = sorted(set(connection.introspection.table_names(cursor)) - archived)
    if extra:
        return [
            f"{len(extra)} table(s) not in the backup were left as they were (from a newer "
            f"version of the site?): {', '.join(extra)}"
        ]
    return []


def _check_lock_wait(connection, application_name):
    """Stop pg_restore if a statement of it has waited too long for a lock (pg_restore turns
    lock_timeout off, so the server never would)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MAX(EXTRACT(EPOCH FROM now() - query_start)) FROM pg_stat_activity "
            "WHERE application_name = %s AND wait_event_type = 'Lock'",
            [application_name],
        )
        waited = cursor.fetchone()[0]
    if waited is not None and waited > LOCK_WAIT_SECONDS:
        raise BackupError(
            f"pg_restore waited more than {LOCK_WAIT_SECONDS} s for a lock on tables that other "
            "connections are using, and was stopped: nothing was changed."
        )


def _archived_tables(path):
    """The names of the tables in a pg_dump archive (its table of contents, read by
    `pg_restore --list`, which also proves the file can be read)."""
    listing = _run([_client_program("pg_restore"), "--list", str(path)])
    tables = set()
    for line in listing.splitlines():
        # "215; 1259 16385 TABLE public auth_group postgres"
        words = line.split()
        if len(words) >= 6 and words[3] == "TABLE" and words[4] != "DATA":
            tables.add(words[5])  # (a comment line starts with ";" and is never 6 words)
    return tables


def _client_program(name):
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found. Install PostgreSQL's client programs (on Debian, the "
            "postgresql-client package), of the server's major version or newer."
        )
    return found


def _dbname(connection):
    """The database for a client program: its name, or (with none) the service's."""
    settings_dict = connection.settings_dict
    service = (settings_dict.get("OPTIONS") or {}).get("service")
    if settings_dict.get("NAME"):
        return settings_dict["NAME"]
    if service:
        return f"service={service}"  # libpq takes a connection string in place of a name
    raise BackupError(f"Database {connection.alias!r} has no NAME in DATABASES.")


def _libpq_environment(settings_dict):
    options = settings_dict.get("OPTIONS") or {}
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        **{variable: options.get(option) for option, variable in LIBPQ_OPTIONS.items()},
    }
    return {name: str(value) for name, value in values.items() if value not in (None, "")}


def _run(command, connection=None, application_name="emilia-backup", watch=None):
    """Run a PostgreSQL client program, connected (if given) to the database of `connection`,
    and return what it printed. `watch()` is called every few seconds while it runs; if it
    raises, the program is stopped."""
    environment = dict(os.environ, PGAPPNAME=application_name)
    if connection is not None:
        environment.update(_libpq_environment(connection.settings_dict))
    try:
        process = subprocess.Popen(  # noqa: S603 - a fixed program and arguments, no shell
            command,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            encoding="utf-8",
            errors="replace",
        )
    except OSError as exc:
        raise BackupError(f"Could not run {command[0]}: {exc.strerror}.") from exc
    with process:
        while True:
            try:
                output, errors = process.communicate(timeout=WATCH_SECONDS if watch else None)
                break
            except subprocess.TimeoutExpired:
                try:
                    watch()
                except BaseException:
                    process.terminate()
                    process.communicate()
                    raise
    if process.returncode != 0:
        message = errors.strip() or f"it ended with status {process.returncode}"
        raise BackupError(_redact(f"{Path(command[0]).name} failed: {message}", connection))
    return output


# Both


def _count_rows(cursor, tables):
    counts = {}
    for table in sorted(tables):
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608 - a quoted catalogue name
        counts[table] = cursor.fetchone()[0]
    return counts
