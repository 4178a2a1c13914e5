"""One update, one transaction; answers after the commit (issue 15).

- A crash while an update's transaction is open (its effects written, not committed) leaves
  it unhandled in the inbox: after the restart it is handled again, and saved once.
- A crash after the commit, while the answer is on its way, loses at most the answer: the
  record stays, and the update is not handled a second time.
- What Telegram refuses at delivery is dealt with there: a button press too old to be
  acknowledged gets its text as a message, an edit of a message that is gone goes below.
"""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy import select

from devserver.faults import Fault
from storage import migrate
from storage.db import Database
from storage.machinery import InboxUpdate
from tests.databases import fresh_database_url
from tests.harness import TOKEN
from tests.test_inbox import WAIT, _note_texts, _seed, _until, _wait_for_notes
from tests.test_restart import BotProcess

TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


async def _inbox(db: Database) -> list[tuple[int, bool]]:
    async with db.session() as session:
        rows = await session.execute(
            select(InboxUpdate.update_id, InboxUpdate.handled_at).order_by(InboxUpdate.update_id)
        )
        return [(update_id, handled is not None) for update_id, handled in rows.all()]


async def _waiting_on_a_lock(url: str) -> bool:
    """Some other session waits for a lock: the bot's write, inside its transaction."""
    connection = await asyncpg.connect(url)
    try:
        return bool(
            await connection.fetchval(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
        )
    finally:
        await connection.close()


async def test_a_crash_inside_the_updates_transaction_leaves_it_to_be_handled_again(
    devserver, backend, tmp_path
):
    if backend != "postgres":
        pytest.skip("holds the bot inside its transaction with a table lock (PostgreSQL)")
    async with fresh_database_url(backend, tmp_path) as url:
        await asyncio.to_thread(migrate.upgrade, url)
        db = Database(url)
        await _seed(db)
        state = devserver.bot(TOKEN)
        wanda = state.user(701, first_name="Wanda")
        bot = BotProcess(devserver, url, tmp_path / "bot.log")
        plain_url = url.replace("postgresql+asyncpg://", "postgresql://")
        locker = await asyncpg.connect(plain_url)
        try:
            await bot.start()
            await state.wait_for_long_poll(timeout=WAIT)
            # The note's insert waits on this lock inside the update's transaction: the
            # update is claimed there, the note written there, nothing committed.
            transaction = locker.transaction()
            await transaction.start()
            await locker.execute("LOCK TABLE notes IN ACCESS EXCLUSIVE MODE")
            wanda.send_text("/note C-0001 phone: inside the transaction")
            await state.wait_until_delivered(timeout=WAIT)
            async with asyncio.timeout(WAIT):
                while True:
                    if await _waiting_on_a_lock(plain_url):
                        break
                    await asyncio.sleep(0.05)
            await bot.kill()
            await transaction.rollback()
            assert await _inbox(db) == [(1, False)]  # stored, never marked handled

            await bot.start()
            stored = await _wait_for_notes(db, 1)
            await _until(lambda: any(m.from_bot for m in state.chat_log(701)))
            answers = [m.text for m in state.chat_log(701) if m.from_bot]
            inbox = await _inbox(db)
        finally:
            await locker.close()
            await bot.terminate()
            await db.dispose()
        assert stored == ["inside the transaction"]
        assert [text.split(" · ")[0] for text in answers] == ["✅ Note N-1 saved"]
        assert inbox == [(1, True)]


async def test_a_crash_while_the_answer_is_on_its_way_keeps_the_note_and_saves_it_once(
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
            state.faults.add(Fault("sendmessage", remaining=1, delay=120))
            wanda.send_text("/note C-0001 phone: answered late")
            await state.wait_until_delivered(timeout=WAIT)
            await _until(lambda: not state.faults.armed)  # the answer is stalling now
            # The answer goes out only after the commit: the note is already stored.
            assert await _note_texts(db) == ["answered late"]
            await bot.kill()
            state.faults.clear()

            await bot.start()
            await state.wait_for_long_poll(timeout=WAIT)
            wanda.send_text("/help")  # handled after the note's update, if that came again
            await _until(lambda: any(m.from_bot for m in state.chat_log(701)))
            await state.wait_until_delivered(timeout=WAIT)
            stored = await _note_texts(db)
            inbox = await _inbox(db)
        finally:
            await bot.terminate()
            await db.dispose()
        assert stored == ["answered late"]
        assert inbox == [(1, True), (2, True)]
        bot_texts = [m.text for m in state.chat_log(701) if m.from_bot]
        assert not any("saved" in text for text in bot_texts)  # the lost answer, not redone


async def test_a_button_press_too_old_to_acknowledge_is_answered_in_the_chat(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    listing = await wanda.send("/clients")
    harness.state.faults.add(
        Fault("answercallbackquery", remaining=1, status=400, description=TOO_OLD)
    )
    reply = await wanda.press_data(listing[0].message_id, "cl:o:999")
    assert [m.text for m in reply if "can't find" in m.text]  # said as a message
    assert not any("can't find" in toast for toast in wanda.toasts())


async def test_an_answer_to_a_message_that_is_gone_goes_below(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client = await harness.seed_client(701, "Maria Gonzalez")
    listing = await wanda.send("/clients")
    harness.state.faults.add(
        Fault(
            "editmessagetext",
            remaining=1,
            status=400,
            description="Bad Request: message to edit not found",
        )
    )
    reply = await wanda.press_data(listing[0].message_id, f"cl:o:{client}")
    card = [m for m in reply if f"C-{client:04d}" in m.text and not m.edited]
    assert card and card[-1].message_id != listing[0].message_id
