"""Pieces every conversation shares: cancel, unexpected input, the state-machine frame."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
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
from ui.callbacks import pack, pattern, unpack
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


ACTIVE = "active_conversation"


async def use_buttons(update: Update, context: CaselineContext) -> None:
    await update.effective_message.reply_text(texts.USE_BUTTONS_OR_CANCEL)
    return None


async def text_expected(update: Update, context: CaselineContext) -> None:
    """A sticker, photo or location where the step needs typed text."""
    await update.effective_message.reply_text(texts.TEXT_EXPECTED)
    return None


def _tracked(
    name: str, callback: Any, guard: IdleGuard, *, entry: bool, reshows: bool = False
) -> Any:
    """Remember in user_data which conversation a worker is in.

    PTB lets two ConversationHandlers run for one user at once (the entry point of
    one fires while the other waits), and has no public way to ask whether a user is
    in a conversation. This marker, persisted with user_data, says which one is open:
    starting another sets the open one's draft aside first (`_set_aside`), so one
    dialog is open at a time and nothing written is lost.

    It is also how a dialog is ended from outside (`end_dialogs`): a step of a dialog
    whose marker is gone does not act. The dialog ends, and the update goes to the
    handler that would have taken it had no dialog been open.
    """

    async def tracked(update: Update, context: CaselineContext) -> Any:
        busy = context.user_data.get(ACTIVE)
        if entry and busy and not (reshows and busy == name):
            # Another dialog, or this one started afresh: the open draft goes aside.
            await _set_aside(update, context, busy)
        if not entry and busy != name:
            await _as_if_no_dialog(update, context, name)
            return ConversationHandler.END
        result = await callback(update, context)
        if result == ConversationHandler.END:
            # Only this dialog's own marker: the step may have started another one.
            if context.user_data.get(ACTIVE) == name:
                context.user_data.pop(ACTIVE, None)
            return result
        if result is not None:
            context.user_data[ACTIVE] = name
        guard.touch(context)
        return result

    return tracked


def _application(context: CaselineContext) -> Application[Any, CaselineContext, Any, Any, Any, Any]:
    # PTB types `CallbackContext.application` with a context type variable that the
    # property leaves unbound; this application is the one built with CaselineContext.
    return cast("Application[Any, CaselineContext, Any, Any, Any, Any]", context.application)


def _dialog(context: CaselineContext, name: str) -> Dialog | None:
    for handlers in _application(context).handlers.values():
        for handler in handlers:
            if isinstance(handler, Dialog) and handler.name == name:
                return handler
    return None


async def _set_aside(update: Update, context: CaselineContext, name: str) -> None:
    """End dialog `name` for this worker: another dialog is about to start."""
    context.user_data.pop(ACTIVE, None)
    dialog = _dialog(context, name)
    if dialog is not None:
        await _keep_draft(update, context, dialog.guard, idle=False)


async def _keep_draft(
    update: Update, context: CaselineContext, guard: IdleGuard, *, idle: bool
) -> None:
    """Set the draft aside for its command, and say so in one line (left idle: the idle
    timeout's own words)."""
    code = _client_code(context.user_data.get(guard.key))
    if not guard.set_aside(context, bare_too=idle):
        context.user_data.pop(guard.key, None)
        return
    noun = texts.DRAFT_NOUNS.get(guard.key, guard.key)
    await update.effective_message.reply_text(
        texts.draft_kept(guard.command) if idle else texts.set_aside(noun, code, guard.command)
    )


def _client_code(draft: object) -> str:
    client = draft.get("client") if isinstance(draft, dict) else None
    return str(client.get("code") or "") if isinstance(client, dict) else ""


def end_dialogs(user_data: dict[str, Any]) -> None:
    """End every dialog this user has open: the next step of any of them will not act
    (see `_tracked`). Their drafts stay unless the caller clears user_data too."""
    user_data.pop(ACTIVE, None)


def _taker(update: Update, context: CaselineContext, open_dialog: str) -> _Taker | None:
    """The handler that takes `update` when no dialog is open: a step of no dialog (a
    command such as /today, a card's button) or the entry of another dialog.

    Another dialog counts only through its entry points: a step of one that has ended
    (its marker gone, its state not yet cleared) takes nothing. Uses only BaseHandler's
    public check_update; dialogs allow re-entry, so one whose entry point matches is
    started by it whatever state PTB still holds for it."""
    for group in sorted(_application(context).handlers):
        if group < 0:
            continue  # the access gate has already let this update in
        for handler in _application(context).handlers[group]:
            if isinstance(handler, ConversationHandler):
                if handler.name == open_dialog or not any(
                    entry.check_update(update) not in (None, False)
                    for entry in handler.entry_points
                ):
                    continue
            check = handler.check_update(update)
            if check is not None and check is not False:
                return _Taker(handler, check)
    return None


class _Taker:
    def __init__(self, handler: BaseHandler, check: object) -> None:
        self.handler = handler
        self.check = check
        self.starts_dialog = isinstance(handler, ConversationHandler)

    async def take(self, update: Update, context: CaselineContext) -> None:
        await self.handler.handle_update(update, _application(context), self.check, context)


async def _as_if_no_dialog(update: Update, context: CaselineContext, ended: str) -> None:
    """Hand `update` to the first handler that takes it when no dialog is open; the
    ended dialog itself is skipped (its state becomes END only when this step returns)."""
    taker = _taker(update, context, ended)
    if taker is not None:
        await taker.take(update, context)
    elif update.callback_query is not None:
        await answer(update, texts.STALE_BUTTON)


def _elsewhere(name: str, guard: IdleGuard) -> Any:
    """A command, or a button of another message, while dialog `name` waits.

    One that starts no dialog (/today, /client maria, a card's ⬅ Back) is answered and
    the dialog carries on — a typed command gets one line saying what is still open.
    One that starts another dialog sets this draft aside first (this dialog's own entry
    points never get here: re-entry runs them, see `_tracked`). A draft left idle past
    the timeout is set aside whatever comes."""

    async def elsewhere(update: Update, context: CaselineContext) -> Any:
        taker = _taker(update, context, name)
        if taker is None:
            await answer(update, texts.STALE_BUTTON)
            return None
        idle = guard.idle(update, context)
        if not taker.starts_dialog and not idle:
            draft = context.user_data.get(guard.key)
            await taker.take(update, context)
            if update.callback_query is None and context.user_data.get(ACTIVE) == name:
                noun = texts.DRAFT_NOUNS.get(guard.key, guard.key)
                await update.effective_message.reply_text(
                    texts.still_open(noun, _client_code(draft))
                )
            return None
        context.user_data.pop(ACTIVE, None)
        await _keep_draft(update, context, guard, idle=idle)
        await taker.take(update, context)
        return ConversationHandler.END

    return elsewhere


class Dialog(ConversationHandler):
    """A Caseline conversation: PTB's, with the idle guard that keeps its draft."""

    def __init__(self, guard: IdleGuard, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.guard = guard


def conversation(
    name: str,
    entry_points: list[BaseHandler],
    states: dict[object, list[BaseHandler]],
    draft_key: str,
    timeout_minutes: int,
    text_key: str | None = None,
    written_key: str | None = None,
    reshows: bool = False,
) -> ConversationHandler:
    """A persistent conversation with the fallbacks every Caseline dialog needs.

    `name` is also the callback-data prefix of its buttons. Every state callback
    first checks whether the draft sat idle longer than `timeout_minutes` (see
    conversations/drafts.py) instead of PTB's in-memory timer, which a restart loses.

    An entry point while the dialog is open starts it afresh, the open draft set aside;
    with `reshows` the entry's callback gets the open draft instead (ACTIVE still says
    this dialog) and shows where the worker is.
    """
    guard = IdleGuard(draft_key, timeout_minutes, text_key=text_key, written_key=written_key)
    fallbacks: list[BaseHandler] = [
        CommandHandler("cancel", cancel_with(draft_key, name)),
        CallbackQueryHandler(cancel_with(draft_key, name), pattern=rf"^{name}:cancel"),
        MessageHandler(filters.COMMAND, _elsewhere(name, guard)),
        CallbackQueryHandler(_elsewhere(name, guard)),
        # Whatever a state has no handler for (text where buttons are expected, a
        # sticker, a location): stay in the state and say what would work.
        MessageHandler(filters.ALL & ~filters.UpdateType.EDITED, use_buttons),
    ]
    for handler in entry_points:
        handler.callback = _tracked(name, handler.callback, guard, entry=True, reshows=reshows)
    for handlers in states.values():
        for handler in handlers:
            handler.callback = _tracked(name, guard.wrap(handler.callback), guard, entry=False)
    for handler in fallbacks:
        handler.callback = _tracked(name, handler.callback, guard, entry=False)
    return Dialog(
        guard,
        name=name,
        persistent=True,
        entry_points=entry_points,
        states=states,
        fallbacks=fallbacks,
        allow_reentry=True,  # an entry point always starts afresh (the open draft set aside)
    )


def one_question(
    name: str,
    action: str,
    started: Any,
    typed: Any,
    state: int,
    draft_key: str,
    timeout_minutes: int,
    buttons: Sequence[BaseHandler] = (),
) -> ConversationHandler:
    """A dialog of one typed answer, opened by a button `name:action:` (✏️ Amend under a
    note, discharge for a reason in the worker's own words, a language not among the
    buttons); `buttons` answer the presses under the question while it waits."""
    return conversation(
        name,
        entry_points=[CallbackQueryHandler(started, pattern=pattern(name) + f"{action}:")],
        states={
            state: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, typed),
                MessageHandler(~filters.COMMAND, text_expected),
                *buttons,
            ]
        },
        draft_key=draft_key,
        timeout_minutes=timeout_minutes,
    )
