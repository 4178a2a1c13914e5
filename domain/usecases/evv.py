"""Visit verification (EVV): checking in and out of a home visit with the phone's
position, the client's home location, and the check-outs that never came.

Each function owns its transaction, authorises, applies domain/rules/evv.py, writes,
audits by ids (never a name, never a position) and returns one value of
domain/results.py; the dialog (conversations/evv.py, the check-out in
conversations/visit.py) renders it.

- may_check_in / check_in     📍 Check in: only the appointment's own worker, while it is
                              scheduled and not checked in; the position (or none) is
                              judged against the home; audited "visit.check_in"
- may_check_out / check_out   🏁 Check out: the same, once checked in; "visit.check_out"
- give_reason                 why a position lay outside the radius (a button)
- home_from_check_in          "Is this the client's home?" ✅ Yes: the check-in's position
                              becomes the home (only while none is set)
- home_look / set_home        🏠 Home location on the client card: a pin sets it; changing
                              one that is set needs a reason; kept and audited
                              ("client.home_location.set" / ".change")
- flag_missing_check_outs     the reminder tick: a check-in with no check-out after the
                              appointment's duration plus the grace reminds the worker
                              once and marks the visit unverified ("missing check-out")

Positions are stored with the visit only; nothing follows a worker between visits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain.results import Invalid, Refused, Saved, Stale
from domain.rules import evv as rules
from domain.rules.appointments import is_scheduled
from domain.rules.evv import EvvException, Moment, Position, Reason
from domain.rules.routine import ReminderKind, Routine
from domain.usecases.appointments import Booked
from domain.usecases.evv_judging import judge as _judge
from domain.work import Work
from storage import appointments, audit, caseload, outbox, workers
from storage import evv as store
from storage.models import Appointment, Client, Worker
from storage.workers import Actor

SUBJECT = "appointment"
CHECK_IN = "visit.check_in"
CHECK_OUT = "visit.check_out"
CHECK_OUT_MISSED = "visit.check_out_missed"
REASON = "visit.evv_reason"
HOME_SET = "client.home_location.set"
HOME_CHANGE = "client.home_location.change"
CHECK_OUT_REMINDER = ReminderKind.CHECK_OUT

# Invalid reasons
BAD_POSITION = "bad_position"
REASON_NEEDED = "reason_needed"
REASON_TOO_LONG = "reason_too_long"
REASON_MAX = 500
FORGED = "forged"  # a reason or moment no button of ours carries


# ── checking in and out ────────────────────────────────────────────────────────


async def _assigned(
    session: AsyncSession, work: Work, actor: Actor, appointment_id: int | None, action: str
) -> Booked | None:
    """The appointment, if it is `actor`'s own to check in and out of: they may see its
    client and it is assigned to them. Anyone else's attempt (a colleague, a supervisor,
    a forged id) is audited as refused."""
    now = work.clock.now()
    found = await appointments.get_visible_or_refuse(session, actor, appointment_id, action, now)
    if found is None:
        return None
    appointment, client = found
    if appointment.worker_id != actor.id:
        await audit.refused(
            session,
            action,
            now=now,
            actor_id=actor.id,
            subject_type=SUBJECT,
            subject_id=appointment.id,
            client_id=client.id,
        )
        return None
    return Booked(appointment, client)


def _may(moment: Moment, visit: Appointment, now: datetime) -> bool:
    """Whether the visit can be checked in (or out of) now."""
    if not is_scheduled(visit.status) or not rules.verifiable(visit.kind):
        return False
    if moment == Moment.CHECK_IN:
        return visit.check_in_at is None and not rules.too_early(visit.starts_at, now)
    return visit.check_in_at is not None and visit.check_out_at is None


async def _ready(
    work: Work, actor: Actor, appointment_id: int | None, moment: Moment
) -> Booked | Stale[Booked] | Refused:
    action = CHECK_IN if moment == Moment.CHECK_IN else CHECK_OUT
    async with work.transaction() as session:
        booked = await _assigned(session, work, actor, appointment_id, action)
    if booked is None:
        return Refused(SUBJECT)
    return booked if _may(moment, booked.appointment, work.clock.now()) else Stale(booked)


async def may_check_in(
    work: Work, actor: Actor, appointment_id: int | None
) -> Booked | Stale[Booked] | Refused:
    """📍 Check in pressed: the visit to ask a position for. Stale: not scheduled any more,
    not a home visit, more than two hours before its start, or already checked in (the
    dialog says which). Nothing written."""
    return await _ready(work, actor, appointment_id, Moment.CHECK_IN)


async def may_check_out(
    work: Work, actor: Actor, appointment_id: int | None
) -> Booked | Stale[Booked] | Refused:
    """🏁 Check out pressed: the visit to ask a position for, once checked in."""
    return await _ready(work, actor, appointment_id, Moment.CHECK_OUT)


async def check_in(
    work: Work,
    actor: Actor,
    appointment_id: int | None,
    position: Position | None,
    *,
    at: datetime | None = None,
) -> Saved[Booked] | Stale[Booked] | Refused | Invalid:
    """The check-in, at `at` (when the worker sent it; default now) with the phone's
    position, or none ("No location"): judged against the home, a late start noted.
    Audited "visit.check_in" with the verification and its exception codes."""
    return await _check(work, actor, appointment_id, position, Moment.CHECK_IN, at)


async def check_out(
    work: Work,
    actor: Actor,
    appointment_id: int | None,
    position: Position | None,
    *,
    at: datetime | None = None,
) -> Saved[Booked] | Stale[Booked] | Refused | Invalid:
    """The check-out: the visit's end, its second position judged like the first.
    Audited "visit.check_out"; the visit log opens next (conversations/visit.py)."""
    return await _check(work, actor, appointment_id, position, Moment.CHECK_OUT, at)


async def _check(
    work: Work,
    actor: Actor,
    appointment_id: int | None,
    position: Position | None,
    moment: Moment,
    at: datetime | None,
) -> Saved[Booked] | Stale[Booked] | Refused | Invalid:
    if position is not None and not rules.position_ok(position.latitude, position.longitude):
        return Invalid(BAD_POSITION)
    now = work.clock.now()
    when = min(at or now, now)
    action = CHECK_IN if moment == Moment.CHECK_IN else CHECK_OUT
    async with work.transaction() as session:
        booked = await _assigned(session, work, actor, appointment_id, action)
        if booked is None:
            return Refused(SUBJECT)
        visit, client = booked.appointment, booked.client
        if not _may(moment, visit, now):
            return Stale(booked)
        accuracy = rules.accuracy_of(position.accuracy) if position is not None else None
        latitude = position.latitude if position is not None else None
        longitude = position.longitude if position is not None else None
        extra: set[str] = set()
        if moment == Moment.CHECK_IN:
            visit.check_in_at = when
            visit.check_in_latitude, visit.check_in_longitude = latitude, longitude
            visit.check_in_accuracy = accuracy
            if rules.late_start(visit.starts_at, when):
                extra.add(EvvException.LATE_START)
        else:
            assert visit.check_in_at is not None  # _may checked it
            visit.check_out_at = max(when, visit.check_in_at)
            visit.check_out_latitude, visit.check_out_longitude = latitude, longitude
            visit.check_out_accuracy = accuracy
        _judge(visit, client, work, now, extra)
        await _audit(session, action, actor.id, visit, now, position=position is not None)
    return Saved(booked)


async def _audit(
    session: AsyncSession,
    action: str,
    actor_id: int | None,
    visit: Appointment,
    now: datetime,
    **detail: object,
) -> None:
    await audit.record(
        session,
        action,
        now=now,
        actor_id=actor_id,
        subject_type=SUBJECT,
        subject_id=visit.id,
        client_id=visit.client_id,
        detail={
            "status": visit.evv_status,
            "exceptions": sorted(visit.evv_exceptions or ()),
            **detail,
        },
    )


async def give_reason(
    work: Work, actor: Actor, appointment_id: int | None, moment: str, reason: str
) -> Saved[Booked] | Stale[Booked] | Refused | Invalid:
    """Why the check-in's (or check-out's) position lay outside the radius: one of
    `Reason`. Invalid for a forged code; Stale when that moment has no such distance."""
    if moment not in set(Moment) or reason not in set(Reason):
        return Invalid(FORGED)
    now = work.clock.now()
    async with work.transaction() as session:
        booked = await _assigned(session, work, actor, appointment_id, REASON)
        if booked is None:
            return Refused(SUBJECT)
        visit = booked.appointment
        distance = (
            visit.check_in_distance if moment == Moment.CHECK_IN else visit.check_out_distance
        )
        if distance is None or distance <= work.settings.evv_radius_meters:
            return Stale(booked)
        if moment == Moment.CHECK_IN:
            visit.check_in_reason = reason
        else:
            visit.check_out_reason = reason
        visit.evv_at = now
        await _audit(session, REASON, actor.id, visit, now, moment=moment, reason=reason)
    return Saved(booked)


async def home_from_check_in(
    work: Work, actor: Actor, appointment_id: int | None
) -> Saved[Booked] | Stale[Booked] | Refused:
    """ "Is this the client's home?" ✅ Yes, set it: the check-in's position becomes the
    client's home, only while none is set (Stale once one is, or without a position);
    the visit is judged again against it. Audited "client.home_location.set"."""
    now = work.clock.now()
    async with work.transaction() as session:
        booked = await _assigned(session, work, actor, appointment_id, HOME_SET)
        if booked is None:
            return Refused(SUBJECT)
        visit, client = booked.appointment, booked.client
        where = rules.position_at(visit, Moment.CHECK_IN)
        if where is None or store.home_of(client) is not None:
            return Stale(booked)
        store.set_home(
            session,
            client,
            latitude=where.latitude,
            longitude=where.longitude,
            accuracy=where.accuracy,
            source=store.FROM_CHECK_IN,
            worker_id=actor.id,
            now=now,
            appointment_id=visit.id,
        )
        _judge(visit, client, work, now)
        await audit.record_client(
            session,
            HOME_SET,
            now=now,
            actor_id=actor.id,
            client_id=client.id,
            detail={"source": store.FROM_CHECK_IN, "appointment": visit.id},
        )
    return Saved(booked)


# ── the client's home location, from the card ──────────────────────────────────


@dataclass(frozen=True, slots=True)
class HomeLook:
    """A client's home location as the card's 🏠 shows it: whether one is set, since
    when and by whom (never where: a position is not shown in the chat)."""

    client: Client
    set_at: datetime | None
    set_by: str | None

    @property
    def known(self) -> bool:
        return self.set_at is not None


async def _home_look(session: AsyncSession, client: Client) -> HomeLook:
    if store.home_of(client) is None:
        return HomeLook(client, None, None)
    by = client.home_set_by_id
    names = await workers.names(session, {by}) if by is not None else {}
    return HomeLook(client, client.home_set_at, names.get(by) if by is not None else None)


async def home_look(work: Work, actor: Actor, client_id: int | None) -> HomeLook | Refused:
    """🏠 Home location pressed on the card: the client, if the actor may see it (a
    refusal is audited), with whether a home is set (then a change needs a reason)."""
    async with work.transaction() as session:
        client = await caseload.visible(session, actor, client_id, HOME_SET, now=work.clock.now())
        if client is None:
            return Refused("client")
        return await _home_look(session, client)


async def set_home(
    work: Work,
    actor: Actor,
    client_id: int | None,
    position: Position,
    reason: str | None = None,
) -> Saved[HomeLook] | Refused | Invalid:
    """The home location from a pin sent from the card: the first one is set as it is;
    a change of one that is set needs a `reason` (Invalid(REASON_NEEDED) without one).
    Kept with its reason, who and when; audited ".set" or ".change" by ids only."""
    reason = (reason or "").strip() or None
    if not rules.position_ok(position.latitude, position.longitude):
        return Invalid(BAD_POSITION)
    if reason is not None and len(reason) > REASON_MAX:
        return Invalid(REASON_TOO_LONG)
    now = work.clock.now()
    async with work.transaction() as session:
        client = await caseload.visible(session, actor, client_id, HOME_SET, now=now)
        if client is None:
            return Refused("client")
        change = store.home_of(client) is not None
        if change and reason is None:
            return Invalid(REASON_NEEDED)
        store.set_home(
            session,
            client,
            latitude=position.latitude,
            longitude=position.longitude,
            accuracy=rules.accuracy_of(position.accuracy),
            source=store.FROM_PIN,
            worker_id=actor.id,
            now=now,
            reason=reason if change else None,
        )
        await audit.record_client(
            session,
            HOME_CHANGE if change else HOME_SET,
            now=now,
            actor_id=actor.id,
            client_id=client.id,
            detail={"source": store.FROM_PIN},
        )
        return Saved(await _home_look(session, client))


# ── the check-out that never came, from the reminder tick ──────────────────────


async def flag_missing_check_outs(work: Work, *, grace_minutes: int | None = None) -> int:
    """Every check-in with no check-out after its appointment's duration plus the grace:
    marked unverified ("missing check-out", audited), and its worker reminded once (one
    outbox row per visit; quiet hours hold it until they end). How many were flagged."""
    grace = work.settings.evv_checkout_grace_minutes if grace_minutes is None else grace_minutes
    now = work.clock.now()
    flagged = 0
    async with work.transaction() as session:
        earliest = now - timedelta(minutes=grace) - rules.SHORTEST_VISIT
        for visit in await store.open_check_ins(session, earliest):
            assert visit.check_in_at is not None  # the query's condition
            due = rules.check_out_due(
                visit.check_in_at, visit.starts_at, visit.duration_minutes, grace
            )
            if due > now:
                continue
            visit.check_out_missed_at = now
            client = await session.get(Client, visit.client_id)
            if client is not None:
                _judge(visit, client, work, now, {EvvException.MISSING_CHECKOUT})
            await _audit(session, CHECK_OUT_MISSED, None, visit, now)
            await _remind(session, work, visit, due, now)
            flagged += 1
    return flagged


async def _remind(
    session: AsyncSession, work: Work, visit: Appointment, due: datetime, now: datetime
) -> None:
    worker = await session.get(Worker, visit.worker_id)
    if worker is None or not worker.active or worker.chat_id is None:
        return
    routine = Routine.of(worker, work.settings.timezone)
    await outbox.enqueue(
        session,
        key=f"{CHECK_OUT_REMINDER}:{visit.id}",
        kind=CHECK_OUT_REMINDER,
        worker_id=worker.id,
        due_at=due,
        now=now,
        not_before=routine.quiet_until(now),
        client_id=visit.client_id,
        subject_type=SUBJECT,
        subject_id=visit.id,
    )
