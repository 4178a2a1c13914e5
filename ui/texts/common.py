"""Texts every feature shares: access, errors, /newclient, /invite, choosing a client, drafts.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

from storage.clients import OVERDUE
from storage.models import ClientStatus, InteractionType, Program, Role

UNKNOWN_USER = (
    "Hello! Caseline is a private tool for case managers.\n"
    "To use it, ask your supervisor for an invite link."
)
DEACTIVATED_USER = (
    "Your Caseline access has been switched off.\n"
    "If this is a mistake, ask your supervisor for a new invite."
)
GROUP_CHAT = "Caseline works only in a private chat, to keep client information private."

INVITE_UNKNOWN = (
    "That invite code isn't valid. Check that you opened the whole link, "
    "or ask your supervisor for a new invite."
)
INVITE_EXPIRED = "That invite has expired. Ask your supervisor for a new one."
INVITE_USED = "That invite has already been used. Ask your supervisor for a new one."
INVITE_REVOKED = "This invite was withdrawn. Ask your supervisor for a new one."
JOIN_TOO_MANY = (
    "Too many attempts with invite codes. Please try again in an hour, "
    "or ask your supervisor for a new invite."
)


def already_member(name: str) -> str:
    return f"You're already signed in as <b>{escape(name)}</b>. Send /help to see what I can do."


def welcome_back(name: str) -> str:
    return f"Hello again, <b>{escape(name)}</b>. Send /help to see what I can do."


# Keyed by the enum's members but typed by str: a record holds its status or kind as the
# plain string, which finds the member's entry (a StrEnum member is that string).
ROLE_NAMES: dict[str, str] = {
    Role.WORKER: "a case worker",
    Role.SUPERVISOR: "a supervisor",
    Role.ADMIN: "an admin",
}

WORKER_COMMANDS = [
    ("note", "Write a progress note"),
    ("visit", "Log a visit that happened"),
    ("appt", "Schedule an appointment"),
    ("today", "My day: appointments and what is due"),
    ("week", "My next 7 days"),
    ("clients", "My caseload"),
    ("settings", "Reminders, time zone, quiet hours"),
    ("client", "Open a client: /client C-0042 or a name"),
    ("newclient", "Add a client"),
    ("help", "What I can do"),
    ("cancel", "Stop what you're doing"),
]
LEAD_COMMANDS = [("invite", "Invite a colleague")]


NOTHING_TO_CANCEL = "There's nothing to cancel. Send /help to see what I can do."
CANCELLED = "Cancelled. Nothing was saved."
DISCARD_ASK = (
    "Throw this draft away, with what you wrote? Tap 🗑 to discard it, "
    "or just carry on with the card above."
)
DISCARD_SURE = "🗑 Yes, discard it"
EDIT_IGNORED = (
    "I don't pick up edits to messages already sent. "
    "Please send the corrected text as a new message."
)
NOT_UNDERSTOOD = "I didn't understand that. Send /help to see what I can do."
STALE_BUTTON = "This button is no longer active."
NOT_ALLOWED = "You can't do that."
# Never "try again": the failure may have come after a save, and a repeat saves twice.
ERROR = (
    "Sorry, something went wrong on my side. What you saved before is safe. "
    "If you were saving something, look at the client's card before doing it again: "
    "it may already be there."
)

CASELOAD_EMPTY = "Your caseload is empty. Add a client with /newclient."


def caseload_header(total: int, page: int, pages: int, only: str = "") -> str:
    clients = "client" if total == 1 else "clients"
    suffix = f" · page {page + 1} of {pages}" if pages > 1 else ""
    narrowed = f" · {only}" if only else ""
    return (
        f"<b>My caseload{narrowed}</b> — {total} {clients}{suffix}\n"
        "❗ Visit overdue first, then most recently contacted."
    )


CASELOAD_OVERDUE = "❗ Overdue visits only"
CASELOAD_PROGRAM = "🗂 Program"
CASELOAD_STATUS = "📌 Status"
CASELOAD_ALL = "✖ All my clients"
CASELOAD_PROGRAM_ASK = "Show only your clients in which program?"
CASELOAD_STATUS_ASK = "Show only your clients with which status?"


def filter_name(only: str) -> str:
    """What /clients is narrowed to, as the header says it ("" for everyone)."""
    if only == OVERDUE:
        return "visit overdue"
    return PROGRAM_NAMES.get(only) or STATUS_NAMES.get(only) or ""


def caseload_filter_unknown(word: str) -> str:
    return (
        f"“{escape(word[:30])}” is not something I can narrow your clients to. Try "
        "<code>/clients overdue</code>, a program (<code>/clients hospice</code>) or a "
        "status (<code>/clients discharged</code>); the buttons under the list do the same."
    )


def client_not_found(code: str) -> str:
    return f"I can't find {escape(code)} among the clients you can see."


def nobody_called(typed: str) -> str:
    return f"None of your clients is called “{escape(typed[:40])}”."


def no_client_called(typed: str) -> str:
    return f"{nobody_called(typed)} Send /clients to see them all."


def clients_called(typed: str) -> str:
    return f"More than one of your clients is called “{escape(typed[:40])}”. Which one?"


CLIENT_CODE_NEEDED = (
    "Which client? Send a code or a name, for example <code>/client C-0042</code> "
    "or <code>/client Maria</code>."
)

PROGRAM_NAMES: dict[str, str] = {
    Program.ELDERLY: "Elderly at home",
    Program.RECOVERY: "Substance-use recovery",
    Program.CHRONIC: "Chronic illness",
    Program.HOSPICE: "Hospice",
    Program.DISABILITY: "Disability",
    Program.OTHER: "Other",
}
STATUS_NAMES: dict[str, str] = {
    ClientStatus.INTAKE: "Intake",
    ClientStatus.ACTIVE: "Active",
    ClientStatus.ON_HOLD: "On hold",
    ClientStatus.DISCHARGED: "Discharged",
}
INTERACTION_NAMES: dict[str, str] = {
    InteractionType.HOME_VISIT: "Home visit",
    InteractionType.OFFICE: "Office",
    InteractionType.PHONE: "Phone",
    InteractionType.VIDEO: "Video",
    InteractionType.COLLATERAL: "Collateral",
    InteractionType.SUPERVISION: "Supervision",
    InteractionType.OTHER: "Other",
}
# What a note's kind is called wherever it is shown: the choices, and "not given".
KIND_NAMES: dict[str, str] = {**INTERACTION_NAMES, InteractionType.NOT_GIVEN: "Kind not given"}

BACK_TO_CASELOAD = "◀ Caseload"
PREVIOUS = "◀"
NEXT = "▶"

# /newclient
NEWCLIENT_ASK_NAME = "New client. What is the client's full name?\n(/cancel to stop)"
NEWCLIENT_NAME_NOT_TEXT = "Please type the client's name as text."
NEWCLIENT_NAME_TOO_SHORT = "That name is too short. Please type the client's full name."


def newclient_name_too_long(limit: int) -> str:
    return f"That name is longer than {limit} characters. Please type a shorter name."


NEWCLIENT_ADD_ANYWAY = "➕ Add a new one anyway"


def newclient_exists(code: str, name: str, others: int, born: str | None = None) -> str:
    """`born`: the existing client's date of birth, when the record has one (to compare
    with the new client's)."""
    when = f", born {born}," if born else ""
    more = f" (and {others} more by that name)" if others else ""
    return (
        f"<b>{code} · {escape(name)}</b>{when} is already one of your clients{more}. "
        "Open the card, or add a new client by the same name?"
    )


def newclient_open(code: str) -> str:
    return f"👤 Open {code}"


def newclient_ask_program(name: str) -> str:
    return f"Client: <b>{escape(name)}</b>\nWhich program?"


NEWCLIENT_ASK_FREQUENCY = (
    "How often should this client be contacted? Choose, or type a number of days (1–365)."
)
NEWCLIENT_BAD_FREQUENCY = "Please type a whole number of days from 1 to 365, or choose a button."


def every_days(days: int) -> str:
    return "every day" if days == 1 else f"every {days} days"


def newclient_confirm(name: str, program: str, days: int) -> str:
    return (
        "<b>Save this client?</b>\n"
        f"Name: {escape(name)}\n"
        f"Program: {PROGRAM_NAMES[program]}\n"
        f"Contact: {every_days(days)}"
    )


SAVE = "✅ Save"
CANCEL = "✖ Cancel"
USE_BUTTONS_OR_CANCEL = "Please use the buttons above, or send /cancel to stop."


def client_saved(code: str) -> str:
    """A toast (plain text, no HTML)."""
    return f"Saved as {code}."


# /invite
INVITE_ASK_ROLE = "Who are you inviting?"
INVITE_ROLE_BUTTONS = {
    Role.WORKER: "Case worker",
    Role.SUPERVISOR: "Supervisor",
    Role.ADMIN: "Admin",
}


def invite_created(role: str, link: str | None, code: str, expires: str) -> str:
    where = f"\n{escape(link)}" if link else f"\nThey send: <code>/start {escape(code)}</code>"
    return (
        f"Invite for {ROLE_NAMES[role]} created. Forward this to your colleague "
        f"(it works once and expires {expires}):{where}"
    )


# Choosing a client (every conversation)
PICK_CLIENT_HINT = "Tap a recent client, or type part of a name or a code such as C-0042."
PICK_CLIENT_TYPE = "Type part of the client's name or their code, such as C-0042."
SEVERAL_CLIENTS_MATCH = "Several clients match. Which one?"
CLIENT_GONE = "That client isn't available to you any more."


def no_client_matches(typed: str) -> str:
    return (
        f"No client of yours matches “{escape(typed)}”. "
        "Try part of the name or the code (C-0042), or /cancel."
    )


# Drafts and idle conversations
COMMAND_OF_DRAFT = {
    "note": "note",
    "newclient": "newclient",
    "amend": "note",
    "visit": "visit",
    "discharge": "client",
    "language": "client",
}
# What a dialog's draft is called in "set aside" and "still open" (by its draft key).
DRAFT_NOUNS = {
    "note": "note",
    "appt": "appointment",
    "visit": "visit log",
    "plan": "plan",
    "review": "plan review",
    "refer": "referral",
    "intake": "intake",
    "newclient": "new client",
    "amend": "correction",
    "discharge": "discharge reason",
    "language": "client's language",
    "settings": "settings",
    "resources": "resource edit",
}


def _draft_named(noun: str, code: str) -> str:
    return f"{noun} for {code}" if code else noun


def set_aside(noun: str, code: str, command: str) -> str:
    return (
        f"📌 Your {_draft_named(noun, code)} is set aside, nothing lost — {command} brings it back."
    )


def still_open(noun: str, code: str) -> str:
    return f"↩ Your {_draft_named(noun, code)} is still open: carry on where you were, or /cancel."


RESUME = "▶ Resume draft"
DISCARD = "🗑 Discard"
DRAFT_DISCARDED = "Draft discarded."


def draft_kept(command: str) -> str:
    return (
        "You left this for a while, so I kept what you wrote as a draft — nothing is lost. "
        f"Send {command} to pick it up again."
    )


def conversation_expired(command: str) -> str:
    return f"That timed out. Send {command} to start again."


# ── the client's language (issue 17) ──────────────────────────────────────

INTERPRETER_NEEDED = "interpreter needed"


def language_line(language: str | None, interpreter: bool | None) -> str | None:
    """The card's line: "🗣 Arabic · interpreter needed", "🗣 Spanish"; None when
    nothing is known (no language and no interpreter needed)."""
    parts = [escape(language)] if language else []
    if interpreter:
        parts.append(INTERPRETER_NEEDED)
    return "🗣 " + " · ".join(parts) if parts else None


def interpreter_tag(language: str | None) -> str:
    """On agenda lines, appointment cards and reminders when an interpreter is needed:
    "🗣 interpreter: Arabic"."""
    return f"🗣 interpreter: {escape(language)}" if language else "🗣 interpreter"
