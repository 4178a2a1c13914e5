"""The caseload in the Mini App (issue 22): /clients' 🗂 Open shows the worker's own clients
as /clients lists them (overdue first), each opening its card, which links back. Another
worker's clients are not in it; without valid init data there is no list."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from sqlalchemy import update

from storage.models import Client
from tests.test_webapp_api import SAM, WANDA
from tests.test_webapp_browser import STEP_MS, THEME
from tests.webapp_support import api, init_data, web_app_urls


async def a_caseload(webapp_bot, db, clock) -> dict[str, int]:
    await webapp_bot.seed_worker(WANDA, "Wanda Worker", team="North")
    await webapp_bot.seed_worker(SAM, "Sam Smith", team="North")
    ids = {
        "Maria Gonzalez": await webapp_bot.seed_client(WANDA, "Maria Gonzalez"),
        "Otto Brandt": await webapp_bot.seed_client(WANDA, "Otto Brandt"),
        "Sams Client": await webapp_bot.seed_client(SAM, "Sams Client"),
    }
    # Otto was seen yesterday; Maria two months ago (so her visit is overdue).
    async with db.session() as session:
        for name, days in (("Otto Brandt", 1), ("Maria Gonzalez", 60)):
            await session.execute(
                update(Client)
                .where(Client.id == ids[name])
                .values(last_contact_at=clock.now() - timedelta(days=days))
            )
    return ids


async def test_the_caseload_is_the_workers_own_as_clients_lists_it(webapp_bot, db, clock):
    ids = await a_caseload(webapp_bot, db, clock)
    answer = await api(webapp_bot, "/api/clients", "tma " + init_data(WANDA, clock.now()))
    assert answer.status_code == 200
    listed = answer.json()["clients"]
    assert [client["name"] for client in listed] == ["Maria Gonzalez", "Otto Brandt"]
    assert listed[0]["overdue"] and not listed[1]["overdue"]
    assert answer.json()["total"] == 2 and "Sams Client" not in answer.text
    assert listed[1]["id"] == ids["Otto Brandt"]
    refused = await api(webapp_bot, "/api/clients", "tma forged")
    assert refused.status_code == 401 and "Maria" not in refused.text


async def test_clients_in_the_chat_opens_the_caseload_page(webapp_bot, db, clock):
    await a_caseload(webapp_bot, db, clock)
    (listing,) = await webapp_bot.person(WANDA, "Wanda").send("/clients")
    assert web_app_urls(listing) == ["http://127.0.0.1:8090/?view=clients"]


async def test_without_the_mini_app_clients_has_no_open_button(harness, db, clock):
    await harness.seed_worker(WANDA, "Wanda Worker", team="North")
    await harness.seed_client(WANDA, "Maria Gonzalez")
    (listing,) = await harness.person(WANDA, "Wanda").send("/clients")
    assert web_app_urls(listing) == []


async def test_a_worker_opens_a_client_from_the_caseload_and_comes_back(
    browser, webapp_bot, db, clock
):

    ids = await a_caseload(webapp_bot, db, clock)
    fragment = f"tgWebAppData={quote(init_data(WANDA, clock.now()), safe='')}"
    fragment += f"&tgWebAppThemeParams={quote(json.dumps(THEME), safe='')}"
    page = await browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page.set_default_timeout(STEP_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(f"http://127.0.0.1:{webapp_bot.webapp_port}/?view=clients#{fragment}")
    await page.locator("h1", has_text="My clients").wait_for()
    assert await page.locator("#meta").text_content() == "2 clients"
    rows = page.locator("#clients a.client-link")
    assert await rows.count() == 2
    first = await rows.nth(0).text_content()
    assert first is not None and first.startswith("❗ C-") and "Maria Gonzalez" in first
    assert "overdue" in first
    box = await rows.nth(1).bounding_box()
    assert box is not None and box["height"] >= 44
    assert "Sams Client" not in await page.content()
    screenshot = os.environ.get("CASELINE_WEBAPP_SCREENSHOT")
    if screenshot:
        await page.screenshot(path=screenshot.replace(".png", "-caseload.png"))

    await rows.nth(1).click()
    await page.locator("h1", has_text="Otto Brandt").wait_for()
    # Seen yesterday: the next visit is due, not overdue (judged by Caseline's today).
    due = page.locator("#card .row", has_text="Next visit due")
    assert "overdue" not in (await due.text_content() or "")
    assert f"client={ids['Otto Brandt']}" in page.url
    await page.locator("#back").click()
    await page.locator("h1", has_text="My clients").wait_for()
    assert errors == []


async def test_the_card_says_when_the_next_visit_is_due_by_caselines_today(webapp_bot, db, clock):
    ids = await a_caseload(webapp_bot, db, clock)
    signed = "tma " + init_data(WANDA, clock.now())
    maria = (await api(webapp_bot, f"/api/clients/{ids['Maria Gonzalez']}", signed)).json()
    otto = (await api(webapp_bot, f"/api/clients/{ids['Otto Brandt']}", signed)).json()
    today = clock.now().astimezone(ZoneInfo("Europe/Berlin")).date().isoformat()
    assert maria["reader"]["today"] == otto["reader"]["today"] == today
    assert maria["visit_due_on"] < today < otto["visit_due_on"]
