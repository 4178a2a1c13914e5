"""Appointments and visits: every change to them, each written once.

Each function owns its transaction (`work.transaction()`, joining the update's own when
one is open), authorises, checks domain/rules/appointments.py, writes, audits, and
returns one value of domain/results.py. None of them knows Telegram: the dialog or the
button handler renders the result after the transaction committed.

- open_appointment   the card behind an `ac:` button (a look: audited, allowed or refused)
- agenda_days        /today and /week, any week ahead (a look: audited as "agenda.view")
- client_upcoming    a page of a client's upcoming appointments, from the client card
                     (a look: audited as "client.appointments", allowed or refused)
- schedule_appointment   /appt's ✅ Save, once per draft however often pressed
- reschedule_appointment, cancel_appointment, mark_no_show   the card's buttons
- undo_no_show       ↩ Undo under a no-show, for a minute: scheduled again
- start_visit        ✅ Done on a card: open the visit card, or ask "log it as happened
                     now?" when the appointment has not started yet
- log_visit          /visit's ✅ Save: a new visit, or the appointment it completes (the
                     pressed one, or the one the worker confirmed "Is this the 14:00 visit?")
- undo_visit         ↩ Undo under a logged visit, for a minute: its appointment back as
                     planned, or (a visit logged on its own) withdrawn; its note withdrawn
- visit_to_amend, amend_visit_duration   ✏️ Amend under a logged visit, after: the right
                     duration (the first kept in the audit line), or a correction added to
                     its note (domain/usecases/notes.amend_note, the note's own dialog)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from domain.results import AlreadySaved, Confirm, Gone, Invalid, Refused, Saved, Stale
from domain.rules import appointments as rules
from domain.usecases import evv_judging
from domain.work import Work
from storage import agenda as agenda_store
from storage import appointments, audit, caseload, clients, notes, saved_drafts
from storage.agenda import Agenda
from storage.appointments import Planned, Recurrence
from storage.kinds import AppointmentStatus, InteractionType
from storage.machinery import AuditEvent
from storage.models import Appointment, Client
from storage.workers import Actor

SUBJECT = "appointment"  # what saved_drafts and the audit call a visit or an appointment

# Confirm questions (the dialog words them)
LOG_NOW = "log_now"  # ✅ Done before the start: "Log it as happened now?"
SAME_VISIT = "same_visit"  # a visit near a scheduled one: "Is this the 14:00 visit?"

# Invalid reasons
FUTURE = "future"  # a visit that happened cannot start after now
DURATION = "duration"
NOTE_TOO_LONG = "note_too_long"
TOO_LATE = "too_late"  # ↩ Undo after its minute

VISIT_LOG = "visit.log"  # the audit action of a logged visit; its undo reads it back


@dataclass(frozen=True, slots=True)
class Booked:
    """An appointment (or logged visit) with its client: what a card shows."""

    appointment: Appointment
    client: Client
    # The note saved with a logged visit (✏️ Amend corrects it), when it had one.
    note_id: int | None = None


@dataclass(frozen=True, slots=True)
class VisitEntry:
    """What a visit card holds when ✅ Save is pressed."""

    client_id: int
    starts_at: datetime
    # None: not chosen on the card — an appointment this visit completes keeps its own,
    # a new visit takes the default (rules.DEFAULT_MINUTES, rules.DEFAULT_KIND).
    duration_minutes: int | None
    kind: InteractionType | None
    outcome: AppointmentStatus
    note: str = ""
    place: str | None = None  # None: not given (an appointment keeps its own)
    # The worker corrected the time on the card: it stands even for an appointment.
    start_chosen: bool = False
    # The appointment this visit completes: the pressed card's, or the one confirmed.
    appointment_id: int | None = None
    # Appointments the worker said this visit is not ("No, another visit").
    declined: Sequence[int] = ()
    # Why the worker changed the times a check-in and check-out recorded (EVV).
    time_edit_reason: str | None = None


# ── reads ──────────────────────────────────────────────────────────────────────


async def _visible(
    session: AsyncSession, work: Work, actor: Actor, appointment_id: int | None, action: str
) -> Booked | None:
    found = await appointments.get_visible_or_refuse(
        session, actor, appointment_id, action, work.clock.now()
    )
    return Booked(*found) if found is not None else None


async def open_appointment(
    work: Work, actor: Actor, appointment_id: int | None, *, action: str = "appointment.view"
) -> Booked | Refused:
    """The appointment card behind a button, if `actor` may see it. Every look is an
    audit event (`action`), as every look at a record is: allowed, or refused."""
    async with work.transaction() as session:
        booked = await _visible(session, work, actor, appointment_id, action)
        if booked is None:
            return Refused(SUBJECT)
        await audit.record(
            session,
            action,
            now=work.clock.now(),
            actor_id=actor.id,
            subject_type="appointment",
            subject_id=booked.appointment.id,
            client_id=booked.client.id,
        )
    return booked


async def start_visit(
    work: Work, actor: Actor, appointment_id: int | None
) -> Booked | Confirm[Booked] | Stale[Booked] | Refused:
    """✅ Done pressed on an appointment card: what the visit card starts from.

    Booked: open the visit card pre-filled. Confirm(LOG_NOW): the appointment has not
    started yet; ask before logging it as happened now. Stale: it is no longer
    scheduled (show it as it stands). Nothing is written here."""
    async with work.transaction() as session:
        booked = await _visible(session, work, actor, appointment_id, "visit.log")
    if booked is None:
        return Refused(SUBJECT)
    verdict = rules.check(
        rules.Change.COMPLETE,
        status=booked.appointment.status,
        starts_at=booked.appointment.starts_at,
        now=work.clock.now(),
    )
    if verdict == rules.Verdict.NOT_SCHEDULED:
        return Stale(booked)
    if verdict == rules.Verdict.NOT_STARTED:
        return Confirm(LOG_NOW, booked)
    return booked


async def may_reschedule(
    work: Work, actor: Actor, appointment_id: int | None
) -> Booked | Stale[Booked] | Refused:
    """🕒 Reschedule pressed: the appointment to move, if it still can be."""
    async with work.transaction() as session:
        booked = await _visible(session, work, actor, appointment_id, "appointment.reschedule")
    if booked is None:
        return Refused(SUBJECT)
    if not rules.is_scheduled(booked.appointment.status):
        return Stale(booked)
    return booked


AGENDA_VIEW = "agenda.view"
UPCOMING_VIEW = "client.appointments"


async def agenda_days(
    work: Work, actor: Actor, zone: ZoneInfo, count: int, *, first: int = 0
) -> list[tuple[date, list[tuple[Appointment, Client]]]]:
    """/today and /week: the actor's appointments day by day, in local time (a DST day
    has 23 or 25 hours), cancelled ones left out, from `first` days after today (/week's
    paging: any week ahead). One query for all the days. The look is audited
    ("agenda.view", with the days and appointments it showed and which clients: the
    agenda names several, one event's client_id cannot hold them)."""
    now = work.clock.now()
    start = now.astimezone(zone).date() + timedelta(days=first)
    days: dict[date, list[tuple[Appointment, Client]]] = {
        start + timedelta(days=offset): [] for offset in range(count)
    }
    begin = datetime.combine(start, time(0), tzinfo=zone)
    end = datetime.combine(start + timedelta(days=count), time(0), tzinfo=zone)
    async with work.transaction() as session:
        rows = await appointments.agenda(session, actor.id, begin, end)
        for appointment, client in rows:
            days[appointment.starts_at.astimezone(zone).date()].append((appointment, client))
        detail: dict[str, object] = {
            "days": count,
            "rows": len(rows),
            "clients": sorted({client.id for _, client in rows}),
        }
        if first:
            detail["from"] = start.isoformat()
        await audit.record(session, AGENDA_VIEW, now=now, actor_id=actor.id, detail=detail)
    return list(days.items())


@dataclass(frozen=True, slots=True)
class Upcoming:
    """A page of a client's upcoming (scheduled, not yet started) appointments."""

    client: Client
    appointments: list[Appointment]
    page: int
    more: bool  # a next page exists


async def client_upcoming(
    work: Work, actor: Actor, client_id: int | None, page: int, size: int
) -> Upcoming | Refused:
    """The client card's list of every upcoming appointment, `size` a page (a weekly
    series' far weeks can be opened, cancelled or moved from there). The look is
    audited ("client.appointments" with the page), and so is a refusal."""
    now = work.clock.now()
    async with work.transaction() as session:
        client = await caseload.look(
            session, actor, client_id, UPCOMING_VIEW, now=now, detail={"page": page}
        )
        if client is None:
            return Refused("client")
        found = await appointments.upcoming_for_client(
            session, client.id, now, offset=page * size, limit=size + 1
        )
    return Upcoming(client, found[:size], page, len(found) > size)


async def today_agenda(work: Work, actor: Actor, zone: ZoneInfo) -> Agenda:
    """/today: the actor's day in the morning agenda's sections (storage/agenda.py:
    visits due, plan reviews due, referral follow-ups), with all of today's appointments
    as /today always listed them — done and missed ones too, cancelled ones left out.
    Audited like /week ("agenda.view"), naming every client it shows."""
    now = work.clock.now()
    day = now.astimezone(zone).date()
    async with work.transaction() as session:
        shown = await agenda_store.agenda(session, actor.id, day, zone, ended_too=True)
        await audit.record(
            session,
            AGENDA_VIEW,
            now=now,
            actor_id=actor.id,
            detail={
                "days": 1,
                "rows": len(shown.appointments),
                "clients": sorted(shown.client_ids),
            },
        )
    return shown


# ── changes to an appointment ──────────────────────────────────────────────────


async def schedule_appointment(
    work: Work,
    actor: Actor,
    *,
    client_id: int,
    starts_at: datetime,
    duration_minutes: int,
    kind: InteractionType,
    zone: ZoneInfo,
    place: str | None = None,
    recurrence: Recurrence = Recurrence.NONE,
    token: str | None = None,
) -> Saved[Booked] | AlreadySaved[Booked] | Gone | Invalid:
    """/appt's ✅ Save: the appointment (or series) and its audit line, once per draft
    `token` however often Save is pressed (a crash may have lost the confirmation)."""
    if duration_minutes not in appointments.DURATION_RANGE:
        return Invalid(DURATION)
    now = work.clock.now()
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, client_id)
        if client is None:
            await audit.refused(
                session,
                "appointment.create",
                now=now,
                actor_id=actor.id,
                subject_type="client",
                subject_id=client_id,
            )
            return Gone()
        earlier = await saved_drafts.saved_as(session, actor.id, token, SUBJECT)
        if earlier is not None:
            before = await session.get(Appointment, earlier)
            if before is not None:
                return AlreadySaved(Booked(before, client))
        appointment = await appointments.schedule(
            session,
            client=client,
            worker_id=actor.id,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            kind=kind,
            zone=zone,
            now=now,
            place=place,
            recurrence=recurrence,
        )
        await _audit(session, "appointment.create", actor, appointment, now)
        saved_drafts.remember(session, actor.id, token, SUBJECT, appointment.id, now)
    return Saved(Booked(appointment, client))


async def _changeable(
    session: AsyncSession,
    work: Work,
    actor: Actor,
    appointment_id: int | None,
    *,
    seen_as: str,
    change: rules.Change,
    starts_at: datetime | None = None,
) -> Booked | Refused | Stale[Booked]:
    """The appointment a card's button names, if the actor may see it (`seen_as` is the
    action a refusal is audited as) and the rule allows `change` now."""
    booked = await _visible(session, work, actor, appointment_id, seen_as)
    if booked is None:
        return Refused(SUBJECT)
    appointment = booked.appointment
    verdict = rules.check(
        change,
        status=appointment.status,
        starts_at=starts_at or appointment.starts_at,
        now=work.clock.now(),
    )
    return booked if verdict == rules.Verdict.ALLOWED else Stale(booked)


async def reschedule_appointment(
    work: Work, actor: Actor, appointment_id: int | None, starts_at: datetime
) -> Saved[Booked] | Stale[Booked] | Refused:
    """Move a scheduled appointment to `starts_at`."""
    async with work.transaction() as session:
        booked = await _changeable(
            session,
            work,
            actor,
            appointment_id,
            seen_as="appointment.reschedule",
            change=rules.Change.RESCHEDULE,
            starts_at=starts_at,
        )
        if not isinstance(booked, Booked):
            return booked
        await appointments.reschedule(booked.appointment, starts_at)
        await _audit(session, "appointment.reschedule", actor, booked.appointment, work.clock.now())
    return Saved(booked)


async def cancel_appointment(
    work: Work, actor: Actor, appointment_id: int | None, *, reason: str, whole_series: bool
) -> Saved[Booked] | Stale[Booked] | Refused:
    """Cancel one scheduled appointment, or it and every later one of its series."""
    now = work.clock.now()
    async with work.transaction() as session:
        booked = await _changeable(
            session,
            work,
            actor,
            appointment_id,
            seen_as="appointment.view",
            change=rules.Change.CANCEL,
        )
        if not isinstance(booked, Booked):
            return booked
        await appointments.cancel(
            session, booked.appointment, reason=reason, whole_series=whole_series, now=now
        )
        await _audit(session, "appointment.cancel", actor, booked.appointment, now)
    return Saved(booked)


async def mark_no_show(
    work: Work, actor: Actor, appointment_id: int | None
) -> Saved[Booked] | Stale[Booked] | Refused:
    """The client was not there: the appointment ends as a no-show."""
    now = work.clock.now()
    async with work.transaction() as session:
        booked = await _changeable(
            session,
            work,
            actor,
            appointment_id,
            seen_as="appointment.view",
            change=rules.Change.NO_SHOW,
        )
        if not isinstance(booked, Booked):
            return booked
        await appointments.finish(
            session, booked.appointment, booked.client, status=AppointmentStatus.NO_SHOW, now=now
        )
        await _audit(session, "appointment.no_show", actor, booked.appointment, now)
    return Saved(booked)


async def undo_no_show(
    work: Work, actor: Actor, appointment_id: int | None
) -> Saved[Booked] | Stale[Booked] | Refused | Invalid:
    """↩ Undo under a no-show: within the minute (domain/rules/appointments.undoable) the
    appointment is scheduled again. Whoever may mark it may take it back; a look by
    anyone else is refused and audited. Stale: it is not a no-show (any more)."""
    now = work.clock.now()
    async with work.transaction() as session:
        booked = await _visible(session, work, actor, appointment_id, "appointment.no_show_undo")
        if booked is None:
            return Refused(SUBJECT)
        appointment = booked.appointment
        if appointment.status != AppointmentStatus.NO_SHOW:
            return Stale(booked)
        if not rules.undoable(appointment.status, appointment.completed_at, now):
            return Invalid(TOO_LATE)
        if not await appointments.take_back(session, appointment, booked.client, now=now):
            return Stale(booked)  # a second press got there first
        await _audit(session, "appointment.no_show_undone", actor, appointment, now)
    return Saved(booked)


# ── a visit ────────────────────────────────────────────────────────────────────


async def log_visit(
    work: Work, actor: Actor, entry: VisitEntry, *, token: str | None = None
) -> Saved[Booked] | AlreadySaved[Booked] | Confirm[Booked] | Stale[Booked] | Gone | Invalid:
    """/visit's ✅ Save (and the card ✅ Done opened): the visit, its note, its audit line,
    once per draft `token`.

    With `entry.appointment_id` the visit completes (or ends as no-show/cancelled) that
    appointment. Without it, a scheduled appointment of the client starting within the
    match window of the visit's time is offered first — Confirm(SAME_VISIT, it) — unless
    the worker already declined it; otherwise a new visit is recorded. A visit never
    starts in the future: Invalid(FUTURE)."""
    now = work.clock.now()
    if (
        entry.duration_minutes is not None
        and entry.duration_minutes not in appointments.DURATION_RANGE
    ):
        return Invalid(DURATION)
    if len(entry.note) > notes.TEXT_MAX:
        return Invalid(NOTE_TOO_LONG)
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, entry.client_id)
        pressed = (
            await _visible(session, work, actor, entry.appointment_id, "visit.log")
            if entry.appointment_id is not None
            else None
        )
        if client is None or (entry.appointment_id is not None and pressed is None):
            if client is None:
                await audit.refused(
                    session,
                    "visit.log",
                    now=now,
                    actor_id=actor.id,
                    subject_type="client",
                    subject_id=entry.client_id,
                )
            return Gone()
        earlier = await saved_drafts.saved_as(session, actor.id, token, SUBJECT)
        if earlier is not None:  # saved before a crash lost the confirmation
            before = await session.get(Appointment, earlier)
            if before is not None:
                return AlreadySaved(Booked(before, client))
        if not rules.contact_time_ok(entry.starts_at, now):
            return Invalid(FUTURE)
        if pressed is not None:
            visit = pressed.appointment
            planned = Planned.of(visit)
            start = rules.completed_start(
                visit.starts_at, entry.starts_at, now, corrected=entry.start_chosen
            )
            verdict = rules.check(
                rules.outcome_of_visit(entry.outcome), status=visit.status, starts_at=start, now=now
            )
            if pressed.client.id != client.id or verdict != rules.Verdict.ALLOWED:
                return Stale(pressed)
            visit.starts_at = start
            visit.duration_minutes = entry.duration_minutes or visit.duration_minutes
            visit.kind = entry.kind or visit.kind
            visit.place = entry.place or visit.place
            await appointments.finish(session, visit, client, status=entry.outcome, now=now)
            verified = evv_judging.logged(visit, client, work, now, entry.time_edit_reason)
        else:
            offered = await _match(session, client.id, entry)
            if offered is not None:
                return Confirm(SAME_VISIT, Booked(offered, client))
            visit = await appointments.log_visit(
                session,
                client=client,
                worker_id=actor.id,
                starts_at=entry.starts_at,
                duration_minutes=entry.duration_minutes or rules.DEFAULT_MINUTES,
                kind=entry.kind or rules.DEFAULT_KIND,
                status=entry.outcome,
                now=now,
                place=entry.place,
            )
            planned = None
            verified = {}
        note = None
        if entry.note:
            note = await notes.create_note(
                session,
                client=client,
                author_id=actor.id,
                interaction_type=InteractionType(visit.kind)
                if entry.outcome == AppointmentStatus.COMPLETED
                else InteractionType.OTHER,
                occurred_at=visit.starts_at,
                text=entry.note,
                now=now,
                appointment_id=visit.id,
            )
        detail: dict[str, Any] = {"outcome": entry.outcome.value, **verified}
        if planned is not None:  # what ↩ Undo puts back
            detail["planned"] = planned.to_json()
        await _audit(session, VISIT_LOG, actor, visit, now, detail=detail)
        saved_drafts.remember(session, actor.id, token, SUBJECT, visit.id, now)
    return Saved(Booked(visit, client, note.id if note is not None else None))


async def undo_visit(
    work: Work, actor: Actor, appointment_id: int | None
) -> Saved[Booked] | Refused | Invalid:
    """↩ Undo under a logged visit: within the minute (domain/rules/appointments.undoable)
    the worker who logged it takes it back. An appointment it completed (or ended) is
    scheduled again as it was planned; a visit logged on its own is withdrawn — the row
    stays for the audit trail. Either way the note saved with it is withdrawn and the
    client's last contact recomputed. Anyone else's press is refused and audited."""
    now = work.clock.now()
    async with work.transaction() as session:
        found = await _logged_by(session, work, actor, appointment_id, "visit.undo")
        if isinstance(found, Refused):
            return found
        booked, logged = found
        visit, client = booked.appointment, booked.client
        if not rules.undoable(visit.status, visit.completed_at, now):
            return Invalid(TOO_LATE)
        planned = Planned.from_json(logged.detail.get("planned"))
        was_planned = "planned" in logged.detail
        if not await appointments.take_back(
            session, visit, client, now=now, planned=planned, withdraw=not was_planned
        ):
            return Invalid(TOO_LATE)  # a second press got there first
        await _audit(session, "visit.undone", actor, visit, now, detail={"to": visit.status})
    return Saved(booked)


async def _logged_by(
    session: AsyncSession, work: Work, actor: Actor, appointment_id: int | None, action: str
) -> tuple[Booked, AuditEvent] | Refused:
    """A logged visit and its "visit.log" audit line, if `actor` logged it and may still
    see its client; else the attempt at `action` is audited and refused."""
    booked = await _visible(session, work, actor, appointment_id, action)
    if booked is None:
        return Refused(SUBJECT)
    visit, client = booked.appointment, booked.client
    logged = await audit.latest_about(
        session, VISIT_LOG, client_id=client.id, subject_type=SUBJECT, subject_id=visit.id
    )
    if logged is None or logged.actor_worker_id != actor.id:
        await audit.refused(
            session,
            action,
            now=work.clock.now(),
            actor_id=actor.id,
            subject_type=SUBJECT,
            subject_id=visit.id,
            client_id=client.id,
        )
        return Refused(SUBJECT)
    return booked, logged


async def visit_to_amend(
    work: Work, actor: Actor, appointment_id: int | None
) -> Booked | Refused | Invalid:
    """✏️ Amend pressed under a logged visit: the visit with its note, if the actor logged
    it and it still stands (Invalid(TOO_LATE) once it was taken back)."""
    async with work.transaction() as session:
        found = await _logged_by(session, work, actor, appointment_id, "visit.amend")
        if isinstance(found, Refused):
            return found
        booked, _ = found
        if not rules.amendable(booked.appointment.status):
            return Invalid(TOO_LATE)
        note = await notes.of_visit(session, booked.appointment.id)
        return Booked(booked.appointment, booked.client, note.id if note is not None else None)


async def amend_visit_duration(
    work: Work, actor: Actor, appointment_id: int | None, minutes: int | None
) -> Saved[Booked] | Refused | Invalid:
    """A logged visit's duration corrected by the worker who logged it. The audit line
    keeps the first duration with who and when (the visit's note, if any, is untouched)."""
    if minutes is None or minutes not in appointments.DURATION_RANGE:
        return Invalid(DURATION)
    now = work.clock.now()
    async with work.transaction() as session:
        found = await _logged_by(session, work, actor, appointment_id, "visit.amend")
        if isinstance(found, Refused):
            return found
        booked, _ = found
        visit = booked.appointment
        if not rules.amendable(visit.status):
            return Invalid(TOO_LATE)
        before = visit.duration_minutes
        visit.duration_minutes = minutes
        await _audit(
            session,
            "visit.amend",
            actor,
            visit,
            now,
            detail={"duration": {"from": before, "to": minutes}},
        )
    return Saved(booked)


async def _match(session: AsyncSession, client_id: int, entry: VisitEntry) -> Appointment | None:
    """The scheduled appointment this visit may be (the rule decides, storage finds)."""
    begin, end = rules.match_window(entry.starts_at)
    found = await appointments.scheduled_for_client(session, client_id, begin, end)
    best = rules.best_match(
        (rules.Candidate(a.id, a.starts_at) for a in found),
        entry.starts_at,
        declined=entry.declined,
    )
    return next((a for a in found if best is not None and a.id == best.id), None)


async def _audit(
    session: AsyncSession,
    action: str,
    actor: Actor,
    appointment: Appointment,
    now: datetime,
    *,
    detail: dict[str, Any] | None = None,
) -> None:
    await audit.record(
        session,
        action,
        now=now,
        actor_id=actor.id,
        subject_type=SUBJECT,
        subject_id=appointment.id,
        client_id=appointment.client_id,
        detail=detail,
    )
