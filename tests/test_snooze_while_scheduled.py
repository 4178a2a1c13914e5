"""💤 Snooze holds only while the appointment is still scheduled, and a snoozed reminder
comes back written from the appointment as it stands then, through the real stack."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from storage import appointments as appointment_store
from storage import clients as client_store
from storage.kinds import AppointmentStatus, InteractionType
from storage.machinery import OutboxMessage
from storage.models import Appointment
from storage.workers import Actor
from tests.harness import buttons

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


async def _reminded(harness, clock):
    """Wanda has a home visit with Maria on Tue 3 Mar at 15:00; its reminder came at 14:00."""
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    worker_id = await harness.worker_id(701)
    actor = Actor(id=worker_id, name="", role="worker", team_id=None, timezone=None, chat_id=None)
    async with harness.db.session() as session:
        client = await client_store.get_visible(session, actor, client_id)
        appointment = await appointment_store.schedule(
            session,
            client=client,
            worker_id=worker_id,
            starts_at=berlin(2026, 3, 3, 15, 0),
            duration_minutes=60,
            kind=InteractionType.HOME_VISIT,
            zone=BERLIN,
            now=harness.clock.now(),
        )
        appointment_id = appointment.id
    clock.set(berlin(2026, 3, 3, 14, 0))
    await harness.tick()
    reminder = [m for m in wanda.messages() if m.text.startswith("⏰")][-1]
    return wanda, reminder, appointment_id


async def _set_status(harness, appointment_id: int, status: AppointmentStatus) -> None:
    async with harness.db.session() as session:
        (await session.get(Appointment, appointment_id)).status = status


async def _snoozed_rows(harness) -> int:
    async with harness.db.session() as session:
        statement = select(func.count()).where(OutboxMessage.kind == "snoozed")
        return (await session.execute(statement)).scalar_one()


async def test_snooze_on_a_reminder_whose_visit_is_done_is_refused_and_shows_it_done(
    harness, clock
):
    wanda, reminder, appointment_id = await _reminded(harness, clock)
    await _set_status(harness, appointment_id, AppointmentStatus.COMPLETED)  # logged meanwhile
    clock.set(berlin(2026, 3, 3, 16, 10))
    await wanda.press(reminder, "1 h")
    assert wanda.toasts()[-1] == "Not snoozed: this appointment is already done."
    shown = next(m for m in wanda.messages() if m.message_id == reminder.message_id)
    assert "Completed" in shown.text and "C-0001 Maria Gonzalez" in shown.text
    assert [label for label, _ in buttons(shown)] == ["👤 Client"]  # no 💤, no ✅
    assert await _snoozed_rows(harness) == 0
    clock.set(berlin(2026, 3, 4, 9, 0))
    await harness.tick()
    assert not any("Snoozed reminder" in m.text for m in wanda.messages())


async def test_snooze_on_a_cancelled_visit_says_so(harness, clock):
    wanda, reminder, appointment_id = await _reminded(harness, clock)
    await _set_status(harness, appointment_id, AppointmentStatus.CANCELLED)
    await wanda.press(reminder, "Tomorrow")
    assert wanda.toasts()[-1] == "Not snoozed: this appointment is already cancelled."
    assert await _snoozed_rows(harness) == 0


async def test_a_snoozed_reminder_comes_back_with_the_time_now_and_its_done_button(harness, clock):
    wanda, reminder, _ = await _reminded(harness, clock)
    clock.set(berlin(2026, 3, 3, 14, 10))
    await wanda.press(reminder, "1 h")
    assert wanda.toasts()[-1] == "Snoozed until Tue 15:10."
    clock.set(berlin(2026, 3, 3, 15, 10))
    await harness.tick()
    again = [m for m in wanda.messages() if "Snoozed reminder" in m.text]
    assert len(again) == 1
    assert "15:00 (started 10 min ago)" in again[0].text
    assert "in 60 min" not in again[0].text
    # A home visit's reminder also checks in (issue 19).
    assert [label for label, _ in buttons(again[0])] == ["📍 Check in", "✅ Done", "👤 Client"]


async def test_a_snoozed_reminder_whose_visit_was_done_meanwhile_never_comes_back(harness, clock):
    wanda, reminder, appointment_id = await _reminded(harness, clock)
    clock.set(berlin(2026, 3, 3, 14, 10))
    await wanda.press(reminder, "1 h")
    await _set_status(harness, appointment_id, AppointmentStatus.COMPLETED)
    clock.set(berlin(2026, 3, 3, 15, 10))
    await harness.tick()
    assert not any("Snoozed reminder" in m.text for m in wanda.messages())
