"""The records behind each figure of the supervisor's digest (issue 20's drill-down).

Every figure of storage/digest.py is a count; here is the list it counted, by the same
rules (the same hybrids, the same day boundaries), so "⏰ 5 overdue" opens five clients.
Each list is of `DrillItem`s — a client, the team member it counts for, and what to say
about it (a moment, a due day, a kind of contact, exception codes) — sorted by member,
then most urgent first (the most overdue client, the oldest open risk) or in the order of
the day. Nothing here decides who may look: domain/usecases/digest_drill.py does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.digest import EVV_WINDOW, HISTORY_DAYS, RISK_WINDOW, has_row
from storage.kinds import AppointmentStatus, EvvStatus, InteractionType, RiskLevel
from storage.localtime import day_end, day_start
from storage.models import (
    Appointment,
    Client,
    Note,
    Plan,
    Referral,
    Review,
    SafetyPlan,
    Worker,
    client_code,
)


class DrillList(StrEnum):
    """A figure's list; the value is what its button carries (two letters)."""

    OVERDUE = "ov"  # clients whose visit is overdue
    VISITS = "vi"  # visits completed today
    NO_SHOWS = "ns"  # no-shows today
    NOTES = "no"  # notes written today
    TOMORROW = "tm"  # appointments tomorrow
    REVIEWS = "rv"  # plan reviews overdue
    SAFETY = "sr"  # safety plan reviews overdue
    RISK_FLAGS = "rf"  # notes flagged ⚠ in the last 24 hours
    OPEN_RISKS = "rk"  # clients with an open risk
    EXCEPTIONS = "ex"  # visits made unverified in the last 24 hours (EVV)
    UNCLOSED = "uc"  # appointments left open after their end
    INTAKES = "in"  # clients taken in today
    REVIEWED = "pr"  # plan reviews made today
    REFERRALS = "re"  # referrals made today
    COLLATERAL = "co"  # collateral contacts today


@dataclass(frozen=True, slots=True)
class Member:
    """A team member with a row in the digest."""

    id: int
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class DrillItem:
    """One line of a list: the client, the member it counts for, and what to say."""

    client_id: int
    client_name: str
    worker_id: int
    worker_name: str
    at: datetime | None = None  # when: a visit's start, a note written, a risk since
    due: date | None = None  # a due day: the visit, the review
    kind: str | None = None  # the kind of contact (storage.kinds.InteractionType)
    codes: frozenset[str] = frozenset()  # a visit's exceptions (domain/rules/evv.py)
    acknowledged_by: str | None = None  # an open risk's acknowledgement

    @property
    def client_code(self) -> str:
        return client_code(self.client_id)


async def members(session: AsyncSession, team_id: int) -> list[Member]:
    """The team's members with a row in the digest (storage.digest.has_row), by name."""
    people = (
        await session.execute(
            select(Worker.id, Worker.name, Worker.role).where(
                Worker.team_id == team_id, Worker.active
            )
        )
    ).all()
    ids = [person.id for person in people]
    carrying: dict[int, int] = {}
    if ids:
        statement = (
            select(Client.worker_id, func.count())
            .where(Client.worker_id.in_(ids), Client.is_open)
            .group_by(Client.worker_id)
        )
        carrying = {
            worker_id: count
            for worker_id, count in (await session.execute(statement)).tuples()
            if worker_id is not None
        }
    return sorted(
        (
            Member(person.id, person.name, person.role)
            for person in people
            if has_row(person.role, carrying.get(person.id, 0))
        ),
        key=lambda member: (member.name.casefold(), member.id),
    )


async def drill_items(
    session: AsyncSession,
    which: DrillList,
    *,
    people: Sequence[Member],
    now: datetime,
    zone: ZoneInfo,
) -> list[DrillItem]:
    """The list behind one figure, for these members, on the local day of `now`."""
    if not people:
        return []
    today = now.astimezone(zone).date()
    ids = [member.id for member in people]
    items = await _QUERIES[which](session, ids, now, today, zone)
    order = {member.id: index for index, member in enumerate(people)}
    # Python's sort is stable: each query's own order stays within a member.
    return sorted(items, key=lambda item: order.get(item.worker_id, len(order)))


def _bounds(today: date, zone: ZoneInfo, offset: int = 0) -> tuple[datetime, datetime]:
    day = today + timedelta(days=offset)
    return day_start(day, zone), day_end(day, zone)


def _client_items(statement: Select[Any]) -> Select[Any]:
    return statement.join(Worker, Worker.id == Client.worker_id)


async def _overdue(
    session: AsyncSession, ids: list[int], now: datetime, today: date, zone: ZoneInfo
) -> list[DrillItem]:
    statement = _client_items(
        select(Client, Worker.name)
        .where(Client.worker_id.in_(ids), Client.is_open, Client.visit_overdue(today, zone))
        .order_by(Client.visit_due_at, Client.id)
    )
    return [
        DrillItem(client.id, client.name, worker_id, worker, due=client.visit_due_on(zone))
        for client, worker in (await session.execute(statement)).tuples()
        if (worker_id := client.worker_id) is not None
    ]


def _appointments(where: ColumnElement[bool], ids: list[int]) -> Select[Any]:
    return (
        select(Appointment, Client.name, Worker.name)
        .join(Client, Client.id == Appointment.client_id)
        .join(Worker, Worker.id == Appointment.worker_id)
        .where(Appointment.worker_id.in_(ids), where)
        .order_by(Appointment.starts_at, Appointment.id)
    )


async def _appointment_items(session: AsyncSession, statement: Select[Any]) -> list[DrillItem]:
    return [
        DrillItem(
            visit.client_id,
            client,
            visit.worker_id,
            worker,
            at=visit.starts_at,
            kind=visit.kind,
            codes=visit.evv_exceptions or frozenset(),
        )
        for visit, client, worker in (await session.execute(statement)).tuples()
    ]


def _starting(status: AppointmentStatus, today: date, zone: ZoneInfo, offset: int = 0) -> Any:
    begin, end = _bounds(today, zone, offset)
    return (
        (Appointment.status == status)
        & (Appointment.starts_at >= begin)
        & (Appointment.starts_at < end)
    )


async def _visits(
    session: AsyncSession, ids: list[int], now: datetime, today: date, zone: ZoneInfo
) -> list[DrillItem]:
    where = _starting(AppointmentStatus.COMPLETED, today, zone)
    return await _appointment_items(session, _appointments(where, ids))


async def _no_shows(
    session: AsyncSession, ids: list[int], now: datetime, today: date, zone: ZoneInfo
) -> list[DrillItem]:
    where = _starting(AppointmentStatus.NO_SHOW, today, zone)
    return await _appointment_items(session, _appointments(where, ids))


async def _tomorrow(
    session: AsyncSession, ids: list[int], now: datetime, today: date, zone: ZoneInfo
) -> list[DrillItem]:
    where = _starting(AppointmentStatus.SCHEDULED, today, zone, 1)
    return await _appointment_items(session, _appointments(where, ids))


async def _unclosed(
    session: AsyncSession, ids: list[int], now: datetime, today: date, zone: ZoneInfo
) -> list[DrillItem]:
    where = Appointment.left_open(now) & Client.is_open
    return await _appointment_items(session, _appointments(where, ids))


async def _exceptions(
    session: AsyncSession, ids: list[int], now: datetime, today: date, zone: ZoneInfo
) -> list[DrillItem]:
    """As the digest's visit exceptions (storage/digest.py), oldest check-in first."""
    where = (
        (Appointment.starts_at >= now - timedelta(days=HISTORY_DAYS))
        & (Appointment.evv_status == EvvStatus.UNVERIFIED)
        & (Appointment.evv_at >= now - EVV_WINDOW)
        & Appointment.status.not_in([AppointmentStatus.CANCELLED, AppointmentStatus.WITHDRAWN])
    )
    statement = (
        _appointments(where, ids).order_by(None).order_by(Appointment.check_in_at, Appointment.id)
    )
    found = await _appointment_items(session, statement)
    return found


def _notes(where: ColumnElement[bool], ids: list[int]) -> Select[Any]:
    return (
        select(Note.client_id, Client.name, Note.author_id, Worker.name, Note.created_at)
        .add_columns(Note.interaction_type)
        .join(Client, Client.id == Note.client_id)
        .join(Worker, Worker.id == Note.author_id)
        .where(Note.author_id.in_(ids), Note.retracted_at.is_(None), where)
        .order_by(Note.created_at, Note.id)
    )


async def _note_items(session: AsyncSession, statement: Select[Any]) -> list[DrillItem]:
    return [
        DrillItem(client_id, client, author_id, worker, at=at, kind=kind)
        for client_id, client, author_id, worker, at, kind in (
            await session.execute(statement)
        ).tuples()
    ]


async def _notes_today(
    session: AsyncSession, ids: list[int], now: datetime, today: date, zone: ZoneInfo
) -> list[DrillItem]:
    begin, end = _bounds(today, zone)
    where = (Note.created_at >= begin) & (Note.created_at < end)
    return await _note_items(session, _notes(where, ids))


async def _collateral(
    session: AsyncSession, ids: list[int], now: datetime, today: date, zone: ZoneInfo
) -> list[DrillItem]:
    begin, end = _bounds(today, zone)
    where = (
        (Note.created_at >= begin)
        & (Note.created_at < end)
        & (Note.interaction_type == InteractionType.COLLATERAL)
    )
    return await _note_items(session, _notes(where, ids))


async def _risk_flags(
    session: AsyncSession, ids: list[int], now: datetime, today: date, zone: ZoneInfo
) -> list[DrillItem]:
    where = Note.risk_flag.is_(True) & (Note.created_at >= now - RISK_WINDOW)
    return await _note_items(session, _notes(where, ids))


def _overdue_reviews(
    model: type[Plan] | type[SafetyPlan], in_effect: Any
) -> Callable[[AsyncSession, list[int], datetime, date, ZoneInfo], Awaitable[list[DrillItem]]]:
    """The list of a kind of plan whose version in effect (`in_effect`, the model's hybrid
    property) is past its next review."""

    async def listed(
        session: AsyncSession, ids: list[int], now: datetime, today: date, zone: ZoneInfo
    ) -> list[DrillItem]:
        statement = _client_items(
            select(Client.id, Client.name, Client.worker_id, Worker.name, model.next_review_on)
            .join(Client, Client.id == model.client_id)
            .where(
                Client.worker_id.in_(ids),
                Client.is_open,
                in_effect,
                model.next_review_on < today,
            )
            .order_by(model.next_review_on, Client.id)
        )
        return await _due_items(session, statement)

    return listed


_reviews = _overdue_reviews(Plan, Plan.is_active)
_safety = _overdue_reviews(SafetyPlan, SafetyPlan.is_current)


async def _due_items(session: AsyncSession, statement: Select[Any]) -> list[DrillItem]:
    return [
        DrillItem(client_id, client, worker_id, worker, due=due)
        for client_id, client, worker_id, worker, due in (await session.execute(statement)).tuples()
        if worker_id is not None
    ]


async def _open_risks(
    session: AsyncSession, ids: list[int], now: datetime, today: date, zone: ZoneInfo
) -> list[DrillItem]:
    acknowledger = aliased(Worker)
    statement = _client_items(
        select(Client, Worker.name, acknowledger.name)
        .outerjoin(acknowledger, acknowledger.id == Client.risk_acknowledged_by_id)
        .where(Client.risk_level > RiskLevel.NONE, Client.worker_id.in_(ids))
        .order_by(Client.risk_since, Client.id)
    )
    return [
        DrillItem(
            client.id,
            client.name,
            worker_id,
            worker,
            at=client.risk_since,
            acknowledged_by=acknowledged,
        )
        for client, worker, acknowledged in (await session.execute(statement)).tuples()
        if (worker_id := client.worker_id) is not None
    ]


async def _intakes(
    session: AsyncSession, ids: list[int], now: datetime, today: date, zone: ZoneInfo
) -> list[DrillItem]:
    begin, end = _bounds(today, zone)
    statement = (
        select(Client.id, Client.name, Client.added_by_id, Worker.name, Client.created_at)
        .join(Worker, Worker.id == Client.added_by_id)
        .where(Client.added_by_id.in_(ids), Client.created_at >= begin, Client.created_at < end)
        .order_by(Client.created_at, Client.id)
    )
    return await _done_items(session, statement)


async def _reviewed(
    session: AsyncSession, ids: list[int], now: datetime, today: date, zone: ZoneInfo
) -> list[DrillItem]:
    begin, end = _bounds(today, zone)
    statement = (
        select(Client.id, Client.name, Review.reviewer_id, Worker.name, Review.created_at)
        .join(Plan, Plan.id == Review.plan_id)
        .join(Client, Client.id == Plan.client_id)
        .join(Worker, Worker.id == Review.reviewer_id)
        .where(Review.reviewer_id.in_(ids), Review.created_at >= begin, Review.created_at < end)
        .order_by(Review.created_at, Review.id)
    )
    return await _done_items(session, statement)


async def _referrals(
    session: AsyncSession, ids: list[int], now: datetime, today: date, zone: ZoneInfo
) -> list[DrillItem]:
    begin, end = _bounds(today, zone)
    statement = (
        select(Client.id, Client.name, Referral.worker_id, Worker.name, Referral.created_at)
        .join(Client, Client.id == Referral.client_id)
        .join(Worker, Worker.id == Referral.worker_id)
        .where(Referral.worker_id.in_(ids), Referral.created_at >= begin, Referral.created_at < end)
        .order_by(Referral.created_at, Referral.id)
    )
    return await _done_items(session, statement)


async def _done_items(session: AsyncSession, statement: Select[Any]) -> list[DrillItem]:
    return [
        DrillItem(client_id, client, worker_id, worker, at=at)
        for client_id, client, worker_id, worker, at in (await session.execute(statement)).tuples()
        if worker_id is not None
    ]


_QUERIES = {
    DrillList.OVERDUE: _overdue,
    DrillList.VISITS: _visits,
    DrillList.NO_SHOWS: _no_shows,
    DrillList.NOTES: _notes_today,
    DrillList.TOMORROW: _tomorrow,
    DrillList.REVIEWS: _reviews,
    DrillList.SAFETY: _safety,
    DrillList.RISK_FLAGS: _risk_flags,
    DrillList.OPEN_RISKS: _open_risks,
    DrillList.EXCEPTIONS: _exceptions,
    DrillList.UNCLOSED: _unclosed,
    DrillList.INTAKES: _intakes,
    DrillList.REVIEWED: _reviewed,
    DrillList.REFERRALS: _referrals,
    DrillList.COLLATERAL: _collateral,
}
