"""Who looks after a client and whether the case is open: the facts of the full client
card, an audited look at a record, transfer, discharge and reopen.

Every service here re-checks on the server what the actor may do (a button only names
ids) and writes its audit event itself, allowed or refused, in the caller's session —
so no caller can forget it.

Rules:
- Looking at a record (card, history, export): whoever may see the client
  (`storage.access.visible_clients`).
- Transfer: supervisors, to an active worker or supervisor of their own team; admins,
  to one of the team of the client's current worker (anyone active when the client has
  no team). The client's future scheduled appointments held by the old worker move to
  the new one, so their reminders follow the case.
- Discharge and reopen: whoever may see the client (`DISCHARGE_ROLES`). Discharge
  cancels the client's future scheduled appointments (reason "discharged"); a discharged
  client is in no reminder and no figure. Reopen makes the case active again and clears
  the discharge fields; nothing missed is replayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit, clients, plans
from storage.models import (
    Appointment,
    AppointmentStatus,
    Client,
    ClientStatus,
    Goal,
    Note,
    Plan,
    Referral,
    ReferralStatus,
    Role,
    Worker,
)
from storage.notes import recent_for_client
from storage.workers import Actor

TRANSFER_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
DISCHARGE_ROLES = frozenset(Role)
TARGET_ROLES = (Role.WORKER, Role.SUPERVISOR)
TARGETS_MAX = 40
DISCHARGE_CANCEL_REASON = "discharged"
REASON_MAX = 500
RECENT_NOTES = 3
OPEN_REFERRALS = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


class Outcome(StrEnum):
    DONE = "done"
    NOT_FOUND = "not_found"  # absent, or not visible to the actor
    NOT_ALLOWED = "not_allowed"  # visible, but the role or the target forbids it
    UNCHANGED = "unchanged"  # already discharged / already open / same worker


@dataclass(slots=True)
class Change:
    outcome: Outcome
    client: Client | None = None
    worker: Worker | None = None
    appointments: int = 0


@dataclass(frozen=True, slots=True)
class CardFacts:
    client: Client
    worker_name: str | None
    next_appointment: Appointment | None
    plan: Plan | None
    open_goals: list[Goal]
    open_referrals: int
    recent_notes: list[Note] = field(default_factory=list)


async def look(
    session: AsyncSession,
    actor: Actor,
    client_id: int | None,
    action: str,
    *,
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> Client | None:
    """The client if `actor` may see it, else None; either way an audit event
    (`action`, allowed or refused) naming the record."""
    client = await clients.get_visible(session, actor, client_id) if client_id else None
    if client is None:
        await refuse(session, actor, client_id, action, now=now, detail=detail)
        return None
    await audit.record_client(
        session, action, now=now, actor_id=actor.id, client_id=client.id, detail=detail
    )
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
    next_appointment = (
        await session.execute(
            select(Appointment)
            .where(
                Appointment.client_id == client.id,
                Appointment.status == AppointmentStatus.SCHEDULED,
                Appointment.starts_at >= now,
            )
            .order_by(Appointment.starts_at, Appointment.id)
            .limit(1)
        )
    ).scalar_one_or_none()
    plan = await plans.active_plan(session, client.id)
    goals = await plans.active_goals(session, client.id) if plan is not None else []
    open_referrals = (
        await session.execute(
            select(func.count())
            .select_from(Referral)
            .where(Referral.client_id == client.id, Referral.status.in_(OPEN_REFERRALS))
        )
    ).scalar_one()
    return CardFacts(
        client=client,
        worker_name=worker_name,
        next_appointment=next_appointment,
        plan=plan,
        open_goals=[goal for goal in goals if plan is None or goal.plan_id == plan.id],
        open_referrals=open_referrals,
        recent_notes=await recent_for_client(session, client.id, limit=RECENT_NOTES),
    )


# ---------------------------------------------------------------------------------------
# Transfer


def may_transfer(actor: Actor) -> bool:
    return actor.role in TRANSFER_ROLES


async def transfer_targets(session: AsyncSession, actor: Actor, client: Client) -> list[Worker]:
    """Who `actor` may hand `client` to: active workers and supervisors of the team."""
    if not may_transfer(actor):
        return []
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
        Worker.role.in_(TARGET_ROLES),
        Worker.id != (client.worker_id or 0),
    )
    if team_id is not None:
        statement = statement.where(Worker.team_id == team_id)
    statement = statement.order_by(Worker.name, Worker.id).limit(TARGETS_MAX)
    return list((await session.execute(statement)).scalars())


async def transfer(
    session: AsyncSession,
    actor: Actor,
    client_id: int | None,
    worker_id: int | None,
    *,
    now: datetime,
) -> Change:
    action = "client.transfer"
    client = await clients.get_visible(session, actor, client_id) if client_id else None
    if client is None:
        await refuse(session, actor, client_id, action, now=now, detail={"to": worker_id})
        return Change(Outcome.NOT_FOUND)
    if worker_id is not None and worker_id == client.worker_id:
        return Change(Outcome.UNCHANGED, client)
    targets = await transfer_targets(session, actor, client)
    target = next((worker for worker in targets if worker.id == worker_id), None)
    if target is None:
        await refuse(session, actor, client.id, action, now=now, detail={"to": worker_id})
        return Change(Outcome.NOT_ALLOWED, client)
    previous = client.worker_id
    client.worker_id = target.id
    client.updated_at = now
    moved = 0
    if previous is not None:
        result = await session.execute(
            update(Appointment)
            .where(
                Appointment.client_id == client.id,
                Appointment.worker_id == previous,
                Appointment.status == AppointmentStatus.SCHEDULED,
                Appointment.starts_at > now,
            )
            .values(worker_id=target.id)
            .execution_options(synchronize_session=False)
        )
        moved = result.rowcount or 0
    await audit.record_client(
        session,
        action,
        now=now,
        actor_id=actor.id,
        client_id=client.id,
        detail={"from": previous, "to": target.id, "appointments": moved},
    )
    return Change(Outcome.DONE, client, target, moved)


# ---------------------------------------------------------------------------------------
# Discharge and reopen


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


async def _changeable(
    session: AsyncSession, actor: Actor, client_id: int | None, action: str, now: datetime
) -> Client | Change:
    client = await clients.get_visible(session, actor, client_id) if client_id else None
    if client is None:
        await refuse(session, actor, client_id, action, now=now)
        return Change(Outcome.NOT_FOUND)
    if actor.role not in DISCHARGE_ROLES:
        await refuse(session, actor, client.id, action, now=now)
        return Change(Outcome.NOT_ALLOWED, client)
    return client


async def discharge(
    session: AsyncSession,
    actor: Actor,
    client_id: int | None,
    *,
    reason_code: str,
    reason_text: str,
    now: datetime,
) -> Change:
    """Close the case: status discharged, when and why; future appointments cancelled."""
    action = "client.discharge"
    reason_text = " ".join(reason_text.split())[:REASON_MAX]
    if not reason_text:
        raise ValueError("a discharge needs a reason")
    found = await _changeable(session, actor, client_id, action, now)
    if isinstance(found, Change):
        return found
    client = found
    if client.status == ClientStatus.DISCHARGED:
        return Change(Outcome.UNCHANGED, client)
    previous = client.status
    client.status = ClientStatus.DISCHARGED
    client.discharged_at = now
    client.discharge_reason = reason_text
    client.updated_at = now
    result = await session.execute(
        update(Appointment)
        .where(
            Appointment.client_id == client.id,
            Appointment.status == AppointmentStatus.SCHEDULED,
            Appointment.starts_at > now,
        )
        .values(status=AppointmentStatus.CANCELLED, cancel_reason=DISCHARGE_CANCEL_REASON)
        .execution_options(synchronize_session=False)
    )
    cancelled = result.rowcount or 0
    await audit.record_client(
        session,
        action,
        now=now,
        actor_id=actor.id,
        client_id=client.id,
        detail={
            "reason": reason_code,
            # The reason as typed, for the client's timeline; `caseline audit` never
            # prints free text (storage/history.py).
            "reason_text": reason_text,
            "previous_status": previous,
            "appointments_cancelled": cancelled,
        },
    )
    return Change(Outcome.DONE, client, appointments=cancelled)


async def reopen(
    session: AsyncSession, actor: Actor, client_id: int | None, *, now: datetime
) -> Change:
    """Open a discharged case again: active, discharge fields cleared."""
    action = "client.reopen"
    found = await _changeable(session, actor, client_id, action, now)
    if isinstance(found, Change):
        return found
    client = found
    if client.status != ClientStatus.DISCHARGED:
        return Change(Outcome.UNCHANGED, client)
    client.status = ClientStatus.ACTIVE
    client.discharged_at = None
    client.discharge_reason = None
    client.updated_at = now
    await audit.record_client(session, action, now=now, actor_id=actor.id, client_id=client.id)
    return Change(Outcome.DONE, client)
