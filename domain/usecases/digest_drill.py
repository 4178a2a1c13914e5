"""The supervisor's drill-down: from a figure of the digest or /team to the records it
counts, and from a worker's row to that worker's day and caseload (issue 20).

Who may look (domain/rules/roles.within_reach): a supervisor into their own team, an
admin into any team, a worker into none. Client records stay least privilege
(storage/access.py): an admin looking into a team that is not their own sees the lists
by client code only, with nothing to open (`Scope.records` is False). A worker named by
a press must have a row in that team's digest. Every look is an audit event
`digest.drill` naming the team, the list (its code, or "team" / "worker" for the two
overviews), the worker it is narrowed to, the page and the ids of the clients it showed;
a refused one (a worker, another team's supervisor, a forged or replayed press) is
audited too, allowed false.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.results import Refused, Saved
from domain.rules.roles import within_reach
from domain.work import Work
from storage import audit
from storage.agenda import AgendaAppointment, AgendaClient, agenda
from storage.digest import TeamDigest, WorkerFigures, team_digest
from storage.drill import DrillItem, DrillList, Member, drill_items, members
from storage.models import Team
from storage.workers import Actor

DRILL = "digest.drill"
# What the two overviews are called in the audit trail (the lists: their codes).
TEAM_VIEW = "team"
WORKER_VIEW = "worker"
PAGE_SIZE = 8


@dataclass(frozen=True, slots=True)
class Scope:
    """The team looked into, and whether its client records may be shown and opened."""

    team_id: int
    team_name: str
    records: bool


@dataclass(frozen=True, slots=True)
class TeamFigures:
    scope: Scope
    digest: TeamDigest


@dataclass(frozen=True, slots=True)
class WorkerDay:
    """A worker's row of the digest, and today's appointments (none without records)."""

    scope: Scope
    figures: WorkerFigures
    appointments: list[tuple[AgendaAppointment, AgendaClient]]
    day: date


@dataclass(frozen=True, slots=True)
class DrillPage:
    """One page of a list; `worker` the member it is narrowed to (None: the team)."""

    scope: Scope
    which: DrillList
    worker: Member | None
    items: list[DrillItem]
    total: int
    page: int
    pages: int
    day: date


async def team_figures(
    work: Work, actor: Actor, team_id: int | None, *, zone: ZoneInfo
) -> Saved[TeamFigures] | Refused:
    """The team's figures as buttons (the overview a list goes back to)."""
    now = work.clock.now()
    async with work.transaction() as session:
        scope = await _scope(session, actor, team_id)
        if scope is None:
            await _refused(session, actor, team_id, now, TEAM_VIEW)
            return Refused("team")
        digest = await team_digest(session, team_id=scope.team_id, now=now, zone=zone)
        await _looked(session, actor, scope, now, list=TEAM_VIEW)
        return Saved(TeamFigures(scope, digest))


async def worker_day(
    work: Work, actor: Actor, team_id: int | None, worker_id: int | None, *, zone: ZoneInfo
) -> Saved[WorkerDay] | Refused:
    """A worker's day and caseload: their row of the digest and today's appointments."""
    now = work.clock.now()
    async with work.transaction() as session:
        scope = await _scope(session, actor, team_id)
        digest = (
            await team_digest(session, team_id=scope.team_id, now=now, zone=zone)
            if scope is not None
            else None
        )
        row = next(
            (row for row in (digest.workers if digest else []) if row.worker_id == worker_id),
            None,
        )
        if scope is None or digest is None or row is None or worker_id is None:
            await _refused(session, actor, team_id, now, WORKER_VIEW, worker=worker_id)
            return Refused("worker")
        day = await agenda(session, worker_id, digest.day, zone, ended_too=True)
        shown = day.appointments if scope.records else []
        await _looked(
            session,
            actor,
            scope,
            now,
            list=WORKER_VIEW,
            worker=worker_id,
            clients=sorted({client.id for _, client in shown}),
        )
        return Saved(WorkerDay(scope, row, shown, digest.day))


async def drill_list(
    work: Work,
    actor: Actor,
    team_id: int | None,
    which: str,
    worker_id: int | None,
    page: int,
    *,
    zone: ZoneInfo,
) -> Saved[DrillPage] | Refused:
    """A page of the list behind one figure, for the team or one of its workers
    (`worker_id` None). Refused for an unknown list, a team out of reach, a worker
    without a row in the team's digest."""
    now = work.clock.now()
    known = which if which in set(DrillList) else None
    async with work.transaction() as session:
        scope = await _scope(session, actor, team_id)
        people = await members(session, scope.team_id) if scope is not None else []
        narrowed = next((m for m in people if m.id == worker_id), None)
        if scope is None or known is None or (worker_id is not None and narrowed is None):
            await _refused(session, actor, team_id, now, known or "?", worker=worker_id, page=page)
            return Refused("list")
        chosen = DrillList(known)
        found = await drill_items(
            session,
            chosen,
            people=[narrowed] if narrowed is not None else people,
            now=now,
            zone=zone,
        )
        pages = max(1, -(-len(found) // PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        shown = found[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        await _looked(
            session,
            actor,
            scope,
            now,
            list=str(chosen),
            worker=worker_id,
            page=page,
            clients=sorted({item.client_id for item in shown}),
        )
        return Saved(
            DrillPage(
                scope=scope,
                which=chosen,
                worker=narrowed,
                items=shown,
                total=len(found),
                page=page,
                pages=pages,
                day=now.astimezone(zone).date(),
            )
        )


async def _scope(session: AsyncSession, actor: Actor, team_id: int | None) -> Scope | None:
    """The team, if the actor may look into it (and whether its records show)."""
    if team_id is None or not within_reach(actor.role, actor.team_id, team_id):
        return None
    name = (await session.execute(select(Team.name).where(Team.id == team_id))).scalar()
    if name is None:
        return None
    return Scope(team_id, name, records=actor.team_id == team_id)


async def _looked(
    session: AsyncSession, actor: Actor, scope: Scope, now: datetime, **detail: Any
) -> None:
    await audit.record(
        session,
        DRILL,
        now=now,
        actor_id=actor.id,
        subject_type="team",
        subject_id=scope.team_id,
        detail={key: value for key, value in detail.items() if value is not None},
    )


async def _refused(
    session: AsyncSession,
    actor: Actor,
    team_id: int | None,
    now: datetime,
    which: str,
    **detail: Any,
) -> None:
    await audit.refused(
        session,
        DRILL,
        now=now,
        actor_id=actor.id,
        subject_type="team",
        subject_id=team_id,
        list=which,
        **{key: value for key, value in detail.items() if value is not None},
    )
