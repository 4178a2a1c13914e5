"""Intake: a client in status `intake`, filled in answer by answer.

The client row exists from the moment the name is given, and every answer is written
to it at once (Client fields, `Client.needs`, `ClientContact` rows; consent through
`storage.consents`), so nothing typed is lost and a supervisor sees an intake in
progress. Finishing moves the client to `active`; the goals proposed from the needs
that were marked become a draft plan (`Plan(status="draft")` with `Goal` rows) that
the plan dialog can take over (added to the client's draft plan when there is one).

No Telegram here, and no parsing of what a worker typed: callers hand in clean values.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import clients
from storage.kinds import ClientStatus, GoalStatus, PlanStatus, Program
from storage.models import Client, ClientContact, Consent, Goal, Plan

# The need domains of an intake, in the order they are asked; keys of `Client.needs`.
NEED_DOMAINS = (
    "medical",
    "psychosocial",
    "psychiatric",
    "housing",
    "income",
    "substance",
    "safety",
    "daily_living",
)
NEED_LEVELS = ("none", "some", "urgent")
LIVING_CHOICES = ("alone", "family", "carer", "supported", "homeless", "other")
RELATIONS = ("family", "caregiver", "provider", "other")

# Limits on what a worker may type (the columns allow more where they are Text).
NAME_MAX = clients.NAME_MAX
PHONE_MAX = 30
ADDRESS_MAX = 500
EMERGENCY_MAX = 300
LIVING_MAX = 300
NOTE_MAX = 300
CONTACT_NAME_MAX = 200
LANGUAGE_MAX = clients.LANGUAGE_MAX
DEFAULT_FREQUENCY_DAYS = 30

# Client fields an intake answer may set (the only ones `set_field` writes).
FIELDS = (
    "name",
    "date_of_birth",
    "phone",
    "address",
    "emergency_contact",
    "program",
    "living_situation",
    "language",
    "interpreter",
)


async def start(
    session: AsyncSession, *, name: str, worker_id: int | None, now: datetime
) -> Client:
    """The client row of a new intake: status intake, the program still "other"."""
    return await clients.create_client(
        session,
        name=name,
        program=Program.OTHER,
        contact_frequency_days=DEFAULT_FREQUENCY_DAYS,
        worker_id=worker_id,
        now=now,
        status=ClientStatus.INTAKE,
        added_by_id=worker_id,
    )


async def set_field(
    session: AsyncSession, client: Client, field: str, value: Any, now: datetime
) -> None:
    if field not in FIELDS:
        raise ValueError(f"not an intake field: {field}")
    if field == "program" and value not in set(Program):
        raise ValueError("unknown program")
    if field == "language":
        value = clients.clean_language(value)
    setattr(client, field, value)
    client.updated_at = now
    await session.flush()


async def set_need(
    session: AsyncSession,
    client: Client,
    domain: str,
    *,
    now: datetime,
    level: str | None = None,
    note: str | None = None,
) -> None:
    """Set the level and/or the note of one domain. "No need" drops the note."""
    if domain not in NEED_DOMAINS:
        raise ValueError(f"unknown need domain: {domain}")
    if level is not None and level not in NEED_LEVELS:
        raise ValueError(f"unknown need level: {level}")
    current = dict((client.needs or {}).get(domain) or {})
    if level is not None:
        current["level"] = level
        if level == "none":
            current["note"] = ""
    current.setdefault("level", "some")
    if note is not None:
        current["note"] = note.strip()[:NOTE_MAX]
    current.setdefault("note", "")
    # A new dict, so the JSON column is seen as changed.
    client.needs = {**(client.needs or {}), domain: current}
    client.updated_at = now
    await session.flush()


async def add_contact(
    session: AsyncSession, client: Client, *, relation: str, name: str, now: datetime
) -> ClientContact:
    if relation not in RELATIONS:
        raise ValueError(f"unknown relation: {relation}")
    contact = ClientContact(
        client_id=client.id, relation=relation, name=name.strip()[:CONTACT_NAME_MAX]
    )
    session.add(contact)
    client.updated_at = now
    await session.flush()
    return contact


async def set_contact_phone(
    session: AsyncSession, client: Client, contact_id: int, phone: str, now: datetime
) -> bool:
    """False when the contact is not this client's (a stale or forged id)."""
    contact = await session.get(ClientContact, contact_id)
    if contact is None or contact.client_id != client.id:
        return False
    contact.phone = phone.strip()[:PHONE_MAX]
    client.updated_at = now
    await session.flush()
    return True


async def contacts(session: AsyncSession, client_id: int) -> list[ClientContact]:
    statement = (
        select(ClientContact).where(ClientContact.client_id == client_id).order_by(ClientContact.id)
    )
    return list((await session.execute(statement)).scalars())


async def latest_consent(session: AsyncSession, client_id: int) -> Consent | None:
    """The last consent decision recorded, whatever its expiry (for showing it)."""
    statement = (
        select(Consent)
        .where(Consent.client_id == client_id)
        .order_by(Consent.recorded_at.desc(), Consent.id.desc())
        .limit(1)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def open_intakes(session: AsyncSession, worker_id: int, limit: int = 5) -> list[Client]:
    """The worker's own clients still in intake, most recently touched first."""
    statement = (
        select(Client)
        .where(Client.worker_id == worker_id, Client.status == ClientStatus.INTAKE)
        .order_by(Client.updated_at.desc(), Client.id.desc())
        .limit(limit)
    )
    return list((await session.execute(statement)).scalars())


def answered(client: Client, *, contact_count: int, has_consent: bool) -> set[str]:
    """What the record already holds, by intake question: "name", "phone", …,
    "need.housing", "contacts", "consent". A program still "other" counts as open."""
    done = {"name"}
    for field in ("date_of_birth", "phone", "address", "emergency_contact", "living_situation"):
        if getattr(client, field):
            done.add(field)
    if client.program != Program.OTHER:
        done.add("program")
    if client.language or client.interpreter is not None:
        done.add("language")
    for domain in NEED_DOMAINS:
        if (client.needs or {}).get(domain, {}).get("level") in NEED_LEVELS:
            done.add(f"need.{domain}")
    if contact_count:
        done.add("contacts")
    if has_consent:
        done.add("consent")
    return done


def proposed_goals(needs: dict[str, Any]) -> list[str]:
    """Domains to propose a first goal for: urgent ones first, then "some", in domain order."""
    levels = {domain: (needs or {}).get(domain, {}).get("level") for domain in NEED_DOMAINS}
    urgent = [domain for domain in NEED_DOMAINS if levels[domain] == "urgent"]
    some = [domain for domain in NEED_DOMAINS if levels[domain] == "some"]
    return urgent + some


async def finish(session: AsyncSession, client: Client, now: datetime) -> None:
    client.status = ClientStatus.ACTIVE
    client.updated_at = now
    await session.flush()


async def create_draft_plan(
    session: AsyncSession,
    *,
    client_id: int,
    goals: list[str],
    created_by_id: int,
    now: datetime,
) -> Plan:
    """The chosen first goals as a draft plan, for the plan dialog to take over.

    A client has at most one draft plan: when one exists already (say the plan dialog
    was opened during the intake) the goals are added to it; otherwise a new draft is
    made — version 1 for a new client, else the next version (plans are unique per
    client and version).
    """
    plan = (
        await session.execute(
            select(Plan)
            .where(Plan.client_id == client_id, Plan.status == PlanStatus.DRAFT)
            .order_by(Plan.version.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    if plan is None:
        latest = (
            await session.execute(select(func.max(Plan.version)).where(Plan.client_id == client_id))
        ).scalar_one_or_none()
        plan = Plan(
            client_id=client_id,
            version=(latest or 0) + 1,
            status=PlanStatus.DRAFT,
            created_at=now,
            created_by_id=created_by_id,
        )
        session.add(plan)
        await session.flush()
    last = (
        await session.execute(select(func.max(Goal.position)).where(Goal.plan_id == plan.id))
    ).scalar_one_or_none()
    session.add_all(
        Goal(plan_id=plan.id, position=position, description=text, status=GoalStatus.NOT_STARTED)
        for position, text in enumerate(goals, start=(last or 0) + 1)
    )
    await session.flush()
    return plan


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
