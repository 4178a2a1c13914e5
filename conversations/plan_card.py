"""/plan's frame: its states, its typed draft, the plan card, and how a use case's answer
is shown. The dialog itself is in conversations/plan.py (entry and card buttons) and
conversations/plan_goals.py (adding a goal, interventions).

The draft in user_data["plan"] holds only the client, the live card's message id, a
goal being typed and the plan id an interventions prompt was opened for; the plan
itself is in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from conversations.live import present
from conversations.pickers import ClientRef
from domain.results import Gone, Invalid, Refused, Stale
from domain.usecases import plans as plan_cases
from domain.usecases.plans import PlanCard, PlanStatus
from ui import callbacks, texts
from ui.callbacks import pack
from ui.context import CaselineContext, zone_of
from ui.plan_views import card_text
from ui.replies import answer

(
    CLIENT,
    CARD,
    GOAL_WHAT,
    GOAL_MEASURE,
    GOAL_TARGET,
    GOAL_ROUTINE,
    INTERVENTIONS,
    RESUME,
) = range(8)
GOAL_STEPS = (GOAL_WHAT, GOAL_MEASURE, GOAL_TARGET, GOAL_ROUTINE)
PREFIX = "pl"
DRAFT = "plan"
EDIT_BUTTONS_PER_ROW = 5
NO_PLAN = plan_cases.NO_PLAN
BAD_ID = -1  # what an unreadable id becomes: it matches nothing and is refused


def read_id(text: str) -> int:
    """A button's id, or BAD_ID for anything that cannot be one of ours (forged data)."""
    value = callbacks.read_id(text)
    return BAD_ID if value is None else value


def local_today(context: CaselineContext) -> date:
    """Today in the worker's own calendar (plans count days there)."""
    return context.services.clock.now().astimezone(zone_of(context)).date()


# ── the typed draft ────────────────────────────────────────────────────────────


@dataclass(slots=True)
class GoalDraft:
    """A goal being typed, step by step."""

    step: int | None = None
    description: str | None = None
    measure: str | None = None
    target: date | None = None
    routine: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "description": self.description,
            "measure": self.measure,
            "target": self.target.isoformat() if self.target else None,
            "routine": self.routine,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GoalDraft:
        target = data.get("target")
        step = data.get("step")
        return cls(
            step=step if isinstance(step, int) else None,
            description=data.get("description"),
            measure=data.get("measure"),
            target=date.fromisoformat(target) if target else None,
            routine=data.get("routine"),
        )


@dataclass(slots=True)
class PlanDraft:
    client: ClientRef | None = None
    live: int | None = None
    goal: GoalDraft | None = None
    # The plan id the open interventions prompt was asked for.
    plan_arg: int | None = None
    # What conversations/drafts.py keeps in every draft (when touched, its token).
    extra: dict[str, Any] = field(default_factory=dict)

    KEYS = ("client", "live", "goal", "plan_arg")

    def to_json(self) -> dict[str, Any]:
        data = dict(self.extra)
        if self.client is not None:
            data["client"] = self.client.to_json()
        if self.live is not None:
            data["live"] = self.live
        if self.goal is not None:
            data["goal"] = self.goal.to_json()
        if self.plan_arg is not None:
            data["plan_arg"] = self.plan_arg
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> PlanDraft:
        """Also reads the dict drafts written before drafts were typed (same keys)."""
        data = data or {}
        return cls(
            client=ClientRef.from_json(data["client"]) if data.get("client") else None,
            live=data.get("live"),
            goal=GoalDraft.from_json(data["goal"]) if data.get("goal") is not None else None,
            plan_arg=data.get("plan_arg"),
            extra={key: value for key, value in data.items() if key not in cls.KEYS},
        )


def load(context: CaselineContext) -> PlanDraft:
    return PlanDraft.from_json(context.user_data.get(DRAFT))


def store(context: CaselineContext, draft: PlanDraft) -> None:
    context.user_data[DRAFT] = draft.to_json()


def client_id(draft: PlanDraft) -> int:
    """The client the dialog is about (every card button needs one)."""
    return draft.client.id if draft.client is not None else BAD_ID


def button(label: str, action: str, arg: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, arg))


# ── the card ───────────────────────────────────────────────────────────────────


def card_keyboard(card: PlanCard) -> InlineKeyboardMarkup:
    plan = card.plan
    if card.closed:
        return InlineKeyboardMarkup(
            [[button(texts.PLAN_VERSIONS, "ver"), button(texts.PLAN_CLOSE, "close")]]
        )
    plan_arg = plan.id if plan else NO_PLAN
    rows = [
        [
            button(texts.PLAN_ADD_GOAL, "add", plan_arg),
            button(texts.PLAN_INTERVENTIONS, "iv", plan_arg),
        ],
        [
            button(texts.PLAN_INTERVAL, "ri", plan_arg),
            button(texts.PLAN_VERSIONS, "ver"),
        ],
    ]
    if plan is not None and plan.goals:
        edits = [
            button(texts.plan_edit_goal(number), "edit", goal.id)
            for number, goal in enumerate(plan.goals, 1)
        ]
        rows += [
            edits[index : index + EDIT_BUTTONS_PER_ROW]
            for index in range(0, len(edits), EDIT_BUTTONS_PER_ROW)
        ]
    if plan is not None and plan.status == PlanStatus.DRAFT:
        rows.append([button(texts.PLAN_ACTIVATE, "act", plan.id)])
    if plan is not None and plan.status == PlanStatus.ACTIVE:
        rows.append([button(texts.PLAN_REVIEW, "rev", plan.id)])
    rows.append([button(texts.PLAN_CLOSE, "close")])
    return InlineKeyboardMarkup(rows)


async def show(
    update: Update,
    context: CaselineContext,
    draft: PlanDraft,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
    *,
    new: bool = False,
) -> None:
    """Show `text` as the dialog's live message and store the draft."""
    draft.live = await present(update, context, draft.live, text, keyboard, new=new, kept_in=DRAFT)
    store(context, draft)


async def present_card(
    update: Update, context: CaselineContext, card: PlanCard, *, new: bool = False
) -> int:
    draft = load(context)
    draft.plan_arg = None
    text = card_text(card, local_today(context))
    await show(update, context, draft, text, card_keyboard(card), new=new)
    return CARD


async def reload_card(update: Update, context: CaselineContext, *, new: bool = False) -> int:
    """The card as it stands now (refusals audited as a look, plan.view)."""
    found = await plan_cases.look(
        context.services,
        context.require_actor(),
        client_id(load(context)),
        "plan.view",
        change=False,
    )
    if not isinstance(found, PlanCard):
        return await refused(update, context, found)
    return await present_card(update, context, found, new=new)


# ── what a use case's answer looks like ────────────────────────────────────────


def _invalid_toast(reason: str) -> str:
    return {
        plan_cases.PLAN_FULL: texts.PLAN_FULL_TOAST,
        plan_cases.NO_GOALS: texts.PLAN_NEEDS_GOAL_TOAST,
    }.get(reason, texts.STALE_BUTTON)


async def _say(update: Update, text: str, *, alert: bool) -> None:
    if update.callback_query is not None:
        await answer(update, text, alert=alert)
    else:
        await update.effective_message.reply_text(text)


async def refused(
    update: Update,
    context: CaselineContext,
    result: Refused | Stale[PlanCard] | Gone | Invalid,
    *,
    show_card: bool = False,
) -> int:
    """Say no; when the card was out of date, the case closed (or `show_card`), show the
    plan as it is now. A client out of reach ends the dialog."""
    if isinstance(result, Refused):
        if result.subject == "client":
            await _say(update, texts.CLIENT_GONE, alert=True)
            context.user_data.pop(DRAFT, None)
            return ConversationHandler.END
        await _say(update, texts.NOT_ALLOWED, alert=True)
        return CARD
    if isinstance(result, Invalid):
        await _say(update, _invalid_toast(result.reason), alert=True)
        if not show_card:
            return CARD
    elif isinstance(result, Gone):
        await _say(update, texts.PLAN_CASE_CLOSED_TOAST, alert=True)
    else:
        await _say(update, texts.PLAN_CHANGED, alert=False)
    draft = load(context)
    draft.goal = None
    store(context, draft)
    if isinstance(result, Stale):
        return await present_card(
            update, context, result.current, new=update.callback_query is None
        )
    return await reload_card(update, context, new=update.callback_query is None)
