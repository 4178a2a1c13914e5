"""Who looks after a client and whether the case is open: the queries behind the full
client card, an audited look at a record, transfer, discharge and reopen.

The use cases in domain/usecases/clients.py decide (who may do what, domain/rules/roles.py)
and audit; this module holds what they ask of the database:
- `look` / `refuse`: the client if the actor may see it (`storage.access.visible_clients`),
  with the audit event of that look, allowed or refused, in the caller's session.
- `transfer_targets`: supervisors hand a case to an active worker or supervisor of their
  own team; admins to one of the team of the client's current worker (anyone active when
  the client has no team). `move_future_appointments`: the client's future scheduled
  appointments held by the old worker move to the new one, so their reminders follow.
- `cancel_future_appointments`: a discharge cancels the client's future scheduled
  appointments (reason "discharged"); a discharged client is in no reminder and no figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import appointments, approvals, audit, clients, note_comments, plans, safety_plans
from storage.kinds import AppointmentStatus, ReferralStatus, Role
from storage.models import Appointment, Client, Goal, Note, Plan, Referral, SafetyPlan, Worker
from storage.note_comments import Comment
from storage.notes import recent_for_client
from storage.workers import Actor

TARGETS_MAX = 40
DISCHARGE_CANCEL_REASON = "discharged"
RECENT_NOTES = 3
CARD_UPCOMING = 3
OPEN_REFERRALS = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


@dataclass(frozen=True, slots=True)
class CardFacts:
    client: Client
    worker_name: str | None
    # The next scheduled appointments, soonest first: the card shows CARD_UPCOMING of
    # them, one more says there are more (listed by the client's upcoming list).
    upcoming: list[Appointment]
    plan: Plan | None
    open_goals: list[Goal]
    open_referrals: int
    recent_notes: list[Note] = field(default_factory=list)
    # What waits for a supervisor's approval (storage.kinds.ApprovalKind values).
    waiting: tuple[str, ...] = ()
    # The safety plan's version in effect (None: no safety plan), for the line atop.
    safety_plan: SafetyPlan | None = None
    # The recent notes' comments and co-signs, by note id (storage/note_comments.py).
    comments: dict[int, list[Comment]] = field(default_factory=dict)

    @property
    def next_appointment(self) -> Appointment | None:
        return self.upcoming[0] if self.upcoming else None


async def look(
    session: AsyncSession,
    actor: Actor,
    client_id: int | None,
    action: str,
    *,
    now: datetime,
    detail: dict[str, Any] | None = None,
    refused_as: str | None = None,
) -> Client | None:
    """The client if `actor` may see it, else None; either way an audit event
    (`action`, allowed or refused — a refusal as `refused_as` when the attempt is better
    named by what it was for) naming the record."""
    client = await visible(session, actor, client_id, refused_as or action, now=now, detail=detail)
    if client is None:
        return None
    await audit.record_client(
        session, action, now=now, actor_id=actor.id, client_id=client.id, detail=detail
    )
    return client


async def visible(
    session: AsyncSession,
    actor: Actor,
    client_id: int | None,
    action: str,
    *,
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> Client | None:
    """The client if `actor` may see it, else None with the refusal audited as `action`.
    An allowed look writes nothing here: the caller audits what it did, naming what it
    touched (a version, a person, a visit)."""
    client = await clients.get_visible(session, actor, client_id) if client_id else None
    if client is None:
        await refuse(session, actor, client_id, action, now=now, detail=detail)
    return client


async def refuse(
    session: AsyncSession,
    actor: Actor,
    client_id: int | None,
    action: str,
    *,
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    existing = client_id is not None and await clients.exists(session, client_id)
    await audit.refused(
        session,
        action,
        now=now,
        actor_id=actor.id,
        subject_type="client",
        subject_id=client_id,
        client_id=client_id if existing else None,
        **(detail or {}),
    )


async def card_facts(session: AsyncSession, client: Client, now: datetime) -> CardFacts:
    worker_name = None
    if client.worker_id is not None:
        worker_name = (
            await session.execute(select(Worker.name).where(Worker.id == client.worker_id))
        ).scalar_one_or_none()
    # One more than the card shows: whether there are more to list.
    upcoming = await appointments.upcoming_for_client(
        session, client.id, now, limit=CARD_UPCOMING + 1
    )
    plan = await plans.active_plan(session, client.id)
    goals = await plans.active_goals(session, client.id) if plan is not None else []
    open_referrals = (
        await session.execute(
            select(func.count())
            .select_from(Referral)
            .where(Referral.client_id == client.id, Referral.status.in_(OPEN_REFERRALS))
        )
    ).scalar_one()
    recent = await recent_for_client(session, client.id, limit=RECENT_NOTES)
    return CardFacts(
        client=client,
        worker_name=worker_name,
        upcoming=upcoming,
        plan=plan,
        open_goals=[goal for goal in goals if plan is None or goal.plan_id == plan.id],
        open_referrals=open_referrals,
        recent_notes=recent,
        waiting=await approvals.pending_kinds(session, client.id),
        safety_plan=await safety_plans.current(session, client.id),
        comments=await note_comments.of_notes(session, [note.id for note in recent]),
    )


# ---------------------------------------------------------------------------------------
# Transfer


async def transfer_targets(
    session: AsyncSession, actor: Actor, client: Client, roles: Sequence[str]
) -> list[Worker]:
    """Active workers of `roles` the case may go to (see the module docstring); the
    caller has checked that the actor may transfer at all."""
    if actor.role == Role.SUPERVISOR:
        team_id = actor.team_id
        if team_id is None:
            return []
    else:
        team_id = None
        if client.worker_id is not None:
            team_id = (
                await session.execute(select(Worker.team_id).where(Worker.id == client.worker_id))
            ).scalar_one_or_none()
    statement = select(Worker).where(
        Worker.active.is_(True),
        Worker.role.in_(roles),
        Worker.id != (client.worker_id or 0),
    )
    if team_id is not None:
        statement = statement.where(Worker.team_id == team_id)
    statement = statement.order_by(Worker.name, Worker.id).limit(TARGETS_MAX)
    return list((await session.execute(statement)).scalars())


async def move_future_appointments(
    session: AsyncSession, client_id: int, from_worker: int, to_worker: int, now: datetime
) -> int:
    """The client's scheduled appointments after `now` held by `from_worker` go to
    `to_worker`; how many moved."""
    result = await session.execute(
        update(Appointment)
        .where(
            Appointment.client_id == client_id,
            Appointment.worker_id == from_worker,
            Appointment.status == AppointmentStatus.SCHEDULED,
            Appointment.starts_at > now,
        )
        .values(worker_id=to_worker)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# ---------------------------------------------------------------------------------------
# Discharge


async def scheduled_ahead(session: AsyncSession, client_id: int, now: datetime) -> int:
    """How many future appointments a discharge would cancel."""
    return (
        await session.execute(
            select(func.count())
            .select_from(Appointment)
            .where(
                Appointment.client_id == client_id,
                Appointment.status == AppointmentStatus.SCHEDULED,
                Appointment.starts_at > now,
            )
        )
    ).scalar_one()


async def cancel_future_appointments(session: AsyncSession, client_id: int, now: datetime) -> int:
    """Cancel the client's scheduled appointments after `now` (reason "discharged");
    how many were cancelled."""
    result = await session.execute(
        update(Appointment)
        .where(
            Appointment.client_id == client_id,
            Appointment.status == AppointmentStatus.SCHEDULED,
            Appointment.starts_at > now,
        )
        .values(status=AppointmentStatus.CANCELLED, cancel_reason=DISCHARGE_CANCEL_REASON)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
