"""Texts of the resource directory and /refer.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

from storage.models import ReferralStatus
from storage.resources import Kind, Problem

# ── Resources and referrals ───────────────────────────────────────────────

# For /help and the bot's command menu (append to texts.WORKER_COMMANDS).
REFERRAL_COMMANDS = [
    ("refer", "Refer a client to a resource"),
    ("resources", "Find a community resource"),
]
# For drafts.IdleGuard (merge into texts.COMMAND_OF_DRAFT). The draft keys are chosen so
# that the fallback (the key itself) already names the right command.
DRAFT_COMMANDS = {"refer": "refer", "resources": "resources"}

# ── the directory (/resources) ────────────────────────────────────────────────
DIRECTORY_EMPTY = "The resource directory is empty."
DIRECTORY_EMPTY_ADMIN = (
    "The resource directory is empty. Add an entry with ➕ Add, or import a CSV file with "
    "<code>caseline resources import FILE.csv</code>."
)
ADD = "➕ Add"
EDIT = "✏️ Edit"
ARCHIVE = "🗄 Archive"
RESTORE = "♻ Restore"
CATEGORIES = "📂 Categories"
RESULTS = "◀ Results"
RESOURCE_GONE = "That resource is no longer in the directory."
ARCHIVED = "🗄 Archived — not offered for new referrals"
ARCHIVED_MARK = "🗄 "
BENEFIT_PROGRAM = "🏛 Benefit program"
ARCHIVED_TOAST = "Archived."
RESTORED_TOAST = "Back in the directory."
SEARCH_GONE = "That search has expired. Here is the directory again."
ADMINS_ONLY = "Only admins can change the directory."

FIELD_NAMES = {
    "name": "Name",
    "category": "Category",
    "description": "Description",
    "phone": "Phone",
    "email": "Email",
    "website": "Website",
    "address": "Address",
    "hours": "Hours",
    "notes": "Notes",
    "benefit": "Benefit",
}
FIELD_ICONS = {
    "phone": "📞",
    "email": "✉️",
    "website": "🌐",
    "address": "📍",
    "hours": "🕒",
    "notes": "📝",
}


def directory_home(total: int, categories: int) -> str:
    entries = "1 entry" if total == 1 else f"{total} entries"
    groups = "1 category" if categories == 1 else f"{categories} categories"
    return (
        f"📚 <b>Resource directory</b> — {entries} in {groups}.\n"
        "Tap a category, or search: <code>/resources food bank</code>"
    )


def search_title(words: str, category: str | None) -> str:
    parts = []
    if category:
        parts.append(f"📂 {escape(category)}")
    if words:
        parts.append(f"🔎 “{escape(words)}”")
    return " · ".join(parts) or "📚 All resources"


def search_header(words: str, category: str | None, total: int, page: int, pages: int) -> str:
    found = "1 found" if total == 1 else f"{total} found"
    suffix = f" · page {page + 1} of {pages}" if pages > 1 else ""
    return f"<b>{search_title(words, category)}</b> — {found}{suffix}"


def nothing_found(words: str, category: str | None) -> str:
    return (
        f"<b>{search_title(words, category)}</b>\nNothing in the directory matches. "
        "Try other words, or pick a category."
    )


def category_button(category: str, count: int) -> str:
    """Plain text (a button label)."""
    return f"{category} ({count})"


def resource_button(name: str, category: str, *, archived: bool = False) -> str:
    """Plain text (a button label)."""
    return f"{ARCHIVED_MARK if archived else ''}{name} · {category}"


# ── chat editor (admins) ──────────────────────────────────────────────────────
SKIP_FIELD = "↷ Skip"
KEEP = "↷ Keep"
CLEAR = "🗑 Clear"
RESOURCE_ASK_NAME = "<b>New resource.</b> What is it called?\n(/cancel to stop)"
RESOURCE_SAVED_TOAST = "Saved."
RESOURCE_ASK_CATEGORY = "Which category? Tap one, or type a new one."
RESOURCE_ASK = {
    "phone": "Phone number?",
    "address": "Address?",
    "hours": "Opening hours? (e.g. “Mon–Fri 9–17”)",
    "notes": "Notes for colleagues? (eligibility, what to bring, who to ask for)",
}


def resource_edit_intro(name: str) -> str:
    return f"<b>Editing {escape(name)}.</b> Type a new value or tap ↷ Keep. (/cancel to stop)"


def current_value(value: str | None) -> str:
    return f"Now: {escape(value)}" if value else "Now: —"


def benefit_toggle(on: bool) -> str:
    """Plain text (a button label)."""
    return f"🏛 Benefit program: {'yes' if on else 'no'}"


def resource_confirm_title(new: bool) -> str:
    return "<b>Save this new resource?</b>" if new else "<b>Save these changes?</b>"


def resource_duplicate(name: str) -> str:
    return (
        f"“{escape(name)}” at that address is already in the directory, so I didn't add it "
        "a second time. Here it is:"
    )


def problem(item: Problem) -> str:
    """A field problem in words (plain text: the CLI prints it, the bot escapes it)."""
    label = FIELD_NAMES.get(item.field, item.field)
    if item.kind == Kind.MISSING:
        return f"{label} is missing"
    if item.kind == Kind.TOO_LONG:
        return f"{label} is longer than {item.limit} characters"
    if item.kind == Kind.BAD_EMAIL:
        return f"{label} “{item.value}” doesn't look like an email address"
    if item.kind == Kind.BAD_WEBSITE:
        return f"{label} “{item.value}” doesn't look like a web address"
    if item.kind == Kind.BAD_BENEFIT:
        return f"{label} must be yes or no, not “{item.value}”"
    return f"{label} is not valid"


def problems(items: list[Problem]) -> str:
    return "Please fix: " + escape("; ".join(problem(item) for item in items)) + "."


# ── CSV import (printed by `caseline resources import`; plain text) ───────────
IMPORT_COLUMNS = (
    "name, category, description, phone, email, website, address, hours, notes, benefit"
)
IMPORT_NOT_UTF8 = "the file is not UTF-8 text (save it as “CSV UTF-8”)"
IMPORT_EMPTY = "the file is empty: the first line must name the columns"
IMPORT_NO_ROWS = "the file has a header but no rows"


def import_unknown_columns(names: list[str]) -> str:
    return f"unknown column(s) {', '.join(names)}; the columns are: {IMPORT_COLUMNS}"


def import_missing_columns(names: list[str]) -> str:
    return f"missing column(s) {', '.join(names)}; the columns are: {IMPORT_COLUMNS}"


def import_repeated_columns(names: list[str]) -> str:
    return f"column(s) named twice: {', '.join(names)}"


def import_too_many_values(count: int, columns: int) -> str:
    return (
        f"{count} values, but the header has {columns} columns "
        "(a comma inside a value needs quotes around the value)"
    )


def import_unnamed_value(column: int) -> str:
    return f"a value in column {column}, which has no name in the header"


def import_unreadable(reason: str) -> str:
    return f"cannot read this line as CSV: {reason}"


def import_too_many_rows(limit: int) -> str:
    return f"more than {limit:,} rows; split the file"


def import_same_as(line: int) -> str:
    return f"same name and address as line {line}; keep one of them"


def import_progress(done: int, total: int) -> str:
    return f"  {done:,}/{total:,} rows"


def import_rejected(errors: int) -> str:
    rows = "1 problem" if errors == 1 else f"{errors} problems"
    return f"Nothing was imported: {rows} to fix first."


def import_line(line: int, message: str) -> str:
    return f"line {line}: {message}"


def import_done(imported: int, updated: int, unchanged: int, restored: int) -> str:
    text = (
        f"Imported {imported} new resource(s); updated {updated} already in the directory; "
        f"{unchanged} unchanged"
    )
    if restored:
        text += f" ({restored} had been archived and are back in the directory)"
    return text + "."


def import_updated(line: int, name: str) -> str:
    return f"line {line}: “{name}” is already in the directory (same name and address): updated"


# ── /refer ────────────────────────────────────────────────────────────────────
REFER_ASK_CLIENT = "<b>New referral.</b> For which client?"
NEW_REFERRAL = "➕ New referral"
CONSENT_GIVEN = "✅ Consent given"
CONSENT_REFUSED = "🚫 Client refused"
CONSENT_STANDARD = "Referrals to community services"
CONSENT_REFUSED_SCOPE = "Refused when asked for a referral"
CONSENT_SCOPE_EMPTY = "Please type what the consent covers, or tap the button."
REFERRAL_REASON_EMPTY = "Please type the reason for the referral."
FOLLOW_UP_CHOICES = [("In 1 week", "1w"), ("In 2 weeks", "2w"), ("In 1 month", "1m")]
FOLLOW_UP_PAST = "That date has passed. When should you follow up?"
APPLIED_FUTURE = "That's in the future. When was the application made?"
APPLIED_TODAY = "Today"
SEND_REFERRAL = "📨 Send referral"
REFERRAL_SENT_TOAST = "Referral sent."
CONSENT_GONE = "The client's consent is no longer on record, so this referral can't be sent."
REFER_DIRECTORY_EMPTY = (
    "The resource directory is empty, so there is nothing to refer to yet. "
    "Ask an admin to add resources (or import them with <code>caseline resources import</code>)."
)
REFERRAL_DRAFT_GONE = "This referral draft is no longer active."


def reason_too_long(limit: int) -> str:
    return f"Please keep the reason under {limit:,} characters."


def refer_open_list(code: str, name: str, count: int) -> str:
    referrals = "1 open referral" if count == 1 else f"{count} open referrals"
    return f"<b>{code} · {escape(name)}</b> has {referrals}. Open one, or make a new one."


def no_consent(code: str, name: str, refused_on: str | None) -> str:
    state = (
        f"The client <b>refused</b> consent on {refused_on}."
        if refused_on
        else "There is no consent to share information on record."
    )
    return (
        f"⚠ <b>{code} · {escape(name)}</b>: {state}\n"
        "A referral shares the client's details with the resource, so consent comes first. "
        "Did the client give consent?"
    )


def consent_ask_scope(code: str) -> str:
    return (
        f"Consent from {code}. What does it cover? Type it (e.g. “share contact details and "
        "needs with food and housing services”), or tap the button."
    )


def consent_refused_recorded(code: str) -> str:
    return (
        f"Recorded: {code} refused consent. No referral can be made — a referral would share "
        "their data. If they change their mind, start again with /refer."
    )


def refer_ask_resource(code: str, name: str, consent: str) -> str:
    return (
        f"Referral for <b>{code} · {escape(name)}</b>\n✅ Consent: {escape(consent)}\n"
        "To which resource? Type words (e.g. “food bank”), or pick a category."
    )


def refer_ask_reason(resource: str) -> str:
    return f"Referral to <b>{escape(resource)}</b>. What is the reason? A short text."


def refer_ask_follow_up() -> str:
    return "When will you follow up? Tap, or type a date (e.g. “next fri”, “20/3”)."


def refer_ask_applied(resource: str) -> str:
    return (
        f"🏛 <b>{escape(resource)}</b> is a benefit program: this referral is an application. "
        "When was it made? Tap Today, or type the date (e.g. “yesterday”, “28/2”)."
    )


def refer_draft_kept(code: str, name: str) -> str:
    return f"You have an unfinished referral for <b>{code} · {escape(name)}</b>. Pick it up again?"


def refer_confirm(
    code: str,
    name: str,
    resource: str,
    category: str,
    reason: str,
    follow_up: str,
    applied: str | None,
) -> str:
    lines = [
        f"<b>Send this referral?</b> · {code} · {escape(name)}",
        f"→ {escape(resource)} ({escape(category)})",
        f"Reason: {escape(reason)}",
        f"{FOLLOW_UP}: {follow_up}",
    ]
    if applied:
        lines.append(f"{APPLICATION_MADE}: {applied}")
    return "\n".join(lines)


# ── the referral card ─────────────────────────────────────────────────────────
# Keyed by the enum's members but typed by str: a record holds its status or kind as the
# plain string, which finds the member's entry (a StrEnum member is that string).
REFERRAL_STATUS_NAMES: dict[str, str] = {
    ReferralStatus.SENT: "📨 Sent",
    ReferralStatus.ACCEPTED: "✅ Accepted",
    ReferralStatus.DECLINED: "🚫 Declined",
    ReferralStatus.COMPLETED: "🏁 Completed",
    ReferralStatus.WITHDRAWN: "↩ Withdrawn",
}
# The buttons that move a referral to each status.
STATUS_BUTTONS = {
    ReferralStatus.ACCEPTED: "✅ Accepted",
    ReferralStatus.DECLINED: "🚫 Declined",
    ReferralStatus.COMPLETED: "🏁 Completed",
    ReferralStatus.WITHDRAWN: "↩ Withdraw",
}
STATUS_TOASTS = {
    ReferralStatus.ACCEPTED: "Marked as accepted.",
    ReferralStatus.DECLINED: "Marked as declined.",
    ReferralStatus.COMPLETED: "Marked as completed.",
    ReferralStatus.WITHDRAWN: "Referral withdrawn.",
}
FOLLOW_UP = "Follow-up"
APPLICATION_MADE = "🏛 Application made"
DECLINED_BECAUSE = "Declined because"
WITHDRAW_CONFIRM = "↩ Yes, withdraw it"
REFERRAL_GONE = "That referral isn't available to you."
REFERRAL_CHANGED = "This referral was changed meanwhile; here it is as it is now."
DECLINE_REASONS = {
    "elig": "Not eligible",
    "full": "No capacity / waiting list",
    "client": "Client didn't want it",
    "reach": "Couldn't reach the client",
}
ASK_DECLINE_REASON = "Why was it declined? Tap, or type the reason."
ASK_OUTCOME = "What was the outcome? Type it (e.g. “gets weekly food parcels from 10 March”)."
DECLINE_REASON_EMPTY = "Please type why the referral was declined."
OUTCOME_EMPTY = "Please type the outcome."


def referral_title(referral_id: int, code: str, name: str) -> str:
    return f"<b>Referral R-{referral_id}</b> · {code} · {escape(name)}"


def referral_button(referral_id: int, resource: str, status: str) -> str:
    """Plain text (a button label)."""
    return f"R-{referral_id} · {resource} · {REFERRAL_STATUS_NAMES.get(status, status)}"


def referral_line(referral_id: int, resource: str, status: str, follow_up: str | None) -> str:
    due = f" · follow up {follow_up}" if follow_up else ""
    return (
        f"R-{referral_id} → {escape(resource)} · {REFERRAL_STATUS_NAMES.get(status, status)}{due}"
    )


def withdraw_question(referral_id: int) -> str:
    return f"Withdraw referral R-{referral_id}? This cannot be undone."
