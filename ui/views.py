"""Rendering records as Telegram messages (text + inline keyboard). No database here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Protocol
from unicodedata import east_asian_width
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from domain.rules.appointments import is_scheduled
from storage.clients import OVERDUE, CaseloadPage
from storage.kinds import AppointmentStatus
from storage.models import Appointment, Client
from ui import evv_views, privacy, texts
from ui.callbacks import pack
from ui.timefmt import day_label, days_ago, plain_date, short_datetime, weekday_time

# Button labels are plain text (no HTML), but Telegram caps them; keep them short.
LABEL_MAX = 40
# The most appointment buttons under a list (/today, /week).
LIST_BUTTONS_MAX = 30


@dataclass(frozen=True, slots=True)
class View:
    text: str
    keyboard: InlineKeyboardMarkup | None = None


def button_label(text: str, limit: int = LABEL_MAX) -> str:
    """A button label Telegram shows whole: cut to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# How many characters a label may have for a row of n buttons to show it whole on a phone
# (390 px): translations run longer than English, so rows are laid out by their labels.
ROW_LABEL_MAX = {1: LABEL_MAX, 2: 13, 3: 9}


def label_width(label: str) -> int:
    """Characters as a phone shows them: an emoji takes the room of two letters, its
    variation selector none."""
    return sum(2 if east_asian_width(char) == "W" else 1 for char in label if char != "\ufe0f")


def rows_that_fit(
    buttons: list[InlineKeyboardButton], most: int = 3
) -> list[list[InlineKeyboardButton]]:
    """`buttons` in order, up to `most` to a row, a row taking the next button only while
    every label in it still shows whole."""
    rows: list[list[InlineKeyboardButton]] = []
    for button in buttons:
        row = rows[-1] if rows else []
        widest = max([label_width(button.text), *(label_width(other.text) for other in row)])
        if row and len(row) < most and widest <= ROW_LABEL_MAX[len(row) + 1]:
            row.append(button)
        else:
            rows.append([button])
    return rows


def fitted(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    """A keyboard of these rows, each row that would cut a label split where it must."""
    return InlineKeyboardMarkup(
        [part for row in rows for part in rows_that_fit(row, most=max(len(row), 1))]
    )


def client_button(client: Client, callback_data: str) -> InlineKeyboardButton:
    """A client to choose: its code and name."""
    return InlineKeyboardButton(
        button_label(privacy.code_and_name(client)), callback_data=callback_data
    )


# A goal's button carries its number and the start of its text; the message says it all.
GOAL_LABEL_MAX = 32


def same_name_offer(prefix: str, same: list[Client]) -> View:
    """A client by the name just given is already the worker's (/newclient, /intake):
    open one of them (`<prefix>:open:<id>`, re-checked by the card), add a new one
    anyway (`<prefix>:anyway:`), or cancel (`<prefix>:cancel:`)."""
    first = same[0]
    born = first.date_of_birth
    born_on = plain_date(born) if born else None
    rows = [
        [
            InlineKeyboardButton(
                texts.newclient_open(c.code), callback_data=pack(prefix, "open", c.id)
            )
        ]
        for c in same[:3]
    ]
    rows.append(
        [InlineKeyboardButton(texts.NEWCLIENT_ADD_ANYWAY, callback_data=pack(prefix, "anyway", ""))]
    )
    rows.append([InlineKeyboardButton(texts.CANCEL, callback_data=pack(prefix, "cancel", ""))])
    return View(
        texts.newclient_exists(first.code, privacy.client_name(first), len(same) - 1, born_on),
        InlineKeyboardMarkup(rows),
    )


def goal_choices(goals: list[tuple[str, bool]]) -> tuple[str, list[str]]:
    """Goals to tick, `(description, ticked)` each: the numbered full texts for the
    message, and the buttons' labels (☑/☐, the number, the start of the text)."""
    lines = [f"{number}. {escape(text)}" for number, (text, _) in enumerate(goals, 1)]
    labels = [
        f"{'☑' if ticked else '☐'} {number}. {button_label(text, GOAL_LABEL_MAX)}"
        for number, (text, ticked) in enumerate(goals, 1)
    ]
    return "\n".join(lines), labels


def caseload(
    page: CaseloadPage, now: datetime, zone: ZoneInfo, webapp_url: str | None = None
) -> View:
    """A page of /clients: overdue visits first and marked ❗, paged, with the filters
    (overdue, a program, a status) and, when one is on, the way back to everyone; with the
    Mini App, 🗂 Open shows the whole caseload there."""
    if not page.total and not page.only:
        return View(texts.CASELOAD_EMPTY)
    rows = []
    for client in page.clients:
        seen = (
            days_ago(client.last_contact_at, now, zone)
            if client.last_contact_at
            else texts.NEVER_SEEN
        )
        mark = "❗ " if client.id in page.overdue else ""
        rows.append(
            [
                InlineKeyboardButton(
                    button_label(f"{mark}{privacy.code_and_name(client)} · {seen}"),
                    callback_data=pack("cl", "o", client.id),
                )
            ]
        )
    nav = []
    if page.page > 0:
        nav.append(
            InlineKeyboardButton(
                texts.PREVIOUS, callback_data=pack("cl", "p", f"{page.page - 1}:{page.only}")
            )
        )
    if page.page < page.pages - 1:
        nav.append(
            InlineKeyboardButton(
                texts.NEXT, callback_data=pack("cl", "p", f"{page.page + 1}:{page.only}")
            )
        )
    if nav:
        rows.append(nav)
    if page.only:
        rows.append([InlineKeyboardButton(texts.CASELOAD_ALL, callback_data=pack("cl", "f", ""))])
    else:
        # Two rows: three labels side by side are cut short on a phone.
        rows.append(
            [InlineKeyboardButton(texts.CASELOAD_OVERDUE, callback_data=pack("cl", "f", OVERDUE))]
        )
        rows.append(
            [
                InlineKeyboardButton(
                    texts.CASELOAD_PROGRAM, callback_data=pack("cl", "m", "program")
                ),
                InlineKeyboardButton(
                    texts.CASELOAD_STATUS, callback_data=pack("cl", "m", "status")
                ),
            ]
        )
    if webapp_url:
        rows.append(
            [
                InlineKeyboardButton(
                    texts.CARD_OPEN, web_app=WebAppInfo(url=f"{webapp_url}/?view=clients")
                )
            ]
        )
    header = texts.caseload_header(page.total, page.page, page.pages, texts.filter_name(page.only))
    return View(header, InlineKeyboardMarkup(rows))


def caseload_filters(kind: str) -> View:
    """The programs or the statuses to narrow /clients to."""
    names = texts.PROGRAM_NAMES if kind == "program" else texts.STATUS_NAMES
    rows = [
        [InlineKeyboardButton(name, callback_data=pack("cl", "f", value))]
        for value, name in names.items()
    ]
    rows.append([InlineKeyboardButton(texts.CASELOAD_ALL, callback_data=pack("cl", "f", ""))])
    ask = texts.CASELOAD_PROGRAM_ASK if kind == "program" else texts.CASELOAD_STATUS_ASK
    return View(ask, InlineKeyboardMarkup(rows))


class Slot(Protocol):
    """An appointment as a list's line or button shows it (Appointment, an agenda's
    AgendaAppointment)."""

    @property
    def id(self) -> int: ...

    @property
    def starts_at(self) -> datetime: ...

    @property
    def kind(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def duration_minutes(self) -> int: ...


def appointment_line(
    appointment: Slot, client: privacy.Listed, zone: ZoneInfo, *, private: bool = False
) -> str:
    """`14:30 · C-0042 Maria Gonzalez · Home visit, 60 min ✅` (initials when `private`),
    with ` · 🗣 interpreter: Arabic` when the client needs one."""
    start = appointment.starts_at.astimezone(zone)
    kind = texts.KIND_NAMES.get(appointment.kind, appointment.kind)
    status = texts.APPOINTMENT_STATUS_MARK.get(appointment.status, "")
    tag = interpreter_tag(client, private)
    return (
        f"{start:%H:%M} · {client_label(client, private)} · {kind}, "
        f"{texts.minutes(appointment.duration_minutes)}{status}{f' · {tag}' if tag else ''}"
    )


def interpreter_tag(client: privacy.Listed, private: bool = False) -> str | None:
    """`🗣 interpreter: Arabic` when the client needs an interpreter (a visit to prepare),
    else None. `private` (a push under CASELINE_PRIVATE_PREVIEWS) leaves the language out:
    it is not a name, but beside initials it narrows who the client is; the cue stays."""
    if not client.interpreter:
        return None
    return texts.interpreter_tag(None if private else client.language)


def appointment_button(
    appointment: Slot, client: privacy.Coded, zone: ZoneInfo
) -> InlineKeyboardButton:
    """One appointment of a list (/today, /week): opens its card below the list."""
    start = appointment.starts_at.astimezone(zone)
    label = f"{weekday_time(start)} · {privacy.code_and_name(client)}"
    return InlineKeyboardButton(
        button_label(label), callback_data=pack("ac", "show", appointment.id)
    )


def appointment_card(
    appointment: Appointment,
    client: Client,
    zone: ZoneInfo,
    now: datetime | None = None,
    *,
    undo: bool = False,
) -> View:
    """An appointment as it stands, with the buttons its state allows; `undo` right after
    🚫 No-show: it says so, with ↩ Undo (the use case decides whether it still may)."""
    kind = texts.KIND_NAMES.get(appointment.kind, appointment.kind)
    lines = [
        f"<b>{texts.APPOINTMENT} · {escape(privacy.code_and_name(client))}</b>",
        f"{short_datetime(appointment.starts_at, zone, now)} · "
        f"{texts.minutes(appointment.duration_minutes)} · {kind}",
    ]
    tag = interpreter_tag(client)
    if tag:
        lines.append(tag)
    if appointment.place:
        lines.append(f"{texts.PLACE}: {privacy.shown_html(appointment.place)}")
    if appointment.series_id is not None:
        lines.append(texts.PART_OF_SERIES)
    undo = undo and appointment.status == AppointmentStatus.NO_SHOW
    status = texts.APPOINTMENT_STATUS_NAMES.get(appointment.status, appointment.status)
    lines.append(texts.NO_SHOW_MARKED if undo else status)
    lines += evv_views.card_lines(appointment, zone)
    if appointment.cancel_reason:
        lines.append(f"{texts.REASON}: {escape(appointment.cancel_reason)}")
    client_button = InlineKeyboardButton(
        texts.OPEN_CLIENT, callback_data=pack("cl", "o", client.id)
    )
    if not is_scheduled(appointment.status):  # only a scheduled one has these buttons
        row = [client_button]
        if undo:
            row.insert(
                0,
                InlineKeyboardButton(texts.UNDO, callback_data=pack("ac", "undo", appointment.id)),
            )
        return View("\n".join(lines), InlineKeyboardMarkup([row]))
    verify = evv_views.card_button(appointment)  # 📍 Check in, then 🏁 Check out
    rows = [[verify]] if verify is not None else []
    rows += [
        [
            InlineKeyboardButton(texts.MARK_DONE, callback_data=pack("ac", "done", appointment.id)),
            InlineKeyboardButton(texts.NO_SHOW, callback_data=pack("ac", "noshow", appointment.id)),
        ],
        [
            InlineKeyboardButton(
                texts.RESCHEDULE, callback_data=pack("ac", "move", appointment.id)
            ),
            InlineKeyboardButton(
                texts.CANCEL_APPOINTMENT, callback_data=pack("ac", "cancel", appointment.id)
            ),
        ],
        [client_button],
    ]
    return View("\n".join(lines), fitted(rows))


def agenda(
    title: str,
    days: list[tuple[date, list[tuple[Appointment, Client]]]],
    zone: ZoneInfo,
    empty: str,
    *,
    paging: list[InlineKeyboardButton] | None = None,
) -> View:
    lines = [f"<b>{title}</b>"]
    rows: list[list[InlineKeyboardButton]] = []
    for day, items in days:
        if len(days) > 1:
            lines.append("")
            lines.append(f"<b>{day_label(day)}</b>")
        if not items:
            lines.append(empty if len(days) == 1 else "—")
        for appointment, client in items:
            lines.append(appointment_line(appointment, client, zone))
            if is_scheduled(appointment.status) and len(rows) < LIST_BUTTONS_MAX:
                rows.append([appointment_button(appointment, client, zone)])
    if paging:
        rows.append(paging)
    return View("\n".join(lines), InlineKeyboardMarkup(rows) if rows else None)


# /week pages a week at a time up to a year ahead (a series is materialised that far).
WEEKS_AHEAD = 53


def week_paging(week: int) -> list[InlineKeyboardButton]:
    """◀ the week before (from the second week on) and the next week ▶ (up to a year)."""
    row = []
    if week > 0:
        row.append(
            InlineKeyboardButton(texts.WEEK_BEFORE, callback_data=pack("ag", "wk", week - 1))
        )
    if week < WEEKS_AHEAD:
        row.append(InlineKeyboardButton(texts.WEEK_AFTER, callback_data=pack("ag", "wk", week + 1)))
    return row


# How many upcoming appointments a page of a client's list shows.
UPCOMING_PAGE = 8


def upcoming_button(
    appointment: Appointment, zone: ZoneInfo, now: datetime, *, mark: str = ""
) -> InlineKeyboardButton:
    """An upcoming appointment to open (its card comes below): when, what kind, and 🔁
    when it is one of a series."""
    kind = texts.KIND_NAMES.get(appointment.kind, appointment.kind)
    series = " 🔁" if appointment.series_id is not None else ""
    label = f"{mark}{short_datetime(appointment.starts_at, zone, now)} · {kind}{series}"
    return InlineKeyboardButton(
        button_label(label), callback_data=pack("ac", "show", appointment.id)
    )


def client_upcoming(
    client: Client,
    found: list[Appointment],
    page: int,
    more: bool,
    zone: ZoneInfo,
    now: datetime,
) -> View:
    """A page of a client's upcoming appointments, each a button that opens its card
    (done, no-show, move, cancel), paged ◀ ▶. The buttons say when: the text only what
    they are for (a list of lines beside them wrapped twice on a phone)."""
    lines = [texts.upcoming_title(client.code, escape(privacy.client_name(client)))]
    lines.append(texts.UPCOMING_HINT if found else texts.NO_UPCOMING)
    rows = [[upcoming_button(appointment, zone, now)] for appointment in found]
    paging = []
    if page > 0:
        paging.append(
            InlineKeyboardButton(
                texts.EARLIER, callback_data=pack("ag", "pg", f"{client.id}:{page - 1}")
            )
        )
    if more:
        paging.append(
            InlineKeyboardButton(
                texts.LATER, callback_data=pack("ag", "pg", f"{client.id}:{page + 1}")
            )
        )
    if paging:
        rows.append(paging)
    return View("\n".join(lines), InlineKeyboardMarkup(rows) if rows else None)


def client_label(client: privacy.Coded, private: bool) -> str:
    """`C-0042 Maria Gonzalez`, `C-0042 M.G.` under private previews, `C-0042` in strict
    mode (ui/privacy.py decides)."""
    return privacy.client_label(client, private)
