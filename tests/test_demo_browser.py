"""`caseline demo` in a real browser: headless Chromium (Debian's) drives the chat page.

Wanda logs a note with the buttons, moves the clock an hour, gets the reminder and presses
its ✅ Done; then Sam moves the clock to 18:00 and sees the digest's chart.

Without Chromium at /usr/bin/chromium or without playwright's Python package the test is
skipped, saying which is missing; under CI (CI=true) it fails instead, since `.ci/run`
installs both. With CASELINE_DEMO_SCREENSHOT=docs/demo.png it also refreshes the README's
screenshot.
"""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import os
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.demo.runner import DemoRunner
from bot.demo.seed import SAM, WANDA, WILL

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
START = datetime(2026, 3, 3, 9, 10, tzinfo=ZoneInfo("Europe/Berlin"))
STEP_MS = 15_000
# A stray "<" and "&" from a worker: text to show as typed, never markup.
NOTE = "Pantry nearly empty, <2 meals a day & the fridge is broken"


def missing_requirements() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    if importlib.util.find_spec("playwright") is None:
        missing.append('playwright is not installed (pip install "playwright>=1.40,<2")')
    return missing


@pytest.fixture
async def demo() -> AsyncIterator[DemoRunner]:
    async with DemoRunner(0, timezone="Europe/Berlin", start=START) as runner:
        yield runner


async def test_a_day_in_the_demo_page(browser: Any, demo: DemoRunner, tmp_path: Path):
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(STEP_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    await page.goto(f"{demo.url}/#{WANDA.user_id}")
    await page.locator(".person.active", has_text="Wanda Worker").wait_for()
    await page.locator("#clock", has_text="Tue 3 Mar · 09:10").wait_for()
    # The morning agenda was there when the page opened.
    await page.locator(".row.incoming", has_text="Good morning, Wanda").wait_for()

    # A note in three taps plus the text.
    await page.fill("#text", "/note")
    await page.press("#text", "Enter")
    await page.locator(".row.outgoing", has_text="/note").wait_for()
    await page.locator(".inline-button", has_text="Maria Gonzalez").click()
    await page.locator(".inline-button", has_text="Home visit").click()
    await page.locator(".row.incoming", has_text="Note draft").last.wait_for()
    await page.fill("#text", NOTE)
    await page.press("#text", "Enter")
    await page.locator(".row.incoming", has_text="the fridge is broken").wait_for()
    await page.locator(".inline-button", has_text="Save").click()
    saved = page.locator(".row.incoming", has_text="saved")
    await saved.wait_for()
    # The bot's HTML is drawn (bold), the worker's own "<" and "&" stay text.
    await saved.locator("b", has_text="saved").wait_for()
    assert "<2 meals a day & the fridge" in await saved.inner_text()
    assert await page.locator(".row.incoming .edited").count() >= 1

    # An hour later the reminder for the 10:30 visit arrives; Done opens the visit log.
    await page.locator(".jump[data-jump=hour]").click()
    await page.locator("#clock", has_text="10:10").wait_for()
    reminder = page.locator(".row.incoming", has_text="⏰")
    await reminder.wait_for()
    assert "C-0001 Maria Gonzalez" in await reminder.inner_text()
    await reminder.locator(".inline-button", has_text="Done").click()
    await page.locator(".row.incoming", has_text="Tue 3 Mar 10:30").last.wait_for()
    await page.locator(".inline-button.pressed").wait_for(state="detached")
    await page.locator("#toast").wait_for(state="hidden")
    await page.mouse.move(640, 20)
    await page.screenshot(path=str(tmp_path / "wanda.png"))
    target = os.environ.get("CASELINE_DEMO_SCREENSHOT")
    if target:
        await page.screenshot(path=target)

    # Sam, at 18:00: the digest with its chart.
    await page.locator(".person", has_text="Sam Supervisor").click()
    await page.locator(".person.active", has_text="Sam Supervisor").wait_for()
    await page.locator(".jump[data-jump=evening]").click()
    await page.locator("#clock", has_text="18:00").wait_for()
    chart = page.locator("img.photo")
    await chart.wait_for()
    await page.wait_for_function(
        "() => { const img = document.querySelector('img.photo');"
        " return img && img.complete && img.naturalWidth > 0; }"
    )
    assert await chart.evaluate("img => img.naturalWidth") >= 400
    await page.locator(".row.incoming", has_text="team digest").wait_for()
    await page.screenshot(path=str(tmp_path / "sam.png"))
    assert f"#{SAM.user_id}" in page.url
    assert errors == []


PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


async def test_files_keyboards_menu_and_uploads_in_the_page(browser: Any, demo: DemoRunner):
    from telegram import ReplyKeyboardMarkup

    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(STEP_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    bot, will = demo.application.bot, WILL.user_id
    await page.goto(f"{demo.url}/#{will}")
    await page.locator(".person.active", has_text="Will Worker").wait_for()

    pdf = b"%PDF-1.4\n% the export\n%%EOF\n"
    await bot.send_document(will, pdf, filename="C-0007 export.pdf", caption="<b>Export</b>")
    link = page.locator("a.attachment.document", has_text="C-0007 export.pdf")
    async with page.expect_download() as download_info:
        await link.click()
    download = await download_info.value
    assert download.suggested_filename == "C-0007 export.pdf"
    saved = Path(await download.path())
    assert await asyncio.to_thread(saved.read_bytes) == pdf

    await bot.send_voice(will, b"OggS-a-voice-note", duration=7)
    await page.locator(".attachment.voice", has_text="0:07").wait_for()

    await bot.send_message(
        will,
        "Open <a href='https://example.org/guide'>the guide</a> or type <code>/help</code>",
        reply_markup=ReplyKeyboardMarkup([["Yes", "No"]]),
    )
    guide = page.locator("a.link", has_text="the guide")
    assert await guide.get_attribute("href") == "https://example.org/guide"
    assert await guide.get_attribute("rel") == "noopener noreferrer"
    await page.locator(".row.incoming code", has_text="/help").wait_for()
    await page.locator(".reply-button", has_text="Yes").click()
    await page.locator(".row.outgoing", has_text="Yes").wait_for()

    await page.locator("#menu-button").click()
    await page.locator(".menu-item", has_text="/today").click()
    await page.locator(".row.outgoing", has_text="/today").wait_for()

    await page.set_input_files(
        "#file", files=[{"name": "fridge.png", "mimeType": "image/png", "buffer": PIXEL_PNG}]
    )
    await page.locator(".row.outgoing img.photo").wait_for()
    assert errors == []


async def test_a_check_in_shares_a_location_from_the_page(browser: Any, demo: DemoRunner):
    """Issue 19: the bot's request-location button becomes 📍 Share location, which offers
    the client's seeded home or a point 2 km away."""
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(STEP_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(f"{demo.url}/#{WANDA.user_id}")
    await page.locator(".person.active", has_text="Wanda Worker").wait_for()
    await page.fill("#text", "/today")
    await page.press("#text", "Enter")
    await page.locator(".inline-button", has_text="10:30 · C-0001").last.click()
    await page.locator(".inline-button", has_text="📍 Check in").last.click()
    location = page.locator(".reply-button.location", has_text="Send my location")
    await location.click()
    await page.locator(".reply-button.choice", has_text="2 km away").wait_for()
    await page.locator(".reply-button.choice", has_text="C-0001's home").click()
    await page.locator(".row.outgoing", has_text="📍").wait_for()
    await page.locator(".row.incoming", has_text="Checked in").wait_for()
    assert "Verified" in await page.locator(".row.incoming", has_text="Checked in").inner_text()
    await page.locator("#reply-keyboard").wait_for(state="hidden")
    assert errors == []
