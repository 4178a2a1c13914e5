"""Every allowed look at a record is an audit event, as the README says: the appointment
card behind a button and the agenda of /today and /week, not only the refused ones."""

from __future__ import annotations

from sqlalchemy import select

from storage.machinery import AuditEvent
from storage.models import Appointment


async def _events(harness, action: str) -> list[AuditEvent]:
    async with harness.db.session() as session:
        statement = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list((await session.execute(statement)).scalars())


async def test_today_week_and_the_appointment_card_are_audited_looks(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    wanda_id = await harness.worker_id(701)
    ask = await wanda.send("/appt")
    await wanda.press(ask[-1], "C-0001")
    card = await wanda.send("today 14:30")
    await wanda.press(card[-1], "Save")
    async with harness.db.session() as session:
        appointment_id = (await session.execute(select(Appointment.id))).scalar_one()

    today = await wanda.send("/today")
    assert "14:30 · C-0001" in today[0].text
    week = await wanda.send("/week")
    opened = await wanda.press(week[0], "Mon 14:30")
    assert "Appointment" in opened[0].text

    agenda = await _events(harness, "agenda.view")
    assert [(e.actor_worker_id, e.allowed, e.detail) for e in agenda] == [
        (wanda_id, True, {"days": 1, "rows": 1, "clients": [client_id]}),
        (wanda_id, True, {"days": 7, "rows": 1, "clients": [client_id]}),
    ]
    [look] = await _events(harness, "appointment.view")
    assert (look.actor_worker_id, look.allowed) == (wanda_id, True)
    assert (look.subject_type, look.subject_id, look.client_id) == (
        "appointment",
        appointment_id,
        client_id,
    )
