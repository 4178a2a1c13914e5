"""Texts every feature shares: access, errors, /newclient, /invite, choosing a client, drafts.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

from storage.clients import OVERDUE
from storage.kinds import ClientStatus, InteractionType, Program, Role
from ui.i18n import N_, t, tn
from ui.i18n import gettext as _
from ui.i18n import translated as tr
from ui.texts.intake import LANGUAGES as _CLIENT_LANGUAGES
from ui.texts.naming import nameless

UNKNOWN_USER = N_(
    "Hello! Caseline is a private tool for case managers.\n"
    "To use it, ask your supervisor for an invite link."
)
DEACTIVATED_USER = N_(
    "Your Caseline access has been switched off.\n"
    "If this is a mistake, ask your supervisor for a new invite."
)
GROUP_CHAT = N_("Caseline works only in a private chat, to keep client information private.")

INVITE_UNKNOWN = N_(
    "That invite code isn't valid. Check that you opened the whole link, "
    "or ask your supervisor for a new invite."
)
INVITE_EXPIRED = N_("That invite has expired. Ask your supervisor for a new one.")
INVITE_USED = N_("That invite has already been used. Ask your supervisor for a new one.")
INVITE_REVOKED = N_("This invite was withdrawn. Ask your supervisor for a new one.")
JOIN_TOO_MANY = N_(
    "Too many attempts with invite codes. Please try again in an hour, "
    "or ask your supervisor for a new invite."
)


def already_member(name: str) -> str:
    return t(
        "You're already signed in as <b>{name}</b>. Send /help to see what I can do.",
        name=escape(name),
    )


def welcome_back(name: str) -> str:
    return t("Hello again, <b>{name}</b>. Send /help to see what I can do.", name=escape(name))


# Keyed by the enum's members but typed by str: a record holds its status or kind as the
# plain string, which finds the member's entry (a StrEnum member is that string).
ROLE_NAMES: dict[str, str] = {
    Role.WORKER: N_("a case worker"),
    Role.SUPERVISOR: N_("a supervisor"),
    Role.ADMIN: N_("an admin"),
}

WORKER_COMMANDS = [
    ("note", N_("Write a progress note")),
    ("visit", N_("Log a visit that happened")),
    ("appt", N_("Schedule an appointment")),
    ("today", N_("My day: appointments and what is due")),
    ("week", N_("My next 7 days")),
    ("clients", N_("My caseload")),
    ("settings", N_("Reminders, time zone, quiet hours")),
    ("client", N_("Open a client: /client C-0042 or a name")),
    ("newclient", N_("Add a client")),
    ("help", N_("What I can do")),
    ("cancel", N_("Stop what you're doing")),
]
LEAD_COMMANDS = [("invite", N_("Invite a colleague"))]


NOTHING_TO_CANCEL = N_("There's nothing to cancel. Send /help to see what I can do.")
CANCELLED = N_("Cancelled. Nothing was saved.")
DISCARD_ASK = N_(
    "Throw this draft away, with what you wrote? Tap 🗑 to discard it, "
    "or just carry on with the card above."
)
DISCARD_SURE = N_("🗑 Yes, discard it")
EDIT_IGNORED = N_(
    "I don't pick up edits to messages already sent. "
    "Please send the corrected text as a new message."
)
NOT_UNDERSTOOD = N_("I didn't understand that. Send /help to see what I can do.")
STALE_BUTTON = N_("This button is no longer active.")
NOT_ALLOWED = N_("You can't do that.")
# Never "try again": the failure may have come after a save, and a repeat saves twice.
ERROR = N_(
    "Sorry, something went wrong on my side. What you saved before is safe. "
    "If you were saving something, look at the client's card before doing it again: "
    "it may already be there."
)

CASELOAD_EMPTY = N_("Your caseload is empty. Add a client with /newclient.")


def caseload_header(total: int, page: int, pages: int, only: str = "") -> str:
    suffix = t(" · page {page} of {pages}", page=page + 1, pages=pages) if pages > 1 else ""
    narrowed = f" · {only}" if only else ""
    return tn(
        "<b>My caseload{narrowed}</b> — {count} client{suffix}\n❗ Visit overdue first, "
        "then most recently contacted.",
        "<b>My caseload{narrowed}</b> — {count} clients{suffix}\n❗ Visit overdue first, "
        "then most recently contacted.",
        total,
        narrowed=narrowed,
        suffix=suffix,
    )


CASELOAD_OVERDUE = N_("❗ Overdue visits only")
# The word after /clients that narrows to overdue visits, as a worker of the language types it.
CASELOAD_OVERDUE_WORD = N_("overdue")
CASELOAD_PROGRAM = N_("🗂 Program")
CASELOAD_STATUS = N_("📌 Status")
CASELOAD_ALL = N_("✖ All my clients")
CASELOAD_PROGRAM_ASK = N_("Show only your clients in which program?")
CASELOAD_STATUS_ASK = N_("Show only your clients with which status?")


def filter_name(only: str) -> str:
    """What /clients is narrowed to, as the header says it ("" for everyone)."""
    if only == OVERDUE:
        return _("visit overdue")
    return tr(PROGRAM_NAMES).get(only) or tr(STATUS_NAMES).get(only) or ""


def caseload_filter_unknown(word: str) -> str:
    return t(
        "“{word}” is not something I can narrow your clients to. Try <code>/clients "
        "overdue</code>, a program (<code>/clients hospice</code>) or a status "
        "(<code>/clients discharged</code>); the buttons under the list do the same.",
        word=escape(word[:30]),
    )


def client_not_found(code: str) -> str:
    return t("I can't find {code} among the clients you can see.", code=escape(code))


def nobody_called(typed: str) -> str:
    """`typed` "" in strict mode: a name the worker typed is not said back."""
    if not typed:
        return _("None of your clients has that name.")
    return t("None of your clients is called “{typed}”.", typed=escape(typed[:40]))


def no_client_called(typed: str) -> str:
    return t("{nobody_called} Send /clients to see them all.", nobody_called=nobody_called(typed))


def clients_called(typed: str) -> str:
    """`typed` "" in strict mode: a name the worker typed is not said back."""
    if not typed:
        return _("More than one of your clients has that name. Which one?")
    return t(
        "More than one of your clients is called “{typed}”. Which one?", typed=escape(typed[:40])
    )


CLIENT_CODE_NEEDED = N_(
    "Which client? Send a code or a name, for example <code>/client C-0042</code> "
    "or <code>/client Maria</code>."
)

PROGRAM_NAMES: dict[str, str] = {
    Program.ELDERLY: N_("Elderly at home"),
    Program.RECOVERY: N_("Substance-use recovery"),
    Program.CHRONIC: N_("Chronic illness"),
    Program.HOSPICE: N_("Hospice"),
    Program.DISABILITY: N_("Disability"),
    Program.OTHER: N_("Other"),
}
STATUS_NAMES: dict[str, str] = {
    ClientStatus.INTAKE: N_("Intake"),
    ClientStatus.ACTIVE: N_("Active"),
    ClientStatus.ON_HOLD: N_("On hold"),
    ClientStatus.DISCHARGED: N_("Discharged"),
}
INTERACTION_NAMES: dict[str, str] = {
    InteractionType.HOME_VISIT: N_("Home visit"),
    InteractionType.OFFICE: N_("Office"),
    InteractionType.PHONE: N_("Phone"),
    InteractionType.VIDEO: N_("Video"),
    InteractionType.COLLATERAL: N_("Collateral"),
    InteractionType.SUPERVISION: N_("Supervision"),
    InteractionType.OTHER: N_("Other"),
}
# What a note's kind is called wherever it is shown: the choices, and "not given".
KIND_NAMES: dict[str, str] = {**INTERACTION_NAMES, InteractionType.NOT_GIVEN: N_("Kind not given")}

BACK_TO_CASELOAD = N_("◀ Caseload")
PREVIOUS = "◀"
NEXT = "▶"

# /newclient
NEWCLIENT_ASK_NAME = N_("New client. What is the client's full name?\n(/cancel to stop)")
NEWCLIENT_NAME_NOT_TEXT = N_("Please type the client's name as text.")
NEWCLIENT_NAME_TOO_SHORT = N_("That name is too short. Please type the client's full name.")


def newclient_name_too_long(limit: int) -> str:
    return t(
        "That name is longer than {limit} characters. Please type a shorter name.", limit=limit
    )


NEWCLIENT_ADD_ANYWAY = N_("➕ Add a new one anyway")


@nameless
def newclient_exists(code: str, name: str, others: int, born: str | None = None) -> str:
    """`born`: the existing client's date of birth, when the record has one (to compare
    with the new client's)."""
    when = t(", born {born},", born=born) if born else ""
    more = t(" (and {others} more by that name)", others=others) if others else ""
    return t(
        "<b>{code} · {name}</b>{when} is already one of your clients{more}. Open the "
        "card, or add a new client by the same name?",
        code=code,
        name=escape(name),
        when=when,
        more=more,
    )


def newclient_open(code: str) -> str:
    return t("👤 Open {code}", code=code)


def newclient_ask_program(name: str) -> str:
    return t("Client: <b>{name}</b>\nWhich program?", name=escape(name))


NEWCLIENT_ASK_FREQUENCY = N_(
    "How often should this client be contacted? Choose, or type a number of days (1–365)."
)
NEWCLIENT_BAD_FREQUENCY = N_(
    "Please type a whole number of days from 1 to 365, or choose a button."
)


def every_days(days: int) -> str:
    return tn("every day", "every {count} days", days)


def newclient_confirm(name: str, program: str, days: int) -> str:
    return t(
        "<b>Save this client?</b>\nName: {name}\nProgram: {program_names}\nContact: {every_days}",
        name=escape(name),
        program_names=tr(PROGRAM_NAMES)[program],
        every_days=every_days(days),
    )


SAVE = N_("✅ Save")
CANCEL = N_("✖ Cancel")
USE_BUTTONS_OR_CANCEL = N_("Please use the buttons above, or send /cancel to stop.")


def client_saved(code: str) -> str:
    """A toast (plain text, no HTML)."""
    return t("Saved as {code}.", code=code)


# /invite
INVITE_ASK_ROLE = N_("Who are you inviting?")
INVITE_ROLE_BUTTONS = {
    Role.WORKER: N_("Case worker"),
    Role.SUPERVISOR: N_("Supervisor"),
    Role.ADMIN: N_("Admin"),
}


def invite_created(role: str, link: str | None, code: str, expires: str) -> str:
    where = (
        f"\n{escape(link)}"
        if link
        else t("\nThey send: <code>/start {code}</code>", code=escape(code))
    )
    return t(
        "Invite for {role_names} created. Forward this to your colleague (it works "
        "once and expires {expires}):{where}",
        role_names=tr(ROLE_NAMES)[role],
        expires=expires,
        where=where,
    )


# Choosing a client (every conversation)
PICK_CLIENT_HINT = N_("Tap a recent client, or type part of a name or a code such as C-0042.")
PICK_CLIENT_TYPE = N_("Type part of the client's name or their code, such as C-0042.")
SEVERAL_CLIENTS_MATCH = N_("Several clients match. Which one?")
CLIENT_GONE = N_("That client isn't available to you any more.")


def no_client_matches(typed: str) -> str:
    """`typed` "" in strict mode: a name the worker typed is not said back."""
    if not typed:
        return _(
            "No client of yours matches that. Try part of the name or the code (C-0042), "
            "or /cancel."
        )
    return t(
        "No client of yours matches “{typed}”. Try part of the name or the code "
        "(C-0042), or /cancel.",
        typed=escape(typed),
    )


# Drafts and idle conversations
COMMAND_OF_DRAFT = {
    "note": "note",
    "newclient": "newclient",
    "amend": "note",
    "note_comment": "comment",
    "visit": "visit",
    "discharge": "client",
    "language": "client",
    "details": "client",
    "safety": "client",
    "evv": "today",
    "home": "client",
}
# What a dialog's draft is called in "set aside" and "still open" (by its draft key).
DRAFT_NOUNS = {
    "note": N_("note"),
    "appt": N_("appointment"),
    "visit": N_("visit log"),
    "plan": N_("plan"),
    "review": N_("plan review"),
    "refer": N_("referral"),
    "intake": N_("intake"),
    "newclient": N_("new client"),
    "amend": N_("correction"),
    "note_comment": N_("comment on a note"),
    "discharge": N_("discharge reason"),
    "language": N_("client's language"),
    "details": N_("client's details"),
    "person": N_("person around the client"),
    "safety": N_("safety plan"),
    "settings": N_("settings"),
    "resources": N_("resource edit"),
    "evv": N_("check-in"),
    "home": N_("client's home location"),
}


def _draft_named(noun: str, code: str) -> str:
    return t("{noun} for {code}", noun=noun, code=code) if code else noun


def set_aside(noun: str, code: str, command: str) -> str:
    return t(
        "📌 Your {draft_named} is set aside, nothing lost — {command} brings it back.",
        draft_named=_draft_named(noun, code),
        command=command,
    )


def still_open(noun: str, code: str) -> str:
    return t(
        "↩ Your {draft_named} is still open: carry on where you were, or /cancel.",
        draft_named=_draft_named(noun, code),
    )


RESUME = N_("▶ Resume draft")
DISCARD = N_("🗑 Discard")
DRAFT_DISCARDED = N_("Draft discarded.")


def draft_kept(command: str) -> str:
    return t(
        "You left this for a while, so I kept what you wrote as a draft — nothing is "
        "lost. Send {command} to pick it up again.",
        command=command,
    )


def conversation_expired(command: str) -> str:
    return t("That timed out. Send {command} to start again.", command=command)


# ── the client's language (issue 17) ──────────────────────────────────────

INTERPRETER_NEEDED = N_("interpreter needed")


def continued(page: int, pages: int) -> str:
    """The head of a long message's next page."""
    return t("<i>(continued {page}/{pages})</i>", page=page, pages=pages)


def minutes(count: int) -> str:
    """A duration on a card or button: `45 min`."""
    return t("{minutes} min", minutes=count)


NEVER_SEEN = N_("new")


def language_name(stored: str) -> str:
    """A client's language as the reader says it: a listed one (stored in English, see
    intake.language_choices) translated, a typed one as it was typed."""
    return _(stored) if stored in _CLIENT_LANGUAGES else stored


def language_line(language: str | None, interpreter: bool | None) -> str | None:
    """The card's line: "🗣 Arabic · interpreter needed", "🗣 Spanish"; None when
    nothing is known (no language and no interpreter needed)."""
    parts = [escape(language_name(language))] if language else []
    if interpreter:
        parts.append(tr(INTERPRETER_NEEDED))
    return "🗣 " + " · ".join(parts) if parts else None


def interpreter_tag(language: str | None) -> str:
    """On agenda lines, appointment cards and reminders when an interpreter is needed:
    "🗣 interpreter: Arabic"."""
    return (
        t("🗣 interpreter: {language}", language=escape(language_name(language)))
        if language
        else _("🗣 interpreter")
    )
