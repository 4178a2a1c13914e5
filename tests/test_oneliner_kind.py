"""Issue 16: a one-liner never guesses the kind of contact. Without a kind word it is saved
at once as "kind not given" (which does not count as seeing the client) and the
confirmation asks the kind with one tap; a kind word with one slip ("phne:") is read as the
one kind it is close to, said so, and can be changed for a minute."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.machinery import AuditEvent
from storage.models import Client, Note
from tests.harness import buttons
from ui import texts


async def _note_and_contact(harness) -> tuple[str, object]:
    async with harness.db.session() as session:
        kind = (await session.execute(select(Note.interaction_type))).scalar_one()
        contact = (await session.execute(select(Client.last_contact_at))).scalar_one()
    return kind, contact


async def test_a_one_liner_without_a_kind_is_saved_then_asked(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    [saved] = await wanda.send("/note C-0001 Called, no answer")
    assert "Note N-1 saved" in saved.text and "Kind not given" in saved.text
    assert texts.NOTE_KIND_ASK in saved.text
    assert await _note_and_contact(harness) == ("not_given", None)  # not a contact yet

    # Two days later the worker says what it was: the last contact follows.
    clock.advance(timedelta(days=2))
    [told] = await wanda.press(saved, "Phone")
    assert "Note N-1 saved" in told.text and "Phone" in told.text
    assert texts.NOTE_KIND_ASK not in told.text
    assert "Home visit" not in str(buttons(told))  # asked once, then gone
    kind, contact = await _note_and_contact(harness)
    assert kind == "phone" and contact is not None
    async with harness.db.session() as session:
        event = (
            await session.execute(select(AuditEvent).where(AuditEvent.action == "note.kind"))
        ).scalar_one()
    assert event.detail == {"from": "not_given", "to": "phone"}


async def test_a_kind_word_with_one_slip_is_read_said_and_changeable_for_a_minute(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    [saved] = await wanda.send("/note C-0001 phne: left voicemail")
    assert "Phone" in saved.text
    assert texts.note_kind_read("phne", "Phone") in saved.text
    async with harness.db.session() as session:
        assert (await session.execute(select(Note.text))).scalar_one() == "left voicemail"

    [changed] = await wanda.press(saved, "Video")
    assert "Video" in changed.text
    assert (await _note_and_contact(harness))[0] == "video"

    clock.advance(timedelta(minutes=2))
    await wanda.press(saved, "Office")
    assert wanda.toasts()[-1] == texts.NOTE_KIND_TOO_LATE
    assert (await _note_and_contact(harness))[0] == "video"


async def test_words_that_are_not_kind_words_are_never_read_as_one(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    [saved] = await wanda.send("/note C-0001 Fall risk assessed, all fine")
    assert "Kind not given" in saved.text  # "Fall" is one slip from "call", but no colon
    [saved] = await wanda.send("/note C-0001 vidoe: daughter joined")
    assert "Video" in saved.text


async def test_only_the_author_says_the_kind_and_only_a_chosen_kind(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    will = await harness.seed_worker(702, "Will Worker")
    await harness.seed_client(701)
    [saved] = await wanda.send("/note C-0001 Called, no answer")
    note_id = 1
    [own] = await will.send("/help")  # a forged press, on a message of his own chat
    await will.press_data(own.message_id, f"nu:kind:{note_id}:phone")
    assert will.toasts()[-1] == texts.NOT_ALLOWED
    await wanda.press_data(saved.message_id, f"nu:kind:{note_id}:not_given")
    await wanda.press_data(saved.message_id, f"nu:kind:{note_id}:nonsense")
    assert wanda.toasts()[-2:] == [texts.STALE_BUTTON, texts.STALE_BUTTON]
    assert (await _note_and_contact(harness))[0] == "not_given"
    async with harness.db.session() as session:
        refused = (
            (await session.execute(select(AuditEvent.action).where(AuditEvent.allowed.is_(False))))
            .scalars()
            .all()
        )
    assert refused == ["note.kind"]


def test_one_slip_is_one_letter_wrong_missing_extra_or_two_swapped():
    from ui.typos import one_slip_apart, read_slip

    assert one_slip_apart("phne", "phone")  # missing
    assert one_slip_apart("phoone", "phone")  # extra
    assert one_slip_apart("phome", "phone")  # wrong
    assert one_slip_apart("hpone", "phone")  # swapped
    assert not one_slip_apart("phone", "phone")
    assert not one_slip_apart("fone", "phone")  # two slips
    assert not one_slip_apart("hopne", "phone")  # two swaps
    words = {"phone": "P", "call": "P", "video": "V", "office": "O"}
    assert read_slip("Cal", words) == "P"
    assert read_slip("vidoe", words) == "V"
    assert read_slip("xyz", words) is None
    assert read_slip("vall", {"call": "P", "ball": "B"}) is None  # two meanings: no guess


async def test_cancel_under_a_draft_with_text_asks_once(harness):
    """Issue 16: ✖ Cancel on a note card that holds text asks before throwing it away;
    carrying on keeps everything, and /cancel typed is taken at its word."""
    from storage.models import Note

    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    ask = await wanda.send("/note C-0001")
    await wanda.press(ask[-1], "Home visit")
    card = await wanda.send("Pantry empty, daughter away")
    [question] = await wanda.press(card[-1], "Cancel")
    assert question.text == texts.DISCARD_ASK
    card = await wanda.send("Called the food bank.")  # carrying on: nothing was lost
    assert "Pantry empty" in card[-1].text and "food bank" in card[-1].text
    [gone] = await wanda.press(question, "Yes, discard")
    assert gone.text == texts.CANCELLED
    reply = await wanda.send("/note C-0001")
    assert "Pantry empty" not in reply[-1].text  # no kept draft offered back

    # An empty card's Cancel, and a typed /cancel, do not ask.
    await wanda.press(reply[-1], "Home visit")
    [cancelled] = await wanda.send("/cancel")
    assert cancelled.text == texts.CANCELLED
    async with harness.db.session() as session:
        assert (await session.execute(select(Note))).scalars().all() == []
