"""Risk alerts: what a supervisor's phone shows when one is sent.

The note's use case (domain/usecases/notes.py) queues the alert in the note's own
transaction with the facts only (author, client, reason); the words are chosen here,
when the row is sent: the client as they are named now, and, when lock-screen previews
must be private (CASELINE_PRIVATE_PREVIEWS), code and initials and no reason text.
Rows queued before that (payload {"text": …}) are sent as they were worded.

A worded-from-facts alert has ✅ Acknowledge under it (conversations/risk.py); an
escalated one (payload "escalated", domain/usecases/risks.py) says nobody acknowledged it
yet, and is not sent once someone has. The flagging worker's "seen" notice is worded here
too, and so is the admins' alert about a bulk export (render_bulk_export).
"""

from __future__ import annotations

import logging
from html import escape
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.reminders.sending import Rendered
from storage.machinery import OutboxMessage
from storage.models import Client, Worker
from storage.names import clean_name
from ui import privacy, texts
from ui.callbacks import pack
from ui.views import client_label, rows_that_fit

log = logging.getLogger(__name__)


async def render_risk(
    session: AsyncSession, row: OutboxMessage, chat_id: int, *, private: bool
) -> Rendered | None:
    payload: dict[str, Any] = row.payload or {}
    client_id = payload.get("client_id")
    if "text" in payload:  # worded when it was queued
        return Rendered(chat_id, payload["text"], _open_client(client_id))
    client = await session.get(Client, client_id) if client_id else None
    if client is None:
        log.warning("risk alert %s names no client", row.id)
        return None
    reason = texts.RISK_REASON_ON_CARD if private else escape(str(payload.get("reason", "")))
    if privacy.strict():
        reason = texts.STRICT_REASON_IN_MINI_APP
    # The author's name as queued (an alert queued before names were cleaned, too).
    author = clean_name(str(payload.get("author", ""))) or "?"
    if payload.get("escalated"):
        if client.risk_acknowledged_at is not None or client.risk_note_id != row.subject_id:
            return None  # acknowledged, lowered or flagged again since it was queued
        text = texts.risk_escalated(author, client_label(client, private), reason)
    else:
        text = texts.risk_alert(author, client_label(client, private), reason)
    return Rendered(chat_id, text, _buttons(client.id, row.subject_id))


async def render_seen(session: AsyncSession, row: OutboxMessage, chat_id: int) -> Rendered | None:
    """The flagging worker told a supervisor acknowledged their alert: code only (the
    worker knows whom it is about, a lock screen need not)."""
    payload: dict[str, Any] = row.payload or {}
    client = await session.get(Client, payload.get("client_id") or 0)
    if client is None:
        return None
    by = clean_name(str(payload.get("by", ""))) or "?"
    return Rendered(chat_id, texts.risk_seen(by, client.code), _open_client(client.id))


async def render_bulk_export(
    session: AsyncSession, row: OutboxMessage, chat_id: int
) -> Rendered | None:
    """An admin told one person exported more case files today than the limit: who (a
    worker, named as they are now, or the shell) and how many; never a client, so private
    previews change nothing."""
    payload: dict[str, Any] = row.payload or {}
    exporter_id = payload.get("exporter_id")
    exporter = await session.get(Worker, exporter_id) if exporter_id else None
    name = clean_name(exporter.name) if exporter is not None else texts.PDF_CLI
    return Rendered(
        chat_id, texts.bulk_export_alert(name, int(payload["count"]), int(payload["limit"]))
    )


def _buttons(client_id: int, note_id: int | None) -> InlineKeyboardMarkup | None:
    open_client = InlineKeyboardButton(texts.OPEN_CLIENT, callback_data=pack("cl", "n", client_id))
    if note_id is None:
        return InlineKeyboardMarkup([[open_client]])
    acknowledge = InlineKeyboardButton(texts.ACKNOWLEDGE, callback_data=pack("rk", "ack", note_id))
    # Strict mode: the reason is read in the Mini App.
    opened = privacy.webapp_button(client_id) if privacy.strict() else None
    return InlineKeyboardMarkup(
        rows_that_fit([acknowledge, open_client, *([opened] if opened else [])])
    )


def _open_client(client_id: object) -> InlineKeyboardMarkup | None:
    if not client_id:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.OPEN_CLIENT, callback_data=pack("cl", "n", client_id))]]
    )
