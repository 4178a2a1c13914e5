"""The access gate (handler group -1): every update passes here first.

- A redelivered update (same update_id) is dropped, so it changes nothing twice.
- Only private chats are served: client data never goes into a group.
- A known, active worker is attached to the context as `actor` and goes on.
- `/start <code>` from anyone not (or no longer) a worker is the join, run right here.
- Anyone else gets one polite refusal (at most once an hour) and an audit event;
  nothing else of theirs is stored.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.commands import join
from storage import audit, updates, workers
from ui import texts
from ui.context import CaselineContext
from ui.replies import answer

REFUSAL_EVERY = timedelta(hours=1)
REFUSED = "access.refused"


def _is_join_attempt(update: Update) -> bool:
    message = update.message
    return bool(
        message and message.text and message.text.startswith("/start ") and message.text[7:].strip()
    )


async def gate(update: Update, context: CaselineContext) -> None:
    services = context.services
    now = services.clock.now()
    user = update.effective_user
    chat = update.effective_chat
    if user is None or user.is_bot:
        raise ApplicationHandlerStop
    if chat is not None and chat.type != ChatType.PRIVATE:
        raise ApplicationHandlerStop

    async with services.db.session() as session:
        if not await updates.claim(session, update.update_id, now):
            raise ApplicationHandlerStop
        worker = await workers.by_telegram_id(session, user.id)
        if worker is not None and worker.active:
            if chat is not None and worker.chat_id != chat.id:
                worker.chat_id = chat.id
            context.actor = await workers.actor_at(session, worker, now)
            return
        joining = _is_join_attempt(update)
        if not joining:
            last = await audit.last_event_for_telegram_id(session, user.id, REFUSED)
            refuse_now = last is None or now - last.at >= REFUSAL_EVERY
            if refuse_now:
                await audit.record(
                    session,
                    REFUSED,
                    now=now,
                    telegram_id=user.id,
                    actor_id=worker.id if worker else None,
                    allowed=False,
                    detail={"reason": "deactivated" if worker else "unknown"},
                )
    if joining:
        # Joined here, not by the /start handler: an open dialog of someone let go would
        # catch the command first.
        await join(update, context, update.message.text.split()[1])
        raise ApplicationHandlerStop
    text = texts.DEACTIVATED_USER if worker is not None else texts.UNKNOWN_USER
    if update.callback_query is not None:
        await answer(update, text, alert=True)
    elif refuse_now and update.effective_message is not None:
        await update.effective_message.reply_text(text)
    raise ApplicationHandlerStop
