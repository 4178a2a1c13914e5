"""Texts of the resource directory and /refer.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

from storage.kinds import ReferralStatus
from storage.resources import Kind, Problem
from ui.i18n import N_, number, t, tn
from ui.i18n import gettext as _
from ui.i18n import translated as tr
from ui.texts.naming import nameless

# ── Resources and referrals ───────────────────────────────────────────────

# For /help and the bot's command menu (append to texts.WORKER_COMMANDS).
REFERRAL_COMMANDS = [
    ("refer", N_("Refer a client to a resource")),
    ("resources", N_("Find a community resource")),
]
# For drafts.IdleGuard (merge into texts.COMMAND_OF_DRAFT). The draft keys are chosen so
# that the fallback (the key itself) already names the right command.
DRAFT_COMMANDS = {"refer": "refer", "resources": "resources"}

# ── the directory (/resources) ────────────────────────────────────────────────
DIRECTORY_EMPTY = N_("The resource directory is empty.")
DIRECTORY_EMPTY_ADMIN = N_(
    "The resource directory is empty. Add an entry with ➕ Add, or import a CSV file with "
    "<code>caseline resources import FILE.csv</code>."
)
ADD = N_("➕ Add")
EDIT = N_("✏️ Edit")
ARCHIVE = N_("🗄 Archive")
RESTORE = N_("♻ Restore")
CATEGORIES = N_("📂 Categories")
RESULTS = N_("◀ Results")
RESOURCE_GONE = N_("That resource is no longer in the directory.")
ARCHIVED = N_("🗄 Archived — not offered for new referrals")
ARCHIVED_MARK = "🗄 "
BENEFIT_PROGRAM = N_("🏛 Benefit program")
ARCHIVED_TOAST = N_("Archived.")
RESTORED_TOAST = N_("Back in the directory.")
SEARCH_GONE = N_("That search has expired. Here is the directory again.")
ADMINS_ONLY = N_("Only admins can change the directory.")

FIELD_NAMES = {
    "name": N_("Name"),
    "category": N_("Category"),
    "description": N_("Description"),
    "phone": N_("Phone"),
    "email": N_("Email"),
    "website": N_("Website"),
    "address": N_("Address"),
    "hours": N_("Hours"),
    "notes": N_("Notes"),
    "benefit": N_("Benefit"),
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
    entries = tn("{count} entry", "{count} entries", total)
    groups = tn("{count} category", "{count} categories", categories)
    return t(
        "📚 <b>Resource directory</b> — {entries} in {groups}.\nTap a category, or "
        "search: <code>/resources food bank</code>",
        entries=entries,
        groups=groups,
    )


def search_title(words: str, category: str | None) -> str:
    parts = []
    if category:
        parts.append(f"📂 {escape(category)}")
    if words:
        parts.append(f"🔎 “{escape(words)}”")
    return " · ".join(parts) or _("📚 All resources")


def search_header(words: str, category: str | None, total: int, page: int, pages: int) -> str:
    found = tn("{count} found", "{count} found", total)
    suffix = t(" · page {page} of {pages}", page=page + 1, pages=pages) if pages > 1 else ""
    return f"<b>{search_title(words, category)}</b> — {found}{suffix}"


def nothing_found(words: str, category: str | None) -> str:
    return t(
        "<b>{search_title}</b>\nNothing in the directory matches. Try other words, or "
        "pick a category.",
        search_title=search_title(words, category),
    )


def category_button(category: str, count: int) -> str:
    """Plain text (a button label)."""
    return f"{category} ({count})"


def resource_button(name: str, category: str, *, archived: bool = False) -> str:
    """Plain text (a button label)."""
    return f"{tr(ARCHIVED_MARK) if archived else ''}{name} · {category}"


# ── chat editor (admins) ──────────────────────────────────────────────────────
SKIP_FIELD = N_("↷ Skip")
KEEP = N_("↷ Keep")
CLEAR = N_("🗑 Clear")
RESOURCE_ASK_NAME = N_("<b>New resource.</b> What is it called?\n(/cancel to stop)")
RESOURCE_SAVED_TOAST = N_("Saved.")
RESOURCE_ASK_CATEGORY = N_("Which category? Tap one, or type a new one.")
RESOURCE_ASK = {
    "phone": N_("Phone number?"),
    "address": N_("Address?"),
    "hours": N_("Opening hours? (e.g. “Mon–Fri 9–17”)"),
    "notes": N_("Notes for colleagues? (eligibility, what to bring, who to ask for)"),
}


def resource_edit_intro(name: str) -> str:
    return t(
        "<b>Editing {name}.</b> Type a new value or tap ↷ Keep. (/cancel to stop)",
        name=escape(name),
    )


def current_value(value: str | None) -> str:
    return t("Now: {value}", value=escape(value)) if value else _("Now: —")


def benefit_toggle(on: bool) -> str:
    """Plain text (a button label)."""
    return _("🏛 Benefit program: yes") if on else _("🏛 Benefit program: no")


def resource_confirm_title(new: bool) -> str:
    return _("<b>Save this new resource?</b>") if new else _("<b>Save these changes?</b>")


def resource_duplicate(name: str) -> str:
    return t(
        "“{name}” at that address is already in the directory, so I didn't add it a "
        "second time. Here it is:",
        name=escape(name),
    )


def problem(item: Problem) -> str:
    """A field problem in words (plain text: the CLI prints it, the bot escapes it)."""
    label = tr(FIELD_NAMES).get(item.field, item.field)
    if item.kind == Kind.MISSING:
        return t("{label} is missing", label=label)
    if item.kind == Kind.TOO_LONG:
        return t("{label} is longer than {limit} characters", label=label, limit=item.limit)
    if item.kind == Kind.BAD_EMAIL:
        return t(
            "{label} “{value}” doesn't look like an email address", label=label, value=item.value
        )
    if item.kind == Kind.BAD_WEBSITE:
        return t("{label} “{value}” doesn't look like a web address", label=label, value=item.value)
    if item.kind == Kind.BAD_BENEFIT:
        return t("{label} must be yes or no, not “{value}”", label=label, value=item.value)
    return t("{label} is not valid", label=label)


def problems(items: list[Problem]) -> str:
    return _("Please fix: ") + escape("; ".join(problem(item) for item in items)) + "."


# ── CSV import (printed by `caseline resources import`; plain text) ───────────
IMPORT_COLUMNS = N_(
    "name, category, description, phone, email, website, address, hours, notes, benefit"
)
IMPORT_NOT_UTF8 = N_("the file is not UTF-8 text (save it as “CSV UTF-8”)")
IMPORT_EMPTY = N_("the file is empty: the first line must name the columns")
IMPORT_NO_ROWS = N_("the file has a header but no rows")


def import_unknown_columns(names: list[str]) -> str:
    return t(
        "unknown column(s) {columns}; the columns are: {import_columns}",
        columns=", ".join(names),
        import_columns=tr(IMPORT_COLUMNS),
    )


def import_missing_columns(names: list[str]) -> str:
    return t(
        "missing column(s) {columns}; the columns are: {import_columns}",
        columns=", ".join(names),
        import_columns=tr(IMPORT_COLUMNS),
    )


def import_repeated_columns(names: list[str]) -> str:
    return t("column(s) named twice: {columns}", columns=", ".join(names))


def import_too_many_values(count: int, columns: int) -> str:
    return t(
        "{count} values, but the header has {columns} columns (a comma inside a "
        "value needs quotes around the value)",
        count=count,
        columns=columns,
    )


def import_unnamed_value(column: int) -> str:
    return t("a value in column {column}, which has no name in the header", column=column)


def import_unreadable(reason: str) -> str:
    return t("cannot read this line as CSV: {reason}", reason=reason)


def import_too_many_rows(limit: int) -> str:
    return t("more than {limit} rows; split the file", limit=number(limit))


def import_same_as(line: int) -> str:
    return t("same name and address as line {line}; keep one of them", line=line)


def import_progress(done: int, total: int) -> str:
    return t("  {done}/{total} rows", done=number(done), total=number(total))


def import_rejected(errors: int) -> str:
    rows = tn("{count} problem", "{count} problems", errors)
    return t("Nothing was imported: {rows} to fix first.", rows=rows)


def import_line(line: int, message: str) -> str:
    return t("line {line}: {message}", line=line, message=message)


def import_done(imported: int, updated: int, unchanged: int, restored: int) -> str:
    text = t(
        "Imported {imported} new resource(s); updated {updated} already in the "
        "directory; {unchanged} unchanged",
        imported=imported,
        updated=updated,
        unchanged=unchanged,
    )
    if restored:
        text += t(
            " ({restored} had been archived and are back in the directory)", restored=restored
        )
    return text + "."


def import_updated(line: int, name: str) -> str:
    return t(
        "line {line}: “{name}” is already in the directory (same name and address): updated",
        line=line,
        name=name,
    )


# ── /refer ────────────────────────────────────────────────────────────────────
REFER_ASK_CLIENT = N_("<b>New referral.</b> For which client?")
NEW_REFERRAL = N_("➕ New referral")
CONSENT_GIVEN = N_("✅ Consent given")
CONSENT_REFUSED = N_("🚫 Client refused")
CONSENT_STANDARD = N_("Referrals to community services")
CONSENT_REFUSED_SCOPE = N_("Refused when asked for a referral")
CONSENT_SCOPE_EMPTY = N_("Please type what the consent covers, or tap the button.")
REFERRAL_REASON_EMPTY = N_("Please type the reason for the referral.")
FOLLOW_UP_CHOICES = [(N_("In 1 week"), "1w"), (N_("In 2 weeks"), "2w"), (N_("In 1 month"), "1m")]
FOLLOW_UP_PAST = N_("That date has passed. When should you follow up?")
APPLIED_FUTURE = N_("That's in the future. When was the application made?")
APPLIED_TODAY = N_("Today")
SEND_REFERRAL = N_("📨 Send referral")
REFERRAL_SENT_TOAST = N_("Referral sent.")
CONSENT_GONE = N_("The client's consent is no longer on record, so this referral can't be sent.")
REFER_DIRECTORY_EMPTY = N_(
    "The resource directory is empty, so there is nothing to refer to yet. "
    "Ask an admin to add resources (or import them with <code>caseline resources import</code>)."
)
REFERRAL_DRAFT_GONE = N_("This referral draft is no longer active.")


def reason_too_long(limit: int) -> str:
    return t("Please keep the reason under {limit} characters.", limit=number(limit))


@nameless
def refer_open_list(code: str, name: str, count: int) -> str:
    referrals = tn("{count} open referral", "{count} open referrals", count)
    return t(
        "<b>{code} · {name}</b> has {referrals}. Open one, or make a new one.",
        code=code,
        name=escape(name),
        referrals=referrals,
    )


@nameless
def no_consent(code: str, name: str, refused_on: str | None) -> str:
    state = (
        t("The client <b>refused</b> consent on {refused_on}.", refused_on=refused_on)
        if refused_on
        else _("There is no consent to share information on record.")
    )
    return t(
        "⚠ <b>{code} · {name}</b>: {state}\nA referral shares the client's details "
        "with the resource, so consent comes first. Did the client give consent?",
        code=code,
        name=escape(name),
        state=state,
    )


def consent_ask_scope(code: str) -> str:
    return t(
        "Consent from {code}. What does it cover? Type it (e.g. “share contact "
        "details and needs with food and housing services”), or tap the button.",
        code=code,
    )


def consent_refused_recorded(code: str) -> str:
    return t(
        "Recorded: {code} refused consent. No referral can be made — a referral "
        "would share their data. If they change their mind, start again with /refer.",
        code=code,
    )


@nameless
def refer_ask_resource(code: str, name: str, consent: str) -> str:
    return t(
        "Referral for <b>{code} · {name}</b>\n✅ Consent: {consent}\nTo which resource? "
        "Type words (e.g. “food bank”), or pick a category.",
        code=code,
        name=escape(name),
        consent=escape(consent),
    )


def refer_ask_reason(resource: str) -> str:
    return t(
        "Referral to <b>{resource}</b>. What is the reason? A short text.",
        resource=escape(resource),
    )


def refer_ask_follow_up() -> str:
    return _("When will you follow up? Tap, or type a date (e.g. “next fri”, “20/3”).")


def refer_ask_applied(resource: str) -> str:
    return t(
        "🏛 <b>{resource}</b> is a benefit program: this referral is an application. "
        "When was it made? Tap Today, or type the date (e.g. “yesterday”, “28/2”).",
        resource=escape(resource),
    )


@nameless
def refer_draft_kept(code: str, name: str) -> str:
    return t(
        "You have an unfinished referral for <b>{code} · {name}</b>. Pick it up again?",
        code=code,
        name=escape(name),
    )


@nameless
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
        t("<b>Send this referral?</b> · {code} · {name}", code=code, name=escape(name)),
        f"→ {escape(resource)} ({escape(category)})",
        t("Reason: {reason}", reason=escape(reason)),
        f"{tr(FOLLOW_UP)}: {follow_up}",
    ]
    if applied:
        lines.append(f"{tr(APPLICATION_MADE)}: {applied}")
    return "\n".join(lines)


# ── the referral card ─────────────────────────────────────────────────────────
# Keyed by the enum's members but typed by str: a record holds its status or kind as the
# plain string, which finds the member's entry (a StrEnum member is that string).
REFERRAL_STATUS_NAMES: dict[str, str] = {
    ReferralStatus.SENT: N_("📨 Sent"),
    ReferralStatus.ACCEPTED: N_("✅ Accepted"),
    ReferralStatus.DECLINED: N_("🚫 Declined"),
    ReferralStatus.COMPLETED: N_("🏁 Completed"),
    ReferralStatus.WITHDRAWN: N_("↩ Withdrawn"),
}
# The buttons that move a referral to each status.
STATUS_BUTTONS = {
    ReferralStatus.ACCEPTED: N_("✅ Accepted"),
    ReferralStatus.DECLINED: N_("🚫 Declined"),
    ReferralStatus.COMPLETED: N_("🏁 Completed"),
    ReferralStatus.WITHDRAWN: N_("↩ Withdraw"),
}
STATUS_TOASTS = {
    ReferralStatus.ACCEPTED: N_("Marked as accepted."),
    ReferralStatus.DECLINED: N_("Marked as declined."),
    ReferralStatus.COMPLETED: N_("Marked as completed."),
    ReferralStatus.WITHDRAWN: N_("Referral withdrawn."),
}
FOLLOW_UP = N_("Follow-up")
APPLICATION_MADE = N_("🏛 Application made")
DECLINED_BECAUSE = N_("Declined because")
WITHDRAW_CONFIRM = N_("↩ Yes, withdraw it")
REFERRAL_GONE = N_("That referral isn't available to you.")
REFERRAL_CHANGED = N_("This referral was changed meanwhile; here it is as it is now.")
DECLINE_REASONS = {
    "elig": N_("Not eligible"),
    "full": N_("No capacity / waiting list"),
    "client": N_("Client didn't want it"),
    "reach": N_("Couldn't reach the client"),
}
ASK_DECLINE_REASON = N_("Why was it declined? Tap, or type the reason.")
ASK_OUTCOME = N_("What was the outcome? Type it (e.g. “gets weekly food parcels from 10 March”).")
DECLINE_REASON_EMPTY = N_("Please type why the referral was declined.")
OUTCOME_EMPTY = N_("Please type the outcome.")


@nameless
def referral_title(referral_id: int, code: str, name: str) -> str:
    return t(
        "<b>Referral R-{referral_id}</b> · {code} · {name}",
        referral_id=referral_id,
        code=code,
        name=escape(name),
    )


def referral_button(referral_id: int, resource: str, status: str) -> str:
    """Plain text (a button label)."""
    return f"R-{referral_id} · {resource} · {tr(REFERRAL_STATUS_NAMES).get(status, status)}"


def referral_line(referral_id: int, resource: str, status: str, follow_up: str | None) -> str:
    due = t(" · follow up {follow_up}", follow_up=follow_up) if follow_up else ""
    status_name = tr(REFERRAL_STATUS_NAMES).get(status, status)
    return f"R-{referral_id} → {escape(resource)} · {status_name}{due}"


def withdraw_question(referral_id: int) -> str:
    return t("Withdraw referral R-{referral_id}? This cannot be undone.", referral_id=referral_id)
