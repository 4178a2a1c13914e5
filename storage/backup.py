"""Backups. SQLite: an online, consistent copy through SQLite's backup API (safe while
the bot runs). PostgreSQL: use the server's own tools; we say how rather than
re-implement them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.db import create_private

POSTGRES_GUIDANCE = (
    "PostgreSQL: back up with `pg_dump --format=custom --file=caseline.dump DBNAME` "
    "and restore with `pg_restore --clean --if-exists --dbname=DBNAME caseline.dump` "
    "(stop the bot and the scheduler first)."
)


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why."""


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(POSTGRES_GUIDANCE)
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(parsed.database)


def backup(url: str, target: Path) -> int:
    """Copy the live database to `target`; returns the number of pages copied."""
    source_path = sqlite_path(url)
    if not source_path.exists():
        raise BackupError(f"no database at {source_path}")
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file name")
    if not target.parent.is_dir():
        raise BackupError(f"no folder {target.parent} for the backup")
    # The copy holds every case record: readable by this account only, from its first byte.
    create_private(target)
    copied = 0

    def progress(_status: int, remaining: int, total: int) -> None:
        nonlocal copied
        copied = total - remaining

    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy, pages=256, progress=progress)
    return copied


def restore(url: str, source: Path) -> None:
    """Replace the database with a backup (the bot must be stopped)."""
    target_path = sqlite_path(url)
    if not source.exists():
        raise BackupError(f"no backup at {source}")
    with sqlite3.connect(source) as backup_db:
        check = backup_db.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"{source} is damaged: {check}")
        with sqlite3.connect(target_path) as live:
            backup_db.backup(live)
