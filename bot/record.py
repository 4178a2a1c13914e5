"""The client record in the chat: the full client card's own buttons, /history,
transfer and reopen (discharge: conversations/discharge.py; export: bot/export.py).

Buttons name ids only; every press is re-checked on the server by a use case of
domain/usecases/clients.py, and every look at a record, allowed or refused, is an audit
event:

    cf:<flow>:<client>        the card's buttons (ui/client_card.py). note/visit/appt/plan/
                              refer start other dialogs; people/safety/history/export/lang/
                              edit/transfer/discharge/reopen/card are routed here
    hi:p:<client>:<page>      a page of the history (edited in place); a supervisor's has a
                              💬 N-12 button (cm:v:<note>) for each note on the page
    ex:pdf|csv:<client>       an export (bot/export.py)
    tr:to:<client>:<worker>   transfer to that worker (supervisors, own team)
    lg:…                      the client's language (conversations/language.py)
    pp:…                      the people around the client (conversations/client_people.py)
    sp:…                      the client's safety plan (conversations/safety_plan.py)
    dc:…                      discharge (conversations/discharge.py)

Register `handlers()` (it includes the discharge's and bot/export.py's) anywhere in
group 0 before the catch-all; every pattern is specific, so no other dialog's button is
taken.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import export
from conversations import client_people, details, discharge, language, safety_plan
from domain.results import Refused, Saved
from domain.rules import roles
from domain.usecases.clients import (
    ROLE_REFUSED,
    ClientHistory,
    ClientRef,
    history_page,
    reopen_client,
    transfer_choice,
    transfer_client,
)
from storage.history import EventKind
from storage.kinds import Role
from ui import privacy, texts
from ui.callbacks import pack, read_ids, unpack
from ui.client_card import back_to_card, say_not_found, say_not_one, show_client
from ui.context import CaselineContext, zone_of
from ui.note_views import history_block, open_button
from ui.replies import answer, show
from ui.splitting import CHUNK, pack_blocks, telegram_length
from ui.views import View, rows_that_fit

CARD_ACTIONS = (
    "people",
    "safety",
    "history",
    "export",
    "lang",
    "edit",
    "transfer",
    "discharge",
    "reopen",
    "card",
)


async def card_button(update: Update, context: CaselineContext) -> None:
    """cf:<action>:<client id> for the actions handled here."""
    pressed = unpack(update.callback_query.data)
    client_id = pressed.int_arg()
    if client_id is None:
        await answer(update, texts.STALE_BUTTON)
        return
    if pressed.action == "card":
        await show_client(update, context, client_id)
    elif pressed.action == "people":
        await client_people.people_menu(update, context, client_id)
    elif pressed.action == "safety":
        await safety_plan.open_page(update, context, client_id)
    elif pressed.action == "history":
        await show_history(update, context, client_id, 0)
    elif pressed.action == "export":
        await export.export_menu(update, context, client_id)
    elif pressed.action == "lang":
        await language.language_menu(update, context, client_id)
    elif pressed.action == "edit":
        await details.details_menu(update, context, client_id)
    elif pressed.action == "transfer":
        await transfer_menu(update, context, client_id)
    elif pressed.action == "discharge":
        await discharge.discharge_menu(update, context, client_id)
    elif pressed.action == "reopen":
        await reopen_pressed(update, context, client_id)
    else:
        await answer(update, texts.STALE_BUTTON)


# ---------------------------------------------------------------------------------------
# /history


async def history_command(update: Update, context: CaselineContext) -> None:
    if not context.args:
        await update.effective_message.reply_text(texts.HISTORY_CODE_NEEDED)
        return
    # A code, or a name or part of one (several matches: the worker chooses).
    await show_history(update, context, " ".join(context.args)[:100], 0)


async def history_pressed(update: Update, context: CaselineContext) -> None:
    ids = read_ids(unpack(update.callback_query.data).arg, 2)
    if ids is None:
        await answer(update, texts.STALE_BUTTON)
        return
    await show_history(update, context, ids[0], ids[1])


async def show_history(update: Update, context: CaselineContext, ref: ClientRef, page: int) -> None:
    """One page of the client's timeline, newest first; each look is audited."""
    history = await history_page(context.services, context.require_actor(), ref, page)
    if not isinstance(history, ClientHistory):
        await say_not_one(update, history, ref, lambda client: pack("hi", "p", f"{client.id}:0"))
        return
    client = history.client
    zone = zone_of(context)
    blocks = [history_block(event, zone) for event in history.events]
    name = privacy.client_name(client)
    first_title = texts.history_title(client.code, name, 0, 2)
    pages = pack_blocks(blocks, limit=CHUNK - telegram_length(first_title)) or [""]
    page = min(max(page, 0), len(pages) - 1)
    rows = []
    if roles.may_comment(context.require_actor().role):
        # A supervisor opens a note of this page to comment on it or co-sign it.
        shown = [
            event.ref
            for event, block in zip(history.events, blocks, strict=True)
            if event.kind == EventKind.NOTE and event.ref and block in pages[page]
        ]
        rows += rows_that_fit(
            [open_button(note_id, texts.note_ref_button(note_id)) for note_id in shown]
        )
    title = texts.history_title(client.code, name, page, len(pages))
    body = pages[page] or texts.HISTORY_EMPTY
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                texts.PREVIOUS, callback_data=pack("hi", "p", f"{client.id}:{page - 1}")
            )
        )
    if page < len(pages) - 1:
        nav.append(
            InlineKeyboardButton(
                texts.NEXT, callback_data=pack("hi", "p", f"{client.id}:{page + 1}")
            )
        )
    if nav:
        rows.append(nav)
    opened = privacy.webapp_button(client.id) if privacy.strict() else None
    if opened is not None:
        # Strict mode: the history here says what happened; its words are in the Mini App.
        body = f"{body}\n\n{texts.STRICT_HISTORY_IN_MINI_APP}"
        rows.append([opened])
    rows.append([back_to_card(client.id)])
    await answer(update)
    await show(update, View(f"{title}\n\n{body}", InlineKeyboardMarkup(rows)))


# ---------------------------------------------------------------------------------------
# Transfer (supervisors: within their team)


async def transfer_menu(update: Update, context: CaselineContext, client_id: int) -> None:
    choice = await transfer_choice(context.services, context.require_actor(), client_id)
    if choice == ROLE_REFUSED:
        await answer(update, texts.TRANSFER_ONLY_LEADS, alert=True)
        return
    if isinstance(choice, Refused):
        await say_not_found(update, client_id)
        return
    client = choice.client
    await answer(update)
    rows = [
        [
            InlineKeyboardButton(
                _label(worker.name + (" ★" if worker.role == Role.SUPERVISOR else "")),
                callback_data=pack("tr", "to", f"{client.id}:{worker.id}"),
            )
        ]
        for worker in choice.targets
    ]
    rows.append([back_to_card(client.id)])
    text = (
        texts.transfer_ask(client.code, privacy.client_name(client), choice.current_worker)
        if choice.targets
        else texts.TRANSFER_NOBODY
    )
    await show(update, View(text, InlineKeyboardMarkup(rows)))


def _label(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def transfer_pressed(update: Update, context: CaselineContext) -> None:
    ids = read_ids(unpack(update.callback_query.data).arg, 2)
    client_id = ids[0] if ids else None
    result = await transfer_client(
        context.services, context.require_actor(), client_id, ids[1] if ids else None
    )
    if isinstance(result, Saved):
        moved = result.value
        toast = texts.transferred_toast(moved.client.code, moved.worker.name or "?")
        await show_client(update, context, moved.client.id, toast=toast)
    elif isinstance(result, Refused):
        if result.subject == "client":
            await say_not_found(update, client_id)
        else:
            await answer(update, texts.TRANSFER_NOT_ALLOWED, alert=True)
    else:  # already with that worker
        await show_client(update, context, result.current.id)


# ---------------------------------------------------------------------------------------
# Reopen (discharge: conversations/discharge.py)


async def reopen_pressed(update: Update, context: CaselineContext, client_id: int) -> None:
    result = await reopen_client(context.services, context.require_actor(), client_id)
    if isinstance(result, Refused):
        await say_not_found(update, client_id)
        return
    if isinstance(result, Saved):
        client, toast = result.value, texts.reopened_toast(result.value.code)
    else:
        client, toast = result.current, texts.REOPEN_NOT_DISCHARGED
    await show_client(update, context, client.id, toast=toast)


def handlers(timeout_minutes: int = 30) -> list[BaseHandler[Any, Any, Any]]:
    """Everything of the client record, for group 0 (before the catch-all)."""
    actions = "|".join(CARD_ACTIONS)
    return [
        *discharge.handlers(timeout_minutes),
        *language.handlers(timeout_minutes),
        *details.handlers(timeout_minutes),
        *client_people.handlers(timeout_minutes),
        *safety_plan.handlers(timeout_minutes),
        CommandHandler("history", history_command),
        CallbackQueryHandler(card_button, pattern=rf"^cf:({actions}):"),
        CallbackQueryHandler(history_pressed, pattern=r"^hi:p:"),
        CallbackQueryHandler(transfer_pressed, pattern=r"^tr:to:"),
        *export.handlers(),
    ]
