"""The client's language and interpreter need, edited from the client card.

    cf:lang:<client>            the question (bot/record.py routes the card button here,
                                `language_menu`): quick languages, interpreter yes/no
    lg:l:<client>:<language>    a listed language (ui.texts.LANGUAGES); the question again
    lg:i:<client>:<y|n>         interpreter needed or not; the card again
    lg:f:<client>               not known after all: both forgotten; the card again
    lg:other:<client>           a typed language — a one-question dialog:

    [✏️ Type it…] ─► LANGUAGE ─(text)─► END: saved, the question again
    /cancel or [✖ Cancel] ─► END, nothing changed

Every step calls one use case of domain/usecases/clients.py and renders its result.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
)

from conversations.common import one_question
from conversations.drafts import ClientIdDraft
from domain.results import Invalid, Refused
from domain.usecases.clients import language_choice, set_client_language
from storage.clients import LANGUAGE_MAX
from storage.models import Client
from ui import privacy, texts
from ui.callbacks import pack, read_ids, unpack
from ui.client_card import back_to_card, say_not_found, show_client
from ui.context import CaselineContext
from ui.replies import answer, show
from ui.views import View

PREFIX = "lg"
DRAFT = "language"
LANGUAGE = 0


def language_view(client: Client) -> View:
    def button(label: str, action: str, arg: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, f"{client.id}{arg}"))

    names = [
        button(("✓ " if stored == client.language else "") + shown, "l", f":{stored}")
        for stored, shown in texts.language_choices()
    ]
    rows = [names[index : index + 3] for index in range(0, len(names), 3)]
    rows.append([button(texts.LANGUAGE_OTHER, "other", "")])
    rows.append(
        [
            button(("✓ " if client.interpreter else "") + texts.INTERPRETER_YES, "i", ":y"),
            button(("✓ " if client.interpreter is False else "") + texts.INTERPRETER_NO, "i", ":n"),
        ]
    )
    last = [back_to_card(client.id)]
    if client.language is not None or client.interpreter is not None:
        last.insert(0, button(texts.LANGUAGE_FORGET, "f", ""))
    rows.append(last)
    current = texts.language_line(client.language, client.interpreter)
    text = texts.language_ask(client.code, privacy.client_name(client), current, client.interpreter)
    return View(text, InlineKeyboardMarkup(rows))


async def language_menu(update: Update, context: CaselineContext, client_id: int) -> None:
    """cf:lang:<client> — which language, and is an interpreter needed?"""
    choice = await language_choice(context.services, context.require_actor(), client_id)
    if isinstance(choice, Refused):
        await say_not_found(update, client_id)
        return
    await answer(update)
    await show(update, language_view(choice.value))


async def language_pressed(update: Update, context: CaselineContext) -> None:
    """lg:l:<client>:<language>, lg:i:<client>:<y|n> and lg:f:<client>."""
    pressed = unpack(update.callback_query.data)
    client_raw, _, value = pressed.arg.partition(":")
    ids = read_ids(client_raw, 1)
    listed = pressed.action == "l" and texts.is_listed_language(value)
    yes_no = pressed.action == "i" and value in ("y", "n")
    forget = pressed.action == "f" and not value
    if ids is None or not (listed or yes_no or forget):
        await answer(update, texts.STALE_BUTTON)
        return
    result = await set_client_language(
        context.services,
        context.require_actor(),
        ids[0],
        language=value if listed else None,
        interpreter=(value == "y") if yes_no else None,
        forget=forget,
    )
    if isinstance(result, Refused) or isinstance(result, Invalid):
        await say_not_found(update, ids[0])
    elif listed:
        await answer(update, texts.LANGUAGE_SAVED_TOAST)
        await show(update, language_view(result.value))
    else:
        await show_client(update, context, ids[0], toast=texts.LANGUAGE_SAVED_TOAST)


async def other_pressed(update: Update, context: CaselineContext) -> int:
    """lg:other:<client> — ask for the language in words."""
    client_id = unpack(update.callback_query.data).int_arg()
    choice = await language_choice(context.services, context.require_actor(), client_id)
    if isinstance(choice, Refused):
        await say_not_found(update, client_id)
        return ConversationHandler.END
    client = choice.value
    await answer(update)
    context.user_data[DRAFT] = ClientIdDraft(client.id).to_json()
    cancel = InlineKeyboardButton(texts.CANCEL, callback_data=pack(PREFIX, "cancel", ""))
    await update.callback_query.edit_message_text(
        texts.language_ask_typed(client.code, LANGUAGE_MAX),
        reply_markup=InlineKeyboardMarkup([[cancel]]),
    )
    return LANGUAGE


async def language_typed(update: Update, context: CaselineContext) -> int:
    draft = ClientIdDraft.from_json(context.user_data.get(DRAFT))
    typed = update.effective_message.text or ""
    if len(typed.strip()) > LANGUAGE_MAX:
        await update.effective_message.reply_text(texts.too_long(LANGUAGE_MAX, len(typed.strip())))
        return LANGUAGE
    result = await set_client_language(
        context.services, context.require_actor(), draft.client_id, language=typed
    )
    if isinstance(result, Invalid):
        await update.effective_message.reply_text(texts.LANGUAGE_EMPTY_TEXT)
        return LANGUAGE
    context.user_data.pop(DRAFT, None)
    if isinstance(result, Refused):
        await say_not_found(update, draft.client_id)
        return ConversationHandler.END
    await show(update, language_view(result.value))
    return ConversationHandler.END


def dialog(timeout_minutes: int) -> ConversationHandler:
    return one_question(
        PREFIX, "other", other_pressed, language_typed, LANGUAGE, DRAFT, timeout_minutes
    )


def handlers(timeout_minutes: int) -> list[BaseHandler[Any, Any, Any]]:
    """The dialog and the buttons, for group 0 (before the catch-all)."""
    return [
        dialog(timeout_minutes),
        CallbackQueryHandler(language_pressed, pattern=rf"^{PREFIX}:[lif]:"),
    ]
