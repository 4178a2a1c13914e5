"""Issue 20: an appointment still "scheduled" two hours after its end reminds its worker
once — ✅ Done (the visit log), 🚫 No-show, 🕒 Reschedule: the appointment card's own
buttons — and appears in the supervisor's digest until it is closed. A visit that was
checked in gets visit verification's missing check-out reminder only (one reminder per
visit, not two). Quiet hours hold it; private previews name the client by code and
initials; a muted client's appointment reminds nobody.

Wanda's home visit to Maria is on Monday 2 March 2026 at 10:00 for an hour, in Berlin:
it ends at 11:00 and is left open from 13:00.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from storage import appointments as appointment_store
from storage.kinds import AppointmentStatus, ClientStatus, InteractionType, Role
from storage.machinery import OutboxMessage
from storage.models import Appointment, Client
from tests.harness import buttons, running
from tests.test_evv import NEAR, _check_in
from ui import texts

BERLIN = ZoneInfo("Europe/Berlin")
WANDA, SUE = 701, 710
PLACE = "Lindenstraße 12"
REMINDER = "⌛ C-0001"


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


async def _visit(harness, clock, starts_at: datetime | None = None, **client_fields):
    """Wanda (with Sue, her supervisor), Maria and a home visit: Wanda and its id."""
    clock.set(berlin(2026, 3, 2, 9, 0))
    wanda = await harness.seed_worker(WANDA, "Wanda Worker")
    await harness.seed_worker(SUE, "Sue Supervisor", role=Role.SUPERVISOR)
    client_id = await harness.seed_client(
        WANDA, home_latitude=52.52, home_longitude=13.405, **client_fields
    )
    appointment_id = await harness.seed_appointment(
        WANDA, client_id, starts_at or berlin(2026, 3, 2, 10, 0), place=PLACE
    )
    return wanda, appointment_id


def _reminders(person) -> list:
    return [m for m in person.messages() if (m.text or "").startswith(REMINDER)]


async def _tick_at(harness, clock, *args) -> None:
    clock.set(berlin(*args))
    await harness.tick()


async def _status(harness, appointment_id: int) -> str:
    async with harness.db.session() as session:
        return (await session.get(Appointment, appointment_id)).status


async def _digest_text(person) -> str:
    return "\n".join(m.text or m.caption or "" for m in await person.send("/digest"))


async def test_an_appointment_left_open_reminds_its_worker_once(harness, clock):
    wanda, _ = await _visit(harness, clock)
    await _tick_at(harness, clock, 2026, 3, 2, 12, 59)
    assert _reminders(wanda) == []
    await _tick_at(harness, clock, 2026, 3, 2, 13, 0)
    [reminder] = _reminders(wanda)
    assert reminder.text == (
        "⌛ C-0001 Maria Gonzalez · Home visit Mon 10:00 is still open, two hours after its "
        "end. Did it happen? ✅ Done logs the visit."
    )
    assert PLACE not in reminder.text
    assert [label for label, _ in buttons(reminder)] == [
        texts.MARK_DONE,
        texts.NO_SHOW,
        texts.RESCHEDULE,
        texts.OPEN_CLIENT,
    ]
    # Later ticks, a restart: never a second one.
    await _tick_at(harness, clock, 2026, 3, 2, 15, 0)
    await harness.restart()
    await harness.tick()
    assert len(_reminders(wanda)) == 1
    async with harness.db.session() as session:
        rows = (
            await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "unclosed"))
        ).scalars()
        [row] = rows.all()
    assert row.due_at == berlin(2026, 3, 2, 13, 0) and row.worker_id == await harness.worker_id(
        WANDA
    )


async def test_no_show_closes_it_and_the_digest_lists_it_until_then(harness, clock):
    wanda, appointment_id = await _visit(harness, clock)
    await _tick_at(harness, clock, 2026, 3, 2, 13, 0)
    sue = harness.person(SUE, "Sue")
    shown = await _digest_text(sue)
    assert "⌛ 1 appointment left open" in shown
    summary = next(m for m in sue.messages() if "team digest" in (m.text or ""))
    [listed] = await sue.press(summary, "⌛ 1 left open")
    assert "⌛ Appointments left open" in listed.text
    assert "C-0001 Maria Gonzalez · Mon 10:00 · Home visit" in listed.text

    [reminder] = _reminders(wanda)
    [card] = await wanda.press(reminder, texts.NO_SHOW)
    assert card.message_id == reminder.message_id  # the reminder becomes the card
    assert "Marked as no-show" in card.text
    assert await _status(harness, appointment_id) == AppointmentStatus.NO_SHOW
    assert "left open" not in await _digest_text(sue)
    await _tick_at(harness, clock, 2026, 3, 2, 14, 0)
    assert _reminders(wanda) == []  # the one reminder became the card; no other came


async def test_done_opens_the_visit_log_and_reschedule_asks_the_new_day(harness, clock):
    wanda, appointment_id = await _visit(harness, clock)
    await _tick_at(harness, clock, 2026, 3, 2, 13, 5)
    [reminder] = _reminders(wanda)
    [log] = await wanda.press(reminder, texts.MARK_DONE)
    assert "Mon 2 Mar 10:00 · 60 min" in log.text
    await wanda.press(log, "Save")
    assert await _status(harness, appointment_id) == AppointmentStatus.COMPLETED
    sue = harness.person(SUE, "Sue")
    assert "left open" not in await _digest_text(sue)

    # Another one, moved instead.
    later_id = await _another_visit(harness, clock, berlin(2026, 3, 3, 10, 0))
    await _tick_at(harness, clock, 2026, 3, 3, 13, 0)
    reminder = _reminders(wanda)[-1]
    asked = await wanda.press(reminder, texts.RESCHEDULE)
    assert any("C-0001" in (m.text or "") for m in asked)
    assert await _status(harness, later_id) == AppointmentStatus.SCHEDULED


async def _another_visit(harness, clock, starts_at: datetime) -> int:
    """One more home visit of Wanda's to Maria, an hour long: its id."""
    worker_id = await harness.worker_id(WANDA)
    async with harness.db.session() as session:
        client = await session.get(Client, 1)
        appointment = await appointment_store.schedule(
            session,
            client=client,
            worker_id=worker_id,
            starts_at=starts_at,
            duration_minutes=60,
            kind=InteractionType.HOME_VISIT,
            zone=BERLIN,
            now=clock.now(),
        )
        return appointment.id


async def test_a_checked_in_visit_gets_the_check_out_reminder_only(harness, clock):
    wanda, appointment_id = await _visit(harness, clock)
    clock.set(berlin(2026, 3, 2, 10, 2))
    await _check_in(harness, wanda, NEAR)
    await _tick_at(harness, clock, 2026, 3, 2, 12, 2)  # the missing check-out
    await _tick_at(harness, clock, 2026, 3, 2, 13, 0)
    await _tick_at(harness, clock, 2026, 3, 2, 16, 0)
    assert len([m for m in wanda.messages() if (m.text or "").startswith("🏁 C-0001")]) == 1
    assert _reminders(wanda) == []
    # Still open all the same: the digest lists it.
    sue = harness.person(SUE, "Sue")
    assert "⌛ 1 appointment left open" in await _digest_text(sue)


async def test_quiet_hours_hold_it_and_a_visit_closed_meanwhile_is_not_reminded(harness, clock):
    wanda, _ = await _visit(harness, clock, berlin(2026, 3, 2, 17, 30))
    closed = await _another_visit(harness, clock, berlin(2026, 3, 2, 17, 45))
    await _tick_at(harness, clock, 2026, 3, 2, 20, 45)  # both left open; quiet from 20:00
    assert _reminders(wanda) == []
    async with harness.db.session() as session:
        rows = (
            await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "unclosed"))
        ).scalars()
        assert [row.next_attempt_at for row in rows] == [berlin(2026, 3, 3, 8, 0)] * 2
        # The 17:45 one is logged before the morning (from the card, say).
        await session.execute(
            update(Appointment)
            .where(Appointment.id == closed)
            .values(status=AppointmentStatus.COMPLETED)
        )
    await _tick_at(harness, clock, 2026, 3, 3, 8, 0)
    [reminder] = _reminders(wanda)
    assert "Home visit Mon 17:30 is still open" in reminder.text


async def test_a_muted_client_or_a_long_outage_reminds_nobody_but_the_digest_still_lists(
    harness, clock
):
    wanda, _ = await _visit(harness, clock)
    # The bot was down from Monday morning to Wednesday: too late to remind.
    await _tick_at(harness, clock, 2026, 3, 4, 9, 0)
    assert _reminders(wanda) == []
    sue = harness.person(SUE, "Sue")
    assert "⌛ 1 appointment left open" in await _digest_text(sue)
    # On hold: muted, in no reminder and no figure.
    async with harness.db.session() as session:
        await session.execute(update(Client).values(status=ClientStatus.ON_HOLD))
    assert "left open" not in await _digest_text(sue)


@pytest.fixture
async def private(devserver, db, db_url, clock):
    async with running(devserver, db, db_url, clock, CASELINE_PRIVATE_PREVIEWS="1") as harness:
        yield harness


async def test_with_private_previews_it_names_the_client_by_code_and_initials(private, clock):
    wanda, _ = await _visit(private, clock)
    await _tick_at(private, clock, 2026, 3, 2, 13, 0)
    [reminder] = _reminders(wanda)
    assert reminder.text.startswith("⌛ C-0001 M.G. · Home visit Mon 10:00 is still open")
    assert "Maria" not in reminder.text and PLACE not in reminder.text


def test_the_rule_in_python_matches_its_sql_words():
    visit = Appointment(
        starts_at=berlin(2026, 3, 2, 10, 0),
        duration_minutes=90,
        status=AppointmentStatus.SCHEDULED,
    )
    assert visit.ends_at == berlin(2026, 3, 2, 11, 30)
    assert not visit.left_open(berlin(2026, 3, 2, 13, 29))
    assert visit.left_open(berlin(2026, 3, 2, 13, 30))
    visit.status = AppointmentStatus.COMPLETED
    assert not visit.left_open(berlin(2026, 3, 2, 18, 0))
    assert timedelta(hours=2) == appointment_store.UNCLOSED_AFTER
