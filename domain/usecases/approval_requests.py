"""Asking for approval: what a worker's plan activation or discharge does instead of
applying when their team's setting says it needs a supervisor's approval.

Called by `activate_plan` (domain/usecases/plans.py) and `discharge_client`
(domain/usecases/clients.py) inside their own transaction, after their own checks: the
request is recorded (one pending per client and kind: a second press finds the first),
audited (approval.request, by ids) and pushed to the team's supervisors (to the admins
when the team has none), each when their quiet hours allow. The pushes hold facts only;
bot/reminders/approvals.py words them when sent (CASELINE_PRIVATE_PREVIEWS: no name, no
reason or goal). Deciding is domain/usecases/approvals.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.results import Pending
from domain.rules import approvals as rules
from domain.rules.routine import ReminderKind, Routine
from domain.work import Work
from storage import approvals, audit, outbox, risks, workers
from storage.kinds import ApprovalStatus
from storage.models import Client, Team, Worker
from storage.supervision_tables import Approval
from storage.workers import Actor

REQUEST = "approval.request"
WITHDRAW = "approval.withdraw"


@dataclass(frozen=True, slots=True)
class ApprovalRequest:
    """A request as the worker is told about it."""

    id: int
    kind: str
    client_id: int
    client_code: str
    requested_at: datetime
    # The supervisors (or admins) it was queued for.
    told: tuple[str, ...] = ()


async def needs_approval(session: AsyncSession, actor: Actor, kind: str) -> bool:
    """Whether the actor's `kind` of action waits for approval in their team."""
    if actor.team_id is None:
        return False
    team = await session.get(Team, actor.team_id)
    flag = team is not None and approvals.team_approvals(team).needs(kind)
    return rules.needs_approval(actor.role, actor.team_id, flag)


async def ask(
    session: AsyncSession,
    work: Work,
    actor: Actor,
    client: Client,
    kind: str,
    *,
    plan_id: int | None = None,
    reason_code: str | None = None,
    reason: str | None = None,
) -> Pending[ApprovalRequest]:
    """Record the request and push it to the deciders; when one of this kind already
    waits for the client, that one (already=True), nothing new."""
    now = work.clock.now()
    made = await approvals.request(
        session,
        kind=kind,
        client_id=client.id,
        team_id=actor.team_id,
        requested_by_id=actor.id,
        now=now,
        plan_id=plan_id,
        reason_code=reason_code,
        reason=reason,
    )
    if made is None:
        waiting = await approvals.pending_for(session, client.id, kind)
        at = waiting.requested_at if waiting is not None else now
        waiting_id = waiting.id if waiting is not None else 0
        return Pending(ApprovalRequest(waiting_id, kind, client.id, client.code, at), True)
    deciders = await _deciders(session, actor)
    told = []
    for person in deciders:
        queued = await outbox.enqueue(
            session,
            key=f"{ReminderKind.APPROVAL}:{made.id}:{person.id}",
            kind=ReminderKind.APPROVAL,
            worker_id=person.id,
            due_at=now,
            now=now,
            client_id=client.id,
            subject_type="approval",
            subject_id=made.id,
            payload={"approval_id": made.id},
            not_before=free_at(work, person, now),
        )
        if queued:
            told.append(person)
    await audit.record(
        session,
        REQUEST,
        now=now,
        actor_id=actor.id,
        subject_type="approval",
        subject_id=made.id,
        client_id=client.id,
        detail={"kind": kind, "plan": plan_id, "to": [person.id for person in told]},
    )
    names = tuple(person.name for person in told)
    return Pending(ApprovalRequest(made.id, kind, client.id, client.code, now, names))


async def close_superseded(
    session: AsyncSession, work: Work, actor: Actor, client_id: int, kind: str
) -> None:
    """The action was applied directly (a supervisor activated or discharged, or the
    setting was turned off meanwhile): a request for it that still waits is moot, and
    is closed as withdrawn by whoever applied it (audited)."""
    waiting = await approvals.pending_for(session, client_id, kind)
    now = work.clock.now()
    if waiting is None or not await approvals.decide(
        session, waiting, ApprovalStatus.WITHDRAWN, by_id=actor.id, now=now
    ):
        return
    await audit.record(
        session,
        WITHDRAW,
        now=now,
        actor_id=actor.id,
        subject_type="approval",
        subject_id=waiting.id,
        client_id=client_id,
        detail={"kind": kind, "superseded": True},
    )


async def _deciders(session: AsyncSession, actor: Actor) -> list[Worker]:
    """The requester's team's active supervisors; the admins when it has none."""
    team = (
        await workers.supervisors_of(session, actor.team_id, besides=actor.id)
        if (actor.team_id is not None)
        else []
    )
    return team or [admin for admin in await risks.active_admins(session) if admin.id != actor.id]


def free_at(work: Work, person: Worker, now: datetime) -> datetime:
    """When a push about an approval may reach `person`: now, or when their quiet hours
    and days off end (an approval is not a risk: it waits)."""
    return Routine.of(person, work.settings.timezone).quiet_until(now)


async def tell_requester(
    session: AsyncSession, work: Work, approval: Approval, now: datetime
) -> None:
    """Queue the requesting worker's notice of the decision (worded when sent, in their
    language)."""
    requester = await session.get(Worker, approval.requested_by_id)
    if requester is None:
        return
    await outbox.enqueue(
        session,
        key=f"{ReminderKind.APPROVAL_DECIDED}:{approval.id}",
        kind=ReminderKind.APPROVAL_DECIDED,
        worker_id=requester.id,
        due_at=now,
        now=now,
        client_id=approval.client_id,
        subject_type="approval",
        subject_id=approval.id,
        payload={"approval_id": approval.id},
        not_before=free_at(work, requester, now),
    )
