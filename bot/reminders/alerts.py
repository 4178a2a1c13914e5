"""Risk alerts: what a supervisor's phone shows when one is sent.

The note's use case (domain/usecases/notes.py) queues the alert in the note's own
transaction with the facts only (author, client, reason); the words are chosen here,
when the row is sent: the client as they are named now, and, when lock-screen previews
must be private (CASELINE_PRIVATE_PREVIEWS), code and initials and no reason text.
Rows queued before that (payload {"text": …}) are sent as they were worded.
"""

from __future__ import annotations

import logging
from html import escape
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.reminders.sending import Rendered
from storage.models import Client, OutboxMessage
from storage.names import clean_name
from ui import texts
from ui.callbacks import pack
from ui.views import client_label

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
    # The author's name as queued (an alert queued before names were cleaned, too).
    author = clean_name(str(payload.get("author", ""))) or "?"
    text = texts.risk_alert(author, client_label(client, private), reason)
    return Rendered(chat_id, text, _open_client(client.id))


def _open_client(client_id: object) -> InlineKeyboardMarkup | None:
    if not client_id:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.OPEN_CLIENT, callback_data=pack("cl", "n", client_id))]]
    )
