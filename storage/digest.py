"""The supervisor's daily digest: one team's figures for one local day.

A supervisor reads this once a day (CHT's users asked for ONE summary, not one message per
task), so every figure is a count a supervisor can act on. The day is the supervisor's:
`now` and `zone` are passed in, and day boundaries are computed here with zoneinfo (a
daylight-saving day has 23 or 25 hours) and compared as UTC timestamps, so the same SQL
runs on SQLite and PostgreSQL without date functions.

Definitions ("today" is the local calendar day of `now` in `zone`):

- **visits completed**: appointments of the worker with status completed starting today;
  **no-shows** likewise with status no-show; **appointments tomorrow**: scheduled ones
  starting tomorrow (local).
- **notes written**: notes the worker created today that were not withdrawn (↩ Undo);
  **collateral contacts** are those of them about a call or talk with family, a
  caregiver or a provider (counted again apart, as desk work the visits do not show).
- **work that counts** beside visits and notes (issue 20), so a day at the desk does not
  read as zero: **intakes** (clients the worker took in from the chat today, /intake or
  /newclient), **plan reviews** the worker made today, **referrals** the worker made
  today.
- **unclosed appointments**: the worker's appointments of open clients still scheduled
  two hours after their planned end (`Appointment.left_open`), however old: listed
  until someone says what happened.
- **clients overdue**: the worker's open clients (active or intake) whose last contact +
  contact frequency fell before today; a client never contacted counts from the day they
  were added. Clients on hold or discharged are muted (as in CHT) and never count, here or
  in any other figure about clients.
- **plan reviews overdue**: active plans of the worker's open clients whose next review
  date is before today.
- **safety plan reviews overdue**: counted apart from plan reviews (a safety plan is
  about a crisis, and is reviewed more often): the version in effect of the safety plan
  of each of the worker's open clients whose next review date is before today.
- **risk flags**: notes with a risk flag the worker wrote in the last 24 hours (withdrawn
  ones excepted), whichever client they are about.
- **seen within frequency**: among the worker's open clients, the share whose last contact
  lies within their contact frequency as of `now`; a client never contacted counts as seen
  until their first visit falls due, so a worker who just took on new clients is not marked
  down for visits that are not due yet (the same grace as "overdue"). None without open
  clients. RAG as in CommCare's supervisor app: green ≥ 85 %, yellow ≥ 70 %, red below.
- **quiet**: the worker logged no work (no note created, no visit logged as done or
  no-show, no intake, plan review or referral) since the start of their second-to-last
  working day before today, nor today so far; `last_active_on` says on which local day
  they last did, when that was within the history's two weeks. Working days are the ISO
  weekdays not in the worker's `days_off` (default {6, 7}). A worker who joined after that
  moment, or who has no working day in the last two weeks, is never quiet; nor is a
  supervisor's own row (supervising is not logged).
- **rows**: every active member of the team with role worker, plus a supervisor (or admin)
  member only when they carry open clients themselves; deactivated members are left out.
  Team totals and the history sum the listed rows; the team's share is seen ÷ open clients
  over all rows.
- **open risks**: the clients of the listed members whose risk level is set (a ⚠ Risk
  note that no later note lowered), oldest first, with who acknowledged the alert; by
  client code and worker name only.
- **visit exceptions**: the worker's visits whose verification (EVV) changed in the last
  24 hours and is unverified — no location, no home location, outside the radius, a late
  start, a missing check-out or edited times — counted per worker and listed by client
  code (never a name, never a place), oldest check-in first.
- **history**: for each of the last 14 local days (today last), the team's visits completed
  and notes written, by the same rules as today's figures.

Cost: a fixed number of grouped queries (GROUP BY worker) for the whole team, whatever its
size — never one per worker or per client.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, SQLColumnExpression, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.kinds import AppointmentStatus, EvvStatus, InteractionType, RiskLevel, Role
from storage.localtime import day_start
from storage.models import (
    Appointment,
    Client,
    Note,
    Plan,
    Referral,
    Review,
    SafetyPlan,
    Team,
    Worker,
    client_code,
)

Rag = Literal["green", "yellow", "red"]

GREEN_PERCENT = 85
YELLOW_PERCENT = 70
HISTORY_DAYS = 14
RISK_WINDOW = timedelta(hours=24)
EVV_WINDOW = timedelta(hours=24)
QUIET_WORKING_DAYS = 2
# How far back to look for a worker's working days; with no working day in two weeks
# (every weekday marked off) a worker is simply never "quiet".
QUIET_LOOKBACK_DAYS = 14
LOGGED_VISITS = (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW)
COUNTED_APPOINTMENTS = (
    AppointmentStatus.COMPLETED,
    AppointmentStatus.NO_SHOW,
    AppointmentStatus.SCHEDULED,
)


@dataclass(frozen=True, slots=True)
class WorkerFigures:
    """One row of the digest. `worker_id` is None on the team-totals row."""

    worker_id: int | None
    name: str
    visits_completed: int
    notes_written: int
    no_shows: int
    appointments_tomorrow: int
    clients_overdue: int
    reviews_overdue: int
    risk_flags: int
    seen_within_frequency: float | None
    rag: Rag | None
    quiet: bool
    open_clients: int = 0
    clients_seen: int = 0
    role: str = Role.WORKER
    safety_reviews_overdue: int = 0
    visit_exceptions: int = 0
    # Work that counts beside visits and notes (today), and what is left open.
    intakes: int = 0
    plans_reviewed: int = 0
    referrals: int = 0
    collateral: int = 0
    unclosed: int = 0
    open_risks: int = 0
    # The local day of the worker's last logged work within the history's two weeks
    # (None: none in that time).
    last_active_on: date | None = None

    @property
    def desk_work(self) -> int:
        return self.intakes + self.plans_reviewed + self.referrals + self.collateral


@dataclass(frozen=True, slots=True)
class OpenRisk:
    """A client of the team with an open risk: code, worker, since which local day, and
    who acknowledged the alert (None: nobody yet)."""

    client_code: str
    worker_name: str
    since: date | None
    acknowledged_by: str | None
    worker_id: int = 0


@dataclass(frozen=True, slots=True)
class VisitExceptions:
    """An unverified visit of the team: client code, worker, the check-in (local time)
    and its exception codes (domain/rules/evv.EvvException)."""

    client_code: str
    worker_id: int
    worker_name: str
    checked_in: datetime | None
    codes: frozenset[str]


@dataclass(frozen=True, slots=True)
class TeamDigest:
    team_name: str
    day: date
    workers: list[WorkerFigures]
    team: WorkerFigures
    # (local day, team visits completed, team notes written), oldest first, today last.
    history: list[tuple[date, int, int]]
    open_risks: list[OpenRisk] = field(default_factory=list)
    visit_exceptions: list[VisitExceptions] = field(default_factory=list)
    # Where its buttons point (the drill-down names the team by id).
    team_id: int = 0

    @property
    def quiet_workers(self) -> list[WorkerFigures]:
        return [row for row in self.workers if row.quiet]


def rag(seen: int, total: int) -> Rag | None:
    """CommCare's colours for a share, in whole-number arithmetic so 17 of 20 is exactly
    85 % (green) and not a float a hair below it."""
    if total <= 0:
        return None
    if seen * 100 >= GREEN_PERCENT * total:
        return "green"
    if seen * 100 >= YELLOW_PERCENT * total:
        return "yellow"
    return "red"


def working_days(days_off: frozenset[int]) -> frozenset[int]:
    """ISO weekdays a worker works: those not in their `days_off`."""
    return frozenset(range(1, 8)) - days_off


def quiet_since(today: date, days_off: frozenset[int]) -> date | None:
    """The second-to-last working day before today: silence since its start is "quiet"."""
    working = working_days(days_off)
    found = 0
    for back in range(1, QUIET_LOOKBACK_DAYS + 1):
        day = today - timedelta(days=back)
        if day.isoweekday() in working:
            found += 1
            if found == QUIET_WORKING_DAYS:
                return day
    return None


# The additive fields of `_Tally`: what team totals sum.
_COUNTS = (
    "visits",
    "no_shows",
    "notes",
    "tomorrow",
    "overdue",
    "reviews",
    "safety_reviews",
    "risks",
    "open_clients",
    "seen",
    "exceptions",
    "intakes",
    "reviewed",
    "referrals",
    "collateral",
    "unclosed",
    "open_risks",
)


@dataclass
class _Tally:
    """A worker's counts while the queries come in; frozen into `WorkerFigures` at the end."""

    visits: int = 0
    no_shows: int = 0
    notes: int = 0
    tomorrow: int = 0
    overdue: int = 0
    reviews: int = 0
    safety_reviews: int = 0
    risks: int = 0
    open_clients: int = 0
    seen: int = 0
    exceptions: int = 0
    intakes: int = 0
    reviewed: int = 0
    referrals: int = 0
    collateral: int = 0
    unclosed: int = 0
    open_risks: int = 0
    last_active: datetime | None = None
    visits_by_day: dict[int, int] = field(default_factory=dict)
    notes_by_day: dict[int, int] = field(default_factory=dict)

    def active_at(self, moment: datetime | None) -> None:
        if moment is not None and (self.last_active is None or moment > self.last_active):
            self.last_active = moment

    def add(self, other: _Tally) -> None:
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for mine, theirs in (
            (self.visits_by_day, other.visits_by_day),
            (self.notes_by_day, other.notes_by_day),
        ):
            for offset, count in theirs.items():
                mine[offset] = mine.get(offset, 0) + count

    def figures(
        self, worker_id: int | None, name: str, *, quiet: bool, role: str, zone: ZoneInfo
    ) -> WorkerFigures:
        active = self.last_active
        return WorkerFigures(
            worker_id=worker_id,
            name=name,
            visits_completed=self.visits,
            notes_written=self.notes,
            no_shows=self.no_shows,
            appointments_tomorrow=self.tomorrow,
            clients_overdue=self.overdue,
            reviews_overdue=self.reviews,
            risk_flags=self.risks,
            seen_within_frequency=self.seen / self.open_clients if self.open_clients else None,
            rag=rag(self.seen, self.open_clients),
            quiet=quiet,
            open_clients=self.open_clients,
            clients_seen=self.seen,
            role=role,
            safety_reviews_overdue=self.safety_reviews,
            visit_exceptions=self.exceptions,
            intakes=self.intakes,
            plans_reviewed=self.reviewed,
            referrals=self.referrals,
            collateral=self.collateral,
            unclosed=self.unclosed,
            open_risks=self.open_risks,
            last_active_on=active.astimezone(zone).date() if active is not None else None,
        )


@dataclass(frozen=True, slots=True)
class _Days:
    """Local days as UTC instants: offset 0 is today, -1 yesterday, 1 tomorrow."""

    today: date
    zone: ZoneInfo

    def start(self, offset: int) -> datetime:
        return day_start(self.today + timedelta(days=offset), self.zone)

    def offset_of(
        self, column: SQLColumnExpression[datetime], first: int, last: int
    ) -> ColumnElement[int]:
        """A SQL expression naming the local day of `column` as an offset in first..last;
        earlier moments get first - 1 and later ones last + 1."""
        whens = [(column < self.start(first), first - 1)]
        whens += [(column < self.start(offset + 1), offset) for offset in range(first, last + 1)]
        return case(*whens, else_=last + 1)


HISTORY_FIRST = 1 - HISTORY_DAYS  # offset of the oldest day in the history


async def team_digest(
    session: AsyncSession, *, team_id: int, now: datetime, zone: ZoneInfo
) -> TeamDigest:
    """Compute the digest of one team for the local day of `now` in `zone`."""
    team_name = (
        await session.execute(select(Team.name).where(Team.id == team_id))
    ).scalar_one_or_none()
    if team_name is None:
        raise LookupError(f"there is no team with id {team_id}")
    days = _Days(now.astimezone(zone).date(), zone)
    listed = select(Worker.id, Worker.name, Worker.role, Worker.days_off, Worker.created_at)
    # Sorted here, not in SQL: SQLite and PostgreSQL collate names differently.
    members = sorted(
        (await session.execute(listed.where(Worker.team_id == team_id, Worker.active))).all(),
        key=lambda member: (member.name.casefold(), member.id),
    )
    tallies = {member.id: _Tally() for member in members}
    unverified: list[VisitExceptions] = []
    quiet_from = {
        member.id: days.start((since - days.today).days)
        for member in members
        if (since := quiet_since(days.today, member.days_off)) is not None
    }
    if tallies:
        ids = list(tallies)
        await _count_clients(session, tallies, ids, days, now)
        await _count_reviews(session, tallies, ids, days)
        await _count_appointments(session, tallies, ids, days)
        floor = min([days.start(HISTORY_FIRST), *quiet_from.values()])
        await _count_notes(session, tallies, ids, days, now, floor)
        await _latest_logged_visits(session, tallies, ids, floor)
        await _count_desk_work(session, tallies, ids, days, floor)
        await _count_unclosed(session, tallies, ids, now)
        unverified = await _visit_exceptions(session, tallies, ids, now, zone)

    rows: list[WorkerFigures] = []
    total = _Tally()
    for member in members:
        tally = tallies[member.id]
        if not has_row(member.role, tally.open_clients):
            continue
        window = quiet_from.get(member.id)
        quiet = (
            member.role == Role.WORKER
            and window is not None
            and member.created_at < window
            and (tally.last_active is None or tally.last_active < window)
        )
        rows.append(tally.figures(member.id, member.name, quiet=quiet, role=member.role, zone=zone))
        total.add(tally)
    history = [
        (
            days.today + timedelta(days=offset),
            total.visits_by_day.get(offset, 0),
            total.notes_by_day.get(offset, 0),
        )
        for offset in range(HISTORY_FIRST, 1)
    ]
    risks = await _open_risks(session, [row.worker_id for row in rows if row.worker_id], zone)
    per_worker = {row.worker_id: 0 for row in rows}
    for risk in risks:
        per_worker[risk.worker_id] = per_worker.get(risk.worker_id, 0) + 1
    rows = [replace(row, open_risks=per_worker[row.worker_id]) for row in rows]
    total.open_risks = len(risks)
    return TeamDigest(
        team_name=team_name,
        day=days.today,
        workers=rows,
        team=total.figures(None, team_name, quiet=False, role=Role.SUPERVISOR, zone=zone),
        history=history,
        open_risks=risks,
        visit_exceptions=[
            found for found in unverified if found.worker_id in {row.worker_id for row in rows}
        ],
        team_id=team_id,
    )


def has_row(role: str, open_clients: int) -> bool:
    """Whether a team member has a row: every worker, and a supervisor or admin only
    while they carry open clients themselves."""
    return role == Role.WORKER or open_clients > 0


async def _open_risks(
    session: AsyncSession, worker_ids: list[int], zone: ZoneInfo
) -> list[OpenRisk]:
    """One query: the listed members' clients with a risk level, with the names of their
    worker and of whoever acknowledged the alert."""
    if not worker_ids:
        return []
    acknowledger = aliased(Worker)
    statement = (
        select(Client.id, Worker.name, Client.risk_since, acknowledger.name, Worker.id)
        .join(Worker, Worker.id == Client.worker_id)
        .outerjoin(acknowledger, acknowledger.id == Client.risk_acknowledged_by_id)
        .where(Client.risk_level > RiskLevel.NONE, Client.worker_id.in_(worker_ids))
        .order_by(Client.risk_since, Client.id)
    )
    return [
        OpenRisk(
            client_code(client_id),
            worker,
            since.astimezone(zone).date() if since is not None else None,
            acknowledged,
            worker_id,
        )
        for client_id, worker, since, acknowledged, worker_id in (
            await session.execute(statement)
        ).tuples()
    ]


async def _visit_exceptions(
    session: AsyncSession,
    tallies: dict[int, _Tally],
    ids: list[int],
    now: datetime,
    zone: ZoneInfo,
) -> list[VisitExceptions]:
    """One query: the members' visits made unverified in the last 24 hours (a visit
    started within the history's two weeks, so the worker-and-start index serves it)."""
    statement = (
        select(
            Appointment.client_id,
            Appointment.worker_id,
            Worker.name,
            Appointment.check_in_at,
            Appointment.evv_exceptions,
        )
        .join(Worker, Worker.id == Appointment.worker_id)
        .where(
            Appointment.worker_id.in_(ids),
            Appointment.starts_at >= now - timedelta(days=HISTORY_DAYS),
            Appointment.evv_status == EvvStatus.UNVERIFIED,
            Appointment.evv_at >= now - EVV_WINDOW,
            Appointment.status.not_in([AppointmentStatus.CANCELLED, AppointmentStatus.WITHDRAWN]),
        )
        .order_by(Appointment.check_in_at, Appointment.id)
    )
    found = []
    for client_id, worker_id, name, checked_in, codes in (
        await session.execute(statement)
    ).tuples():
        tallies[worker_id].exceptions += 1
        local = checked_in.astimezone(zone) if checked_in is not None else None
        found.append(
            VisitExceptions(client_code(client_id), worker_id, name, local, codes or frozenset())
        )
    return found


async def team_names(session: AsyncSession) -> list[tuple[int, str]]:
    """Every team as (id, name), by name: what an admin chooses a digest from."""
    rows = (await session.execute(select(Team.id, Team.name))).tuples().all()
    return sorted(rows, key=lambda row: (row[1].casefold(), row[0]))


async def _count_clients(
    session: AsyncSession, tallies: dict[int, _Tally], ids: list[int], days: _Days, now: datetime
) -> None:
    # The rules are Client's hybrids: the same words as the card and the agenda use.
    statement = (
        select(
            Client.worker_id,
            func.count(),
            func.sum(case((Client.visit_overdue(days.today, days.zone), 1), else_=0)),
            func.sum(case((Client.seen_within_frequency(now), 1), else_=0)),
        )
        .where(Client.worker_id.in_(ids), Client.is_open)
        .group_by(Client.worker_id)
    )
    for worker_id, count, overdue, seen in (await session.execute(statement)).tuples():
        tally = tallies[worker_id]
        tally.open_clients, tally.overdue, tally.seen = count, int(overdue or 0), int(seen or 0)


async def _count_reviews(
    session: AsyncSession, tallies: dict[int, _Tally], ids: list[int], days: _Days
) -> None:
    """Overdue reviews per worker: of the plan in effect, and of the safety plan."""
    for model, current, tally_field in (
        (Plan, Plan.is_active, "reviews"),
        (SafetyPlan, SafetyPlan.is_current, "safety_reviews"),
    ):
        statement = (
            select(Client.worker_id, func.count(model.id))
            .join(Client, Client.id == model.client_id)
            .where(
                Client.worker_id.in_(ids),
                Client.is_open,
                current,
                model.next_review_on < days.today,
            )
            .group_by(Client.worker_id)
        )
        for worker_id, count in (await session.execute(statement)).tuples():
            if worker_id is not None:  # filtered by the query; the column may hold None
                setattr(tallies[worker_id], tally_field, count)


async def _count_appointments(
    session: AsyncSession, tallies: dict[int, _Tally], ids: list[int], days: _Days
) -> None:
    """Visits and no-shows per day of the history, and tomorrow's scheduled ones."""
    # Grouping over a subquery's columns: PostgreSQL would not accept a CASE with bound
    # parameters in both SELECT and GROUP BY as the same expression.
    rows = (
        select(
            Appointment.worker_id.label("worker_id"),
            Appointment.status.label("status"),
            days.offset_of(Appointment.starts_at, HISTORY_FIRST, 1).label("day"),
        )
        .where(
            Appointment.worker_id.in_(ids),
            Appointment.starts_at >= days.start(HISTORY_FIRST),
            Appointment.starts_at < days.start(2),
            Appointment.status.in_(COUNTED_APPOINTMENTS),
        )
        .subquery()
    )
    statement = select(rows.c.worker_id, rows.c.status, rows.c.day, func.count()).group_by(
        rows.c.worker_id, rows.c.status, rows.c.day
    )
    for worker_id, status, day, count in (await session.execute(statement)).tuples():
        tally = tallies[worker_id]
        if status == AppointmentStatus.COMPLETED and day <= 0:
            tally.visits_by_day[day] = count
            if day == 0:
                tally.visits = count
        elif status == AppointmentStatus.NO_SHOW and day == 0:
            tally.no_shows = count
        elif status == AppointmentStatus.SCHEDULED and day == 1:
            tally.tomorrow = count


async def _count_notes(
    session: AsyncSession,
    tallies: dict[int, _Tally],
    ids: list[int],
    days: _Days,
    now: datetime,
    floor: datetime,
) -> None:
    """Notes per day of the history, risk flags of the last 24 h, and the latest note
    (for "quiet"), in one pass over the notes created since `floor`."""
    rows = (
        select(
            Note.author_id.label("worker_id"),
            days.offset_of(Note.created_at, HISTORY_FIRST, 0).label("day"),
            case(
                (Note.risk_flag.is_(True) & (Note.created_at >= now - RISK_WINDOW), 1), else_=0
            ).label("risk"),
            case((Note.interaction_type == InteractionType.COLLATERAL, 1), else_=0).label(
                "collateral"
            ),
            Note.created_at.label("at"),
        )
        .where(
            Note.author_id.in_(ids),
            Note.created_at >= floor,
            Note.retracted_at.is_(None),
        )
        .subquery()
    )
    statement = select(
        rows.c.worker_id,
        rows.c.day,
        func.count(),
        func.sum(rows.c.risk),
        func.max(rows.c.at),
        func.sum(rows.c.collateral),
    ).group_by(rows.c.worker_id, rows.c.day)
    for worker_id, day, count, risks, latest, collateral in (
        await session.execute(statement)
    ).tuples():
        tally = tallies[worker_id]
        tally.risks += int(risks or 0)
        tally.active_at(latest)
        if HISTORY_FIRST <= day <= 0:
            tally.notes_by_day[day] = count
            if day == 0:
                tally.notes = count
                tally.collateral = int(collateral or 0)


async def _latest_logged_visits(
    session: AsyncSession, tallies: dict[int, _Tally], ids: list[int], floor: datetime
) -> None:
    """When each worker last logged a visit (done or no-show): the other half of "quiet"."""
    statement = (
        select(Appointment.worker_id, func.max(Appointment.completed_at))
        .where(
            Appointment.worker_id.in_(ids),
            Appointment.status.in_(LOGGED_VISITS),
            Appointment.completed_at >= floor,
        )
        .group_by(Appointment.worker_id)
    )
    for worker_id, latest in (await session.execute(statement)).tuples():
        tallies[worker_id].active_at(latest)


async def _count_desk_work(
    session: AsyncSession, tallies: dict[int, _Tally], ids: list[int], days: _Days, floor: datetime
) -> None:
    """Today's intakes, plan reviews and referrals per worker, and when each last did any
    of them since `floor` (for "quiet"): one grouped query per kind of record."""
    kinds = (
        ("intakes", Client.added_by_id, Client.created_at),
        ("reviewed", Review.reviewer_id, Review.created_at),
        ("referrals", Referral.worker_id, Referral.created_at),
    )
    today = days.start(0)
    for name, who, at in kinds:
        statement = (
            select(who, func.sum(case((at >= today, 1), else_=0)), func.max(at))
            .where(who.in_(ids), at >= floor, at < days.start(1))
            .group_by(who)
        )
        for worker_id, count, latest in (await session.execute(statement)).tuples():
            if worker_id is None:  # filtered by the query; the column may hold None
                continue
            tally = tallies[worker_id]
            setattr(tally, name, int(count or 0))
            tally.active_at(latest)


async def _count_unclosed(
    session: AsyncSession, tallies: dict[int, _Tally], ids: list[int], now: datetime
) -> None:
    """Appointments of open clients left open (Appointment.left_open), per worker."""
    statement = (
        select(Appointment.worker_id, func.count())
        .join(Client, Client.id == Appointment.client_id)
        .where(Appointment.worker_id.in_(ids), Appointment.left_open(now), Client.is_open)
        .group_by(Appointment.worker_id)
    )
    for worker_id, count in (await session.execute(statement)).tuples():
        tallies[worker_id].unclosed = count
