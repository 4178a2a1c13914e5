"""A worker's day in sections — appointments, visits due, plan reviews due, safety plan
reviews due, referral follow-ups — written once for the morning agenda (pushed at the start of day,
bot/reminders/rendering.py) and /today (asked for, bot/agenda.py). The morning agenda
names clients by code and initials when CASELINE_PRIVATE_PREVIEWS is on (a push shows on
a lock screen); /today is read in the open chat and names them as the cards do.
No database here."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from domain.rules.appointments import is_scheduled
from storage.agenda import Agenda, Due
from ui import texts
from ui.splitting import pack_blocks
from ui.views import LIST_BUTTONS_MAX, View, appointment_button, appointment_line, client_label


def day_lines(day: Agenda, zone: ZoneInfo, *, private: bool, none_scheduled: str = "") -> list[str]:
    """The sections of `day` that have something in them, each after a blank line and
    its bold title; with no appointments, `none_scheduled` (if given) stands in their
    place. Overdue first in the lists, each cut at texts.AGENDA_LIST_MAX."""
    lines: list[str] = []
    if day.appointments:
        lines.append(f"\n<b>{texts.AGENDA_APPOINTMENTS}</b> ({len(day.appointments)})")
        lines += [
            appointment_line(appointment, client, zone, private=private)
            for appointment, client in day.appointments
        ]
    elif none_scheduled:
        lines.append(f"\n{none_scheduled}")
    overdue = sum(1 for visit in day.visits if visit.overdue)
    sections = [
        (f"{texts.AGENDA_VISITS} ({len(day.visits)}, {texts.overdue_count(overdue)})", day.visits),
        (f"{texts.AGENDA_REVIEWS} ({len(day.reviews)})", day.reviews),
        (f"{texts.AGENDA_SAFETY_REVIEWS} ({len(day.safety_reviews)})", day.safety_reviews),
        (f"{texts.AGENDA_REFERRALS} ({len(day.referrals)})", day.referrals),
    ]
    for title, items in sections:
        if items:
            lines.append(f"\n<b>{title}</b>")
            lines += _due_lines(items, day.day, private)
    return lines


def _due_lines(items: list[Due], today: date, private: bool) -> list[str]:
    """Overdue first, as the best systems list them; long lists are cut short."""
    lines = [
        f"{'❗' if due.overdue else '•'} {client_label(due.client, private)} · "
        f"{texts.due_on(due.due_on, today)}"
        for due in items[: texts.AGENDA_LIST_MAX]
    ]
    if len(items) > texts.AGENDA_LIST_MAX:
        lines.append(texts.and_more(len(items) - texts.AGENDA_LIST_MAX))
    return lines


def pages(lines: list[str]) -> list[str]:
    """The agenda's lines in as few messages as fit (ui/splitting.py)."""
    return pack_blocks(lines, texts.agenda_continued, separator="\n")


def today(day: Agenda, zone: ZoneInfo) -> list[View]:
    """/today: the day's sections under its title, each scheduled appointment a button
    that opens its card (on the first message; a day too long for one goes on below)."""
    title = texts.today_title(day.day)
    lines = [title, *day_lines(day, zone, private=False, none_scheduled=texts.NOTHING_TODAY)]
    rows = [
        [appointment_button(appointment, client, zone)]
        for appointment, client in day.appointments
        if is_scheduled(appointment.status)
    ][:LIST_BUTTONS_MAX]
    first, *more = pages(lines)
    keyboard = InlineKeyboardMarkup(rows) if rows else None
    return [View(first, keyboard), *(View(page) for page in more)]
