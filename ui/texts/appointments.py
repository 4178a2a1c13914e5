"""Texts of /appt, /visit, appointment cards, /today and /week.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

from ui.i18n import N_, in_sentence, t
from ui.i18n import gettext as _
from ui.i18n import translated as tr
from ui.texts.common import KIND_NAMES
from ui.texts.naming import nameless
from ui.timefmt import day_label

# Appointments and visits
APPOINTMENT = N_("Appointment")
PLACE = N_("Place")
REASON = N_("Reason")
PART_OF_SERIES = N_("🔁 Part of a repeating series")
MARK_DONE = N_("✅ Done")
NO_SHOW = N_("🚫 No-show")
RESCHEDULE = N_("🕒 Reschedule")
CANCEL_APPOINTMENT = N_("✖ Cancel visit")
APPOINTMENT_STATUS_NAMES = {
    "scheduled": N_("Scheduled"),
    "completed": N_("✅ Completed"),
    "no_show": N_("🚫 No-show"),
    "cancelled": N_("✖ Cancelled"),
    "withdrawn": N_("↩ Withdrawn"),
}
APPOINTMENT_STATUS_MARK = {"completed": " ✅", "no_show": " 🚫", "cancelled": " ✖"}
TODAY_TITLE = N_("Today")


def today_title(day) -> str:
    return f"📅 <b>{tr(TODAY_TITLE)}</b> — {day_label(day)}"


WEEK_TITLE = N_("This week")
WEEK_BEFORE = N_("◀ Week before")
WEEK_AFTER = N_("Next week ▶")
EARLIER = N_("◀ Earlier")
LATER = N_("Later ▶")
NO_UPCOMING = N_("Nothing scheduled ahead. Schedule with /appt.")
ALL_UPCOMING = N_("All upcoming appointments ▶")
UPCOMING_HINT = N_("Tap one to open it: done, no-show, reschedule or cancel.")
NOTHING_TODAY = N_("Nothing scheduled today. Schedule with /appt.")
APPOINTMENT_GONE = N_("That appointment isn't available any more.")
APPOINTMENT_NOT_SCHEDULED = N_("That appointment is no longer scheduled.")
ASK_CANCEL_REASON = N_("Why is it cancelled?")
CANCEL_REASONS = {
    "client": N_("Client cancelled"),
    "unwell": N_("Client unwell"),
    "worker": N_("Worker unavailable"),
    "other": N_("Other"),
}
WHOLE_SERIES = N_("All following visits too")
NO_SHOW_RECORDED = N_("Recorded as a no-show.")
# ↩ Undo under a no-show, for a minute
NO_SHOW_MARKED = N_("🚫 <b>Marked as no-show.</b> Tapped by mistake? ↩ Undo, within a minute.")
NO_SHOW_UNDONE_TOAST = N_("No-show taken back: scheduled again.")
NO_SHOW_UNDO_TOO_LATE = N_(
    "Too late to undo (1 minute): the no-show stays on record. "
    "If the visit did happen, log it with /visit."
)
APPT_ASK_CLIENT = N_("<b>New appointment.</b> With which client?")
APPT_NEED_TIME = N_("At what time? For example “14:30” or “3pm”.")
APPT_ASK_DAY_AGAIN = N_("Which day then? Tap, or type e.g. “tomorrow 3pm”.")
APPT_ASK_PLACE = N_("Where? Type an address or a short place name.")
APPT_SAVED_TOAST = N_("Appointment saved.")
YES_SCHEDULE = N_("Yes, schedule it")
PICK_ANOTHER = N_("Pick another time")
NEW_APPOINTMENT = N_("New appointment")
REPEATS = N_("Repeats")
DURATION = N_("⏱ Duration")
KIND = N_("🏷 Kind")
REPEAT = N_("🔁 Repeat")
PLACE_BUTTON = N_("📍 Place")
APPT_DAY = N_("📅 Day")
APPT_TIME = N_("🕒 Time")
APPT_CARD_TYPE_HINT = N_(
    "To change the day or time, type e.g. “fri” or “15:30”. "
    "For anything else, tap the card's buttons."
)
RECURRENCE_NAMES = {
    "none": N_("no"),
    "weekly": N_("every week"),
    "biweekly": N_("every 2 weeks"),
    "monthly": N_("every month"),
}


def week_title(first: str, last: str) -> str:
    """A later /week page: `Week Mon 16 Mar – Sun 22 Mar`."""
    return t("Week {first} – {last}", first=first, last=last)


@nameless
def upcoming_title(code: str, name: str) -> str:
    """`name` arrives escaped."""
    return t("<b>Upcoming · {code} · {name_html}</b>", code=code, name_html=name)


@nameless
def appt_ask_day(code: str, name: str) -> str:
    return t(
        "Appointment with <b>{code} · {name}</b>. Which day?\nTap, or type e.g. "
        "“tomorrow 3pm”, “fri 9:30”, “12/3 14:00”.",
        code=code,
        name=escape(name),
    )


def appt_ask_new_day(code: str, current: str) -> str:
    return t(
        "Move {code}'s appointment ({current}) to which day? Tap, or type a new date and time.",
        code=code,
        current=current,
    )


def appt_ask_other_day(at: str) -> str:
    return t("Which day instead? It stays at {at}. Tap, or type e.g. “fri” or “fri 9:30”.", at=at)


def appt_ask_time(day) -> str:
    return t("{day}: at what time? Tap, or type e.g. “14:30”.", day=day_label(day))


def appt_in_past(when: str) -> str:
    return t("{when} is in the past. Schedule it anyway?", when=when)


# /visit
VISIT = N_("Visit")
OUTCOME = N_("Outcome")
OUTCOME_BUTTON = N_("Outcome")
ADD_NOTE = N_("📝 Note")
VISIT_ASK_CLIENT = N_("<b>Log a visit.</b> Which client?")
VISIT_WHEN_FUTURE = N_("That's in the future. To plan a visit, use /appt.")
VISIT_ASK_NOTE = N_("Type the note for this visit (one or several messages), then tap ✅ Save.")
VISIT_SAVED_TOAST = N_("Visit logged.")
WHEN_BUTTON = N_("🕒 When")
VISIT_ASK_PLACE = N_("Where was it? Type an address or a short place name.")
# ↩ Undo under a logged visit, for a minute; ✏️ Amend (its note) after
VISIT_UNDONE_TOAST = N_("Visit taken back.")
VISIT_UNDO_TOO_LATE = N_(
    "Too late to undo (1 minute). To correct the visit, tap ✏️ Amend: "
    "its duration, or a correction added to its note."
)
VISIT_NOTE_CORRECTION = N_("📝 Correct its note")
VISIT_DURATION_AMENDED_TOAST = N_("Duration corrected.")
VISIT_TAKEN_BACK = N_("That visit was taken back: there is nothing to correct.")


def visit_amend_ask(when: str, minutes: int, has_note: bool) -> str:
    what = (
        _("Tap the right duration, or 📝 correct its note.")
        if has_note
        else _("Tap the right duration; to add what happened, write a /note.")
    )
    return t(
        "✏️ <b>Correct the visit</b> of {when} ({minutes} min). {what} The original "
        "stays on record, with who corrected it and when.",
        when=when,
        minutes=minutes,
        what=what,
    )


def visit_duration_amended(when: str, minutes: int) -> str:
    return t(
        "✏️ The visit of {when} now lasts {minutes} min. The first duration stays in "
        "the audit trail.",
        when=when,
        minutes=minutes,
    )


VISIT_UNDONE_SCHEDULED = N_("↩ <b>Visit taken back.</b> The appointment is scheduled again:")


def visit_withdrawn(code: str, when: str) -> str:
    return t(
        "↩ The visit with {code} on {when} was withdrawn. It is kept in the audit trail only.",
        code=code,
        when=when,
    )


DRAFT_RESUMED = N_("Here is the visit you left unfinished:")
APPT_RESUMED = N_("Here is the appointment you left unfinished:")


@nameless
def visit_ask_when(code: str, name: str) -> str:
    return t(
        "Visit with <b>{code} · {name}</b>. When was it? Tap, or type e.g. “2h ago”, "
        "“yesterday 14:00”.",
        code=code,
        name=escape(name),
    )


# How much of a visit's note its confirmation repeats (the card has it all).
VISIT_NOTE_SHOWN = 300


@nameless
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
    text = note if len(note) <= tr(VISIT_NOTE_SHOWN) else note[: tr(VISIT_NOTE_SHOWN) - 1] + "…"
    said = f"\n\n{escape(text)}" if text else ""
    where = f"\n{tr(PLACE)}: {escape(place)}" if place else ""
    return t(
        "✅ <b>Visit logged</b> · {code} · {name}\n{when} · {minutes} min · {kind} · "
        "{appointment_status_names}{where}{said}",
        code=code,
        name=escape(name),
        when=when,
        minutes=minutes,
        kind=tr(KIND_NAMES).get(kind, kind),
        appointment_status_names=tr(APPOINTMENT_STATUS_NAMES)[outcome],
        where=where,
        said=said,
    )


# ✅ Done before the appointment's start, and a visit near a scheduled appointment
LOG_NOW_YES = N_("✅ Yes, it happened now")
LOG_NOW_NO = N_("No, keep it planned")
VISIT_LEFT_SCHEDULED = N_("OK, the appointment stays scheduled.")
SAME_VISIT_NO = N_("No, another visit")


def visit_log_now(when: str, minutes: int, kind: str) -> str:
    return t(
        "This visit is planned for {when} · {minutes} min · {kind}. Log it as happened now?",
        when=when,
        minutes=minutes,
        kind=tr(KIND_NAMES).get(kind, kind),
    )


@nameless
def visit_same(at: str, code: str, name: str, kind: str) -> str:
    """Asked before a visit is logged next to a scheduled appointment (never merged silently)."""
    return t(
        "<b>{code} · {name}</b> has a {kind} planned at {at}.\nIs this the {at} visit?",
        code=code,
        name=escape(name),
        kind=in_sentence(kind),
        at=at,
    )


def visit_same_yes(at: str) -> str:
    return t("Yes, the {at} visit", at=at)
