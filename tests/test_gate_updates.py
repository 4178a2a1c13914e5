"""Only a person's own private chat with the bot reaches Caseline.

Wanda connected Caseline to her Telegram Business account (or Telegram sends the bot
anything else it did not ask for): a message she writes to someone else, a group, a
channel, an inline query. None of it is hers to Caseline: her open note draft stays as it
was, nothing is sent anywhere, her chat stays hers, and the gate notes it once an hour.

The bot asks Telegram only for the update types it uses (`UPDATE_TYPES`); these tests run
it subscribed to everything, as a bot whose subscription an older version set would be, so
each update reaches the gate itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from telegram import Update

from bot.gate import UPDATE_TYPES
from storage.machinery import AuditEvent, PersistedData
from storage.models import Worker
from tests.harness import running
from ui import texts

WANDA = 701
OTHER = 999  # the person Wanda writes to from her business account


@pytest.fixture
async def subscribed_to_everything(devserver, db, db_url, clock):
    async with running(devserver, db, db_url, clock, allowed_updates=Update.ALL_TYPES) as bot:
        yield bot


async def _stored(harness) -> tuple[list[dict[str, Any]], int | None, list[tuple[str, Any]]]:
    """Wanda's persisted dialog data, her worker's chat, and the audit trail."""
    async with harness.db.session() as session:
        data = (await session.execute(select(PersistedData.data))).scalars().all()
        chat_id = (
            await session.execute(select(Worker.chat_id).where(Worker.telegram_user_id == WANDA))
        ).scalar_one()
        events = (await session.execute(select(AuditEvent).order_by(AuditEvent.id))).scalars()
        return list(data), chat_id, [(e.action, e.detail) for e in events]


async def _wanda_mid_note(harness):
    wanda = await harness.seed_worker(WANDA, "Wanda Worker")
    await harness.seed_client(WANDA)
    harness.person(OTHER, "Olga")  # a real chat, so anything sent to it would show
    ask = await harness.person(WANDA, "Wanda").send("/note C-0001")
    await wanda.press(ask[-1], "Home visit")
    card = await wanda.send("Seen at home.")
    assert "Seen at home." in card[-1].text
    return wanda


async def _nothing_happens(harness, act: Callable[[], Any]) -> None:
    before_seq = harness.state.last_seq
    before_calls = len(harness.state.calls)
    act()
    await harness.settle()
    assert harness.state.events()[before_seq:] == []
    sends = [c for c in harness.state.calls[before_calls:] if c.method != "getUpdates"]
    assert sends == []


async def test_a_business_message_leaves_the_draft_the_chat_and_everyone_alone(
    subscribed_to_everything, clock
):
    harness = subscribed_to_everything
    wanda = await _wanda_mid_note(harness)
    data_before, chat_before, audit_before = await _stored(harness)

    # Wanda writes to Olga from her business account: `from` is Wanda, the chat is Olga's.
    await _nothing_happens(
        harness,
        lambda: wanda.fake.send_business_message("Maria needs food, call her", chat_id=OTHER),
    )
    data, chat_id, trail = await _stored(harness)
    assert data == data_before  # the note draft did not take the text
    assert chat_id == chat_before == WANDA
    assert trail == audit_before + [("access.dropped", {"update": "business_message"})]
    assert harness.state.chat_log(OTHER) == []
    # Her own chat carries on with the draft as it was.
    card = await wanda.send("Brought groceries.")
    assert "Seen at home." in card[-1].text and "Brought groceries." in card[-1].text
    assert "Maria needs food" not in card[-1].text
    data_before, _, audit_before = await _stored(harness)

    # A second one within the hour, and Olga's answer: no further audit event.
    clock.advance(timedelta(minutes=59))
    await _nothing_happens(
        harness, lambda: wanda.fake.send_business_message("and her son", chat_id=OTHER)
    )
    await _nothing_happens(
        harness,
        lambda: wanda.fake.send_business_message("ok", chat_id=OTHER, outgoing=False),
    )
    data, chat_id, trail = await _stored(harness)
    assert (data, chat_id) == (data_before, WANDA)
    # Olga is another sender: her message is noted once too.
    assert trail == audit_before + [("access.dropped", {"update": "business_message"})]
    assert [action for action, _ in trail].count("access.dropped") == 2


async def test_a_business_connection_is_dropped_quietly(subscribed_to_everything):
    harness = subscribed_to_everything
    wanda = await _wanda_mid_note(harness)
    await _nothing_happens(harness, lambda: wanda.fake.connect_business())
    *_, trail = await _stored(harness)
    assert trail[-1] == ("access.dropped", {"update": "business_connection"})


@pytest.mark.parametrize(
    ("kind", "act"),
    [
        ("message", lambda state, wanda: wanda.fake.send_group_message("/clients")),
        ("inline_query", lambda state, wanda: wanda.fake.inline_query("C-0001")),
        ("channel_post", lambda state, wanda: state.post_channel_post(chat_id=-100777, text="/x")),
    ],
)
async def test_groups_channels_and_inline_queries_are_dropped_and_audited_once_an_hour(
    subscribed_to_everything, clock, kind, act
):
    harness = subscribed_to_everything
    wanda = await _wanda_mid_note(harness)
    data_before, _, audit_before = await _stored(harness)

    await _nothing_happens(harness, lambda: act(harness.state, wanda))
    await _nothing_happens(harness, lambda: act(harness.state, wanda))
    data, chat_id, trail = await _stored(harness)
    assert (data, chat_id) == (data_before, WANDA)
    assert trail == audit_before + [("access.dropped", {"update": kind})]

    clock.advance(timedelta(hours=1))
    await _nothing_happens(harness, lambda: act(harness.state, wanda))
    *_, trail = await _stored(harness)
    assert trail[len(audit_before) :] == [("access.dropped", {"update": kind})] * 2


async def test_the_bot_asks_telegram_only_for_what_it_uses(harness):
    """As `caseline run` subscribes: a business message is not even delivered."""
    assert set(UPDATE_TYPES) == {"message", "edited_message", "callback_query"}
    wanda = await _wanda_mid_note(harness)
    data_before, _, audit_before = await _stored(harness)
    await _nothing_happens(
        harness, lambda: wanda.fake.send_business_message("hello", chat_id=OTHER)
    )
    assert await _stored(harness) == (data_before, WANDA, audit_before)
    assert [m.text for m in await wanda.send("/cancel")][-1] != texts.UNKNOWN_USER
