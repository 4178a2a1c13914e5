"""Weekly trends: the snapshot each week leaves behind, and a team's last weeks.

A week runs Monday 00:00 to Monday 00:00 in the organisation's zone (`week_start` is its
Monday). Once it is over, `take_week` keeps one row per listed worker (the digest's rule:
every active member with role worker, and a supervisor or admin member only while they
carry open clients) with what cannot be counted again later — open clients, those seen
within their contact frequency and plan reviews overdue, as at the week's end — and the
week's visits completed and notes written (by the digest's rules: completed appointments
starting in the week, notes created in it and not withdrawn).

`team_trend` reads a team's weeks back: a worker's week is their snapshot row when there
is one; otherwise (before snapshots began, a week the tick missed, a worker who was not
listed then) its visits and notes are counted again from the record and the rest is
left blank (None), never guessed. The team's line sums the team's snapshot rows of a
week (so a worker who has left still counts in the weeks they were there), or, for a
week without any, the listed members' counts from the record.

Cost: a fixed number of grouped queries, whatever the team's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, SQLColumnExpression, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.kinds import AppointmentStatus, Role
from storage.localtime import day_start
from storage.models import Appointment, Client, Note, Plan, Team, Worker
from storage.supervision_tables import TrendSnapshot
from storage.upsert import insert_statement

WEEK = timedelta(days=7)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True, slots=True)
class WeekFigures:
    """One week of one line. `clients`, `seen` and `reviews` are None when the week was
    not kept (counted again from the record: visits and notes only)."""

    visits: int
    notes: int
    clients: int | None = None
    seen: int | None = None
    reviews: int | None = None
    # How many workers' rows were summed (the team's line; 1 for a worker's).
    people: int = 1

    @property
    def kept(self) -> bool:
        return self.clients is not None

    @property
    def share(self) -> float | None:
        """Seen within frequency ÷ open clients; None when not kept or without clients."""
        if self.clients is None or self.seen is None or self.clients == 0:
            return None
        return self.seen / self.clients


@dataclass(frozen=True, slots=True)
class Line:
    """A worker's weeks (or the team's: `worker_id` None), oldest first; `clients` is
    the worker's open clients now (who is shown when the team is large)."""

    worker_id: int | None
    name: str
    clients: int
    weeks: list[WeekFigures]


@dataclass(frozen=True, slots=True)
class TeamTrend:
    team_name: str
    weeks: list[date]  # the Mondays, oldest first
    team: Line
    workers: list[Line]  # every listed member, by name

    @property
    def kept(self) -> list[bool]:
        """Per week: whether the team's figures of that week were kept."""
        return [week.kept for week in self.team.weeks]


@dataclass(frozen=True, slots=True)
class _Member:
    id: int
    name: str
    role: str
    team_id: int | None
    clients: int


def _week_of(column: SQLColumnExpression[datetime], starts: list[datetime]) -> ColumnElement[int]:
    """The index of the week `column` falls in, for consecutive weeks beginning at
    `starts` (the query keeps only moments from starts[0] to the end of the last)."""
    if len(starts) == 1:
        return literal(0)
    whens = [(column < start, index) for index, start in enumerate(starts[1:])]
    return case(*whens, else_=len(starts) - 1)


async def _work_done(
    session: AsyncSession, starts: list[datetime], ids: list[int] | None
) -> dict[tuple[int, int], tuple[int, int]]:
    """(worker, week index) → (visits completed, notes written) for weeks beginning at
    `starts`; every worker when `ids` is None."""
    end = starts[-1] + WEEK
    counts: dict[tuple[int, int], list[int]] = {}
    visits = select(
        Appointment.worker_id.label("worker_id"),
        _week_of(Appointment.starts_at, starts).label("week"),
    ).where(
        Appointment.status == AppointmentStatus.COMPLETED,
        Appointment.starts_at >= starts[0],
        Appointment.starts_at < end,
    )
    notes = select(
        Note.author_id.label("worker_id"), _week_of(Note.created_at, starts).label("week")
    ).where(Note.created_at >= starts[0], Note.created_at < end, Note.retracted_at.is_(None))
    if ids is not None:
        visits = visits.where(Appointment.worker_id.in_(ids))
        notes = notes.where(Note.author_id.in_(ids))
    # Grouped over a subquery: PostgreSQL does not take a CASE with bound parameters in
    # both SELECT and GROUP BY as the same expression (storage/digest.py does the same).
    for position, statement in enumerate((visits, notes)):
        rows = statement.subquery()
        grouped = select(rows.c.worker_id, rows.c.week, func.count()).group_by(
            rows.c.worker_id, rows.c.week
        )
        for worker_id, week, count in (await session.execute(grouped)).tuples():
            counts.setdefault((worker_id, week), [0, 0])[position] = count
    return {key: (pair[0], pair[1]) for key, pair in counts.items()}


async def _open_clients(session: AsyncSession, ids: list[int] | None) -> dict[int, int]:
    statement = select(Client.worker_id, func.count()).where(
        Client.is_open, Client.worker_id.is_not(None)
    )
    if ids is not None:
        statement = statement.where(Client.worker_id.in_(ids))
    rows = (await session.execute(statement.group_by(Client.worker_id))).tuples()
    return {worker_id: count for worker_id, count in rows if worker_id is not None}


def _listed(role: str, clients: int) -> bool:
    """The digest's rows: workers, and a lead only while carrying open clients."""
    return role == Role.WORKER or clients > 0


async def _members(session: AsyncSession, team_id: int | None) -> list[_Member]:
    """The listed active members of a team (of every team when `team_id` is None)."""
    statement = select(Worker.id, Worker.name, Worker.role, Worker.team_id).where(
        Worker.active.is_(True), Worker.team_id.is_not(None)
    )
    if team_id is not None:
        statement = statement.where(Worker.team_id == team_id)
    people = list((await session.execute(statement)).tuples())
    clients = await _open_clients(session, [row[0] for row in people] if team_id else None)
    members = [
        _Member(worker_id, name, role, team, clients.get(worker_id, 0))
        for worker_id, name, role, team in people
        if _listed(role, clients.get(worker_id, 0))
    ]
    # Sorted here, not in SQL: SQLite and PostgreSQL collate names differently.
    return sorted(members, key=lambda member: (member.name.casefold(), member.id))


# ── the week's snapshot ────────────────────────────────────────────────────────


async def week_taken(session: AsyncSession, week: date) -> bool:
    statement = select(TrendSnapshot.id).where(TrendSnapshot.week_start == week).limit(1)
    return (await session.execute(statement)).first() is not None


async def take_week(session: AsyncSession, week: date, zone: ZoneInfo, now: datetime) -> int:
    """Keep the week beginning on Monday `week` for every listed worker of every team:
    how many rows this call wrote (a row already there is left as it is)."""
    members = await _members(session, None)
    if not members:
        return 0
    start = day_start(week, zone)
    end = day_start(week + WEEK, zone)
    done = await _work_done(session, [start], None)
    seen = select(
        Client.worker_id, func.sum(case((Client.seen_within_frequency(end), 1), else_=0))
    ).where(Client.is_open, Client.worker_id.is_not(None))
    seen_by = dict((await session.execute(seen.group_by(Client.worker_id))).tuples().all())
    reviews = (
        select(Client.worker_id, func.count(Plan.id))
        .join(Client, Client.id == Plan.client_id)
        .where(Client.is_open, Plan.is_active, Plan.next_review_on < week + WEEK)
        .group_by(Client.worker_id)
    )
    reviews_by = dict((await session.execute(reviews)).tuples().all())
    written = 0
    for member in members:
        visits, notes = done.get((member.id, 0), (0, 0))
        values = {
            "worker_id": member.id,
            "team_id": member.team_id,
            "week_start": week,
            "clients": member.clients,
            "seen_within_frequency": int(seen_by.get(member.id) or 0),
            "visits": visits,
            "notes": notes,
            "reviews_overdue": int(reviews_by.get(member.id) or 0),
            "taken_at": now,
        }
        statement = (
            insert_statement(session, TrendSnapshot)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["worker_id", "week_start"])
            .returning(TrendSnapshot.id)
        )
        written += (await session.execute(statement)).scalar_one_or_none() is not None
    return written


# ── a team's weeks ─────────────────────────────────────────────────────────────


def _kept(row: TrendSnapshot) -> WeekFigures:
    return WeekFigures(
        visits=row.visits,
        notes=row.notes,
        clients=row.clients,
        seen=row.seen_within_frequency,
        reviews=row.reviews_overdue,
    )


def _summed(figures: list[WeekFigures]) -> WeekFigures:
    kept = [week for week in figures if week.kept]
    return WeekFigures(
        visits=sum(week.visits for week in figures),
        notes=sum(week.notes for week in figures),
        clients=sum(week.clients or 0 for week in kept) if kept else None,
        seen=sum(week.seen or 0 for week in kept) if kept else None,
        reviews=sum(week.reviews or 0 for week in kept) if kept else None,
        people=len(figures),
    )


async def team_trend(
    session: AsyncSession, *, team_id: int, weeks: list[date], zone: ZoneInfo
) -> TeamTrend:
    """The team's weeks beginning on the Mondays `weeks` (oldest first)."""
    team_name = (
        await session.execute(select(Team.name).where(Team.id == team_id))
    ).scalar_one_or_none()
    if team_name is None:
        raise LookupError(f"there is no team with id {team_id}")
    members = await _members(session, team_id)
    ids = [member.id for member in members]
    index = {week: position for position, week in enumerate(weeks)}
    rows = (
        await session.execute(
            select(TrendSnapshot)
            .where(TrendSnapshot.week_start >= weeks[0], TrendSnapshot.week_start <= weeks[-1])
            .where((TrendSnapshot.team_id == team_id) | TrendSnapshot.worker_id.in_(ids))
        )
    ).scalars()
    own: dict[tuple[int, int], TrendSnapshot] = {}
    team_rows: dict[int, list[WeekFigures]] = {}
    for row in rows:
        if row.week_start not in index:
            continue
        position = index[row.week_start]
        own[(row.worker_id, position)] = row
        if row.team_id == team_id:
            team_rows.setdefault(position, []).append(_kept(row))
    counted = (
        await _work_done(session, [day_start(week, zone) for week in weeks], ids) if ids else {}
    )

    def figures(worker_id: int, position: int) -> WeekFigures:
        row = own.get((worker_id, position))
        if row is not None:
            return _kept(row)
        visits, notes = counted.get((worker_id, position), (0, 0))
        return WeekFigures(visits=visits, notes=notes)

    workers = [
        Line(
            member.id, member.name, member.clients, [figures(member.id, p) for p in index.values()]
        )
        for member in members
    ]
    team_weeks = []
    for position in index.values():
        if position in team_rows:
            team_weeks.append(_summed(team_rows[position]))
        else:
            recounted = [line.weeks[position] for line in workers]
            team_weeks.append(
                WeekFigures(
                    visits=sum(week.visits for week in recounted),
                    notes=sum(week.notes for week in recounted),
                    people=len(recounted),
                )
            )
    team = Line(None, team_name, sum(member.clients for member in members), team_weeks)
    return TeamTrend(team_name, list(weeks), team, workers)
