"""Pieces every conversation shares: cancel, unexpected input, the state-machine frame."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import texts
from bot.context import CaselineContext
from bot.replies import answer


def cancel_with(draft_key: str):
    """A /cancel that forgets the conversation's draft and says nothing was saved."""

    async def cancel(update: Update, context: CaselineContext) -> int:
        context.user_data.pop(draft_key, None)
        await answer(update)
        if update.callback_query is not None and update.callback_query.message is not None:
            await update.callback_query.edit_message_text(texts.CANCELLED)
        else:
            await update.effective_message.reply_text(texts.CANCELLED)
        return ConversationHandler.END

    return cancel


async def mid_flow(update: Update, context: CaselineContext) -> None:
    """Any other command or stray button while a conversation waits: stay put, say so."""
    if update.callback_query is not None:
        await answer(update, texts.STALE_BUTTON)
        return None
    await update.effective_message.reply_text(texts.MID_FLOW)
    return None


def conversation(
    name: str,
    entry_points: list[BaseHandler],
    states: dict[object, list[BaseHandler]],
    draft_key: str,
    timeout_minutes: int | None = None,
) -> ConversationHandler:
    """A persistent conversation with the fallbacks every Caseline dialog needs."""
    cancel = cancel_with(draft_key)
    return ConversationHandler(
        name=name,
        persistent=True,
        entry_points=entry_points,
        states=states,
        fallbacks=[
            CommandHandler("cancel", cancel),
            CallbackQueryHandler(cancel, pattern=rf"^{name}:cancel"),
            MessageHandler(filters.COMMAND, mid_flow),
            CallbackQueryHandler(mid_flow),
        ],
        allow_reentry=False,
        conversation_timeout=timeout_minutes * 60 if timeout_minutes else None,
    )
