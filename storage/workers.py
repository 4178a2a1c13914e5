"""Teams and workers: who may use Caseline, with which role, in which team."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, TypeAlias, cast

from sqlalchemy import ColumnElement, Select, Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.kinds import Role
from storage.models import Cover, Team, Worker
from storage.names import clean_name
from storage.types import UTCDateTime

# The tables themselves, for the statements every update runs: on an ORM entity or
# attribute, SQLAlchemy runs a statement through the ORM's machinery, about 0.3 ms of CPU
# more (bench/README.md, session 15).
WORKERS = cast(Table, Worker.__table__)
COVERS = cast(Table, Cover.__table__)

# A worker as read for an update: a row of the workers table's columns (read by name, like
# a Worker's attributes); never changed through it. A SQLAlchemy Row through the session,
# or storage.driver's named tuple where the gate's claim goes to the driver. The two share
# no type, so it is Any: read it by column name only.
WorkerRow: TypeAlias = Any

NAME_MAX = 100


@dataclass(frozen=True, slots=True)
class Actor:
    """A snapshot of the worker behind one update; what access checks are made on."""

    id: int
    name: str
    role: str
    team_id: int | None
    timezone: str | None
    chat_id: int | None
    # Their own language and date order; None: the organisation's (storage.models.Worker).
    language: str | None = None
    date_order: str | None = None
    # The workers whose caseload this one covers right now (storage.models.Cover): their
    # clients are visible as if they were the actor's own (storage/access.py).
    covering: frozenset[int] = frozenset()

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_invite(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMIN)

    @classmethod
    def of(cls, worker: Worker | WorkerRow, covering: frozenset[int] = frozenset()) -> Actor:
        return cls(
            id=worker.id,
            name=worker.name,
            role=worker.role,
            team_id=worker.team_id,
            timezone=worker.timezone,
            chat_id=worker.chat_id,
            language=worker.language,
            date_order=worker.date_order,
            covering=covering,
        )


def active_cover(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """A cover that holds at `now` (a moment, or a parameter that will be one): not ended
    by hand and not past its end."""
    return COVERS.c.ended_at.is_(None) & (COVERS.c.ends_at > now)


def with_covers(statement: Select[Any], now: ColumnElement[datetime]) -> Select[Any]:
    """`statement` (which selects from the workers table) joined to the covers that hold at
    `now`, one row for each colleague covered (none: one row, covered_worker_id NULL)."""
    return statement.outerjoin(
        COVERS, (COVERS.c.covering_worker_id == WORKERS.c.id) & active_cover(now)
    )


async def actor_by_telegram_id(
    session: AsyncSession, telegram_user_id: int, now: datetime
) -> tuple[WorkerRow | None, frozenset[int]]:
    """The worker behind a Telegram account, with the colleagues whose caseload they cover
    at `now`: one query, since the gate asks it for every update."""
    parameters = {"telegram_user_id": telegram_user_id, "now": now}
    return worker_and_covering((await session.execute(_worker_and_covers(), parameters)).all())


def worker_and_covering(rows: Sequence[WorkerRow]) -> tuple[WorkerRow | None, frozenset[int]]:
    """The worker, and whom they cover, from the rows of a statement built `with_covers`:
    the first row carries the worker's columns (None when there is no row, or its columns
    are NULL from an outer join that found nobody), each row one colleague covered."""
    if not rows or rows[0].id is None:
        return None, frozenset()
    return rows[0], frozenset(
        row.covered_worker_id for row in rows if row.covered_worker_id is not None
    )


@cache
def _worker_and_covers() -> Select[Any]:
    """actor_by_telegram_id's statement, built once with its values as parameters."""
    statement = select(WORKERS, COVERS.c.covered_worker_id).where(
        WORKERS.c.telegram_user_id == bindparam("telegram_user_id")
    )
    return with_covers(statement, bindparam("now", type_=UTCDateTime()))


async def reached(session: AsyncSession, worker_id: int, chat_id: int) -> None:
    """The worker wrote from `chat_id`: that is where their messages go from now on, and
    they are reachable again if a send to them had failed."""
    await session.execute(
        update(WORKERS)
        .where(WORKERS.c.id == worker_id)
        .values(chat_id=chat_id, unreachable_at=None)
    )


async def get_or_create_team(session: AsyncSession, name: str, now: datetime) -> Team:
    name = clean_name(name, limit=100)
    team = await team_named(session, name)
    if team is None:
        team = Team(name=name, created_at=now)
        session.add(team)
        await session.flush()
    return team


async def team_named(session: AsyncSession, name: str) -> Team | None:
    return (await session.execute(select(Team).where(Team.name == name))).scalar_one_or_none()


async def by_telegram_id(session: AsyncSession, telegram_user_id: int) -> Worker | None:
    statement = select(Worker).where(Worker.telegram_user_id == telegram_user_id)
    return (await session.execute(statement)).scalar_one_or_none()


async def create_worker(
    session: AsyncSession,
    *,
    name: str,
    role: Role,
    now: datetime,
    team: Team | None = None,
) -> Worker:
    worker = Worker(
        name=clean_name(name, limit=NAME_MAX) or "Unnamed",
        role=role,
        team_id=team.id if team else None,
        created_at=now,
    )
    session.add(worker)
    await session.flush()
    return worker


async def team_members(session: AsyncSession, team_id: int) -> list[Worker]:
    statement = select(Worker).where(Worker.team_id == team_id).order_by(Worker.name)
    return list((await session.execute(statement)).scalars())


async def team_name(session: AsyncSession, team_id: int | None) -> str | None:
    if team_id is None:
        return None
    return (await session.execute(select(Team.name).where(Team.id == team_id))).scalar_one_or_none()


async def names(session: AsyncSession, worker_ids: set[int]) -> dict[int, str]:
    if not worker_ids:
        return {}
    rows = await session.execute(select(Worker.id, Worker.name).where(Worker.id.in_(worker_ids)))
    return dict(rows.tuples().all())


async def supervisors_of(
    session: AsyncSession, team_id: int, *, besides: int | None = None
) -> list[Worker]:
    """The team's active supervisors, by id (other than `besides`)."""
    statement = select(Worker).where(
        Worker.team_id == team_id, Worker.role == Role.SUPERVISOR, Worker.active.is_(True)
    )
    if besides is not None:
        statement = statement.where(Worker.id != besides)
    return list((await session.execute(statement.order_by(Worker.id))).scalars())
