"""The Mini App's API (issue 22) through the running bot: real HTTP to the server the bot
starts in its own loop, the chat's use cases behind it, a real database (SQLite and
PostgreSQL). A worker reads a card and a full note; forged, stale and missing init data,
an account that is no worker, and another team's client are refused and audited."""

from __future__ import annotations

import dataclasses
import socket
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from bot.app import build_application
from bot.webapp.server import WebAppPortUnavailable
from storage import notes
from storage.kinds import InteractionType
from storage.machinery import AuditEvent
from storage.models import Client
from tests.harness import settings_for
from tests.webapp_support import api, api_post, init_data, wanda_and_maria, web_app_urls

WANDA, SAM, STRANGER = 501, 502, 503
FULL_NOTE = (
    "Home visit, kitchen table.\n"
    "Second line the card leaves off: the landlord agreed to fix the heating by Friday.\n"
    + "Long account of the visit. "
    * 200
)


async def audit_events(db, action: str) -> list[AuditEvent]:
    async with db.session() as session:
        found = await session.execute(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
        return list(found.scalars())


async def a_client_with_a_note(webapp_bot, db, clock) -> int:
    worker_id, client_id = await wanda_and_maria(webapp_bot)
    now = clock.now()
    async with db.session() as session:
        client = await session.get(Client, client_id)
        note = await notes.create_note(
            session,
            client=client,
            author_id=worker_id,
            interaction_type=InteractionType.HOME_VISIT,
            occurred_at=now - timedelta(days=1),
            text=FULL_NOTE,
            now=now - timedelta(days=1),
        )
        await notes.amend(session, note, author_id=worker_id, text="The heating is fixed.", now=now)
    return client_id


async def test_a_worker_reads_their_clients_card_and_the_full_note(webapp_bot, db, clock):
    client_id = await a_client_with_a_note(webapp_bot, db, clock)
    signed = f"tma {init_data(WANDA, clock.now())}"

    card = await api(webapp_bot, f"/api/clients/{client_id}", signed)
    assert card.status_code == 200
    assert card.headers["cache-control"] == "no-store"
    body = card.json()
    assert body["client"]["name"] == "Maria Gonzalez"
    assert body["client"]["code"] == f"C-{client_id:04d}"
    assert body["worker"] == "Wanda Worker"
    # Times are read in the worker's zone and language (the organisation's here), not the phone's.
    assert body["reader"] == {"zone": "Europe/Berlin", "language": "en", "today": "2026-03-02"}
    assert [note["text"] for note in body["recent_notes"]] == [FULL_NOTE]
    assert body["recent_notes"][0]["amended"] is True

    history = await api(webapp_bot, f"/api/clients/{client_id}/history", signed)
    assert history.status_code == 200
    events = history.json()["events"]
    note = next(event for event in events if event["kind"] == "note")
    assert note["text"] == FULL_NOTE  # whole, where a chat message stops at 4096 characters
    assert [amendment["text"] for amendment in note["amendments"]] == ["The heating is fixed."]
    assert note["author"] == "Wanda Worker"

    # Audited as the chat's looks are, by the same use cases.
    worker_id = await webapp_bot.worker_id(WANDA)
    for action in ("client.view", "client.history"):
        (look,) = await audit_events(db, action)
        assert (look.actor_worker_id, look.client_id, look.allowed) == (worker_id, client_id, True)
    assert await audit_events(db, "webapp.refused") == []


async def test_forged_stale_and_missing_init_data_are_refused_and_audited(webapp_bot, db, clock):
    client_id = await a_client_with_a_note(webapp_bot, db, clock)
    now = clock.now()
    forged = init_data(WANDA, now, token="654321:another-bots-token")
    stale = init_data(WANDA, now - timedelta(minutes=5, seconds=1))
    tampered = init_data(SAM, now).replace(str(SAM), str(WANDA))
    for authorization in (f"tma {forged}", f"tma {stale}", f"tma {tampered}", None, "Bearer x"):
        for path in (f"/api/clients/{client_id}", f"/api/clients/{client_id}/history"):
            response = await api(webapp_bot, path, authorization)
            assert response.status_code == 401, (authorization, path)
            assert response.json() == {"error": "sign_in"}
            assert "Maria" not in response.text

    refused = await audit_events(db, "webapp.refused")
    reasons = [event.detail["reason"] for event in refused]
    assert reasons == ["forged"] * 2 + ["stale"] * 2 + ["forged"] * 2 + ["malformed"] * 4
    for event in refused:
        assert event.allowed is False
        assert event.client_id is None and event.actor_worker_id is None
        assert event.actor_telegram_id is None  # the id in unverified init data is not believed
        assert set(event.detail) == {"reason"}  # never the init data, never a name
    assert await audit_events(db, "client.view") == []
    assert await audit_events(db, "client.history") == []


async def test_a_signed_account_that_is_no_worker_is_refused_and_audited(webapp_bot, db, clock):
    client_id = await a_client_with_a_note(webapp_bot, db, clock)
    signed = f"tma {init_data(STRANGER, clock.now())}"
    response = await api(webapp_bot, f"/api/clients/{client_id}", signed)
    assert response.status_code == 401
    (event,) = await audit_events(db, "webapp.refused")
    assert (event.actor_telegram_id, event.detail) == (STRANGER, {"reason": "unknown"})


async def test_another_teams_client_is_refused_as_the_chat_refuses_it(webapp_bot, db, clock):
    client_id = await a_client_with_a_note(webapp_bot, db, clock)
    sam = await webapp_bot.seed_worker(SAM, "Sam Southern", team="South")
    signed = f"tma {init_data(SAM, clock.now())}"
    missing = client_id + 1000
    for path in (
        f"/api/clients/{client_id}",
        f"/api/clients/{client_id}/history",
        f"/api/clients/{missing}",  # no such client: the same answer
    ):
        response = await api(webapp_bot, path, signed)
        assert response.status_code == 404
        assert response.json() == {"error": "not_found"}
    sam_id = await webapp_bot.worker_id(SAM)
    web_refusals = [
        (event.action, event.client_id, event.allowed)
        for event in await audit_events(db, "client.view")
        + await audit_events(db, "client.history")
        if event.actor_worker_id == sam_id
    ]
    # The chat's /client refuses the same look, audited the same way.
    await sam.send(f"/client C-{client_id:04d}")
    chat_refusals = [
        (event.action, event.client_id, event.allowed)
        for event in await audit_events(db, "client.view")
        if event.actor_worker_id == sam_id
    ]
    assert web_refusals[0] == chat_refusals[-1] == ("client.view", client_id, False)
    assert ("client.history", client_id, False) in web_refusals
    assert len(web_refusals) == 3


async def test_only_the_api_needs_init_data_and_unknown_api_paths_are_404(webapp_bot):
    response = await api(webapp_bot, "/api/nothing", None)
    assert response.status_code == 404


async def test_the_card_opens_the_mini_app_on_the_client(webapp_bot, db, clock):
    client_id = await a_client_with_a_note(webapp_bot, db, clock)
    wanda = webapp_bot.person(WANDA, "Wanda")
    (card,) = await wanda.send(f"/client C-{client_id:04d}")
    assert web_app_urls(card) == [f"http://127.0.0.1:8090/?client={client_id}"]
    (button,) = [b for row in card.reply_markup["inline_keyboard"] for b in row if "web_app" in b]
    assert button["text"] == "🗂 Open"


async def test_without_the_mini_app_the_card_has_no_open_button(harness, db, clock):
    client_id = await a_client_with_a_note(harness, db, clock)
    (card,) = await harness.person(WANDA, "Wanda").send(f"/client C-{client_id:04d}")
    assert "Maria Gonzalez" in card.text
    assert web_app_urls(card) == []
    assert "webapp" not in harness.application.bot_data


# -- writing a note ----------------------------------------------------------------------------

NOTE_TOKEN = "0123456789abcdef0123456789abcdef"


async def post_note(webapp_bot, client_id: int, authorization: str | None, body) -> httpx.Response:
    return await api_post(webapp_bot, f"/api/clients/{client_id}/notes", authorization, body)


async def test_a_note_written_on_the_page_is_in_the_chats_history(webapp_bot, db, clock):
    client_id = await a_client_with_a_note(webapp_bot, db, clock)
    signed = f"tma {init_data(WANDA, clock.now())}"
    text = "Called about the heating: fixed, flat warm again."
    note = {"kind": "phone", "text": text, "token": NOTE_TOKEN}

    first = await post_note(webapp_bot, client_id, signed, note)
    assert first.status_code == 201
    assert (first.json()["kind"], first.json()["text"]) == ("phone", text)
    # Sent again (a lost answer, a double tap): the note it already became, not a second.
    again = await post_note(webapp_bot, client_id, signed, note)
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])

    # The chat's own /history shows it, once.
    wanda = webapp_bot.person(WANDA, "Wanda")
    shown = "\n".join(message.text for message in await wanda.send(f"/history C-{client_id:04d}"))
    assert shown.count(text) == 1
    (created,) = await audit_events(db, "note.create")
    assert (created.actor_worker_id, created.client_id) == (
        await webapp_bot.worker_id(WANDA),
        client_id,
    )


async def test_a_note_is_refused_as_the_chat_refuses_it(webapp_bot, db, clock):
    client_id = await a_client_with_a_note(webapp_bot, db, clock)
    await webapp_bot.seed_worker(SAM, "Sam Southern", team="South")
    wanda = f"tma {init_data(WANDA, clock.now())}"
    sam = f"tma {init_data(SAM, clock.now())}"
    forged = f"tma {init_data(WANDA, clock.now(), token='654321:another-bots-token')}"
    note = {"kind": "phone", "text": "Written where it should not be", "token": NOTE_TOKEN}

    assert (await post_note(webapp_bot, client_id, forged, note)).status_code == 401
    assert (await post_note(webapp_bot, client_id, None, note)).status_code == 401
    # Another team's client: 404, and refused in the audit trail as the chat's note is.
    assert (await post_note(webapp_bot, client_id, sam, note)).status_code == 404
    (refused,) = await audit_events(db, "note.create")
    assert (refused.actor_worker_id, refused.allowed) == (await webapp_bot.worker_id(SAM), False)
    # What is not a note: 400; a note the chat would not save either: 422 with the reason.
    for body in (
        b"not json",
        {**note, "kind": "not_given"},
        {**note, "token": "short"},
        {**note, "text": 7},
        [note],
    ):
        assert (await post_note(webapp_bot, client_id, wanda, body)).status_code == 400, body
    empty = await post_note(webapp_bot, client_id, wanda, {**note, "text": "   "})
    assert (empty.status_code, empty.json()) == (422, {"error": "empty"})
    long = await post_note(webapp_bot, client_id, wanda, {**note, "text": "x" * 20_001})
    assert (long.status_code, long.json()) == (422, {"error": "too_long"})
    assert [event.allowed for event in await audit_events(db, "note.create")] == [False]


async def test_a_taken_mini_app_port_is_one_line_saying_what_to_change(
    devserver, db, db_url, clock
):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = dataclasses.replace(
            settings_for(devserver, db_url), webapp_url="http://127.0.0.1:1", webapp_port=port
        )
        application = build_application(settings, db, clock)
        with pytest.raises(WebAppPortUnavailable) as refused:
            await application.bot_data["webapp"].start()
    assert str(refused.value).startswith(f"cannot serve the Mini App on 127.0.0.1:{port} (")
    assert str(refused.value).endswith("choose another CASELINE_WEBAPP_PORT")
    assert "\n" not in str(refused.value)
