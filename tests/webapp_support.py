"""For the Mini App's tests: init data as Telegram signs it for the page, written out from
Telegram's documentation here, not taken from domain/rules/webapp_auth.py, so a mistake
there cannot sign and then accept its own mistake."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from urllib.parse import urlencode

from tests.harness import TOKEN

# Wanda works in North (Telegram id 501): the worker the pages' tests read as.
WANDA = 501

# What the 🗂 Open button opens in these tests (the conftest's `webapp_bot`); the server
# itself takes any free port.
WEBAPP_URL = "http://127.0.0.1:8090"


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
