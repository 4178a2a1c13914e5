"""An update handled late (the bot was down while the worker wrote) takes its time from
Telegram's message date, not from the clock of the restart: a note happened when it was
sent, and a dialog's idle timeout counts the worker's silence, not the bot's.

The local Bot API server stamps messages with the injected clock (tests/harness.py), so
"sent at 09:00, handled at 11:00" is the bot stopped at 09:00 and started at 11:00.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.models import Client, Note
from tests.harness import buttons
from ui import texts


async def _notes(harness) -> list[Note]:
    async with harness.db.session() as session:
        return list((await session.execute(select(Note).order_by(Note.id))).scalars())


async def _outage(harness, clock, length: timedelta) -> None:
    """The bot comes back `length` after it went down, and works through what it missed."""
    clock.advance(length)
    await harness.start()
    await harness.settle()


async def test_a_one_liner_sent_during_an_outage_happened_when_it_was_sent(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    await harness.stop()
    sent = clock.now()
    wanda.send_unanswered("/note C-0001 phone: Called about the pharmacy")
    await _outage(harness, clock, timedelta(hours=2))

    [note] = await _notes(harness)
    assert (note.occurred_at, note.created_at) == (sent, sent + timedelta(hours=2))
    async with harness.db.session() as session:
        assert (await session.get(Client, client_id)).last_contact_at == sent
    [saved] = wanda.messages()
    assert "Note N-1 saved" in saved.text and "Mon 2 Mar 09:00" in saved.text  # Berlin time
    # ↩ Undo counts from when it was saved and shown, not from when it happened.
    assert any(label == texts.UNDO for label, _ in buttons(saved))


async def test_a_one_liner_held_back_less_than_a_minute_is_on_time(harness, clock):
    """Telegram's whole seconds and two clocks' drift: a short delay keeps the clock."""
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    await harness.stop()
    wanda.send_unanswered("/note C-0001 phone: Called about the pharmacy")
    await _outage(harness, clock, timedelta(seconds=50))
    [note] = await _notes(harness)
    assert note.occurred_at == note.created_at == clock.now()


async def test_a_one_liner_resent_during_an_outage_is_kept_once(harness, clock):
    """Saved at 09:00 but the answer never came; sent again at 09:04 while the bot was
    down, handled at 11:00: sent four minutes apart, it is the same note."""
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    await wanda.send("/note C-0001 phone: Called about the pharmacy")
    await harness.stop()
    clock.advance(timedelta(minutes=4))
    wanda.send_unanswered("/note C-0001 phone: Called about the pharmacy")
    await _outage(harness, clock, timedelta(hours=2))
    assert len(await _notes(harness)) == 1
    assert "Already saved as N-1" in wanda.last().text


async def test_a_dialog_step_held_back_by_an_outage_is_not_idle(harness, clock):
    """Two steps sent two minutes apart, the second handled an hour and a half later
    (the idle timeout is 30 minutes): the dialog goes on, nothing is kept aside."""
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    ask = await wanda.send("/note C-0001")
    await wanda.press(ask[-1], "Home visit")
    await wanda.send("Started this on the doorstep.")
    await harness.stop()
    clock.advance(timedelta(minutes=2))
    wanda.send_unanswered("Finished in the car.")
    await _outage(harness, clock, timedelta(minutes=90))

    card = wanda.last()
    assert "kept what you wrote as a draft" not in card.text
    assert "Started this on the doorstep." in card.text and "Finished in the car." in card.text
    # Pressed on the card the bot showed after the outage: on time too.
    await wanda.press(card, "Save")
    [note] = await _notes(harness)
    assert note.text == "Started this on the doorstep.\n\nFinished in the car."


async def test_a_dialog_step_sent_after_a_long_silence_is_idle_however_late(harness, clock):
    """The worker's own silence still counts: a step sent 40 minutes after the last one,
    during an outage, keeps the draft aside when it is handled."""
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    ask = await wanda.send("/note C-0001")
    await wanda.press(ask[-1], "Home visit")
    await wanda.send("Started this on the doorstep.")
    await harness.stop()
    clock.advance(timedelta(minutes=40))
    wanda.send_unanswered("Finished in the car.")
    await _outage(harness, clock, timedelta(minutes=90))
    assert "kept what you wrote as a draft" in wanda.last().text
