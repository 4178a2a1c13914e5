"""✅ Done on an appointment that has not started yet never logs a future contact.

Decision (issue 13): Done before the start asks "This visit is planned for … Log it as
happened now?". Yes: the visit starts now (today's contact); No: it stays scheduled.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from domain.results import Invalid
from domain.usecases import appointments as usecases
from storage.kinds import AppointmentStatus, InteractionType
from storage.models import Appointment, Client
from tests.harness import buttons
from ui import texts


async def _rows(harness) -> list[Appointment]:
    async with harness.db.session() as session:
        return list((await session.execute(select(Appointment).order_by(Appointment.id))).scalars())


async def _last_contact(harness, client_id: int) -> datetime | None:
    async with harness.db.session() as session:
        return (await session.get(Client, client_id)).last_contact_at


async def _friday_card(harness):
    """Wanda books Maria for Friday 09:30 (it is Monday 09:00): the appointment card."""
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    ask = await wanda.send("/appt")
    await wanda.press(ask[-1], "C-0001")
    card = await wanda.send("2026-03-06 09:30")
    saved = await wanda.press(card[-1], "Save")
    assert "Scheduled" in saved[-1].text
    return wanda, client_id, saved[-1]


async def test_done_before_the_start_asks_and_yes_logs_the_visit_as_happened_now(harness, clock):
    wanda, client_id, card = await _friday_card(harness)
    clock.advance(timedelta(hours=1))  # Monday 10:00 in Berlin
    ask = await wanda.press(card, "Done")
    assert ask[-1].text == (
        "This visit is planned for Fri 6 Mar 09:30 · 60 min · Home visit. Log it as happened now?"
    )
    visit = await wanda.press(ask[-1], texts.LOG_NOW_YES)
    assert "Mon 2 Mar 10:00 · 60 min · Home visit" in visit[-1].text
    await wanda.press(visit[-1], "Save")
    [appointment] = await _rows(harness)
    assert appointment.status == "completed"
    assert appointment.starts_at == clock.now()  # moved to now, never in the future
    assert await _last_contact(harness, client_id) == clock.now()
    history = await wanda.send("/history C-0001")
    assert "Home visit, 60 min · completed" in "\n".join(m.text for m in history)
    client_card = await wanda.send("/client C-0001")
    assert "Last contact: today" in client_card[0].text
    assert "Mon 16 Mar" in client_card[0].text  # next visit due 14 days from today, not Friday


async def test_done_before_the_start_no_leaves_it_scheduled(harness, clock):
    wanda, client_id, card = await _friday_card(harness)
    ask = await wanda.press(card, "Done")
    left = await wanda.press(ask[-1], texts.LOG_NOW_NO)
    assert left[-1].text == texts.VISIT_LEFT_SCHEDULED
    [appointment] = await _rows(harness)
    assert (appointment.status, appointment.starts_at) == (
        "scheduled",
        datetime(2026, 3, 6, 8, 30, tzinfo=UTC),
    )
    assert await _last_contact(harness, client_id) is None
    # The card still offers Done, and the dialog is closed: /visit starts afresh.
    assert any("ac:done:" in data for _, data in buttons(card))
    assert "Log a visit. Which client?" in (await wanda.send("/visit"))[0].text


async def test_the_visit_rule_refuses_a_future_start_on_the_card_path_too(harness, clock):
    """Whatever a card or an old draft holds, log_visit never records a future contact."""
    wanda, client_id, _ = await _friday_card(harness)
    [appointment] = await _rows(harness)
    services = harness.application.bot_data["services"]
    actor = await _actor(harness, 701)
    for appointment_id in (appointment.id, None):
        entry = usecases.VisitEntry(
            client_id=client_id,
            starts_at=appointment.starts_at,
            duration_minutes=60,
            kind=InteractionType.HOME_VISIT,
            outcome=AppointmentStatus.COMPLETED,
            appointment_id=appointment_id,
        )
        assert await usecases.log_visit(services, actor, entry) == Invalid(usecases.FUTURE)
    [still] = await _rows(harness)
    assert still.status == "scheduled" and await _last_contact(harness, client_id) is None
    _ = wanda


async def _actor(harness, user_id: int):
    from storage.workers import Actor, by_telegram_id

    async with harness.db.session() as session:
        return Actor.of(await by_telegram_id(session, user_id))
