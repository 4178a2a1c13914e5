"""Intake: a client in status `intake`, written answer by answer.

Every answer is saved the moment it is given (`answer_intake`), so nothing typed is lost
and a supervisor sees an intake in progress. Each use case owns its transaction,
re-checks that the actor may still see the client (and, for an answer, that it is still
in intake), writes, and audits: intake.start, intake.answer (naming the step, never the
answer; refused ones with allowed=False), intake.resume (allowed or refused),
intake.finish, plan.create (the first goals, as a draft plan).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.results import Gone, Refused, Saved, Stale
from domain.work import Work
from storage import audit, clients, consents
from storage import intake as store
from storage.kinds import ClientStatus
from storage.models import Client, ClientContact, Consent, Plan
from storage.workers import Actor

# ── the answers, one type per place an answer is stored ───────────────────────


@dataclass(frozen=True, slots=True)
class FieldAnswer:
    """A field of the client row (`storage.intake.FIELDS`): name, date of birth, phone,
    address, emergency contact, language, interpreter, program, living situation."""

    field: str
    value: str | date | bool

    @property
    def step(self) -> str:
        # The interpreter need is the second half of the language question.
        return "language" if self.field == "interpreter" else self.field


@dataclass(frozen=True, slots=True)
class NeedAnswer:
    """A need's level and/or note, in `Client.needs[domain]`."""

    domain: str
    level: str | None = None
    note: str | None = None

    @property
    def step(self) -> str:
        return f"need.{self.domain}"


@dataclass(frozen=True, slots=True)
class ContactAnswer:
    """A person around the client: a new `ClientContact` row (saved with its name)."""

    relation: str
    name: str

    @property
    def step(self) -> str:
        return "contacts"


@dataclass(frozen=True, slots=True)
class ContactPhoneAnswer:
    """The phone of the contact just saved."""

    contact_id: int
    phone: str

    @property
    def step(self) -> str:
        return "contacts"


@dataclass(frozen=True, slots=True)
class ConsentAnswer:
    """A consent decision: a `Consent` row (given or refused, scope, expiry)."""

    given: bool
    scope: str
    expires_on: date | None = None

    @property
    def step(self) -> str:
        return "consent"


Answer = FieldAnswer | NeedAnswer | ContactAnswer | ContactPhoneAnswer | ConsentAnswer


@dataclass(frozen=True, slots=True)
class IntakeFile:
    """What an intake's screens show of the record."""

    client: Client
    contacts: list[ClientContact]
    consent: Consent | None


@dataclass(frozen=True, slots=True)
class Resumed:
    """An intake to go on with; `answered` is what the record holds, when asked to
    rebuild the dialog's place from it."""

    client: Client
    answered: set[str] | None


@dataclass(frozen=True, slots=True)
class Finished:
    """The client is active; the goals to propose, urgent ones first, and which of them
    are urgent (pre-ticked)."""

    client: Client
    proposals: list[str]
    urgent: list[str]


# ── reading ────────────────────────────────────────────────────────────────────


async def intake_file(
    work: Work, actor: Actor, client_id: int, *, contacts: bool = True, consent: bool = True
) -> Saved[IntakeFile] | Gone:
    """The client as the intake shows it, if the actor may (still) see it."""
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, client_id)
        if client is None:
            return Gone()
        people = await store.contacts(session, client.id) if contacts else []
        latest = await store.latest_consent(session, client.id) if consent else None
        return Saved(IntakeFile(client, people, latest))


async def resume_choices(
    work: Work, actor: Actor, kept_client_id: int | None, *, kept_goals: bool, limit: int
) -> tuple[Client | None, list[Client]]:
    """For /intake: the kept intake's client if it is still one to resume (visible, and
    in intake or with its goals still to choose), and the actor's other open intakes."""
    async with work.transaction() as session:
        in_progress = await store.open_intakes(session, actor.id, limit=limit)
        kept = (
            await clients.get_visible(session, actor, kept_client_id)
            if kept_client_id is not None
            else None
        )
    if kept is not None and kept.status != ClientStatus.INTAKE and not kept_goals:
        kept = None
    return kept, in_progress


async def resume_intake(
    work: Work, actor: Actor, client_id: int | None, *, goals_pending: bool, rebuild: bool
) -> Saved[Resumed] | Refused | Stale[Client]:
    """Go on with a client's intake (audited intake.resume, allowed or refused): Refused
    when the actor may not see the client, Stale when it is no longer in intake (and
    has no goals pending)."""
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, client_id) if client_id else None
        known = client is not None or (
            client_id is not None and await clients.exists(session, client_id)
        )
        await audit.record(
            session,
            "intake.resume",
            now=work.clock.now(),
            actor_id=actor.id,
            subject_type="client",
            subject_id=client_id,
            client_id=client_id if known else None,
            allowed=client is not None,
        )
        if client is None:
            return Refused()
        if client.status != ClientStatus.INTAKE and not goals_pending:
            return Stale(client)
        answered = None
        if rebuild:
            people = await store.contacts(session, client.id)
            latest = await store.latest_consent(session, client.id)
            answered = store.answered(
                client, contact_count=len(people), has_consent=latest is not None
            )
        return Saved(Resumed(client, answered))


# ── writing ────────────────────────────────────────────────────────────────────


async def start_intake(work: Work, actor: Actor, name: str) -> Saved[Client]:
    """The client row of a new intake (status intake, the actor as worker)."""
    now = work.clock.now()
    async with work.transaction() as session:
        client = await store.start(session, name=name, worker_id=actor.id, now=now)
        await audit.record_client(
            session,
            "intake.start",
            now=now,
            actor_id=actor.id,
            client_id=client.id,
            detail={"step": "name"},
        )
        return Saved(client)


def _detail(answer: Answer) -> dict[str, Any]:
    if isinstance(answer, ContactAnswer):
        return {"relation": answer.relation}
    if isinstance(answer, ConsentAnswer):
        return {"given": answer.given}
    return {}


async def answer_intake(
    work: Work, actor: Actor, client_id: int | None, answer: Answer
) -> Saved[ClientContact | None] | Gone:
    """Save one answer to the client's record at once (a new contact is returned, for its
    phone). Gone when the client is no longer visible to the actor or no longer in intake;
    audited as intake.answer either way."""
    now = work.clock.now()
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, client_id) if client_id else None
        allowed = client is not None and client.status == ClientStatus.INTAKE
        known = client is not None or (
            client_id is not None and await clients.exists(session, client_id)
        )
        await audit.record(
            session,
            "intake.answer",
            now=now,
            actor_id=actor.id,
            subject_type="client",
            subject_id=client_id,
            client_id=client_id if known else None,
            allowed=allowed,
            detail={"step": answer.step, **_detail(answer)},
        )
        if not allowed or client is None:
            return Gone()
        made: ClientContact | None = None
        if isinstance(answer, FieldAnswer):
            await store.set_field(session, client, answer.field, answer.value, now)
        elif isinstance(answer, NeedAnswer):
            await store.set_need(
                session, client, answer.domain, level=answer.level, note=answer.note, now=now
            )
        elif isinstance(answer, ContactAnswer):
            made = await store.add_contact(
                session, client, relation=answer.relation, name=answer.name, now=now
            )
        elif isinstance(answer, ContactPhoneAnswer):
            await store.set_contact_phone(session, client, answer.contact_id, answer.phone, now)
        else:
            await consents.record(
                session,
                client_id=client.id,
                given=answer.given,
                scope=answer.scope,
                recorded_by_id=actor.id,
                now=now,
                expires_on=answer.expires_on,
            )
        return Saved(made)


async def finish_intake(
    work: Work, actor: Actor, client_id: int, *, unanswered: int
) -> Saved[Finished] | Gone:
    """The intake is done: the client becomes active (audited intake.finish)."""
    now = work.clock.now()
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, client_id)
        if client is None or client.status != ClientStatus.INTAKE:
            return Gone()
        await store.finish(session, client, now)
        await audit.record_client(
            session,
            "intake.finish",
            now=now,
            actor_id=actor.id,
            client_id=client.id,
            detail={"unanswered": unanswered},
        )
        proposals = store.proposed_goals(client.needs)
        urgent = [domain for domain in proposals if client.needs[domain]["level"] == "urgent"]
        return Saved(Finished(client, proposals, urgent))


async def save_intake_goals(
    work: Work, actor: Actor, client_id: int, goals: list[str]
) -> Saved[Plan] | Gone:
    """The chosen first goals as a draft plan for the plan dialog (audited plan.create)."""
    now = work.clock.now()
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, client_id)
        if client is None:
            return Gone()
        plan = await store.create_draft_plan(
            session, client_id=client.id, goals=goals, created_by_id=actor.id, now=now
        )
        await audit.record(
            session,
            "plan.create",
            now=now,
            actor_id=actor.id,
            subject_type="plan",
            subject_id=plan.id,
            client_id=client.id,
            detail={"status": "draft", "goals": len(goals), "from": "intake"},
        )
        return Saved(plan)
