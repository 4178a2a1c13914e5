"""Case records on disk are the operator's alone: the SQLite database and every backup are
created 0600, and `caseline db upgrade` tightens a database made readable by others."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_cli import caseline


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems give a service account: files world-readable by default."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


async def test_a_new_database_and_its_backup_are_0600(tmp_path, usual_umask):
    database = tmp_path / "caseline.db"
    env = {"CASELINE_DATABASE_URL": f"sqlite:///{database}"}
    code, out = await caseline("db", "upgrade", env=env)
    assert code == 0, out
    assert mode(database) == 0o600
    assert (await caseline("admin", "create", "--name", "Ada", env=env))[0] == 0
    for companion in (tmp_path / "caseline.db-wal", tmp_path / "caseline.db-shm"):
        if companion.exists():
            assert mode(companion) == 0o600
    code, out = await caseline("backup", str(tmp_path / "copy.db"), env=env)
    assert code == 0, out
    assert mode(tmp_path / "copy.db") == 0o600


async def test_upgrade_tightens_a_world_readable_database(tmp_path, usual_umask):
    database = tmp_path / "old.db"
    env = {"CASELINE_DATABASE_URL": f"sqlite:///{database}"}
    assert (await caseline("db", "upgrade", env=env))[0] == 0
    os.chmod(database, 0o644)  # as a version before this one left it
    code, out = await caseline("db", "upgrade", env=env)
    assert code == 0, out
    assert mode(database) == 0o600


async def test_the_bot_creating_its_database_makes_it_0600(tmp_path, usual_umask):
    from storage.db import Database

    database = tmp_path / "bot.db"
    db = Database(f"sqlite:///{database}")
    try:
        async with db.session():
            pass
    finally:
        await db.dispose()
    assert mode(database) == 0o600
