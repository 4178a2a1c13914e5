"""Rendering records as Telegram messages (text + inline keyboard). No database here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.callbacks import pack
from bot.timefmt import days_ago, short_date
from storage.clients import CaseloadPage
from storage.models import Client

# Button labels are plain text (no HTML), but Telegram caps them; keep them short.
LABEL_MAX = 40


@dataclass(frozen=True, slots=True)
class View:
    text: str
    keyboard: InlineKeyboardMarkup | None = None


def _label(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def caseload(page: CaseloadPage, now: datetime, zone: ZoneInfo) -> View:
    if not page.total:
        return View(texts.CASELOAD_EMPTY)
    rows = []
    for client in page.clients:
        seen = days_ago(client.last_contact_at, now, zone) if client.last_contact_at else "new"
        rows.append(
            [
                InlineKeyboardButton(
                    _label(f"{client.code} · {client.name} · {seen}"),
                    callback_data=pack("cl", "o", client.id),
                )
            ]
        )
    nav = []
    if page.page > 0:
        nav.append(
            InlineKeyboardButton(texts.PREVIOUS, callback_data=pack("cl", "p", page.page - 1))
        )
    if page.page < page.pages - 1:
        nav.append(InlineKeyboardButton(texts.NEXT, callback_data=pack("cl", "p", page.page + 1)))
    if nav:
        rows.append(nav)
    return View(
        texts.caseload_header(page.total, page.page, page.pages), InlineKeyboardMarkup(rows)
    )


def client_card(
    client: Client, now: datetime, zone: ZoneInfo, *, worker_name: str | None = None
) -> View:
    lines = [
        f"<b>{client.code} · {escape(client.name)}</b>",
        f"{texts.PROGRAM_NAMES.get(client.program, client.program)}"
        f" · {texts.STATUS_NAMES.get(client.status, client.status)}",
    ]
    if worker_name:
        lines.append(f"Worker: {escape(worker_name)}")
    lines.append(f"Contact: {texts.every_days(client.contact_frequency_days)}")
    if client.last_contact_at:
        due = client.last_contact_at + timedelta(days=client.contact_frequency_days)
        lines.append(f"Last contact: {days_ago(client.last_contact_at, now, zone)}")
        overdue = " (overdue)" if due.astimezone(zone).date() < now.astimezone(zone).date() else ""
        lines.append(f"Next visit due: {short_date(due, zone)}{overdue}")
    else:
        lines.append("Last contact: none yet — a first visit is due")
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.BACK_TO_CASELOAD, callback_data=pack("cl", "p", 0))]]
    )
    return View("\n".join(lines), keyboard)
