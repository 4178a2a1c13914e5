"""One client's timeline, and the audit trail as an operator reads it.

`timeline` gathers everything that happened to a client as plain `Event`s: notes (with
their amendments and the supervisors' comments and co-signs), visits and appointments
that have started, plan versions and reviews, safety plan versions, referrals and their
answers, consent decisions, and the status changes the audit trail holds (added,
transferred, discharged, reopened). Storage knows no wording: the bot turns an event
into text (ui/texts/), for the chat, the PDF and the CSV.

Left out on purpose: notes and visits withdrawn with Undo (they stay in the audit trail only) and
appointments still in the future (the card shows the next one; a year of a weekly
series would bury the history).

`audit_trail` lists audit events for `caseline audit`; its lines carry codes and ids,
never a client's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage import approvals, note_comments
from storage.audit_chain import write_staged
from storage.kinds import AppointmentStatus, ApprovalKind, ApprovalStatus, ReferralStatus
from storage.machinery import AuditEvent
from storage.models import (
    Appointment,
    Client,
    ClientChange,
    ClientContact,
    Consent,
    Goal,
    Note,
    Plan,
    Referral,
    Resource,
    Review,
    ReviewItem,
    SafetyPlan,
    Worker,
)
from storage.names import clean_name
from storage.note_comments import Comment
from storage.notes import NotePeople, goals_of, people_of
from storage.workers import names


class EventKind(StrEnum):
    CREATED = "created"
    NOTE = "note"
    VISIT = "visit"
    PLAN = "plan"
    REVIEW = "review"
    REFERRAL = "referral"
    REFERRAL_UPDATE = "referral_update"
    CONSENT = "consent"
    TRANSFERRED = "transferred"
    DISCHARGED = "discharged"
    REOPENED = "reopened"
    CHANGED = "changed"
    PERSON_ADDED = "person_added"
    PERSON_ENDED = "person_ended"
    APPROVAL = "approval"
    SAFETY_PLAN = "safety_plan"


# Audit actions that change a client's status or owner, as timeline events.
STATUS_ACTIONS = {
    "client.create": EventKind.CREATED,
    "client.import": EventKind.CREATED,
    "client.transfer": EventKind.TRANSFERRED,
    "client.discharge": EventKind.DISCHARGED,
    "client.reopen": EventKind.REOPENED,
}
# The people around the client (domain/usecases/client_people.py): an addition and the end
# of a relation, each naming the person's id.
PERSON_ACTIONS = {
    "client.people.add": EventKind.PERSON_ADDED,
    "client.people.end": EventKind.PERSON_ENDED,
}


@dataclass(frozen=True, slots=True)
class Amendment:
    at: datetime
    author: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened to a client. `text` is what a person typed (escape it
    before showing it as HTML); `label`, `status` and `extra` depend on `kind`:

    - NOTE: label = interaction type; extra: risk, risk_reason, dap (3 strings or None),
      attendees (old free text, never filled), present [(name, relation)] who was there,
      the client first with relation None, with (name, relation) of a collateral
      contact's person or None, attachments (count), goals [description] it worked on
    - VISIT: label = interaction type; status = appointment status; text = outcome or
      cancel reason; extra: duration, place
    - PLAN: extra: version, status, next_review_on, review_interval_days, goals
      [(description, status)]; text = interventions
    - REVIEW: extra: version, items [(goal, status, effectiveness, comment)]; text = summary
    - REFERRAL: label = resource name; status = "sent"; text = reason; extra:
      follow_up_on, now (the referral's current status)
    - REFERRAL_UPDATE: label = resource name; status = accepted/declined/completed;
      text = decline reason or outcome
    - CONSENT: status = "given" or "refused"; text = scope; extra: expires_on
    - TRANSFERRED: extra: from_worker, to_worker (names or None)
    - DISCHARGED: text = the reason; extra: appointments_cancelled
    - CHANGED: label = the detail (domain.usecases.client_details.Detail); extra: before,
      after (stored values as text: ISO dates, codes), and for an on-hold reason, until;
      no author when the system made it (an on-hold that ended)
    - PERSON_ADDED, PERSON_ENDED: label = the person's name (as it is now); status = their
      relation; ref = the person's id
    - APPROVAL: label = what waits (storage.kinds.ApprovalKind); status = "requested",
      or what became of it (approved, returned, withdrawn); text = a discharge's reason
      (requested) or the supervisor's comment (returned); ref = the request's id
    - SAFETY_PLAN: one version; status = "saved" or "reviewed"; extra: version, changed
      (section keys, "interval"), next_review_on; the lines are on the plan's page only
    """

    at: datetime
    kind: EventKind
    ref: int | None = None
    author: str | None = None
    label: str | None = None
    status: str | None = None
    text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    amendments: tuple[Amendment, ...] = ()
    # A note's comments and co-signs (storage/note_comments.py), oldest first.
    comments: tuple[Comment, ...] = ()


# Same-moment events keep a stable, natural order (a plan before its first note).
_ORDER = {kind: index for index, kind in enumerate(EventKind)}


def _sort_key(event: Event) -> tuple[datetime, int, int]:
    return (event.at, _ORDER[event.kind], event.ref or 0)


async def timeline(session: AsyncSession, client: Client, now: datetime) -> list[Event]:
    """Everything recorded for `client`, newest first. Access is the caller's check."""
    authors: set[int] = set()
    notes = list(
        (
            await session.execute(
                select(Note)
                .where(Note.client_id == client.id, Note.retracted_at.is_(None))
                .options(selectinload(Note.amendments), selectinload(Note.attachments))
            )
        ).scalars()
    )
    visits = list(
        (
            await session.execute(
                select(Appointment).where(
                    Appointment.client_id == client.id,
                    Appointment.starts_at <= now,
                    Appointment.status != AppointmentStatus.WITHDRAWN,
                )
            )
        ).scalars()
    )
    plans = list(
        (
            await session.execute(
                select(Plan).where(Plan.client_id == client.id).options(selectinload(Plan.goals))
            )
        ).scalars()
    )
    plan_versions = {plan.id: plan.version for plan in plans}
    reviews = list(
        (
            await session.execute(
                select(Review).where(Review.plan_id.in_(list(plan_versions) or [-1]))
            )
        ).scalars()
    )
    review_items: dict[int, list[tuple[ReviewItem, str]]] = {}
    if reviews:
        rows = await session.execute(
            select(ReviewItem, Goal.description)
            .join(Goal, Goal.id == ReviewItem.goal_id)
            .where(ReviewItem.review_id.in_([review.id for review in reviews]))
            .order_by(ReviewItem.id)
        )
        for item, description in rows.tuples():
            review_items.setdefault(item.review_id, []).append((item, description))
    referrals = list(
        (
            await session.execute(
                select(Referral, Resource.name)
                .join(Resource, Resource.id == Referral.resource_id)
                .where(Referral.client_id == client.id)
            )
        ).tuples()
    )
    consents = list(
        (await session.execute(select(Consent).where(Consent.client_id == client.id))).scalars()
    )
    await write_staged(session)
    audits = list(
        (
            await session.execute(
                select(AuditEvent).where(
                    AuditEvent.client_id == client.id,
                    AuditEvent.action.in_([*STATUS_ACTIONS, *PERSON_ACTIONS]),
                    AuditEvent.allowed.is_(True),
                )
            )
        ).scalars()
    )

    for note in notes:
        authors.add(note.author_id)
        authors.update(amendment.author_id for amendment in note.amendments)
    authors.update(visit.worker_id for visit in visits)
    authors.update(plan.created_by_id for plan in plans if plan.created_by_id)
    authors.update(review.reviewer_id for review in reviews)
    authors.update(referral.worker_id for referral, _ in referrals)
    authors.update(consent.recorded_by_id for consent in consents if consent.recorded_by_id)
    changes = list(
        (
            await session.execute(select(ClientChange).where(ClientChange.client_id == client.id))
        ).scalars()
    )
    authors.update(change.worker_id for change in changes if change.worker_id)
    safety = list(
        (
            await session.execute(select(SafetyPlan).where(SafetyPlan.client_id == client.id))
        ).scalars()
    )
    authors.update(row.created_by_id for row in safety if row.created_by_id)
    for event in audits:
        if event.actor_worker_id:
            authors.add(event.actor_worker_id)
        for key in ("from", "to"):
            if isinstance(event.detail.get(key), int):
                authors.add(event.detail[key])
    who = await names(session, authors)
    note_people = await people_of(session, notes, client_id=client.id)
    note_goals = await goals_of(session, notes, client_id=client.id)

    comments = await note_comments.of_notes(session, [note.id for note in notes])
    events: list[Event] = [
        _note_event(
            note,
            client,
            who,
            note_people.get(note.id),
            comments.get(note.id, []),
            note_goals.get(note.id, []),
        )
        for note in notes
    ]
    for visit in visits:
        events.append(
            Event(
                at=visit.starts_at,
                kind=EventKind.VISIT,
                ref=visit.id,
                author=who.get(visit.worker_id),
                label=visit.kind,
                status=visit.status,
                text=visit.outcome or visit.cancel_reason or "",
                extra={"duration": visit.duration_minutes, "place": visit.place},
            )
        )
    for plan in plans:
        events.append(
            Event(
                at=plan.created_at,
                kind=EventKind.PLAN,
                ref=plan.id,
                author=who.get(plan.created_by_id) if plan.created_by_id else None,
                status=plan.status,
                text=plan.interventions or "",
                extra={
                    "version": plan.version,
                    "next_review_on": plan.next_review_on,
                    "review_interval_days": plan.review_interval_days,
                    "goals": [(goal.description, goal.status) for goal in plan.goals],
                },
            )
        )
    for review in reviews:
        events.append(
            Event(
                at=review.created_at,
                kind=EventKind.REVIEW,
                ref=review.id,
                author=who.get(review.reviewer_id),
                text=review.summary or "",
                extra={
                    "version": plan_versions.get(review.plan_id),
                    "items": [
                        (description, item.status, item.effectiveness, item.comment)
                        for item, description in review_items.get(review.id, [])
                    ],
                },
            )
        )
    for referral, resource in referrals:
        author = who.get(referral.worker_id)
        events.append(
            Event(
                at=referral.created_at,
                kind=EventKind.REFERRAL,
                ref=referral.id,
                author=author,
                label=resource,
                status=ReferralStatus.SENT,
                text=referral.reason,
                extra={"follow_up_on": referral.follow_up_on, "now": referral.status},
            )
        )
        events.extend(_referral_updates(referral, resource, author))
    for consent in consents:
        events.append(
            Event(
                at=consent.recorded_at,
                kind=EventKind.CONSENT,
                ref=consent.id,
                author=who.get(consent.recorded_by_id) if consent.recorded_by_id else None,
                status="given" if consent.given else "refused",
                text=consent.scope,
                extra={"expires_on": consent.expires_on},
            )
        )
    for change in changes:
        events.append(
            Event(
                at=change.at,
                kind=EventKind.CHANGED,
                ref=change.id,
                author=who.get(change.worker_id) if change.worker_id else None,
                label=change.field,
                extra={
                    "before": change.before,
                    "after": change.after,
                    "reason": change.reason,
                    "until": change.until,
                },
            )
        )
    for row in safety:
        events.append(
            Event(
                at=row.created_at,
                kind=EventKind.SAFETY_PLAN,
                ref=row.id,
                author=who.get(row.created_by_id) if row.created_by_id else None,
                status=row.kind,
                extra={
                    "version": row.version,
                    "changed": [key for key in (row.changed or "").split(",") if key],
                    "next_review_on": row.next_review_on,
                },
            )
        )
    people = {
        person.id: person
        for person in (
            await session.execute(select(ClientContact).where(ClientContact.client_id == client.id))
        ).scalars()
    }
    created_seen = False
    for audit in audits:
        if audit.action in PERSON_ACTIONS:
            person_id = (audit.detail or {}).get("person")
            person = people.get(person_id) if isinstance(person_id, int) else None
            if person is not None:
                events.append(
                    Event(
                        at=audit.at,
                        kind=PERSON_ACTIONS[audit.action],
                        ref=person.id,
                        author=who.get(audit.actor_worker_id) if audit.actor_worker_id else None,
                        label=person.name,
                        status=person.relation,
                    )
                )
            continue
        kind = STATUS_ACTIONS[audit.action]
        created_seen = created_seen or kind == EventKind.CREATED
        detail = audit.detail or {}
        extra: dict[str, Any] = {"via": detail.get("via")}
        if kind == EventKind.TRANSFERRED:
            extra["from_worker"] = who.get(detail["from"]) if detail.get("from") else None
            extra["to_worker"] = who.get(detail["to"]) if detail.get("to") else None
        if kind == EventKind.DISCHARGED:
            extra["appointments_cancelled"] = detail.get("appointments_cancelled", 0)
        events.append(
            Event(
                at=audit.at,
                kind=kind,
                ref=audit.id,
                author=who.get(audit.actor_worker_id) if audit.actor_worker_id else None,
                text=str(detail.get("reason_text") or ""),
                extra=extra,
            )
        )
    events += await _approval_events(session, client.id)
    if not created_seen:
        events.append(Event(at=client.created_at, kind=EventKind.CREATED))
    events.sort(key=_sort_key, reverse=True)
    return events


def _note_event(
    note: Note,
    client: Client,
    who: dict[int, str],
    there: NotePeople | None,
    comments: list[Comment],
    goals: list[str],
) -> Event:
    present: list[tuple[str, str | None]] = []
    with_person: tuple[str, str] | None = None
    if there is not None:
        present = [(client.name, None)] if there.client_present else []
        present += [(person.name, person.relation) for person in there.present]
        if there.about is not None:
            with_person = (there.about.name, there.about.relation)
    return Event(
        at=note.occurred_at,
        kind=EventKind.NOTE,
        ref=note.id,
        author=who.get(note.author_id),
        label=note.interaction_type,
        text=note.text or "",
        extra={
            "risk": note.risk_flag,
            "risk_reason": note.risk_reason,
            "dap": (
                (note.dap_data or "", note.dap_assessment or "", note.dap_plan or "")
                if note.dap_data or note.dap_assessment or note.dap_plan
                else None
            ),
            "attendees": note.attendees,
            "present": present,
            "with": with_person,
            "attachments": len(note.attachments),
            "goals": goals,
            # For the Mini App, which fetches each one's stored bytes by its id.
            "files": [{"id": item.id, "kind": item.kind} for item in note.attachments],
        },
        amendments=tuple(
            Amendment(a.created_at, who.get(a.author_id), a.text) for a in note.amendments
        ),
        comments=tuple(comments),
    )


async def note_event(session: AsyncSession, client: Client, note: Note) -> Event:
    """One note as the timeline shows it (with who was there, its amendments and its
    comments): a note's own page. Access is the caller's check."""
    comments = (await note_comments.of_notes(session, [note.id])).get(note.id, [])
    authors = {note.author_id} | {amendment.author_id for amendment in note.amendments}
    who = await names(session, authors)
    there = (await people_of(session, [note], client_id=client.id)).get(note.id)
    goals = (await goals_of(session, [note])).get(note.id, [])
    return _note_event(note, client, who, there, comments, goals)


async def _approval_events(session: AsyncSession, client_id: int) -> list[Event]:
    """Each request for approval (storage/approvals.py) as asked, and as decided."""
    requests = await approvals.of_client(session, client_id)
    people = {r.requested_by_id for r in requests} | {
        r.decided_by_id for r in requests if r.decided_by_id is not None
    }
    who = await names(session, people)
    events = []
    for request in requests:
        asked = request.reason if request.kind == ApprovalKind.DISCHARGE else None
        events.append(
            Event(
                at=request.requested_at,
                kind=EventKind.APPROVAL,
                ref=request.id,
                author=who.get(request.requested_by_id),
                label=request.kind,
                status="requested",
                text=asked or "",
            )
        )
        if request.decided_at is not None and request.status != ApprovalStatus.PENDING:
            events.append(
                Event(
                    at=request.decided_at,
                    kind=EventKind.APPROVAL,
                    ref=request.id,
                    author=who.get(request.decided_by_id) if request.decided_by_id else None,
                    label=request.kind,
                    status=request.status,
                    text=request.comment or "",
                )
            )
    return events


def _referral_updates(referral: Referral, resource: str, author: str | None) -> list[Event]:
    """A referral's answers, from the moments its row keeps: `responded_at` (accepted or
    declined) and `completed_at`. A withdrawal keeps no time on the row; the referral's
    own event carries its current status instead."""
    updates = []
    if referral.responded_at is not None:
        declined = referral.status == ReferralStatus.DECLINED
        updates.append(
            Event(
                at=referral.responded_at,
                kind=EventKind.REFERRAL_UPDATE,
                ref=referral.id,
                author=author,
                label=resource,
                status=ReferralStatus.DECLINED if declined else ReferralStatus.ACCEPTED,
                text=(referral.decline_reason or "") if declined else "",
            )
        )
    if referral.completed_at is not None:
        updates.append(
            Event(
                at=referral.completed_at,
                kind=EventKind.REFERRAL_UPDATE,
                ref=referral.id,
                author=author,
                label=resource,
                status=ReferralStatus.COMPLETED,
                text=referral.outcome or "",
            )
        )
    return updates


# ---------------------------------------------------------------------------------------
# The audit trail, for `caseline audit`


@dataclass(frozen=True, slots=True)
class AuditLine:
    at: datetime
    actor: str
    action: str
    subject: str
    client_code: str
    allowed: bool
    detail: str

    def render(self) -> str:
        stamp = self.at.strftime("%Y-%m-%dT%H:%M:%SZ")
        verdict = "allowed" if self.allowed else "refused"
        fields = [stamp, self.actor, self.action, self.subject, self.client_code, verdict]
        return " | ".join(fields + ([self.detail] if self.detail else []))


# Detail keys worth printing, and only when the value is a number or a code: free text
# a person typed (a reason, a name) never reaches a terminal or a log.
SAFE_DETAIL_KEYS = ("format", "via", "reason", "result", "role", "from", "to", "rows")
SAFE_VALUE = re.compile(r"^[A-Za-z0-9_.:-]{1,40}$")


class UnknownWorker(LookupError):
    """No worker is called that."""


async def worker_ids_named(session: AsyncSession, name: str) -> list[int]:
    """Workers whose name is `name` (case and surrounding spaces ignored)."""
    wanted = " ".join(name.split()).casefold()
    rows = await session.execute(select(Worker.id, Worker.name))
    # Compared here, not in SQL: SQLite's lower() knows only ASCII.
    return [id_ for id_, known in rows.tuples() if " ".join(known.split()).casefold() == wanted]


def about_client(client_id: int) -> ColumnElement[bool]:
    """Audit events about one client: on its record, or on the client as a whole (a
    refused look at a client that is not there names it only as the subject)."""
    return or_(
        AuditEvent.client_id == client_id,
        (AuditEvent.subject_type == "client") & (AuditEvent.subject_id == client_id),
    )


async def audit_trail(
    session: AsyncSession,
    *,
    client_id: int | None = None,
    worker_name: str | None = None,
    since: datetime | None = None,
    limit: int = 1000,
) -> tuple[list[AuditLine], bool]:
    """Audit events oldest first (the latest `limit` of them) and whether older ones
    were left out. `worker_name` matches the acting worker; UnknownWorker when none."""
    await write_staged(session)
    statement = select(AuditEvent, Worker.name).outerjoin(
        Worker, Worker.id == AuditEvent.actor_worker_id
    )
    if client_id is not None:
        statement = statement.where(about_client(client_id))
    if worker_name is not None:
        ids = await worker_ids_named(session, worker_name)
        if not ids:
            raise UnknownWorker(worker_name)
        statement = statement.where(AuditEvent.actor_worker_id.in_(ids))
    if since is not None:
        statement = statement.where(AuditEvent.at >= since)
    statement = statement.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit + 1)
    rows = list((await session.execute(statement)).tuples())
    more = len(rows) > limit
    lines = [_audit_line(event, worker) for event, worker in reversed(rows[:limit])]
    return lines, more


def _audit_line(event: AuditEvent, worker: str | None) -> AuditLine:
    if worker is not None:
        # Cleaned again as printed: a name stored before names were cleaned could still
        # carry a terminal escape into the operator's shell.
        actor = clean_name(worker) or "-"
    elif event.actor_telegram_id is not None:
        actor = f"tg:{event.actor_telegram_id}"
    else:
        actor = "-"
    subject = f"{event.subject_type}:{event.subject_id}" if event.subject_type else "-"
    client_code = f"C-{event.client_id:04d}" if event.client_id is not None else "-"
    detail = event.detail or {}
    shown = " ".join(
        f"{key}={detail[key]}" for key in SAFE_DETAIL_KEYS if _printable(detail.get(key))
    )
    return AuditLine(event.at, actor, event.action, subject, client_code, event.allowed, shown)


def _printable(value: object) -> bool:
    if isinstance(value, bool | int):
        return True
    return isinstance(value, str) and SAFE_VALUE.match(value) is not None


def parse_since(text: str) -> datetime:
    """`2026-03-01` (midnight UTC) or an ISO date-time (UTC when no offset is given)."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD)") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
