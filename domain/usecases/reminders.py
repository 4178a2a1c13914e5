"""The buttons under a pushed reminder: 💤 snooze it, or 📋 open today from it.

A reminder is an outbox row; a button names its id, which is never trusted: the row
must be the pressing worker's own, and its client one they may still see. A snooze
only holds while the appointment is still scheduled; the snoozed reminder is written
again from the appointment as it stands when it comes back (bot/reminders/rendering.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from domain.results import AlreadySaved, Refused, Saved, Stale
from domain.rules.appointments import is_scheduled
from domain.rules.routine import ReminderKind, Routine
from domain.work import Work
from storage import audit, clients, outbox
from storage.machinery import OutboxMessage
from storage.models import Appointment, Client, Worker
from storage.workers import Actor

SNOOZE_FOR = timedelta(hours=1)


class SnoozeOption(StrEnum):
    """The two snooze buttons (their value is what the button carries)."""

    HOUR = "h"
    TOMORROW = "t"


@dataclass(frozen=True, slots=True)
class Snoozed:
    """The reminder comes back at `until` (in the worker's zone)."""

    until: datetime


@dataclass(frozen=True, slots=True)
class AppointmentNow:
    """The appointment a reminder is about, as it stands now."""

    appointment: Appointment
    client: Client


SnoozeResult = Saved[Snoozed] | AlreadySaved[Snoozed] | Refused | Stale[AppointmentNow]


async def snooze_reminder(
    work: Work, actor: Actor, row_id: int | None, option: SnoozeOption | None
) -> SnoozeResult:
    """💤 on an appointment reminder: queue it again for an hour later (or, if that is
    in quiet hours, the next start of day) or for the next working day's start.

    Refused (audited) for another worker's reminder, a client no longer theirs, a
    forged option or a row that is not an appointment reminder; Stale when the
    appointment is no longer scheduled; AlreadySaved for the second tap of a double tap.
    """
    now = work.clock.now()
    async with work.transaction() as session:
        found = await _own_row(session, actor, row_id)
        appointment = await _appointment_of(session, found)
        if found is None or option is None or appointment is None:
            await _refuse(session, "reminder.snooze", actor, row_id, now)
            return Refused("reminder")
        row, client = found
        worker = await session.get(Worker, actor.id)
        assert worker is not None  # the gate let this actor in
        routine = Routine.of(worker, work.settings.timezone)
        if row.snoozed_until is not None and row.snoozed_until > now:
            return AlreadySaved(Snoozed(routine.local(row.snoozed_until)))
        if not is_scheduled(appointment.status):
            return Stale(AppointmentNow(appointment, client or await _client(session, appointment)))
        until = now + SNOOZE_FOR
        if option is SnoozeOption.TOMORROW:
            until = routine.next_start_of_day(now)
        elif routine.is_quiet(until):
            until = routine.start_of_day_from(until)
        until = until.astimezone(UTC)
        await outbox.enqueue(
            session,
            key=f"{ReminderKind.SNOOZED}:{row.id}:{until:%Y%m%dT%H%MZ}",
            kind=ReminderKind.SNOOZED,
            worker_id=actor.id,
            due_at=until,
            now=now,
            not_before=until,
            client_id=appointment.client_id,
            subject_type="appointment",
            subject_id=appointment.id,
            # Only what names the appointment: the text is written when it is sent.
            payload={"starts_at": appointment.starts_at.isoformat(), "snoozed": row.id},
        )
        row.snoozed_until = until
        return Saved(Snoozed(routine.local(until)))


async def open_today(work: Work, actor: Actor, row_id: int | None) -> Refused | None:
    """📋 Today under a reminder: None when the reminder is the actor's own (the
    caller then shows today), else Refused (audited)."""
    now = work.clock.now()
    async with work.transaction() as session:
        found = await _own_row(session, actor, row_id)
        if found is None:
            await _refuse(session, "reminder.today", actor, row_id, now)
            return Refused("reminder")
        return None


async def refuse_button(work: Work, actor: Actor, row_id: int | None) -> Refused:
    """A reminder button that was never offered (a forged press): audited, refused."""
    now = work.clock.now()
    async with work.transaction() as session:
        await _refuse(session, "reminder.button", actor, row_id, now)
    return Refused("reminder")


async def _own_row(
    session: AsyncSession, actor: Actor, row_id: int | None
) -> tuple[OutboxMessage, Client | None] | None:
    """The outbox row if it is the actor's own, with its client if it names one the
    actor may still see; None otherwise. A reminder about a client who has since moved
    to someone else is not re-pushed: its text names the client."""
    row = await session.get(OutboxMessage, row_id) if row_id else None
    if row is None or row.worker_id != actor.id:
        return None
    if row.client_id is None:
        return row, None
    client = await clients.get_visible(session, actor, row.client_id)
    return (row, client) if client is not None else None


async def _appointment_of(
    session: AsyncSession, found: tuple[OutboxMessage, Client | None] | None
) -> Appointment | None:
    """The appointment an appointment reminder (or a snoozed one) is about."""
    if found is None:
        return None
    row = found[0]
    if row.kind not in (ReminderKind.APPOINTMENT, ReminderKind.SNOOZED):
        return None
    if row.subject_type != "appointment" or row.subject_id is None:
        return None
    return await session.get(Appointment, row.subject_id)


async def _client(session: AsyncSession, appointment: Appointment) -> Client:
    client = await session.get(Client, appointment.client_id)
    assert client is not None  # a foreign key
    return client


async def _refuse(
    session: AsyncSession,
    action: str,
    actor: Actor,
    row_id: int | None,
    now: datetime,
) -> None:
    row = await session.get(OutboxMessage, row_id) if row_id else None
    await audit.refused(
        session,
        action,
        now=now,
        actor_id=actor.id,
        subject_type="outbox",
        subject_id=row_id,
        client_id=row.client_id if row else None,
    )
