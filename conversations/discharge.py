"""Discharge: close a case, for a listed reason or one typed in words.

    cf:discharge:<client>      the question: reasons as buttons (bot/record.py routes the
                               card button here, `discharge_menu`)
    dc:r:<client>:<reason>     discharge for a listed reason
    dc:other:<client>          discharge for a typed reason — a one-question dialog:

    [✏️ Other…] ─► REASON ─(text)─► END: discharged, the card is shown
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
from domain.results import Invalid, Pending, Refused, Saved, Stale
from domain.usecases.clients import (
    REASON_EMPTY,
    REASON_TOO_LONG,
    discharge_choice,
    discharge_client,
)
from ui import privacy, texts
from ui.approval_views import waiting_toast
from ui.callbacks import pack, read_ids, unpack
from ui.client_card import back_to_card, say_not_found, show_client
from ui.context import CaselineContext, deliver_soon, zone_of
from ui.replies import answer, show
from ui.views import View

PREFIX = "dc"
DRAFT = "discharge"
REASON = 0


def _invalid_reason_text(reason: str) -> str:
    return {
        REASON_EMPTY: texts.DISCHARGE_REASON_EMPTY,
        REASON_TOO_LONG: texts.DISCHARGE_REASON_TOO_LONG,
    }[reason]


async def discharge_menu(update: Update, context: CaselineContext, client_id: int) -> None:
    """cf:discharge:<client> — why is the case closed?"""
    choice = await discharge_choice(context.services, context.require_actor(), client_id)
    if isinstance(choice, Refused):
        await say_not_found(update, client_id)
        return
    if isinstance(choice, Stale):
        await answer(update, texts.DISCHARGE_ALREADY, alert=True)
        return
    if isinstance(choice, Pending):
        await answer(update, waiting_toast(choice, zone_of(context)), alert=True)
        return
    client = choice.client
    await answer(update)
    reasons = list(texts.DISCHARGE_REASONS.items())
    rows = [
        [
            InlineKeyboardButton(label, callback_data=pack(PREFIX, "r", f"{client.id}:{code}"))
            for code, label in reasons[index : index + 2]
        ]
        for index in range(0, len(reasons), 2)
    ]
    rows.append(
        [
            InlineKeyboardButton(
                texts.DISCHARGE_OTHER, callback_data=pack(PREFIX, "other", client.id)
            ),
            back_to_card(client.id),
        ]
    )
    await show(
        update,
        View(
            texts.discharge_ask(
                client.code, privacy.client_name(client), choice.appointments_ahead
            ),
            InlineKeyboardMarkup(rows),
        ),
    )


async def _discharge(
    update: Update, context: CaselineContext, client_id: int | None, code: str, reason: str
) -> Invalid | None:
    """Discharge and show the card; an Invalid reason comes back for the step to word."""
    result = await discharge_client(
        context.services,
        context.require_actor(),
        client_id,
        reason_code=code,
        reason_text=reason,
    )
    if isinstance(result, Invalid):
        return result
    if isinstance(result, Pending):
        # Waits for a supervisor (the team's setting): the case stays open.
        if not result.already:
            deliver_soon(context)
        client_id = result.value.client_id
        toast = waiting_toast(result, zone_of(context))
        await show_client(update, context, client_id, toast=toast)
        return None
    if isinstance(result, Saved):
        client = result.value.client
        toast = texts.discharged_toast(client.code, result.value.appointments_cancelled)
    elif isinstance(result, Stale):
        client, toast = result.current, texts.DISCHARGE_ALREADY
    else:
        await say_not_found(update, client_id)
        return None
    await show_client(update, context, client.id, toast=toast)
    return None


async def reason_pressed(update: Update, context: CaselineContext) -> None:
    """dc:r:<client>:<reason code> — one of the listed reasons."""
    client_raw, _, code = unpack(update.callback_query.data).arg.partition(":")
    ids = read_ids(client_raw, 1)
    label = texts.DISCHARGE_REASONS.get(code)
    if ids is None or label is None:
        await answer(update, texts.STALE_BUTTON)
        return
    await _discharge(update, context, ids[0], code, label)


async def other_pressed(update: Update, context: CaselineContext) -> int:
    """dc:other:<client> — ask for the reason in words."""
    client_id = unpack(update.callback_query.data).int_arg()
    choice = await discharge_choice(context.services, context.require_actor(), client_id)
    if isinstance(choice, Refused):
        await say_not_found(update, client_id)
        return ConversationHandler.END
    if isinstance(choice, Stale):
        await answer(update, texts.DISCHARGE_ALREADY, alert=True)
        return ConversationHandler.END
    if isinstance(choice, Pending):
        await answer(update, waiting_toast(choice, zone_of(context)), alert=True)
        return ConversationHandler.END
    client = choice.client
    await answer(update)
    context.user_data[DRAFT] = ClientIdDraft(client.id).to_json()
    await update.callback_query.edit_message_text(
        texts.discharge_ask_reason(client.code),
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(texts.CANCEL, callback_data=pack(PREFIX, "cancel", ""))]]
        ),
    )
    return REASON


async def reason_typed(update: Update, context: CaselineContext) -> int:
    draft = ClientIdDraft.from_json(context.user_data.get(DRAFT))
    invalid = await _discharge(
        update, context, draft.client_id, "other", update.effective_message.text or ""
    )
    if invalid is not None:
        await update.effective_message.reply_text(_invalid_reason_text(invalid.reason))
        return REASON
    context.user_data.pop(DRAFT, None)
    return ConversationHandler.END


def dialog(timeout_minutes: int) -> ConversationHandler:
    return one_question(
        PREFIX, "other", other_pressed, reason_typed, REASON, DRAFT, timeout_minutes
    )


def handlers(timeout_minutes: int) -> list[BaseHandler[Any, Any, Any]]:
    """The dialog and the listed-reason buttons, for group 0 (before the catch-all)."""
    return [
        dialog(timeout_minutes),
        CallbackQueryHandler(reason_pressed, pattern=rf"^{PREFIX}:r:"),
    ]
