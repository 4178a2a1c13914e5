"""Risk that is followed up, in Telegram: ✅ Acknowledge under a risk alert, and
⚠ Risk → Lower on the client card.

    rk:ack:<note>       ✅ Acknowledge: who and when are recorded, the alert says so and the
                        flagging worker is told; pressed again (or by a second supervisor)
                        it says who already acknowledged
    rk:lower:<client>   ⚠ Risk → Lower — a one-question dialog:

    [⚠ Risk → Lower] ─► WHY ─(text)─► END: the note saved, the level cleared, the card shown
        WHY ─[a kind] rk:kind:<kind>─► WHY: the note's kind of contact (✓ Other first), so a
                                       home visit that found the client safe counts as one
    /cancel or [✖ Cancel] ─► END, nothing changed

Each press or answer calls one use case of domain/usecases/risks.py and renders its result.
"""

from __future__ import annotations

from html import unescape
from typing import Any, cast

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler

from conversations.common import one_question
from conversations.drafts import ClientIdDraft
from domain.results import AlreadySaved, Invalid, Refused, Saved, Stale
from domain.rules.notes import CHOSEN_KINDS
from domain.usecases import risks
from storage.kinds import InteractionType
from ui import texts
from ui.callbacks import pack, pattern, read_id, unpack
from ui.client_card import say_not_found, show_client
from ui.context import CaselineContext, deliver_soon
from ui.replies import answer, edit_pressed, remove_keyboard
from ui.views import rows_that_fit

PREFIX = "rk"
DRAFT = "risk_lower"
WHY = 0


# ── ✅ Acknowledge ──────────────────────────────────────────────────────────────


async def acknowledge_pressed(update: Update, context: CaselineContext) -> None:
    """rk:ack:<note>"""
    note_id = read_id(unpack(update.callback_query.data).arg)
    result = await risks.acknowledge_risk(context.services, context.require_actor(), note_id)
    match result:
        case Saved(done):
            deliver_soon(context)  # the flagging worker is told
            await answer(update, unescape(texts.risk_acknowledged_by(done.by)))
            await _say_acknowledged(update, done.by)
        case AlreadySaved(earlier):
            await answer(update, texts.risk_already_acknowledged(earlier.by))
            await _say_acknowledged(update, earlier.by)
        case Stale():
            await answer(update, texts.RISK_NO_LONGER_OPEN)
            await _without_acknowledge(update, None)
        case _:
            await answer(update, texts.STALE_BUTTON)
            await remove_keyboard(update)


async def _say_acknowledged(update: Update, by: str) -> None:
    await _without_acknowledge(update, texts.risk_acknowledged_by(by))


async def _without_acknowledge(update: Update, line: str | None) -> None:
    """The alert as it was, with `line` below it and its other buttons (👤 Client)."""
    query = cast(CallbackQuery, update.callback_query)
    message = query.message
    if not isinstance(message, Message) or not message.text:
        return
    rows = [
        [button for button in row if not str(button.callback_data or "").startswith("rk:")]
        for row in (message.reply_markup.inline_keyboard if message.reply_markup else ())
    ]
    kept = [row for row in rows if row]
    keyboard = InlineKeyboardMarkup(kept) if kept else None
    text = message.text_html
    if line is not None and line not in text:
        text = f"{text}\n\n{line}"
    await edit_pressed(query, text, keyboard)


# ── ⚠ Risk → Lower ─────────────────────────────────────────────────────────────


async def lower_pressed(update: Update, context: CaselineContext) -> int:
    """rk:lower:<client> — ask why."""
    client_id = unpack(update.callback_query.data).int_arg()
    found = await risks.risk_to_lower(context.services, context.require_actor(), client_id)
    if isinstance(found, Refused):
        await say_not_found(update, client_id)
        return ConversationHandler.END
    if isinstance(found, Stale):
        await show_client(update, context, client_id, toast=texts.RISK_NOT_OPEN)
        return ConversationHandler.END
    await answer(update)
    draft = ClientIdDraft(found.client_id, {"code": found.client_code})
    context.user_data[DRAFT] = draft.to_json()
    await update.callback_query.edit_message_text(
        texts.risk_lower_ask(found.client_code), reply_markup=_kinds(_kind(draft))
    )
    return WHY


def _kind(draft: ClientIdDraft) -> InteractionType:
    kind = draft.rest.get("kind")
    return InteractionType(kind) if kind in CHOSEN_KINDS else InteractionType.OTHER


def _kinds(chosen: InteractionType) -> InlineKeyboardMarkup:
    """The kinds of contact the note can be, ✓ on the chosen one, and ✖ Cancel."""
    buttons = [
        InlineKeyboardButton(
            ("✓ " if kind == chosen else "") + label, callback_data=pack(PREFIX, "kind", kind)
        )
        for kind, label in texts.INTERACTION_NAMES.items()
    ]
    rows = rows_that_fit(buttons, most=3)
    rows.append([InlineKeyboardButton(texts.CANCEL, callback_data=pack(PREFIX, "cancel", ""))])
    return InlineKeyboardMarkup(rows)


async def kind_pressed(update: Update, context: CaselineContext) -> int:
    """rk:kind:<kind> — while the question waits: what kind of contact the note is."""
    kind = unpack(update.callback_query.data).arg
    draft = ClientIdDraft.from_json(context.user_data.get(DRAFT))
    code = draft.rest.get("code")
    if kind not in CHOSEN_KINDS or not isinstance(code, str):
        await answer(update, texts.STALE_BUTTON)
        return WHY
    await answer(update)
    draft.rest["kind"] = kind
    context.user_data[DRAFT] = draft.to_json()
    await edit_pressed(
        cast(CallbackQuery, update.callback_query),
        texts.risk_lower_ask(code),
        _kinds(InteractionType(kind)),
    )
    return WHY


async def why_typed(update: Update, context: CaselineContext) -> int:
    draft = ClientIdDraft.from_json(context.user_data.get(DRAFT))
    result = await risks.lower_risk(
        context.services,
        context.require_actor(),
        draft.client_id,
        update.effective_message.text or "",
        _kind(draft),
    )
    match result:
        case Invalid(reason):
            too_long = reason == "too_long"
            await update.effective_message.reply_text(
                texts.RISK_LOWER_TOO_LONG if too_long else texts.RISK_LOWER_EMPTY
            )
            return WHY
        case Saved(lowered):
            await update.effective_message.reply_text(texts.risk_lowered(lowered.client_code))
            await show_client(update, context, lowered.client_id)
        case Stale():
            await update.effective_message.reply_text(texts.RISK_NOT_OPEN)
        case _:
            await say_not_found(update, draft.client_id or 0)
    context.user_data.pop(DRAFT, None)
    return ConversationHandler.END


def dialog(timeout_minutes: int) -> ConversationHandler:
    kinds = CallbackQueryHandler(kind_pressed, pattern=pattern(PREFIX) + "kind:")
    return one_question(
        PREFIX, "lower", lower_pressed, why_typed, WHY, DRAFT, timeout_minutes, buttons=[kinds]
    )


def handlers(timeout_minutes: int) -> list[BaseHandler[Any, Any, Any]]:
    """The dialog and the ✅ Acknowledge button, for group 0 (before the catch-all)."""
    return [
        dialog(timeout_minutes),
        CallbackQueryHandler(acknowledge_pressed, pattern=pattern(PREFIX) + "ack:"),
    ]
