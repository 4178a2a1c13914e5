"""/visit for a client with a scheduled appointment near that time offers it, never merges
silently, and never makes a second record of one visit."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from storage.models import Appointment, Client
from ui import texts


async def _rows(harness) -> list[Appointment]:
    async with harness.db.session() as session:
        statement = select(Appointment).order_by(Appointment.starts_at, Appointment.id)
        return list((await session.execute(statement)).scalars())


async def _helga_at_two(harness):
    """Helga's home visit is booked for today 14:00 Berlin (13:00 UTC)."""
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701, "Helga Brandt")
    ask = await wanda.send("/appt")
    await wanda.press(ask[-1], "C-0001")
    card = await wanda.send("today 14:00")
    await wanda.press(card[-1], "Save")
    return wanda, client_id


def _asked(at: str) -> str:
    """The question as the worker reads it (HTML parsed): it names the client and the kind."""
    return f"C-0001 · Helga Brandt has a home visit planned at {at}.\nIs this the {at} visit?"


async def _log_visit_now(wanda) -> list:
    ask = await wanda.send("/visit")
    when = await wanda.press(ask[-1], "C-0001")
    card = await wanda.press(when[-1], "Now")
    return await wanda.press(card[-1], "Save")


async def test_yes_completes_the_14_oclock_appointment_instead_of_adding_a_record(harness, clock):
    wanda, client_id = await _helga_at_two(harness)
    clock.set(datetime(2026, 3, 2, 14, 20, tzinfo=UTC))  # 15:20 Berlin: 80 min after
    asked = await _log_visit_now(wanda)
    assert asked[-1].text == _asked("14:00")
    done = await wanda.press(asked[-1], texts.visit_same_yes("14:00"))
    assert "Visit logged" in done[-1].text and "Mon 2 Mar 14:00" in done[-1].text
    [appointment] = await _rows(harness)
    assert appointment.status == "completed"
    assert appointment.starts_at == datetime(2026, 3, 2, 13, 0, tzinfo=UTC)  # as planned
    async with harness.db.session() as session:
        assert (await session.get(Client, client_id)).last_contact_at == appointment.starts_at
    today = await wanda.send("/today")
    assert today[0].text.count("C-0001 Helga Brandt") == 1
    assert "14:00 · C-0001 Helga Brandt · Home visit, 60 min ✅" in today[0].text


async def test_no_logs_a_separate_visit_and_leaves_the_appointment_scheduled(harness, clock):
    wanda, _ = await _helga_at_two(harness)
    clock.set(datetime(2026, 3, 2, 11, 45, tzinfo=UTC))  # 12:45 Berlin: 75 min before
    asked = await _log_visit_now(wanda)
    assert asked[-1].text == _asked("14:00")
    done = await wanda.press(asked[-1], texts.SAME_VISIT_NO)
    assert "Visit logged" in done[-1].text and "Mon 2 Mar 12:45" in done[-1].text
    rows = await _rows(harness)
    assert [(row.starts_at, row.status) for row in rows] == [
        (datetime(2026, 3, 2, 11, 45, tzinfo=UTC), "completed"),
        (datetime(2026, 3, 2, 13, 0, tzinfo=UTC), "scheduled"),
    ]


async def test_a_visit_further_than_90_minutes_away_is_logged_without_asking(harness, clock):
    wanda, _ = await _helga_at_two(harness)
    clock.set(datetime(2026, 3, 2, 11, 29, tzinfo=UTC))  # 12:29 Berlin: 91 min before
    done = await _log_visit_now(wanda)
    assert "Visit logged" in done[-1].text
    assert [row.status for row in await _rows(harness)] == ["completed", "scheduled"]


async def test_yes_on_an_appointment_cancelled_meanwhile_saves_nothing(harness, clock):
    wanda, _ = await _helga_at_two(harness)
    clock.set(datetime(2026, 3, 2, 13, 30, tzinfo=UTC))
    asked = await _log_visit_now(wanda)
    async with harness.db.session() as session:
        (await session.get(Appointment, 1)).status = "cancelled"
    await wanda.press(asked[-1], texts.visit_same_yes("14:00"))
    assert wanda.toasts()[-1] == texts.APPOINTMENT_NOT_SCHEDULED
    assert [row.status for row in await _rows(harness)] == ["cancelled"]


async def test_yes_keeps_what_was_planned_unless_the_card_changed_it(harness, clock):
    """Helga's 14:00 is a 30-minute phone call. A /visit left at the card's defaults and
    confirmed as that call completes it as a 30-minute phone call, not a home visit of 60."""
    wanda, _ = await _helga_at_two(harness)
    async with harness.db.session() as session:
        booked = await session.get(Appointment, 1)
        booked.kind, booked.duration_minutes = "phone", 30
    clock.set(datetime(2026, 3, 2, 13, 10, tzinfo=UTC))
    asked = await _log_visit_now(wanda)
    assert asked[-1].text.startswith("C-0001 · Helga Brandt has a phone planned at 14:00.")
    await wanda.press(asked[-1], texts.visit_same_yes("14:00"))
    [call] = await _rows(harness)
    assert (call.status, call.kind, call.duration_minutes) == ("completed", "phone", 30)
    today = await wanda.send("/today")
    assert "14:00 · C-0001 Helga Brandt · Phone, 30 min ✅" in today[0].text


async def test_a_duration_chosen_on_the_card_is_what_the_visit_keeps(harness, clock):
    wanda, _ = await _helga_at_two(harness)
    clock.set(datetime(2026, 3, 2, 13, 10, tzinfo=UTC))
    ask = await wanda.send("/visit")
    when = await wanda.press(ask[-1], "C-0001")
    card = await wanda.press(when[-1], "Now")
    menu = await wanda.press(card[-1], texts.DURATION)
    card = await wanda.press(menu[-1], "45 min")
    asked = await wanda.press(card[-1], "Save")
    await wanda.press(asked[-1], texts.visit_same_yes("14:00"))
    [visit] = await _rows(harness)
    assert (visit.status, visit.kind, visit.duration_minutes) == ("completed", "home_visit", 45)
