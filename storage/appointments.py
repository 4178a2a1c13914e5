"""Appointments and visits.

A recurring appointment is an RRULE (python-dateutil) over the *local* wall clock of
the worker's zone, materialised into one row per occurrence up to a horizon. So a
weekly 10:00 stays 10:00 local across daylight-saving changes, one occurrence can be
moved, cancelled or completed on its own, and reminder queries stay simple indexed
range scans. `extend_series` tops the rows up as time passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.access import visible_clients
from storage.db import affected
from storage.kinds import AppointmentStatus, InteractionType
from storage.models import UNCLOSED_AFTER, Appointment, Client
from storage.notes import record_contact, refresh_last_contact, retract_saved_with
from storage.workers import Actor

HORIZON = timedelta(days=366)
TOP_UP_WHEN = timedelta(days=120)
MAX_OCCURRENCES = 60
DURATION_RANGE = range(5, 12 * 60 + 1)


@dataclass(frozen=True, slots=True)
class Planned:
    """An appointment as it was planned before a visit completed it (its start, length,
    kind and place may be changed on the visit card): what ↩ Undo puts back."""

    starts_at: datetime
    duration_minutes: int
    kind: str
    place: str | None

    @classmethod
    def of(cls, appointment: Appointment) -> Planned:
        return cls(
            appointment.starts_at,
            appointment.duration_minutes,
            appointment.kind,
            appointment.place,
        )

    def values(self) -> dict[str, object]:
        return {
            "starts_at": self.starts_at,
            "duration_minutes": self.duration_minutes,
            "kind": self.kind,
            "place": self.place,
        }

    def to_json(self) -> dict[str, object]:
        return self.values() | {"starts_at": self.starts_at.isoformat()}

    @classmethod
    def from_json(cls, data: object) -> Planned | None:
        if not isinstance(data, dict):
            return None
        place = data.get("place")
        try:
            return cls(
                datetime.fromisoformat(str(data["starts_at"])),
                int(data["duration_minutes"]),
                str(data["kind"]),
                place if isinstance(place, str) else None,
            )
        except (KeyError, TypeError, ValueError):
            return None


class Recurrence(StrEnum):
    NONE = "none"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


def rule_for(recurrence: Recurrence, first_local: datetime) -> str | None:
    if recurrence == Recurrence.WEEKLY:
        return "FREQ=WEEKLY"
    if recurrence == Recurrence.BIWEEKLY:
        return "FREQ=WEEKLY;INTERVAL=2"
    if recurrence == Recurrence.MONTHLY:
        if first_local.day > 28:
            # "Monthly on the 31st" falls on the last day of shorter months instead of
            # skipping them, as RFC 5545 would.
            days = ",".join(str(day) for day in range(28, first_local.day + 1))
            return f"FREQ=MONTHLY;BYMONTHDAY={days};BYSETPOS=-1"
        return "FREQ=MONTHLY"
    return None


def to_utc(local_naive: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in `zone` as UTC. Per PEP 495 with fold=0, a time skipped by a
    spring-forward change lands after the gap (02:30 → 03:30) and a repeated one takes
    its first occurrence."""
    return local_naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def occurrences(
    first: datetime, rule: str, zone: ZoneInfo, after: datetime, until: datetime
) -> list[datetime]:
    """UTC start times of the rule's occurrences in (after, until]."""
    local_first = first.astimezone(zone).replace(tzinfo=None)
    result: list[datetime] = []
    for local in rrulestr(rule, dtstart=local_first):
        moment = to_utc(local, zone)
        if moment > until or len(result) >= MAX_OCCURRENCES:
            break
        if moment > after:
            result.append(moment)
    return result


async def schedule(
    session: AsyncSession,
    *,
    client: Client,
    worker_id: int,
    starts_at: datetime,
    duration_minutes: int,
    kind: InteractionType,
    zone: ZoneInfo,
    now: datetime,
    place: str | None = None,
    recurrence: Recurrence = Recurrence.NONE,
) -> Appointment:
    if duration_minutes not in DURATION_RANGE:
        raise ValueError("duration must be 5 minutes to 12 hours")
    first = Appointment(
        client_id=client.id,
        worker_id=worker_id,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        kind=kind,
        place=place,
        status=AppointmentStatus.SCHEDULED,
        rrule=rule_for(recurrence, starts_at.astimezone(zone)),
        timezone=zone.key,
        created_at=now,
    )
    session.add(first)
    await session.flush()
    if first.rrule:
        first.series_id = first.id
        await _materialise(session, first, after=starts_at, until=now + HORIZON, now=now)
    return first


async def _materialise(
    session: AsyncSession, master: Appointment, *, after: datetime, until: datetime, now: datetime
) -> int:
    zone = ZoneInfo(master.timezone or "UTC")
    assert master.rrule is not None
    moments = occurrences(master.starts_at, master.rrule, zone, after, until)
    for moment in moments:
        session.add(
            Appointment(
                client_id=master.client_id,
                worker_id=master.worker_id,
                starts_at=moment,
                duration_minutes=master.duration_minutes,
                kind=master.kind,
                place=master.place,
                status=AppointmentStatus.SCHEDULED,
                timezone=master.timezone,
                series_id=master.id,
                created_at=now,
            )
        )
    await session.flush()
    return len(moments)


async def extend_series(session: AsyncSession, now: datetime) -> int:
    """Add occurrences to running series whose last row is near. Returns rows added."""
    masters = (
        await session.execute(
            select(Appointment).where(
                Appointment.rrule.is_not(None), Appointment.id == Appointment.series_id
            )
        )
    ).scalars()
    added = 0
    for master in masters:
        last = (
            await session.execute(
                select(Appointment.starts_at)
                .where(Appointment.series_id == master.id)
                .order_by(Appointment.starts_at.desc())
                .limit(1)
            )
        ).scalar_one()
        ended = (
            await session.execute(
                select(Appointment.id).where(
                    Appointment.series_id == master.id,
                    Appointment.status == AppointmentStatus.SCHEDULED,
                    Appointment.starts_at > now,
                )
            )
        ).first() is None and last > now
        if last - now < TOP_UP_WHEN and not ended:
            added += await _materialise(session, master, after=last, until=now + HORIZON, now=now)
    return added


async def get_visible(
    session: AsyncSession, actor: Actor, appointment_id: int
) -> tuple[Appointment, Client] | None:
    statement = (
        select(Appointment, Client)
        .join(Client, Client.id == Appointment.client_id)
        .where(Appointment.id == appointment_id, visible_clients(actor))
    )
    row = (await session.execute(statement)).first()
    return (row[0], row[1]) if row else None


async def get_visible_or_refuse(
    session: AsyncSession, actor: Actor, appointment_id: int | None, action: str, now: datetime
) -> tuple[Appointment, Client] | None:
    """The appointment with its client if `actor` may see it; otherwise the attempt
    (another team's id, a client since moved on, a forged id) is audited as refused."""
    found = await get_visible(session, actor, appointment_id) if appointment_id else None
    if found is None:
        await audit.refused(
            session,
            action,
            now=now,
            actor_id=actor.id,
            subject_type="appointment",
            subject_id=appointment_id,
        )
    return found


async def scheduled_for_client(
    session: AsyncSession, client_id: int, begin: datetime, end: datetime
) -> list[Appointment]:
    """The client's still-scheduled appointments starting in [begin, end]: the ones a
    visit logged at a time in between could be (domain/rules/appointments.py decides)."""
    statement = (
        select(Appointment)
        .where(
            Appointment.client_id == client_id,
            Appointment.status == AppointmentStatus.SCHEDULED,
            Appointment.starts_at >= begin,
            Appointment.starts_at <= end,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return list((await session.execute(statement)).scalars())


async def upcoming_for_client(
    session: AsyncSession, client_id: int, now: datetime, *, offset: int = 0, limit: int
) -> list[Appointment]:
    """One page of the client's still-scheduled appointments from `now` on, soonest first
    (the client card's and its list's): one query, `limit` rows from `offset`."""
    statement = (
        select(Appointment)
        .where(
            Appointment.client_id == client_id,
            Appointment.status == AppointmentStatus.SCHEDULED,
            Appointment.starts_at >= now,
        )
        .order_by(Appointment.starts_at, Appointment.id)
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(statement)).scalars())


async def reschedule(appointment: Appointment, starts_at: datetime) -> None:
    """Move the appointment; whether it may move is domain/rules/appointments.py's call."""
    appointment.starts_at = starts_at


async def cancel(
    session: AsyncSession,
    appointment: Appointment,
    *,
    reason: str,
    whole_series: bool = False,
    now: datetime,
) -> int:
    """Cancel one occurrence, or it and every later scheduled one of its series (whether
    it may be cancelled is domain/rules/appointments.py's call)."""
    if whole_series and appointment.series_id is not None:
        result = await session.execute(
            update(Appointment)
            .where(
                Appointment.series_id == appointment.series_id,
                Appointment.status == AppointmentStatus.SCHEDULED,
                Appointment.starts_at >= appointment.starts_at,
            )
            .values(status=AppointmentStatus.CANCELLED, cancel_reason=reason)
            .execution_options(synchronize_session=False)
        )
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancel_reason = reason
        return int(getattr(result, "rowcount", 0) or 0)
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancel_reason = reason
    return 1


async def finish(
    session: AsyncSession,
    appointment: Appointment,
    client: Client,
    *,
    status: AppointmentStatus,
    now: datetime,
    outcome: str | None = None,
) -> None:
    """Record how a scheduled visit went; a completed one is a contact with the client."""
    appointment.status = status
    appointment.outcome = outcome
    appointment.completed_at = now
    if status == AppointmentStatus.COMPLETED:
        record_contact(client, appointment.starts_at, now)
    else:
        await refresh_last_contact(session, client, now=now)


async def take_back(
    session: AsyncSession,
    appointment: Appointment,
    client: Client,
    *,
    now: datetime,
    planned: Planned | None = None,
    withdraw: bool = False,
) -> bool:
    """↩ Undo of how a visit ended (whether it still may is domain/rules/appointments.py's
    call): back to scheduled as `planned` (when a visit had changed it), or withdrawn (a
    visit logged on its own). The notes saved with it are withdrawn too, and the client's
    last contact is recomputed by the one rule. False when a concurrent press (or a
    change) got there first: the row is claimed by the status it ended with."""
    recorded_at = appointment.completed_at
    status = AppointmentStatus.WITHDRAWN if withdraw else AppointmentStatus.SCHEDULED
    values: dict[str, object] = {"status": status}
    if not withdraw:
        values |= {"completed_at": None, "outcome": None}
        if planned is not None:
            values |= planned.values()
    claimed = await session.execute(
        update(Appointment)
        .where(
            Appointment.id == appointment.id,
            Appointment.status == appointment.status,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if affected(claimed) != 1:
        return False
    for key, value in values.items():
        setattr(appointment, key, value)
    if recorded_at is not None:
        await retract_saved_with(session, appointment.id, since=recorded_at, now=now)
    client.updated_at = now
    await refresh_last_contact(session, client, now=now)
    return True


async def log_visit(
    session: AsyncSession,
    *,
    client: Client,
    worker_id: int,
    starts_at: datetime,
    duration_minutes: int,
    kind: InteractionType,
    status: AppointmentStatus,
    now: datetime,
    outcome: str | None = None,
    place: str | None = None,
) -> Appointment:
    """A visit that already happened (or was missed), logged after the fact."""
    visit = Appointment(
        client_id=client.id,
        worker_id=worker_id,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        kind=kind,
        place=place,
        status=status,
        outcome=outcome,
        created_at=now,
        completed_at=now,
    )
    session.add(visit)
    await session.flush()
    if status == AppointmentStatus.COMPLETED:
        record_contact(client, starts_at, now)
    return visit


async def agenda(
    session: AsyncSession, worker_id: int, start: datetime, end: datetime
) -> list[tuple[Appointment, Client]]:
    """A worker's appointments starting in [start, end), cancelled (and withdrawn) ones
    left out."""
    statement = (
        select(Appointment, Client)
        .join(Client, Client.id == Appointment.client_id)
        .where(
            Appointment.worker_id == worker_id,
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
            Appointment.status.not_in([AppointmentStatus.CANCELLED, AppointmentStatus.WITHDRAWN]),
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return [(row[0], row[1]) for row in (await session.execute(statement)).all()]


async def left_open_to_remind(
    session: AsyncSession, now: datetime, catch_up: timedelta
) -> list[Appointment]:
    """Appointments left open (`Appointment.left_open`) whose moment to remind — two
    hours after the planned end — came within `catch_up` of `now`, of open clients, with
    no check-in (a checked-in visit gets visit verification's missing check-out reminder
    instead: one reminder per visit). The (status, starts_at) index serves it: the past
    appointments still scheduled, of the last `catch_up` plus the longest duration."""
    longest = timedelta(minutes=DURATION_RANGE.stop)
    statement = (
        select(Appointment)
        .join(Client, Client.id == Appointment.client_id)
        .where(
            Appointment.left_open(now),
            Appointment.starts_at >= now - catch_up - UNCLOSED_AFTER - longest,
            Appointment.ends_at > now - catch_up - UNCLOSED_AFTER,
            Appointment.check_in_at.is_(None),
            Client.is_open,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return list((await session.execute(statement)).scalars())
