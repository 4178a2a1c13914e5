"""The audit trail as a hash chain: an operator runs `caseline audit verify` and learns
whether anyone with database access changed or removed an audit event since it was
written, on SQLite and PostgreSQL; concurrent writers on PostgreSQL still make one chain;
a database from before the chain is chained by its migration."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot import cli
from domain.settings import load_settings
from domain.usecases.audit_chain import verify_audit_trail
from domain.work import Work
from storage import audit, migrate
from storage.audit_chain import Changed, Intact, PredecessorGone, TailGone
from storage.db import Database
from tests.conftest import START
from tests.databases import fresh_database_url

# `cli.main` points logging at a test's captured stderr: put it back after each.
pytestmark = pytest.mark.usefixtures("root_logging_kept")


async def write_events(db: Database, clock, count: int) -> None:
    for number in range(count):
        async with db.session() as session:
            await audit.record(
                session,
                "client.view",
                now=clock.now() + timedelta(minutes=number),
                subject_type="client",
                subject_id=number + 1,
                detail={"via": "card", "n": number, "ümlaut": "ß"},
            )


def work_on(db: Database, clock) -> Work:
    return Work(db=db, clock=clock, settings=load_settings({"CASELINE_DATABASE_URL": db.url}))


async def ids(db: Database) -> list[int]:
    async with db.session() as session:
        rows = await session.execute(text("SELECT id FROM audit_events ORDER BY id"))
        return [row[0] for row in rows]


async def sql(db: Database, statement: str) -> None:
    async with db.session() as session:
        await session.execute(text(statement))


async def test_an_untouched_trail_verifies_and_names_its_head(db, clock):
    await write_events(db, clock, 5)
    verdict = await verify_audit_trail(work_on(db, clock))
    assert isinstance(verdict, Intact) and verdict.rows == 5
    status, lines = await cli.cli_audit_chain.verify(work_on(db, clock), None)
    assert status == 0
    assert lines[0] == "✅ audit trail intact: 5 rows"
    assert verdict.head_hash in lines[1]


async def test_a_detail_changed_with_sql_is_found_at_its_row(db, clock):
    await write_events(db, clock, 5)
    third = (await ids(db))[2]
    await sql(db, f'UPDATE audit_events SET detail = \'{{"via": "menu"}}\' WHERE id = {third}')
    assert await verify_audit_trail(work_on(db, clock)) == Changed(third)
    status, lines = await cli.cli_audit_chain.verify(work_on(db, clock), None)
    assert status == 1 and len(lines) == 1
    assert lines[0].startswith(f"❌ audit event {third} was changed after it was written")


async def test_an_allowed_flag_flipped_is_found_too(db, clock):
    await write_events(db, clock, 3)
    first = (await ids(db))[0]
    await sql(db, f"UPDATE audit_events SET allowed = false WHERE id = {first}")
    assert await verify_audit_trail(work_on(db, clock)) == Changed(first)


async def test_a_row_deleted_is_found_at_the_row_after_it(db, clock):
    await write_events(db, clock, 5)
    numbers = await ids(db)
    await sql(db, f"DELETE FROM audit_events WHERE id = {numbers[2]}")
    verdict = await verify_audit_trail(work_on(db, clock))
    assert verdict == PredecessorGone(numbers[3], after=numbers[1], gap=True)
    status, lines = await cli.cli_audit_chain.verify(work_on(db, clock), None)
    assert status == 1
    assert lines == [
        f"❌ audit event {numbers[3]} does not follow event {numbers[1]}: the events "
        f"between them were removed (or event {numbers[1]} rewritten)"
    ]


async def test_the_first_row_deleted_is_found(db, clock):
    await write_events(db, clock, 3)
    numbers = await ids(db)
    await sql(db, f"DELETE FROM audit_events WHERE id = {numbers[0]}")
    assert await verify_audit_trail(work_on(db, clock)) == PredecessorGone(
        numbers[1], after=None, gap=True
    )


async def test_the_last_row_deleted_is_found_from_the_head_unless_the_head_is_rewritten_too(
    db, clock
):
    await write_events(db, clock, 4)
    noted = await verify_audit_trail(work_on(db, clock))
    assert isinstance(noted, Intact)
    numbers = await ids(db)
    await sql(db, f"DELETE FROM audit_events WHERE id = {numbers[-1]}")
    assert await verify_audit_trail(work_on(db, clock)) == TailGone(3, 4, numbers[-2])
    status, lines = await cli.cli_audit_chain.verify(work_on(db, clock), None)
    assert status == 1 and "events at its end were removed" in lines[0]

    # Someone who also rewrites the head hides it from the chain alone, not from the
    # head hash the operator noted before.
    async with db.session() as session:
        query = f"SELECT row_hash FROM audit_events WHERE id = {numbers[-2]}"
        last = (await session.execute(text(query))).scalar_one()
    await sql(db, f"UPDATE audit_chain_head SET rows = 3, last_hash = '{last}'")
    assert isinstance(await verify_audit_trail(work_on(db, clock)), Intact)
    status, lines = await cli.cli_audit_chain.verify(work_on(db, clock), noted.head_hash)
    assert status == 1
    assert lines == [
        f"❌ the head hash noted before ({noted.head_hash}) is no longer in the audit trail: "
        "events were removed from its end and its head rewritten to match"
    ]
    status, _ = await cli.cli_audit_chain.verify(work_on(db, clock), last)
    assert status == 0


async def test_concurrent_writers_make_one_chain(db, clock, backend):
    """On PostgreSQL ids follow insert order, not commit order: without the head's lock,
    transactions that interleave would each chain to the same tail and fork it."""

    async def one_transaction(number: int) -> None:
        async with db.session() as session:
            for step in range(3):
                await audit.record(
                    session,
                    "client.view",
                    now=clock.now(),
                    subject_type="client",
                    subject_id=number,
                    detail={"step": step},
                )
                await session.flush()
                await asyncio.sleep(0)  # let the other transactions run in between

    if backend == "sqlite":
        # One connection per process: the transactions queue for it (db.py), in turn.
        for number in range(8):
            await one_transaction(number)
    else:
        await asyncio.gather(*(one_transaction(number) for number in range(8)))
    verdict = await verify_audit_trail(work_on(db, clock))
    assert isinstance(verdict, Intact) and verdict.rows == 24


async def _lock_waits(db: Database) -> int:
    async with db.session() as session:
        query = text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int((await session.execute(query)).scalar_one())


async def _subjects(db: Database) -> list[int]:
    async with db.session() as session:
        rows = await session.execute(text("SELECT subject_id FROM audit_events ORDER BY id"))
        return [row[0] for row in rows]


async def _view(session, clock, number: int) -> None:
    await audit.record(session, "client.view", now=clock.now(), subject_id=number)


async def test_a_second_writer_waits_for_the_first_to_commit_on_postgresql(db, clock, backend):
    """Two transactions, step by step: once the first has written an event to the chain
    (here because it read the trail, which writes what it staged), the second waits for the
    tail, and chains after everything the first wrote, even what it wrote later."""
    if backend != "postgres":
        pytest.skip("SQLite has one writer: a second transaction cannot start meanwhile")
    first_wrote, first_may_commit = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with db.session() as session:
            await _view(session, clock, 1)
            await audit.events(session, limit=1)
            first_wrote.set()
            await first_may_commit.wait()
            await _view(session, clock, 2)

    async def second() -> None:
        await first_wrote.wait()
        async with db.session() as session:
            await _view(session, clock, 3)

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    async with asyncio.timeout(30):
        await first_wrote.wait()
        while not await _lock_waits(db):  # each look is a query: the others run meanwhile
            pass
    first_may_commit.set()
    await asyncio.gather(*tasks)

    assert await _subjects(db) == [1, 2, 3]
    verdict = await verify_audit_trail(work_on(db, clock))
    assert isinstance(verdict, Intact) and verdict.rows == 3


async def test_the_tail_is_locked_only_from_an_updates_last_write_to_its_commit(db, clock, backend):
    """A unit of work writes its events just before its COMMIT: a second one that audits
    meanwhile does not wait for the first's remaining work (its answer, its dialog's
    state), and the chain holds both, in the order they committed."""
    first_audited, second_done = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with db.session() as session:
            await _view(session, clock, 1)
            first_audited.set()
            await second_done.wait()  # the rest of the first update takes its time

    async def second() -> None:
        await first_audited.wait()
        async with db.session() as session:
            await _view(session, clock, 2)
        second_done.set()

    if backend != "postgres":
        # One connection: the second cannot start before the first commits. What stays
        # true there: nothing of the first reaches the table before its block ends.
        async with db.session() as session:
            await _view(session, clock, 1)
            staged = (await session.execute(text("SELECT count(*) FROM audit_events"))).scalar()
        assert staged == 0
        assert await _subjects(db) == [1]
        return
    async with asyncio.timeout(30):
        await asyncio.gather(first(), second())

    assert await _subjects(db) == [2, 1]
    verdict = await verify_audit_trail(work_on(db, clock))
    assert isinstance(verdict, Intact) and verdict.rows == 2


async def test_a_read_of_the_trail_sees_what_its_own_transaction_audited(db, clock):
    async with db.session() as session:
        await audit.record(
            session, "visit.log", now=clock.now(), client_id=None, subject_type="visit"
        )
        await _view(session, clock, 7)
        seen = [(event.action, event.subject_id) for event in await audit.events(session)]
        await _view(session, clock, 8)
    assert seen == [("visit.log", None), ("client.view", 7)]
    assert await _subjects(db) == [None, 7, 8]
    verdict = await verify_audit_trail(work_on(db, clock))
    assert isinstance(verdict, Intact) and verdict.rows == 3


async def test_a_unit_of_work_that_fails_writes_none_of_its_events(db, clock):
    class Failed(Exception):
        pass

    with pytest.raises(Failed):
        async with db.session() as session:
            await _view(session, clock, 1)
            raise Failed
    assert await _subjects(db) == []
    async with db.session() as session:
        await _view(session, clock, 2)
    assert await _subjects(db) == [2]
    verdict = await verify_audit_trail(work_on(db, clock))
    assert isinstance(verdict, Intact) and verdict.rows == 1


async def test_the_migration_chains_the_events_already_there(
    backend, tmp_path, capsys, monkeypatch
):
    async with fresh_database_url(backend, tmp_path) as url:
        await asyncio.to_thread(migrate.upgrade, url, "0019")
        db = Database(url)
        try:
            async with db.session() as session:
                for number in range(3):
                    await session.execute(
                        text(
                            "INSERT INTO audit_events (at, action, allowed, detail, client_id) "
                            f"VALUES ('2026-03-0{number + 1} 08:00:00.123456+00:00', "
                            f"'client.view', true, '{{\"via\": \"card\"}}', NULL)"
                        )
                    )
        finally:
            await db.dispose()
        await asyncio.to_thread(migrate.upgrade, url)
        monkeypatch.setenv("CASELINE_DATABASE_URL", url)
        status = await asyncio.to_thread(cli.main, ["audit", "verify"])
        out = capsys.readouterr().out.splitlines()
        assert status == 0 and out[0] == "✅ audit trail intact: 3 rows"
        assert out[1].startswith("head hash: ")

        db = Database(url)
        try:
            async with db.session() as session:
                await audit.record(session, "audit.list", now=START, detail={})
            await sql(db, "UPDATE audit_events SET action = 'client.edit' WHERE id = 4")
        finally:
            await db.dispose()
        status = await asyncio.to_thread(cli.main, ["audit", "verify"])
        out = capsys.readouterr().out.splitlines()
        assert status == 1 and len(out) == 1 and out[0].startswith("❌ audit event 4 was changed")


@pytest.mark.parametrize("given", ["abc", "g" * 64])
def test_a_malformed_expected_hash_is_one_line(given, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("CASELINE_DATABASE_URL", f"sqlite:///{tmp_path / 'c.db'}")
    assert cli.main(["audit", "verify", "--expect", given]) == 2
    assert capsys.readouterr().err == (
        "caseline: --expect: not a head hash (64 hexadecimal digits, as verify printed)\n"
    )


def test_a_rows_hash_is_the_one_every_chain_so_far_was_built_with():
    """The canonical form, pinned: the hashes of rows already written (migration 0020, and
    every row since) must still come out of `row_hash`, however it is computed."""
    from datetime import UTC, datetime

    from storage.audit_chain import GENESIS, row_hash
    from storage.machinery import AuditEvent

    full = AuditEvent(
        at=datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=UTC),
        action="client.view",
        actor_worker_id=7,
        actor_telegram_id=701,
        subject_type="client",
        subject_id=3,
        client_id=3,
        allowed=True,
        detail={"via": "card", "ümlaut": "ß", "n": [1, {"b": 2, "a": "x\x00y"}]},
    )
    bare = AuditEvent(
        at=datetime(2026, 3, 1, 8, 0, 0, tzinfo=UTC),
        action="audit.list",
        actor_worker_id=None,
        actor_telegram_id=None,
        subject_type=None,
        subject_id=None,
        client_id=None,
        allowed=False,
        detail={},
    )
    assert row_hash(full, GENESIS) == (
        "fc3decb21eebf01f612da8f450500c1177bedef45de641fb152c76a3aab5cf2c"
    )
    assert row_hash(bare, "ab" * 32) == (
        "7b73ccb0a0c1fcddce5522464717dd3f6081f2bc8f3622c501364018c3f35deb"
    )
