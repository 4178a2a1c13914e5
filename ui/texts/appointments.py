"""Texts of /appt, /visit, appointment cards, /today and /week.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

from ui.texts.common import KIND_NAMES

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
    "withdrawn": "↩ Withdrawn",
}
APPOINTMENT_STATUS_MARK = {"completed": " ✅", "no_show": " 🚫", "cancelled": " ✖"}
TODAY_TITLE = "Today"


def today_title(day) -> str:
    return f"📅 <b>{TODAY_TITLE}</b> — {day:%a} {day.day} {day:%b}"


WEEK_TITLE = "This week"
WEEK_BEFORE = "◀ Week before"
WEEK_AFTER = "Next week ▶"
EARLIER = "◀ Earlier"
LATER = "Later ▶"
NO_UPCOMING = "Nothing scheduled ahead. Schedule with /appt."
ALL_UPCOMING = "All upcoming appointments ▶"
UPCOMING_HINT = "Tap one to open it: done, no-show, reschedule or cancel."
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
# ↩ Undo under a no-show, for a minute
NO_SHOW_MARKED = "🚫 <b>Marked as no-show.</b> Tapped by mistake? ↩ Undo, within a minute."
NO_SHOW_UNDONE_TOAST = "No-show taken back: scheduled again."
NO_SHOW_UNDO_TOO_LATE = (
    "Too late to undo (1 minute): the no-show stays on record. "
    "If the visit did happen, log it with /visit."
)
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
KIND = "🏷 Kind"
REPEAT = "🔁 Repeat"
PLACE_BUTTON = "📍 Place"
APPT_DAY = "📅 Day"
APPT_TIME = "🕒 Time"
APPT_CARD_TYPE_HINT = (
    "To change the day or time, type e.g. “fri” or “15:30”. "
    "For anything else, tap the card's buttons."
)
RECURRENCE_NAMES = {
    "none": "no",
    "weekly": "every week",
    "biweekly": "every 2 weeks",
    "monthly": "every month",
}


def week_title(first: str, last: str) -> str:
    """A later /week page: `Week Mon 16 Mar – Sun 22 Mar`."""
    return f"Week {first} – {last}"


def upcoming_title(code: str, name_html: str) -> str:
    return f"<b>Upcoming · {code} · {name_html}</b>"


def appt_ask_day(code: str, name: str) -> str:
    return (
        f"Appointment with <b>{code} · {escape(name)}</b>. Which day?\n"
        "Tap, or type e.g. “tomorrow 3pm”, “fri 9:30”, “12/3 14:00”."
    )


def appt_ask_new_day(code: str, current: str) -> str:
    return f"Move {code}'s appointment ({current}) to which day? Tap, or type a new date and time."


def appt_ask_other_day(at: str) -> str:
    return f"Which day instead? It stays at {at}. Tap, or type e.g. “fri” or “fri 9:30”."


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
WHEN_BUTTON = "🕒 When"
VISIT_ASK_PLACE = "Where was it? Type an address or a short place name."
# ↩ Undo under a logged visit, for a minute; ✏️ Amend (its note) after
VISIT_UNDONE_TOAST = "Visit taken back."
VISIT_UNDO_TOO_LATE = (
    "Too late to undo (1 minute). To correct the visit, tap ✏️ Amend: "
    "its duration, or a correction added to its note."
)
VISIT_NOTE_CORRECTION = "📝 Correct its note"
VISIT_DURATION_AMENDED_TOAST = "Duration corrected."
VISIT_TAKEN_BACK = "That visit was taken back: there is nothing to correct."


def visit_amend_ask(when: str, minutes: int, has_note: bool) -> str:
    what = (
        "Tap the right duration, or 📝 correct its note."
        if has_note
        else "Tap the right duration; to add what happened, write a /note."
    )
    return (
        f"✏️ <b>Correct the visit</b> of {when} ({minutes} min). {what} "
        "The original stays on record, with who corrected it and when."
    )


def visit_duration_amended(when: str, minutes: int) -> str:
    return (
        f"✏️ The visit of {when} now lasts {minutes} min. "
        "The first duration stays in the audit trail."
    )


VISIT_UNDONE_SCHEDULED = "↩ <b>Visit taken back.</b> The appointment is scheduled again:"


def visit_withdrawn(code: str, when: str) -> str:
    return f"↩ The visit with {code} on {when} was withdrawn. It is kept in the audit trail only."


DRAFT_RESUMED = "Here is the visit you left unfinished:"
APPT_RESUMED = "Here is the appointment you left unfinished:"


def visit_ask_when(code: str, name: str) -> str:
    return (
        f"Visit with <b>{code} · {escape(name)}</b>. When was it? "
        "Tap, or type e.g. “2h ago”, “yesterday 14:00”."
    )


# How much of a visit's note its confirmation repeats (the card has it all).
VISIT_NOTE_SHOWN = 300


def visit_saved(
    code: str,
    name: str,
    when: str,
    outcome: str,
    minutes: int,
    kind: str,
    note: str,
    place: str | None = None,
) -> str:
    """What was saved, all of it: the time, duration, kind, outcome and place, and the
    note (its beginning)."""
    text = note if len(note) <= VISIT_NOTE_SHOWN else note[: VISIT_NOTE_SHOWN - 1] + "…"
    said = f"\n\n{escape(text)}" if text else ""
    where = f"\n{PLACE}: {escape(place)}" if place else ""
    return (
        f"✅ <b>Visit logged</b> · {code} · {escape(name)}\n{when} · {minutes} min · "
        f"{KIND_NAMES.get(kind, kind)} · {APPOINTMENT_STATUS_NAMES[outcome]}{where}{said}"
    )


# ✅ Done before the appointment's start, and a visit near a scheduled appointment
LOG_NOW_YES = "✅ Yes, it happened now"
LOG_NOW_NO = "No, keep it planned"
VISIT_LEFT_SCHEDULED = "OK, the appointment stays scheduled."
SAME_VISIT_NO = "No, another visit"


def visit_log_now(when: str, minutes: int, kind: str) -> str:
    return (
        f"This visit is planned for {when} · {minutes} min · "
        f"{KIND_NAMES.get(kind, kind)}. Log it as happened now?"
    )


def visit_same(at: str, code: str, name: str, kind: str) -> str:
    """Asked before a visit is logged next to a scheduled appointment (never merged silently)."""
    return (
        f"<b>{code} · {escape(name)}</b> has a {kind.lower()} planned at {at}.\n"
        f"Is this the {at} visit?"
    )


def visit_same_yes(at: str) -> str:
    return f"Yes, the {at} visit"
