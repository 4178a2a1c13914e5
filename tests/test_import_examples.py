"""The example files the README shows (docs/examples/) import as they are, with the real
`caseline` command in its own process, into a database `caseline db upgrade` made."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from storage.db import Database
from storage.kinds import Role
from storage.models import Client, Resource
from storage.workers import create_worker
from tests.databases import fresh_database_url
from tests.test_cli import caseline
from ui import texts

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


def _rows(name: str) -> list[dict[str, str]]:
    with (EXAMPLES / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


async def test_the_example_files_import_as_they_are(backend, tmp_path):
    async with fresh_database_url(backend, tmp_path) as url:
        env = {"CASELINE_DATABASE_URL": url}
        assert (await caseline("db", "upgrade", env=env))[0] == 0
        # Clients go to workers who joined already: the ones the example names.
        db = Database(url)
        async with db.session() as session:
            for name in sorted({row["worker"] for row in _rows("clients.csv")}):
                await create_worker(session, name=name, role=Role.WORKER, now=datetime.now(UTC))
        await db.dispose()

        status, out = await caseline("clients", "import", str(EXAMPLES / "clients.csv"), env=env)
        assert status == 0, out
        assert "imported 5 clients (C-0001 … C-0005)" in out
        status, out = await caseline(
            "resources", "import", str(EXAMPLES / "resources.csv"), env=env
        )
        assert status == 0, out
        assert texts.import_done(3, 0, 0, 0) in out

        db = Database(url)
        async with db.session() as session:
            clients = (await session.execute(select(Client).order_by(Client.id))).scalars().all()
            resources = (await session.execute(select(Resource))).scalars().all()
        await db.dispose()
    assert [c.name for c in clients] == [row["name"] for row in _rows("clients.csv")]
    assert clients[4].interpreter is True and clients[0].language == "Spanish"
    assert sorted(r.name for r in resources) == sorted(
        row["name"] for row in _rows("resources.csv")
    )
    assert [r.is_benefit_program for r in resources if "Wohngeld" in r.name] == [True]
