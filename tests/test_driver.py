"""storage.driver: a Prepared statement runs in the session's transaction, with the values
and rows SQLAlchemy itself would give, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Table, bindparam, event, func, insert, select, update

from storage.db import Database
from storage.driver import Prepared
from storage.machinery import InboxUpdate

INBOX = cast(Table, InboxUpdate.__table__)
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

KEEP = Prepared(
    insert(INBOX)
    .values(
        update_id=bindparam("id"),
        payload=bindparam("payload", type_=INBOX.c.payload.type),
        received_at=bindparam("at", type_=INBOX.c.received_at.type),
    )
    .returning(INBOX.c.update_id, INBOX.c.received_at, INBOX.c.payload)
)
HANDLE = Prepared(
    update(INBOX)
    .where(INBOX.c.update_id == bindparam("id"), INBOX.c.handled_at.is_(None))
    .values(handled_at=bindparam("at", type_=INBOX.c.handled_at.type))
)
# A value given when the statement is built (here 0) is a default it keeps.
COUNT = Prepared(select(func.count().label("n")).where(INBOX.c.update_id > 0))


class Undone(Exception):
    """Leaves a session's block without committing it."""


async def test_a_statement_rolls_back_with_its_session(db: Database) -> None:
    """The first statement of a transaction is sent to the driver: it must not commit by
    itself (SQLAlchemy's asyncpg adapter begins only with its own first statement)."""
    with pytest.raises(Undone):
        async with db.session() as session:
            await KEEP.rows(session, {"id": 1, "payload": {"a": 1}, "at": NOW})
            raise Undone
    async with db.session() as session:
        assert (await COUNT.rows(session, {}))[0].n == 0


async def test_a_session_s_next_transaction_is_not_sent_to_the_last_one_s_connection(
    db: Database,
) -> None:
    """The driver's connection is kept with the session for one transaction only: the
    next one's statement runs in that next transaction, and rolls back with it."""
    async with db.sessionmaker() as session:
        async with session.begin():
            await KEEP.rows(session, {"id": 1, "payload": None, "at": NOW})
        with pytest.raises(Undone):
            async with session.begin():
                await KEEP.rows(session, {"id": 2, "payload": None, "at": NOW})
                raise Undone
    async with db.session() as session:
        assert (await COUNT.rows(session, {}))[0].n == 1


async def test_values_and_rows_are_typed_as_sqlalchemy_has_them(db: Database) -> None:
    # A NUL cannot be stored on PostgreSQL; it is dropped, as for every statement.
    payload = {"text": "meds\x00 checked", "n": [1, 2]}
    local = NOW.astimezone(ZoneInfo("Europe/Berlin"))
    async with db.session() as session:
        [row] = await KEEP.rows(session, {"id": 7, "payload": payload, "at": local})
    assert row.update_id == row[0] == 7
    assert row.received_at == NOW and row.received_at.tzinfo is not None
    assert row.payload == {"text": "meds checked", "n": [1, 2]}
    async with db.session() as session:
        stored = (await session.execute(select(INBOX).where(INBOX.c.update_id == 7))).one()
    assert stored.received_at == NOW and stored.payload == row.payload


async def test_run_counts_the_rows_changed_and_sees_the_session_s_own_writes(
    db: Database,
) -> None:
    async with db.session() as session:
        # Written through the session, read and changed through the driver: one transaction.
        await session.execute(insert(INBOX).values(update_id=3, received_at=NOW))
        assert await HANDLE.run(session, {"id": 3, "at": NOW + timedelta(seconds=1)}) == 1
        assert await HANDLE.run(session, {"id": 3, "at": NOW}) == 0
        assert await HANDLE.run(session, {"id": 4, "at": NOW}) == 0
    async with db.session() as session:
        assert (await COUNT.rows(session, {}))[0].n == 1
        handled = await session.scalar(select(INBOX.c.handled_at))
    assert handled == NOW + timedelta(seconds=1)


async def test_a_statement_returning_nothing_gives_no_rows(db: Database) -> None:
    async with db.session() as session:
        assert await KEEP.rows(session, {"id": 9, "payload": None, "at": NOW}) != []
        rows = await Prepared(select(INBOX.c.update_id).where(INBOX.c.update_id == 10)).rows(
            session, {}
        )
    assert list(rows) == []


async def test_a_list_of_values_takes_the_session_to_the_same_rows(db: Database) -> None:
    """An expanding IN is rendered anew for each length of its list: such a statement
    runs through the session, on both databases."""
    among = Prepared(
        select(INBOX.c.update_id)
        .where(INBOX.c.update_id.in_(bindparam("ids", expanding=True)))
        .order_by(INBOX.c.update_id)
    )
    async with db.session() as session:
        for update_id in (1, 2, 3):
            await KEEP.rows(session, {"id": update_id, "payload": None, "at": NOW})
        assert [row.update_id for row in await among.rows(session, {"ids": [3, 1]})] == [1, 3]
        assert [row.update_id for row in await among.rows(session, {"ids": [2]})] == [2]


async def test_a_list_written_into_the_statement_is_sent_to_the_driver(db: Database) -> None:
    """A rule's `status IN (…)` has its list in the statement: expanded once, it runs on
    the driver on PostgreSQL (SQLAlchemy sees no statement), with its other values given
    each time, and the same rows on both databases."""
    among = Prepared(
        select(INBOX.c.update_id)
        .where(
            INBOX.c.update_id.in_([1, 3, 5]),
            INBOX.c.received_at >= bindparam("since", type_=INBOX.c.received_at.type),
        )
        .order_by(INBOX.c.update_id)
    )
    seen: list[str] = []

    def statement(_connection: object, _cursor: object, sql: str, *_: object) -> None:
        seen.append(sql)

    async with db.session() as session:
        for update_id in (1, 2, 3, 4):
            at = NOW + timedelta(minutes=update_id)
            await KEEP.rows(session, {"id": update_id, "payload": None, "at": at})
        event.listen(db.engine.sync_engine, "before_cursor_execute", statement)
        try:
            since_start = await among.rows(session, {"since": NOW})
            since_two = await among.rows(session, {"since": NOW + timedelta(minutes=2)})
        finally:
            event.remove(db.engine.sync_engine, "before_cursor_execute", statement)
    assert [row.update_id for row in since_start] == [1, 3]
    assert [row.update_id for row in since_two] == [3]
    assert len(seen) == (0 if db.engine.dialect.name == "postgresql" else 2)
