"""Strict mode's doors (CASELINE_PRIVACY=strict, ui/privacy.py): the dialogs that would have
a worker TYPE the record into the chat answer instead, before any of them starts.

Telegram keeps what a worker types as surely as what the bot sends, so in strict mode:

- a note is written in the Mini App (its composer): /note and 📝 Note hand over there
  (conversations/note.py, since the client is chosen first); a one-liner already typed is
  saved and confirmed by its number and length only (conversations/note_oneliner.py);
- who the client is (name, birth date, address, phone) is entered by an admin
  (`caseline clients import`) or in the Mini App: /newclient and /intake answer so, and
  ✏️ Edit offers only program, contact frequency and status (conversations/details.py);
- a plan's goals, a review, a referral's notes, a safety plan, a supervisor's comment and
  a note's amendment are free texts of the record: their dialogs answer that they are not
  typed in the chat, with 🗂 Open at the client's record, whose pages read them (and whose
  Plan tab writes plans, reviews and safety plans: bot/webapp/plan_api.py).

Registered in group 0 before every dialog (bot/app.py) only when strict, so standard mode
has not one extra handler. The answer names no client, so it needs no access check.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from ui import privacy, texts
from ui.callbacks import read_id, unpack
from ui.context import CaselineContext
from ui.replies import answer

# Commands whose dialog asks for the client's identity or a free text of the record.
IDENTITY_COMMANDS = ("newclient", "intake")
TEXT_COMMANDS = ("plan", "review", "refer", "comment")
# Card buttons (cf:<flow>:<client>) and other buttons that start such a dialog:
# every safety plan button (sp:…, its page included: its lines are the plan's words), every
# button of 👥 People (pp:…: the people around the client, their names and phones, are read
# on the Mini App's People page), am:start (✏️ Amend), cm:c (💬 Comment).
CARD_FLOWS = ("plan", "review", "refer", "safety", "people")
TEXT_BUTTONS = r"^(sp:[a-z]+|pp:[a-z]+|am:start|cm:c):"


async def identity_elsewhere(update: Update, context: CaselineContext) -> None:
    context.require_actor()
    await answer(update)
    await update.effective_message.reply_text(texts.STRICT_NO_MINI_APP_PAGE)


async def text_elsewhere(update: Update, context: CaselineContext) -> None:
    """The answer to a dialog of free text: not typed in the chat, 🗂 Open at the client
    when the press names one."""
    context.require_actor()
    client_id = None
    if update.callback_query is not None:
        pressed = unpack(update.callback_query.data)
        # cf:<flow>:<client>, sp:new|o:<client>, pp:<action>:<client>…: the client is the
        # first id.
        if pressed.prefix in ("cf", "pp") or (pressed.prefix, pressed.action) in (
            ("sp", "new"),
            ("sp", "o"),
        ):
            client_id = read_id(pressed.arg.split(":")[0])
        await answer(update)
    opened = privacy.webapp_button(client_id)
    await update.effective_message.reply_text(
        texts.STRICT_WRITE_IN_MINI_APP,
        reply_markup=InlineKeyboardMarkup([[opened]]) if opened is not None else None,
    )


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    flows = "|".join(CARD_FLOWS)
    return [
        CommandHandler(list(IDENTITY_COMMANDS), identity_elsewhere),
        CommandHandler(list(TEXT_COMMANDS), text_elsewhere),
        CallbackQueryHandler(identity_elsewhere, pattern=r"^cf:intake:"),
        CallbackQueryHandler(text_elsewhere, pattern=rf"^cf:({flows}):"),
        CallbackQueryHandler(text_elsewhere, pattern=TEXT_BUTTONS),
    ]
