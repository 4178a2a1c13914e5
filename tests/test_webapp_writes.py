"""The Mini App's corrections (issues 22/23): ✏️ Amend a note, 💬 Comment and ✍️ Co-sign it
as a supervisor, ✏️ Edit the client's identifying details — what strict mode's chat refuses,
taken on the page through the chat's own use cases, in both privacy modes. Each write shows
where the chat shows it and is audited as the chat's; another team's note or client is 404
(the refusal audited), a forged body 400, the use case's objection 422. Real HTTP to the
bot's own server, a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage.kinds import Role
from storage.models import Client, Note
from tests.test_webapp_api import WANDA, a_client_with_a_note, audit_events
from tests.webapp_support import api, api_post, init_data

SUE, OTTO = 510, 511
TOKEN = "00112233445566778899aabbccddeeff"


async def _world(bot, db, clock) -> tuple[int, int, int]:
    """Wanda's client Maria with a note, Sue (North's supervisor), Otto's client (South)."""
    client_id = await a_client_with_a_note(bot, db, clock)
    await bot.seed_worker(SUE, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    await bot.seed_worker(OTTO, "Otto Other", team="South")
    theirs = await bot.seed_client(OTTO, "Tomasz Nowak")
    async with db.session() as session:
        note_id = (await session.execute(select(Note.id))).scalar_one()
    return client_id, note_id, theirs


async def _amend_comment_and_cosign(bot, db, clock) -> tuple[int, int]:
    client_id, note_id, _ = await _world(bot, db, clock)
    wanda = f"tma {init_data(WANDA, clock.now())}"
    sue = f"tma {init_data(SUE, clock.now())}"
    otto = f"tma {init_data(OTTO, clock.now())}"
    amendment = {"text": "She said Tuesday, not Monday.", "token": TOKEN}

    first = await api_post(bot, f"/api/notes/{note_id}/amendments", wanda, amendment)
    assert first.status_code == 201
    assert [a["text"] for a in first.json()["amendments"]][-1] == "She said Tuesday, not Monday."
    again = await api_post(bot, f"/api/notes/{note_id}/amendments", wanda, amendment)
    assert (again.status_code, len(again.json()["amendments"])) == (200, 2)
    (amended,) = await audit_events(db, "note.amend")
    assert (amended.allowed, amended.subject_id, amended.client_id) == (True, note_id, client_id)

    # Another team's worker, a forged body, a text too long.
    refused = await api_post(bot, f"/api/notes/{note_id}/amendments", otto, amendment)
    assert (refused.status_code, refused.json()) == (404, {"error": "not_found"})
    assert [e.allowed for e in await audit_events(db, "note.amend")] == [True, False]
    for forged in (b"[", {"text": "x"}, {"text": 3, "token": TOKEN}, {**amendment, "x": 1}):
        assert (
            await api_post(bot, f"/api/notes/{note_id}/amendments", wanda, forged)
        ).status_code == 400
    long = {"text": "x" * 20_001, "token": "f" * 32}
    too_long = await api_post(bot, f"/api/notes/{note_id}/amendments", wanda, long)
    assert (too_long.status_code, too_long.json()) == (422, {"error": "too_long"})

    # The worker may not comment (the use case's rule): 404, audited; her supervisor may.
    comment = {"text": "Good catch — follow up Tuesday.", "token": TOKEN}
    assert (
        await api_post(bot, f"/api/notes/{note_id}/comments", wanda, comment)
    ).status_code == 404
    said = await api_post(bot, f"/api/notes/{note_id}/comments", sue, comment)
    assert said.status_code == 201
    assert said.json()["comments"][0]["text"] == "Good catch — follow up Tuesday."
    signed = await api_post(bot, f"/api/notes/{note_id}/comments", sue, {"cosign": True})
    assert (signed.status_code, signed.json()["cosigned"]) == (201, True)
    assert (
        await api_post(bot, f"/api/notes/{note_id}/comments", sue, {"cosign": 1})
    ).status_code == 400
    assert [e.allowed for e in await audit_events(db, "note.comment")] == [False, True]
    assert [e.allowed for e in await audit_events(db, "note.cosign")] == [True]

    # The page's History tab shows them, and offers comments to the supervisor only.
    history = (await api(bot, f"/api/clients/{client_id}/history", sue)).json()
    (event,) = [e for e in history["events"] if e["kind"] == "note"]
    assert event["amendments"][-1]["text"] == "She said Tuesday, not Monday."
    assert [c["cosign"] for c in event["comments"]] == [False, True]
    assert history["may_comment"] is True
    assert (await api(bot, f"/api/clients/{client_id}/history", wanda)).json()[
        "may_comment"
    ] is False
    return client_id, note_id


async def test_a_note_amended_and_commented_on_the_page_shows_in_the_chats_history(
    webapp_bot, db, clock
):
    client_id, _ = await _amend_comment_and_cosign(webapp_bot, db, clock)
    wanda = webapp_bot.person(WANDA, "Wanda")
    shown = "\n".join(m.text for m in await wanda.send(f"/history C-{client_id:04d}"))
    assert shown.count("She said Tuesday, not Monday.") == 1
    assert "Good catch — follow up Tuesday." in shown


async def test_strict_mode_amends_comments_and_cosigns_on_the_page(strict_bot, db, clock):
    await _amend_comment_and_cosign(strict_bot, db, clock)
    # The note's author is told at once, as after the chat's 💬 Comment — by number only.
    await strict_bot.settle()
    await strict_bot.state.wait_for_events(0, chat_id=WANDA, kinds=["send"], timeout=10)
    told = "\n".join(m.text or "" for m in strict_bot.state.chat_log(WANDA))
    assert "N-" in told
    assert "Good catch" not in told and "Tuesday" not in told and "Maria" not in told


async def _edit_details(bot, db, clock) -> int:
    client_id, _, theirs = await _world(bot, db, clock)
    wanda = f"tma {init_data(WANDA, clock.now())}"
    path = f"/api/clients/{client_id}/details"

    renamed = await api_post(bot, path, wanda, {"detail": "name", "value": "Maria G. López"})
    assert (renamed.status_code, renamed.json()["client"]["name"]) == (200, "Maria G. López")
    # The organisation's date order (DMY here), as the chat reads a typed date.
    born = await api_post(bot, path, wanda, {"detail": "born", "value": "3/12/1980"})
    assert born.json()["client"]["date_of_birth"] == "1980-12-03"
    phone = await api_post(bot, path, wanda, {"detail": "phone", "value": "+49 (30) 123-4567"})
    assert phone.json()["client"]["phone"] == "+49 30 123 4567"
    place = await api_post(bot, path, wanda, {"detail": "place", "value": "Café am Markt"})
    assert place.json()["client"]["usual_place"] == "Café am Markt"
    address = await api_post(bot, path, wanda, {"detail": "address", "value": "Hauptstr. 1"})
    assert address.json()["client"]["address"] == "Hauptstr. 1"
    cleared = await api_post(bot, path, wanda, {"detail": "address", "value": None})
    assert cleared.json()["client"]["address"] is None

    # What the chat's ✏️ Edit objects to, and forged bodies.
    future = await api_post(bot, path, wanda, {"detail": "born", "value": "3/12/2090"})
    assert (future.status_code, future.json()["error"]) == (422, "date")
    assert future.json()["message"]
    not_phone = await api_post(bot, path, wanda, {"detail": "phone", "value": "call me"})
    assert (not_phone.status_code, not_phone.json()["error"]) == (422, "not_a_phone")
    short = await api_post(bot, path, wanda, {"detail": "name", "value": "M"})
    assert (short.status_code, short.json()["error"]) == (422, "too_short")
    for forged in (
        {"detail": "status", "value": "closed"},
        {"detail": "name"},
        {"detail": "name", "value": 7},
        {"detail": "name", "value": "Mia", "extra": 1},
        b"{",
    ):
        assert (await api_post(bot, path, wanda, forged)).status_code == 400
    # Another team's client: 404, the refusal audited as the chat's.
    refused = await api_post(
        bot, f"/api/clients/{theirs}/details", wanda, {"detail": "name", "value": "X Y"}
    )
    assert (refused.status_code, refused.json()) == (404, {"error": "not_found"})

    edits = await audit_events(db, "client.edit")
    assert [(e.allowed, e.detail["field"]) for e in edits] == [
        (True, "name"),
        (True, "born"),
        (True, "phone"),
        (True, "place"),
        (True, "address"),
        (True, "address"),
        (False, "name"),
    ]
    async with db.session() as session:
        client = await session.get(Client, client_id)
        assert client is not None
        assert (client.name, client.date_of_birth) == ("Maria G. López", date(1980, 12, 3))
    card = (await api(bot, f"/api/clients/{client_id}", wanda)).json()
    assert (card["client"]["phone"], card["client"]["usual_place"]) == (
        "+49 30 123 4567",
        "Café am Markt",
    )
    return client_id


async def test_the_clients_details_edited_on_the_page_are_the_chats_card(webapp_bot, db, clock):
    client_id = await _edit_details(webapp_bot, db, clock)
    wanda = webapp_bot.person(WANDA, "Wanda")
    shown = "\n".join(m.text for m in await wanda.send(f"/client C-{client_id:04d}"))
    assert "Maria G. López" in shown
    assert "📍 Visits usually at: Café am Markt" in shown


async def test_strict_mode_edits_the_identifying_details_on_the_page(strict_bot, db, clock):
    await _edit_details(strict_bot, db, clock)
