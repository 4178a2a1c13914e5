"""Storage on its own: the migration, invites, access rules, update de-duplication."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from bot import housekeeping
from storage import access, clients, invites, migrate, saved_drafts, schema, updates
from storage.db import Database
from storage.kinds import Program, Role
from storage.models import Base, Client, Invite
from storage.workers import Actor, create_worker, get_or_create_team
from tests.databases import fresh_database_url


async def test_alembic_builds_exactly_the_models(backend, tmp_path):
    async with fresh_database_url(backend, tmp_path) as url:
        await asyncio.to_thread(migrate.upgrade, url)
        db = Database(url)
        try:
            assert await schema.is_current(db)

            def diff(connection):
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                return compare_metadata(context, Base.metadata)

            async with db.engine.connect() as connection:
                differences = await connection.run_sync(diff)
            assert differences == []
        finally:
            await db.dispose()


async def test_invite_is_hashed_single_use_and_expires(db, clock):
    now = clock.now()
    async with db.session() as session:
        code = await invites.create_invite(session, role=Role.WORKER, now=now)
    assert len(code) >= 32
    async with db.session() as session:
        stored = (await session.execute(select(Invite))).scalar_one()
        assert stored.code_hash == invites.hash_code(code) and code not in stored.code_hash
        first = await invites.redeem(
            session, code, telegram_user_id=1, chat_id=1, display_name="A", now=now
        )
    async with db.session() as session:
        second = await invites.redeem(
            session, code, telegram_user_id=2, chat_id=2, display_name="B", now=now
        )
        late_code = await invites.create_invite(
            session, role=Role.WORKER, now=now - timedelta(days=8)
        )
    async with db.session() as session:
        late = await invites.redeem(
            session, late_code, telegram_user_id=3, chat_id=3, display_name="C", now=now
        )
        wrong = await invites.redeem(
            session, "x" * 32, telegram_user_id=4, chat_id=4, display_name="D", now=now
        )
    assert first.status == invites.RedeemStatus.JOINED
    assert second.status == invites.RedeemStatus.USED
    assert late.status == invites.RedeemStatus.EXPIRED
    assert wrong.status == invites.RedeemStatus.UNKNOWN


async def test_two_people_racing_for_one_invite_only_one_wins(db, clock):
    now = clock.now()
    async with db.session() as session:
        code = await invites.create_invite(session, role=Role.WORKER, now=now)

    async def take(user_id: int):
        async with db.session() as session:
            return await invites.redeem(
                session, code, telegram_user_id=user_id, chat_id=user_id, display_name="X", now=now
            )

    results = await asyncio.gather(*(take(100 + i) for i in range(4)), return_exceptions=True)
    joined = [r for r in results if not isinstance(r, Exception) and r.status == "joined"]
    assert len(joined) == 1


async def test_visibility_worker_supervisor_admin(db, clock):
    now = clock.now()
    async with db.session() as session:
        north = await get_or_create_team(session, "North", now)
        south = await get_or_create_team(session, "South", now)
        wanda = await create_worker(session, name="Wanda", role=Role.WORKER, now=now, team=north)
        will = await create_worker(session, name="Will", role=Role.WORKER, now=now, team=north)
        sam = await create_worker(session, name="Sam", role=Role.WORKER, now=now, team=south)
        sue = await create_worker(session, name="Sue", role=Role.SUPERVISOR, now=now, team=north)
        ada = await create_worker(session, name="Ada", role=Role.ADMIN, now=now)
        nell = await create_worker(session, name="Nell", role=Role.ADMIN, now=now, team=north)
        for owner in (wanda, will, sam):
            await clients.create_client(
                session,
                name=f"Client of {owner.name}",
                program=Program.ELDERLY,
                contact_frequency_days=30,
                worker_id=owner.id,
                now=now,
            )

    async def visible(worker) -> set[str]:
        async with db.session() as session:
            rows = await session.execute(
                select(Client.name).where(access.visible_clients(Actor.of(worker)))
            )
            return set(rows.scalars())

    assert await visible(wanda) == {"Client of Wanda"}
    assert await visible(sue) == {"Client of Wanda", "Client of Will"}
    # An admin reads client records like a supervisor: their own team's, no other (the
    # operator's shell is for the rest); an admin of no team sees none.
    assert await visible(nell) == {"Client of Wanda", "Client of Will"}
    assert await visible(ada) == set()


async def test_an_update_id_is_claimed_once(db, clock):
    async with db.session() as session:
        assert await updates.claim(session, 77, clock.now())
    async with db.session() as session:
        assert not await updates.claim(session, 77, clock.now())
        assert await updates.forget_before(session, clock.now() + timedelta(days=2)) == 1


async def test_a_saved_draft_is_remembered_per_worker_then_forgotten_after_a_month(db, clock):
    now = clock.now()
    async with db.session() as session:
        wanda = await create_worker(session, name="Wanda", role=Role.WORKER, now=now)
        will = await create_worker(session, name="Will", role=Role.WORKER, now=now)
        saved_drafts.remember(session, wanda.id, "a1b2", "note", 41, now)
        saved_drafts.remember(session, will.id, "c3d4", "note", 42, now + timedelta(days=20))
    async with db.session() as session:
        assert await saved_drafts.saved_as(session, wanda.id, "a1b2", "note") == 41
        assert await saved_drafts.saved_as(session, will.id, "a1b2", "note") is None
        assert await saved_drafts.saved_as(session, wanda.id, "a1b2", "client") is None
        assert await saved_drafts.saved_as(session, wanda.id, None, "note") is None
        cutoff = now + timedelta(days=31) - housekeeping.KEEP_SAVED_DRAFTS
        assert await saved_drafts.forget_before(session, cutoff) == 1
    async with db.session() as session:
        assert await saved_drafts.saved_as(session, wanda.id, "a1b2", "note") is None
        assert await saved_drafts.saved_as(session, will.id, "c3d4", "note") == 42


@pytest.mark.parametrize(
    ("text", "expected"),
    [("C-0042", 42), ("c42", 42), ("C-42", 42), (" c-0007 ", 7), ("maria", None), ("C-", None)],
)
def test_client_codes(text, expected):
    assert clients.parse_code(text) == expected


async def test_caseload_orders_most_recent_contact_first(db, clock):
    now = clock.now()
    async with db.session() as session:
        wanda = await create_worker(session, name="Wanda", role=Role.WORKER, now=now)
        for days, name in [(5, "Five"), (1, "One"), (None, "Never"), (3, "Three")]:
            client = await clients.create_client(
                session,
                name=name,
                program=Program.OTHER,
                contact_frequency_days=30,
                worker_id=wanda.id,
                now=now,
            )
            client.last_contact_at = now - timedelta(days=days) if days else None
    async with db.session() as session:
        page = await clients.caseload_page(
            session, Actor.of(wanda), 0, today=now.date(), zone=ZoneInfo("UTC"), page_size=3
        )
        total = (await session.execute(select(func.count()).select_from(Client))).scalar_one()
    assert [c.name for c in page.clients] == ["One", "Three", "Five"]
    assert (page.total, page.pages, total) == (4, 2, 4)
    assert page.overdue == frozenset()


async def test_caseload_puts_overdue_visits_first_and_narrows(db):
    now = datetime(2026, 3, 3, 12, tzinfo=UTC)
    async with db.session() as session:
        wanda = await create_worker(session, name="Wanda", role=Role.WORKER, now=now)
        made = {}
        for days, name, program in [
            (1, "Recent", Program.OTHER),
            (40, "Late", Program.HOSPICE),
            (2, "Fresh hospice", Program.HOSPICE),
        ]:
            client = await clients.create_client(
                session,
                name=name,
                program=program,
                contact_frequency_days=30,
                worker_id=wanda.id,
                now=now - timedelta(days=60),
            )
            client.last_contact_at = now - timedelta(days=days)
            made[name] = client.id
    utc = ZoneInfo("UTC")
    async with db.session() as session:
        actor = Actor.of(wanda)
        page = await clients.caseload_page(session, actor, 0, today=now.date(), zone=utc)
        late = await clients.caseload_page(
            session, actor, 0, today=now.date(), zone=utc, only="overdue"
        )
        hospice = await clients.caseload_page(
            session, actor, 0, today=now.date(), zone=utc, only="hospice"
        )
        nonsense = await clients.caseload_page(
            session, actor, 0, today=now.date(), zone=utc, only="drop table"
        )
    assert [c.name for c in page.clients] == ["Late", "Recent", "Fresh hospice"]
    assert page.overdue == {made["Late"]}
    assert [c.name for c in late.clients] == ["Late"] and late.only == "overdue"
    assert [c.name for c in hospice.clients] == ["Late", "Fresh hospice"]
    assert (nonsense.only, nonsense.total) == ("", 3)
