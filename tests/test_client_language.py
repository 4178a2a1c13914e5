"""Issue 17, the client's language: the preferred language and whether an interpreter is
needed, asked at intake and editable from the card, shown on the card, and on the agenda,
the appointment card and the reminder when an interpreter is needed (the language left
out of pushes under private previews)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.machinery import AuditEvent
from storage.models import Client
from tests.harness import buttons, running
from tests.test_quiet_hours_vs_start_of_day import _appointment
from ui import texts

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def live(person):
    return [message for message in person.messages() if buttons(message)][-1]


async def _client(harness, client_id: int = 1) -> Client:
    async with harness.db.session() as session:
        return await session.get(Client, client_id)


async def _audits(harness, action: str) -> list[AuditEvent]:
    async with harness.db.session() as session:
        statement = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list((await session.execute(statement)).scalars())


async def _open_card(person, client_id: int = 1):
    [history] = await person.send(f"/history C-{client_id:04d}")
    [card] = await person.press(history, texts.CARD_BACK)
    return card


async def test_the_intake_asks_the_language_typed_and_the_interpreter_need(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await wanda.send("/intake Maria Gonzalez")
    for _ in range(4):  # date of birth, phone, address, emergency contact
        await wanda.press(live(wanda), "Skip")
    question = live(wanda)
    assert "6/18 · Language" in question.text and texts.ASK_LANGUAGE in question.text
    assert {"English", "Spanish", "Arabic", "Turkish"} <= {label for label, _ in buttons(question)}
    # Typed: one line, control characters gone, as names are; then the interpreter.
    asked = (await wanda.send("  Dari\t(Afghan\x07 Persian) "))[-1]
    assert texts.ASK_INTERPRETER in asked.text and "Saved: 🗣 Dari (Afghan Persian)" in asked.text
    [program] = await wanda.press(asked, "No")
    assert "7/18 · Program" in program.text
    client = await _client(harness)
    assert (client.language, client.interpreter) == ("Dari (Afghan Persian)", False)
    steps = [event.detail["step"] for event in await _audits(harness, "intake.answer")]
    assert steps[-2:] == ["language", "language"]  # the step, never the answer
    # Too long for the column: said, nothing saved; ◀ Back shows what was saved.
    [back] = await wanda.press(program, "Back")
    assert "Saved: 🗣 Dari (Afghan Persian)" in back.text
    [too_long] = await wanda.send("x" * 41)
    assert "this answer can hold 40" in too_long.text
    assert (await _client(harness)).language == "Dari (Afghan Persian)"


async def test_the_card_edits_the_language_and_shows_it(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    card = await _open_card(wanda)
    assert "🗣" not in card.text  # nothing known, nothing shown
    [menu] = await wanda.press(card, texts.CARD_LANGUAGE)
    assert menu.message_id == card.message_id and "Language · C-0001" in menu.text
    [menu] = await wanda.press(menu, "Arabic")
    assert wanda.toasts()[-1] == texts.LANGUAGE_SAVED_TOAST and "🗣 Arabic" in menu.text
    assert "✓ Arabic" in [label for label, _ in buttons(menu)]
    [card] = await wanda.press(menu, texts.INTERPRETER_YES)
    assert "C-0001 · Maria Gonzalez\nElderly at home · Active\n🗣 Arabic · interpreter needed" in (
        card.text
    )
    client = await _client(harness)
    assert (client.language, client.interpreter) == ("Arabic", True)

    # ✏️ Type it…: any language in words; empty is asked again.
    [menu] = await wanda.press(card, texts.CARD_LANGUAGE)
    [ask] = await wanda.press(menu, texts.LANGUAGE_OTHER)
    assert "Type the language of C-0001" in ask.text
    await harness.restart()  # the question waits in the stored draft
    [again] = await wanda.send("\x07 \x08")
    assert again.text == texts.LANGUAGE_EMPTY_TEXT
    [menu] = await wanda.send("Tigrinya")
    assert "🗣 Tigrinya · interpreter needed" in menu.text
    [card] = await wanda.press(menu, texts.INTERPRETER_NO)
    assert "🗣 Tigrinya\n" in card.text and "interpreter" not in card.text
    # Set by mistake: 🗑 Not known forgets both, and the card says nothing of a language.
    [menu] = await wanda.press(card, texts.CARD_LANGUAGE)
    [card] = await wanda.press(menu, texts.LANGUAGE_FORGET)
    assert "🗣" not in card.text
    client = await _client(harness)
    assert (client.language, client.interpreter) == (None, None)
    [menu] = await wanda.press(card, texts.CARD_LANGUAGE)
    assert texts.LANGUAGE_FORGET not in str(buttons(menu))  # nothing left to forget
    changes = await _audits(harness, "client.language")
    assert [(e.allowed, e.detail["fields"]) for e in changes] == [
        (True, ["language"]),
        (True, ["interpreter"]),
        (True, ["language"]),
        (True, ["interpreter"]),
        (True, ["language", "interpreter"]),
    ]


async def test_a_forged_language_press_on_someone_elses_client_is_refused_and_audited(harness):
    await harness.seed_worker(701, "Wanda Worker", team="North")
    sam = await harness.seed_worker(702, "Sam Southern", team="South")
    await harness.seed_client(701)
    [menu] = await sam.send("/help")
    for data in ("cf:lang:1", "lg:l:1:Arabic", "lg:i:1:y", "lg:f:1", "lg:other:1"):
        await sam.press_data(menu.message_id, data)
        assert "C-0001" in sam.toasts()[-1] and "Maria" not in sam.toasts()[-1]
    client = await _client(harness)
    assert (client.language, client.interpreter) == (None, None)
    refused = [e for e in await _audits(harness, "client.language") if not e.allowed]
    assert len(refused) == 5 and {e.client_id for e in refused} == {1}


async def test_an_interpreter_need_is_on_the_agenda_the_appointment_card_and_the_reminder(
    harness, clock
):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    maria = await harness.seed_client(701, language="Arabic", interpreter=True)
    ana = await harness.seed_client(701, "Ana Lopez", language="Spanish", interpreter=False)
    await _appointment(harness, 701, maria, berlin(2026, 3, 3, 15, 0))
    await _appointment(harness, 701, ana, berlin(2026, 3, 3, 16, 0))
    clock.set(berlin(2026, 3, 3, 14, 0))
    await harness.tick()
    [agenda] = [m for m in wanda.messages() if "Good morning" in m.text]
    line = "15:00 · C-0001 Maria Gonzalez · Home visit, 60 min · 🗣 interpreter: Arabic"
    assert line in agenda.text
    assert "16:00 · C-0002 Ana Lopez · Home visit, 60 min\n" in agenda.text + "\n"
    assert "Spanish" not in agenda.text  # no interpreter needed: nothing to prepare
    [reminder] = [m for m in wanda.messages() if "⏰" in m.text]
    assert reminder.text.endswith("\n🗣 interpreter: Arabic")

    [today] = await wanda.send("/today")
    assert line in today.text
    [card] = await wanda.press(today, "Maria Gonzalez")
    assert "Home visit\n🗣 interpreter: Arabic" in card.text


async def test_private_previews_keep_the_cue_but_not_the_language(devserver, db, db_url, clock):
    async with running(devserver, db, db_url, clock, CASELINE_PRIVATE_PREVIEWS="1") as harness:
        wanda = await harness.seed_worker(701, "Wanda Worker")
        maria = await harness.seed_client(701, language="Arabic", interpreter=True)
        await _appointment(harness, 701, maria, berlin(2026, 3, 3, 15, 0))
        clock.set(berlin(2026, 3, 3, 14, 0))
        await harness.tick()
        pushed = [m for m in wanda.messages() if "⏰" in m.text or "Good morning" in m.text]
        assert len(pushed) == 2
        assert all("🗣 interpreter" in m.text and "Arabic" not in m.text for m in pushed)
        [today] = await wanda.send("/today")  # read in the open chat: all of it
        assert "🗣 interpreter: Arabic" in today.text


async def test_clients_import_takes_language_and_interpreter_columns(harness):
    from storage.client_import import import_clients

    await harness.seed_worker(701, "Wanda Worker")
    now = harness.clock.now()
    broken = (
        "name,program,worker,language,interpreter\n"
        f"Maria Gonzalez,elderly,Wanda Worker,{'x' * 41},maybe\n"
    )
    async with harness.db.session() as session:
        report = await import_clients(session, broken, now=now, zone=BERLIN)
    assert [problem.render() for problem in report.problems] == [
        "line 2, column 4 (language): longer than 40 characters",
        "line 2, column 5 (interpreter): not yes or no",
    ]
    clean = (
        "name,program,worker,language,interpreter\n"
        "Maria Gonzalez,elderly,Wanda Worker,Arabic,yes\n"
        "Ana Lopez,elderly,Wanda Worker, Spanish ,no\n"
        "Li Wei,elderly,Wanda Worker,,\n"
    )
    async with harness.db.session() as session:
        report = await import_clients(session, clean, now=now, zone=BERLIN)
    assert report.ok
    async with harness.db.session() as session:
        rows = (await session.execute(select(Client).order_by(Client.id))).scalars().all()
    assert [(c.language, c.interpreter) for c in rows] == [
        ("Arabic", True),
        ("Spanish", False),
        (None, None),
    ]
