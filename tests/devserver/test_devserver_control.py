"""The HTTP control API (via DevServerClient) and the standalone ``python -m`` process."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, RetryAfter

from devserver import BotApiServer, DevServerClient, DevServerError

REPO_ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
async def client(server: BotApiServer, token: str) -> AsyncIterator[DevServerClient]:
    async with DevServerClient(server.root_url, token) as control:
        yield control


async def test_users_messages_and_events_over_http(client: DevServerClient, bot: Bot) -> None:
    assert (await client.user(77, "Bo", username="bo"))["username"] == "bo"
    seq = await client.last_seq()
    update = await client.send_text(77, "/start")
    assert update["message"]["entities"][0]["type"] == "bot_command"
    [received] = await bot.get_updates(timeout=0)
    assert received.update_id == update["update_id"]

    waiting = asyncio.create_task(client.wait_for_events(seq, chat_id=77, kinds=["send"]))
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Open", callback_data="open:1")]])
    sent = await bot.send_message(77, "<i>Hi</i> Bo", parse_mode="HTML", reply_markup=keyboard)
    [event] = await asyncio.wait_for(waiting, 5)
    assert (event.kind, event.message_id, event.params["text"]) == (
        "send",
        sent.message_id,
        "<i>Hi</i> Bo",
    )

    [message] = await client.chat_log(77)
    assert message.text == "Hi Bo" and message.buttons[0]["callback_data"] == "open:1"
    assert [m.from_bot for m in await client.transcript(77)] == [False, True]

    press = await client.press(77, sent.message_id, "open:1")
    assert press["callback_query"]["message"]["message_id"] == sent.message_id
    with pytest.raises(DevServerError, match="no live bot message"):
        await client.press(77, 999, "x")

    with pytest.raises(TimeoutError, match="waited 0.2s"):
        await client.wait_for_events(await client.last_seq(), timeout=0.2)


async def test_steering_over_http(client: DevServerClient, bot: Bot) -> None:
    await client.user(78)
    await client.inject_fault("sendMessage", status=500)
    with pytest.raises(NetworkError):
        await bot.send_message(78, "lost")
    await client.set_rate_limits(True)
    await bot.send_message(78, "first")
    with pytest.raises(RetryAfter):
        await bot.send_message(78, "second")
    await client.set_rate_limits(False)

    await client.set_time_offset(86_400)
    tomorrow = await bot.send_message(78, "tomorrow")
    today = (await client.chat_log(78))[0].date
    assert tomorrow.date.timestamp() - today >= 86_000

    stats = await client.stats()
    assert stats["stats"]["500"] == 1 and stats["stats"]["429"] == 1
    assert [c.status for c in await client.calls() if c.method == "sendMessage"] == [
        500,
        200,
        429,
        200,
    ]

    await client.send_document(78, b"%PDF", "plan.pdf", "application/pdf")
    [update] = await bot.get_updates(timeout=0)
    assert update.message and update.message.document
    assert await client.download_file(update.message.document.file_id) == b"%PDF"
    await bot.get_updates(offset=update.update_id + 1, timeout=0)
    await client.wait_until_delivered(timeout=1)


async def test_standalone_process(token: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "devserver",
        "--port",
        "0",
        cwd=REPO_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 15)).decode().strip()
        assert line.startswith("Bot API server: http://127.0.0.1:") and line.endswith("/bot")
        base_url = line.split(": ", 1)[1]
        async with DevServerClient(base_url.removesuffix("/bot"), token) as client:
            await client.send_text(5, "hello from another process")
            async with Bot(token, base_url=base_url) as bot:
                [update] = await bot.get_updates(timeout=0)
                assert update.message and update.message.text == "hello from another process"
                await bot.send_message(5, "reply")
            assert [m.text for m in await client.chat_log(5)] == ["reply"]
    finally:
        process.terminate()
        assert await asyncio.wait_for(process.wait(), 10) == 0
