"""/newclient — add a client in a few taps.

    /newclient [name] ─► NAME ─(text)─► PROGRAM ─(button)─► FREQUENCY ─(button|days)─► CONFIRM
                          │                                                     Save ─► END
                          └─ one of the worker's clients has that name ─► SAME
                                 👤 Open C-xxxx ─► the card, END · ➕ Add anyway ─► PROGRAM
    /cancel or ✖ at any step ─► END, nothing saved

The draft is a NewClientDraft in user_data["newclient"], persisted (as the dict the
dialog always wrote), so a restart resumes the step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from conversations import drafts
from conversations.common import confirm_saved, conversation, use_buttons
from domain.results import Invalid
from domain.rules import client_names
from domain.usecases.clients import add_client, clients_called
from storage import clients
from storage.kinds import Program
from ui import texts
from ui.callbacks import pack, pattern, unpack
from ui.client_card import show_client
from ui.context import CaselineContext
from ui.replies import answer, show
from ui.views import View, same_name_offer

NAME, PROGRAM, FREQUENCY, CONFIRM, SAME = range(5)
DRAFT = "newclient"
PREFIX = "nc"
FREQUENCIES = (7, 14, 30, 60, 90)


@dataclass
class NewClientDraft:
    """The answers so far. Stored as `{"name", "program", "frequency"}` (each once
    answered) plus what the dialog kit keeps beside them ("token", "touched")."""

    name: str | None = None
    program: Program | None = None
    frequency: int | None = None  # days between contacts
    token: str | None = None
    rest: dict[str, Any] = field(default_factory=dict)  # "touched", kept as it is

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.rest)
        if self.name is not None:
            data["name"] = self.name
        if self.program is not None:
            data["program"] = self.program.value
        if self.frequency is not None:
            data["frequency"] = self.frequency
        if self.token is not None:
            data[drafts.TOKEN] = self.token
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> NewClientDraft:
        """A stored draft; an answer that cannot be read is missing (asked again)."""
        rest = dict(data or {})
        name, program = rest.pop("name", None), rest.pop("program", None)
        frequency, token = rest.pop("frequency", None), rest.pop(drafts.TOKEN, None)
        return cls(
            name=name if isinstance(name, str) and name else None,
            program=Program(program) if program in set(Program) else None,
            frequency=frequency
            if isinstance(frequency, int) and not isinstance(frequency, bool)
            else None,
            token=token if isinstance(token, str) and token else None,
            rest=rest,
        )


def _draft(context: CaselineContext) -> NewClientDraft:
    return NewClientDraft.from_json(context.user_data.get(DRAFT))


def _store(context: CaselineContext, draft: NewClientDraft) -> None:
    context.user_data[DRAFT] = draft.to_json()


async def start(update: Update, context: CaselineContext) -> int:
    context.require_actor()
    _store(context, NewClientDraft())
    if context.args:
        return await _accept_name(update, context, " ".join(context.args))
    await update.effective_message.reply_text(texts.NEWCLIENT_ASK_NAME)
    return NAME


async def name_given(update: Update, context: CaselineContext) -> int:
    # Reached through filters.TEXT only, so the message has its text.
    return await _accept_name(update, context, cast(str, update.effective_message.text))


async def _accept_name(update: Update, context: CaselineContext, raw: str) -> int:
    name = client_names.cleaned(raw)
    message = update.effective_message
    wrong = client_names.problem(name)
    if wrong == "too_short":
        await message.reply_text(texts.NEWCLIENT_NAME_TOO_SHORT)
        return NAME
    if wrong == "too_long":
        await message.reply_text(texts.newclient_name_too_long(clients.NAME_MAX))
        return NAME
    draft = _draft(context)
    draft.name = name
    _store(context, draft)
    same = await clients_called(context.services, context.require_actor(), name)
    if same:
        offer = same_name_offer(PREFIX, same)
        await message.reply_text(offer.text, reply_markup=offer.keyboard)
        return SAME
    await _ask_program(update, name)
    return PROGRAM


async def _ask_program(update: Update, name: str) -> None:
    keyboard = [
        [InlineKeyboardButton(label, callback_data=pack(PREFIX, "prog", program))]
        for program, label in texts.PROGRAM_NAMES.items()
    ]
    keyboard.append([InlineKeyboardButton(texts.CANCEL, callback_data=pack(PREFIX, "cancel", ""))])
    # After ➕ Add anyway the question replaces the one about the same name.
    await show(update, View(texts.newclient_ask_program(name), InlineKeyboardMarkup(keyboard)))


async def add_anyway(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    await answer(update)
    if draft.name is None:
        await update.effective_message.reply_text(texts.NEWCLIENT_ASK_NAME)
        return NAME
    await _ask_program(update, draft.name)
    return PROGRAM


async def open_existing(update: Update, context: CaselineContext) -> int:
    """👤 Open C-xxxx: that client's card instead of a new one (re-checked and audited by
    the card's use case, so a forged id gets the usual refusal); the dialog ends."""
    client_id = unpack(update.callback_query.data).int_arg()
    context.user_data.pop(DRAFT, None)
    await show_client(update, context, client_id)
    return ConversationHandler.END


async def name_not_text(update: Update, context: CaselineContext) -> int:
    await update.effective_message.reply_text(texts.NEWCLIENT_NAME_NOT_TEXT)
    return NAME


async def program_chosen(update: Update, context: CaselineContext) -> int:
    program = unpack(update.callback_query.data).arg
    if program not in set(Program):
        await answer(update, texts.STALE_BUTTON)
        return PROGRAM
    await answer(update)
    draft = _draft(context)
    draft.program = Program(program)
    _store(context, draft)
    keyboard = [
        [
            InlineKeyboardButton(f"{days} d", callback_data=pack(PREFIX, "freq", days))
            for days in FREQUENCIES
        ],
        [InlineKeyboardButton(texts.CANCEL, callback_data=pack(PREFIX, "cancel", ""))],
    ]
    await update.callback_query.edit_message_text(
        texts.NEWCLIENT_ASK_FREQUENCY, reply_markup=InlineKeyboardMarkup(keyboard)
    )
    return FREQUENCY


async def frequency_chosen(update: Update, context: CaselineContext) -> int:
    days = unpack(update.callback_query.data).int_arg()
    if days is None or days not in clients.FREQUENCY_RANGE:
        await answer(update, texts.STALE_BUTTON)
        return FREQUENCY
    await answer(update)
    return await _confirm(update, context, days)


async def frequency_typed(update: Update, context: CaselineContext) -> int:
    raw = update.effective_message.text.strip().lower().removesuffix("days").removesuffix("d")
    if not raw.strip().isdecimal() or int(raw) not in clients.FREQUENCY_RANGE:
        await update.effective_message.reply_text(texts.NEWCLIENT_BAD_FREQUENCY)
        return FREQUENCY
    return await _confirm(update, context, int(raw))


async def _confirm(update: Update, context: CaselineContext, days: int) -> int:
    draft = _draft(context)
    draft.frequency = days
    _store(context, draft)
    if draft.name is None or draft.program is None:
        # A draft that lost its earlier answers (should not happen): start over.
        await update.effective_message.reply_text(texts.NEWCLIENT_ASK_NAME)
        return NAME
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.SAVE, callback_data=pack(PREFIX, "save", "")),
                InlineKeyboardButton(texts.CANCEL, callback_data=pack(PREFIX, "cancel", "")),
            ]
        ]
    )
    text = texts.newclient_confirm(draft.name, draft.program, days)
    if update.callback_query is not None:
        await update.callback_query.edit_message_text(text, reply_markup=keyboard)
    else:
        await update.effective_message.reply_text(text, reply_markup=keyboard)
    return CONFIRM


async def save(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    if draft.name is None or draft.program is None or draft.frequency is None:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    result = await add_client(
        context.services,
        context.require_actor(),
        name=draft.name,
        program=draft.program,
        contact_frequency_days=draft.frequency,
        draft_token=draft.token,
    )
    if isinstance(result, Invalid):
        # A frequency the buttons and the typed check never let through.
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    saved = result.value
    toast = texts.client_saved(saved.code)
    return await confirm_saved(
        update, context, lambda: show_client(update, context, saved.id, toast=toast), DRAFT
    )


def handler(timeout_minutes: int) -> ConversationHandler:
    return conversation(
        PREFIX,
        entry_points=[CommandHandler("newclient", start)],
        states={
            NAME: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, name_given),
                MessageHandler(~filters.COMMAND, name_not_text),
            ],
            SAME: [
                CallbackQueryHandler(open_existing, pattern=pattern(PREFIX) + "open:"),
                CallbackQueryHandler(add_anyway, pattern=pattern(PREFIX) + "anyway:"),
                MessageHandler(~filters.COMMAND, use_buttons),
            ],
            PROGRAM: [
                CallbackQueryHandler(program_chosen, pattern=pattern(PREFIX) + "prog:"),
                MessageHandler(~filters.COMMAND, use_buttons),
            ],
            FREQUENCY: [
                CallbackQueryHandler(frequency_chosen, pattern=pattern(PREFIX) + "freq:"),
                MessageHandler(filters.TEXT & ~filters.COMMAND, frequency_typed),
                MessageHandler(~filters.COMMAND, use_buttons),
            ],
            CONFIRM: [
                CallbackQueryHandler(save, pattern=pattern(PREFIX) + "save:"),
                MessageHandler(~filters.COMMAND, use_buttons),
            ],
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
    )
