"""A /note left idle after its client was chosen but before its kind is kept (it has a
client) and offered back; resumed, it asks for the kind instead of failing on a card
that has no kind to show, and the note is then written as usual."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.models import Note


async def test_a_note_kept_before_its_kind_was_chosen_resumes_at_the_kind(harness, clock, errors):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    kinds = await wanda.send("/note C-0001")
    assert "Home visit" in str(kinds[-1].buttons)
    clock.advance(timedelta(minutes=31))
    kept = await wanda.send("Still there?")
    assert "kept what you wrote as a draft" in kept[0].text
    offer = await wanda.send("/note")
    assert "unsaved note" in offer[0].text
    asked = await wanda.press(offer[0], "Resume")
    assert "Maria Gonzalez" in asked[-1].text and "Home visit" in str(asked[-1].buttons)
    await wanda.press(asked[-1], "Home visit")
    card = await wanda.send("Pantry empty.")
    await wanda.press(card[-1], "Save")
    async with harness.db.session() as session:
        assert (await session.execute(select(Note.text))).scalars().all() == ["Pantry empty."]
