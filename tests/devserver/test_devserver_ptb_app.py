"""A real PTB Application polling the dev server over HTTP: echo, buttons, clean shutdown."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from devserver import BotApiServer, BotState, FakeUser

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Shout", callback_data="shout")]])


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text, reply_markup=KEYBOARD)


async def shout(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer(f"Pressed {query.data}")
    await query.edit_message_text(query.message.text.upper())  # type: ignore[union-attr]


@pytest.fixture
async def app(app_builder: ApplicationBuilder) -> AsyncIterator[Application]:
    application = app_builder.build()
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.add_handler(CallbackQueryHandler(shout))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


async def test_echo_press_and_edit(app: Application, state: BotState, user: FakeUser) -> None:
    seq = state.last_seq
    user.send_text("hello there")
    [sent] = await state.wait_for_events(seq, chat_id=user.id, kinds="send")

    [message] = state.chat_log(user.id)
    assert message.text == "hello there"
    assert message.message_id == sent.message_id == 2  # 1 was the user's own message
    assert message.buttons == [{"text": "Shout", "callback_data": "shout"}]

    seq = state.last_seq
    user.press(message.message_id, "shout")
    events = await state.wait_for_events(seq, count=2, chat_id=user.id)
    assert [e.kind for e in events] == ["answer_callback", "edit"]
    assert events[0].params["text"] == "Pressed shout"

    [edited] = state.chat_log(user.id)
    assert edited.text == "HELLO THERE"
    assert edited.edited and edited.reply_markup is None  # edit without markup drops it
    await state.wait_until_delivered(timeout=5)
    assert state.pending_update_count == 0


async def test_clean_shutdown(
    app_builder: ApplicationBuilder,
    state: BotState,
    user: FakeUser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = app_builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    seq = state.last_seq
    user.send_text("ping")
    await state.wait_for_events(seq, kinds="send")
    await app.updater.stop()
    await app.stop()
    await app.shutdown()

    assert state.calls[0].method == "getMe"
    assert {"deleteWebhook", "getUpdates", "sendMessage"} <= {c.method for c in state.calls}
    failed = [c for c in state.calls if c.status != 200]
    # PTB hanging up on its own long poll at shutdown is answered 499, never 409 or 5xx.
    assert all(c.method == "getUpdates" and c.status == 499 for c in failed), failed
    assert state.pending_update_count == 0  # PTB's final getUpdates confirmed everything
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_server_stop_ends_pending_long_poll(
    server: BotApiServer, state: BotState, app_builder: ApplicationBuilder
) -> None:
    app = app_builder.build()
    await app.initialize()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=30)
    await state.wait_for_long_poll(timeout=5)
    await server.stop()  # must not hang for the 30 s poll
    await app.updater.stop()
    await app.shutdown()
