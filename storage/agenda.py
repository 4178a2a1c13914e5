"""A worker's day as the morning agenda lists it (and /today): the day's scheduled
appointments, visits due or overdue by contact frequency, plan reviews, safety plan
reviews and referral follow-ups. Computed from the data when asked, never stored as
tasks; overdue first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import BindParameter, Select, and_, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.kinds import AppointmentStatus, ReferralStatus
from storage.localtime import day_end, day_start
from storage.models import Appointment, Client, Plan, Referral, SafetyPlan
from storage.types import UTCDateTime

# How many days ahead a visit or a plan review counts as due.
DUE_SOON_DAYS = 3


@dataclass(frozen=True, slots=True)
class DueVisit:
    client: Client
    due_on: date
    overdue: bool


@dataclass(frozen=True, slots=True)
class Agenda:
    day: date
    appointments: list[tuple[Appointment, Client]]
    visits: list[DueVisit]
    reviews: list[tuple[Plan, Client]]
    referrals: list[tuple[Referral, Client]]
    # Safety plans (their version in effect) due for review, as plan reviews are.
    safety_reviews: list[tuple[SafetyPlan, Client]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.appointments
            or self.visits
            or self.reviews
            or self.referrals
            or self.safety_reviews
        )


async def agenda(
    session: AsyncSession, worker_id: int, day: date, zone: ZoneInfo, *, ended_too: bool = False
) -> Agenda:
    """Today's work for one worker; overdue first (as the best systems list it). The
    appointments still to come, or with `ended_too` (/today) the day's done and missed
    ones as well — never cancelled or withdrawn ones."""
    due_by = day + timedelta(days=DUE_SOON_DAYS)
    parameters = {
        "worker_id": worker_id,
        "begin": day_start(day, zone),
        "end": day_end(day, zone),
        "visits_due_before": day_end(due_by, zone),
        "due_by": due_by,
        "day": day,
    }
    statements = _statements(ended_too)
    appointments = (await session.execute(statements.appointments, parameters)).tuples().all()
    due_soon = (await session.execute(statements.visits, parameters)).scalars()
    visits = [
        DueVisit(client, client.visit_due_on(zone), overdue=client.visit_overdue(day, zone))
        for client in due_soon
    ]
    visits.sort(key=lambda visit: (visit.due_on, visit.client.id))
    reviews = (await session.execute(statements.reviews, parameters)).tuples().all()
    referrals = (await session.execute(statements.referrals, parameters)).tuples().all()
    return Agenda(
        day=day,
        appointments=list(appointments),
        visits=visits,
        reviews=list(reviews),
        referrals=list(referrals),
        safety_reviews=await safety_reviews_due(session, worker_id, day),
    )


async def safety_reviews_due(
    session: AsyncSession, worker_id: int, day: date
) -> list[tuple[SafetyPlan, Client]]:
    """The worker's open clients whose safety plan falls due for review by `day` +
    DUE_SOON_DAYS (overdue ones first: soonest due day first)."""
    parameters = {"worker_id": worker_id, "due_by": day + timedelta(days=DUE_SOON_DAYS)}
    rows = await session.execute(_safety_reviews(), parameters)
    return [(plan, client) for plan, client in rows.tuples()]


# The agenda's statements are built once, their values as parameters: /today and every
# morning agenda run them, and building them each time cost about a twentieth of /today's
# CPU.


@dataclass(frozen=True, slots=True)
class _Statements:
    appointments: Select[tuple[Appointment, Client]]
    visits: Select[tuple[Client]]
    reviews: Select[tuple[Plan, Client]]
    referrals: Select[tuple[Referral, Client]]


@cache
def _statements(ended_too: bool) -> _Statements:
    worker_id: BindParameter[int] = bindparam("worker_id")
    shown = (
        Appointment.status.not_in([AppointmentStatus.CANCELLED, AppointmentStatus.WITHDRAWN])
        if ended_too
        else Appointment.status == AppointmentStatus.SCHEDULED
    )
    return _Statements(
        appointments=select(Appointment, Client)
        .join(Client, Client.id == Appointment.client_id)
        .where(
            Appointment.worker_id == worker_id,
            shown,
            Appointment.starts_at >= bindparam("begin"),
            Appointment.starts_at < bindparam("end"),
        )
        .order_by(Appointment.starts_at, Appointment.id),
        visits=select(Client).where(
            Client.worker_id == worker_id,
            Client.is_open,
            Client.visit_due_before(
                cast(datetime, bindparam("visits_due_before", type_=UTCDateTime()))
            ),
        ),
        reviews=select(Plan, Client)
        .join(Client, Client.id == Plan.client_id)
        .where(
            Client.worker_id == worker_id,
            Client.is_open,
            Plan.is_active,
            Plan.next_review_on <= bindparam("due_by"),
        )
        .order_by(Plan.next_review_on),
        referrals=select(Referral, Client)
        .join(Client, Client.id == Referral.client_id)
        .where(
            Referral.worker_id == worker_id,
            Client.is_open,
            or_(
                Referral.status == ReferralStatus.SENT,
                Referral.status == ReferralStatus.ACCEPTED,
            ),
            and_(Referral.follow_up_on.is_not(None), Referral.follow_up_on <= bindparam("day")),
        )
        .order_by(Referral.follow_up_on),
    )


@cache
def _safety_reviews() -> Select[tuple[SafetyPlan, Client]]:
    return (
        select(SafetyPlan, Client)
        .join(Client, Client.id == SafetyPlan.client_id)
        .where(
            Client.worker_id == bindparam("worker_id"),
            Client.is_open,
            SafetyPlan.is_current,
            SafetyPlan.next_review_on <= bindparam("due_by"),
        )
        .order_by(SafetyPlan.next_review_on, Client.id)
    )
