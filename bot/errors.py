"""One error handler: log with context (never user text or secrets), answer kindly,
and never let one bad update stop the bot."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.metrics import Metrics
from ui import texts
from ui.context import CaselineContext

log = logging.getLogger("caseline.errors")


async def on_error(update: object, context: CaselineContext) -> None:
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    metrics = context.application.bot_data.get("metrics")
    if isinstance(metrics, Metrics):
        source = "update" if isinstance(update, Update) else "job" if context.job else "other"
        metrics.errors.labels(source).inc()
    log.error("update %s failed with %s", update_id, type(error).__name__, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(texts.ERROR[:200], show_alert=True)
        else:
            await context.bot.send_message(update.effective_chat.id, texts.ERROR)
    except TelegramError:
        log.warning("could not tell chat about the failure of update %s", update_id)
