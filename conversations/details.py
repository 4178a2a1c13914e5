"""✏️ Edit on the client card: correct a detail of the client.

    cf:edit:<client>              the menu of details (bot/record.py routes the card
                                  button here, `details_menu`)
    cd:prog:<client>              the program's buttons; cd:p:<client>:<program> sets it
    cd:st:<client>                active or on hold; cd:act:<client> makes it active
    cd:ask:<client>:<detail>      a typed detail — a one-question dialog:

    [Name|Date of birth|Address|Phone|Contact frequency|Usual place] ─► TYPED ─(text)─►
        END: saved, the menu again (a value that breaks a rule is asked again)
        TYPED ─[🗑 Clear] cd:clr─► END: an optional detail that is set, cleared
    [⏸ On hold…] cd:hold:<client> ─► REASON ─(text)─► UNTIL ─(a day)─► END: saved
    /cancel or [✖ Cancel] ─► END, nothing changed

What is typed is read by the intake's readers (a name's and a phone's, the date of birth's)
and the one day reader (pickers.day_step); every change is one use case of
domain/usecases/client_details.py, whose result is rendered here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler
from telegram.ext import filters as tg_filters

from conversations.common import conversation, text_expected
from conversations.drafts import ClientIdDraft
from conversations.intake_steps import clean, read_birth_date, read_phone
from conversations.pickers import day_step
from domain.results import Invalid, Refused, Saved, Stale
from domain.usecases import client_details as usecases
from domain.usecases.client_details import Detail
from storage.clients import NAME_MAX
from storage.kinds import ClientStatus, Program
from storage.models import Client
from ui import privacy, texts
from ui.callbacks import pack, pattern, read_ids, unpack
from ui.client_card import back_to_card, say_not_found
from ui.context import CaselineContext, date_order_of, zone_of
from ui.replies import answer, show
from ui.views import View, fitted, rows_that_fit

PREFIX = "cd"
DRAFT = "details"
TYPED, REASON, UNTIL = range(3)
TYPED_DETAILS = (
    Detail.NAME,
    Detail.BIRTH,
    Detail.ADDRESS,
    Detail.PHONE,
    Detail.FREQUENCY,
    Detail.PLACE,
)
# The menu's order; program and status are chosen with buttons.
MENU = (*TYPED_DETAILS[:4], Detail.PROGRAM, Detail.FREQUENCY, Detail.PLACE, Detail.STATUS)
# What strict mode never shows or asks in the chat (ui/privacy.py): who and where the
# client is. An admin enters them (`caseline clients import`), or the Mini App.
IDENTIFYING = frozenset({Detail.NAME, Detail.BIRTH, Detail.ADDRESS, Detail.PHONE, Detail.PLACE})
LIMITS = {
    Detail.NAME: NAME_MAX,
    Detail.ADDRESS: usecases.ADDRESS_MAX,
    Detail.PLACE: usecases.PLACE_MAX,
    Detail.PHONE: usecases.PLACE_MAX,
}


def _button(label: str, action: str, arg: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, arg))


def _menu_button(client_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(texts.BACK, callback_data=pack("cf", "edit", client_id))


def current(client: Client, detail: Detail) -> str:
    """The detail as the client has it now, as a person reads it."""
    return texts.detail_value(detail, getattr(client, usecases.COLUMNS[detail]))


def details_view(client: Client) -> View:
    names = texts.DETAIL_NAMES
    buttons = []
    menu = [d for d in MENU if d not in IDENTIFYING] if privacy.strict() else list(MENU)
    for detail in menu:
        if detail == Detail.PROGRAM:
            buttons.append(_button(names[detail], "prog", client.id))
        elif detail == Detail.STATUS:
            buttons.append(_button(names[detail], "st", client.id))
        else:
            buttons.append(_button(names[detail], "ask", f"{client.id}:{detail}"))
    rows = rows_that_fit(buttons, most=2)
    rows.append([back_to_card(client.id)])
    status = texts.detail_value(Detail.STATUS, client.status)
    if client.status == ClientStatus.ON_HOLD and client.hold_until is not None:
        status = texts.card_on_hold(client.hold_until, None)
    shown = [(detail, current(client, detail)) for detail in menu if detail != Detail.STATUS]
    text = texts.details_menu(
        client.code, privacy.client_name(client), [*shown, (Detail.STATUS, status)]
    )
    if privacy.strict():
        text += "\n\n" + texts.STRICT_NO_MINI_APP_PAGE
    return View(text, InlineKeyboardMarkup(rows))


async def details_menu(update: Update, context: CaselineContext, client_id: int) -> None:
    """cf:edit:<client> — which detail needs correcting?"""
    choice = await usecases.details_choice(context.services, context.require_actor(), client_id)
    if isinstance(choice, Refused):
        await say_not_found(update, client_id)
        return
    await answer(update)
    await show(update, details_view(choice.value))


# ── program and status: buttons ─────────────────────────────────────────────


async def choice_pressed(update: Update, context: CaselineContext) -> None:
    """cd:prog:<client> and cd:st:<client> — the buttons of a detail chosen, not typed."""
    pressed = unpack(update.callback_query.data)
    client_id = pressed.int_arg()
    choice = await usecases.details_choice(context.services, context.require_actor(), client_id)
    if isinstance(choice, Refused) or client_id is None:
        await say_not_found(update, client_id or 0)
        return
    client = choice.value
    if pressed.action == "prog":
        detail = Detail.PROGRAM
        buttons = [
            _button(
                ("✓ " if client.program == program else "") + label, "p", f"{client.id}:{program}"
            )
            for program, label in texts.PROGRAM_NAMES.items()
        ]
        rows = rows_that_fit(buttons, most=2)
    else:
        detail = Detail.STATUS
        if client.status in (ClientStatus.DISCHARGED, ClientStatus.INTAKE):
            closed = client.status == ClientStatus.DISCHARGED
            await answer(
                update,
                texts.DETAIL_STATUS_CLOSED if closed else texts.DETAIL_STATUS_INTAKE,
                alert=True,
            )
            return
        rows = [
            [
                _button(texts.DETAIL_ACTIVE, "act", client.id),
                _button(texts.DETAIL_ON_HOLD, "hold", client.id),
            ]
        ]
    rows.append([_menu_button(client.id)])
    await answer(update)
    text = texts.detail_choose(client.code, detail, current(client, detail))
    await show(update, View(text, fitted(rows)))


async def _saved(
    update: Update, result: Saved[Client] | Stale[Client], client_id: int, *, below: bool
) -> None:
    """The menu again, under what was saved (or that nothing needed to be)."""
    client = result.value if isinstance(result, Saved) else result.current
    toast = texts.DETAIL_SAVED_TOAST if isinstance(result, Saved) else texts.DETAIL_UNCHANGED_TOAST
    if update.callback_query is not None:
        await answer(update, toast)
    else:
        await update.effective_message.reply_text(toast)
    await show(update, details_view(client), below=below)


async def set_pressed(update: Update, context: CaselineContext) -> None:
    """cd:p:<client>:<program> and cd:act:<client>."""
    pressed = unpack(update.callback_query.data)
    actor = context.require_actor()
    result: Saved[Client] | Stale[Client] | Refused | Invalid
    if pressed.action == "p":
        client_raw, _, program = pressed.arg.partition(":")
        ids = read_ids(client_raw, 1)
        if ids is None or program not in set(Program):
            await answer(update, texts.STALE_BUTTON)
            return
        client_id = ids[0]
        result = await usecases.edit_client_detail(
            context.services, actor, client_id, Detail.PROGRAM, program
        )
    else:
        client_id = pressed.int_arg() or 0
        result = await usecases.set_client_status(context.services, actor, client_id)
    if isinstance(result, Refused):
        await say_not_found(update, client_id)
    elif isinstance(result, Invalid):
        await answer(update, invalid_words(result.reason, Detail.STATUS, ""), alert=True)
    else:
        await _saved(update, result, client_id, below=False)


# ── typed details: a one-question dialog ────────────────────────────────────


def _draft(context: CaselineContext) -> ClientIdDraft:
    return ClientIdDraft.from_json(context.user_data.get(DRAFT))


def _cancel_row() -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(texts.CANCEL, callback_data=pack(PREFIX, "cancel", ""))]


async def _start(
    update: Update, context: CaselineContext, client_id: int | None, detail: Detail
) -> Client | None:
    choice = await usecases.details_choice(context.services, context.require_actor(), client_id)
    if isinstance(choice, Refused):
        await say_not_found(update, client_id or 0)
        return None
    await answer(update)
    client = choice.value
    context.user_data[DRAFT] = ClientIdDraft(client.id, {"detail": str(detail)}).to_json()
    return client


async def ask_pressed(update: Update, context: CaselineContext) -> int:
    """cd:ask:<client>:<detail> — ask for the new value."""
    client_raw, _, raw = unpack(update.callback_query.data).arg.partition(":")
    ids = read_ids(client_raw, 1)
    if ids is None or raw not in TYPED_DETAILS:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    detail = Detail(raw)
    if privacy.strict() and detail in IDENTIFYING:  # a button from before strict mode
        await answer(update, texts.STRICT_NO_MINI_APP_PAGE[:200], alert=True)
        return ConversationHandler.END
    client = await _start(update, context, ids[0], detail)
    if client is None:
        return ConversationHandler.END
    hint = texts.ask_birth_date(date_order_of(context)) if detail == Detail.BIRTH else ""
    text = texts.detail_ask(client.code, detail, current(client, detail), hint)
    row = _cancel_row()
    if detail in usecases.CLEARABLE and getattr(client, usecases.COLUMNS[detail]) is not None:
        row.insert(0, _button(texts.CLEAR, "clr", ""))
    await update.callback_query.edit_message_text(text, reply_markup=InlineKeyboardMarkup([row]))
    return TYPED


def invalid_words(reason: str, detail: Detail, typed: str) -> str:
    """What to answer to a value a use case refused."""
    if reason == usecases.TOO_SHORT:
        return texts.NAME_TOO_SHORT
    if reason == usecases.TOO_LONG:
        if detail == Detail.STATUS:
            return texts.HOLD_REASON_TOO_LONG
        return texts.too_long(LIMITS.get(detail, usecases.PLACE_MAX), len(typed))
    if reason == usecases.PHONE_PLUS:
        return texts.DETAIL_PHONE_PLUS
    if reason == usecases.NOT_PAST:
        return texts.BIRTH_IN_FUTURE
    if reason == usecases.TOO_OLD:
        return texts.TOO_OLD
    if reason == usecases.NOT_FUTURE:
        return texts.HOLD_NOT_FUTURE
    if reason == usecases.TOO_FAR:
        return texts.HOLD_TOO_FAR
    if reason == usecases.STATUS_CLOSED:
        return texts.DETAIL_STATUS_CLOSED
    if reason == usecases.STATUS_INTAKE:
        return texts.DETAIL_STATUS_INTAKE
    if detail == Detail.FREQUENCY:
        return texts.DETAIL_FREQUENCY_NUMBER
    return texts.DETAIL_EMPTY


class Problem(str):
    """What to answer instead of saving (a reader's words)."""


def _read(context: CaselineContext, detail: Detail, typed: str) -> object | str:
    """The typed value for the use case, or the Problem to answer."""
    if detail == Detail.BIRTH:
        today = context.services.clock.now().astimezone(zone_of(context)).date()
        born = read_birth_date(typed, date_order_of(context), today)
        return Problem(born) if isinstance(born, str) else born
    if detail == Detail.PHONE:
        phone = read_phone(typed)
        return Problem(texts.NOT_A_PHONE) if phone is None else phone
    if detail == Detail.FREQUENCY:
        days = typed.strip()
        return (
            int(days)
            if days.isdecimal() and len(days) < 4
            else Problem(texts.DETAIL_FREQUENCY_NUMBER)
        )
    return clean(typed)


async def value_typed(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    raw = draft.rest.get("detail")
    if draft.client_id is None or raw not in TYPED_DETAILS:
        context.user_data.pop(DRAFT, None)
        await update.effective_message.reply_text(texts.STALE_BUTTON)
        return ConversationHandler.END
    detail = Detail(raw)
    typed = update.effective_message.text or ""
    value = _read(context, detail, typed)
    if isinstance(value, Problem):
        await update.effective_message.reply_text(str(value))
        return TYPED
    result = await usecases.edit_client_detail(
        context.services, context.require_actor(), draft.client_id, detail, value
    )
    if isinstance(result, Invalid):
        await update.effective_message.reply_text(
            invalid_words(result.reason, detail, clean(typed))
        )
        return TYPED
    context.user_data.pop(DRAFT, None)
    if isinstance(result, Refused):
        await say_not_found(update, draft.client_id)
        return ConversationHandler.END
    await _saved(update, result, draft.client_id, below=True)
    return ConversationHandler.END


async def clear_pressed(update: Update, context: CaselineContext) -> int:
    """cd:clr — the detail asked for is cleared (only an optional one is offered)."""
    draft = _draft(context)
    raw = draft.rest.get("detail")
    context.user_data.pop(DRAFT, None)
    if draft.client_id is None or raw not in TYPED_DETAILS:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    result = await usecases.edit_client_detail(
        context.services, context.require_actor(), draft.client_id, Detail(raw), None
    )
    if isinstance(result, Refused):
        await say_not_found(update, draft.client_id)
    elif isinstance(result, Invalid):
        await answer(update, texts.STALE_BUTTON)
    else:
        await _saved(update, result, draft.client_id, below=False)
    return ConversationHandler.END


# ── on hold: a reason, then the day it ends ─────────────────────────────────


async def hold_pressed(update: Update, context: CaselineContext) -> int:
    """cd:hold:<client> — why is the case on hold?"""
    client = await _start(
        update, context, unpack(update.callback_query.data).int_arg(), Detail.STATUS
    )
    if client is None:
        return ConversationHandler.END
    await update.callback_query.edit_message_text(
        texts.hold_ask_reason(client.code), reply_markup=InlineKeyboardMarkup([_cancel_row()])
    )
    return REASON


async def reason_typed(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    reason = clean(update.effective_message.text or "")
    if not reason:
        await update.effective_message.reply_text(texts.DETAIL_EMPTY)
        return REASON
    if len(reason) > usecases.HOLD_REASON_MAX:
        await update.effective_message.reply_text(texts.HOLD_REASON_TOO_LONG)
        return REASON
    draft.rest["reason"] = reason
    context.user_data[DRAFT] = draft.to_json()
    today = context.services.clock.now().astimezone(zone_of(context)).date()
    example = today + timedelta(days=14)
    written = f"{example:%d/%m/%Y}" if date_order_of(context) == "DMY" else f"{example:%m/%d/%Y}"
    code = f"C-{draft.client_id:04d}" if draft.client_id is not None else "?"
    await update.effective_message.reply_text(
        texts.hold_ask_until(code, written), reply_markup=InlineKeyboardMarkup([_cancel_row()])
    )
    return UNTIL


async def until_chosen(update: Update, context: CaselineContext, day: Any) -> int:
    draft = _draft(context)
    result = await usecases.set_client_status(
        context.services,
        context.require_actor(),
        draft.client_id,
        hold_reason=str(draft.rest.get("reason") or ""),
        hold_until=day,
    )
    if isinstance(result, Invalid):
        await update.effective_message.reply_text(invalid_words(result.reason, Detail.STATUS, ""))
        return REASON if result.reason in (usecases.EMPTY, usecases.TOO_LONG) else UNTIL
    context.user_data.pop(DRAFT, None)
    if isinstance(result, Refused):
        await say_not_found(update, draft.client_id or 0)
        return ConversationHandler.END
    await _saved(update, result, draft.client_id or 0, below=True)
    return ConversationHandler.END


def dialog(timeout_minutes: int) -> ConversationHandler:
    text = tg_filters.TEXT & ~tg_filters.COMMAND
    other = ~tg_filters.COMMAND
    return conversation(
        PREFIX,
        entry_points=[
            CallbackQueryHandler(ask_pressed, pattern=pattern(PREFIX) + "ask:"),
            CallbackQueryHandler(hold_pressed, pattern=pattern(PREFIX) + "hold:"),
        ],
        states={
            TYPED: [
                MessageHandler(text, value_typed),
                MessageHandler(other, text_expected),
                CallbackQueryHandler(clear_pressed, pattern=pattern(PREFIX) + "clr"),
            ],
            REASON: [MessageHandler(text, reason_typed), MessageHandler(other, text_expected)],
            # A day before the next is refused by the use case, in the words of the
            # moment it is typed.
            UNTIL: day_step(PREFIX, UNTIL, until_chosen),
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
    )


def handlers(timeout_minutes: int) -> list[BaseHandler[Any, Any, Any]]:
    """The dialog and the buttons, for group 0 (before the catch-all)."""
    return [
        dialog(timeout_minutes),
        CallbackQueryHandler(choice_pressed, pattern=rf"^{PREFIX}:(prog|st):"),
        CallbackQueryHandler(set_pressed, pattern=rf"^{PREFIX}:(p|act):"),
    ]
