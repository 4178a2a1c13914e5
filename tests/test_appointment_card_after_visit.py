"""An appointment card says how the appointment stands: after its visit is logged, and
when an outdated copy of it is pressed (it redraws instead of acting)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.models import Appointment
from tests.harness import buttons
from ui import texts


async def _booked_card(harness, typed: str):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    ask = await wanda.send("/appt")
    await wanda.press(ask[-1], "C-0001")
    card = await wanda.send(typed)
    saved = await wanda.press(card[-1], "Save")
    return wanda, saved[-1]


def _now_showing(person, message_id: int):
    return next(m for m in person.messages() if m.message_id == message_id)


def _scheduled_buttons(message) -> list[str]:
    return [
        data
        for _, data in buttons(message)
        if data.startswith(("ac:done:", "ac:noshow:", "ac:move:", "ac:cancel:"))
    ]


async def test_after_the_visit_is_saved_the_pressed_card_shows_it_completed(harness, clock):
    wanda, card = await _booked_card(harness, "today 10:00")
    clock.advance(timedelta(hours=2))
    visit = await wanda.press(card, "Done")
    assert visit[-1].message_id != card.message_id  # the visit card is a new message
    await wanda.press(visit[-1], "Save")
    now = _now_showing(wanda, card.message_id)
    assert texts.APPOINTMENT_STATUS_NAMES["completed"] in now.text
    assert "Scheduled" not in now.text
    assert _scheduled_buttons(now) == []


async def test_a_press_on_an_outdated_card_redraws_it_as_it_stands(harness, clock):
    wanda, card = await _booked_card(harness, "tomorrow 11:00")
    week = await wanda.send("/week")
    copy = (await wanda.press(week[0], "Tue 11:00"))[0]  # a second card of the same one
    assert "Scheduled" in copy.text
    reasons = await wanda.press(card, "Cancel visit")
    await wanda.press(reasons[-1], "Client unwell")
    for label in ("No-show", "Done", "Reschedule", "Cancel visit"):
        await wanda.press(copy, label)  # the copy as it looked before
        assert wanda.toasts()[-1] == texts.APPOINTMENT_NOT_SCHEDULED
        now = _now_showing(wanda, copy.message_id)
        assert "Cancelled" in now.text and "Client unwell" in now.text, label
        assert _scheduled_buttons(now) == [], label
    async with harness.db.session() as session:
        [appointment] = (await session.execute(select(Appointment))).scalars().all()
    assert (appointment.status, appointment.cancel_reason) == ("cancelled", "Client unwell")
    assert "Visit" not in wanda.last().text  # no dialog was opened by the old buttons
