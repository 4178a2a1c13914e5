"""➕ New client in the Mini App (issues 22, 23): /newclient's questions on one form, so a
strict organisation's workers add clients without typing a name into the chat. The name by
the chat's rule, a namesake offered first, a retried request finding its client, audited
as /newclient's."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from storage.machinery import AuditEvent
from storage.models import Client
from tests.test_webapp_api import WANDA
from tests.test_webapp_browser import STEP_MS, page_url
from tests.webapp_support import api_post, init_data

TOKEN_A = "a" * 32
TOKEN_B = "b" * 32


async def post(bot, clock, body: dict) -> httpx.Response:
    return await api_post(bot, "/api/clients", "tma " + init_data(WANDA, clock.now()), body)


def new(name: str, token: str, **more) -> dict:
    return {"name": name, "program": "elderly", "frequency_days": 14, "token": token, **more}


async def test_a_client_added_on_the_page_is_the_workers_as_newclient_adds_one(
    strict_bot, db, clock
):
    await strict_bot.seed_worker(WANDA, "Wanda Worker")
    made = await post(strict_bot, clock, new("  Zelinda   Quarrington ", TOKEN_A))
    assert made.status_code == 201 and made.json()["code"] == "C-0001"
    # Sent again after a lost answer: the same client, not a namesake.
    again = await post(strict_bot, clock, new("Zelinda Quarrington", TOKEN_A))
    assert again.status_code == 201 and again.json()["id"] == made.json()["id"]
    # A new request by that name: the namesake is offered first, then added anyway.
    same = await post(strict_bot, clock, new("zelinda quarrington", TOKEN_B))
    assert same.status_code == 409
    assert [c["code"] for c in same.json()["clients"]] == ["C-0001"]
    anyway = await post(strict_bot, clock, new("zelinda quarrington", TOKEN_B, anyway=True))
    assert anyway.status_code == 201 and anyway.json()["code"] == "C-0002"
    # The chat's rule for names; forged bodies.
    assert (await post(strict_bot, clock, new("Z", "c" * 32))).json() == {"error": "too_short"}
    assert (await post(strict_bot, clock, new("Z" * 201, "c" * 32))).status_code == 422
    for forged in (
        new("Ann Other", "c" * 32, program="wizard"),
        new("Ann Other", "short"),
        {**new("Ann Other", "c" * 32), "frequency_days": "14"},
        {**new("Ann Other", "c" * 32), "worker_id": 1},
    ):
        assert (await post(strict_bot, clock, forged)).status_code == 400
    async with db.session() as session:
        clients = (await session.execute(select(Client).order_by(Client.id))).scalars().all()
        created = (
            (await session.execute(select(AuditEvent).where(AuditEvent.action == "client.create")))
            .scalars()
            .all()
        )
    assert [(c.name, c.program, c.contact_frequency_days) for c in clients] == [
        ("Zelinda Quarrington", "elderly", 14),
        ("zelinda quarrington", "elderly", 14),
    ]
    assert len(created) == 2
    wanda_id = await strict_bot.worker_id(WANDA)
    assert {c.worker_id for c in clients} == {wanda_id}


async def test_a_worker_adds_a_client_on_a_phone_and_lands_on_the_card(browser, strict_bot, clock):
    await strict_bot.seed_worker(WANDA, "Wanda Worker")
    existing = await strict_bot.seed_client(WANDA, "Maria Gonzalez")
    page = await browser.new_page(viewport={"width": 390, "height": 844})
    page.set_default_timeout(STEP_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    url = page_url(strict_bot, existing, init_data(WANDA, clock.now()))
    await page.goto(url.replace(f"?client={existing}", "?view=clients"))
    await page.locator("button", has_text="➕ New client").click()
    await page.fill("#new-client textarea", "Otto Brandt")
    await page.select_option("#new-client select >> nth=0", "hospice")
    await page.locator("#new-client button[type=submit]").click()
    await page.locator("h1", has_text="Otto Brandt").wait_for()
    await page.locator("#meta", has_text="Hospice").wait_for()
    # Back on the list, a namesake is offered before a second Maria is added.
    await page.locator("#back").click()
    await page.locator("button", has_text="➕ New client").click()
    await page.fill("#new-client textarea", "Maria Gonzalez")
    await page.locator("#new-client button[type=submit]").click()
    await page.locator("#new-client a.client-link", has_text="Maria Gonzalez").wait_for()
    assert errors == []
