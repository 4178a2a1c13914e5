"""`caseline clients import` with columns swapped or the header left out: every error names
the line and the column, never what the cell holds (there, a client's name)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from storage import migrate
from storage.db import Database
from storage.kinds import Role
from storage.workers import create_worker
from tests.test_cli import caseline


async def test_swapped_columns_name_the_line_and_column_never_the_client(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url)
    async with db.session() as session:
        await create_worker(session, name="Wanda Worker", role=Role.WORKER, now=datetime.now(UTC))
    await db.dispose()
    env = {"CASELINE_DATABASE_URL": url}

    swapped = tmp_path / "swapped.csv"
    swapped.write_text(
        "name,program,worker,date_of_birth\n"
        "1941-05-17,elderly,Wanda Worker,Maria Gonzalez\n"
        "Li Wei,Jörg Bäcker,Wanda Worker,1950-01-02\n"
        "Olga Petrova,chronic,Amira Haddad,1950-01-02\n",
        encoding="utf-8",
    )
    code, out = await caseline("clients", "import", str(swapped), env=env)
    assert code == 2, out
    assert "line 2, column 4 (date_of_birth): not a date like 2026-03-01" in out
    assert "line 3, column 2 (program): not one of" in out
    assert "line 4, column 3 (worker): no active worker or supervisor has this name" in out
    assert "3 row(s) with problems in swapped.csv; nothing was imported" in out
    for name in ("Maria", "Gonzalez", "Jörg", "Bäcker", "Amira", "Haddad"):
        assert name not in out, name

    headless = tmp_path / "headless.csv"
    headless.write_text("Maria Gonzalez,elderly,Wanda Worker\n", encoding="utf-8")
    code, out = await caseline("clients", "import", str(headless), env=env)
    assert code == 2, out
    assert "line 1: the header's column(s) 1, 2, 3 are not known" in out
    assert "Maria" not in out and "Wanda" not in out
