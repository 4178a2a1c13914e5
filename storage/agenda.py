"""A worker's day as the morning agenda lists it (and /today): the day's scheduled
appointments, visits due or overdue by contact frequency, plan reviews, safety plan
reviews and referral follow-ups. Computed from the data when asked, never stored as
tasks; overdue first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.kinds import AppointmentStatus, ReferralStatus
from storage.models import Appointment, Client, Plan, Referral, SafetyPlan

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


def _day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return (
        datetime.combine(day, time(0), tzinfo=zone),
        datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone),
    )


async def agenda(
    session: AsyncSession, worker_id: int, day: date, zone: ZoneInfo, *, ended_too: bool = False
) -> Agenda:
    """Today's work for one worker; overdue first (as the best systems list it). The
    appointments still to come, or with `ended_too` (/today) the day's done and missed
    ones as well — never cancelled or withdrawn ones."""
    begin, end = _day_bounds(day, zone)
    shown = (
        Appointment.status.not_in([AppointmentStatus.CANCELLED, AppointmentStatus.WITHDRAWN])
        if ended_too
        else Appointment.status == AppointmentStatus.SCHEDULED
    )
    appointments = (
        await session.execute(
            select(Appointment, Client)
            .join(Client, Client.id == Appointment.client_id)
            .where(
                Appointment.worker_id == worker_id,
                shown,
                Appointment.starts_at >= begin,
                Appointment.starts_at < end,
            )
            .order_by(Appointment.starts_at, Appointment.id)
        )
    ).all()
    due_soon = (
        await session.execute(
            select(Client).where(
                Client.worker_id == worker_id,
                Client.is_open,
                Client.visit_due_by(day + timedelta(days=DUE_SOON_DAYS), zone),
            )
        )
    ).scalars()
    visits = [
        DueVisit(client, client.visit_due_on(zone), overdue=client.visit_overdue(day, zone))
        for client in due_soon
    ]
    visits.sort(key=lambda visit: (visit.due_on, visit.client.id))
    reviews = (
        await session.execute(
            select(Plan, Client)
            .join(Client, Client.id == Plan.client_id)
            .where(
                Client.worker_id == worker_id,
                Client.is_open,
                Plan.is_active,
                Plan.next_review_on <= day + timedelta(days=DUE_SOON_DAYS),
            )
            .order_by(Plan.next_review_on)
        )
    ).all()
    referrals = (
        await session.execute(
            select(Referral, Client)
            .join(Client, Client.id == Referral.client_id)
            .where(
                Referral.worker_id == worker_id,
                Client.is_open,
                or_(
                    Referral.status == ReferralStatus.SENT,
                    Referral.status == ReferralStatus.ACCEPTED,
                ),
                and_(Referral.follow_up_on.is_not(None), Referral.follow_up_on <= day),
            )
            .order_by(Referral.follow_up_on)
        )
    ).all()
    return Agenda(
        day=day,
        appointments=[(row[0], row[1]) for row in appointments],
        visits=visits,
        reviews=[(row[0], row[1]) for row in reviews],
        referrals=[(row[0], row[1]) for row in referrals],
        safety_reviews=await safety_reviews_due(session, worker_id, day),
    )


async def safety_reviews_due(
    session: AsyncSession, worker_id: int, day: date
) -> list[tuple[SafetyPlan, Client]]:
    """The worker's open clients whose safety plan falls due for review by `day` +
    DUE_SOON_DAYS (overdue ones first: soonest due day first)."""
    rows = await session.execute(
        select(SafetyPlan, Client)
        .join(Client, Client.id == SafetyPlan.client_id)
        .where(
            Client.worker_id == worker_id,
            Client.is_open,
            SafetyPlan.is_current,
            SafetyPlan.next_review_on <= day + timedelta(days=DUE_SOON_DAYS),
        )
        .order_by(SafetyPlan.next_review_on, Client.id)
    )
    return [(plan, client) for plan, client in rows.tuples()]
