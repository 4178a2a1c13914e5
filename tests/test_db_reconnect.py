"""A PostgreSQL connection that died in the pool (a server restart, a dropped idle
socket) is found out before a unit of work gets it: pinged once it has been idle
(storage/db.py), instead of at every checkout as pool_pre_ping would."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from storage.db import Database
from tests.databases import fresh_database_url, postgres_url

pytestmark = pytest.mark.skipif(
    postgres_url() is None, reason="PostgreSQL only (CASELINE_TEST_POSTGRES_URL)"
)


async def _kill_connections(url: str) -> int:
    """What a PostgreSQL restart does to the pool: every connection to the database gone."""
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        return len(
            await connection.fetch(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                parsed.database,
            )
        )
    finally:
        await connection.close()


async def _one(db: Database) -> int:
    async with db.session() as session:
        return (await session.execute(text("SELECT 1"))).scalar_one()


async def test_an_idle_connection_that_died_is_replaced_before_use(tmp_path) -> None:
    async with fresh_database_url("postgres", tmp_path) as url:
        db = Database(url, ping_after_idle=0)
        try:
            assert await _one(db) == 1
            assert await _kill_connections(url) == 1
            assert await _one(db) == 1
        finally:
            await db.dispose()


async def test_without_the_ping_the_dead_connection_fails_one_unit_of_work(tmp_path) -> None:
    # The counterpart: a connection used again within the idle span is not pinged, so a
    # death in between reaches the statement; the pool is renewed after that one failure.
    async with fresh_database_url("postgres", tmp_path) as url:
        db = Database(url, ping_after_idle=3600)
        try:
            assert await _one(db) == 1
            assert await _kill_connections(url) == 1
            with pytest.raises(DBAPIError) as failure:
                await _one(db)
            assert failure.value.connection_invalidated
            assert await _one(db) == 1
        finally:
            await db.dispose()
