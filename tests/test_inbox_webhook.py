"""Webhook mode keeps the inbox's promise: an update is in the database before the webhook
answers Telegram 200, so an update Telegram was told arrived is never lost.

The real Application in webhook mode, as `caseline run` with CASELINE_WEBHOOK_URL starts it
(PTB's run_webhook: initialize, post_init, the webhook listening, then the application),
with the local Bot API server POSTing each update to it as Telegram does.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import select, text

from bot.app import build_application
from bot.inbox import replay_at_start, webhook_options
from storage.machinery import InboxUpdate
from storage.models import Note
from tests.harness import BotHarness, settings_for

WAIT = 15.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@asynccontextmanager
async def listening(devserver, db, db_url, clock) -> AsyncIterator[BotHarness]:
    """The bot's webhook listening, the application built but not yet handling updates
    (`harness.application.start()` starts it): PTB's run_webhook, step by step."""
    port = _free_port()
    settings = settings_for(
        devserver,
        db_url,
        CASELINE_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
        CASELINE_WEBHOOK_PORT=str(port),
    )
    devserver.follow_clock(lambda: clock.now().timestamp())
    application: Any = build_application(settings, db, clock, rate_limiter=False)
    replay_at_start(application, db)
    harness = BotHarness(server=devserver, db=db, db_url=db_url, clock=clock)
    harness.application = application
    await application.initialize()
    try:
        await application.post_init(application)
        await application.updater.start_webhook(**webhook_options(settings))
        yield harness
    finally:
        if application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        await application.post_shutdown(application)


async def _inbox(db) -> list[InboxUpdate]:
    async with db.session() as session:
        return list((await session.execute(select(InboxUpdate))).scalars())


async def _notes(db) -> list[str]:
    async with db.session() as session:
        return list((await session.execute(select(Note.text))).scalars())


async def test_an_update_is_in_the_inbox_when_the_webhook_answers_200(devserver, db, db_url, clock):
    """Telegram POSTs the update twice (as it does when an answer is lost): both get 200,
    the update is stored once, before anything handles it, and is handled once."""
    async with listening(devserver, db, db_url, clock) as bot:
        wanda = await bot.seed_worker(701, "Wanda Worker")
        await bot.seed_client(701)
        bot.state.duplicate_next_update()
        sent = wanda.fake.send_text("/note C-0001 phone: Called about the pharmacy")
        await bot.state.wait_until_delivered(timeout=WAIT)  # every POST answered 2xx
        assert bot.state.webhook.delivered == 2 and bot.state.webhook.last_error_date is None

        # Nothing handles updates yet: what answered 200 was the storing.
        [row] = await _inbox(db)
        assert row.update_id == sent["update_id"] and row.handled_at is None
        assert row.payload is not None and row.payload["message"]["text"].endswith("pharmacy")
        assert await _notes(db) == []

        await bot.application.start()
        await bot.settle()
        assert await _notes(db) == ["Called about the pharmacy"]
        assert [m.text.split(" · ")[0] for m in wanda.messages()] == ["✅ Note N-1 saved"]
        [row] = await _inbox(db)
        assert row.handled_at is not None and row.payload is None


async def test_an_update_that_cannot_be_stored_is_not_answered_200(devserver, db, db_url, clock):
    """The inbox's table is gone for a while (the database refuses the write): the webhook
    answers an error, Telegram keeps the update and sends it again, and once the database
    is back it is stored, handled, and answered, once."""
    async with listening(devserver, db, db_url, clock) as bot:
        await bot.application.start()
        wanda = await bot.seed_worker(701, "Wanda Worker")
        await bot.seed_client(701)
        async with db.session() as session:
            await session.execute(text("ALTER TABLE inbox RENAME TO inbox_away"))

        wanda.fake.send_text("/note C-0001 phone: Called about the pharmacy")
        await bot.state.notifier.wait_for(lambda: bot.state.webhook.last_error_message, WAIT)
        assert "500" in bot.state.webhook.last_error_message
        assert bot.state.pending_update_count == 1  # Telegram still holds it
        assert bot.state.webhook.delivered == 0
        assert wanda.messages() == []

        async with db.session() as session:
            await session.execute(text("ALTER TABLE inbox_away RENAME TO inbox"))
        await bot.settle()  # Telegram's retry is answered 200, then it is handled
        assert await _notes(db) == ["Called about the pharmacy"]
        assert [m.text.split(" · ")[0] for m in wanda.messages()] == ["✅ Note N-1 saved"]


async def test_an_update_answered_200_but_not_handled_before_a_stop_is_handled_at_the_next_start(
    devserver, db, db_url, clock
):
    """Telegram was told it arrived, so it never comes again: the inbox hands it over."""
    async with listening(devserver, db, db_url, clock) as bot:
        wanda = await bot.seed_worker(701, "Wanda Worker")
        await bot.seed_client(701)
        wanda.fake.send_text("/note C-0001 phone: Called about the pharmacy")
        await bot.state.wait_until_delivered(timeout=WAIT)
    # The process stopped before the application handled anything.
    assert await _notes(db) == []

    async with listening(devserver, db, db_url, clock) as bot:
        await bot.application.start()
        await bot.settle()
        assert await _notes(db) == ["Called about the pharmacy"]
        assert [m.text.split(" · ")[0] for m in wanda.messages()] == ["✅ Note N-1 saved"]
