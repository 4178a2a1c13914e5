"""Which columns hold personal data, declared once: what the anonymiser erases
(storage/anonymise.py) and what `caseline privacy report` lists (GDPR art. 30).

Every table is declared here, and every text, string or JSON column of it is either
personal (with its category) or named as not personal; tests/test_personal_data.py fails
for a column that is neither, so a new column cannot be forgotten. Personal columns of
other types (a birth date, a position) are declared too.

`reach` says how a table's rows belong to a client: its own `client_id`, or a column
pointing at a table that has one (notes → clients). A table without a reach holds no
client's record (staff, organisation, the bot's machinery read as a whole).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from storage.models import Resource


class Category(StrEnum):
    IDENTITY = "identity"
    BIRTH_DATE = "birth_date"
    CONTACT = "contact"
    HEALTH_SOCIAL = "health_social"
    COPY = "copy"
    STAFF = "staff"


# What each category is, in the words of the privacy report.
CATEGORY_MEANING: Mapping[Category, str] = {
    Category.IDENTITY: "names of clients and of the people around them",
    Category.BIRTH_DATE: "clients' dates of birth",
    Category.CONTACT: "phones, addresses, usual places, home and visit positions",
    Category.HEALTH_SOCIAL: (
        "free text about a client's health and life: notes, assessments, plans, goals, "
        "reviews, referrals, safety plans, risks, comments, consents, corrected details"
    ),
    Category.COPY: "the bot's machinery holding copies of the above for a while",
    Category.STAFF: "the names and Telegram accounts of the people who use Caseline",
}


class Erase(StrEnum):
    """What anonymising a client does to a table's rows of that client."""

    COLUMNS = "columns"  # the personal columns are nulled, replaced or set to ERASED
    ROWS = "rows"  # the rows are deleted (nothing in them is a code, date or count)
    SCRUB = "scrub"  # JSON copies: the parts about the client are erased (anonymise.py)
    NEVER = "never"  # not about one client (staff, organisation, the audit trail)


@dataclass(frozen=True, slots=True)
class Reach:
    """Rows of a client: `column` equals the client's id (`via` None), or `column` points
    at a row of table `via` that belongs to the client."""

    column: str
    via: str | None = None


@dataclass(frozen=True, slots=True)
class Table:
    purpose: str
    personal: Mapping[str, Category] = field(default_factory=dict)
    not_personal: frozenset[str] = frozenset()
    reach: Reach | None = None
    erase: Erase = Erase.COLUMNS


def _no(*names: str) -> frozenset[str]:
    return frozenset(names)


def _kept(
    purpose: str, *not_personal: str, personal: Mapping[str, Category] | None = None
) -> Table:
    """A table anonymising a client never touches: not one client's record."""
    return Table(purpose, personal or {}, frozenset(not_personal), erase=Erase.NEVER)


ID, BORN, CONTACT = Category.IDENTITY, Category.BIRTH_DATE, Category.CONTACT
TEXT, COPY, STAFF = Category.HEALTH_SOCIAL, Category.COPY, Category.STAFF
OWN = Reach("client_id")

TABLES: Mapping[str, Table] = {
    # ── the case record ──
    "clients": Table(
        "the case: who is served, how to reach them, their needs and risks",
        {
            "name": ID,
            "date_of_birth": BORN,
            "phone": CONTACT,
            "address": CONTACT,
            "emergency_contact": CONTACT,
            "usual_place": CONTACT,
            "home_latitude": CONTACT,
            "home_longitude": CONTACT,
            "living_situation": TEXT,
            "language": TEXT,
            "needs": TEXT,
            "risk_reason": TEXT,
            "discharge_reason": TEXT,
            "hold_reason": TEXT,
        },
        _no("program", "status", "anonymised_rule"),
        Reach("id"),
    ),
    "client_changes": Table(
        "the record's versions: each corrected detail, from what to what",
        {"before": TEXT, "after": TEXT, "reason": TEXT},
        _no("field"),
        OWN,
    ),
    "client_home_locations": Table(
        "where the client lives, for visit verification, every setting kept",
        {"latitude": CONTACT, "longitude": CONTACT, "accuracy": CONTACT, "reason": TEXT},
        _no("source"),
        OWN,
        Erase.ROWS,
    ),
    "client_contacts": Table(
        "the people around the client: family, carers, the care team",
        {"name": ID, "phone": CONTACT, "organisation": CONTACT, "notes": TEXT},
        _no("relation"),
        OWN,
    ),
    "consents": Table(
        "releases of information: given or refused, for what", {"scope": TEXT}, reach=OWN
    ),
    "safety_plans": Table(
        "safety plans (Stanley–Brown), every version",
        {"sections": TEXT},
        _no("kind", "changed"),
        OWN,
    ),
    "notes": Table(
        "progress notes",
        {
            "text": TEXT,
            "dap_data": TEXT,
            "dap_assessment": TEXT,
            "dap_plan": TEXT,
            "attendees": TEXT,
            "risk_reason": TEXT,
        },
        _no("interaction_type"),
        OWN,
    ),
    "note_goals": Table("which goals a note worked on", reach=Reach("note_id", "notes")),
    "note_attendees": Table("who was there at a note", reach=Reach("note_id", "notes")),
    "note_attachments": Table(
        "voice notes, photos and documents sent with a note",
        {"file_id": TEXT, "file_unique_id": TEXT, "caption": TEXT},
        _no("kind"),
        Reach("note_id", "notes"),
        Erase.ROWS,
    ),
    "note_amendments": Table(
        "corrections of notes", {"text": TEXT}, reach=Reach("note_id", "notes")
    ),
    "note_comments": Table(
        "supervisors' comments and co-signs on notes",
        {"text": TEXT},
        reach=Reach("note_id", "notes"),
    ),
    "appointments": Table(
        "visits: planned, logged and verified (EVV)",
        {
            "place": CONTACT,
            "check_in_latitude": CONTACT,
            "check_in_longitude": CONTACT,
            "check_out_latitude": CONTACT,
            "check_out_longitude": CONTACT,
            "outcome": TEXT,
            "cancel_reason": TEXT,
            "time_edit_reason": TEXT,
        },
        _no(
            "kind",
            "status",
            "rrule",
            "timezone",
            "check_in_reason",
            "check_out_reason",
            "evv_status",
            "evv_exceptions",
        ),
        OWN,
    ),
    "plans": Table("care plans, every version", {"interventions": TEXT}, _no("status"), OWN),
    "goals": Table(
        "a plan's goals",
        {"description": TEXT, "measure": TEXT, "routine": TEXT},
        _no("status"),
        Reach("plan_id", "plans"),
    ),
    "reviews": Table("plan reviews", {"summary": TEXT}, reach=Reach("plan_id", "plans")),
    "review_items": Table(
        "a review's word on each goal",
        {"comment": TEXT},
        _no("status"),
        Reach("review_id", "reviews"),
    ),
    "referrals": Table(
        "referrals to community resources",
        {"reason": TEXT, "decline_reason": TEXT, "outcome": TEXT},
        _no("status"),
        OWN,
    ),
    "approvals": Table(
        "plan activations and discharges waiting for a supervisor",
        {"reason": TEXT, "comment": TEXT},
        _no("kind", "reason_code", "status"),
        OWN,
    ),
    # ── the bot's machinery ──
    "reminder_outbox": Table(
        "reminders and alerts waiting to be sent, and what became of them",
        {"payload": COPY},
        _no("key", "kind", "subject_type", "status", "claimed_by", "last_error"),
        OWN,
        Erase.SCRUB,
    ),
    "inbox": Table(
        "updates from Telegram, kept until handled (then only their ids)",
        {"payload": COPY},
        erase=Erase.SCRUB,
    ),
    "persisted_data": Table(
        "dialog drafts in progress (python-telegram-bot's user and chat data)",
        {"data": COPY},
        _no("scope", "key"),
        erase=Erase.SCRUB,
    ),
    "conversation_states": _kept(
        "which step each dialog is at (step names only)", "name", "key", "state"
    ),
    "saved_drafts": _kept(
        "which record a dialog's draft became (ids only)", "token", "subject_type"
    ),
    "bot_messages": _kept("messages sent, for deleting them (ids only)"),
    "audit_events": _kept(
        "the audit trail: who did or saw what, when (ids and codes, never names; never altered)",
        "action",
        "subject_type",
        "detail",
    ),
    "job_ticks": _kept("when each repeating job last ran", "job", "ticked_by", "error"),
    # ── staff and organisation ──
    "workers": _kept(
        "the people who use Caseline: role, team, settings",
        *("role", "timezone", "language", "date_order", "days_off", "muted_reminder_kinds"),
        personal={"name": STAFF, "telegram_user_id": STAFF, "chat_id": STAFF},
    ),
    "invites": _kept(
        "invites (only a hash of the code)", "code_hash", "role", personal={"name": STAFF}
    ),
    "teams": _kept("teams", "name"),
    "covers": _kept("who covers whose caseload, until when"),
    "trend_snapshots": _kept("weekly figures per worker (counts only)"),
    # Organisations, not people: every column of it.
    "resources": _kept(
        "the directory of community resources (organisations, not people)",
        *(column.name for column in Resource.__table__.columns),
    ),
}

# client_changes rows of these fields hold codes, not words (a status, a program, a
# contact frequency): kept, so the record's history of statuses stays right.
CODE_FIELDS = frozenset({"status", "program", "frequency"})


@dataclass(frozen=True, slots=True)
class Reaches:
    """What of a category reaches Telegram in each mode (CASELINE_PRIVACY)."""

    standard: str
    strict: str


# What crosses Telegram, by category: the privacy report's recipients. Telegram is the
# transport: it holds every message the bot sends and every message a worker sends it.
TELEGRAM: Mapping[Category, Reaches] = {
    Category.IDENTITY: Reaches(
        "in the worker's chat: cards, lists, agendas, reminders, confirmations, exports",
        "no: clients appear by code (C-0042) only",
    ),
    Category.BIRTH_DATE: Reaches("on the client card and in exports", "no"),
    Category.CONTACT: Reaches(
        "on the client card, in appointment reminders (place), in exports; positions the "
        "worker shares come from Telegram",
        "no (positions the worker shares for check-in still come through Telegram)",
    ),
    Category.HEALTH_SOCIAL: Reaches(
        "notes, plans, referrals and safety plans as typed and as shown back, /history, "
        "risk alerts, exports",
        "no: notes appear as code, kind, time and length; the text is read and written in "
        "the Mini App; text, voice or photos sent in the chat anyway are stored and deleted "
        "from the chat",
    ),
    Category.COPY: Reaches("what the worker typed passes through Telegram", "as above"),
    Category.STAFF: Reaches(
        "workers' names in team lists, digests and alerts to colleagues; their Telegram "
        "accounts are Telegram's",
        "the same",
    ),
}


def client_tables() -> dict[str, Table]:
    """The tables anonymising a client touches, parents before children."""
    return {name: table for name, table in TABLES.items() if table.erase != Erase.NEVER}
