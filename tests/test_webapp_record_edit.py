"""The Mini App's Referrals and People tabs write (issues 22/23): a referral moved, a new
one made after the client's consent, a person added, edited or their relation ended —
each through the use case the chat's dialog calls, so the chat shows it, the audit trail
says it as the chat's, another team's client is 404 and a forged value changes nothing.
Under CASELINE_PRIVACY=strict, where the chat sends none of it, the page is the way.
Real HTTP to the bot's own server, a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
from typing import Any

import httpx
from sqlalchemy import select

from storage import resources as directory
from storage.models import ClientContact, Consent, Referral
from tests.test_webapp_api import SAM, WANDA, audit_events
from tests.test_webapp_browser import STEP_MS, page_url
from tests.test_webapp_pages import PERSON, RESOURCE, a_client_with_a_plan_referrals_and_people
from tests.webapp_support import api, api_post, init_data, phone_page

NEW_PERSON = "Bruno Becker"


async def post(webapp_bot, path: str, user: int, body) -> httpx.Response:
    """`api_post` signed by the Telegram user `user`, now."""
    signed = f"tma {init_data(user, webapp_bot.clock.now())}"
    return await api_post(webapp_bot, path, signed, body)


async def get(webapp_bot, path: str, user: int) -> httpx.Response:
    return await api(webapp_bot, path, f"tma {init_data(user, webapp_bot.clock.now())}")


async def _referrals(webapp_bot) -> list[Referral]:
    async with webapp_bot.db.session() as session:
        return list((await session.execute(select(Referral).order_by(Referral.id))).scalars())


async def _open_referral(webapp_bot, client_id: int) -> int:
    (sent,) = [r for r in await _referrals(webapp_bot) if r.reason == "Pantry empty"]
    return sent.id


async def _chat_lists_referrals(webapp_bot) -> str:
    """What /refer C-0001 shows in the chat: the client's open referrals."""
    wanda = webapp_bot.person(WANDA)
    (asked,) = await wanda.send("/refer C-0001")
    await wanda.send("/cancel")
    return asked.text


async def test_a_referral_is_moved_on_the_page_as_on_its_card(webapp_bot, db, clock):
    client_id = await a_client_with_a_plan_referrals_and_people(webapp_bot, db, clock)
    referral_id = await _open_referral(webapp_bot, client_id)
    move = f"/api/clients/{client_id}/referrals/{referral_id}/move"

    accepted = await post(webapp_bot, move, WANDA, {"from": "sent", "to": "accepted"})
    assert accepted.status_code == 200
    # The answer is the page as it now is, so the tab redraws.
    first = accepted.json()["referrals"][0]
    assert (first["id"], first["status"]) == (referral_id, "accepted")
    assert f"R-{referral_id}" in await _chat_lists_referrals(webapp_bot)

    # The same press again (a stale page): 409, nothing changed, the page as it is.
    again = await post(webapp_bot, move, WANDA, {"from": "sent", "to": "accepted"})
    assert again.status_code == 409
    assert again.json()["referrals"][0]["status"] == "accepted"

    # A completion needs its outcome, as the chat asks for one.
    for forged in (
        {"from": "accepted", "to": "completed"},
        {"from": "accepted", "to": "completed", "text": 5},
        {"from": "accepted", "to": "withdrawn", "text": "why"},
        {"from": "accepted", "to": "sent"},
        {"from": "opened", "to": "completed", "text": "x"},
        ["accepted", "completed"],
    ):
        refused = await post(webapp_bot, move, WANDA, forged)
        assert refused.status_code == 400, forged
    blank = await post(
        webapp_bot, move, WANDA, {"from": "accepted", "to": "completed", "text": " "}
    )
    assert (blank.status_code, blank.json()) == (422, {"error": "empty"})
    assert (await _referrals(webapp_bot))[0].status == "accepted"

    done = await post(
        webapp_bot,
        move,
        WANDA,
        {"from": "accepted", "to": "completed", "text": "Gets weekly parcels"},
    )
    assert done.status_code == 200
    moved = [r for r in done.json()["referrals"] if r["id"] == referral_id][0]
    assert (moved["status"], moved["outcome"]) == ("completed", "Gets weekly parcels")
    # No longer open: the chat's /refer lists it no more.
    assert f"R-{referral_id}" not in await _chat_lists_referrals(webapp_bot)

    wanda_id = await webapp_bot.worker_id(WANDA)
    for action in ("referral.accept", "referral.complete"):
        events = await audit_events(db, action)
        assert [(e.actor_worker_id, e.client_id) for e in events if e.allowed] == [
            (wanda_id, client_id)
        ]


async def test_a_decline_keeps_its_reason_and_another_teams_client_is_404(webapp_bot, db, clock):
    client_id = await a_client_with_a_plan_referrals_and_people(webapp_bot, db, clock)
    referral_id = await _open_referral(webapp_bot, client_id)
    move = f"/api/clients/{client_id}/referrals/{referral_id}/move"
    await webapp_bot.seed_worker(SAM, "Sam Southern", team="South")
    sam_id = await webapp_bot.worker_id(SAM)

    body = {"from": "sent", "to": "declined", "text": "Not eligible"}
    refused = await post(webapp_bot, move, SAM, body)
    assert (refused.status_code, refused.json()) == (404, {"error": "not_found"})
    assert "Maria" not in refused.text
    # The referral under another client's path: 404 too, nothing moved.
    other = await webapp_bot.seed_client(WANDA, "Otto Anders")
    wrong = f"/api/clients/{other}/referrals/{referral_id}/move"
    assert (await post(webapp_bot, wrong, WANDA, body)).status_code == 404
    assert (await _referrals(webapp_bot))[0].status == "sent"
    declines = await audit_events(db, "referral.decline")
    assert [(e.actor_worker_id, e.allowed) for e in declines] == [(sam_id, False)] + [
        (await webapp_bot.worker_id(WANDA), False)
    ]

    declined = await post(webapp_bot, move, WANDA, {**body, "text": "Not\n eligible  "})
    assert declined.status_code == 200
    (shown,) = [r for r in declined.json()["referrals"] if r["id"] == referral_id]
    assert (shown["status"], shown["decline_reason"]) == ("declined", "Not eligible")


async def test_a_new_referral_asks_consent_first_then_a_resource(webapp_bot, db, clock):
    _wanda, client_id = await _new_client(webapp_bot)
    async with db.session() as session:
        food = await directory.create(
            session, directory.ResourceData(name=RESOURCE, category="Food")
        )
        food_id = food.id
    choices = await get(webapp_bot, f"/api/clients/{client_id}/referrals/new", WANDA)
    assert choices.status_code == 200
    body = choices.json()
    assert body["consent"] is None
    assert [(r["id"], r["name"], r["benefit"]) for r in body["resources"]] == [
        (food_id, RESOURCE, False)
    ]
    referral = {
        "resource": food_id,
        "reason": "Pantry empty",
        "follow_up_on": "2026-03-09",
        "application_date": None,
    }
    path = f"/api/clients/{client_id}/referrals"
    # No consent in force: what the use case says is missing, nothing saved.
    no_consent = await post(webapp_bot, path, WANDA, referral)
    assert (no_consent.status_code, no_consent.json()) == (422, {"error": "consent"})

    consent = f"/api/clients/{client_id}/referrals/consent"
    assert (await post(webapp_bot, consent, WANDA, {"given": "yes"})).status_code == 400
    assert (await post(webapp_bot, consent, WANDA, {"given": True, "scope": ""})).status_code == 422
    given = await post(webapp_bot, consent, WANDA, {"given": True, "scope": "Food help"})
    assert given.status_code == 201
    (consented,) = await audit_events(db, "consent.record")
    assert (consented.client_id, consented.detail["via"]) == (client_id, "webapp")
    choices = await get(webapp_bot, f"/api/clients/{client_id}/referrals/new", WANDA)
    assert choices.json()["consent"]["scope"] == "Food help"

    for forged in (
        {**referral, "resource": "1"},
        {**referral, "follow_up_on": "9 March"},
        {**referral, "reason": None},
        {**referral, "application_date": "soon"},
    ):
        assert (await post(webapp_bot, path, WANDA, forged)).status_code == 400, forged
    gone = await post(webapp_bot, path, WANDA, {**referral, "resource": food_id + 99})
    assert (gone.status_code, gone.json()) == (422, {"error": "resource"})
    past = await post(webapp_bot, path, WANDA, {**referral, "follow_up_on": "2026-03-01"})
    assert (past.status_code, past.json()) == (422, {"error": "day"})
    assert await _referrals(webapp_bot) == []

    made = await post(webapp_bot, path, WANDA, referral)
    assert made.status_code == 201
    (listed,) = made.json()["referrals"]
    assert (listed["resource"]["name"], listed["status"]) == (RESOURCE, "sent")
    (saved,) = await _referrals(webapp_bot)
    async with db.session() as session:
        kept = await session.get(Consent, saved.consent_id)
        assert kept is not None and kept.scope == "Food help"
    (created,) = await audit_events(db, "referral.create")
    assert (created.client_id, created.allowed) == (client_id, True)
    assert f"R-{saved.id}" in await _chat_lists_referrals(webapp_bot)
    # Another team's worker: 404 for the choices, the consent and the referral.
    await webapp_bot.seed_worker(SAM, "Sam Southern", team="South")
    assert (
        await get(webapp_bot, f"/api/clients/{client_id}/referrals/new", SAM)
    ).status_code == 404
    assert (await post(webapp_bot, consent, SAM, {"given": False})).status_code == 404
    assert (await post(webapp_bot, path, SAM, referral)).status_code == 404
    assert len(await _referrals(webapp_bot)) == 1
    sam_id = await webapp_bot.worker_id(SAM)
    refused = [
        (e.action, e.client_id)
        for e in await audit_events(db, "referral.create")
        + await audit_events(db, "consent.record")
        if e.actor_worker_id == sam_id and not e.allowed
    ]
    assert sorted(refused) == sorted(
        [("referral.create", client_id)] * 2 + [("consent.record", client_id)]
    )


async def _new_client(webapp_bot) -> tuple[int, int]:
    await webapp_bot.seed_worker(WANDA, "Wanda Worker", team="North")
    return await webapp_bot.worker_id(WANDA), await webapp_bot.seed_client(WANDA)


async def _people(webapp_bot) -> list[ClientContact]:
    async with webapp_bot.db.session() as session:
        found = await session.execute(select(ClientContact).order_by(ClientContact.id))
        return list(found.scalars())


async def _chat_people(webapp_bot) -> str:
    """The chat's 👥 People list of the client (as tests/test_people.py opens it)."""
    from ui import texts

    wanda = webapp_bot.person(WANDA)
    [history] = await wanda.send("/history C-0001")
    [card] = await wanda.press(history, texts.CARD_BACK)
    [listed] = await wanda.press(card, texts.CARD_PEOPLE)
    return listed.text


async def test_a_person_is_added_edited_and_ended_on_the_page(webapp_bot, db, clock):
    _wanda, client_id = await _new_client(webapp_bot)
    path = f"/api/clients/{client_id}/people"
    person = {
        "relation": "neighbour",
        "name": NEW_PERSON,
        "phone": "+49 30 999 888",
        "organisation": None,
        "consent": True,
    }
    for forged in (
        {**person, "name": 7},
        {**person, "consent": "yes"},
        {**person, "phone": ["+49"]},
        {**person, "anyway": 1},
    ):
        assert (await post(webapp_bot, path, WANDA, forged)).status_code == 400, forged
    bad_relation = await post(webapp_bot, path, WANDA, {**person, "relation": "boss"})
    assert bad_relation.status_code == 422
    assert await _people(webapp_bot) == []

    added = await post(webapp_bot, path, WANDA, person)
    assert added.status_code == 201
    (shown,) = added.json()["around"]
    assert (shown["name"], shown["phone"], shown["consent"]) == (NEW_PERSON, "+49 30 999 888", True)
    assert NEW_PERSON in await _chat_people(webapp_bot)
    # The same name again is offered first, as the chat's "already listed".
    twice = await post(webapp_bot, path, WANDA, person)
    assert (twice.status_code, twice.json()["error"]) == (409, "already_listed")
    assert len(await _people(webapp_bot)) == 1

    person_id = shown["id"]
    edit = f"{path}/{person_id}"
    assert (
        await post(webapp_bot, edit, WANDA, {"field": "ended_at", "value": "x"})
    ).status_code == 400
    assert (
        await post(webapp_bot, edit, WANDA, {"field": "consent", "value": "no"})
    ).status_code == 400
    edited = await post(webapp_bot, edit, WANDA, {"field": "notes", "value": "Visits on Sundays"})
    assert edited.status_code == 200
    assert edited.json()["around"][0]["notes"] == "Visits on Sundays"

    ended = await post(webapp_bot, f"{edit}/end", WANDA, {})
    assert ended.status_code == 200
    (earlier,) = ended.json()["earlier"]
    assert earlier["id"] == person_id and earlier["ended_at"] is not None
    assert (await post(webapp_bot, f"{edit}/end", WANDA, {})).status_code == 409

    wanda_id = await webapp_bot.worker_id(WANDA)
    for action in ("client.people.add", "client.people.edit", "client.people.end"):
        events = [e for e in await audit_events(db, action) if e.allowed]
        assert [(e.actor_worker_id, e.client_id) for e in events] == [(wanda_id, client_id)]
    # Another team's worker: 404, nothing changed, the refusal audited.
    await webapp_bot.seed_worker(SAM, "Sam Southern", team="South")
    assert (await post(webapp_bot, path, SAM, {**person, "name": "X"})).status_code == 404
    assert (
        await post(webapp_bot, f"{edit}", SAM, {"field": "name", "value": "X"})
    ).status_code == 404
    assert len(await _people(webapp_bot)) == 1
    sam_id = await webapp_bot.worker_id(SAM)
    assert [
        e.allowed
        for e in await audit_events(db, "client.people.add")
        if e.actor_worker_id == sam_id
    ] == [False]


async def test_in_strict_mode_the_page_writes_what_the_chat_will_not(strict_bot, db, clock):
    client_id = await a_client_with_a_plan_referrals_and_people(strict_bot, db, clock)
    referral_id = await _open_referral(strict_bot, client_id)
    moved = await post(
        strict_bot,
        f"/api/clients/{client_id}/referrals/{referral_id}/move",
        WANDA,
        {"from": "sent", "to": "withdrawn"},
    )
    assert moved.status_code == 200
    assert (await _referrals(strict_bot))[0].status == "withdrawn"
    added = await post(
        strict_bot,
        f"/api/clients/{client_id}/people",
        WANDA,
        {"relation": "neighbour", "name": NEW_PERSON},
    )
    assert added.status_code == 201
    assert NEW_PERSON in [p.name for p in await _people(strict_bot)]
    (withdrawn,) = await audit_events(db, "referral.withdraw")
    assert withdrawn.allowed


async def on_a_phone(browser, webapp_bot, client_id: int) -> tuple[Any, list[str]]:
    """Wanda's page of the client at 390×844, opened; and the page's errors, as they come."""
    page, errors = await phone_page(browser, STEP_MS)
    await page.goto(page_url(webapp_bot, client_id, init_data(WANDA, webapp_bot.clock.now())))
    await page.locator("h1", has_text="Maria Gonzalez").wait_for()
    return page, errors


async def test_a_worker_moves_a_referral_and_adds_a_person_on_a_phone(
    browser, webapp_bot, db, clock
):
    client_id = await a_client_with_a_plan_referrals_and_people(webapp_bot, db, clock)
    page, errors = await on_a_phone(browser, webapp_bot, client_id)
    screenshot = os.environ.get("CASELINE_WEBAPP_SCREENSHOT")

    await page.locator("#tabs button[data-tab=referrals]").click()
    open_row = page.locator("#referrals .row[data-referral]", has_text=RESOURCE)
    decline = open_row.locator("button[data-move=declined]")
    await decline.wait_for()
    box = await decline.bounding_box()
    assert box is not None and box["height"] >= 44
    await decline.click()
    # Declining asks why, as the chat does.
    await open_row.locator("textarea").fill("No capacity")
    if screenshot:
        await page.screenshot(path=screenshot.replace(".png", "-move.png"), full_page=True)
    await open_row.locator("button[data-send]").click()
    await page.locator("#referrals .detail", has_text="No capacity").wait_for()
    assert (await _referrals(webapp_bot))[0].status == "declined"

    # A new referral: the consent in force is said, then the service, reason, follow-up.
    await page.locator("#referrals button[data-new-referral]").click()
    made = page.locator("#referrals form.record-edit.new")
    await made.locator("p", has_text="Consent: all").wait_for()
    await made.locator("select[name=resource]").select_option(label="Lunch Club (Social)")
    await made.locator("textarea[name=reason]").fill("Meets people")
    await made.locator("button[data-send=referral]").click()
    await page.locator("#referrals .row[data-referral] .detail", has_text="Meets people").wait_for()
    assert [r.reason for r in await _referrals(webapp_bot)][-1] == "Meets people"

    await page.locator("#tabs button[data-tab=people]").click()
    await page.locator("#people .row[data-person]", has_text=PERSON).first.wait_for()
    await page.locator("#people button[data-add-person]").click()
    form = page.locator("#people form.record-edit")
    await form.locator("select[name=relation]").select_option("neighbour")
    await form.locator("input[name=name]").fill(NEW_PERSON)
    await form.locator("input[name=phone]").fill("+49 30 111 222")
    if screenshot:
        await page.screenshot(path=screenshot.replace(".png", "-person.png"), full_page=True)
    await form.locator("button[type=submit]").click()
    await page.locator("#people .row[data-person] .text", has_text=NEW_PERSON).wait_for()
    assert NEW_PERSON in [p.name for p in await _people(webapp_bot)]
    width = await page.evaluate("document.querySelector('main').scrollWidth")
    assert width <= 390
    assert errors == []


async def test_on_a_phone_consent_comes_first_and_a_relation_ends(browser, webapp_bot, db, clock):
    _wanda, client_id = await _new_client(webapp_bot)
    async with db.session() as session:
        await directory.create(session, directory.ResourceData(name=RESOURCE, category="Food"))
    page, errors = await on_a_phone(browser, webapp_bot, client_id)

    await page.locator("#tabs button[data-tab=referrals]").click()
    await page.locator("#referrals button[data-new-referral]").click()
    asked = page.locator("#referrals form.record-edit.new")
    await asked.locator("p", has_text="There is no consent to share").wait_for()
    await asked.locator("input[name=scope]").fill("Food help")
    await asked.locator("button[data-consent=yes]").click()
    await page.locator(
        "#referrals form.record-edit.new p", has_text="Consent: Food help"
    ).wait_for()
    await page.locator("#referrals textarea[name=reason]").fill("Pantry empty")
    await page.locator("#referrals button[data-send=referral]").click()
    await page.locator("#referrals .row[data-referral]", has_text=RESOURCE).wait_for()
    (made,) = await _referrals(webapp_bot)
    assert made.reason == "Pantry empty"

    await page.locator("#tabs button[data-tab=people]").click()
    await page.locator("#people button[data-add-person]").click()
    form = page.locator("#people form.record-edit")
    await form.locator("input[name=name]").fill(NEW_PERSON)
    await form.locator("button[type=submit]").click()
    person = page.locator("#people .row[data-person]", has_text=NEW_PERSON)
    # ✏️ Edit: each changed detail saved, as the chat changes one at a time.
    await person.locator("button[data-edit]").click()
    await person.locator("textarea[name=notes]").fill("Visits on Sundays")
    await person.locator("select[name=consent]").select_option("yes")
    await person.locator("button[type=submit]").click()
    await person.locator(".text", has_text="Visits on Sundays").wait_for()
    await person.locator(".label", has_text="consent to share: yes").wait_for()
    await person.locator("button[data-end]").click()
    await person.locator("button[data-send=end]").click()
    await page.locator("#people h2", has_text="Earlier").wait_for()
    (ended,) = await _people(webapp_bot)
    assert ended.ended_at is not None
    assert errors == []
