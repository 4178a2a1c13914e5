"""Every text a user reads, in one place (English), so wording and translation are easy.

Texts are HTML (the bot's default parse mode). Anything a user typed must pass through
`html.escape` before it is put into one of these; helpers that take user text do it.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from storage.history import Event, EventKind
from storage.models import (
    ClientStatus,
    GoalStatus,
    InteractionType,
    PlanStatus,
    Program,
    ReferralStatus,
    Role,
)
from storage.resources import Kind, Problem

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


def already_member(name: str) -> str:
    return f"You're already signed in as <b>{escape(name)}</b>. Send /help to see what I can do."


def welcome(name: str, role: str) -> str:
    return (
        f"Welcome to Caseline, <b>{escape(name)}</b>! You're signed in as {ROLE_NAMES[role]}.\n\n"
        + help_text(role)
    )


def welcome_back(name: str) -> str:
    return f"Hello again, <b>{escape(name)}</b>. Send /help to see what I can do."


ROLE_NAMES = {
    Role.WORKER: "a case worker",
    Role.SUPERVISOR: "a supervisor",
    Role.ADMIN: "an admin",
}

WORKER_COMMANDS = [
    ("note", "Write a progress note"),
    ("visit", "Log a visit that happened"),
    ("appt", "Schedule an appointment"),
    ("today", "My appointments today"),
    ("week", "My next 7 days"),
    ("clients", "My caseload"),
    ("settings", "Reminders, time zone, quiet hours"),
    ("client", "Open a client: /client C-0042"),
    ("newclient", "Add a client"),
    ("help", "What I can do"),
    ("cancel", "Stop what you're doing"),
]
LEAD_COMMANDS = [("invite", "Invite a colleague")]


def help_text(role: str) -> str:
    lines = ["<b>What I can do</b>"]
    commands = MENU_COMMANDS + (LEAD_MENU_COMMANDS if role != Role.WORKER else [])
    lines += [f"/{name} — {escape(description)}" for name, description in commands]
    return "\n".join(lines)


NOTHING_TO_CANCEL = "There's nothing to cancel. Send /help to see what I can do."
CANCELLED = "Cancelled. Nothing was saved."
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


def caseload_header(total: int, page: int, pages: int) -> str:
    clients = "client" if total == 1 else "clients"
    suffix = f" · page {page + 1} of {pages}" if pages > 1 else ""
    return f"<b>My caseload</b> — {total} {clients}{suffix}\nMost recently contacted first."


def client_not_found(code: str) -> str:
    return f"I can't find {escape(code)} among the clients you can see."


CLIENT_CODE_NEEDED = "Which client? Send for example <code>/client C-0042</code>."

PROGRAM_NAMES = {
    Program.ELDERLY: "Elderly at home",
    Program.RECOVERY: "Substance-use recovery",
    Program.CHRONIC: "Chronic illness",
    Program.HOSPICE: "Hospice",
    Program.DISABILITY: "Disability",
    Program.OTHER: "Other",
}
STATUS_NAMES = {
    ClientStatus.INTAKE: "Intake",
    ClientStatus.ACTIVE: "Active",
    ClientStatus.ON_HOLD: "On hold",
    ClientStatus.DISCHARGED: "Discharged",
}
INTERACTION_NAMES = {
    InteractionType.HOME_VISIT: "Home visit",
    InteractionType.OFFICE: "Office",
    InteractionType.PHONE: "Phone",
    InteractionType.VIDEO: "Video",
    InteractionType.COLLATERAL: "Collateral",
    InteractionType.SUPERVISION: "Supervision",
    InteractionType.OTHER: "Other",
}

BACK_TO_CASELOAD = "◀ Caseload"
PREVIOUS = "◀"
NEXT = "▶"

# /newclient
NEWCLIENT_ASK_NAME = "New client. What is the client's full name?\n(/cancel to stop)"
NEWCLIENT_NAME_NOT_TEXT = "Please type the client's name as text."
NEWCLIENT_NAME_TOO_SHORT = "That name is too short. Please type the client's full name."


def newclient_name_too_long(limit: int) -> str:
    return f"That name is longer than {limit} characters. Please type a shorter name."


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
MID_FLOW = "You're in the middle of something. Finish it, or send /cancel to stop."


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
}
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


# /note
NOTE_ASK_CLIENT = "<b>New note.</b> Which client?"
NOTE_DRAFT = "Note draft"
NOW = "now"
RISK = "Risk"
NOTE_TYPE_IT = (
    "Type the note — one or several messages. A voice note or photo works too. Then tap ✅ Save."
)
NOTE_WHAT_WORKS = "I can take text, a voice note, a photo or a document for a note."
TEXT_EXPECTED = "Please answer with text (or /cancel)."
WHEN = "🕒 When"
RISK_BUTTON = "⚠ Risk"
GOALS = "🎯 Goals"
DAP = "DAP"
REPLACE_TEXT = "✏️ Replace"
BACK = "◀ Back"
DONE = "✅ Done"
WHEN_CHOICES = [("Now", 0), ("1 h ago", 60), ("2 h ago", 120), ("Yesterday", 24 * 60)]
NOTE_ASK_WHEN = "When did it happen? Tap, or type e.g. “2h ago”, “yesterday 14:00”, “today 9:30”."
NOTE_WHEN_FUTURE = "That's in the future. A note records something that happened — when was it?"
NOTE_ASK_RISK = "What is the risk? A short reason (the supervisor is alerted)."
NOTE_ASK_REPLACE = "Type the new text; it replaces everything typed so far."
NOTE_ASK_GOALS = "Which plan goals does this note touch?"
NO_ACTIVE_GOALS = "This client has no active plan goals yet."
DAP_DATA = "Data"
DAP_ASSESSMENT = "Assessment"
DAP_PLAN = "Plan"
DAP_ASK_DATA = "<b>DAP note.</b> Data: what did you see and hear?"
DAP_ASK_ASSESSMENT = "Assessment: what does it mean?"
DAP_ASK_PLAN = "Plan: what happens next?"
NOTE_SAVED_TOAST = "Note saved."
CARD_OUTDATED = (
    "That card was out of date. The draft as it stands is shown now: check it, then save."
)
NOTE_NOTHING_TO_SAVE = "Nothing to save yet: type the note, or send a voice note or photo."
AMEND = "✏️ Amend"
OPEN_CLIENT = "👤 Client"
UNDO = "↩ Undo"
UNDO_TOO_LATE = "Too late to undo (1 minute). Use ✏️ Amend to add a correction."
NOTE_UNDONE_TOAST = "Note withdrawn."


def note_ask_kind(code: str, name: str) -> str:
    return f"Note for <b>{code} · {escape(name)}</b>. What kind of contact?"


def note_draft_kept(code: str, name: str, characters_count: int) -> str:
    return (
        f"You have an unsaved note for <b>{code} · {escape(name)}</b> "
        f"({characters(characters_count)}). Pick it up again?"
    )


def note_too_long(limit: int) -> str:
    return f"A note can hold {limit:,} characters; this would go over. Save it and start another."


def goals_count(count: int) -> str:
    return "1 goal" if count == 1 else f"{count} goals"


def attachments_count(count: int) -> str:
    return "1 attachment" if count == 1 else f"{count} attachments"


def characters(count: int) -> str:
    return f"{count:,} characters"


def note_saved(note_id: int, code: str, name: str, kind: str, when: str) -> str:
    return f"✅ <b>Note N-{note_id} saved</b> · {code} · {escape(name)}\n{kind} · {when}"


def note_already_saved(note_id: int, code: str, name: str, kind: str, when: str) -> str:
    return (
        f"☑️ <b>Already saved as N-{note_id}</b> · {code} · {escape(name)}\n{kind} · {when}\n"
        "The same note arrived twice, so it is kept once. To save it again, change a word."
    )


def note_undone(code: str) -> str:
    return f"↩ The note for {code} was withdrawn. It is kept in the audit trail only."


# ✏️ Amend
def amend_ask(note_id: int, code: str) -> str:
    return (
        f"Amending note N-{note_id} for {code}. Type the correction; "
        "the original stays as it was. (/cancel to stop)"
    )


def note_with_amendments_header(note_id: int, code: str, when: str, author: str) -> str:
    return f"<b>Note N-{note_id}</b> · {code} · {when} · {escape(author)}"


def amendment_line(author: str, when: str) -> str:
    """Plain text (it is escaped with the note body)."""
    return f"— Amendment by {author}, {when}:"


# Dates
TODAY = "Today"
TOMORROW = "Tomorrow"


# Appointments and visits
APPOINTMENT = "Appointment"
PLACE = "Place"
REASON = "Reason"
PART_OF_SERIES = "🔁 Part of a repeating series"
MARK_DONE = "✅ Done"
NO_SHOW = "🚫 No-show"
RESCHEDULE = "🕒 Reschedule"
CANCEL_APPOINTMENT = "✖ Cancel visit"
APPOINTMENT_STATUS_NAMES = {
    "scheduled": "Scheduled",
    "completed": "✅ Completed",
    "no_show": "🚫 No-show",
    "cancelled": "✖ Cancelled",
}
APPOINTMENT_STATUS_MARK = {"completed": " ✅", "no_show": " 🚫", "cancelled": " ✖"}
TODAY_TITLE = "Today"
WEEK_TITLE = "This week"
NOTHING_TODAY = "Nothing scheduled today. Schedule with /appt."
APPOINTMENT_GONE = "That appointment isn't available any more."
APPOINTMENT_NOT_SCHEDULED = "That appointment is no longer scheduled."
ASK_CANCEL_REASON = "Why is it cancelled?"
CANCEL_REASONS = {
    "client": "Client cancelled",
    "unwell": "Client unwell",
    "worker": "Worker unavailable",
    "other": "Other",
}
WHOLE_SERIES = "All following visits too"
NO_SHOW_RECORDED = "Recorded as a no-show."
APPT_ASK_CLIENT = "<b>New appointment.</b> With which client?"
APPT_NEED_TIME = "At what time? For example “14:30” or “3pm”."
APPT_ASK_DAY_AGAIN = "Which day then? Tap, or type e.g. “tomorrow 3pm”."
APPT_ASK_PLACE = "Where? Type an address or a short place name."
APPT_SAVED_TOAST = "Appointment saved."
YES_SCHEDULE = "Yes, schedule it"
PICK_ANOTHER = "Pick another time"
NEW_APPOINTMENT = "New appointment"
REPEATS = "Repeats"
DURATION = "⏱ Duration"
KIND = "Kind"
REPEAT = "🔁 Repeat"
PLACE_BUTTON = "📍 Place"
RECURRENCE_NAMES = {
    "none": "no",
    "weekly": "every week",
    "biweekly": "every 2 weeks",
    "monthly": "every month",
}


def appt_ask_day(code: str, name: str) -> str:
    return (
        f"Appointment with <b>{code} · {escape(name)}</b>. Which day?\n"
        "Tap, or type e.g. “tomorrow 3pm”, “fri 9:30”, “12/3 14:00”."
    )


def appt_ask_new_day(code: str, current: str) -> str:
    return f"Move {code}'s appointment ({current}) to which day? Tap, or type a new date and time."


def appt_ask_time(day) -> str:
    return f"{day:%a} {day.day} {day:%b}: at what time? Tap, or type e.g. “14:30”."


def appt_in_past(when: str) -> str:
    return f"{when} is in the past. Schedule it anyway?"


# /visit
VISIT = "Visit"
OUTCOME = "Outcome"
OUTCOME_BUTTON = "Outcome"
ADD_NOTE = "📝 Note"
VISIT_ASK_CLIENT = "<b>Log a visit.</b> Which client?"
VISIT_WHEN_FUTURE = "That's in the future. To plan a visit, use /appt."
VISIT_ASK_NOTE = "Type the note for this visit (one or several messages), then tap ✅ Save."
VISIT_SAVED_TOAST = "Visit logged."
DRAFT_RESUMED = "Here is the visit you left unfinished:"


def visit_ask_when(code: str, name: str) -> str:
    return (
        f"Visit with <b>{code} · {escape(name)}</b>. When was it? "
        "Tap, or type e.g. “2h ago”, “yesterday 14:00”."
    )


def visit_saved(code: str, name: str, when: str, outcome: str) -> str:
    return (
        f"✅ <b>Visit logged</b> · {code} · {escape(name)}\n{when} · "
        f"{APPOINTMENT_STATUS_NAMES[outcome]}"
    )


# ✅ Done before the appointment's start, and a visit near a scheduled appointment
LOG_NOW_YES = "Yes, it happened now"
LOG_NOW_NO = "No"
VISIT_LEFT_SCHEDULED = "OK, the appointment stays scheduled."
SAME_VISIT_NO = "No, another visit"


def visit_log_now(when: str, minutes: int, kind: str) -> str:
    return (
        f"This visit is planned for {when} · {minutes} min · "
        f"{INTERACTION_NAMES.get(kind, kind)}. Log it as happened now?"
    )


def visit_same(at: str) -> str:
    return f"Is this the {at} visit?"


def visit_same_yes(at: str) -> str:
    return f"Yes, the {at} visit"


# Reminders
SNOOZE_HOUR = "💤 1 h"
SNOOZE_TOMORROW = "💤 Tomorrow"
OPEN_TODAY = "📅 Today"
AGENDA_APPOINTMENTS = "Appointments"
AGENDA_VISITS = "Visits due"
AGENDA_REVIEWS = "Plan reviews due"
AGENDA_REFERRALS = "Referral follow-ups"
AGENDA_LIST_MAX = 15


def appointment_reminder(minutes: int, at: str, client: str, kind: str, place: str | None) -> str:
    """`minutes` until the start; negative once it has started (a snoozed or held
    reminder is written when it is sent, from the time left then)."""
    if minutes < 0:
        when = f"started {_duration(-minutes)} ago"
    else:
        when = "now" if minutes == 0 else f"in {minutes} min"
    where = f"\n📍 {escape(place)}" if place else ""
    return f"⏰ <b>{at}</b> ({when}) · {client} · {kind}{where}"


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def appointment_reminder_closed(at: str, client: str, kind: str, status: str) -> str:
    """A reminder whose appointment is no longer scheduled, as it stands."""
    return f"⏰ <s>{at}</s> · {client} · {kind}\n{status}"


def snooze_not_scheduled(status: str) -> str:
    """The toast when 💤 is pressed on a reminder whose appointment moved on."""
    word = {"completed": "done", "no_show": "marked no-show", "cancelled": "cancelled"}
    return f"Not snoozed: this appointment is already {word.get(status, status)}."


def agenda_title(name: str, day) -> str:
    return f"☀️ <b>Good morning, {escape(name.split()[0])}</b> — {day:%a} {day.day} {day:%b}"


def overdue_count(count: int) -> str:
    return f"{count} overdue"


def due_on(due, today) -> str:
    days = (due - today).days
    if days < 0:
        return f"overdue {-days} d"
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    return f"due in {days} d"


def and_more(count: int) -> str:
    return f"… and {count} more"


def worker_blocked(name: str) -> str:
    return (
        f"⚠ <b>{escape(name)}</b> has blocked Caseline and no longer gets reminders. "
        "Their access is paused until they are invited again."
    )


RISK_REASON_ON_CARD = "The reason is in the note on the client's card."


def agenda_continued(page: int, pages: int) -> str:
    return f"<i>(agenda continued {page}/{pages})</i>"


def risk_alert(author: str, client: str, reason: str) -> str:
    """`client` and `reason` arrive escaped."""
    return f"⚠ <b>Risk flagged</b> by {escape(author)} for {client}:\n{reason}"


def snoozed_again(original_html: str) -> str:
    return f"💤 Snoozed reminder:\n{original_html}"


def snoozed_until(when: str) -> str:
    return f"Snoozed until {when}."


# Supervisor digest
DIGEST_COMMANDS = [
    ("digest", "Today's digest of my team"),
    ("team", "My team's workers and figures"),
]
DIGEST_ONLY_SUPERVISORS = "Only supervisors can see the team digest."
DIGEST_NO_TEAM = "You don't lead a team yet, so there is no team digest to show."
DIGEST_NO_TEAMS = "There are no teams yet."
DIGEST_CHART_VISITS = "Visits completed"
DIGEST_CHART_NOTES = "Notes written"
DIGEST_NO_WORKERS = "No workers in this team yet."
RAG_MARKS = {"green": "🟢", "yellow": "🟡", "red": "🔴"}
NO_CLIENTS_MARK = "⚪"
QUIET_MARK = "💤"


def _digest_count(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def digest_pick_team(command: str, names: list[str], more: int) -> str:
    """For an admin outside any team: which team's figures? (`names` is not empty.)"""
    listed = ", ".join(escape(name) for name in names) + (f" {and_more(more)}" if more else "")
    example = f"<code>/{command} {escape(names[0])}</code>"
    return f"Which team? Send for example {example}.\nTeams: {listed}"


def digest_unknown_team(typed: str) -> str:
    return f"There is no team called “{escape(typed)}”."


def digest_title(team: str, day: str) -> str:
    return f"<b>{escape(team)} · team digest · {day}</b>"


def digest_continued(team: str, page: int, pages: int) -> str:
    return f"<i>{escape(team)} · digest continued ({page}/{pages})</i>"


def digest_chart_title(team: str) -> str:
    """Plain text (drawn into the picture, not parsed as HTML)."""
    return f"{team} · visits and notes, last 14 days"


def digest_caption(team: str, day: str) -> str:
    return f"📊 <b>{escape(team)}</b> · visits and notes, the 14 days up to {day}"


def seen_share(seen: int, total: int) -> str:
    """Rounded down, so a share shown as 85 % is always green."""
    return f"{seen}/{total} seen within frequency ({seen * 100 // total} %)"


def seen_short(seen: int, total: int) -> str:
    return f"{seen}/{total} seen" if total else "no open clients"


def digest_no_clients(name: str) -> str:
    return f"{NO_CLIENTS_MARK} <b>{escape(name)}</b> · no open clients"


def digest_person(mark: str, name: str, share: str, *, lead: bool) -> str:
    suffix = " (own caseload)" if lead else ""
    return f"{mark} <b>{escape(name)}</b>{suffix} · {share}"


def digest_today(visits: int, no_shows: int, notes: int, tomorrow: int) -> str:
    return (
        f"✅ {_digest_count(visits, 'visit')} · 🚫 {_digest_count(no_shows, 'no-show')} · "
        f"📝 {_digest_count(notes, 'note')} · 📅 {tomorrow} tomorrow"
    )


def digest_concerns(overdue: int, reviews: int, risks: int) -> str:
    """The things to follow up; empty when there are none."""
    parts = []
    if overdue:
        parts.append(f"⏰ {_digest_count(overdue, 'client')} overdue")
    if reviews:
        parts.append(f"📋 {_digest_count(reviews, 'plan review')} overdue")
    if risks:
        parts.append(f"⚠ {_digest_count(risks, 'risk flag')} (24 h)")
    return " · ".join(parts)


DIGEST_ALL_CLEAR = "Nothing overdue, no risk flags."
DIGEST_QUIET_WORKER = f"{QUIET_MARK} Quiet for 2 working days"


def digest_quiet(names: list[str], more: int) -> str:
    listed = ", ".join(f"<b>{escape(name)}</b>" for name in names)
    return f"{QUIET_MARK} Quiet for 2 working days: {listed}" + (
        f" {and_more(more)}" if more else ""
    )


def team_header(team: str, workers: int) -> str:
    return (
        f"<b>{escape(team)} · {_digest_count(workers, 'worker')}</b>\n"
        f"<i>⏰ clients overdue · ✅ visits today · ⚠ risk flags (24 h) · {QUIET_MARK} quiet</i>"
    )


def team_line(
    mark: str, name: str, seen: str, overdue: int, visits: int, risks: int, quiet: bool
) -> str:
    """One worker in /team: RAG, name, share seen, overdue, today's visits, flags."""
    line = f"{mark} <b>{escape(name)}</b> — {seen} · ⏰ {overdue} · ✅ {visits} today"
    if risks:
        line += f" · ⚠ {risks}"
    if quiet:
        line += f" · {QUIET_MARK}"
    return line


# /settings
SETTINGS_TITLE = "Your settings"
SETTINGS_ZONE = "Time zone"
SETTINGS_LEAD = "Reminder before visits"
SETTINGS_START = "Start of day"
SETTINGS_QUIET = "Quiet hours"
SETTINGS_DAYS_OFF = "Days off"
SETTINGS_KINDS = "Reminders"
SETTINGS_DIGEST = "Team digest at"
SETTINGS_NONE = "none"
SETTINGS_NO_QUIET = "none"
SETTINGS_SAVED = "Saved."
SETTINGS_TYPE_TIME = "⌨️ Type a time"
SETTINGS_ASK_ZONE = "Type your time zone, e.g. Europe/Berlin, America/New_York or UTC."
SETTINGS_ASK_TIME = "Type the time as HH:MM (for quiet hours: 21:00-07:00)."
SETTINGS_BAD_TIME = "Please type a time like 07:30."
SETTINGS_BAD_QUIET = "Please type quiet hours like 21:00-07:00."
REMINDER_KIND_NAMES = {
    "appt": "before visits",
    "agenda": "morning agenda",
    "digest": "team digest",
}


def settings_quiet_covers(kind: str, meant_for: str, moved_to: str | None) -> str:
    """/settings' warning when quiet hours cover the start of day (or the digest)."""
    what = "start of day" if kind == "agenda" else "team digest time"
    message = "morning agenda" if kind == "agenda" else "team digest"
    if moved_to is None:
        return (
            f"⚠ Your quiet hours cover your {what} ({meant_for}) and last past the end of "
            f"the day: you get no {message}."
        )
    return (
        f"⚠ Your quiet hours cover your {what} ({meant_for}): your {message} comes at "
        f"{moved_to}, when they end, and reminders due before then wait for it."
    )


def settings_bad_zone(typed: str) -> str:
    return (
        f"I don't know the time zone “{escape(typed)}”. "
        "Type it like Europe/Berlin, America/New_York or UTC."
    )


# ── Intake interview ──────────────────────────────────────────────────────

# Buttons and their small words
SKIP = "⏭ Skip"
NO_EXPIRY = "⏭ No expiry"
NO_PHONE = "⏭ No phone"
NO_NOTE = "⏭ No note"
ANSWER_NOW = "✍ Answer them now"
TO_SUMMARY = "➡ Go to the summary"
FINISH = "✅ Finish intake"
START_NEW = "➕ Start a new one"
SAVE_GOALS = "✅ Save as draft plan"
NO_GOALS = "No goals now"
OTHER_TEXT = "Other…"

# What each question is about (progress line, summary, "still unanswered" list)
STEP_TITLES = {
    "name": "Name",
    "date_of_birth": "Date of birth",
    "phone": "Phone",
    "address": "Address",
    "emergency_contact": "Emergency contact",
    "program": "Program",
    "living_situation": "Living situation",
    "contacts": "People around the client",
    "consent": "Consent",
}
NEED_NAMES = {
    "medical": "Medical",
    "psychosocial": "Psycho-social",
    "psychiatric": "Psychiatric",
    "housing": "Housing",
    "income": "Income and benefits",
    "substance": "Substance use",
    "safety": "Safety and risk",
    "daily_living": "Daily living",
}
NEED_HINTS = {
    "medical": "illnesses, medication, doctors, appointments",
    "psychosocial": "loneliness, relationships, social contact, grief",
    "psychiatric": "mental health, diagnoses, treatment",
    "housing": "a safe and stable home, rent, repairs",
    "income": "money, debts, benefits and entitlements",
    "substance": "alcohol, drugs, medication misuse",
    "safety": "falls, violence, self-harm, neglect",
    "daily_living": "meals, hygiene, household, getting around",
}
NEED_LEVELS = {"none": "No need", "some": "Some need", "urgent": "Urgent"}
NEED_BUTTONS = {"none": "No need", "some": "🟡 Some need", "urgent": "🔴 Urgent"}
NEED_MARKS = {"none": "⚪", "some": "🟡", "urgent": "🔴"}
LIVING_NAMES = {
    "alone": "Alone",
    "family": "With family",
    "carer": "With a carer",
    "supported": "Supported housing",
    "homeless": "Homeless",
    "other": "Other",
}
RELATION_NAMES = {
    "family": "Family",
    "caregiver": "Caregiver",
    "provider": "Provider",
    "other": "Other",
}
CONSENT_CHOICES = {"given": "✅ Given", "refused": "🚫 Refused", "later": "⏳ Later"}
SCOPES = {
    "referrals": "Share with referral agencies",
    "health": "Share with health providers",
    "family": "Share with family and caregivers",
}
EXPIRIES = {"6m": "6 months", "1y": "1 year"}
# The first goal proposed for a need marked "some" or "urgent" (a draft plan's goals).
GOAL_FOR_NEED = {
    "medical": "Get medical care in place and keep appointments",
    "psychosocial": "Strengthen social contact and emotional support",
    "psychiatric": "Connect with mental health care",
    "housing": "Secure stable housing",
    "income": "Secure income and the benefits the client is entitled to",
    "substance": "Reduce substance use and engage with recovery support",
    "safety": "Make a safety plan and reduce the risks at home",
    "daily_living": "Arrange help with daily living (meals, hygiene, household)",
}

# Questions
NEW_INTAKE = "<b>New intake.</b>"
ASK_NAME = "What is the client's full name?"
ASK_PHONE = "The client's phone number?"
ASK_ADDRESS = "The client's address?"
ASK_EMERGENCY = (
    "Emergency contact: who, and how to reach them? "
    "(e.g. “Ana Gonzalez, daughter, +49 170 1234567”)"
)
ASK_PROGRAM = "Which program?"
ASK_LIVING = "Living situation? Tap one, or type a short description."
ASK_LIVING_OTHER = "Describe the living situation in a few words."
ASK_CONTACT_RELATION = (
    "People around the client (family, caregiver, providers): add one, or tap ✅ Done."
)
ASK_CONSENT = (
    "<b>Consent / release of information.</b> May the client's information be shared "
    "(for example with referral agencies)? Nothing is shared before consent is recorded."
)
ASK_SCOPE_GIVEN = "Consent given — for what? Tap, or type the scope in a few words."
ASK_SCOPE_REFUSED = "Consent refused — for what? Tap, or type the scope in a few words."
ASK_EXPIRY = "Until when is the consent valid? Tap, or type a date (e.g. {example})."

# Replies
SAVED = "✓ Saved."
SAVED_TOAST = "Saved"
KEPT_TOAST = "Kept as it was"
SKIPPED_TOAST = "Skipped — it comes back at the end"
USE_BUTTONS = "Please tap one of the buttons above (⏭ Skip, ◀ Back and ✖ Cancel work too)."
TYPE_ANSWER = "Please type the answer as text, or use the buttons (⏭ Skip, ◀ Back, ✖ Cancel)."
NAME_TOO_SHORT = "That name is too short. Please type the client's full name."
NOT_A_PHONE = (
    "That doesn't look like a phone number. Use digits, spaces and + - ( ) only, "
    "e.g. +49 170 1234567."
)
EMPTY_ANSWER = "That was empty. Please type the answer, or tap ⏭ Skip."
GONE = (
    "This intake isn't open to you any more (it was finished, or the client was "
    "reassigned). Everything answered so far is saved."
)
PICK_GOALS = "Tick at least one goal, or tap “No goals now”."
LATE_USED = "Used what you sent before the pause."


def too_long(limit: int, length: int) -> str:
    return (
        f"That's {length:,} characters; this answer can hold {limit:,}. "
        "Please shorten it and send it again."
    )


def date_example(order: str) -> str:
    return "24/12/1950" if order == "DMY" else "12/24/1950"


def ask_birth_date(order: str) -> str:
    written = "day/month/year" if order == "DMY" else "month/day/year"
    return f"Date of birth? Type it like {date_example(order)} ({written}) or 1950-12-24."


def bad_date(order: str) -> str:
    written = "day/month/year" if order == "DMY" else "month/day/year"
    return (
        f"I can't read that as a date. Type it like {date_example(order)} ({written}) "
        "or 1950-12-24, with the year in four digits."
    )


NO_SUCH_DATE = "That date doesn't exist. Please check the day and the month."
BIRTH_IN_FUTURE = "That date is in the future. Please type the date of birth."
TOO_OLD = "That would make the client over 120 years old. Please check the year."
EXPIRY_NOT_FUTURE = "The consent must be valid beyond today. Type a later date, or tap a button."
EXPIRY_TOO_FAR = "That is more than 10 years ahead. Please check the year."


def ask_need(domain: str) -> str:
    return f"<b>{NEED_NAMES[domain]}</b> needs? ({NEED_HINTS[domain]})"


def ask_need_note(domain: str) -> str:
    return f"A short note on the <b>{NEED_NAMES[domain].lower()}</b> need? (optional)"


def ask_contact_name(relation: str) -> str:
    return f"Name of the {RELATION_NAMES[relation].lower()} contact?"


def ask_contact_phone(name: str) -> str:
    return f"Phone number of {escape(name)}? (⏭ No phone if you don't have it)"


def progress(code: str, name: str, index: int, total: int, title: str) -> str:
    return f"<b>Intake · {code} · {escape(name)}</b> · {index}/{total} · {title}"


def review_progress(code: str, name: str, index: int, total: int, title: str) -> str:
    return f"<b>Intake · {code} · {escape(name)}</b> · skipped {index}/{total} · {title}"


def saved_value(value_html: str) -> str:
    """`value_html` arrives escaped."""
    return f"<i>Saved:</i> {value_html}"


def late_button(text: str) -> str:
    short = text if len(text) <= 24 else text[:23] + "…"
    return f"📥 Use “{short}”"


def started(code: str) -> str:
    return f"Intake started: the client is saved as {code} (status: intake)."


def cancelled_kept(code: str) -> str:
    return f"The intake for {code} is saved as far as you got; /intake resumes it."


def resume_offer(refs: list[tuple[str, str]]) -> str:
    """`refs` are (code, name) pairs; the first is the one left most recently."""
    if len(refs) == 1:
        code, name = refs[0]
        return f"Resume the intake for <b>{code} · {escape(name)}</b>? Or start a new one."
    return "You have intakes in progress. Resume one, or start a new one?"


def resume_button(code: str, name: str) -> str:
    label = f"▶ {code} · {name}"
    return label if len(label) <= 40 else label[:39] + "…"


def not_in_intake(code: str) -> str:
    """A toast (plain text)."""
    return f"{code} is not in intake any more."


def skipped_offer(count: int) -> str:
    questions = "1 question" if count == 1 else f"{count} questions"
    return f"You skipped {questions} — answer them now?"


def age(years: int) -> str:
    return f"{years} years"


def summary_title(code: str, name: str) -> str:
    return f"<b>Intake summary · {code} · {escape(name)}</b>"


def unanswered(titles: list[str]) -> str:
    return "<i>Not answered yet:</i> " + ", ".join(titles)


def needs_none(names: list[str]) -> str:
    return "⚪ No need: " + ", ".join(names)


def contact_line(relation: str, name: str, phone: str | None) -> str:
    line = f"{RELATION_NAMES.get(relation, escape(relation))} · {escape(name)}"
    return line + (f" · {escape(phone)}" if phone else "")


def consent_line(given: bool, scope: str, when: str, until: str | None) -> str:
    mark = "✅ Given" if given else "🚫 Refused"
    line = f"{mark} · {escape(scope)} · recorded {when}"
    return line + (f" · until {until}" if until else "")


CONSENT_NONE = "not recorded — no referral can share data yet"
PEOPLE_NONE = "none recorded"
NEEDS_TITLE = "Needs"
PEOPLE_TITLE = "People"
CONSENT_TITLE = "Consent"
SUMMARY_HINT = "Check it, then tap ✅ Finish intake: the client becomes active."


def finished(code: str) -> str:
    return f"✅ <b>Intake for {code} finished.</b> The client is now active."


def propose_goals(code: str) -> str:
    return (
        f"Proposed first goals for {code}, from the needs you marked. "
        "Tick the ones to keep; they become a draft plan."
    )


def plan_saved(code: str, goals: list[str]) -> str:
    listed = "\n".join(f"• {escape(goal)}" for goal in goals)
    return f"📋 <b>Draft plan saved for {code}</b>\n{listed}"


def no_goals(code: str) -> str:
    return f"No goals saved for {code}. You can add a plan later."


# ── Plans and reviews ─────────────────────────────────────────────────────

PLAN_COMMANDS = [
    ("plan", "A client's plan: goals, interventions, review"),
    ("review", "Review a client's plan"),
]

GOAL_STATUS_NAMES = {
    GoalStatus.NOT_STARTED: "Not started",
    GoalStatus.IN_PROGRESS: "In progress",
    GoalStatus.ACHIEVED: "Achieved",
    GoalStatus.DISCONTINUED: "Discontinued",
}
GOAL_STATUS_MARKS = {
    GoalStatus.NOT_STARTED: "⚪",
    GoalStatus.IN_PROGRESS: "🔵",
    GoalStatus.ACHIEVED: "✅",
    GoalStatus.DISCONTINUED: "⛔",
}
PLAN_STATUS_NAMES = {
    PlanStatus.DRAFT: "📝 Draft",
    PlanStatus.ACTIVE: "✅ Active",
    PlanStatus.SUPERSEDED: "🗄 Superseded",
}


def goal_status_label(status: str) -> str:
    return f"{GOAL_STATUS_MARKS.get(status, '•')} {GOAL_STATUS_NAMES.get(status, status)}"


def plan_day(day: date) -> str:
    """`Mon 15 Jun 2026`: a calendar date (target dates, reviews) in the worker's calendar."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def plan_days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def plan_too_long(what: str, limit: int, got: int) -> str:
    return (
        f"That is {got:,} characters; {what} can hold {limit:,}. "
        "Please shorten it and send it again."
    )


# ── /plan: the card ────────────────────────────────────────────────────────────
PLAN_ASK_CLIENT = "<b>Plan.</b> Which client?"
PLAN_ADD_GOAL = "➕ Goal"
PLAN_INTERVENTIONS = "🔧 Interventions"
PLAN_INTERVAL = "🔁 Review interval"
PLAN_ACTIVATE = "✅ Activate"
PLAN_REVIEW = "🔎 Review"
PLAN_VERSIONS = "📜 Versions"
PLAN_CLOSE = "✖ Close"
PLAN_OPEN = "📋 Plan"
PLAN_SKIP = "⏭ Skip"
PLAN_CLEAR = "🧹 Clear"
PLAN_GOALS = "Goals"
PLAN_NO_GOALS_YET = "No goals yet — ➕ Goal adds the first."
PLAN_NOTHING_YET = (
    "No plan yet. ➕ Goal adds the first goal and starts version 1 as a draft; "
    "✅ Activate then puts it into effect."
)
PLAN_DRAFT_HINT = "Draft: not in effect until ✅ Activate (the next review is set then)."
PLAN_MEASURE = "📏"
PLAN_TARGET = "🎯"
PLAN_ROUTINE = "🔁"
PLAN_CLOSED_TOAST = "Plan closed."
PLAN_CHANGED = "This plan changed meanwhile (a colleague or another device). Here it is now."
PLAN_NEEDS_GOAL_TOAST = "Add at least one goal before activating."
PLAN_NO_VERSIONS_TOAST = "There are no earlier versions yet."
PLAN_FULL_TOAST = "A plan holds at most 20 goals. Review it to close the finished ones."
PLAN_NOT_ACTIVE_TOAST = "Only an active plan can be reviewed."
PLAN_CASE_CLOSED = "This case is closed: its plan is kept as it was, read-only."
PLAN_CASE_CLOSED_TOAST = "This case is closed; its plan can't be changed."


def plan_draft_beside(active_version: int) -> str:
    return (
        f"Version {active_version} stays in effect until this draft is activated "
        "(activating ends it without a review)."
    )


def plan_edit_goal(number: int) -> str:
    return f"✏️ {number}"


def plan_title(version: int | None, code: str, name: str) -> str:
    head = f"Plan v{version}" if version else "Plan"
    return f"📋 <b>{head} · {code} · {escape(name)}</b>"


def plan_status_line(
    status: str, interval_days: int, next_review: str | None, overdue: bool
) -> str:
    line = f"{PLAN_STATUS_NAMES.get(status, status)} · review every {plan_days(interval_days)}"
    if next_review:
        line += f"\nNext review: {next_review}" + (" (overdue)" if overdue else "")
    return line


def plan_interventions(text: str | None) -> str:
    return f"🔧 <b>Interventions:</b> {escape(text) if text else '—'}"


def plan_goal_line(number: int, status: str, description: str) -> str:
    return f"{number}. {GOAL_STATUS_MARKS.get(status, '•')} {escape(description)}"


def plan_goal_details(measure: str | None, target: str | None, routine: str | None) -> str:
    """The goal's second line; empty when nothing was given."""
    parts = []
    if measure:
        parts.append(f"{PLAN_MEASURE} {escape(measure)}")
    if target:
        parts.append(f"{PLAN_TARGET} by {target}")
    if routine:
        parts.append(f"{PLAN_ROUTINE} {escape(routine)}")
    return "    " + " · ".join(parts) if parts else ""


def plan_more_goals(count: int) -> str:
    return f"… {count} more (shortened to fit)"


def plan_activated_toast(version: int, next_review: str) -> str:
    return f"Plan v{version} is active. Next review {next_review}."


def plan_interval_toast(days: int) -> str:
    return f"Review every {plan_days(days)}."


def plan_status_toast(number: int, status: str) -> str:
    return f"Goal {number}: {GOAL_STATUS_NAMES.get(status, status)}."


def plan_ask_status(number: int, description: str) -> str:
    return f"<b>Goal {number}:</b> {escape(description)}\nWhat is its status now?"


def plan_ask_interval(current: int) -> str:
    return f"Review this plan every … (now every {plan_days(current)})"


def plan_ask_interventions(current: str | None) -> str:
    now = f"\nNow: {escape(current)}" if current else ""
    return (
        "<b>Interventions.</b> Type the services and supports (who does what, how often). "
        f"It replaces what is there now.{now}"
    )


def plan_kept(code: str, name: str, goal: str | None) -> str:
    if goal:
        return (
            f"You were adding a goal to the plan of <b>{code} · {escape(name)}</b>: "
            f"“{escape(goal)}”. Pick it up again?"
        )
    return f"You had the plan of <b>{code} · {escape(name)}</b> open. Open it again?"


def plan_not_found(code: str) -> str:
    return f"I can't find {escape(code)} among the clients you can see."


# ── /plan: adding a goal ───────────────────────────────────────────────────────
GOAL_ASK_WHAT = "<b>New goal.</b> What is the goal? One sentence, e.g. “Eats two warm meals a day”."
GOAL_ASK_MEASURE = (
    "<b>How is it measured?</b> e.g. “meals logged by the carer, 5 of 7 days”. Or ⏭ Skip."
)
GOAL_ASK_TARGET = "<b>Target date?</b> Type e.g. “15/6”, “in 3 months”, “2026-09-30”. Or ⏭ Skip."
GOAL_ASK_ROUTINE = (
    "<b>Which routine or schedule supports it?</b> e.g. “lunch delivery Mon–Fri”. Or ⏭ Skip."
)
GOAL_TARGET_PASSED = "That date has passed. Type a date ahead, or ⏭ Skip."
GOAL_DESCRIPTION = "a goal"
GOAL_MEASURE_WHAT = "a measure"
GOAL_ROUTINE_WHAT = "a routine"
PLAN_INTERVENTIONS_WHAT = "the interventions"


def plan_goal_so_far(description: str) -> str:
    return f"<i>{escape(description)}</i>"


def goal_target_set(day: str) -> str:
    return f"🎯 Target: {day}"


# ── /plan: earlier versions ────────────────────────────────────────────────────
def plan_versions_title(code: str, name: str) -> str:
    return f"📜 <b>Earlier plan versions · {code} · {escape(name)}</b>"


def plan_version_header(
    version: int, since: str, reviewed: str | None, reviewer: str | None
) -> str:
    until = f" → reviewed {reviewed}" if reviewed else ""
    by = f" by {escape(reviewer)}" if reviewer else ""
    return f"\n<b>Version {version}</b> · from {since}{until}{by}"


def plan_version_goal(
    number: int,
    description: str,
    status: str,
    effectiveness: int | None,
    comment: str | None,
) -> str:
    line = f"{number}. {escape(description)} → {goal_status_label(status)}"
    if effectiveness:
        line += f" · {effectiveness}/5"
    if comment:
        line += f" · “{escape(comment)}”"
    return line


def plan_version_summary(summary: str | None) -> str:
    return f"📝 <i>Summary:</i> {escape(summary) if summary else '—'}"


def plan_version_interventions(text: str | None) -> str:
    return f"🔧 {escape(text)}" if text else ""


# ── /review ────────────────────────────────────────────────────────────────────
REVIEW_ASK_CLIENT = "<b>Plan review.</b> Which client?"
REVIEW_START = "▶ Start review"
REVIEW_SAVE = "✅ Save review"
REVIEW_KEEP = "↩ Keep it"
REVIEW_SKIP = "⏭ Skip"
REVIEW_ASK_STATUS = "Where does this goal stand now?"
REVIEW_ASK_EFFECT = "How effective was the approach? 1 = not at all … 5 = very. Or ⏭ Skip."
REVIEW_ASK_COMMENT = "A short comment on this goal? Type it, or ⏭ Skip."
REVIEW_COMMENT_WHAT = "a comment"
REVIEW_SUMMARY_WHAT = "a summary"
REVIEW_NO_GOALS = "This version has no goals; the review is the summary alone."
REVIEW_CHANGED = (
    "This plan was reviewed or changed meanwhile, so nothing was saved. "
    "Open it with /plan to see where it stands."
)
REVIEW_SAVED_TOAST = "Review saved."
REVIEW_NOT_CURRENT_TOAST = "That goal isn't the one being reviewed now."


def review_offer(version: int, code: str, name: str, goals: int, due: str | None) -> str:
    due_text = f" It is due {due}." if due else ""
    return (
        f"🔎 Review plan v{version} of <b>{code} · {escape(name)}</b>?{due_text}\n"
        f"{goals} goal(s), one at a time: where it stands, how effective the approach was "
        f"(1–5) and a comment; then a summary. Saving makes version {version + 1}."
    )


def review_no_plan(code: str) -> str:
    return f"{code} has no active plan to review. Start one with /plan."


def review_case_closed(code: str) -> str:
    return f"{code} is discharged; the plan is kept as it was, so there is nothing to review."


def review_draft_only(code: str, version: int) -> str:
    return f"Plan v{version} of {code} is still a draft. Activate it in /plan first."


def review_goal(
    number: int,
    total: int,
    version: int,
    code: str,
    description: str,
    details: str,
    status: str,
) -> str:
    lines = [
        f"🔎 <b>Review v{version} · {code} · goal {number} of {total}</b>",
        escape(description),
    ]
    if details:
        lines.append(details)
    lines.append(f"Before the review: {goal_status_label(status)}")
    return "\n".join(lines)


def review_answer_line(status: str | None, effectiveness: int | None) -> str:
    parts = []
    if status:
        parts.append(f"Now: {goal_status_label(status)}")
    if effectiveness:
        parts.append(f"effectiveness {effectiveness}/5")
    return " · ".join(parts)


def review_current_comment(comment: str) -> str:
    return f"Comment so far: “{escape(comment)}”"


def review_ask_summary(version: int, code: str, current: str | None) -> str:
    now = f"\nSo far: “{escape(current)}”" if current else ""
    return (
        f"🔎 <b>Review v{version} · {code}</b>\nLast step: a <b>summary</b> — what changed, "
        f"what comes next (a few sentences).{now}"
    )


def review_recap_title(version: int, code: str, name: str) -> str:
    return f"🔎 <b>Review of plan v{version} · {code} · {escape(name)}</b>"


def review_recap_goal(
    number: int,
    description: str,
    status: str,
    effectiveness: int | None,
    comment: str | None,
) -> str:
    line = f"{number}. {escape(description)} → {goal_status_label(status)}"
    line += f" · {effectiveness}/5" if effectiveness else " · —"
    if comment:
        line += f"\n    “{escape(comment)}”"
    return line


def review_recap_summary(summary: str) -> str:
    return f"\n📝 <b>Summary:</b> {escape(summary)}"


def review_recap_next(version: int, carried: int, next_review: str) -> str:
    return (
        f"\nSaving makes <b>version {version}</b> with {carried} open goal(s) carried over; "
        f"next review {next_review}."
    )


def review_saved(old: int, new: int, code: str, name: str, carried: int, next_review: str) -> str:
    return (
        f"✅ <b>Review of v{old} saved</b> · {code} · {escape(name)}\n"
        f"Plan v{new} is now active with {carried} goal(s). Next review {next_review}."
    )


def review_kept(code: str, name: str, done: int, total: int) -> str:
    return (
        f"You have an unfinished review for <b>{code} · {escape(name)}</b> "
        f"({done} of {total} goals done). Pick it up again?"
    )


# ── The client record ─────────────────────────────────────────────────────

HISTORY_COMMAND = ("history", "A client's history: /history C-0042")


def record_day(day: date | datetime, zone: ZoneInfo | None = None) -> str:
    """`Tue 3 Mar 2026` (a datetime in `zone`)."""
    if isinstance(day, datetime):
        day = day.astimezone(zone).date() if zone else day.date()
    return f"{day:%a} {day.day} {day:%b %Y}"


def record_moment(moment: datetime, zone: ZoneInfo) -> str:
    """`Tue 3 Mar 2026 14:00` in `zone`."""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"


def _count(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


# The full client card
CARD_WORKER = "Worker"
CARD_YOU = "you"
CARD_NO_WORKER = "no worker assigned"
CARD_CONTACT = "Contact"
CARD_LAST_CONTACT = "Last contact"
CARD_NEVER_CONTACTED = "Last contact: none yet — a first visit is due"
CARD_NEXT_APPOINTMENT = "Next appointment"
CARD_NO_APPOINTMENT = "Next appointment: none scheduled"
CARD_NEXT_VISIT_DUE = "Next visit due"
CARD_OVERDUE = "⚠ overdue"
CARD_NO_PLAN = "No active plan."
CARD_NO_NOTES = "No notes yet."
CARD_RECENT_NOTES = "Recent notes"
CARD_MUTED_ON_HOLD = "On hold: no reminders for this client until the case is active again."
CARD_MUTED_CLOSED = "No reminders for this client while the case is closed."

CARD_NOTE = "📝 Note"
CARD_VISIT = "✅ Visit"
CARD_APPOINTMENT = "📅 Appointment"
CARD_PLAN = "📋 Plan"
CARD_REFER = "🤝 Refer"
CARD_REVIEW = "🔎 Review"
CARD_INTAKE = "🧾 Continue intake"
CARD_HISTORY = "🕘 History"
CARD_EXPORT = "📤 Export"
CARD_TRANSFER = "🔁 Transfer"
CARD_DISCHARGE = "🚪 Discharge"
CARD_REOPEN = "↩ Reopen"
CARD_BACK = "👤 Client"
CARD_CLIENT_GONE = "That client isn't available to you."


def card_title(code: str, name: str) -> str:
    return f"<b>{code} · {escape(name)}</b>"


def card_program_status(program: str, status: str) -> str:
    return f"{PROGRAM_NAMES.get(program, program)} · {STATUS_NAMES.get(status, status)}"


def card_worker(name: str | None, is_actor: bool) -> str:
    if name is None:
        return f"{CARD_WORKER}: {CARD_NO_WORKER}"
    return f"{CARD_WORKER}: {escape(name)}" + (f" ({CARD_YOU})" if is_actor else "")


def card_contact(days: int) -> str:
    return f"{CARD_CONTACT}: {every_days(days)}"


def card_last_contact(ago: str, day: str) -> str:
    return f"{CARD_LAST_CONTACT}: {ago} ({day})"


def card_next_appointment(when: str, kind: str) -> str:
    return f"{CARD_NEXT_APPOINTMENT}: {when} · {INTERACTION_NAMES.get(kind, kind)}"


def card_visit_due(day: str, overdue: bool) -> str:
    return f"{CARD_NEXT_VISIT_DUE}: {day}" + (f" {CARD_OVERDUE}" if overdue else "")


def card_discharged(day: str, reason: str | None) -> str:
    why = f" · {escape(reason)}" if reason else ""
    return f"🚪 <b>Discharged {day}</b>{why}"


def card_plan(version: int, next_review: str | None, overdue: bool) -> str:
    review = f" · next review {next_review}" if next_review else ""
    late = f" {CARD_OVERDUE}" if overdue else ""
    return f"📋 <b>Plan v{version}</b>{review}{late}"


def card_goal(description: str) -> str:
    return f"  • {escape(description)}"


def card_more_goals(count: int) -> str:
    return f"  … and {_count(count, 'more goal')}"


def card_no_open_goals() -> str:
    return "  No open goals."


def card_open_referrals(count: int) -> str:
    return f"🤝 Open referrals: {count}"


def card_note(day: str, kind: str, first_line: str, risk: bool) -> str:
    flag = " ⚠" if risk else ""
    return f"  {day} · {INTERACTION_NAMES.get(kind, kind)}{flag}: {escape(first_line)}"


# /history
HISTORY_CODE_NEEDED = "Which client? Send for example <code>/history C-0042</code>."
HISTORY_EMPTY = "Nothing is recorded for this client yet."
HISTORY_SHORTENED = "… (shortened here; 📤 Export has the full text)"


def history_title(code: str, name: str, page: int, pages: int) -> str:
    suffix = f" · page {page + 1} of {pages}" if pages > 1 else ""
    return f"<b>{code} · {escape(name)} · history</b>{suffix}\n<i>Newest first.</i>"


def history_more_amendments(count: int) -> str:
    """Plain."""
    return f"… and {_count(count, 'more amendment')}"


# Timeline events (plain text)
RECORD_EVENT_KINDS = {
    EventKind.CREATED: "Client added",
    EventKind.NOTE: "Note",
    EventKind.VISIT: "Visit",
    EventKind.PLAN: "Plan",
    EventKind.REVIEW: "Plan review",
    EventKind.REFERRAL: "Referral",
    EventKind.REFERRAL_UPDATE: "Referral update",
    EventKind.CONSENT: "Consent",
    EventKind.TRANSFERRED: "Transfer",
    EventKind.DISCHARGED: "Discharge",
    EventKind.REOPENED: "Reopened",
}
RECORD_EVENT_MARKS = {
    EventKind.CREATED: "🆕",
    EventKind.NOTE: "📝",
    EventKind.VISIT: "🏠",
    EventKind.PLAN: "📋",
    EventKind.REVIEW: "🔎",
    EventKind.REFERRAL: "🤝",
    EventKind.REFERRAL_UPDATE: "🤝",
    EventKind.CONSENT: "🔏",
    EventKind.TRANSFERRED: "🔁",
    EventKind.DISCHARGED: "🚪",
    EventKind.REOPENED: "↩",
}
RECORD_GOAL_STATUS = {
    GoalStatus.NOT_STARTED: "not started",
    GoalStatus.IN_PROGRESS: "in progress",
    GoalStatus.ACHIEVED: "achieved",
    GoalStatus.DISCONTINUED: "discontinued",
}
RECORD_REFERRAL_STATUS = {
    ReferralStatus.SENT: "sent",
    ReferralStatus.ACCEPTED: "accepted",
    ReferralStatus.DECLINED: "declined",
    ReferralStatus.COMPLETED: "completed",
    ReferralStatus.WITHDRAWN: "withdrawn",
}
RECORD_VISIT_STATUS = {
    "scheduled": "scheduled, not logged",
    "completed": "completed",
    "no_show": "no-show",
    "cancelled": "cancelled",
}
RECORD_CONTACT_RELATIONS = {
    "family": "Family",
    "caregiver": "Caregiver",
    "provider": "Provider",
}


def record_event_title(event: Event) -> str:
    """One line naming what happened (plain, no date)."""
    kind = event.kind
    extra = event.extra
    if kind == EventKind.CREATED:
        return "Client added" + (" (import)" if extra.get("via") == "cli" else "")
    if kind == EventKind.NOTE:
        risk = " · ⚠ Risk" if extra.get("risk") else ""
        return f"Note N-{event.ref} · {INTERACTION_NAMES.get(event.label, event.label)}{risk}"
    if kind == EventKind.VISIT:
        return (
            f"{INTERACTION_NAMES.get(event.label, event.label)}, {extra.get('duration')} min"
            f" · {RECORD_VISIT_STATUS.get(event.status or '', event.status)}"
        )
    if kind == EventKind.PLAN:
        goals = len(extra.get("goals") or [])
        return (
            f"Plan v{extra.get('version')} · {_count(goals, 'goal')}"
            f" · review {every_days(extra.get('review_interval_days') or 90)}"
        )
    if kind == EventKind.REVIEW:
        return f"Plan v{extra.get('version')} reviewed"
    if kind == EventKind.REFERRAL:
        now = extra.get("now")
        current = (
            f" (now {RECORD_REFERRAL_STATUS.get(now, now)})"
            if now and now != ReferralStatus.SENT
            else ""
        )
        return f"Referral to {event.label} · sent{current}"
    if kind == EventKind.REFERRAL_UPDATE:
        return f"Referral to {event.label} · {RECORD_REFERRAL_STATUS.get(event.status, '')}"
    if kind == EventKind.CONSENT:
        return "Consent given" if event.status == "given" else "Consent refused"
    if kind == EventKind.TRANSFERRED:
        return (
            f"Transferred from {extra.get('from_worker') or 'nobody'}"
            f" to {extra.get('to_worker') or '?'}"
        )
    if kind == EventKind.DISCHARGED:
        cancelled = extra.get("appointments_cancelled") or 0
        suffix = f" · {_count(cancelled, 'appointment')} cancelled" if cancelled else ""
        return f"Discharged{suffix}"
    if kind == EventKind.REOPENED:
        return "Case reopened"
    return RECORD_EVENT_KINDS.get(kind, str(kind))


def record_event_body(event: Event) -> str:
    """What was written (plain, may be long; amendments are separate)."""
    extra = event.extra
    parts: list[str] = []
    if event.kind == EventKind.NOTE:
        if extra.get("attendees"):
            parts.append(f"Present: {extra['attendees']}")
        if event.text:
            parts.append(event.text)
        dap = extra.get("dap")
        if dap:
            data, assessment, plan = dap
            parts += [f"Data: {data}", f"Assessment: {assessment}", f"Plan: {plan}"]
        if extra.get("risk_reason"):
            parts.append(f"Risk: {extra['risk_reason']}")
        if extra.get("attachments"):
            parts.append(f"({_count(extra['attachments'], 'attachment')})")
    elif event.kind == EventKind.VISIT:
        if extra.get("place"):
            parts.append(f"Place: {extra['place']}")
        if event.text:
            parts.append(event.text)
    elif event.kind == EventKind.PLAN:
        if event.text:
            parts.append(f"Interventions: {event.text}")
        for description, status in extra.get("goals") or []:
            parts.append(f"• {description} ({RECORD_GOAL_STATUS.get(status, status)})")
        if extra.get("next_review_on"):
            parts.append(f"Next review: {record_day(extra['next_review_on'])}")
    elif event.kind == EventKind.REVIEW:
        for description, status, effectiveness, comment in extra.get("items") or []:
            line = f"• {description}: {RECORD_GOAL_STATUS.get(status, status)}"
            if effectiveness:
                line += f", effectiveness {effectiveness}/5"
            if comment:
                line += f" — {comment}"
            parts.append(line)
        if event.text:
            parts.append(event.text)
    elif event.kind == EventKind.REFERRAL:
        if event.text:
            parts.append(event.text)
        if extra.get("follow_up_on"):
            parts.append(f"Follow-up: {record_day(extra['follow_up_on'])}")
    elif event.kind == EventKind.CONSENT:
        parts.append(event.text)
        if extra.get("expires_on"):
            parts.append(f"Expires: {record_day(extra['expires_on'])}")
    elif event.text:
        parts.append(event.text)
    return "\n".join(part for part in parts if part)


def record_amendment(author: str | None, when: str) -> str:
    """Plain."""
    return f"— Amendment by {author or '?'}, {when}:"


# Export
EXPORT_PDF = "📄 PDF"
EXPORT_CSV = "📊 CSV"
EXPORT_SENT_TOAST = "Sent. Keep the file private."


def export_ask(code: str, name: str) -> str:
    return (
        f"<b>Export {code} · {escape(name)}</b>\n"
        "A PDF case file, or a CSV of the timeline? It is sent here, to you only."
    )


def export_caption(code: str, fmt: str, when: str) -> str:
    return f"🔒 {code} · case record ({fmt.upper()}) · exported {when}. Confidential."


PDF_CONFIDENTIAL = "Confidential — health and social care record"
PDF_IDENTITY = "Identity"
PDF_CONTACTS = "People around the client"
PDF_CONSENT = "Consent and release of information"
PDF_PLAN = "Active plan and goals"
PDF_REFERRALS = "Referrals"
PDF_TIMELINE = "Timeline of notes and visits"
PDF_NONE = "None recorded."
PDF_NO_PLAN = "No active plan."
PDF_CLI = "caseline CLI"


def pdf_exported(by: str, when: str) -> str:
    """Plain."""
    return f"Exported by {by}, {when}"


def pdf_page(number: int, total: str) -> str:
    """Plain; `total` is fpdf2's page-count placeholder."""
    return f"Page {number} of {total}"


def pdf_identity_rows(identity, zone: ZoneInfo) -> list[tuple[str, str]]:
    """(label, value) pairs, plain; empty values left out."""
    rows = [
        ("Code", identity.code),
        ("Name", identity.name),
        ("Program", PROGRAM_NAMES.get(identity.program, identity.program)),
        ("Status", STATUS_NAMES.get(identity.status, identity.status)),
        ("Worker", identity.worker or CARD_NO_WORKER),
        ("Date of birth", record_day(identity.date_of_birth) if identity.date_of_birth else ""),
        ("Phone", identity.phone or ""),
        ("Address", identity.address or ""),
        ("Emergency contact", identity.emergency_contact or ""),
        ("Living situation", identity.living_situation or ""),
        ("Contact", every_days(identity.contact_frequency_days)),
        (
            "Last contact",
            record_moment(identity.last_contact_at, zone) if identity.last_contact_at else "none",
        ),
        ("Client since", record_day(identity.created_at, zone)),
    ]
    if identity.discharged_at:
        rows.append(("Discharged", record_day(identity.discharged_at, zone)))
        rows.append(("Discharge reason", identity.discharge_reason or ""))
    return [(label, value) for label, value in rows if value]


def pdf_contact(relation: str, name: str, phone: str | None, notes: str | None) -> str:
    line = f"{RECORD_CONTACT_RELATIONS.get(relation, relation)}: {name}"
    if phone:
        line += f", {phone}"
    if notes:
        line += f" — {notes}"
    return line


def pdf_consent(consent, zone: ZoneInfo) -> str:
    verdict = "Given" if consent.given else "Refused"
    line = f"{verdict} {record_day(consent.recorded_at, zone)}"
    if consent.recorded_by:
        line += f" (recorded by {consent.recorded_by})"
    if consent.expires_on:
        line += f", expires {record_day(consent.expires_on)}"
    return f"{line}: {consent.scope}"


def pdf_plan_header(plan, zone: ZoneInfo) -> str:
    review = f", next review {record_day(plan.next_review_on)}" if plan.next_review_on else ""
    return (
        f"Plan v{plan.version}, since {record_day(plan.created_at, zone)}"
        f", reviewed {every_days(plan.review_interval_days)}{review}"
    )


def pdf_goal(number: int, goal) -> str:
    line = f"{number}. {goal.description} ({RECORD_GOAL_STATUS.get(goal.status, goal.status)})"
    details = []
    if goal.measure:
        details.append(f"measured by: {goal.measure}")
    if goal.target_date:
        details.append(f"target: {record_day(goal.target_date)}")
    if goal.routine:
        details.append(f"routine: {goal.routine}")
    return line + ("\n   " + "; ".join(details) if details else "")


def pdf_referral(referral, zone: ZoneInfo) -> str:
    status = RECORD_REFERRAL_STATUS.get(referral.status, referral.status)
    line = (
        f"{referral.resource} ({referral.category}) · {status}"
        f" · sent {record_day(referral.created_at, zone)}"
    )
    if referral.worker:
        line += f" by {referral.worker}"
    details = [f"Reason: {referral.reason}"]
    if referral.follow_up_on:
        details.append(f"Follow-up: {record_day(referral.follow_up_on)}")
    if referral.decline_reason:
        details.append(f"Declined: {referral.decline_reason}")
    if referral.outcome:
        details.append(f"Outcome: {referral.outcome}")
    if not referral.consent_recorded:
        details.append("No consent on record for this referral")
    return line + "\n" + "\n".join(details)


CSV_HEADER = ("date", "type", "author", "summary", "text")
CSV_AMENDMENT = "Note amendment"


def csv_amendment_summary(note_id: int | None) -> str:
    return f"Amendment to N-{note_id}"


# Transfer
TRANSFER_ONLY_LEADS = "Only supervisors can transfer clients."
TRANSFER_NOBODY = "There is nobody else in the team to transfer this client to."
TRANSFER_NOT_ALLOWED = "You can only transfer clients to active workers of your own team."


def transfer_ask(code: str, name: str, current: str | None) -> str:
    now = f" (now with {escape(current)})" if current else ""
    return f"<b>Transfer {code} · {escape(name)}</b>{now}\nTo whom?"


def transferred_toast(code: str, worker: str) -> str:
    return f"{code} transferred to {worker}."[:200]


# Discharge and reopen
DISCHARGE_REASONS = {
    "goals": "Goals met",
    "moved": "Moved away",
    "declined": "Declined further services",
    "referred": "Transferred to another service",
    "care": "Moved to residential or hospital care",
    "deceased": "Deceased",
}
DISCHARGE_OTHER = "✏️ Other…"
DISCHARGE_ALREADY = "This case is already closed."
DISCHARGE_REASON_TOO_LONG = "Please keep the reason under 500 characters."
DISCHARGE_REASON_EMPTY = "Please type the reason as text (or /cancel)."
REOPEN_NOT_DISCHARGED = "This case is open already."


def discharge_ask(code: str, name: str, appointments: int) -> str:
    cancelled = (
        f"\nIts {_count(appointments, 'scheduled appointment')} will be cancelled."
        if appointments
        else ""
    )
    return (
        f"<b>Discharge {code} · {escape(name)}?</b>{cancelled}\n"
        "The client gets no reminders until the case is reopened. Why is it closed?"
    )


def discharge_ask_reason(code: str) -> str:
    return f"Type the reason for discharging {code}. (/cancel to stop)"


def discharged_toast(code: str, appointments: int) -> str:
    cancelled = f" {_count(appointments, 'appointment')} cancelled." if appointments else ""
    return f"{code} discharged.{cancelled}"


def reopened_toast(code: str) -> str:
    return f"{code} reopened."


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
REFERRAL_STATUS_NAMES = {
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


# ── The command menu ─────────────────────────────────────────────────────────
# Assembled last: each section above defines its own commands.
MENU_COMMANDS = [
    *WORKER_COMMANDS[:5],
    ("intake", "Guided intake of a new client"),
    *PLAN_COMMANDS,
    *REFERRAL_COMMANDS,
    HISTORY_COMMAND,
    *WORKER_COMMANDS[5:],
]
LEAD_MENU_COMMANDS = LEAD_COMMANDS + DIGEST_COMMANDS
