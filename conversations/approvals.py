"""Approvals in Telegram: a supervisor's ✅ Approve and ↩ Return under a request, 👁 Open,
the worker's ✖ Withdraw, and /pending.

    /pending             what waits: a supervisor their team's, an admin all, a worker
                         their own requests (paged ◀ ▶, oldest first)
    av:ok:<approval>     ✅ Approve: the action applied; the worker is told
    av:o:<approval>      👁 Open: the request's summary below (private previews keep it
                         off the pushed message)
    av:wd:<approval>     ✖ Withdraw (the worker who asked)
    av:p:<page>          a page of /pending
    av:ret:<approval>    ↩ Return — a one-question dialog:

    [↩ Return] ─► COMMENT ─(text)─► END: returned with the comment, the worker told
    /cancel or [✖ Cancel] ─► END, still waiting

Each press or answer calls one use case of domain/usecases/approvals.py and renders its
result; a decision leaves the pressed message with its line and without the request's
buttons (a double press, or a second supervisor, is told who decided).
"""

from __future__ import annotations

from html import escape
from typing import Any, cast

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler

from conversations.common import one_question
from domain.results import AlreadySaved, Invalid, Refused, Saved, Stale
from domain.rules.approvals import COMMENT_MAX
from domain.usecases import approvals
from domain.usecases.approvals import Request
from storage.kinds import ApprovalKind
from ui import texts
from ui.approval_views import PREFIX, pending_view, request_view
from ui.callbacks import pack, pattern, read_id, unpack
from ui.context import CaselineContext, deliver_soon, zone_of
from ui.replies import answer, edit_pressed, show
from ui.timefmt import short_datetime

DRAFT = "approval_return"
COMMENT = 0


async def pending_command(update: Update, context: CaselineContext) -> None:
    await _pending(update, context, 0)


async def _pending(update: Update, context: CaselineContext, page: int) -> None:
    listing = await approvals.pending_list(context.services, context.require_actor(), page)
    await answer(update)
    await show(update, pending_view(listing, zone_of(context), context.services.clock.now()))


def _decided_line(context: CaselineContext, request: Request) -> str:
    when = request.decided_at or context.services.clock.now()
    return texts.approval_decided(
        request.status,
        request.decided_by or "?",
        short_datetime(when, zone_of(context), context.services.clock.now()),
    )


async def _settled(update: Update, approval_id: int, line: str | None) -> None:
    """The pressed message without this request's buttons; `line` below its text when the
    message is about this request alone (a push, an opened request), not a list."""
    query = cast(CallbackQuery, update.callback_query)
    message = query.message
    if not isinstance(message, Message) or not message.text:
        return
    ours = {pack(PREFIX, action, approval_id) for action in ("ok", "ret", "o", "wd")}
    rows = message.reply_markup.inline_keyboard if message.reply_markup else ()
    kept = [[b for b in row if b.callback_data not in ours] for row in rows]
    kept = [row for row in kept if row]
    about_others = any(
        str(b.callback_data or "").startswith(f"{PREFIX}:") for row in kept for b in row
    )
    text = message.text_html
    if line is not None and not about_others and line not in text:
        text = f"{text}\n\n{line}"
    await edit_pressed(query, text, InlineKeyboardMarkup(kept) if kept else None)


async def pressed(update: Update, context: CaselineContext) -> None:
    """av:ok / av:o / av:wd / av:p"""
    choice = unpack(update.callback_query.data)
    number = read_id(choice.arg)
    actor = context.require_actor()
    if choice.action == "p" and number is not None:
        await _pending(update, context, number)
        return
    if choice.action == "o":
        found = await approvals.open_request(context.services, actor, number)
        if isinstance(found, Refused):
            await answer(update, texts.NOT_ALLOWED, alert=True)
            return
        await answer(update)
        now = context.services.clock.now()
        await show(update, request_view(found, zone_of(context), now), below=True)
        return
    if choice.action == "ok":
        await _approve(update, context, number)
    elif choice.action == "wd":
        await _withdraw(update, context, number)
    else:
        await answer(update, texts.STALE_BUTTON)


async def _approve(update: Update, context: CaselineContext, approval_id: int | None) -> None:
    result = await approvals.approve(context.services, context.require_actor(), approval_id)
    match result:
        case Saved(done):
            deliver_soon(context)  # the worker is told
            request = done.request
            if request.kind == ApprovalKind.PLAN_ACTIVATION:
                day = texts.plan_day(done.next_review) if done.next_review else "—"
                toast = texts.approval_approved_plan(
                    request.client.code, done.plan_version or 0, day
                )
            else:
                toast = texts.approval_approved_discharge(
                    request.client.code, done.appointments_cancelled
                )
            await answer(update, toast)
            await _settled(update, request.id, _decided_line(context, request))
        case AlreadySaved(request) | Stale(request):
            stale = isinstance(result, Stale)
            await answer(
                update,
                texts.APPROVAL_NO_LONGER_APPLIES
                if stale
                else texts.approval_already_decided(request.decided_by or "?", request.status),
                alert=stale,
            )
            await _settled(update, request.id, None if stale else _decided_line(context, request))
        case _:
            await answer(update, texts.NOT_ALLOWED, alert=True)


async def _withdraw(update: Update, context: CaselineContext, approval_id: int | None) -> None:
    result = await approvals.withdraw(context.services, context.require_actor(), approval_id)
    match result:
        case Saved(request):
            await answer(update, texts.approval_withdrawn(request.client.code))
            await _settled(update, request.id, _decided_line(context, request))
        case AlreadySaved(request):
            by = request.decided_by or "?"
            await answer(update, texts.approval_already_decided(by, request.status))
            await _settled(update, request.id, _decided_line(context, request))
        case _:
            await answer(update, texts.NOT_ALLOWED, alert=True)


# ── ↩ Return: the comment ──────────────────────────────────────────────────────


async def return_pressed(update: Update, context: CaselineContext) -> int:
    """av:ret:<approval> — ask for the comment."""
    approval_id = read_id(unpack(update.callback_query.data).arg)
    found = await approvals.return_choice(context.services, context.require_actor(), approval_id)
    if isinstance(found, Refused):
        await answer(update, texts.NOT_ALLOWED, alert=True)
        return ConversationHandler.END
    if isinstance(found, AlreadySaved):
        request = found.value
        await answer(
            update, texts.approval_already_decided(request.decided_by or "?", request.status)
        )
        await _settled(update, request.id, _decided_line(context, request))
        return ConversationHandler.END
    await answer(update)
    context.user_data[DRAFT] = {"approval": found.id, "code": found.client.code}
    cancel = InlineKeyboardButton(texts.CANCEL, callback_data=pack(PREFIX, "cancel", ""))
    await update.effective_message.reply_text(
        texts.approval_return_ask(found.client.code, found.requested_by),
        reply_markup=InlineKeyboardMarkup([[cancel]]),
    )
    return COMMENT


async def comment_typed(update: Update, context: CaselineContext) -> int:
    draft = context.user_data.get(DRAFT) or {}
    approval_id = draft.get("approval") if isinstance(draft, dict) else None
    result = await approvals.return_request(
        context.services,
        context.require_actor(),
        approval_id if isinstance(approval_id, int) else None,
        update.effective_message.text or "",
    )
    reply = update.effective_message.reply_text
    match result:
        case Invalid(reason):
            too_long = reason == approvals.COMMENT_TOO_LONG
            await reply(
                texts.approval_comment_too_long(COMMENT_MAX)
                if too_long
                else texts.APPROVAL_COMMENT_EMPTY
            )
            return COMMENT
        case Saved(request):
            deliver_soon(context)  # the worker is told
            await reply(texts.approval_returned(request.client.code, request.requested_by))
        case AlreadySaved(request):
            by = request.decided_by or "?"
            await reply(escape(texts.approval_already_decided(by, request.status)))
        case _:
            await reply(texts.NOT_ALLOWED)
    context.user_data.pop(DRAFT, None)
    return ConversationHandler.END


def dialog(timeout_minutes: int) -> ConversationHandler:
    return one_question(
        PREFIX, "ret", return_pressed, comment_typed, COMMENT, DRAFT, timeout_minutes
    )


def handlers(timeout_minutes: int) -> list[BaseHandler[Any, Any, Any]]:
    """The Return dialog, the other buttons and /pending, for group 0 (before the
    catch-all)."""
    return [
        dialog(timeout_minutes),
        CallbackQueryHandler(pressed, pattern=pattern(PREFIX) + "(ok|o|wd|p):"),
        CommandHandler("pending", pending_command),
    ]
