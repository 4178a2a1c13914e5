"""Text, a voice note or a photo sent outside any dialog: offered as a note.

    "Mrs G. fell, bruised hip" (no dialog open) ─► "📝 Make it a note? For which client?"
        [C-0001 · Maria Gonzalez] … ─► the /note dialog, the text already on its card
        [✖ Not a note] ─► forgotten

What was sent waits in user_data (persisted, so a restart keeps it) until a client is
chosen or it is dropped; several loose messages in a row make one note. The /note dialog
starts from the press (conversations/note.py `from_loose`), so the client is re-checked
and the one-dialog-at-a-time rule holds as for any other start.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from conversations.note_draft import NoteDraft, attachment_of, keep_sent_file
from domain.rules.notes import TEXT_MAX
from domain.usecases.clients import recent_clients
from ui import held_answers, texts
from ui.callbacks import pack
from ui.context import CaselineContext
from ui.replies import answer
from ui.views import client_button

LOOSE = "loose_note"
PREFIX = "nt"  # the /note dialog's, whose entry point takes the press


async def offer(update: Update, context: CaselineContext) -> bool:
    """Keep what this message brought and offer to make it a note; False when it brought
    nothing a note can hold (a sticker, a location) or there is no open client to write
    it for: the caller answers as before."""
    message = update.effective_message
    text = (message.text or "") if message is not None else ""
    attachment = attachment_of(message)
    if not text.strip() and attachment is None:
        return False
    found = await recent_clients(context.services, context.require_actor())
    if not found:
        return False  # no open client to write it for
    if attachment is not None and not await keep_sent_file(update, context):
        return True  # told why it was not kept
    kept: dict[str, Any] = context.user_data.get(LOOSE) or {"parts": [], "attachments": []}
    if text.strip() and sum(map(len, kept["parts"])) + len(text) <= TEXT_MAX:
        kept["parts"].append(text)
    elif text.strip():
        held_answers.keep_message_in_chat()  # not kept: strict mode must not delete it
    if attachment is not None:
        kept["attachments"].append(asdict(attachment))
    context.user_data[LOOSE] = kept
    rows = [[client_button(client, pack(PREFIX, "loose", client.id))] for client in found]
    rows.append(
        [InlineKeyboardButton(texts.LOOSE_NOT_A_NOTE, callback_data=pack(PREFIX, "loose", ""))]
    )
    await message.reply_text(texts.LOOSE_OFFER, reply_markup=InlineKeyboardMarkup(rows))
    return True


def take(context: CaselineContext) -> NoteDraft | None:
    """The note draft that what was sent makes (and forget it), or None."""
    kept = context.user_data.pop(LOOSE, None)
    if not kept:
        return None
    return NoteDraft.from_json(
        {"parts": kept.get("parts", []), "attachments": kept.get("attachments", [])}
    )


async def drop(update: Update, context: CaselineContext) -> None:
    context.user_data.pop(LOOSE, None)
    await answer(update)
    await update.callback_query.edit_message_text(texts.LOOSE_DROPPED)
