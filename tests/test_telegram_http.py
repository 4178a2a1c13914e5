"""The bots' HTTP client keeps no cookies (bot/telegram_http.py): what a server, or a proxy
in front of it, sets is neither kept nor sent back — and not even read, which is what made
it cost CPU on every answer."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from telegram.request import BaseRequest, HTTPXRequest

from bot.telegram_http import TelegramRequest


@pytest.fixture
async def cookie_server() -> AsyncIterator[str]:
    """A Bot API-shaped endpoint on loopback that sets a cookie on every answer and
    answers with the Cookie header it was sent ("" when none)."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                headers = dict(
                    line.split(": ", 1) for line in head.split("\r\n")[1:] if ": " in line
                )
                lowered = {name.lower(): value for name, value in headers.items()}
                await reader.readexactly(int(lowered.get("content-length", "0")))
                body = json.dumps({"ok": True, "result": lowered.get("cookie", "")}).encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Set-Cookie: session=abc; Path=/\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}/botTOKEN/getMe"


async def _cookies_sent(request: BaseRequest, url: str) -> list[object]:
    await request.initialize()
    try:
        return [await request.post(url) for _ in range(3)]
    finally:
        await request.shutdown()


async def test_a_cookie_set_by_the_server_is_never_sent_back(cookie_server: str):
    assert await _cookies_sent(TelegramRequest(connection_pool_size=1), cookie_server) == [
        "",
        "",
        "",
    ]


async def test_the_stock_client_would_send_it_back(cookie_server: str):
    """The server above does set a cookie that a client keeping them sends back: without
    this, the test above could pass against a server that never set one."""
    sent = await _cookies_sent(HTTPXRequest(connection_pool_size=1), cookie_server)
    assert sent == ["", "session=abc", "session=abc"]
