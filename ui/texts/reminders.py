"""Texts of pushed reminders: appointment reminders, the morning agenda, alerts.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

from ui.i18n import N_, t
from ui.i18n import gettext as _
from ui.timefmt import day_label

# Reminders
SNOOZE_HOUR = "💤 1 h"
SNOOZE_TOMORROW = N_("💤 Tomorrow")
OPEN_TODAY = N_("📅 Today")
AGENDA_APPOINTMENTS = N_("Appointments")
AGENDA_VISITS = N_("Visits due")
AGENDA_REVIEWS = N_("Plan reviews due")
AGENDA_REFERRALS = N_("Referral follow-ups")
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
        when = t("started {duration} ago", duration=_duration(-minutes))
    else:
        when = _("now") if minutes == 0 else t("in {minutes} min", minutes=minutes)
    where = f"\n📍 {escape(place)}" if place else ""
    call = f"\n📞 {escape(phone)}" if phone else ""
    spoken = f"\n{interpreter}" if interpreter else ""
    return f"⏰ <b>{at}</b> ({when}) · {client} · {kind}{where}{call}{spoken}"


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return t("{rest} min", rest=rest)
    return t("{hours} h {rest} min", hours=hours, rest=rest) if rest else f"{hours} h"


def appointment_reminder_closed(at: str, client: str, kind: str, status: str) -> str:
    """A reminder whose appointment is no longer scheduled, as it stands."""
    return f"⏰ <s>{at}</s> · {client} · {kind}\n{status}"


def snooze_not_scheduled(status: str) -> str:
    """The toast when 💤 is pressed on a reminder whose appointment moved on."""
    word = {
        "completed": _("done"),
        "no_show": _("marked no-show"),
        "cancelled": _("cancelled"),
    }
    return t("Not snoozed: this appointment is already {status}.", status=word.get(status, status))


def agenda_title(name: str, day) -> str:
    return t(
        "☀️ <b>Good morning, {name}</b> — {day}",
        name=escape(name.split()[0]),
        day=day_label(day),
    )


def overdue_count(count: int) -> str:
    return t("{count} overdue", count=count)


def due_on(due, today) -> str:
    days = (due - today).days
    if days < 0:
        return t("overdue {days} d", days=-days)
    if days == 0:
        return _("due today")
    if days == 1:
        return _("due tomorrow")
    return t("due in {days} d", days=days)


def and_more(count: int) -> str:
    return t("… and {count} more", count=count)


def worker_blocked(name: str) -> str:
    return t(
        "⚠ <b>{name}</b> is unreachable (blocked Caseline); their clients and access "
        "stay until you decide — /team",
        name=escape(name),
    )


RISK_REASON_ON_CARD = N_("The reason is in the note on the client's card.")


def agenda_continued(page: int, pages: int) -> str:
    return t("<i>(agenda continued {page}/{pages})</i>", page=page, pages=pages)


def risk_alert(author: str, client: str, reason: str) -> str:
    """`client` and `reason` arrive escaped."""
    return t(
        "⚠ <b>Risk flagged</b> by {author} for {client}:\n{reason}",
        author=escape(author),
        client=client,
        reason=reason,
    )


def snoozed_again(original_html: str) -> str:
    return t("💤 Snoozed reminder:\n{original_html}", original_html=original_html)


def snoozed_until(when: str) -> str:
    return t("Snoozed until {when}.", when=when)


def snoozed_note(when: str) -> str:
    return t("💤 <i>Snoozed: it comes back {when}.</i>", when=when)
