"""No update dies in the in-memory queue (issue 15, first step).

A fetched batch is in the database (the inbox) before the next getUpdates tells Telegram it
arrived. Updates fetched but not yet handled when the process is SIGKILLed are handled
after the restart, each once; an update both kept in the inbox and redelivered by Telegram
is handled once.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from devserver.faults import Fault
from storage import migrate, updates
from storage.clients import create_client
from storage.db import Database
from storage.kinds import Program, Role
from storage.models import Cover, Note
from storage.workers import create_worker
from tests.databases import fresh_database_url
from tests.harness import TOKEN
from tests.test_restart import BotProcess

WAIT = 60.0
MARKERS = [f"inbox-{n}" for n in range(1, 5)]


async def _seed(db: Database) -> None:
    now = datetime.now(UTC)
    async with db.session() as session:
        worker = await create_worker(session, name="Wanda Worker", role=Role.WORKER, now=now)
        worker.telegram_user_id = worker.chat_id = 701
        await session.flush()
        await create_client(
            session,
            name="Maria Gonzalez",
            program=Program.ELDERLY,
            contact_frequency_days=14,
            worker_id=worker.id,
            now=now,
        )


async def _note_texts(db: Database) -> list[str]:
    async with db.session() as session:
        return sorted((await session.execute(select(Note.text))).scalars().all())


async def _wait_for_notes(db: Database, count: int) -> list[str]:
    """The notes' texts once `count` are stored, or what is stored after WAIT seconds."""
    try:
        async with asyncio.timeout(WAIT):
            while True:
                if len(await _note_texts(db)) >= count:
                    break
                await asyncio.sleep(0.1)
    except TimeoutError:
        pass
    return await _note_texts(db)


async def _until(condition) -> None:
    async with asyncio.timeout(WAIT):
        while True:
            if condition():
                return
            await asyncio.sleep(0.02)


async def test_updates_waiting_in_memory_at_a_sigkill_are_handled_after_the_restart(
    devserver, backend, tmp_path
):
    async with fresh_database_url(backend, tmp_path) as url:
        await asyncio.to_thread(migrate.upgrade, url)
        db = Database(url)
        await _seed(db)
        state = devserver.bot(TOKEN)
        wanda = state.user(701, first_name="Wanda")
        bot = BotProcess(devserver, url, tmp_path / "bot.log")
        try:
            await bot.start()
            await state.wait_for_long_poll(timeout=WAIT)
            # Handling is held: the answer to /help stalls in Telegram, and Wanda's notes
            # queue behind it (one chat's updates are handled in order).
            state.faults.add(Fault("sendmessage", remaining=1, delay=120))
            wanda.send_text("/help")
            for marker in MARKERS:
                wanda.send_text(f"/note C-0001 phone: {marker}")
            # Telegram was told every one of them arrived: none will come again from there.
            await state.wait_until_delivered(timeout=WAIT)
            await state.wait_for_long_poll(timeout=WAIT)
            await _until(lambda: not state.faults.armed)  # /help's answer is stalling now
            assert await _note_texts(db) == []
            await bot.kill()

            await bot.start()
            stored = await _wait_for_notes(db, len(MARKERS))
            # Each note is answered (one chat's answers are paced: a second apart after 3).
            await state.wait_until_delivered(timeout=WAIT)
            await _until(
                lambda: len([m for m in state.chat_log(701) if m.from_bot]) >= len(MARKERS)
            )
            answers = [m.text for m in state.chat_log(701) if m.from_bot]
            stored = await _note_texts(db)
        finally:
            await bot.terminate()
            await db.dispose()
        # The /help being answered at the kill was handled (its answer goes out after its
        # commit, and is what is lost); the notes waiting behind it are handled, each once.
        assert stored == MARKERS
        assert [text.split(" · ")[0] for text in answers] == [
            f"✅ Note N-{n} saved" for n in range(1, len(MARKERS) + 1)
        ]
        log_text = (tmp_path / "bot.log").read_text()
        assert TOKEN not in log_text and "Maria" not in log_text


async def test_an_update_kept_in_the_inbox_and_redelivered_by_telegram_is_handled_once(
    harness,
):
    """The process stored a batch and died before the next getUpdates confirmed it: at the
    start the inbox hands the update over, and Telegram delivers it again."""
    from storage.machinery import InboxUpdate

    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    await harness.stop()
    sent = wanda.fake.send_text("/note C-0001 phone: twice-delivered")
    await _keep_in_inbox(harness.db, [sent], harness.clock.now())
    assert harness.state.pending_update_count == 1  # still unconfirmed at Telegram
    await harness.start()
    await harness.settle()

    assert await _note_texts(harness.db) == ["twice-delivered"]
    assert [m.text.split(" · ")[0] for m in wanda.messages()] == ["✅ Note N-1 saved"]
    async with harness.db.session() as session:
        row = await session.get(InboxUpdate, sent["update_id"])
    assert row is not None and row.handled_at is not None and row.payload is None


async def test_a_fetched_batch_is_stored_before_telegram_is_told(harness):
    """Each update the bot sees went through the inbox; it is kept only as an id once
    handled (the message's text is not kept)."""
    from storage.machinery import InboxUpdate

    wanda = await harness.seed_worker(701, "Wanda Worker")
    await wanda.send("/help")
    await wanda.send("/clients")
    async with harness.db.session() as session:
        rows = (await session.execute(select(InboxUpdate))).scalars().all()
    assert len(rows) == 2
    assert all(row.handled_at is not None and row.payload is None for row in rows)


async def test_the_gates_claim_and_worker_come_together_once_per_update(db, clock):
    """storage.updates.claim_for (one statement on PostgreSQL): an update from the inbox is
    claimed once with its worker and whom they cover; one that never went through the
    inbox is claimed by being stored handled; an unknown account is claimed, no worker."""
    now = clock.now()
    async with db.session() as session:
        wanda = await create_worker(session, name="Wanda", role=Role.WORKER, now=now)
        will = await create_worker(session, name="Will", role=Role.WORKER, now=now)
        wanda.telegram_user_id, will.telegram_user_id = 701, 702
        session.add(
            Cover(
                covering_worker_id=wanda.id,
                covered_worker_id=will.id,
                created_at=now,
                ends_at=now + timedelta(days=3),
            )
        )
    await _keep_in_inbox(db, [{"update_id": 5}], now)
    async with db.session() as session:
        claimed, worker, covering = await updates.claim_for(session, 5, 701, now)
        assert (claimed, worker.name if worker else None, covering) == (True, "Wanda", {will.id})
    async with db.session() as session:
        assert await updates.claim_for(session, 5, 701, now) == (False, None, frozenset())
        claimed, worker, _ = await updates.claim_for(session, 6, 702, now)  # never stored
        assert (claimed, worker.name if worker else None) == (True, "Will")
        assert (await updates.claim_for(session, 6, 702, now))[0] is False
        assert await updates.claim_for(session, 7, 999, now) == (True, None, frozenset())


async def _keep_in_inbox(db: Database, payloads: list[dict], now: datetime) -> None:
    """Store fetched updates as the poller does (bot/inbox.store), from their JSON."""
    await updates.keep(db, payloads, now)


async def test_the_poller_keeps_a_batch_as_telegram_sent_it(devserver):
    """bot/inbox.KeptUpdates: the JSON stored is getUpdates' own, not PTB's objects made
    into JSON again; a batch it does not hold (another call came between) is rebuilt."""
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.inbox import KeptUpdates, payloads_of

    kept = KeptUpdates(HTTPXRequest(connection_pool_size=1))
    devserver.bot(TOKEN).user(701, "Wanda").send_text("hello ✓")
    devserver.bot(TOKEN).user(701, "Wanda").send_text("again")
    async with Bot(TOKEN, base_url=devserver.base_url, get_updates_request=kept) as bot:
        batch = await bot.get_updates(timeout=0)
        assert [update.message.text for update in batch] == ["hello ✓", "again"]
        payloads = payloads_of(batch, kept)
        assert payloads is kept.last
        assert [raw["message"]["text"] for raw in payloads] == ["hello ✓", "again"]
        assert isinstance(payloads[0]["message"]["date"], int)
        # The next getUpdates confirms the batch: what is kept is not that batch any more.
        assert await bot.get_updates(offset=batch[-1].update_id + 1, timeout=0) == ()
        assert kept.last == []
        rebuilt = payloads_of(batch, kept)
        assert [raw["update_id"] for raw in rebuilt] == [update.update_id for update in batch]
        assert rebuilt[0]["message"]["text"] == "hello ✓"
