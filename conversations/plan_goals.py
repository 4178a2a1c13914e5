"""/plan's typing steps: a new goal (what, how measured, target date, routine) and the
plan's interventions. Each saves through one use case (domain/usecases/plans.py) and
goes back to the card; see conversations/plan.py for the whole dialog.

    ➕ Goal ─► GOAL_WHAT ─► GOAL_MEASURE ─► GOAL_TARGET ─► GOAL_ROUTINE ─(saved)─► CARD
               (text)       (text|Skip)     (date|Skip)    (text|Skip)
    🔧 Interventions ─► INTERVENTIONS ─(text|Clear, saved)─► CARD
    ◀ Back goes one step back (from the first, to the card).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from conversations.common import text_expected
from conversations.pickers import day_step
from conversations.plan_card import (
    BAD_ID,
    CARD,
    GOAL_MEASURE,
    GOAL_ROUTINE,
    GOAL_STEPS,
    GOAL_TARGET,
    GOAL_WHAT,
    INTERVENTIONS,
    PREFIX,
    GoalDraft,
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
from domain.results import Saved
from domain.usecases import plans as plan_cases
from domain.usecases.plans import PlanCard
from ui import texts
from ui.callbacks import Pressed
from ui.context import CaselineContext
from ui.replies import answer

Step = Callable[[Update, CaselineContext], Coroutine[Any, Any, int]]


def _goal_prompt(step: int) -> str:
    return {
        GOAL_WHAT: texts.GOAL_ASK_WHAT,
        GOAL_MEASURE: texts.GOAL_ASK_MEASURE,
        GOAL_TARGET: texts.GOAL_ASK_TARGET,
        GOAL_ROUTINE: texts.GOAL_ASK_ROUTINE,
    }[step]


def normalised(text: str | None) -> str:
    """One line, single spaces: goal texts are short and shown on one line."""
    return " ".join((text or "").split())


# ── from the card ──────────────────────────────────────────────────────────────


async def add_goal_pressed(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    """➕ Goal: a plan that is full says so before anything is typed."""
    found = await plan_cases.look(
        context.services,
        context.require_actor(),
        client_id(load(context)),
        "plan.goal.add",
        plan_id=read_id(pressed.arg),
    )
    if not isinstance(found, PlanCard):
        return await refused(update, context, found)
    if found.plan is not None and len(found.plan.goals) >= plan_cases.MAX_GOALS:
        await answer(update, texts.PLAN_FULL_TOAST, alert=True)
        return CARD
    await answer(update)
    draft = load(context)
    draft.goal = GoalDraft()
    store(context, draft)
    return await ask_goal_step(update, context, GOAL_WHAT, new=True)


async def interventions_pressed(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    plan_id = read_id(pressed.arg)
    found = await plan_cases.look(
        context.services,
        context.require_actor(),
        client_id(load(context)),
        "plan.interventions",
        plan_id=plan_id,
    )
    if not isinstance(found, PlanCard):
        return await refused(update, context, found)
    await answer(update)
    draft = load(context)
    current = found.plan.interventions if found.plan else None
    row = [button(texts.BACK, "back")]
    if current:
        row.insert(0, button(texts.PLAN_CLEAR, "ivclear"))
    draft.plan_arg = plan_id
    await show(
        update,
        context,
        draft,
        texts.plan_ask_interventions(current),
        InlineKeyboardMarkup([row]),
        new=True,
    )
    return INTERVENTIONS


# ── adding a goal ──────────────────────────────────────────────────────────────


async def ask_goal_step(
    update: Update, context: CaselineContext, step: int, *, new: bool = False
) -> int:
    draft = load(context)
    goal = draft.goal = draft.goal or GoalDraft()
    goal.step = step
    row = [button(texts.BACK, "back")]
    if step != GOAL_WHAT:
        row.insert(0, button(texts.PLAN_SKIP, "skip"))
    lines = []
    if goal.description:
        lines.append(texts.plan_goal_so_far(goal.description))
    lines.append(_goal_prompt(step))
    await show(update, context, draft, "\n".join(lines), InlineKeyboardMarkup([row]), new=new)
    return step


async def _goal_text(update: Update, context: CaselineContext, what: str) -> str | None:
    """The typed text if it fits, else None after saying how long it may be."""
    text = normalised(update.effective_message.text)
    if len(text) > plan_cases.GOAL_TEXT_MAX:
        await update.effective_message.reply_text(
            texts.plan_too_long(what, plan_cases.GOAL_TEXT_MAX, len(text))
        )
        return None
    return text


def _set(context: CaselineContext, **fields: Any) -> None:
    draft = load(context)
    goal = draft.goal = draft.goal or GoalDraft()
    for name, value in fields.items():
        setattr(goal, name, value)
    store(context, draft)


async def what_typed(update: Update, context: CaselineContext) -> int:
    text = await _goal_text(update, context, texts.GOAL_DESCRIPTION)
    if not text:
        return GOAL_WHAT
    _set(context, description=text)
    return await ask_goal_step(update, context, GOAL_MEASURE)


async def measure_typed(update: Update, context: CaselineContext) -> int:
    text = await _goal_text(update, context, texts.GOAL_MEASURE_WHAT)
    if not text:
        return GOAL_MEASURE
    _set(context, measure=text)
    return await ask_goal_step(update, context, GOAL_TARGET)


async def target_chosen(update: Update, context: CaselineContext, day: date) -> int:
    _set(context, target=day)
    await update.effective_message.reply_text(texts.goal_target_set(texts.plan_day(day)))
    return await ask_goal_step(update, context, GOAL_ROUTINE, new=True)


async def routine_typed(update: Update, context: CaselineContext) -> int:
    text = await _goal_text(update, context, texts.GOAL_ROUTINE_WHAT)
    if not text:
        return GOAL_ROUTINE
    _set(context, routine=text)
    return await _save_goal(update, context)


def _skip(step: int) -> Step:
    async def skipped(update: Update, context: CaselineContext) -> int:
        await answer(update)
        if step == GOAL_MEASURE:
            _set(context, measure=None)
            return await ask_goal_step(update, context, GOAL_TARGET)
        if step == GOAL_TARGET:
            _set(context, target=None)
            return await ask_goal_step(update, context, GOAL_ROUTINE)
        _set(context, routine=None)
        return await _save_goal(update, context)

    return skipped


def _back(step: int) -> Step:
    async def back(update: Update, context: CaselineContext) -> int:
        await answer(update)
        if step in (GOAL_WHAT, INTERVENTIONS):
            draft = load(context)
            draft.goal = None
            store(context, draft)
            return await reload_card(update, context)
        return await ask_goal_step(update, context, GOAL_STEPS[GOAL_STEPS.index(step) - 1])

    return back


async def _save_goal(update: Update, context: CaselineContext) -> int:
    draft = load(context)
    goal = draft.goal or GoalDraft()
    if not goal.description:
        return await ask_goal_step(update, context, GOAL_WHAT)
    result = await plan_cases.add_goal(
        context.services,
        context.require_actor(),
        client_id(draft),
        description=goal.description,
        measure=goal.measure,
        target=goal.target,
        routine=goal.routine,
    )
    if not isinstance(result, Saved):
        return await refused(update, context, result, show_card=True)
    draft = load(context)
    draft.goal = None
    store(context, draft)
    await answer(update)
    return await present_card(update, context, result.value, new=True)


# ── interventions ──────────────────────────────────────────────────────────────


async def interventions_typed(update: Update, context: CaselineContext) -> int:
    text = (update.effective_message.text or "").strip()
    if len(text) > plan_cases.INTERVENTIONS_MAX:
        await update.effective_message.reply_text(
            texts.plan_too_long(
                texts.PLAN_INTERVENTIONS_WHAT, plan_cases.INTERVENTIONS_MAX, len(text)
            )
        )
        return INTERVENTIONS
    return await _save_interventions(update, context, text or None)


async def interventions_cleared(update: Update, context: CaselineContext) -> int:
    return await _save_interventions(update, context, None)


async def _save_interventions(update: Update, context: CaselineContext, text: str | None) -> int:
    draft = load(context)
    plan_id = draft.plan_arg if draft.plan_arg is not None else BAD_ID
    result = await plan_cases.set_interventions(
        context.services, context.require_actor(), client_id(draft), plan_id, text
    )
    if not isinstance(result, Saved):
        return await refused(update, context, result)
    await answer(update)
    return await present_card(update, context, result.value, new=True)


# ── the states ─────────────────────────────────────────────────────────────────


def states(buttons: Callable[..., str]) -> dict[object, list[BaseHandler[Any, Any, Any]]]:
    """The typing states of /plan, for conversations/plan.py's handler."""
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND

    def goal_step(
        step: int, typed: Step, *, skippable: bool = True
    ) -> list[BaseHandler[Any, Any, Any]]:
        handlers: list[BaseHandler[Any, Any, Any]] = [
            CallbackQueryHandler(_back(step), pattern=buttons("back")),
            MessageHandler(text, typed),
            MessageHandler(other, text_expected),
        ]
        if skippable:
            handlers.insert(0, CallbackQueryHandler(_skip(step), pattern=buttons("skip")))
        return handlers

    return {
        GOAL_WHAT: goal_step(GOAL_WHAT, what_typed, skippable=False),
        GOAL_MEASURE: goal_step(GOAL_MEASURE, measure_typed),
        GOAL_TARGET: [
            CallbackQueryHandler(_skip(GOAL_TARGET), pattern=buttons("skip")),
            CallbackQueryHandler(_back(GOAL_TARGET), pattern=buttons("back")),
            *day_step(
                PREFIX,
                GOAL_TARGET,
                target_chosen,
                purpose="future",
                passed=texts.GOAL_TARGET_PASSED,
            ),
        ],
        GOAL_ROUTINE: goal_step(GOAL_ROUTINE, routine_typed),
        INTERVENTIONS: [
            CallbackQueryHandler(interventions_cleared, pattern=buttons("ivclear")),
            CallbackQueryHandler(_back(INTERVENTIONS), pattern=buttons("back")),
            MessageHandler(text, interventions_typed),
            MessageHandler(other, text_expected),
        ],
    }
