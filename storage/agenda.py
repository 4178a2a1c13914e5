"""A worker's day as the morning agenda lists it (and /today): the day's scheduled
appointments, visits due or overdue by contact frequency, plan reviews, safety plan
reviews and referral follow-ups. Computed from the data when asked, never stored as
tasks; overdue first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql._typing import _ColumnExpressionArgument

from storage.driver import Prepared
from storage.kinds import AppointmentStatus, ReferralStatus
from storage.localtime import day_end, day_start
from storage.models import (
    Appointment,
    Client,
    Plan,
    Referral,
    SafetyPlan,
    client_code,
    visit_due_day,
)
from storage.types import UTCDateTime

# How many days ahead a visit or a plan review counts as due.
DUE_SOON_DAYS = 3


@dataclass(frozen=True, slots=True)
class AgendaClient:
    """A client as an agenda line or button shows them."""

    id: int
    name: str
    interpreter: bool | None
    language: str | None

    @property
    def code(self) -> str:
        return client_code(self.id)


@dataclass(frozen=True, slots=True)
class AgendaAppointment:
    """An appointment as an agenda line or button shows it."""

    id: int
    starts_at: datetime
    kind: str
    status: str
    duration_minutes: int


@dataclass(frozen=True, slots=True)
class Due:
    """A client's visit, plan review, safety plan review or referral follow-up falling
    due on `due_on` (local); overdue when that day is before the agenda's."""

    client: AgendaClient
    due_on: date
    overdue: bool


@dataclass(frozen=True, slots=True)
class Agenda:
    day: date
    appointments: list[tuple[AgendaAppointment, AgendaClient]]
    visits: list[Due]
    reviews: list[Due]
    referrals: list[Due]
    # Safety plans (their version in effect) due for review, as plan reviews are.
    safety_reviews: list[Due] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.appointments
            or self.visits
            or self.reviews
            or self.referrals
            or self.safety_reviews
        )

    @property
    def client_ids(self) -> set[int]:
        """Every client the agenda names (what its audit event lists)."""
        dues = [*self.visits, *self.reviews, *self.referrals, *self.safety_reviews]
        return {client.id for _, client in self.appointments} | {due.client.id for due in dues}


async def agenda(
    session: AsyncSession, worker_id: int, day: date, zone: ZoneInfo, *, ended_too: bool = False
) -> Agenda:
    """Today's work for one worker; overdue first (as the best systems list it). The
    appointments still to come, or with `ended_too` (/today) the day's done and missed
    ones as well — never cancelled or withdrawn ones. One statement, one round trip:
    /today and every morning agenda run it."""
    due_by = day + timedelta(days=DUE_SOON_DAYS)
    parameters = {
        "worker_id": worker_id,
        "begin": day_start(day, zone),
        "end": day_end(day, zone),
        "visits_due_before": day_end(due_by, zone),
        "due_by": due_by,
        "day": day,
    }
    rows = await _statement(ended_too).rows(session, parameters)
    return _sorted(day, zone, rows)


def _sorted(day: date, zone: ZoneInfo, rows: Sequence[Any]) -> Agenda:
    appointments: list[tuple[AgendaAppointment, AgendaClient]] = []
    sections: dict[int, list[Due]] = {VISITS: [], REVIEWS: [], SAFETY_REVIEWS: [], REFERRALS: []}
    for row in rows:
        client = AgendaClient(row.client_id, row.name, row.interpreter, row.language)
        if row.section == APPOINTMENTS:
            appointments.append(
                (
                    AgendaAppointment(
                        row.appointment_id, row.at, row.kind, row.status, row.duration_minutes
                    ),
                    client,
                )
            )
            continue
        # A visit falls due at a moment (its local day is what workers see); the rest on
        # a day.
        due_on = visit_due_day(row.at, zone) if row.section == VISITS else row.on
        sections[row.section].append(Due(client, due_on, overdue=due_on < day))
    appointments.sort(key=lambda item: (item[0].starts_at, item[0].id))
    for dues in sections.values():
        dues.sort(key=lambda due: (due.due_on, due.client.id))
    return Agenda(
        day=day,
        appointments=appointments,
        visits=sections[VISITS],
        reviews=sections[REVIEWS],
        referrals=sections[REFERRALS],
        safety_reviews=sections[SAFETY_REVIEWS],
    )


# The sections of the one statement, each a SELECT of the same columns (UNION ALL): a
# row's `section` says which.
APPOINTMENTS, VISITS, REVIEWS, SAFETY_REVIEWS, REFERRALS = range(5)


def _columns(
    section: int,
    *,
    at: _ColumnExpressionArgument[Any] | None = None,
    on: _ColumnExpressionArgument[Any] | None = None,
    appointment: bool = False,
) -> list[ColumnElement[Any]]:
    """The one row shape: which section, the client, when it is due (`at` a moment, `on`
    a day) and, for an appointment, what the line shows of it."""

    def nothing(type_: Any) -> ColumnElement[Any]:
        return sql_cast(null(), type_)

    def coerce(column: _ColumnExpressionArgument[Any]) -> ColumnElement[Any]:
        return cast(ColumnElement[Any], column)

    return [
        literal(section, Integer()).label("section"),
        Client.id.label("client_id"),
        Client.name.label("name"),
        Client.interpreter.label("interpreter"),
        Client.language.label("language"),
        (nothing(UTCDateTime()) if at is None else coerce(at)).label("at"),
        (nothing(Date()) if on is None else coerce(on)).label("on"),
        (Appointment.id if appointment else nothing(Integer())).label("appointment_id"),
        (Appointment.kind if appointment else nothing(String())).label("kind"),
        (Appointment.status if appointment else nothing(String())).label("status"),
        (Appointment.duration_minutes if appointment else nothing(Integer())).label(
            "duration_minutes"
        ),
    ]


@cache
def _statement(ended_too: bool) -> Prepared:
    worker_id: BindParameter[int] = bindparam("worker_id", type_=Integer())
    shown = (
        Appointment.status.not_in([AppointmentStatus.CANCELLED, AppointmentStatus.WITHDRAWN])
        if ended_too
        else Appointment.status == AppointmentStatus.SCHEDULED
    )
    due_by: BindParameter[date] = bindparam("due_by", type_=Date())
    parts: list[Select[Any]] = [
        select(*_columns(APPOINTMENTS, at=Appointment.starts_at, appointment=True))
        .join(Client, Client.id == Appointment.client_id)
        .where(
            Appointment.worker_id == worker_id,
            shown,
            Appointment.starts_at >= bindparam("begin", type_=UTCDateTime()),
            Appointment.starts_at < bindparam("end", type_=UTCDateTime()),
        ),
        select(*_columns(VISITS, at=Client.visit_due_at)).where(
            Client.worker_id == worker_id,
            Client.is_open,
            Client.visit_due_before(
                cast(datetime, bindparam("visits_due_before", type_=UTCDateTime()))
            ),
        ),
        _reviews_due(REVIEWS, Plan, Plan.is_active, worker_id, due_by),
        # A safety plan's version in effect, reviewed as a plan is.
        _reviews_due(SAFETY_REVIEWS, SafetyPlan, SafetyPlan.is_current, worker_id, due_by),
        select(*_columns(REFERRALS, on=Referral.follow_up_on))
        .join(Client, Client.id == Referral.client_id)
        .where(
            Referral.worker_id == worker_id,
            Client.is_open,
            or_(
                Referral.status == ReferralStatus.SENT,
                Referral.status == ReferralStatus.ACCEPTED,
            ),
            and_(
                Referral.follow_up_on.is_not(None),
                Referral.follow_up_on <= bindparam("day", type_=Date()),
            ),
        ),
    ]
    return Prepared(union_all(*parts))


def _reviews_due(
    section: int,
    plan: type[Plan] | type[SafetyPlan],
    in_effect: Any,
    worker_id: BindParameter[int],
    due_by: BindParameter[date],
) -> Select[Any]:
    """The worker's open clients whose plan (`in_effect`) falls due for review by `due_by`."""
    return (
        select(*_columns(section, on=plan.next_review_on))
        .join(Client, Client.id == plan.client_id)
        .where(
            Client.worker_id == worker_id,
            Client.is_open,
            in_effect,
            plan.next_review_on <= due_by,
        )
    )
