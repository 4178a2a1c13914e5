"""For the Mini App's tests: init data as Telegram signs it for the page, written out from
Telegram's documentation here, not taken from domain/rules/webapp_auth.py, so a mistake
there cannot sign and then accept its own mistake; the bot's env with its Mini App; and the
page's requests to the bot's own server."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from urllib.parse import urlencode

import httpx

from tests.harness import TOKEN

# Wanda works in North (Telegram id 501): the worker the pages' tests read as.
WANDA = 501

# What the 🗂 Open button opens in these tests (the conftest's `webapp_bot`); the server
# itself takes any free port.
WEBAPP_URL = "http://127.0.0.1:8090"

# The bot's env with the Mini App on a free port (the conftest's `webapp_bot`), and in strict
# mode, which needs it (`strict_bot`): strict and standard then differ in CASELINE_PRIVACY alone.
WITH_MINI_APP = {"CASELINE_WEBAPP_URL": WEBAPP_URL, "CASELINE_WEBAPP_PORT": "0"}
STRICT = {"CASELINE_PRIVACY": "strict", **WITH_MINI_APP}


def init_data(user_id: int, auth_date: datetime, token: str = TOKEN, first_name: str = "W") -> str:
    values = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": user_id, "first_name": first_name, "language_code": "en"}),
        "auth_date": str(int(auth_date.timestamp())),
    }
    check = "\n".join(f"{key}={values[key]}" for key in sorted(values))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    values["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(values)


async def api(bot, path: str, authorization: str | None) -> httpx.Response:
    """GET `path` from the bot's Mini App server as the page does; `authorization` is the
    header it sends (`tma <init data>`), None for none."""
    headers = {"Authorization": authorization} if authorization is not None else {}
    async with httpx.AsyncClient() as client:
        return await client.get(
            f"http://127.0.0.1:{bot.webapp_port}{path}", headers=headers, timeout=10
        )


async def api_post(bot, path: str, authorization: str | None, body) -> httpx.Response:
    """POST `body` to `path` as the page does: JSON, or bytes sent as they are (a forged
    body); `authorization` as for `api`."""
    headers = {"Authorization": authorization} if authorization is not None else {}
    async with httpx.AsyncClient() as client:
        return await client.post(
            f"http://127.0.0.1:{bot.webapp_port}{path}",
            headers=headers,
            content=body if isinstance(body, bytes) else json.dumps(body).encode(),
            timeout=10,
        )


def web_app_urls(message) -> list[str]:  # noqa: ANN001
    """The addresses a message's 🗂 buttons open."""
    markup = message.reply_markup or {}
    return [
        button["web_app"]["url"]
        for row in markup.get("inline_keyboard", [])
        for button in row
        if "web_app" in button
    ]


async def wanda_and_maria(webapp_bot) -> tuple[int, int]:
    """Wanda Worker (North) and her client Maria Gonzalez: their ids (worker, client)."""
    await webapp_bot.seed_worker(WANDA, "Wanda Worker", team="North")
    client_id = await webapp_bot.seed_client(WANDA, "Maria Gonzalez")
    return await webapp_bot.worker_id(WANDA), client_id


async def phone_page(browser, step_ms: int):  # noqa: ANN001, ANN201
    """A new page at a phone's 390×844, and the list its script errors are collected in."""
    page = await browser.new_page(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, locale="en-US"
    )
    page.set_default_timeout(step_ms)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors
