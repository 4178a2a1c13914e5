"""The Mini App's JSON, built from what the chat's use cases return (the card's CardFacts,
/history's ClientHistory, /digest's TeamDigest, /plan's Versions, 🛟's SafetyPage, the
client's referrals, 👥 People): nothing here reads the database. Times are
ISO 8601 (in UTC, but a digest's local check-ins); the page shows them in the worker's zone,
which bot/webapp/api.py sends beside them. Texts are as typed: the page inserts them as
text, never as HTML."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from bot.digest import by_attention
from domain.rules.evv import ordered
from domain.rules.notes import CHOSEN_KINDS, client_there_by_default, with_someone
from domain.rules.referrals import is_open, next_moves
from domain.rules.safety_plans import SECTIONS
from domain.usecases.client_people import People, PeopleForNote
from domain.usecases.clients import ClientHistory
from domain.usecases.note_comments import NotePage
from domain.usecases.notes import AmendedNote, NotePerson, SavedNote
from domain.usecases.plans import PlanCard, Versions
from domain.usecases.referrals import ReferralList
from domain.usecases.safety_plans import SafetyPage
from storage.caseload import CardFacts
from storage.client_people import RELATIONS, in_care_team
from storage.clients import CaseloadPage
from storage.digest import TeamDigest, WorkerFigures
from storage.history import Event
from storage.models import Client, ClientContact, Goal, Note, Plan, client_code
from storage.note_comments import Comment


def jsonable(value: Any) -> Any:
    """A value of an event's `extra` as JSON can carry it."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def client_line(client: Client) -> dict[str, Any]:
    """A client as a list shows one: who, which programme and status, when last seen."""
    return {
        "id": client.id,
        "code": client_code(client.id),
        "name": client.name,
        "program": jsonable(client.program),
        "status": jsonable(client.status),
        "risk_level": client.risk_level,
        "last_contact_at": jsonable(client.last_contact_at),
    }


def client_json(client: Client) -> dict[str, Any]:
    return {
        **client_line(client),
        "risk_reason": client.risk_reason,
        "phone": client.phone,
        "address": client.address,
        "date_of_birth": jsonable(client.date_of_birth),
        "language": client.language,
        "usual_place": client.usual_place,
    }


def caseload_json(page: CaseloadPage) -> dict[str, Any]:
    """The worker's own clients, as /clients lists them (overdue first)."""
    return {
        "total": page.total,
        "clients": [
            {**client_line(client), "overdue": client.id in page.overdue} for client in page.clients
        ],
    }


def _note_json(note: Note) -> dict[str, Any]:
    return {
        "id": note.id,
        "occurred_at": jsonable(note.occurred_at),
        "interaction_type": jsonable(note.interaction_type),
        "text": note.text or "",
        "dap": [note.dap_data, note.dap_assessment, note.dap_plan],
        "risk": note.risk_flag,
        "risk_reason": note.risk_reason,
        "amended": bool(note.amendments),
    }


def _comment_json(comment: Comment) -> dict[str, Any]:
    return {
        "at": jsonable(comment.at),
        "author": comment.author,
        "text": comment.text,
        "cosign": comment.cosign,
    }


def card_json(facts: CardFacts, zone: ZoneInfo) -> dict[str, Any]:
    """The card; `zone`: the reader's, whose calendar day the next visit falls due on (an
    open client's, as the chat's card counts it)."""
    plan = facts.plan
    client = facts.client
    return {
        "client": client_json(client),
        "visit_due_on": jsonable(client.visit_due_on(zone)) if client.is_open else None,
        "worker": facts.worker_name,
        "upcoming": [
            {
                "id": appointment.id,
                "starts_at": jsonable(appointment.starts_at),
                "kind": jsonable(appointment.kind),
                "place": appointment.place,
                "duration_minutes": appointment.duration_minutes,
            }
            for appointment in facts.upcoming
        ],
        "plan": None
        if plan is None
        else {"version": plan.version, "next_review_on": jsonable(plan.next_review_on)},
        "open_goals": [
            {"id": goal.id, "description": goal.description, "status": jsonable(goal.status)}
            for goal in facts.open_goals
        ],
        "open_referrals": facts.open_referrals,
        "waiting": list(facts.waiting),
        "safety_plan": facts.safety_plan is not None,
        "recent_notes": [
            {
                **_note_json(note),
                "comments": [_comment_json(c) for c in facts.comments.get(note.id, [])],
            }
            for note in facts.recent_notes
        ],
    }


def _event_json(event: Event) -> dict[str, Any]:
    return {
        "at": jsonable(event.at),
        "kind": jsonable(event.kind),
        "ref": event.ref,
        "author": event.author,
        "label": jsonable(event.label),
        "status": jsonable(event.status),
        "text": event.text,
        "extra": jsonable(event.extra),
        "amendments": [
            {"at": jsonable(amendment.at), "author": amendment.author, "text": amendment.text}
            for amendment in event.amendments
        ],
        "comments": [_comment_json(comment) for comment in event.comments],
    }


def history_json(history: ClientHistory) -> dict[str, Any]:
    return {
        "client": client_json(history.client),
        "events": [_event_json(event) for event in history.events],
    }


def _person_json(person: NotePerson) -> dict[str, Any]:
    return {"id": person.id, "name": person.name, "relation": person.relation}


def saved_note_json(note: SavedNote) -> dict[str, Any]:
    return {
        "id": note.id,
        "client_id": note.client_id,
        "kind": jsonable(note.kind),
        "occurred_at": jsonable(note.occurred_at),
        "text": note.text,
        "risk_reason": note.risk_reason,
        "told": list(note.told),
        "client_present": note.client_present,
        "present": [_person_json(person) for person in note.present],
        "with": _person_json(note.about) if note.about is not None else None,
    }


def people_for_note_json(found: PeopleForNote) -> dict[str, Any]:
    """Whom a note may name: the client's current people, and the kinds of contact for
    which "who was there" starts with the client ticked (domain/rules/notes.py)."""
    return {
        "people": [_person_json(NotePerson.of(person)) for person in found.current],
        "client_there": sorted(
            kind.value for kind in CHOSEN_KINDS if client_there_by_default(kind)
        ),
        # … and those that are with one of the client's people (a collateral contact).
        "with_someone": sorted(kind.value for kind in CHOSEN_KINDS if with_someone(kind)),
    }


def figures_json(row: WorkerFigures) -> dict[str, Any]:
    """Every figure of a digest row, under the digest's own names: a figure the digest
    gains is on the page's answer too, never computed a second way."""
    return {**jsonable(asdict(row)), "desk_work": row.desk_work}


def team_json(digest: TeamDigest) -> dict[str, Any]:
    """The digest as /digest sends it: the team's figures, then one row per worker in the
    digest's order (red first), its open risks and unverified visits."""
    return {
        "team": {"id": digest.team_id, "name": digest.team_name, "day": jsonable(digest.day)},
        "totals": figures_json(digest.team),
        "workers": [figures_json(row) for row in by_attention(digest.workers)],
        "open_risks": [
            {
                "client_code": risk.client_code,
                "worker": risk.worker_name,
                "since": jsonable(risk.since),
                "acknowledged_by": risk.acknowledged_by,
            }
            for risk in digest.open_risks
        ],
        "visit_exceptions": [
            {
                "client_code": found.client_code,
                "worker": found.worker_name,
                "checked_in": jsonable(found.checked_in),
                "codes": [str(code) for code in ordered(found.codes)],
            }
            for found in digest.visit_exceptions
        ],
    }


def _goal_json(goal: Goal) -> dict[str, Any]:
    return {
        "id": goal.id,
        "description": goal.description,
        "status": jsonable(goal.status),
        "measure": goal.measure,
        "target_date": jsonable(goal.target_date),
        "routine": goal.routine,
    }


def _plan_json(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.id,  # what a change names, as the chat's buttons do
        "version": plan.version,
        "status": jsonable(plan.status),
        "created_at": jsonable(plan.created_at),
        "interventions": plan.interventions,
        "review_interval_days": plan.review_interval_days,
        "next_review_on": jsonable(plan.next_review_on),
        "goals": [_goal_json(goal) for goal in plan.goals],
    }


def plan_json(found: Versions) -> dict[str, Any]:
    """/plan's card and its 📜 Versions: the version being worked on (a draft or the one in
    effect), the one in effect beside a draft, and the earlier versions, newest first, each
    with the review that closed it and what it said of each goal."""
    card = found.card
    earlier = []
    for version in reversed(found.versions):
        review = version.review
        goals = []
        for goal in version.plan.goals:
            item = version.items.get(goal.id)
            goals.append(
                {
                    **_goal_json(goal),
                    "status": jsonable(item.status if item else goal.status),
                    "effectiveness": item.effectiveness if item else None,
                    "comment": item.comment if item else None,
                }
            )
        earlier.append(
            {
                **_plan_json(version.plan),
                "goals": goals,
                "review": None
                if review is None
                else {
                    "at": jsonable(review.created_at),
                    "reviewer": version.reviewer,
                    "summary": review.summary,
                },
            }
        )
    return {**plan_card_json(card), "earlier": earlier}


def plan_card_json(card: PlanCard) -> dict[str, Any]:
    """/plan's card alone: what a change to the plan answers (its earlier versions are
    unchanged by it, so the page keeps those it read)."""
    return {
        "client": client_json(card.client),
        "plan": None if card.plan is None else _plan_json(card.plan),
        "in_effect": None if card.beside is None else _plan_json(card.beside),
        "waiting": card.waiting,
        "closed": card.closed,
    }


def safety_plan_json(page: SafetyPage) -> dict[str, Any]:
    """🛟 as the chat shows it: the version in effect, who saved it, its sections in the
    Stanley–Brown order (empty ones too: the chat says "nothing yet" for them)."""
    plan = page.plan
    return {
        "client": client_json(page.client),
        "plan": None
        if plan is None
        else {
            "version": plan.version,
            "saved_at": jsonable(plan.created_at),
            "author": page.author,
            "review_interval_days": plan.review_interval_days,
            "next_review_on": jsonable(plan.next_review_on),
            "sections": [
                {"key": key, "lines": [str(line) for line in plan.sections.get(key) or []]}
                for key in SECTIONS
            ],
        },
    }


def referrals_json(found: ReferralList) -> dict[str, Any]:
    """Each referral as its card in the chat shows it, with the moments its row keeps."""
    return {
        "client": client_json(found.client),
        "referrals": [
            {
                "id": referral.id,
                "resource": {
                    "name": resource.name,
                    "category": resource.category,
                    "phone": resource.phone,
                },
                "reason": referral.reason,
                "status": jsonable(referral.status),
                "open": is_open(referral.status),
                "moves": [jsonable(move) for move in next_moves(referral.status)],
                "created_at": jsonable(referral.created_at),
                "follow_up_on": jsonable(referral.follow_up_on),
                "application_date": jsonable(referral.application_date),
                "responded_at": jsonable(referral.responded_at),
                "decline_reason": referral.decline_reason,
                "completed_at": jsonable(referral.completed_at),
                "outcome": referral.outcome,
            }
            for referral, resource in found.referrals
        ],
    }


def _contact_json(person: ClientContact) -> dict[str, Any]:
    return {
        "id": person.id,
        "relation": person.relation,
        "name": person.name,
        "phone": person.phone,
        "organisation": person.organisation,
        "consent": person.consent_to_share,
        "notes": person.notes,
        "ended_at": jsonable(person.ended_at),
    }


def people_json(people: People) -> dict[str, Any]:
    """👥 People as the chat groups them: family and others, the care team (the
    professionals around the client), and those whose relation ended."""
    return {
        "client": client_json(people.client),
        "relations": list(RELATIONS),
        "around": [_contact_json(p) for p in people.current if not in_care_team(p.relation)],
        "care_team": [_contact_json(p) for p in people.current if in_care_team(p.relation)],
        "earlier": [_contact_json(p) for p in people.earlier],
    }


def amended_note_json(note: AmendedNote) -> dict[str, Any]:
    """A note just amended: its amendments, as its /history event lists them."""
    return {
        "note": note.id,
        "amendments": [
            {
                "at": jsonable(amendment.created_at),
                "author": amendment.author,
                "text": amendment.text,
            }
            for amendment in note.amendments
        ],
    }


def note_page_json(page: NotePage) -> dict[str, Any]:
    """A note just commented on or co-signed, as its /history event (with what the reader
    may do with it)."""
    return {
        "note": page.id,
        **_event_json(page.event),
        "may_comment": page.may_comment,
        "cosigned": page.cosigned,
    }
