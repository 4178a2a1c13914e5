"""Update delivery: long polling, offsets, redelivery, webhooks and their mutual exclusion."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator

import pytest
import tornado.web
from telegram import Bot, Update
from telegram.error import Conflict
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from devserver import BotApiServer, BotState, FakeUser


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    bot: Bot, state: BotState, user: FakeUser
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=20))
    await state.wait_for_long_poll(timeout=5)
    started = time.monotonic()
    user.send_text("wake up")
    updates = await asyncio.wait_for(poll, 5)
    assert time.monotonic() - started < 1.0  # event-driven, not the 20 s timeout
    assert [u.message.text for u in updates if u.message] == ["wake up"]


async def test_empty_poll_and_offset_confirmation(
    bot: Bot, state: BotState, user: FakeUser
) -> None:
    assert await bot.get_updates(timeout=0) == ()
    user.send_text("/start")
    user.send_text("second")
    first, second = await bot.get_updates(timeout=0)
    assert first.message and first.message.text == "/start"
    assert first.message.entities[0].type == "bot_command"
    assert second.update_id == first.update_id + 1
    assert state.pending_update_count == 2  # fetched is not confirmed

    assert [u.update_id for u in await bot.get_updates(offset=second.update_id)] == [
        second.update_id
    ]
    assert state.pending_update_count == 1
    assert await bot.get_updates(offset=second.update_id + 1, timeout=0) == ()
    assert state.pending_update_count == 0
    await state.wait_until_delivered(timeout=1)


async def test_duplicate_next_update_redelivers_same_id(
    bot: Bot, state: BotState, user: FakeUser
) -> None:
    state.duplicate_next_update()
    user.send_text("twice")
    user.send_text("once")
    updates = await bot.get_updates(timeout=0)
    assert [(u.update_id, u.message.text) for u in updates if u.message] == [
        (1, "twice"),
        (1, "twice"),
        (2, "once"),
    ]


async def test_allowed_updates_filter(bot: Bot, state: BotState, user: FakeUser) -> None:
    sent = await bot.send_message(user.id, "menu")
    user.send_text("ignored")
    user.press(sent.message_id, "pick")
    [update] = await bot.get_updates(timeout=0, allowed_updates=["callback_query"])
    assert update.callback_query and update.callback_query.data == "pick"
    assert update.callback_query.message.from_user.is_bot  # type: ignore[union-attr]


async def test_updates_from_outside_the_private_chat_in_telegrams_shape(
    bot: Bot, state: BotState, user: FakeUser
) -> None:
    """A business message (another person's chat, through the user's business account), a
    business connection, a group message, a channel post and an inline query, parsed by PTB
    as Telegram's own; a bot that lists only ``message`` gets none of the others."""
    user.connect_business("conn-1")
    user.send_business_message("see you at 3", chat_id=999, connection_id="conn-1")
    user.send_business_message("thanks!", chat_id=999, connection_id="conn-1", outgoing=False)
    user.send_group_message("hi all", chat_id=-4001)
    state.post_channel_post(chat_id=-1002001, text="news")
    user.inline_query("maria")

    connection, mine, theirs, group, channel, inline = await bot.get_updates(timeout=0)
    assert connection.business_connection is not None
    assert (connection.business_connection.id, connection.business_connection.user.id) == (
        "conn-1",
        user.id,
    )
    for update, sender in ((mine, user.id), (theirs, 999)):
        message = update.business_message
        assert message is not None and update.message is None
        assert (message.chat.id, message.chat.type, message.business_connection_id) == (
            999,
            "private",
            "conn-1",
        )
        assert message.from_user is not None and message.from_user.id == sender
    assert group.message is not None and group.message.chat.type == "group"
    assert channel.channel_post is not None and channel.effective_user is None
    assert inline.inline_query is not None and inline.inline_query.from_user.id == user.id
    assert state.events(999) == []  # nothing of these lands in a chat the bot can see

    await bot.get_updates(offset=inline.update_id + 1, timeout=0)
    user.send_business_message("again", chat_id=999)
    user.send_text("mine")
    [only] = await bot.get_updates(timeout=0, allowed_updates=["message", "callback_query"])
    assert only.message is not None and only.message.text == "mine"


async def test_second_poller_gets_conflict(
    server: BotApiServer, bot: Bot, state: BotState, token: str
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=20))
    await state.wait_for_long_poll(timeout=5)
    async with Bot(token, base_url=server.base_url) as second_instance:
        await second_instance.get_updates(timeout=0)
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(poll, 5)


class _Hook(tornado.web.RequestHandler):
    """A webhook receiver that fails its first delivery, to exercise retries."""

    def initialize(self, received: list[dict], secrets: list[str | None]) -> None:
        self.received, self.secrets = received, secrets

    def post(self) -> None:
        self.secrets.append(self.request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        if len(self.secrets) == 1:
            self.set_status(500)
            return
        self.received.append(json.loads(self.request.body))


@pytest.fixture
async def hook_server() -> AsyncIterator[tuple[str, list[dict], list[str | None]]]:
    received: list[dict] = []
    secrets: list[str | None] = []
    app = tornado.web.Application([("/hook", _Hook, {"received": received, "secrets": secrets})])
    sockets = bind_sockets(0, "127.0.0.1")
    http_server = HTTPServer(app)
    http_server.add_sockets(sockets)
    try:
        yield f"http://127.0.0.1:{sockets[0].getsockname()[1]}/hook", received, secrets
    finally:
        http_server.stop()
        await http_server.close_all_connections()


async def test_webhook_delivery_with_secret_and_retry(
    bot: Bot,
    state: BotState,
    user: FakeUser,
    hook_server: tuple[str, list[dict], list[str | None]],
) -> None:
    url, received, secrets = hook_server
    assert await bot.set_webhook(url, secret_token="s3cret")
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()

    user.send_text("one")
    user.send_text("two")
    await state.wait_until_delivered(timeout=5)
    assert [u["message"]["text"] for u in received] == ["one", "two"]  # in order, despite retry
    assert set(secrets) == {"s3cret"} and len(secrets) == 3

    info = await bot.get_webhook_info()
    assert info.url == url and info.pending_update_count == 0
    assert "500" in (info.last_error_message or "")

    assert await bot.delete_webhook()
    user.send_text("three")
    [update] = await bot.get_updates(timeout=0)
    assert update.message and update.message.text == "three"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_ptb_application_in_webhook_mode(
    app_builder: ApplicationBuilder, state: BotState, user: FakeUser
) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"got {update.message.text}")  # type: ignore[union-attr]

    app = app_builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    port = _free_port()
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_webhook(
        listen="127.0.0.1",
        port=port,
        url_path="tg",
        webhook_url=f"http://127.0.0.1:{port}/tg",
        secret_token="s3cret",
    )
    try:
        seq = state.last_seq
        user.send_text("via webhook")
        await state.wait_for_events(seq, kinds="send", chat_id=user.id)
        assert state.chat_log(user.id)[-1].text == "got via webhook"
        assert state.webhook.secret_token == "s3cret"
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def test_every_user_action_parses_in_ptb(bot: Bot, state: BotState, user: FakeUser) -> None:
    text = user.send_text("typo")
    user.send_sticker()
    user.send_location(52.37, 4.89)
    user.send_contact("+31000000", "Case Worker")
    user.send_document(b"notes", "notes.txt", "text/plain")
    user.edit_text(text["message"]["message_id"], "fixed")
    updates = await bot.get_updates(timeout=0)
    messages = [u.message for u in updates[:5]]
    assert all(m is not None and m.chat.id == user.id for m in messages)
    assert messages[1].sticker and messages[1].sticker.emoji == "👍"  # type: ignore[union-attr]
    assert messages[2].location.latitude == 52.37  # type: ignore[union-attr]
    assert messages[3].contact.phone_number == "+31000000"  # type: ignore[union-attr]
    assert messages[4].document.file_name == "notes.txt"  # type: ignore[union-attr]
    edited = updates[5].edited_message
    assert edited and edited.text == "fixed" and edited.edit_date is not None
    assert [m.message_id for m in messages] == [1, 2, 3, 4, 5]
    assert state.transcript(user.id)[0].text == "fixed"
