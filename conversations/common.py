"""Pieces every conversation shares: cancel, unexpected input, the state-machine frame."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, cast

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from conversations.drafts import IdleGuard
from ui import texts
from ui.callbacks import pack, unpack
from ui.context import CaselineContext
from ui.replies import answer, unchanged

log = logging.getLogger(__name__)
CONFIRM_TRIES = 2
# The argument of ✖ Cancel's second press, the one that discards written text.
SURE = "sure"


def _written(draft: object) -> bool:
    """Whether a draft holds what the worker wrote (a note's or a visit's text, a file)."""
    return isinstance(draft, dict) and bool(draft.get("parts") or draft.get("attachments"))


def cancel_with(draft_key: str, name: str = ""):
    """A /cancel that forgets the conversation's draft and says nothing was saved. The ✖
    Cancel button under a draft with written text asks once first (a slip of the thumb
    must not throw away a note); typed /cancel, and the 🗑 of that question, do not."""

    async def cancel(update: Update, context: CaselineContext) -> int | None:
        query = update.callback_query
        sure = query is not None and unpack(query.data).arg == SURE
        if query is not None and not sure and _written(context.user_data.get(draft_key)):
            await answer(update)
            keyboard = InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            texts.DISCARD_SURE, callback_data=pack(name, "cancel", SURE)
                        )
                    ]
                ]
            )
            await update.effective_message.reply_text(texts.DISCARD_ASK, reply_markup=keyboard)
            return None  # the dialog stays where it was
        context.user_data.pop(draft_key, None)
        await answer(update)
        if update.callback_query is not None and update.callback_query.message is not None:
            await update.callback_query.edit_message_text(texts.CANCELLED)
        else:
            await update.effective_message.reply_text(texts.CANCELLED)
        return ConversationHandler.END

    return cancel


async def confirm_saved(
    update: Update,
    context: CaselineContext,
    confirm: Callable[[], Awaitable[object]],
    draft_key: str | None = None,
) -> int:
    """End a dialog whose record is committed, then tell the worker.

    The draft goes first: whatever Telegram does next, the dialog must not stay open
    on a draft that is already a record. A failed confirmation is tried once more —
    an apology instead would invite the worker to save it all again.
    """
    if draft_key is not None:
        context.user_data.pop(draft_key, None)
    for attempt in range(1, CONFIRM_TRIES + 1):
        try:
            await confirm()
            break
        except BadRequest as exc:
            if unchanged(exc):
                break  # the first try did arrive: the card already says so
            log.warning("saved; confirmation refused (%s), try %d", exc.message, attempt)
        except TelegramError as exc:
            log.warning("saved; confirmation failed (%s), try %d", type(exc).__name__, attempt)
    return ConversationHandler.END


async def mid_flow(update: Update, context: CaselineContext) -> None:
    """Any other command or stray button while a conversation waits: stay put, say so."""
    if update.callback_query is not None:
        await answer(update, texts.STALE_BUTTON)
        return None
    await update.effective_message.reply_text(texts.MID_FLOW)
    return None


ACTIVE = "active_conversation"


async def use_buttons(update: Update, context: CaselineContext) -> None:
    await update.effective_message.reply_text(texts.USE_BUTTONS_OR_CANCEL)
    return None


async def text_expected(update: Update, context: CaselineContext) -> None:
    """A sticker, photo or location where the step needs typed text."""
    await update.effective_message.reply_text(texts.TEXT_EXPECTED)
    return None


def _tracked(name: str, callback: Any, guard: IdleGuard, *, entry: bool) -> Any:
    """Remember in user_data which conversation a worker is in.

    PTB lets two ConversationHandlers run for one user at once (the entry point of
    one fires while the other waits), and has no public way to ask whether a user is
    in a conversation. This marker, persisted with user_data, lets an entry point
    refuse while another dialog is open; /cancel anywhere clears it.

    It is also how a dialog is ended from outside (`end_dialogs`): a step of a dialog
    whose marker is gone does not act. The dialog ends, and the update goes to the
    handler that would have taken it had no dialog been open.
    """

    async def tracked(update: Update, context: CaselineContext) -> Any:
        busy = context.user_data.get(ACTIVE)
        if entry and busy and busy != name:
            await mid_flow(update, context)
            return ConversationHandler.END
        if not entry and busy != name:
            await _as_if_no_dialog(update, context, name)
            return ConversationHandler.END
        result = await callback(update, context)
        if result == ConversationHandler.END:
            context.user_data.pop(ACTIVE, None)
            return result
        if result is not None:
            context.user_data[ACTIVE] = name
        guard.touch(context)
        return result

    return tracked


def end_dialogs(user_data: dict[str, Any]) -> None:
    """End every dialog this user has open: the next step of any of them will not act
    (see `_tracked`). Their drafts stay unless the caller clears user_data too."""
    user_data.pop(ACTIVE, None)


async def _as_if_no_dialog(update: Update, context: CaselineContext, ended: str) -> None:
    """Hand `update` to the first handler that takes it when no dialog is open.

    Uses only BaseHandler's public check_update/handle_update; the ended dialog itself
    is skipped (its state becomes END only when this step returns)."""
    # PTB types `CallbackContext.application` with a context type variable that the
    # property leaves unbound; this application is the one built with CaselineContext.
    application = cast("Application[Any, CaselineContext, Any, Any, Any, Any]", context.application)
    for group in sorted(application.handlers):
        if group < 0:
            continue  # the access gate has already let this update in
        for handler in application.handlers[group]:
            if isinstance(handler, ConversationHandler) and handler.name == ended:
                continue
            check = handler.check_update(update)
            if check is not None and check is not False:
                await handler.handle_update(update, application, check, context)
                return
    if update.callback_query is not None:
        await answer(update, texts.STALE_BUTTON)


def conversation(
    name: str,
    entry_points: list[BaseHandler],
    states: dict[object, list[BaseHandler]],
    draft_key: str,
    timeout_minutes: int,
    text_key: str | None = None,
) -> ConversationHandler:
    """A persistent conversation with the fallbacks every Caseline dialog needs.

    `name` is also the callback-data prefix of its buttons. Every state callback
    first checks whether the draft sat idle longer than `timeout_minutes` (see
    conversations/drafts.py) instead of PTB's in-memory timer, which a restart loses.
    """
    guard = IdleGuard(draft_key, timeout_minutes, text_key=text_key)
    fallbacks: list[BaseHandler] = [
        CommandHandler("cancel", cancel_with(draft_key, name)),
        CallbackQueryHandler(cancel_with(draft_key, name), pattern=rf"^{name}:cancel"),
        MessageHandler(filters.COMMAND, mid_flow),
        CallbackQueryHandler(mid_flow),
        # Whatever a state has no handler for (text where buttons are expected, a
        # sticker, a location): stay in the state and say what would work.
        MessageHandler(filters.ALL & ~filters.UpdateType.EDITED, use_buttons),
    ]
    for handler in entry_points:
        handler.callback = _tracked(name, handler.callback, guard, entry=True)
    for handlers in states.values():
        for handler in handlers:
            handler.callback = _tracked(name, guard.wrap(handler.callback), guard, entry=False)
    for handler in fallbacks:
        handler.callback = _tracked(name, handler.callback, guard, entry=False)
    return ConversationHandler(
        name=name,
        persistent=True,
        entry_points=entry_points,
        states=states,
        fallbacks=fallbacks,
        allow_reentry=False,
    )
