"""Answering a worker: edit the message a button sits on, or send a new one."""

from __future__ import annotations

import logging

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError

from ui.views import View

log = logging.getLogger(__name__)


async def show(update: Update, view: View, *, below: bool = False) -> None:
    """Edit in place after a button press (no pile of messages), else reply. `below`: a
    new message even after a press, for what must not replace the message pressed on
    (a reminder, the morning agenda, a list the worker goes back to)."""
    query = update.callback_query
    if (
        not below
        and query is not None
        and query.message is not None
        and query.message.is_accessible
    ):
        await edit_pressed(query, view.text, view.keyboard)
        return
    message = update.effective_message
    if message is not None:
        await message.reply_text(view.text, reply_markup=view.keyboard)


async def edit_pressed(
    query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup | None
) -> None:
    """Replace the text of the message a button was pressed on."""
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as exc:
        if not unchanged(exc):
            raise


async def edit_message(bot: Bot, chat_id: int, message_id: int, view: View) -> None:
    """Edit an earlier message of the bot (the card a dialog was started from) to say how
    things stand now; one too old to edit, gone, or already saying so stays as it is."""
    try:
        await bot.edit_message_text(
            view.text, chat_id=chat_id, message_id=message_id, reply_markup=view.keyboard
        )
    except TelegramError as exc:
        log.info("message %s not redrawn: %s", message_id, exc)


def unchanged(exc: BadRequest) -> bool:
    """Telegram refusing an edit to what the message already says: pressing the same
    button twice, or a retry of an edit that did arrive."""
    return "not modified" in exc.message.lower()


async def answer(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Acknowledge a button press (Telegram shows a spinner until we do)."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest:
        # A press older than Telegram's answer window: nothing left to acknowledge.
        log.debug("callback query %s could not be answered", query.id)


async def remove_keyboard(update: Update) -> None:
    """Take the buttons off the message a button was pressed on."""
    query = update.callback_query
    if query is not None and query.message is not None:
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest:
            pass  # already without buttons (a double tap), or too old to edit


async def remove_pressed_button(update: Update) -> None:
    """Take the pressed button off its message, keeping the others (↩ Undo once its
    minute is over: the worker is told why, and the button does not stay to mislead)."""
    query = update.callback_query
    message = query.message if query is not None else None
    markup = getattr(message, "reply_markup", None)
    if query is None or message is None or markup is None:
        return
    rows = [
        [button for button in row if button.callback_data != query.data]
        for row in markup.inline_keyboard
    ]
    kept = [row for row in rows if row]
    try:
        await query.edit_message_reply_markup(
            reply_markup=InlineKeyboardMarkup(kept) if kept else None
        )
    except BadRequest:
        pass  # already without it (a double tap), or too old to edit
