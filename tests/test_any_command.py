"""Any command, any time, nothing lost: a command that only shows something answers in
the middle of a dialog and the dialog carries on; one that starts another dialog sets
the open draft aside (one line names it) and several set-aside drafts wait, each with
the time it was written."""

from __future__ import annotations

from datetime import UTC, timedelta

from sqlalchemy import select

from storage.models import Appointment, Note
from ui import texts


async def _notes(harness) -> list[Note]:
    async with harness.db.session() as session:
        return list((await session.execute(select(Note).order_by(Note.id))).scalars())


async def _open_note(wanda, code: str, text: str) -> list:
    kinds = await wanda.send(f"/note {code}")
    await wanda.press(kinds[-1], "Home visit")
    return await wanda.send(text)


async def test_a_command_that_only_shows_answers_and_the_dialog_carries_on(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    await _open_note(wanda, "C-0001", "Pantry empty.")

    for command in ("/today", "/week", "/clients", "/client maria", "/history C-0001", "/help"):
        shown = await wanda.send(command)
        assert len(shown) >= 2, command
        assert shown[-1].text == texts.still_open("note", "C-0001"), command
    assert "Maria Gonzalez" in (await wanda.send("/client maria"))[0].text

    card = await wanda.send("Fridge broken too.")  # still the note's next line
    await wanda.press(card[-1], "Save")
    [note] = await _notes(harness)
    assert note.text == "Pantry empty.\n\nFridge broken too."


async def test_a_button_that_only_shows_works_mid_dialog_without_a_line(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    await harness.seed_client(701, "Tomasz Nowak")
    caseload = await wanda.send("/clients")
    await _open_note(wanda, "C-0001", "Pantry empty.")
    opened = await wanda.press(caseload[0], "Tomasz")  # a card from before the dialog
    assert "C-0002" in opened[-1].text
    assert not any("still open" in m.text for m in opened)
    card = await wanda.send("And the heating.")
    await wanda.press(card[-1], "Save")
    [note] = await _notes(harness)
    assert (note.client_id, note.text) == (1, "Pantry empty.\n\nAnd the heating.")


async def test_another_dialog_sets_the_draft_aside_and_several_wait(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    await harness.seed_client(701, "Tomasz Nowak")
    written_first = clock.now()
    await _open_note(wanda, "C-0001", "Maria: pantry empty.")

    asked = await wanda.send("/appt")
    assert asked[0].text == texts.set_aside("note", "C-0001", "/note")
    assert "New appointment. With which client?" in asked[-1].text
    assert (await wanda.send("/cancel"))[-1].text == texts.CANCELLED

    clock.advance(timedelta(minutes=5))
    await _open_note(wanda, "C-0002", "Tomasz: no answer at the door.")
    # A button that starts a dialog does the same (here: the client card's 📝 Note).
    shown = await wanda.send("/client maria")
    assert [m.text for m in shown[1:]] == [texts.still_open("note", "C-0002")]
    asked = await wanda.press(shown[0], "Note")
    assert asked[0].text == texts.set_aside("note", "C-0002", "/note")
    await wanda.send("/cancel")
    assert await _notes(harness) == []

    # Both wait: the last one set aside is offered first, then the other.
    clock.advance(timedelta(hours=2))
    offer = await wanda.send("/note")
    assert "C-0002" in offer[0].text
    card = await wanda.press(offer[0], "Resume")
    await wanda.press(card[-1], "Save")
    offer = await wanda.send("/note")
    assert "C-0001" in offer[0].text
    card = await wanda.press(offer[0], "Resume")
    assert "Maria: pantry empty." in card[-1].text
    await wanda.press(card[-1], "Save")

    tomasz, maria = await _notes(harness)
    assert (tomasz.client_id, tomasz.text) == (2, "Tomasz: no answer at the door.")
    assert (maria.client_id, maria.text) == (1, "Maria: pantry empty.")
    # Each keeps the time it was written, not the time it was saved two hours later.
    assert maria.occurred_at.replace(tzinfo=UTC) == written_first
    assert tomasz.occurred_at.replace(tzinfo=UTC) == written_first + timedelta(minutes=5)


async def test_a_one_liner_mid_dialog_saves_and_the_bare_picker_is_simply_closed(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    await wanda.send("/appt")  # the client picker: nothing chosen yet
    saved = await wanda.send("/note C-0001 phone: confirmed Friday")
    assert not any("set aside" in m.text for m in saved)
    [note] = await _notes(harness)
    assert note.text == "confirmed Friday"
    assert "set aside" not in (await wanda.send("/note"))[0].text


async def test_a_draft_left_idle_is_kept_when_a_command_comes_and_the_command_answers(
    harness, clock
):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    await _open_note(wanda, "C-0001", "Started on the doorstep.")
    written = clock.now()
    clock.advance(timedelta(minutes=45))
    shown = await wanda.send("/today")
    assert shown[0].text == texts.draft_kept("/note")
    assert not any("still open" in m.text for m in shown)
    # The dialog is over: the next text is not the note's (it is offered as a new note).
    loose = await wanda.send("Unrelated thought")
    assert "Make it a note" in loose[-1].text
    offer = await wanda.send("/note")
    card = await wanda.press(offer[0], "Resume")
    assert "Unrelated thought" not in card[-1].text
    await wanda.press(card[-1], "Save")
    [note] = await _notes(harness)
    assert note.occurred_at.replace(tzinfo=UTC) == written


async def test_an_appointment_draft_set_aside_is_offered_back_by_appt(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    days = await wanda.send("/appt C-0001")
    assert days
    await wanda.send("tomorrow 10:00")
    asked = await wanda.send("/visit")
    assert asked[0].text == texts.set_aside("appointment", "C-0001", "/appt")
    await wanda.send("/cancel")
    back = await wanda.send("/appt")
    assert "C-0001" in back[-1].text
    assert "10:00" in back[-1].text
    async with harness.db.session() as session:
        assert (await session.execute(select(Appointment))).scalars().all() == []


def test_the_set_aside_lines_name_the_draft():
    assert texts.set_aside("note", "C-0001", "/note") == (
        "📌 Your note for C-0001 is set aside, nothing lost — /note brings it back."
    )
    assert texts.still_open("new client", "") == (
        "↩ Your new client is still open: carry on where you were, or /cancel."
    )


async def test_the_card_of_a_draft_set_aside_saves_nothing_and_the_draft_waits(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    card = await _open_note(wanda, "C-0001", "Pantry empty.")
    await wanda.send("/appt")
    await wanda.press(card[-1], "Save")  # the old card, under the appointment's question
    assert wanda.toasts()[-1] == texts.STALE_BUTTON
    assert await _notes(harness) == []
    picked = await wanda.send("maria")  # the appointment dialog is still the open one
    assert "Maria Gonzalez" in picked[-1].text
    await wanda.send("/cancel")
    offer = await wanda.send("/note")
    card = await wanda.press(offer[0], "Resume")
    await wanda.press(card[-1], "Save")
    [note] = await _notes(harness)
    assert note.text == "Pantry empty."
