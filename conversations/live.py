"""One live message per dialog: the message whose buttons the worker answers.

A press on the live message edits it in place; otherwise (typed text, or `new`) the
previous live message loses its buttons and a fresh one goes below, so no stale button
is left to press by mistake. Used by /plan and /review; the dialog keeps the live
message's id in its draft.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from ui.context import CaselineContext
from ui.replies import edit_pressed


async def present(
    update: Update,
    context: CaselineContext,
    live: int | None,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
    *,
    new: bool = False,
) -> int | None:
    """Show `text` as the dialog's live message; returns the live message's id."""
    query = update.callback_query
    if (
        not new
        and query is not None
        and query.message is not None
        and query.message.message_id == live
    ):
        await edit_pressed(query, text, keyboard)
        return live
    await strip(context, update, live)
    message = update.effective_message
    assert message is not None
    sent = await message.reply_text(text, reply_markup=keyboard)
    return sent.message_id


async def strip(context: CaselineContext, update: Update, message_id: int | None) -> None:
    """Take the buttons off an earlier live message (if it still has any)."""
    chat = update.effective_chat
    if not message_id or chat is None:
        return
    try:
        await context.bot.edit_message_reply_markup(chat.id, message_id, reply_markup=None)
    except BadRequest:
        pass  # already without buttons, or gone
