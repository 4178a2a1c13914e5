"""Approvals: a worker's plan activation or discharge waiting for a supervisor, and a
team's setting that says which do.

Plain reads and writes; who may ask or decide, the audit and the messages are the use
cases' (domain/usecases/approval_requests.py, approvals.py). A request is made with
INSERT … ON CONFLICT DO NOTHING against the partial unique index (one pending request
per client and kind), and decided with a conditional UPDATE (only while pending), so a
double press or two supervisors at once decide it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from storage.db import affected
from storage.kinds import ApprovalKind, ApprovalStatus
from storage.models import Client, Team, Worker
from storage.supervision_tables import PENDING_ONLY, Approval
from storage.upsert import insert_statement

# A page of /pending.
PAGE = 5


@dataclass(frozen=True, slots=True)
class TeamApprovals:
    """A team's approval setting."""

    team_id: int
    team: str
    plans: bool
    discharges: bool

    def needs(self, kind: str) -> bool:
        return self.plans if kind == ApprovalKind.PLAN_ACTIVATION else self.discharges


def team_approvals(team: Team) -> TeamApprovals:
    return TeamApprovals(team.id, team.name, team.approve_plans, team.approve_discharges)


async def teams(session: AsyncSession) -> list[TeamApprovals]:
    rows = (await session.execute(select(Team).order_by(Team.name))).scalars()
    return [team_approvals(team) for team in rows]


def set_flag(team: Team, kind: str, on: bool) -> None:
    if kind == ApprovalKind.PLAN_ACTIVATION:
        team.approve_plans = on
    else:
        team.approve_discharges = on


async def request(
    session: AsyncSession,
    *,
    kind: str,
    client_id: int,
    team_id: int | None,
    requested_by_id: int,
    now: datetime,
    plan_id: int | None = None,
    reason_code: str | None = None,
    reason: str | None = None,
) -> Approval | None:
    """A new pending request; None when one of this kind already waits for the client."""
    values = {
        "kind": kind,
        "client_id": client_id,
        "plan_id": plan_id,
        "reason_code": reason_code,
        "reason": reason,
        "team_id": team_id,
        "requested_by_id": requested_by_id,
        "requested_at": now,
        "status": ApprovalStatus.PENDING,
    }
    statement = (
        insert_statement(session, Approval)
        .values(**values)
        .on_conflict_do_nothing(
            index_elements=["client_id", "kind"], index_where=text(PENDING_ONLY)
        )
        .returning(Approval.id)
    )
    added = (await session.execute(statement)).scalar_one_or_none()
    return await session.get(Approval, added) if added is not None else None


def _is_pending() -> ColumnElement[bool]:
    return Approval.status == ApprovalStatus.PENDING


async def pending_for(session: AsyncSession, client_id: int, kind: str) -> Approval | None:
    statement = select(Approval).where(
        Approval.client_id == client_id, Approval.kind == kind, _is_pending()
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def pending_kinds(session: AsyncSession, client_id: int) -> tuple[str, ...]:
    """What waits for approval about this client (the card says so)."""
    statement = (
        select(Approval.kind)
        .where(Approval.client_id == client_id, _is_pending())
        .order_by(Approval.kind)
    )
    return tuple((await session.execute(statement)).scalars())


async def decide(
    session: AsyncSession,
    approval: Approval,
    status: ApprovalStatus,
    *,
    by_id: int | None,
    now: datetime,
    comment: str | None = None,
) -> bool:
    """Pending → `status`, once: False when it was decided (or withdrawn) meanwhile."""
    result = await session.execute(
        update(Approval)
        .where(Approval.id == approval.id, _is_pending())
        .values(status=status, decided_by_id=by_id, decided_at=now, comment=comment)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(approval)
    return affected(result) == 1


@dataclass(frozen=True, slots=True)
class Waiting:
    """One pending request as /pending lists it."""

    approval: Approval
    client: Client
    requested_by: str


@dataclass(frozen=True, slots=True)
class WaitingPage:
    items: list[Waiting]
    page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE))


async def waiting(
    session: AsyncSession,
    *,
    team_id: int | None = None,
    requested_by_id: int | None = None,
    page: int = 0,
) -> WaitingPage:
    """Pending requests, oldest first: a team's, one worker's, or (neither) all."""
    where = [_is_pending()]
    if team_id is not None:
        where.append(Approval.team_id == team_id)
    if requested_by_id is not None:
        where.append(Approval.requested_by_id == requested_by_id)
    total = (await session.execute(select(func.count(Approval.id)).where(*where))).scalar_one()
    page = max(0, min(page, max(0, (total - 1) // PAGE)))
    statement = (
        select(Approval, Client, Worker.name)
        .join(Client, Client.id == Approval.client_id)
        .join(Worker, Worker.id == Approval.requested_by_id)
        .where(*where)
        .order_by(Approval.requested_at, Approval.id)
        .offset(page * PAGE)
        .limit(PAGE)
    )
    rows = (await session.execute(statement)).tuples().all()
    return WaitingPage([Waiting(a, c, name) for a, c, name in rows], page, total)


async def of_client(session: AsyncSession, client_id: int) -> list[Approval]:
    """Every request about the client (its history shows them)."""
    statement = select(Approval).where(Approval.client_id == client_id).order_by(Approval.id)
    return list((await session.execute(statement)).scalars())
