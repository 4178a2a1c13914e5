"""The access gate (handler group -1): every update passes here first.

- Only what the handlers use comes in: `UPDATE_TYPES` is what `caseline run` subscribes to,
  and anything else that arrives anyway (business messages, channel posts, inline queries,
  payments, polls …) is dropped here, as is anything not from a person in their own private
  chat with the bot (chat id = user id, no `business_connection_id`). A dropped update is
  audited ("access.dropped", its type only) at most once an hour per sender; it is never
  answered and never changes a worker's chat.
- A redelivered update (same update_id) is dropped, so it changes nothing twice.
- A known, active worker is attached to the context as `actor` and goes on, answered in
  their language (`ui.i18n`); one who was unreachable (their chat answered 403) is
  reachable again. Anyone else is answered in their Telegram app's language.
- `/start <code>` from anyone not (or no longer) a worker is the join, run right here
  (throttled: after five wrong codes in an hour, further codes are not checked).
- Anyone else gets one polite refusal (at most once an hour) and an audit event;
  nothing else of theirs is stored (but for an hour's count of wrong invite codes). A
  worker who was switched off has their open dialogs ended by their first refused update.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from telegram import Chat, Message, Update, User
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.commands import join
from conversations.common import end_dialogs
from storage import audit, updates, workers
from storage.workers import Actor, WorkerRow
from ui import i18n, texts
from ui.context import CaselineContext
from ui.replies import answer

REFUSAL_EVERY = timedelta(hours=1)
REFUSED = "access.refused"
DROPPED = "access.dropped"
REACHABLE = "worker.reachable"
LAST_SWITCHED_OFF = "last_switched_off"

#: The update types the handlers use, and so the only ones `caseline run` (polling and
#: webhook), the demo and the tests ask Telegram for. Edited messages are answered (an edit
#: is not a reply to a dialog); block and unblock need no update: a 403 tells us.
UPDATE_TYPES: tuple[str, ...] = (Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY)


def _is_join_attempt(update: Update) -> bool:
    message = update.message
    return bool(
        message and message.text and message.text.startswith("/start ") and message.text[7:].strip()
    )


def _own_chat(chat: Chat, user: User | None) -> bool:
    """A person's own private chat with the bot: in Telegram its id is theirs."""
    return (
        user is not None
        and not user.is_bot
        and chat.type == ChatType.PRIVATE
        and chat.id == user.id
    )


def _from_the_person_themselves(update: Update) -> bool:
    """A message, edit or button press in the sender's own private chat with the bot.

    A business message (another person's chat, reaching us through the worker's business
    account) has a private chat too, but not theirs, and carries `business_connection_id`."""
    message = update.message or update.edited_message
    if message is not None:
        return message.business_connection_id is None and _own_chat(message.chat, message.from_user)
    query = update.callback_query
    if query is not None and query.message is not None:
        pressed = query.message
        if isinstance(pressed, Message) and pressed.business_connection_id is not None:
            return False
        return _own_chat(pressed.chat, query.from_user)
    return False


def _end_dialogs_from_before_switch_off(context: CaselineContext, worker: WorkerRow) -> None:
    """A worker switched off and on again starts with no dialog open: a draft kept from
    before may be about clients handed over meanwhile. Noticed by the moment they were last
    switched off, remembered with their dialogs."""
    last_off = worker.deactivated_at.isoformat() if worker.deactivated_at else None
    if context.user_data.get(LAST_SWITCHED_OFF) != last_off:
        end_dialogs(context.user_data)
        context.user_data.clear()
        context.user_data[LAST_SWITCHED_OFF] = last_off


def _update_type(update: Update) -> str:
    return next((key for key in update.to_dict() if key != "update_id"), "unknown")


async def _drop(update: Update, context: CaselineContext) -> None:
    """Audit an update we do not serve (its type, never its content), at most once an hour
    per sender, then stop it: no answer, nothing else stored."""
    services = context.services
    now = services.clock.now()
    user, chat = update.effective_user, update.effective_chat
    sender = user.id if user is not None else chat.id if chat is not None else None
    async with services.db.transaction() as session:
        # Handled, so the inbox never hands it over again.
        if not await updates.claim(session, update.update_id, now):
            raise ApplicationHandlerStop
        await audit.refused_at_most_every(
            session,
            DROPPED,
            telegram_id=sender,
            every=REFUSAL_EVERY,
            now=now,
            detail={"update": _update_type(update)},
        )
    raise ApplicationHandlerStop


async def gate(update: Update, context: CaselineContext) -> None:
    # Whose language this update is answered in: the organisation's until we know.
    i18n.use_language(None)
    if not _from_the_person_themselves(update):
        await _drop(update, context)
    services = context.services
    now = services.clock.now()
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None  # a person's own chat, checked above

    async with services.db.transaction() as session:
        claimed, worker, covering = await updates.claim_for(session, update.update_id, user.id, now)
        if not claimed:
            raise ApplicationHandlerStop
        if worker is not None and worker.active:
            if worker.unreachable_at is not None or worker.chat_id != chat.id:
                await workers.reached(session, worker.id, chat.id)
            if worker.unreachable_at is not None:
                await audit.record(
                    session,
                    REACHABLE,
                    now=now,
                    actor_id=worker.id,
                    telegram_id=user.id,
                    subject_type="worker",
                    subject_id=worker.id,
                )
            _end_dialogs_from_before_switch_off(context, worker)
            context.actor = replace(Actor.of(worker, covering), chat_id=chat.id)
            i18n.use_language(worker.language)
            return
        # Someone we do not know (or no longer), or joining: their Telegram app's language.
        i18n.use_language(user.language_code)
        joining = _is_join_attempt(update)
        if not joining:
            refuse_now = await audit.refused_at_most_every(
                session,
                REFUSED,
                telegram_id=user.id,
                every=REFUSAL_EVERY,
                now=now,
                actor_id=worker.id if worker else None,
                detail={"reason": "deactivated" if worker else "unknown"},
            )
    if joining:
        # Joined here, not by the /start handler: an open dialog of someone let go would
        # catch the command first.
        await join(update, context, update.message.text.split()[1])
        raise ApplicationHandlerStop
    if worker is not None:
        # Switched off: whatever dialog they had open ends here, so switching them on
        # again later does not bring them back into a draft about clients handed over.
        end_dialogs(context.user_data)
        context.user_data.clear()
    text = texts.DEACTIVATED_USER if worker is not None else texts.UNKNOWN_USER
    if update.callback_query is not None:
        await answer(update, text, alert=True)
    elif refuse_now and update.effective_message is not None:
        await update.effective_message.reply_text(text)
    raise ApplicationHandlerStop
