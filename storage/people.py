"""The queries behind people admin (domain/usecases/people.py): who is in which team with
how many clients, the caseload a person leaves behind, covers, unused invites.

The use cases decide who may do what (domain/rules/roles.py) and audit; nothing here does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import affected
from storage.kinds import ClientStatus, Role
from storage.models import Client, Cover, Invite, Team, Worker
from storage.workers import active_cover, supervisors_of


@dataclass(frozen=True, slots=True)
class PersonFacts:
    worker: Worker
    team_name: str | None
    open_clients: int


async def people(
    session: AsyncSession, *, team_id: int | None = None, worker_id: int | None = None
) -> list[PersonFacts]:
    """Workers (of one team, or one worker, or everyone) with their team's name and how
    many open clients (`Client.is_open`) they hold; by name."""
    open_count = (
        select(func.count())
        .select_from(Client)
        .where(Client.worker_id == Worker.id, Client.is_open)
        .correlate(Worker)
        .scalar_subquery()
    )
    statement = (
        select(Worker, Team.name, open_count)
        .outerjoin(Team, Team.id == Worker.team_id)
        .order_by(Worker.name, Worker.id)
    )
    if team_id is not None:
        statement = statement.where(Worker.team_id == team_id)
    if worker_id is not None:
        statement = statement.where(Worker.id == worker_id)
    rows = await session.execute(statement)
    return [PersonFacts(worker, name, count) for worker, name, count in rows.tuples()]


async def named(session: AsyncSession, words: str) -> list[Worker]:
    """Workers called exactly `words` (any case); else those whose name contains it."""
    words = " ".join(words.split()).lower()
    if not words:
        return []
    exact = select(Worker).where(func.lower(Worker.name) == words).order_by(Worker.id)
    found = list((await session.execute(exact)).scalars())
    if found:
        return found
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = (
        select(Worker)
        .where(func.lower(Worker.name).like(f"%{escaped}%", escape="\\"))
        .order_by(Worker.id)
    )
    return list((await session.execute(like)).scalars())


async def caseload_left(session: AsyncSession, worker_id: int) -> list[Client]:
    """The clients someone leaving still holds: every one not discharged."""
    statement = (
        select(Client)
        .where(Client.worker_id == worker_id, Client.status != ClientStatus.DISCHARGED)
        .order_by(Client.id)
    )
    return list((await session.execute(statement)).scalars())


async def active_admins(session: AsyncSession) -> int:
    statement = (
        select(func.count())
        .select_from(Worker)
        .where(Worker.role == Role.ADMIN, Worker.active.is_(True))
    )
    return int((await session.execute(statement)).scalar_one())


async def first_supervisor(
    session: AsyncSession, team_id: int | None, *, besides: int
) -> Worker | None:
    """The team's first active supervisor (by id) other than `besides`."""
    if team_id is None:
        return None
    found = await supervisors_of(session, team_id, besides=besides)
    return found[0] if found else None


async def teams(session: AsyncSession) -> list[Team]:
    """Every team, by name."""
    return list((await session.execute(select(Team).order_by(Team.name, Team.id))).scalars())


# ---------------------------------------------------------------------------------------
# Covers


async def covers(session: AsyncSession, worker_ids: Iterable[int], now: datetime) -> list[Cover]:
    """Active covers held or given by any of `worker_ids`, soonest end first."""
    ids = sorted(set(worker_ids))
    if not ids:
        return []
    statement = (
        select(Cover)
        .where(
            active_cover(now),
            or_(Cover.covering_worker_id.in_(ids), Cover.covered_worker_id.in_(ids)),
        )
        .order_by(Cover.ends_at, Cover.id)
    )
    return list((await session.execute(statement)).scalars())


async def expired_covers(session: AsyncSession, now: datetime) -> list[Cover]:
    """Covers past their end that nobody has marked ended yet."""
    statement = (
        select(Cover)
        .where(Cover.ended_at.is_(None), Cover.ends_at <= now)
        .order_by(Cover.ends_at, Cover.id)
    )
    return list((await session.execute(statement)).scalars())


async def end_cover(session: AsyncSession, cover_id: int, at: datetime) -> bool:
    """Mark the cover ended at `at`, if nobody has yet (one conditional UPDATE, so two
    ticks or a tick and a supervisor end it once)."""
    result = await session.execute(
        update(Cover)
        .where(Cover.id == cover_id, Cover.ended_at.is_(None))
        .values(ended_at=at)
        .execution_options(synchronize_session=False)
    )
    return affected(result) == 1


# ---------------------------------------------------------------------------------------
# Invites


def usable_invite(now: datetime) -> ColumnElement[bool]:
    return and_(Invite.used_at.is_(None), Invite.revoked_at.is_(None), Invite.expires_at > now)


async def open_invites(
    session: AsyncSession, now: datetime, *, team_id: int | None = None
) -> list[tuple[Invite, str | None, str | None]]:
    """Unused, unexpired, unrevoked invites (of one team) with the team's and the
    inviter's names; newest first."""
    inviter = Worker.__table__.alias("inviter")
    statement = (
        select(Invite, Team.name, inviter.c.name)
        .outerjoin(Team, Team.id == Invite.team_id)
        .outerjoin(inviter, inviter.c.id == Invite.created_by_id)
        .where(usable_invite(now))
        .order_by(Invite.created_at.desc(), Invite.id.desc())
    )
    if team_id is not None:
        statement = statement.where(Invite.team_id == team_id)
    rows = await session.execute(statement)
    return list(rows.tuples())


async def revoke_invite(
    session: AsyncSession, invite_id: int, *, by: int | None, now: datetime
) -> bool:
    """Withdraw the invite if it is still usable (a conditional UPDATE: a redeem racing
    this one either wins or finds it revoked)."""
    result = await session.execute(
        update(Invite)
        .where(Invite.id == invite_id, usable_invite(now))
        .values(revoked_at=now, revoked_by_id=by)
        .execution_options(synchronize_session=False)
    )
    return affected(result) == 1
