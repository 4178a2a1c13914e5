"""/plan — a client's treatment or recovery plan: goals, interventions, review interval.

    /plan [C-0042|name] ─► CLIENT ─(tap/typed)─► CARD ◄─────────────────────────────────────┐
    client card 📋 (cf:plan:<id>) ─────────────► CARD                                 │
    CARD ├─ ➕ Goal ─► GOAL_WHAT ─► GOAL_MEASURE ─► GOAL_TARGET ─► GOAL_ROUTINE ─(saved)─┤
         │             (text)       (text|Skip)     (date|Skip)    (text|Skip)          │
         ├─ ✏️ n ─► the goal's status buttons ─(tap, saved)──────────────────────────────┤
         ├─ 🔧 Interventions ─► INTERVENTIONS ─(text|Clear, saved)───────────────────────┤
         ├─ 🔁 Review interval ─► 30 · 60 · 90 · 180 days ─(tap, saved)──────────────────┤
         ├─ ✅ Activate (a draft) ─(saved: active, next review = today + interval)───────┤
         ├─ 📜 Versions ─► earlier versions and their reviews posted below, card again ──┘
         ├─ 🔎 Review (the active plan) ─► END; offers ▶ Start review (conversations/review.py)
         └─ ✖ Close ─► END
    ◀ Back in a goal step goes one step back (from the first, to the card).
    /cancel anywhere ─► END (what was already saved stays saved)

This module holds the entry and the card's buttons; conversations/plan_goals.py the
typing steps (a goal, interventions); conversations/plan_card.py the states, the typed
draft and the card. Every change is one use case of domain/usecases/plans.py, saved at
once and audited there (plan.create, plan.goal.add, plan.goal.status,
plan.interventions, plan.interval, plan.activate; plan.view and plan.history for
looks). A button names a plan or goal id, and each press is re-checked on the server:
the client must be visible to the presser and the id must be the client's current plan
or one of its goals; anything else is refused and audited (allowed = False).

Left idle, the draft is kept aside and the next /plan offers it back (also after a
restart).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from conversations import drafts, plan_goals
from conversations.common import conversation
from conversations.live import strip
from conversations.pickers import (
    ClientRef,
    ask_client,
    card_pattern,
    client_step,
    open_from_args,
)
from conversations.plan_card import (
    CARD,
    CLIENT,
    DRAFT,
    GOAL_STEPS,
    PREFIX,
    RESUME,
    PlanDraft,
    button,
    client_id,
    load,
    present_card,
    read_id,
    refused,
    reload_card,
    show,
    store,
)
from domain.results import Pending, Saved
from domain.usecases import plans as plan_cases
from domain.usecases.plans import GoalStatus, PlanCard, PlanStatus, Versions
from ui import privacy, texts
from ui.approval_views import waiting_toast
from ui.callbacks import Pressed, pack, pattern, unpack
from ui.context import CaselineContext, deliver_soon, zone_of
from ui.plan_views import version_pages
from ui.replies import answer

# ── entry ──────────────────────────────────────────────────────────────────────


async def start(update: Update, context: CaselineContext) -> int:
    if context.args:
        return await _start_with(update, context, " ".join(context.args))
    kept = drafts.kept(context, DRAFT)
    context.user_data[DRAFT] = {}
    if kept and "client" in kept and not context.args:
        old = PlanDraft.from_json(kept)
        assert old.client is not None
        keyboard = InlineKeyboardMarkup(
            [[button(texts.RESUME, "resume", "yes"), button(texts.DISCARD, "resume", "no")]]
        )
        await update.effective_message.reply_text(
            texts.plan_kept(
                old.client.code,
                privacy.client_name(old.client),
                old.goal.description if old.goal else None,
            ),
            reply_markup=keyboard,
        )
        return RESUME
    await ask_client(update, context, PREFIX, texts.PLAN_ASK_CLIENT)
    return CLIENT


async def _start_with(update: Update, context: CaselineContext, words: str) -> int:
    context.user_data[DRAFT] = {}
    return await open_from_args(
        update, context, PREFIX, words, texts.PLAN_ASK_CLIENT, _open, CLIENT
    )


async def from_client_card(update: Update, context: CaselineContext) -> int:
    """📋 on a client card (`cf:plan:<client id>`), or ◀ Plan after a review."""
    chosen = read_id(unpack(update.callback_query.data).arg)
    return await _open(update, context, chosen) or ConversationHandler.END


async def _open(
    update: Update, context: CaselineContext, chosen: int, *, picked: bool = False
) -> int | None:
    """Show the client's plan card if the worker may see the client (audited either
    way); None when refused (the caller decides where the dialog goes). A press on the
    client picker (`picked`) was answered by the picker already."""
    card = await plan_cases.open_plan(context.services, context.require_actor(), chosen)
    if not isinstance(card, PlanCard):
        if picked:
            await update.effective_message.reply_text(texts.CLIENT_GONE)
        elif update.callback_query is not None:
            await answer(update, texts.CLIENT_GONE, alert=True)
        else:
            code = f"C-{chosen:04d}" if chosen > 0 else "that client"
            await update.effective_message.reply_text(texts.plan_not_found(code))
        return None
    if not picked:
        await answer(update)
    store(context, PlanDraft(client=ClientRef.of(card.client)))
    return await present_card(update, context, card, new=True)


async def client_chosen(update: Update, context: CaselineContext, ref: ClientRef) -> int:
    return await _open(update, context, ref.id, picked=True) or CLIENT


async def resume_chosen(update: Update, context: CaselineContext) -> int:
    choice = unpack(update.callback_query.data).arg
    kept = drafts.take(context, DRAFT)
    if choice != "yes" or not kept or "client" not in kept:
        await answer(update)
        await update.callback_query.edit_message_text(texts.DRAFT_DISCARDED)
        context.user_data[DRAFT] = {}
        await ask_client(update, context, PREFIX, texts.PLAN_ASK_CLIENT)
        return CLIENT
    await update.callback_query.edit_message_reply_markup(reply_markup=None)
    old = PlanDraft.from_json(kept)
    state = await _open(update, context, client_id(old))
    if state is None:
        return ConversationHandler.END
    await strip(context, update, old.live)
    if old.goal is not None and old.goal.step in GOAL_STEPS:
        draft = load(context)
        draft.goal = old.goal
        store(context, draft)
        return await plan_goals.ask_goal_step(update, context, old.goal.step, new=True)
    return state


# ── card buttons ───────────────────────────────────────────────────────────────


async def card_pressed(update: Update, context: CaselineContext) -> int:
    pressed = unpack(update.callback_query.data)
    if load(context).client is None:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    return await CARD_ACTIONS[pressed.action](update, context, pressed)


async def _edit_goal(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    found = await plan_cases.look(
        context.services,
        context.require_actor(),
        client_id(load(context)),
        "plan.goal.status",
        goal_id=read_id(pressed.arg),
    )
    if not isinstance(found, PlanCard):
        return await refused(update, context, found)
    await answer(update)
    goal = found.goal
    assert goal is not None
    buttons = [
        button(
            ("• " if goal.status == status else "") + texts.goal_status_label(status),
            "gs",
            f"{goal.id}:{status.value}",
        )
        for status in GoalStatus
    ]
    keyboard = InlineKeyboardMarkup([buttons[:2], buttons[2:], [button(texts.BACK, "card")]])
    text = texts.plan_ask_status(found.goal_number, goal.description)
    await show(update, context, load(context), text, keyboard)
    return CARD


async def _set_status(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    raw_id, _, status = pressed.arg.partition(":")
    if status not in {value.value for value in GoalStatus}:
        await answer(update, texts.STALE_BUTTON)
        return CARD
    result = await plan_cases.set_goal_status(
        context.services,
        context.require_actor(),
        client_id(load(context)),
        read_id(raw_id),
        GoalStatus(status),
    )
    if not isinstance(result, Saved):
        return await refused(update, context, result)
    card = result.value
    await answer(update, texts.plan_status_toast(card.goal_number, status))
    return await present_card(update, context, card)


async def _ask_interval(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    plan_id = read_id(pressed.arg)
    found = await plan_cases.look(
        context.services,
        context.require_actor(),
        client_id(load(context)),
        "plan.interval",
        plan_id=plan_id,
    )
    if not isinstance(found, PlanCard):
        return await refused(update, context, found)
    await answer(update)
    current = found.plan.review_interval_days if found.plan else plan_cases.DEFAULT_INTERVAL_DAYS
    row = [
        button(
            ("• " if days == current else "") + texts.plan_days(days),
            "rd",
            f"{plan_id}:{days}",
        )
        for days in plan_cases.REVIEW_INTERVALS
    ]
    keyboard = InlineKeyboardMarkup([row[:2], row[2:], [button(texts.BACK, "card")]])
    await show(update, context, load(context), texts.plan_ask_interval(current), keyboard)
    return CARD


async def _set_interval(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    raw_id, _, raw_days = pressed.arg.partition(":")
    days = read_id(raw_days)
    if days not in plan_cases.REVIEW_INTERVALS:
        await answer(update, texts.STALE_BUTTON)
        return CARD
    result = await plan_cases.set_review_interval(
        context.services, context.require_actor(), client_id(load(context)), read_id(raw_id), days
    )
    if not isinstance(result, Saved):
        return await refused(update, context, result)
    await answer(update, texts.plan_interval_toast(days))
    return await present_card(update, context, result.value)


async def _activate(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    result = await plan_cases.activate_plan(
        context.services,
        context.require_actor(),
        client_id(load(context)),
        read_id(pressed.arg),
    )
    if isinstance(result, Pending):
        # Waits for a supervisor (the team's setting): the plan stays a draft.
        if not result.already:
            deliver_soon(context)
        await answer(update, waiting_toast(result, zone_of(context)))
        return await reload_card(update, context)
    if not isinstance(result, Saved):
        return await refused(update, context, result)
    plan = result.value.plan
    assert plan is not None and plan.next_review_on is not None
    await answer(
        update, texts.plan_activated_toast(plan.version, texts.plan_day(plan.next_review_on))
    )
    return await present_card(update, context, result.value)


async def _offer_review(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    """Hand over to /review: this dialog ends, the offer's ▶ starts the review dialog
    (one dialog at a time, so the review cannot start inside this one)."""
    found = await plan_cases.look(
        context.services,
        context.require_actor(),
        client_id(load(context)),
        "plan.review",
        plan_id=read_id(pressed.arg),
    )
    if not isinstance(found, PlanCard):
        return await refused(update, context, found)
    plan = found.plan
    if plan is None or plan.status != PlanStatus.ACTIVE:
        await answer(update, texts.PLAN_NOT_ACTIVE_TOAST, alert=True)
        return CARD
    await answer(update)
    client = found.client
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.REVIEW_START, callback_data=pack("rv", "start", client.id)
                ),
                InlineKeyboardButton(texts.PLAN_OPEN, callback_data=pack("cf", "plan", client.id)),
            ]
        ]
    )
    text = texts.review_offer(
        plan.version,
        client.code,
        privacy.client_name(client),
        len(plan.goals),
        texts.plan_day(plan.next_review_on) if plan.next_review_on else None,
    )
    await show(update, context, load(context), text, keyboard)
    context.user_data.pop(DRAFT, None)
    return ConversationHandler.END


async def _versions(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    found = await plan_cases.plan_versions(
        context.services, context.require_actor(), client_id(load(context))
    )
    if not isinstance(found, Versions):
        return await refused(update, context, found)
    if not found.versions:
        await answer(update, texts.PLAN_NO_VERSIONS_TOAST)
        return CARD
    await answer(update)
    for page in version_pages(found.card.client, found.versions, zone_of(context)):
        await update.effective_message.reply_text(page)
    return await present_card(update, context, found.card, new=True)


async def _close(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    context.user_data.pop(DRAFT, None)
    await answer(update, texts.PLAN_CLOSED_TOAST)
    try:
        await update.callback_query.edit_message_reply_markup(reply_markup=None)
    except BadRequest:
        pass  # already without buttons
    return ConversationHandler.END


async def _back_to_card(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    await answer(update)
    draft = load(context)
    draft.goal = None
    store(context, draft)
    return await reload_card(update, context)


CardAction = Callable[[Update, CaselineContext, Pressed], Awaitable[int]]
CARD_ACTIONS: dict[str, CardAction] = {
    "add": plan_goals.add_goal_pressed,
    "edit": _edit_goal,
    "gs": _set_status,
    "iv": plan_goals.interventions_pressed,
    "ri": _ask_interval,
    "rd": _set_interval,
    "act": _activate,
    "rev": _offer_review,
    "ver": _versions,
    "close": _close,
    "card": _back_to_card,
}


def handler(timeout_minutes: int) -> ConversationHandler[Any]:
    def buttons(*actions: str) -> str:
        return pattern(PREFIX) + "(" + "|".join(actions) + "):"

    return conversation(
        PREFIX,
        entry_points=[
            CommandHandler("plan", start),
            CallbackQueryHandler(from_client_card, pattern=card_pattern("plan")),
        ],
        states={
            RESUME: [CallbackQueryHandler(resume_chosen, pattern=buttons("resume"))],
            CLIENT: client_step(PREFIX, CLIENT, client_chosen),
            CARD: [CallbackQueryHandler(card_pressed, pattern=buttons(*CARD_ACTIONS))],
            **plan_goals.states(buttons),
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
    )
