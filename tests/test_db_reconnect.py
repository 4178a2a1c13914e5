"""A PostgreSQL connection that died in the pool (a server restart, a dropped idle
socket) is found out before a unit of work gets it: pinged once it has been idle
(storage/db.py), instead of at every checkout as pool_pre_ping would."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
import pytest
from sqlalchemy import Integer, literal, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from storage import updates
from storage.db import Database
from storage.driver import Prepared
from tests.databases import create_schema, fresh_database_url, postgres_url

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


# A statement every update sends to the driver first (storage/driver.py), not through
# SQLAlchemy: a death reaches it there, and must cost no more than through SQLAlchemy.
ONE = Prepared(select(literal(1, Integer()).label("one")))


async def _one_on_the_driver(db: Database) -> int:
    async with db.session() as session:
        return (await ONE.rows(session, {}))[0].one


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


@pytest.mark.parametrize("first", [_one, _one_on_the_driver], ids=["sqlalchemy", "driver"])
async def test_a_dead_connection_met_by_the_first_statement_fails_one_unit_of_work(
    tmp_path, first
) -> None:
    """All of the pool dies (a server restart): the unit of work that meets it first
    fails as SQLAlchemy says a lost connection (DBAPIError, invalidated), whichever road
    its first statement took, and every one after it gets a new connection."""
    async with fresh_database_url("postgres", tmp_path) as url:
        db = Database(url, ping_after_idle=3600)
        try:
            assert [await first(db), await _one_on_the_driver(db)] == [1, 1]
            assert await _kill_connections(url) == 1
            with pytest.raises(DBAPIError) as failure:
                await first(db)
            assert failure.value.connection_invalidated
            assert [await first(db) for _ in range(3)] == [1, 1, 1]
            assert await _one_on_the_driver(db) == await _one(db) == 1
        finally:
            await db.dispose()


async def test_a_batch_meeting_a_dead_connection_fails_once_and_is_kept_when_fetched_again(
    tmp_path,
) -> None:
    """The inbox's batch goes to the driver on a connection of its own (autocommit): the
    poller fetches a batch again when it could not be kept, and the next try must find a
    new connection, not the dead one back from the pool."""
    async with fresh_database_url("postgres", tmp_path) as url:
        db = Database(url, ping_after_idle=3600)
        await create_schema(db)
        now = datetime.now(UTC)
        try:
            await updates.keep(db, [{"update_id": 1}], now)
            assert await _kill_connections(url) == 1
            with pytest.raises(DBAPIError) as failure:
                await updates.keep(db, [{"update_id": 2}], now)
            assert failure.value.connection_invalidated
            await updates.keep(db, [{"update_id": 2}], now)
            async with db.session() as session:
                assert len(await updates.unhandled(session)) == 2
        finally:
            await db.dispose()
