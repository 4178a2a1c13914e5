"""What is due, computed from the data (never stored as tasks), written to the outbox.

One tick looks at the clock and:
- upcoming appointments whose reminder time (start − the worker's lead) has come → one
  reminder each, unless it is older than the catch-up window. Quiet hours and days off
  win (domain/rules/routine.py): a reminder due in them is queued to go out when they
  end, or, when the appointment starts before then, folded into the morning agenda
  that goes out then (which lists the day's appointments) — never dropped;
- each worker whose start of day has come (on a working day, outside quiet hours) → ONE
  morning agenda, at the start of day or when quiet hours covering it end: today's
  appointments plus visits due or overdue by contact frequency, plan reviews and
  referral follow-ups (built when it is sent, so it is current);
- each supervisor whose digest time has come → one digest (same quiet-hours rule);
- each appointment left open — still scheduled two hours after its planned end, with no
  check-in (a checked-in one gets visit verification's missing check-out reminder
  instead: one reminder per visit) — → one reminder to its worker, once, held by quiet
  hours until they end; one that fell due more than `UNCLOSED_CATCH_UP` ago (the bot was
  down) is left to the supervisor's digest, which lists it until it is closed.
- each supervisor whose weekly trend day and digest time have come → one trend a week
  (its key names the week, so choosing another day mid-week sends no second one).

Every outbox key names the thing and its due moment, so a second tick, a restart or a
second scheduler never enqueues the same reminder twice, and a reminder that fell due
while the bot was down is still enqueued on the next tick. The appointment query only
reads the next day's appointments through an index, so a tick costs what is due, not
the size of the caseload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.rules.routine import Hold, ReminderKind, Routine
from storage import outbox
from storage.appointments import left_open_to_remind
from storage.kinds import AppointmentStatus, Role
from storage.machinery import OutboxMessage
from storage.models import UNCLOSED_AFTER, Appointment, Worker

# The kinds and the routine live in domain/rules/routine.py; named here for the callers.
APPOINTMENT = ReminderKind.APPOINTMENT
AGENDA = ReminderKind.AGENDA
DIGEST = ReminderKind.DIGEST
RISK = ReminderKind.RISK
RISK_SEEN = ReminderKind.RISK_SEEN
APPROVAL = ReminderKind.APPROVAL
APPROVAL_DECIDED = ReminderKind.APPROVAL_DECIDED
BLOCKED = ReminderKind.BLOCKED
SNOOZED = ReminderKind.SNOOZED
WIPE = ReminderKind.WIPE
EXPIRE = ReminderKind.EXPIRE
CHECK_OUT = ReminderKind.CHECK_OUT
UNCLOSED = ReminderKind.UNCLOSED
NOTE_COMMENT = ReminderKind.NOTE_COMMENT
TREND = ReminderKind.TREND
BULK_EXPORT = ReminderKind.BULK_EXPORT
# How far ahead appointment reminders are looked for: the longest lead a worker may set.
MAX_LEAD = timedelta(hours=24)
DEFAULT_CATCH_UP = timedelta(hours=2)
# An appointment left open is reminded up to a day late (after an outage), no later.
UNCLOSED_CATCH_UP = timedelta(hours=24)
KEY_BATCH = 500


@dataclass
class TickReport:
    appointments: int = 0
    agendas: int = 0
    digests: int = 0
    unclosed: int = 0
    trends: int = 0
    skipped_quiet: int = 0  # folded into the agenda that goes out when quiet hours end
    held_quiet: int = 0  # queued to go out when quiet hours end
    too_old: int = 0
    keys: list[str] = field(default_factory=list)


async def routines(session: AsyncSession, default_zone: str) -> dict[int, Routine]:
    """Every active worker who can receive messages."""
    statement = select(Worker).where(Worker.active.is_(True), Worker.chat_id.is_not(None))
    return {w.id: Routine.of(w, default_zone) for w in (await session.execute(statement)).scalars()}


async def plan_tick(
    session: AsyncSession,
    *,
    now: datetime,
    default_zone: str,
    catch_up: timedelta = DEFAULT_CATCH_UP,
) -> TickReport:
    report = TickReport()
    people = await routines(session, default_zone)
    await _appointment_reminders(session, people, now, catch_up, report)
    await _unclosed_reminders(session, people, now, report)
    daily = [item for routine in people.values() for item in _daily(routine, now)]
    await _enqueue_daily(session, daily, now, report)
    return report


async def _appointment_reminders(
    session: AsyncSession,
    people: dict[int, Routine],
    now: datetime,
    catch_up: timedelta,
    report: TickReport,
) -> None:
    statement = select(
        Appointment.id, Appointment.worker_id, Appointment.client_id, Appointment.starts_at
    ).where(
        Appointment.status == AppointmentStatus.SCHEDULED,
        Appointment.starts_at > now,
        Appointment.starts_at <= now + MAX_LEAD,
    )
    for appointment_id, worker_id, client_id, starts_at in (await session.execute(statement)).all():
        routine = people.get(worker_id)
        if routine is None or not routine.wants(APPOINTMENT):
            continue
        remind_at = starts_at - routine.lead
        if remind_at > now:
            continue
        if now - remind_at > catch_up:
            report.too_old += 1
            continue
        hold, send_at = routine.hold(starts_at, now)
        if hold is Hold.FOLD:
            report.skipped_quiet += 1
            continue
        key = f"{APPOINTMENT}:{appointment_id}:{starts_at:%Y%m%dT%H%MZ}"
        added = await outbox.enqueue(
            session,
            key=key,
            kind=APPOINTMENT,
            worker_id=worker_id,
            due_at=remind_at if hold is Hold.SEND else send_at,
            now=now,
            not_before=send_at if hold is Hold.DEFER else None,
            client_id=client_id,
            subject_type="appointment",
            subject_id=appointment_id,
            payload={"starts_at": starts_at.isoformat()},
        )
        if added:
            report.appointments += 1
            report.held_quiet += hold is Hold.DEFER
            report.keys.append(key)


@dataclass(frozen=True, slots=True)
class _Daily:
    key: str
    kind: str
    worker_id: int
    due_at: datetime
    day: date


def _daily(routine: Routine, now: datetime) -> list[_Daily]:
    """The once-a-day messages whose time has come for this person today: each at its
    time of day, or when quiet hours covering that time end (never on a day off)."""
    if routine.is_quiet(now):
        return []
    today = routine.local(now).date()
    wanted: list[tuple[ReminderKind, datetime | None]] = []
    if routine.wants(AGENDA):
        wanted.append((AGENDA, routine.agenda_at(today)))
    if _leads(routine) and routine.wants(DIGEST):
        wanted.append((DIGEST, routine.daily_at(today, routine.digest_time)))
    due = [
        _Daily(
            key=f"{kind}:{routine.worker_id}:{today.isoformat()}",
            kind=kind,
            worker_id=routine.worker_id,
            due_at=at,
            day=today,
        )
        for kind, at in wanted
        if at is not None and now >= at
    ]
    trend_at = routine.trend_at(today) if _leads(routine) else None
    if trend_at is not None and now >= trend_at:
        week = today - timedelta(days=today.weekday())
        key = f"{TREND}:{routine.worker_id}:{week.isoformat()}"
        due.append(_Daily(key, TREND, routine.worker_id, trend_at, today))
    return due


def _leads(routine: Routine) -> bool:
    """A supervisor of a team: who gets the digest and the weekly trend."""
    return routine.role == Role.SUPERVISOR and routine.team_id is not None


async def _enqueue_daily(
    session: AsyncSession, items: list[_Daily], now: datetime, report: TickReport
) -> None:
    """Enqueue the day's agendas and digests that are not in the outbox yet.

    After the first tick of a day every one of them exists; one look-up per 500 keys
    replaces an INSERT … ON CONFLICT per worker per tick (6× faster with 1,000 workers,
    bench/README.md). The conflict clause still settles two schedulers racing."""
    existing = await _existing_keys(session, [item.key for item in items])
    for item in items:
        if item.key in existing:
            continue
        if await outbox.enqueue(
            session,
            key=item.key,
            kind=item.kind,
            worker_id=item.worker_id,
            due_at=item.due_at,
            now=now,
            payload={"day": item.day.isoformat()},
        ):
            if item.kind == AGENDA:
                report.agendas += 1
            elif item.kind == TREND:
                report.trends += 1
            else:
                report.digests += 1
            report.keys.append(item.key)


async def _existing_keys(session: AsyncSession, keys: list[str]) -> set[str]:
    """Which of these outbox keys exist already (one look-up per 500)."""
    existing: set[str] = set()
    for index in range(0, len(keys), KEY_BATCH):
        batch = keys[index : index + KEY_BATCH]
        rows = await session.execute(select(OutboxMessage.key).where(OutboxMessage.key.in_(batch)))
        existing.update(rows.scalars())
    return existing


async def _unclosed_reminders(
    session: AsyncSession, people: dict[int, Routine], now: datetime, report: TickReport
) -> None:
    """One reminder per appointment left open, to its worker, from two hours after its
    planned end (quiet hours hold it until they end). An appointment stays left open
    until it is closed, so the keys already queued are looked up in batches rather than
    inserted again on every tick."""
    found = await left_open_to_remind(session, now, UNCLOSED_CATCH_UP)
    keys = {visit.id: f"{UNCLOSED}:{visit.id}:{visit.starts_at:%Y%m%dT%H%MZ}" for visit in found}
    existing = await _existing_keys(session, list(keys.values()))
    for visit in found:
        routine = people.get(visit.worker_id)
        key = keys[visit.id]
        if routine is None or key in existing:
            continue
        free = routine.quiet_until(now)
        added = await outbox.enqueue(
            session,
            key=key,
            kind=UNCLOSED,
            worker_id=visit.worker_id,
            due_at=visit.ends_at + UNCLOSED_AFTER,
            now=now,
            not_before=free if free > now else None,
            client_id=visit.client_id,
            subject_type="appointment",
            subject_id=visit.id,
            payload={"starts_at": visit.starts_at.isoformat()},
        )
        if added:
            report.unclosed += 1
            report.held_quiet += free > now
            report.keys.append(key)
