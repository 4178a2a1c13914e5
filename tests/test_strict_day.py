"""Strict mode's promise (issue 23, README "Data protection"): a worker's whole day — the
caseload, a search by name, the card, a one-line note, a note with a risk flag written in the
Mini App, the risk alert, the morning agenda, an appointment's reminder, /history, 📤 Export,
the supervisor's digest and its drill-down — and not one Bot API call the bot made carries
the client's name, initials, birth date, address, phone, or a note's or a reason's words.

The same day in standard mode finds every one of them, so the search is a real one. The
call log is the devserver's own (`devserver/client.py` `calls()`): every parameter of
every call, buttons and callback data included; an uploaded file is in it by name and
size, so its bytes are searched too.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from devserver.client import DevServerClient
from domain.usecases.notes import NewNote, save_note
from storage.kinds import InteractionType, Role
from storage.models import Worker
from storage.workers import Actor
from tests.harness import TOKEN, BotHarness, buttons, running
from tests.webapp_support import STRICT, WITH_MINI_APP

WANDA, SUE = 7101, 7102
NAME = "Zelinda Quarrington"
BORN = date(1941, 3, 17)
ADDRESS = "17 Brackwaterlane, Oberhausen"
PHONE = "+49 151 98765432"
NOTE_TEXT = "Ozymandrel hotline called: the kitchen smelled of gas"
RISK_REASON = "Vertiginous fall on the cellar stairs"
# Monday 2 March 2026, 07:30 in Berlin: before the morning agenda.
MORNING = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)

# Everything that names the client or quotes the record, as the bot would render it.
SECRETS = {
    "name": [NAME, "Zelinda", "Quarrington"],
    "initials": ["Z.Q.", "Z. Q."],
    "birth date": ["17 Mar 1941", "17/03/1941", "03/17/1941", "1941-03-17", "17.03.1941"],
    "address": ["Brackwaterlane", "Oberhausen"],
    "phone": ["98765432", "98 76 54 32"],
    "note text": ["Ozymandrel", "smelled of gas"],
    "risk reason": ["Vertiginous", "cellar stairs"],
}


def found_in(haystack: str) -> dict[str, list[str]]:
    lowered = haystack.casefold()
    found = {
        what: [value for value in values if value.casefold() in lowered]
        for what, values in SECRETS.items()
    }
    return {what: values for what, values in found.items() if values}


def the_card(messages: list[Any]) -> Any:
    return next(m for m in messages if any("History" in label for label, _ in buttons(m)))


async def a_day(harness: BotHarness, clock) -> tuple[str, list[str]]:
    """The day, driven through the real stack; every call's parameters and every uploaded
    file's bytes as one text, and the methods called."""
    async with harness.db.session() as session:
        from storage.workers import create_worker, get_or_create_team

        team = await get_or_create_team(session, "North", clock.now())
        for user_id, name, role in (
            (WANDA, "Wanda Worker", Role.WORKER),
            (SUE, "Sue Lead", Role.SUPERVISOR),
        ):
            worker = await create_worker(session, name=name, role=role, now=clock.now(), team=team)
            worker.telegram_user_id = worker.chat_id = user_id
    wanda, sue = harness.person(WANDA, "Wanda"), harness.person(SUE, "Sue")
    client_id = await harness.seed_client(
        WANDA,
        NAME,
        date_of_birth=BORN,
        address=ADDRESS,
        phone=PHONE,
        usual_place=ADDRESS,
        last_contact_at=MORNING - timedelta(days=40),
    )
    code = f"C-{client_id:04d}"
    # A phone call at 11:00 (its reminder would show the number) and a home visit at 15:00.
    await harness.seed_appointment(
        WANDA, client_id, datetime(2026, 3, 2, 10, 0, tzinfo=UTC), kind="phone", place=ADDRESS
    )
    await harness.seed_appointment(
        WANDA, client_id, datetime(2026, 3, 2, 14, 0, tzinfo=UTC), place=ADDRESS
    )

    # 08:05: the morning agenda.
    clock.set(datetime(2026, 3, 2, 7, 5, tzinfo=UTC))
    await harness.tick()
    # The caseload, a search by name, the card.
    await wanda.send("/clients")
    await wanda.send("/client Quarrington")
    card = the_card(await wanda.send(f"/client {code}"))
    # Today's and the week's appointments, one of them opened; a name that fits nobody.
    (today,) = await wanda.send("/today")
    await wanda.press(today, "11:00")
    await wanda.send("/week")
    await wanda.send("/client Quarrington-Smythe")
    # The people around the client, the language, the appointment dialog.
    await wanda.press(card, "People")
    await wanda.press(card, "Language")
    await wanda.send(f"/appt {code}")
    await wanda.send("/cancel")
    # A one-line note typed in the chat.
    await wanda.send(f"/note {code} Home visit, {NOTE_TEXT}")
    # /note's dialog: in strict mode it hands over to the Mini App.
    await wanda.send(f"/note {code}")
    await wanda.send("/cancel")
    # A note with a risk flag, saved as the Mini App saves it (the same use case); its
    # alert goes to the supervisor.
    work = harness.application.bot_data["services"]
    wanda_id = await harness.worker_id(WANDA)
    async with harness.db.session() as session:
        actor = Actor.of(await session.get(Worker, wanda_id))
    await save_note(
        work,
        actor,
        NewNote(client_id, InteractionType.PHONE, f"Later: {NOTE_TEXT}", risk_reason=RISK_REASON),
        token="0123456789abcdef0123456789abcdef",
    )
    await harness.tick()
    # 10:05: the phone call's reminder.
    clock.set(datetime(2026, 3, 2, 9, 5, tzinfo=UTC))
    await harness.tick()
    # The card again (the risk on it), its history, its export.
    card = the_card(await wanda.send(f"/client {code}"))
    await wanda.press(card, "History")
    await wanda.send(f"/history {code}")
    card = the_card(await wanda.send(f"/client {code}"))
    await wanda.press(card, "Edit")
    card = the_card(await wanda.send(f"/client {code}"))
    (exported,) = await wanda.press(card, "Export")
    if any("CSV" in label for label, _ in buttons(exported)):
        await wanda.press(exported, "CSV")
    # 19:05: the supervisor's digest, on demand and scheduled, and its drill-down.
    clock.set(datetime(2026, 3, 2, 18, 5, tzinfo=UTC))
    # A visit logged at the end of the day.
    when = await wanda.send(f"/visit {code}")
    card = await wanda.press(when[-1], "Now")
    await wanda.press(card[-1], "Save")
    await harness.tick()
    digest = await sue.send("/digest")
    for message in digest:
        for label, data in buttons(message):
            if data.startswith("dd:") and ("⏰" in label or "⚠" in label or "overdue" in label):
                await sue.press(message, label)
    the_card(await sue.send(f"/client {code}"))

    control = DevServerClient(harness.server.root_url, TOKEN)
    try:
        calls = await control.calls()
    finally:
        await control.aclose()
    said = "\n".join(json.dumps(call.params, ensure_ascii=False) for call in calls)
    # An upload is in the log by name and size: its bytes are searched too.
    for chat in (WANDA, SUE):
        for message in harness.state.chat_log(chat):
            if getattr(message, "document", None):
                said += harness.state.file_bytes(message.document["file_id"]).decode(
                    "utf-8", "replace"
                )
    # What the worker sent that can tell of the client (all but a bare command such as
    # /today), as it stands in the chat at the end of the day.
    sent = [m for m in harness.state.transcript(WANDA) if not m.from_bot]
    lingering = [m.text for m in sent if not m.deleted and not BARE_COMMAND.match(m.text or "")]
    return said, [call.method for call in calls], lingering


BARE_COMMAND = re.compile(r"^/[a-z_]+$")


async def a_day_with(
    devserver, db, db_url, clock, **env: str
) -> tuple[str, list[str], list[str | None]]:
    clock.set(MORNING)
    async with running(devserver, db, db_url, clock, **{**WITH_MINI_APP, **env}) as harness:
        return await a_day(harness, clock)


async def test_a_strict_day_sends_nothing_that_names_the_client(devserver, db, db_url, clock):
    said, methods, lingering = await a_day_with(devserver, db, db_url, clock, **STRICT)
    assert found_in(said) == {}
    # And what the worker typed or sent left the chat once Caseline had stored it.
    assert lingering == []
    assert methods.count("deleteMessage") >= 5
    # The day happened: the pushes went out, and the case file stayed out of the chat.
    assert methods.count("sendMessage") > 10
    assert "sendDocument" not in methods
    assert "N-" in said and "characters" in said
    assert "Visit logged" in said and "written in the Mini App" in said


async def test_the_same_day_in_standard_mode_shows_all_of_it(devserver, db, db_url, clock):
    """The search above finds what it looks for: the standard day names the client in
    every way the strict day must not."""
    said, methods, lingering = await a_day_with(devserver, db, db_url, clock)
    assert set(found_in(said)) == set(SECRETS) - {"initials"}
    assert any("Quarrington" in (text or "") for text in lingering)
    assert "sendDocument" in methods


async def test_under_private_previews_the_search_finds_initials(devserver, db, db_url, clock):
    """Private previews (the older setting) push initials: the search sees them too."""
    said, _, _ = await a_day_with(devserver, db, db_url, clock, CASELINE_PRIVATE_PREVIEWS="1")
    assert "initials" in found_in(said)
