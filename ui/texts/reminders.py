"""Texts of pushed reminders: appointment reminders, the morning agenda, alerts.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

# Reminders
SNOOZE_HOUR = "💤 1 h"
SNOOZE_TOMORROW = "💤 Tomorrow"
OPEN_TODAY = "📅 Today"
AGENDA_APPOINTMENTS = "Appointments"
AGENDA_VISITS = "Visits due"
AGENDA_REVIEWS = "Plan reviews due"
AGENDA_REFERRALS = "Referral follow-ups"
AGENDA_LIST_MAX = 15


def appointment_reminder(
    minutes: int,
    at: str,
    client: str,
    kind: str,
    place: str | None,
    phone: str | None = None,
    interpreter: str | None = None,
) -> str:
    """`minutes` until the start; negative once it has started (a snoozed or held
    reminder is written when it is sent, from the time left then). `phone`: the number
    to call, for a phone appointment. `interpreter`: the 🗣 line (interpreter_tag),
    already escaped."""
    if minutes < 0:
        when = f"started {_duration(-minutes)} ago"
    else:
        when = "now" if minutes == 0 else f"in {minutes} min"
    where = f"\n📍 {escape(place)}" if place else ""
    call = f"\n📞 {escape(phone)}" if phone else ""
    spoken = f"\n{interpreter}" if interpreter else ""
    return f"⏰ <b>{at}</b> ({when}) · {client} · {kind}{where}{call}{spoken}"


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
        f"⚠ <b>{escape(name)}</b> is unreachable (blocked Caseline); "
        "their clients and access stay until you decide — /team"
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


def snoozed_note(when: str) -> str:
    return f"💤 <i>Snoozed: it comes back {when}.</i>"
