"""One live message per dialog: the message whose buttons the worker answers.

A press on the live message edits it in place; otherwise (typed text, or `new`) the
previous live message loses its buttons and a fresh one goes below, so no stale button
is left to press by mistake. Used by /note, /intake, /plan and /review; the dialog keeps
the live message's id in its draft.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from ui.context import CaselineContext
from ui.held_answers import remember_sent_id
from ui.replies import edit_pressed


async def present(
    update: Update,
    context: CaselineContext,
    live: int | None,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
    *,
    new: bool = False,
    kept_in: str,
    field: str = "live",
) -> int | None:
    """Show `text` as the dialog's live message; returns the live message's id (a new
    one's real id reaches `field` of the draft stored under `kept_in` once it is out)."""
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
    keep_live_id(context, kept_in, field)
    return sent.message_id


def keep_live_id(context: CaselineContext, draft_key: str, field: str) -> None:
    """The message just sent is the dialog's live one: answers go out after the update's
    commit (ui/held_answers.py), so its real id is filled into the stored draft then —
    into a draft still open, never bringing back one the step ended."""

    def fill_in(message_id: int) -> None:
        stored = context.user_data.get(draft_key)
        if isinstance(stored, dict):
            stored[field] = message_id

    remember_sent_id(fill_in)


async def strip(context: CaselineContext, update: Update, message_id: int | None) -> None:
    """Take the buttons off an earlier live message (if it still has any)."""
    chat = update.effective_chat
    if not message_id or chat is None:
        return
    try:
        await context.bot.edit_message_reply_markup(chat.id, message_id, reply_markup=None)
    except BadRequest:
        pass  # already without buttons, or gone
