"""Every text a user reads, in one place (English), so wording and translation are easy.

Texts are HTML (the bot's default parse mode). Anything a user typed must pass through
`html.escape` before it is put into one of these; helpers that take user text do it.
"""

from __future__ import annotations

from html import escape

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
    commands = WORKER_COMMANDS + (LEAD_COMMANDS + DIGEST_COMMANDS if role != Role.WORKER else [])
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
ERROR = (
    "Sorry, something went wrong on my side. What you saved before is safe; "
    "please try that step again."
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
COMMAND_OF_DRAFT = {"note": "note", "newclient": "newclient", "amend": "note", "visit": "visit"}
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
    when = "now" if minutes <= 0 else f"in {minutes} min"
    where = f"\n📍 {escape(place)}" if place else ""
    return f"⏰ <b>{at}</b> ({when}) · {client} · {kind}{where}"


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


def settings_bad_zone(typed: str) -> str:
    return (
        f"I don't know the time zone “{escape(typed)}”. "
        "Type it like Europe/Berlin, America/New_York or UTC."
    )
