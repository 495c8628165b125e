"""Backing up and restoring the whole database: SQLite through its backup API, PostgreSQL
through pg_dump and pg_restore.

A backup holds everything Petal knows, so the file is created readable by its owner only
(mode 0600) and never overwrites an existing file. A restore replaces everything and is
followed by a check of the audit chain.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from petal.core.errors import PetalError

FILE_MODE = 0o600
PG_DIRS_GLOB = "/usr/lib/postgresql/*/bin"


class BackupError(PetalError):
    """A backup or restore that could not be done; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int


def backup_default_name(vendor: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if vendor == "sqlite" else "pgdump"
    return f"petal-backup-{stamp}.{suffix}"


def backup_target_path(path: str | os.PathLike | None, *, vendor: str) -> Path:
    """Where a backup goes: the given file, a default name in the given folder, or a default
    name in PETAL_BACKUP_DIR (or the current folder)."""
    if path:
        target = Path(path).expanduser()
        if target.is_dir():
            target = target / backup_default_name(vendor)
    else:
        folder = settings.PETAL_BACKUP_DIR or "."
        target = Path(folder).expanduser() / backup_default_name(vendor)
    if target.exists():
        raise BackupError(f"{target} already exists; a backup never overwrites a file.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    return target


def _create_private_file(path: Path) -> int:
    """Create an empty file readable by its owner only; fail if it exists. Returns the fd."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError as exc:
        raise BackupError(f"{path} already exists; a backup never overwrites a file.") from exc
    except OSError as exc:
        raise BackupError(f"Could not create {path}: {exc.strerror}.") from exc
    os.fchmod(fd, FILE_MODE)  # whatever the umask
    return fd


def backup_create(*, path: str | os.PathLike | None = None) -> BackupResult:
    """Write a consistent copy of the live database to a new private file."""
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backup does not support the {vendor} database.")
    target = backup_target_path(path, vendor=vendor)
    if connection.in_atomic_block:
        # SQLite's backup would wait for ever on the write lock this transaction holds, and
        # pg_dump would not see what it has not committed.
        raise BackupError("A backup cannot run inside a database transaction.")
    fd = _create_private_file(target)
    try:
        if vendor == "sqlite":
            os.close(fd)
            fd = None
            _sqlite_backup(target)
        else:
            _pg_dump(target, fd)
    except BaseException:
        if fd is not None:
            os.close(fd)
            fd = None
        target.unlink(missing_ok=True)
        raise
    finally:
        if fd is not None:
            os.close(fd)
    os.chmod(target, FILE_MODE)
    return BackupResult(path=target, size=target.stat().st_size)


def backup_restore(*, path: str | os.PathLike) -> None:
    """Replace everything in the live database with the backup at ``path``."""
    source = Path(path).expanduser()
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a database transaction.")
    if connection.vendor == "sqlite":
        _sqlite_restore(source)
    elif connection.vendor == "postgresql":
        _pg_restore(source)
    else:
        raise BackupError(f"Restore does not support the {connection.vendor} database.")


# SQLite -------------------------------------------------------------------------------------


def _sqlite_backup(target: Path) -> None:
    connection.ensure_connection()
    try:
        with sqlite3.connect(target) as dest:
            connection.connection.backup(dest)
            # One self-contained file, whatever journal mode the live database uses.
            dest.execute("PRAGMA journal_mode=DELETE")
        dest.close()
    except sqlite3.Error as exc:
        raise BackupError(f"The SQLite backup failed: {exc}") from exc


def _sqlite_restore(source: Path) -> None:
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"Could not open {source}: {exc}") from exc
    try:
        try:
            (result,) = src.execute("PRAGMA quick_check").fetchone()
            has_migrations = src.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='django_migrations'"
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} is not a SQLite backup: {exc}") from exc
        if result != "ok":
            raise BackupError(f"{source} is damaged: {result}")
        if not has_migrations:
            raise BackupError(f"{source} is not a Petal database backup.")
        connection.ensure_connection()
        try:
            src.backup(connection.connection)
        except sqlite3.Error as exc:
            raise BackupError(f"The SQLite restore failed: {exc}") from exc
    finally:
        src.close()


# PostgreSQL ---------------------------------------------------------------------------------


def pg_binary(name: str) -> str:
    """The full path of a PostgreSQL client tool: on PATH, else the newest installed one."""
    found = shutil.which(name)
    if found:
        return found

    def version(folder: str) -> tuple[int, ...]:
        part = Path(folder).parent.name
        return tuple(int(p) for p in part.split(".") if p.isdigit())

    for folder in sorted(glob.glob(PG_DIRS_GLOB), key=version, reverse=True):
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(
        f"{name} was not found on PATH or in /usr/lib/postgresql/*/bin; "
        "install the PostgreSQL client tools."
    )


def pg_environment() -> dict[str, str]:
    """The connection settings as libpq environment variables (the password never goes on
    the command line, where other users could see it)."""
    settings = connection.settings_dict
    env = dict(os.environ)
    mapping = {
        "PGDATABASE": settings.get("NAME"),
        "PGUSER": settings.get("USER"),
        "PGPASSWORD": settings.get("PASSWORD"),
        "PGHOST": settings.get("HOST"),
        "PGPORT": settings.get("PORT"),
    }
    options = settings.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ):
        mapping[variable] = options.get(option)
    for variable, value in mapping.items():
        if value not in (None, ""):
            env[variable] = str(value)
    return env


def _run(command: list[str], *, stdout=None) -> None:
    try:
        completed = subprocess.run(  # noqa: S603 - fixed tool, no shell
            command,
            env=pg_environment(),
            stdout=stdout if stdout is not None else subprocess.PIPE,
            stderr=subprocess.PIPE,
            check=False,
        )
    except OSError as exc:
        raise BackupError(f"Could not run {command[0]}: {exc.strerror}.") from exc
    if completed.returncode != 0:
        tool = Path(command[0]).name
        detail = completed.stderr.decode(errors="replace").strip()
        raise BackupError(f"{tool} failed (exit {completed.returncode}): {detail}")


def _pg_dump(target: Path, fd: int) -> None:
    # Row-level security is forced on the tables with a person's information: pg_dump refuses
    # them unless told to apply it, and with no reader set the policies let every row through.
    _run(
        [pg_binary("pg_dump"), "--format=custom", "--no-password", "--enable-row-security"],
        stdout=fd,
    )


def _pg_restore(source: Path) -> None:
    command = [
        pg_binary("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        "--dbname",
        connection.settings_dict["NAME"],
        str(source),
    ]
    # Nothing of ours may hold a lock on the tables pg_restore drops and recreates.
    connection.close()
    _run(command)
