"""Case records are never lost: backups, restores, and migrations that keep every row."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from storage import migrate
from storage.db import Database
from tests.databases import fresh_database_url
from tests.test_cli import caseline

ROWS = {
    "teams": "INSERT INTO teams (id, name, created_at) VALUES (1, 'North', :now)",
    "workers": (
        "INSERT INTO workers (id, name, role, team_id, telegram_user_id, chat_id, quiet_start,"
        " quiet_end, days_off, start_of_day, digest_time, reminder_lead_minutes,"
        " muted_reminder_kinds, active, created_at) VALUES (1, 'Wanda', 'worker', 1, 701, 701,"
        " '20:00:00', '08:00:00', '6,7', '08:00:00', '18:00:00', 60, '', true, :now)"
    ),
    "clients": (
        "INSERT INTO clients (id, name, program, status, worker_id, contact_frequency_days,"
        " needs, risk_level, created_at, updated_at) VALUES (1, 'María Öztürk', 'elderly',"
        " 'active', 1, 30, '{}', 0, :now, :now)"
    ),
    "notes": (
        "INSERT INTO notes (id, client_id, author_id, interaction_type, occurred_at, created_at,"
        " text, risk_flag) VALUES (1, 1, 1, 'home_visit', :now, :now, 'Pantry empty', false)"
    ),
    "appointments": (
        "INSERT INTO appointments (id, client_id, worker_id, starts_at, duration_minutes, kind,"
        " status, created_at) VALUES (1, 1, 1, :now, 60, 'home_visit', 'completed', :now)"
    ),
}


async def test_upgrading_from_the_first_revision_keeps_every_row(backend, tmp_path):
    async with fresh_database_url(backend, tmp_path) as url:
        await asyncio.to_thread(migrate.upgrade, url, "0001")
        db = Database(url)
        now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        stamp = now if backend == "postgres" else now.replace(tzinfo=None)
        async with db.engine.begin() as connection:
            for statement in ROWS.values():
                await connection.execute(text(statement), {"now": stamp})
        await db.dispose()
        await asyncio.to_thread(migrate.upgrade, url)
        db = Database(url)
        try:
            async with db.engine.connect() as connection:
                for table in ROWS:
                    count = (
                        await connection.execute(text(f"SELECT count(*) FROM {table}"))
                    ).scalar()
                    assert count == 1, table
                name = (await connection.execute(text("SELECT name FROM clients"))).scalar()
                note = (await connection.execute(text("SELECT text FROM notes"))).scalar()
            assert (name, note) == ("María Öztürk", "Pantry empty")
        finally:
            await db.dispose()


async def test_backup_while_running_and_restore(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    env = {"CASELINE_DATABASE_URL": url}
    assert (await caseline("db", "upgrade", env=env))[0] == 0
    assert (await caseline("admin", "create", "--name", "Ada", env=env))[0] == 0
    code, out = await caseline("backup", str(tmp_path / "copy.db"), env=env)
    assert code == 0 and "backed up" in out
    code, out = await caseline("backup", str(tmp_path / "copy.db"), env=env)
    assert code == 2 and "exists" in out
    assert (await caseline("invite", "--role", "worker", env=env))[0] == 0
    code, out = await caseline("restore", str(tmp_path / "copy.db"), env=env)
    assert code == 0
    db = Database(url)
    try:
        async with db.engine.connect() as connection:
            invites = (await connection.execute(text("SELECT count(*) FROM invites"))).scalar()
        assert invites == 1  # the state of the backup, not the later invite
    finally:
        await db.dispose()


@pytest.mark.parametrize("target", ["postgresql://x@127.0.0.1/y"])
async def test_postgres_backup_gives_guidance_not_a_traceback(tmp_path, target):
    code, out = await caseline("backup", str(tmp_path / "x"), env={"CASELINE_DATABASE_URL": target})
    assert code == 2 and "pg_dump" in out and "Traceback" not in out
