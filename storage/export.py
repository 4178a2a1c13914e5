"""One client's record gathered as plain data, for a printable case file (PDF) or a
spreadsheet (CSV). Nothing here renders, and nothing checks access: the caller has
already decided that the requester may see this client (storage/caseload.look)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import plans, safety_plans
from storage.history import Event, timeline
from storage.models import (
    Client,
    ClientContact,
    Consent,
    Referral,
    Resource,
    Worker,
)
from storage.workers import names


@dataclass(frozen=True, slots=True)
class Identity:
    code: str
    name: str
    program: str
    status: str
    worker: str | None
    contact_frequency_days: int
    last_contact_at: datetime | None
    created_at: datetime
    date_of_birth: date | None
    phone: str | None
    address: str | None
    emergency_contact: str | None
    living_situation: str | None
    language: str | None
    interpreter: bool | None
    risk_level: int
    discharged_at: datetime | None
    discharge_reason: str | None
    usual_place: str | None = None
    hold_reason: str | None = None
    hold_until: date | None = None


@dataclass(frozen=True, slots=True)
class ContactRow:
    relation: str
    name: str
    phone: str | None
    notes: str | None
    organisation: str | None = None
    consent: bool | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ConsentRow:
    given: bool
    scope: str
    recorded_at: datetime
    recorded_by: str | None
    expires_on: date | None


@dataclass(frozen=True, slots=True)
class GoalRow:
    description: str
    measure: str | None
    target_date: date | None
    routine: str | None
    status: str


@dataclass(frozen=True, slots=True)
class PlanRow:
    version: int
    created_at: datetime
    created_by: str | None
    next_review_on: date | None
    review_interval_days: int
    interventions: str | None
    goals: list[GoalRow]


@dataclass(frozen=True, slots=True)
class SafetyPlanRow:
    """The safety plan's version in effect: each section's lines, in the plan's order."""

    version: int
    reviewed_at: datetime
    reviewed_by: str | None
    next_review_on: date
    review_interval_days: int
    sections: list[tuple[str, list[str]]]


@dataclass(frozen=True, slots=True)
class ReferralRow:
    resource: str
    category: str
    status: str
    reason: str
    created_at: datetime
    worker: str | None
    follow_up_on: date | None
    responded_at: datetime | None
    decline_reason: str | None
    completed_at: datetime | None
    outcome: str | None
    consent_recorded: bool


@dataclass(frozen=True, slots=True)
class ClientRecord:
    identity: Identity
    contacts: list[ContactRow] = field(default_factory=list)
    consents: list[ConsentRow] = field(default_factory=list)
    plan: PlanRow | None = None
    referrals: list[ReferralRow] = field(default_factory=list)
    safety_plan: SafetyPlanRow | None = None
    # Oldest first, as a case file is read.
    timeline: list[Event] = field(default_factory=list)


async def gather(session: AsyncSession, client: Client, now: datetime) -> ClientRecord:
    worker = (
        (await session.execute(select(Worker.name).where(Worker.id == client.worker_id)))
        .scalars()
        .first()
        if client.worker_id
        else None
    )
    identity = Identity(
        code=client.code,
        name=client.name,
        program=client.program,
        status=client.status,
        worker=worker,
        contact_frequency_days=client.contact_frequency_days,
        last_contact_at=client.last_contact_at,
        created_at=client.created_at,
        date_of_birth=client.date_of_birth,
        phone=client.phone,
        address=client.address,
        emergency_contact=client.emergency_contact,
        living_situation=client.living_situation,
        language=client.language,
        interpreter=client.interpreter,
        risk_level=client.risk_level,
        discharged_at=client.discharged_at,
        discharge_reason=client.discharge_reason,
        usual_place=client.usual_place,
        hold_reason=client.hold_reason if client.hold_until else None,
        hold_until=client.hold_until,
    )
    contacts = [
        ContactRow(
            row.relation,
            row.name,
            row.phone,
            row.notes,
            row.organisation,
            row.consent_to_share,
            row.ended_at,
        )
        for row in (
            await session.execute(
                select(ClientContact)
                .where(ClientContact.client_id == client.id)
                .order_by(ClientContact.id)
            )
        ).scalars()
    ]
    consent_rows = list(
        (
            await session.execute(
                select(Consent)
                .where(Consent.client_id == client.id)
                .order_by(Consent.recorded_at, Consent.id)
            )
        ).scalars()
    )
    plan = await plans.active_plan(session, client.id, with_goals=True)
    safety = await safety_plans.current(session, client.id)
    referral_rows = list(
        (
            await session.execute(
                select(Referral, Resource)
                .join(Resource, Resource.id == Referral.resource_id)
                .where(Referral.client_id == client.id)
                .order_by(Referral.created_at, Referral.id)
            )
        ).tuples()
    )
    who = await names(
        session,
        {row.recorded_by_id for row in consent_rows if row.recorded_by_id}
        | ({plan.created_by_id} if plan is not None and plan.created_by_id else set())
        | ({safety.created_by_id} if safety is not None and safety.created_by_id else set())
        | {referral.worker_id for referral, _ in referral_rows},
    )
    consents = [
        ConsentRow(
            row.given,
            row.scope,
            row.recorded_at,
            who.get(row.recorded_by_id) if row.recorded_by_id else None,
            row.expires_on,
        )
        for row in consent_rows
    ]
    plan_row = None
    if plan is not None:
        plan_row = PlanRow(
            version=plan.version,
            created_at=plan.created_at,
            created_by=who.get(plan.created_by_id) if plan.created_by_id else None,
            next_review_on=plan.next_review_on,
            review_interval_days=plan.review_interval_days,
            interventions=plan.interventions,
            goals=[
                GoalRow(goal.description, goal.measure, goal.target_date, goal.routine, goal.status)
                for goal in plan.goals
            ],
        )
    referrals = [
        ReferralRow(
            resource=resource.name,
            category=resource.category,
            status=referral.status,
            reason=referral.reason,
            created_at=referral.created_at,
            worker=who.get(referral.worker_id),
            follow_up_on=referral.follow_up_on,
            responded_at=referral.responded_at,
            decline_reason=referral.decline_reason,
            completed_at=referral.completed_at,
            outcome=referral.outcome,
            consent_recorded=referral.consent_id is not None,
        )
        for referral, resource in referral_rows
    ]
    safety_row = None
    if safety is not None:
        safety_row = SafetyPlanRow(
            version=safety.version,
            reviewed_at=safety.created_at,
            reviewed_by=who.get(safety.created_by_id) if safety.created_by_id else None,
            next_review_on=safety.next_review_on,
            review_interval_days=safety.review_interval_days,
            sections=[(key, safety.lines(key)) for key in safety_plans.SECTIONS],
        )
    events = await timeline(session, client, now)
    events.reverse()
    return ClientRecord(
        identity=identity,
        contacts=contacts,
        consents=consents,
        plan=plan_row,
        referrals=referrals,
        safety_plan=safety_row,
        timeline=events,
    )
