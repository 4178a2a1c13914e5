"""Strict mode: what a worker sends is taken out of the chat once Caseline has it.

With `CASELINE_PRIVACY=strict`, every message a worker sends is deleted from their chat
with the bot (a bot may delete incoming messages in a private chat for 48 hours) once
the update's transaction has committed: by then whatever it carried is stored — a
dialog's text in the stored draft, a one-liner's note, a file's bytes
(bot/attachments.py), a location in the visit. The delete is an answer like any other
(ui/held_answers.py): held until the commit, dropped if the update failed (nothing was
kept, so the worker's message is their only copy), and a delete Telegram refuses is
logged by its method and error alone, never its content.

Every message goes, commands with arguments included (`/client Smith` carries a name);
only a bare command (`/note`, `/cancel`) stays, as it says nothing about anyone. A file
Caseline could not keep (over 20 MB, or a download that failed) stays too, so the worker
can send it again.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import BaseHandler, TypeHandler

from ui import held_answers
from ui.context import CaselineContext

# After every other handler has had the update (the gate is -1, the dialogs 0).
AFTER_HANDLERS = 1


def _bare_command(message: Message) -> bool:
    text = message.text or ""
    return text.startswith("/") and len(text.split(maxsplit=1)) == 1


async def delete_once_kept(update: Update, context: CaselineContext) -> None:
    message = update.message
    if (
        not context.services.settings.strict
        or message is None
        or context.actor is None
        or _bare_command(message)
        or held_answers.keeps_message_in_chat()
    ):
        return
    await context.bot.delete_message(message.chat_id, message.message_id)


def handler() -> BaseHandler:
    return TypeHandler(Update, delete_once_kept)
