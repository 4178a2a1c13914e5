"""CASELINE_DELETE_AFTER_HOURS: the bot's cards and confirmations leave the chat that many
hours after they were sent, through the outbox and its sending budget; the record stays
in Caseline (issue 23)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.settings import ConfigError, load_settings
from storage import bot_messages
from storage.machinery import OutboxMessage, OutboxStatus
from storage.models import Note
from tests.harness import running

_expiries = select(OutboxMessage).where(OutboxMessage.kind == bot_messages.EXPIRE_KIND)


@pytest.fixture
async def deleting(devserver, db, db_url, clock):
    async with running(devserver, db, db_url, clock, CASELINE_DELETE_AFTER_HOURS="2") as bot:
        yield bot


async def _a_note(harness, wanda) -> list:
    ask = await wanda.send("/note maria")
    await wanda.press(ask[-1], "Phone")
    card = await wanda.send("Talked about the stairs.")
    return await wanda.press(card[-1], "Save")


def _deleted(harness, user_id: int) -> dict[int, bool]:
    return {m.message_id: m.deleted for m in harness.state.transcript(user_id) if m.from_bot}


async def test_the_bots_messages_go_after_their_hours_and_not_before(deleting, clock):
    wanda = await deleting.seed_worker(701, "Wanda Worker")
    await deleting.seed_client(701, "Maria Gonzalez")
    saved = await _a_note(deleting, wanda)
    assert "Note N-1 saved" in saved[0].text
    first = set(_deleted(deleting, 701))

    clock.advance(timedelta(hours=1, minutes=59))
    later = await wanda.send("/agenda")  # younger: stays when the first ones go
    await deleting.tick()
    assert not any(_deleted(deleting, 701).values()), "not before their hours"

    clock.advance(timedelta(minutes=2))
    await deleting.tick()
    deleted = _deleted(deleting, 701)
    assert all(deleted[i] for i in first)
    assert not any(deleted[m.message_id] for m in later)
    worker_own = [m for m in deleting.state.transcript(701) if not m.from_bot]
    assert not any(m.deleted for m in worker_own), "standard mode: the worker's stay"
    async with deleting.db.session() as session:
        [note] = (await session.execute(select(Note))).scalars().all()
        rows = (await session.execute(_expiries)).scalars().all()
    assert note.text == "Talked about the stairs."  # the record stays
    assert [row.status for row in rows] == [OutboxStatus.SENT]

    # Nothing more is due: the next tick queues nothing again.
    await deleting.tick()
    async with deleting.db.session() as session:
        assert len((await session.execute(_expiries)).scalars().all()) == 1
    clock.advance(timedelta(hours=2))
    await deleting.tick()
    assert all(_deleted(deleting, 701).values())


async def test_without_the_setting_nothing_is_deleted(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    await _a_note(harness, wanda)
    clock.advance(timedelta(hours=47))
    await harness.tick()
    assert not any(_deleted(harness, 701).values())


@pytest.mark.parametrize("value", ["0", "48", "two"])
def test_the_hours_must_be_1_to_47(value):
    with pytest.raises(ConfigError, match="CASELINE_DELETE_AFTER_HOURS"):
        load_settings({"CASELINE_DELETE_AFTER_HOURS": value})
