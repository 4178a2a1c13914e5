"""Real databases for tests: a fresh SQLite file, or a fresh PostgreSQL database made
for the one test (when CASELINE_TEST_POSTGRES_URL is set) and dropped after it."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from storage.db import Database
from storage.models import Base

POSTGRES_ENV = "CASELINE_TEST_POSTGRES_URL"


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def backends() -> list[str]:
    """SQLite always; PostgreSQL too when a server is configured."""
    return ["sqlite", "postgres"] if postgres_url() else ["sqlite"]


@asynccontextmanager
async def fresh_database_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'caseline-test.db'}"
        return
    base = make_url(postgres_url())
    name = f"caseline_t_{uuid.uuid4().hex[:12]}"
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(admin_dsn)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        connection = await asyncpg.connect(admin_dsn)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()


async def create_schema(db: Database) -> None:
    """Tests may use create_all; production schemas come only from Alembic."""
    async with db.engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
