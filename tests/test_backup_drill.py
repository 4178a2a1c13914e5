"""The restore drill of docs/DEPLOY.md, done: the nightly backup script (deploy/
caseline-backup, as caseline-backup.service runs it) dumps a live PostgreSQL database and
keeps the newest dumps; the dump restores into a fresh database with the doc's command,
and `caseline db upgrade` finds it already at head, with the people in it.

PostgreSQL only (CASELINE_TEST_POSTGRES_URL); pg_dump and pg_restore come with it — under
CI (CI=true) their absence fails the test instead of skipping it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from storage import migrate
from storage.db import Database
from storage.kinds import Role
from storage.models import Worker
from storage.workers import create_worker
from tests.ci import require
from tests.databases import fresh_database_url, postgres_url
from tests.deploy_files import DEPLOY
from tests.test_cli import caseline

SCRIPT = DEPLOY / "caseline-backup"
# Nights that were backed up before, oldest first (names sort by time).
EARLIER = ["caseline-20010301T031500Z.dump", "caseline-20010302T031500Z.dump"]


@pytest.fixture
def postgres_tools() -> None:
    if postgres_url() is None:
        pytest.skip("PostgreSQL only: set CASELINE_TEST_POSTGRES_URL")
    missing = [f"no {tool} on PATH" for tool in ("pg_dump", "pg_restore") if not shutil.which(tool)]
    require(missing, "the restore drill")


def _backup(database_url: str, folder: Path, keep: int) -> subprocess.CompletedProcess[str]:
    env = {
        # `caseline` found on the PATH, as this test's own (/opt/caseline is not here).
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "CASELINE_DATABASE_URL": database_url,
        "CASELINE_BACKUP_DIR": str(folder),
        "CASELINE_BACKUP_KEEP": str(keep),
    }
    return subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)


async def _names(url: str) -> list[str]:
    db = Database(url)
    try:
        async with db.session() as session:
            return list((await session.execute(select(Worker.name))).scalars())
    finally:
        await db.dispose()


async def _revision(url: str) -> str:
    db = Database(url)
    try:
        async with db.session() as session:
            return (await session.execute(text("SELECT version_num FROM alembic_version"))).one()[0]
    finally:
        await db.dispose()


async def test_a_nightly_dump_restores_into_a_fresh_database_at_head(postgres_tools, tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    for name in EARLIER:
        (backups / name).write_bytes(b"an earlier night")
    (backups / "README.txt").write_text("the operator's own file stays")

    async with fresh_database_url("postgres", tmp_path) as live:
        await asyncio.to_thread(migrate.upgrade, live)
        db = Database(live)
        async with db.session() as session:
            await create_worker(
                session, name="Wanda Worker", role=Role.WORKER, now=datetime.now(UTC)
            )
        await db.dispose()

        # The env file holds the bot's URL; the script reads it as libpq does, driver or not.
        done = await asyncio.to_thread(
            _backup, live.replace("postgresql://", "postgresql+asyncpg://", 1), backups, 2
        )
        assert done.returncode == 0, done.stderr
        dumps = sorted(backups.glob("caseline-*.dump"))
        # Two kept: tonight's and the newest earlier one; nothing half-written is left.
        assert [path.name for path in dumps][0] == EARLIER[1] and len(dumps) == 2
        assert sorted(path.name for path in backups.iterdir()) == sorted(
            [*(path.name for path in dumps), "README.txt"]
        )
        assert f"removed {backups / EARLIER[0]}" in done.stdout
        # The audit trail's head hash goes to the backup's log, beside the dump.
        assert "caseline-backup: ✅ audit trail intact: 0 rows" in done.stdout
        assert "caseline-backup: head hash: " in done.stdout
        tonight = dumps[1]
        assert tonight.stat().st_mode & 0o077 == 0, "a dump of case records is the operator's"

    # The drill: a fresh database, the dump restored into it, then what the operator runs.
    async with fresh_database_url("postgres", tmp_path) as restored:
        restore = await asyncio.to_thread(
            subprocess.run,
            ["pg_restore", "--no-owner", f"--dbname={restored}", str(tonight)],
            capture_output=True,
            text=True,
        )
        assert restore.returncode == 0, restore.stderr
        code, out = await caseline("db", "upgrade", env={"CASELINE_DATABASE_URL": restored})
        assert code == 0 and "database schema is up to date" in out
        assert "Running upgrade" not in out  # it was at head already
        assert await _revision(restored) == migrate.current_head()
        assert await _names(restored) == ["Wanda Worker"]


def test_the_backup_script_refuses_what_it_cannot_dump(tmp_path):
    """SQLite has `caseline backup`; a URL-less or keep-nothing run is a one-line mistake."""
    sqlite = _backup(f"sqlite:///{tmp_path / 'caseline.db'}", tmp_path, 14)
    assert sqlite.returncode == 2 and "caseline backup FILE" in sqlite.stderr
    unset = _backup("", tmp_path, 14)
    assert unset.returncode == 2 and "CASELINE_DATABASE_URL" in unset.stderr
    nothing_kept = _backup("postgresql://caseline@/caseline", tmp_path, 0)
    assert nothing_kept.returncode == 2 and "CASELINE_BACKUP_KEEP" in nothing_kept.stderr
    assert list(tmp_path.iterdir()) == []
