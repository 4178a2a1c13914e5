"""Switching a worker off takes the bot's recent messages off their phone.

Every message the bot sends into a private chat is noted (bot/sent_messages.py) and its id
kept for Telegram's 48 hours; a "wipe" outbox row, queued when a worker is switched off,
deletes what is still deletable. The local Bot API server stamps messages with its own
clock, so each test keeps it in step with the injected one.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select

from bot import sent_messages
from bot.housekeeping import prune_update_ids
from bot.sent_messages import RecordingRequest
from storage import bot_messages
from storage.kinds import Role
from storage.machinery import BotMessage, OutboxMessage, OutboxStatus
from storage.models import Worker
from tests.conftest import START
from tests.test_reminders import _appointment, berlin


async def switch_off(harness, user_id: int) -> None:
    """What deactivating a worker does to their chat: inactive, and a wipe queued."""
    async with harness.db.session() as session:
        worker = (
            await session.scalars(select(Worker).where(Worker.telegram_user_id == user_id))
        ).one()
        worker.active = False
        await bot_messages.schedule_wipe(
            session, worker_id=worker.id, chat_id=worker.chat_id, now=harness.clock.now()
        )


async def recorded(harness, chat_id: int) -> list[BotMessage]:
    async with harness.db.session() as session:
        return list(
            (
                await session.scalars(
                    select(BotMessage)
                    .where(BotMessage.chat_id == chat_id)
                    .order_by(BotMessage.message_id)
                )
            ).all()
        )


async def wipe_rows(harness) -> list[OutboxMessage]:
    async with harness.db.session() as session:
        return list(
            (
                await session.scalars(
                    select(OutboxMessage).where(OutboxMessage.kind == bot_messages.WIPE_KIND)
                )
            ).all()
        )


def deletions(harness, chat_id: int) -> list[list[int]]:
    """The ids asked for in each deleteMessages call to `chat_id`."""
    return [
        list(call.params["message_ids"])
        for call in harness.state.calls
        if call.method == "deleteMessages" and call.params.get("chat_id") == chat_id
    ]


async def test_switching_a_worker_off_deletes_the_bots_messages_of_the_last_48_hours(
    harness, clock
):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    old = await wanda.send("/today")  # Monday 09:00: older than 48 h by the wipe

    clock.set(START + timedelta(hours=49))  # Wednesday 10:00
    ask = await wanda.send("/note")
    kinds = await wanda.press(ask[0], "C-0001")
    card = await wanda.press(kinds[-1], "Home visit")
    await wanda.send("Pantry empty, needs the food bank")
    await wanda.send("/today")
    await _appointment(harness, 701, client_id, berlin(2026, 3, 4, 15, 0))
    clock.set(berlin(2026, 3, 4, 14, 0))
    await harness.tick()
    [reminder] = [m for m in wanda.messages() if "⏰" in (m.text or "")]
    assert "C-0001 Maria Gonzalez" in reminder.text

    old_ids = {m.message_id for m in old}
    recent = [m.message_id for m in wanda.messages() if m.message_id not in old_ids]
    assert card[-1].message_id in recent and reminder.message_id in recent
    kept = {row.message_id for row in await recorded(harness, 701)}
    assert set(recent) | {m.message_id for m in old} <= kept  # answers and reminders alike

    await switch_off(harness, 701)
    await harness.tick()

    after = {m.message_id: m for m in harness.state.transcript(701)}
    assert all(after[i].deleted for i in recent), "every recent bot message is gone"
    assert not any(after[m.message_id].deleted for m in old), "older than 48 h: Telegram keeps it"
    own = [m for m in after.values() if not m.from_bot]
    assert own and not any(m.deleted for m in own), "the worker's own messages stay"
    # Only what Telegram still lets the bot delete was asked for, in one call.
    assert deletions(harness, 701) == [sorted(recent)]
    [row] = await wipe_rows(harness)
    assert row.status == OutboxStatus.SENT
    assert {r.message_id for r in await recorded(harness, 701)} == {m.message_id for m in old}

    # Switched off, the next tick sends nothing and deletes nothing more.
    calls = len(harness.state.calls)
    await harness.tick()
    assert not [c for c in harness.state.calls[calls:] if c.method != "getUpdates"]


async def test_a_wipe_for_a_worker_switched_on_again_deletes_nothing(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    await wanda.send("/today")
    await switch_off(harness, 701)
    worker_id = await harness.worker_id(701)
    async with harness.db.session() as session:
        (await session.get(Worker, worker_id)).active = True
    await harness.tick()
    assert deletions(harness, 701) == []
    assert not any(m.deleted for m in wanda.messages())
    [row] = await wipe_rows(harness)
    assert row.status == OutboxStatus.SKIPPED


async def test_a_wipe_in_a_chat_that_blocked_the_bot_fails_quietly(harness, clock):
    """Nothing can be deleted there; a switched-off worker's 403 is no news for anyone."""
    wanda = await harness.seed_worker(701, "Wanda Worker")
    sue = await harness.seed_worker(710, "Sue Supervisor", role=Role.SUPERVISOR)
    await wanda.send("/today")
    wanda.fake.block()
    await switch_off(harness, 701)
    await harness.tick()
    await harness.tick()
    [row] = await wipe_rows(harness)
    assert row.status == OutboxStatus.FAILED and "Forbidden" in (row.last_error or "")
    assert not any("blocked" in (m.text or "") for m in sue.messages())


async def test_a_long_chat_is_deleted_100_ids_per_call(harness, clock):
    await harness.seed_worker(701, "Wanda Worker")
    bot = harness.application.bot
    for n in range(130):
        await bot.send_message(chat_id=701, text=f"line {n}")
    await harness.application.record_sent(now=True)
    assert len(await recorded(harness, 701)) == 130
    await switch_off(harness, 701)
    await harness.tick()
    assert [len(ids) for ids in deletions(harness, 701)] == [100, 30]
    assert all(m.deleted for m in harness.state.chat_log(701))
    assert await recorded(harness, 701) == []


async def test_the_bot_api_server_keeps_messages_older_than_48_hours(harness, clock):
    """Telegram's window, on the local server's clock kept in step with the injected one:
    a bot message 49 hours old is skipped by deleteMessages, a younger one is deleted."""
    await harness.seed_worker(701, "Wanda Worker")
    bot = harness.application.bot
    old = await bot.send_message(chat_id=701, text="Monday")
    clock.set(START + timedelta(hours=47))
    young = await bot.send_message(chat_id=701, text="Wednesday")
    clock.set(START + timedelta(hours=49))
    assert await bot.delete_messages(chat_id=701, message_ids=[old.message_id, young.message_id])
    by_id = {m.message_id: m for m in harness.state.chat_log(701)}
    assert not by_id[old.message_id].deleted and by_id[young.message_id].deleted


async def test_housekeeping_forgets_ids_telegram_no_longer_lets_the_bot_delete(harness, clock):
    async with harness.db.session() as session:
        await bot_messages.remember(
            session,
            [
                (701, 1, START - timedelta(hours=49)),
                (701, 2, START - timedelta(hours=47)),
                (702, 3, START),
            ],
        )
    services = harness.application.bot_data["services"]
    await prune_update_ids(SimpleNamespace(services=services))
    async with harness.db.session() as session:
        left = set((await session.scalars(select(BotMessage.message_id))).all())
    assert left == {2, 3}


async def test_recording_failures_never_break_an_answer(harness, monkeypatch, errors):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)

    async def broken_store(session, sent):
        raise RuntimeError("database said no")

    monkeypatch.setattr(bot_messages, "remember", broken_store)
    answer = await wanda.send("/today")
    assert answer and not answer[-1].deleted

    def broken_notice(self, payload, request_data):
        raise ValueError("not the JSON we expected")

    monkeypatch.setattr(RecordingRequest, "_notice", broken_notice)
    answer = await wanda.send("/clients")
    assert answer and "1 client" in answer[-1].text
    assert errors.records == []
    assert await recorded(harness, 701) == []


async def test_sent_ids_are_written_in_batches_not_one_transaction_per_answer(harness):
    """An answer costs no transaction of its own: ids wait until FLUSH_EVERY of them do
    (or a tick, or shutdown), then go in one write."""
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    answers = [m.message_id for m in await wanda.send("/today")]
    assert answers and await recorded(harness, 701) == []
    sent = harness.application.bot_data["sent"]
    while len(sent) < sent_messages.FLUSH_EVERY - 1:
        await wanda.send("/today")
    assert await recorded(harness, 701) == []
    await wanda.send("/today")
    written = {row.message_id for row in await recorded(harness, 701)}
    assert set(answers) <= written and len(sent) == 0
