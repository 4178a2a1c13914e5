"""Issue 16: outside a dialog, text, a voice note or a photo is offered as a note
("📝 Make it a note? For which client?") instead of "I didn't understand that"."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Note, NoteAttachment
from tests.harness import buttons
from ui import texts


async def _notes(harness) -> list[tuple[int, str]]:
    async with harness.db.session() as session:
        rows = await session.execute(select(Note.client_id, Note.text).order_by(Note.id))
    return [tuple(row) for row in rows]


async def test_loose_text_becomes_a_note_for_the_chosen_client(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    await harness.seed_client(701, "Tomasz Nowak")
    [offer] = await wanda.send("Mrs G. fell on the stairs, bruised hip")
    assert offer.text.startswith("📝 Make it a note?")
    assert "C-0001 · Maria Gonzalez" in [label for label, _ in buttons(offer)]
    [more] = await wanda.send("GP called, will visit tomorrow")  # several make one note
    kinds = await wanda.press(more, "Maria Gonzalez")
    card = await wanda.press(kinds[-1], "Home visit")
    assert "bruised hip" in card[-1].text and "will visit tomorrow" in card[-1].text
    await wanda.press(card[-1], "Save")
    [(client, text)] = await _notes(harness)
    assert client == 1 and "bruised hip" in text and "will visit tomorrow" in text

    # Nothing is left over for the next loose message.
    [offer] = await wanda.send("Bought groceries")
    kinds = await wanda.press(offer, "Tomasz")
    card = await wanda.press(kinds[-1], "Phone")
    assert "bruised hip" not in card[-1].text and "Bought groceries" in card[-1].text


async def test_a_loose_photo_is_offered_and_kept_on_the_note(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    [offer] = await wanda.send_photo()
    assert offer.text.startswith("📝 Make it a note?")
    kinds = await wanda.press(offer, "Maria")
    card = await wanda.press(kinds[-1], "Home visit")
    await wanda.press(card[-1], "Save")
    async with harness.db.session() as session:
        kinds_kept = (await session.execute(select(NoteAttachment.kind))).scalars().all()
    assert kinds_kept == ["photo"]


async def test_not_a_note_forgets_it_and_a_sticker_is_still_not_understood(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    [offer] = await wanda.send("shopping list: milk, bread")
    [dropped] = await wanda.press(offer, "Not a note")
    assert dropped.text == texts.LOOSE_DROPPED
    await wanda.press(offer, "Maria")  # the old offer no longer holds anything
    assert await _notes(harness) == []
    [reply] = await wanda.send_sticker()
    assert reply.text == texts.NOT_UNDERSTOOD


async def test_a_forged_client_under_the_offer_is_refused_and_audited(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_worker(702, "Will Worker", team="South")
    await harness.seed_client(701, "Maria Gonzalez")
    wills = await harness.seed_client(702, "Tomasz Nowak")
    [offer] = await wanda.send("called the pharmacy")
    await wanda.press_data(offer.message_id, f"nt:loose:{wills}")
    assert wanda.toasts()[-1] == texts.CLIENT_GONE
    assert "Tomasz" not in str([m.text for m in wanda.messages()])
    assert await harness.refused_subjects() == [wills]
    # What was sent is still there for the right client.
    kinds = await wanda.press(offer, "Maria")
    card = await wanda.press(kinds[-1], "Phone")
    assert "called the pharmacy" in card[-1].text


async def test_inside_a_dialog_text_is_the_dialogs_not_an_offer(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    await wanda.send("/newclient")
    [reply] = await wanda.send("Rosa Parks")
    assert "Which program?" in reply.text
