"""/plan — a client's treatment or recovery plan: goals, interventions, review interval.

    /plan [C-0042] ─► CLIENT ─(tap/typed)─► CARD ◄─────────────────────────────────────┐
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

Every change is saved at once and audited (plan.create, plan.goal.add, plan.goal.status,
plan.interventions, plan.interval, plan.activate; plan.view and plan.history for looks).
A button names a plan or goal id, and each press is re-checked on the server: the client
must be visible to the presser and the id must be the client's current plan or one of
its goals; anything else is refused and audited (allowed = False).

The draft in user_data["plan"] holds only the client, the live card's message id and a
goal being typed; the plan itself is in the database. Left idle, it is kept aside and
the next /plan offers it back (also after a restart).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from conversations import drafts
from conversations.common import conversation, text_expected
from conversations.pickers import (
    ClientRef,
    ask_client,
    card_pattern,
    client_step,
    moment_from_stamp,
    moment_from_text,
)
from storage import audit, caseload, clients, plans
from storage.models import Client, ClientStatus, Goal, GoalStatus, Plan, PlanStatus
from ui import callbacks, texts
from ui.callbacks import Pressed, pack, pattern, unpack
from ui.context import CaselineContext, zone_of
from ui.replies import answer, edit_pressed, remove_keyboard
from ui.splitting import CHUNK, pack_blocks, telegram_length

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
PREFIX = "pl"
DRAFT = "plan"
# Measured as Telegram counts (ui.splitting.telegram_length); room left for the buttons.
MESSAGE_BUDGET = CHUNK
EDIT_BUTTONS_PER_ROW = 5
NO_PLAN = 0  # the plan id a button carries while the client has no plan yet
BAD_ID = -1  # what an unreadable id becomes: it matches nothing and is refused


def read_id(text: str) -> int:
    """A button's id, or BAD_ID for anything that cannot be one of ours (forged data)."""
    value = callbacks.read_id(text)
    return BAD_ID if value is None else value


def _draft(context: CaselineContext) -> dict[str, Any]:
    return context.user_data.setdefault(DRAFT, {})


def _button(label: str, action: str, arg: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, arg))


def local_today(context: CaselineContext) -> date:
    """Today in the worker's own calendar (plans count days there)."""
    return context.services.clock.now().astimezone(zone_of(context)).date()


def normalised(text: str | None) -> str:
    """One line, single spaces: goal texts are short and shown on one line."""
    return " ".join((text or "").split())


def goal_details(measure: str | None, target: date | str | None, routine: str | None) -> str:
    if isinstance(target, str):
        target = date.fromisoformat(target)
    return texts.plan_goal_details(measure, texts.plan_day(target) if target else None, routine)


async def present(
    update: Update,
    context: CaselineContext,
    draft: dict[str, Any],
    text: str,
    keyboard: InlineKeyboardMarkup | None,
    *,
    new: bool = False,
) -> None:
    """One live message per dialog: a press on it edits it in place; otherwise (typed
    text, `new`) the previous live message loses its buttons and a fresh one goes below,
    so no stale button is left to press by mistake."""
    query = update.callback_query
    live = draft.get("live")
    if (
        not new
        and query is not None
        and query.message is not None
        and query.message.message_id == live
    ):
        await edit_pressed(query, text, keyboard)
        return
    await _strip(context, update, live)
    sent = await update.effective_message.reply_text(text, reply_markup=keyboard)
    draft["live"] = sent.message_id


async def _strip(context: CaselineContext, update: Update, message_id: int | None) -> None:
    if not message_id:
        return
    try:
        await context.bot.edit_message_reply_markup(
            update.effective_chat.id, message_id, reply_markup=None
        )
    except BadRequest:
        pass  # already without buttons, or gone


# ── the server-side check every press goes through ───────────────────────────


@dataclass
class Found:
    client: Client
    plan: Plan | None
    goal: Goal | None = None
    # The version still in effect while `plan` is a newer draft (an intake made one).
    beside: Plan | None = None

    @property
    def closed(self) -> bool:
        return self.client.status == ClientStatus.DISCHARGED


async def found_for(session, client: Client) -> Found:
    plan = await plans.current_plan(session, client.id)
    beside = None
    if plan is not None and plan.status == PlanStatus.DRAFT:
        beside = await plans.active_plan(session, client.id)
    return Found(client, plan, beside=beside)


@dataclass
class Refused:
    """Why a press was refused; `found` is set when only the card was out of date."""

    toast: str
    alert: bool
    found: Found | None = None
    end: bool = False  # the client is out of reach: nothing left to do in this dialog


async def refuse_client(session, context: CaselineContext, action: str, client_id: int) -> None:
    """Audit a refused look at (or change to) a client's plan, like an allowed one."""
    await caseload.refuse(
        session, context.require_actor(), client_id, action, now=context.services.clock.now()
    )


async def _check(
    session,
    context: CaselineContext,
    action: str,
    *,
    plan_id: int | None = None,
    goal_id: int | None = None,
    change: bool = True,
) -> Found | Refused:
    """The draft's client, if still visible, with its current plan; and, when the press
    named them, the plan id and goal id proven to be that plan's. Refusals of ids are
    audited. A `change` to a closed (discharged) case is refused: its plan stays as it
    was, like the client card offers no plan button for it."""
    ref = ClientRef.from_json(_draft(context)["client"])
    client = await clients.get_visible(session, context.require_actor(), ref.id)
    if client is None:
        await refuse_client(session, context, action, ref.id)
        return Refused(texts.CLIENT_GONE, alert=True, end=True)
    found = await found_for(session, client)
    plan = found.plan
    if plan_id is not None and plan_id != (plan.id if plan else NO_PLAN):
        owner = await plans.client_of_plan(session, plan_id) if plan_id > 0 else None
        stale = owner == client.id or plan_id == NO_PLAN
        return await _refuse_id(session, context, action, found, "plan", plan_id, owner, stale)
    if goal_id is not None:
        found.goal = plans.goal_in(plan, goal_id)
        if found.goal is None:
            owner = await plans.client_of_goal(session, goal_id) if goal_id > 0 else None
            stale = owner == client.id
            return await _refuse_id(session, context, action, found, "goal", goal_id, owner, stale)
    if change and found.closed:
        return Refused(texts.PLAN_CASE_CLOSED_TOAST, alert=True, found=found)
    return found


async def _refuse_id(
    session,
    context: CaselineContext,
    action: str,
    found: Found,
    kind: str,
    subject_id: int,
    owner: int | None,
    stale: bool,
) -> Refused:
    """A plan or goal id that is not the client's current one: audited either way; an
    out-of-date card of this client is shown afresh, anything else is simply refused."""
    await audit.refused(
        session,
        action,
        now=context.services.clock.now(),
        actor_id=context.require_actor().id,
        subject_type=kind,
        subject_id=subject_id if subject_id > 0 else None,
        client_id=owner,
        reason="out of date" if stale else "not this client's",
    )
    if stale:
        return Refused(texts.PLAN_CHANGED, alert=False, found=found)
    return Refused(texts.NOT_ALLOWED, alert=True)


async def _refused(update: Update, context: CaselineContext, refusal: Refused) -> int:
    """Say no; when only the card was out of date, show the plan as it is now."""
    if update.callback_query is not None:
        await answer(update, refusal.toast, alert=refusal.alert)
    else:
        await update.effective_message.reply_text(refusal.toast)
    if refusal.end:
        context.user_data.pop(DRAFT, None)
        return ConversationHandler.END
    if refusal.found is None:
        return CARD
    draft = _draft(context)
    draft.pop("goal", None)
    await _present_card(update, context, refusal.found, new=update.callback_query is None)
    return CARD


async def _audit(
    session,
    context: CaselineContext,
    action: str,
    found: Found,
    *,
    subject_type: str = "plan",
    subject_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    if subject_id is None and found.plan is not None:
        subject_id = found.plan.id
    await audit.record(
        session,
        action,
        now=context.services.clock.now(),
        actor_id=context.require_actor().id,
        subject_type=subject_type,
        subject_id=subject_id,
        client_id=found.client.id,
        detail=detail,
    )


async def _editable_plan(session, context: CaselineContext, found: Found) -> Plan:
    """The plan to change: the current one, or a new version-1 draft for a client
    who has none yet (made on the first change, not on merely looking)."""
    if found.plan is None:
        found.plan = await plans.start_draft(
            session,
            client_id=found.client.id,
            created_by_id=context.require_actor().id,
            now=context.services.clock.now(),
        )
        await _audit(session, context, "plan.create", found, detail={"version": found.plan.version})
    return found.plan


# ── the card ───────────────────────────────────────────────────────────────────


def _goal_lines(plan: Plan, *, compact: bool) -> list[str]:
    lines = []
    for number, goal in enumerate(plan.goals, 1):
        description = goal.description
        if compact and len(description) > 80:
            description = description[:79] + "…"
        lines.append(texts.plan_goal_line(number, goal.status, description))
        if not compact:
            details = goal_details(goal.measure, goal.target_date, goal.routine)
            if details:
                lines.append(details)
    return lines


def card_text(found: Found, today: date) -> str:
    client, plan = found.client, found.plan
    head = [texts.plan_title(plan.version if plan else None, client.code, client.name)]
    if found.closed:
        head.append(texts.PLAN_CASE_CLOSED)
    if plan is None:
        return "\n".join(head + ([] if found.closed else [texts.PLAN_NOTHING_YET]))
    active = plan.status == PlanStatus.ACTIVE
    due = plan.next_review_on if active else None
    head.append(
        texts.plan_status_line(
            plan.status,
            plan.review_interval_days,
            texts.plan_day(due) if due else None,
            bool(due and due < today),
        )
    )
    if plan.status == PlanStatus.DRAFT and not found.closed:
        head.append(texts.PLAN_DRAFT_HINT)
    if found.beside is not None:
        head.append(texts.plan_draft_beside(found.beside.version))
    goals_title = ["", f"<b>{texts.PLAN_GOALS}</b>"]
    if not plan.goals:
        return "\n".join(
            head
            + [texts.plan_interventions(plan.interventions)]
            + goals_title
            + [texts.PLAN_NO_GOALS_YET]
        )
    full = "\n".join(
        head
        + [texts.plan_interventions(plan.interventions)]
        + goals_title
        + _goal_lines(plan, compact=False)
    )
    if telegram_length(full) <= MESSAGE_BUDGET:
        return full
    # Too long for one message with its buttons: the short form (details stay in
    # 📜 and in the database), and if even that is too long, the first goals.
    interventions = plan.interventions or ""
    if len(interventions) > 300:
        interventions = interventions[:299] + "…"
    lines = (
        head
        + [texts.plan_interventions(interventions or None)]
        + goals_title
        + _goal_lines(plan, compact=True)
    )
    while telegram_length("\n".join(lines)) > MESSAGE_BUDGET - 60:
        lines.pop()
    shown = len(lines) - len(head) - 3
    if shown < len(plan.goals):
        lines.append(texts.plan_more_goals(len(plan.goals) - shown))
    return "\n".join(lines)


def card_keyboard(found: Found) -> InlineKeyboardMarkup:
    plan = found.plan
    if found.closed:
        return InlineKeyboardMarkup(
            [[_button(texts.PLAN_VERSIONS, "ver"), _button(texts.PLAN_CLOSE, "close")]]
        )
    plan_arg = plan.id if plan else NO_PLAN
    rows = [
        [
            _button(texts.PLAN_ADD_GOAL, "add", plan_arg),
            _button(texts.PLAN_INTERVENTIONS, "iv", plan_arg),
        ],
        [
            _button(texts.PLAN_INTERVAL, "ri", plan_arg),
            _button(texts.PLAN_VERSIONS, "ver"),
        ],
    ]
    if plan is not None and plan.goals:
        edits = [
            _button(texts.plan_edit_goal(number), "edit", goal.id)
            for number, goal in enumerate(plan.goals, 1)
        ]
        rows += [
            edits[index : index + EDIT_BUTTONS_PER_ROW]
            for index in range(0, len(edits), EDIT_BUTTONS_PER_ROW)
        ]
    if plan is not None and plan.status == PlanStatus.DRAFT:
        rows.append([_button(texts.PLAN_ACTIVATE, "act", plan.id)])
    if plan is not None and plan.status == PlanStatus.ACTIVE:
        rows.append([_button(texts.PLAN_REVIEW, "rev", plan.id)])
    rows.append([_button(texts.PLAN_CLOSE, "close")])
    return InlineKeyboardMarkup(rows)


async def _present_card(
    update: Update, context: CaselineContext, found: Found, *, new: bool = False
) -> int:
    draft = _draft(context)
    draft.pop("plan_arg", None)
    text = card_text(found, local_today(context))
    await present(update, context, draft, text, card_keyboard(found), new=new)
    return CARD


async def _reload_card(update: Update, context: CaselineContext, *, new: bool = False) -> int:
    async with context.services.db.session() as session:
        found = await _check(session, context, "plan.view", change=False)
    if isinstance(found, Refused):
        return await _refused(update, context, found)
    return await _present_card(update, context, found, new=new)


# ── entry ──────────────────────────────────────────────────────────────────────


async def start(update: Update, context: CaselineContext) -> int:
    actor = context.require_actor()
    if context.args:
        words = " ".join(context.args)
        client_id = clients.parse_code(words)
        if client_id is not None:
            return await _open(update, context, client_id) or ConversationHandler.END
        async with context.services.db.session() as session:
            found = await clients.search(session, actor, words)
        if len(found) == 1:
            return await _open(update, context, found[0].id) or ConversationHandler.END
    kept = drafts.kept(context, DRAFT)
    context.user_data[DRAFT] = {}
    if kept and "client" in kept and not context.args:
        ref = ClientRef.from_json(kept["client"])
        goal = (kept.get("goal") or {}).get("description")
        keyboard = InlineKeyboardMarkup(
            [[_button(texts.RESUME, "resume", "yes"), _button(texts.DISCARD, "resume", "no")]]
        )
        await update.effective_message.reply_text(
            texts.plan_kept(ref.code, ref.name, goal), reply_markup=keyboard
        )
        return RESUME
    await ask_client(update, context, PREFIX, texts.PLAN_ASK_CLIENT)
    return CLIENT


async def from_client_card(update: Update, context: CaselineContext) -> int:
    """📋 on a client card (`cf:plan:<client id>`), or ◀ Plan after a review."""
    client_id = read_id(unpack(update.callback_query.data).arg)
    return await _open(update, context, client_id) or ConversationHandler.END


async def _open(update: Update, context: CaselineContext, client_id: int) -> int | None:
    """Show the client's plan card if the worker may see the client; audit either way.
    None when refused (the caller decides where the dialog goes)."""
    actor = context.require_actor()
    async with context.services.db.session() as session:
        client = await clients.get_visible(session, actor, client_id)
        if client is None:
            await refuse_client(session, context, "plan.view", client_id)
        else:
            found = await found_for(session, client)
            await _audit(session, context, "plan.view", found)
    if client is None:
        if update.callback_query is not None:
            await answer(update, texts.CLIENT_GONE, alert=True)
        else:
            code = f"C-{client_id:04d}" if client_id > 0 else "that client"
            await update.effective_message.reply_text(texts.plan_not_found(code))
        return None
    await answer(update)
    context.user_data[DRAFT] = {"client": ClientRef.of(client).to_json()}
    return await _present_card(update, context, found, new=True)


async def client_pressed(update: Update, context: CaselineContext) -> int:
    """A tapped client on the picker; unlike the shared picker's, a refusal is audited."""
    state = await _open(update, context, read_id(unpack(update.callback_query.data).arg))
    if state is None:
        return CLIENT
    await remove_keyboard(update)  # the picker has done its job
    return state


async def client_chosen(update: Update, context: CaselineContext, ref: ClientRef) -> int:
    return await _open(update, context, ref.id) or CLIENT


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
    state = await _open(update, context, ClientRef.from_json(kept["client"]).id)
    if state is None:
        return ConversationHandler.END
    await _strip(context, update, kept.get("live"))
    goal = kept.get("goal") or {}
    if goal.get("step") in GOAL_STEPS:
        _draft(context)["goal"] = goal
        return await _ask_goal_step(update, context, goal["step"], new=True)
    return state


# ── card buttons ───────────────────────────────────────────────────────────────


async def card_pressed(update: Update, context: CaselineContext) -> int:
    pressed = unpack(update.callback_query.data)
    if "client" not in _draft(context):
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    return await CARD_ACTIONS[pressed.action](update, context, pressed)


async def _add_goal(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    async with context.services.db.session() as session:
        found = await _check(session, context, "plan.goal.add", plan_id=read_id(pressed.arg))
    if isinstance(found, Refused):
        return await _refused(update, context, found)
    if found.plan is not None and len(found.plan.goals) >= plans.MAX_GOALS:
        await answer(update, texts.PLAN_FULL_TOAST, alert=True)
        return CARD
    await answer(update)
    _draft(context)["goal"] = {}
    return await _ask_goal_step(update, context, GOAL_WHAT, new=True)


async def _edit_goal(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    async with context.services.db.session() as session:
        found = await _check(session, context, "plan.goal.status", goal_id=read_id(pressed.arg))
    if isinstance(found, Refused):
        return await _refused(update, context, found)
    await answer(update)
    goal = found.goal
    number = found.plan.goals.index(goal) + 1
    buttons = [
        _button(
            ("• " if goal.status == status else "") + texts.goal_status_label(status),
            "gs",
            f"{goal.id}:{status.value}",
        )
        for status in GoalStatus
    ]
    keyboard = InlineKeyboardMarkup([buttons[:2], buttons[2:], [_button(texts.BACK, "card")]])
    text = texts.plan_ask_status(number, goal.description)
    await present(update, context, _draft(context), text, keyboard)
    return CARD


async def _set_status(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    raw_id, _, status = pressed.arg.partition(":")
    if status not in {value.value for value in GoalStatus}:
        await answer(update, texts.STALE_BUTTON)
        return CARD
    async with context.services.db.session() as session:
        found = await _check(session, context, "plan.goal.status", goal_id=read_id(raw_id))
        if isinstance(found, Found):
            before = found.goal.status
            if before != status:
                plans.set_goal_status(found.plan, found.goal, GoalStatus(status))
                await _audit(
                    session,
                    context,
                    "plan.goal.status",
                    found,
                    subject_type="goal",
                    subject_id=found.goal.id,
                    detail={"from": before, "to": status},
                )
    if isinstance(found, Refused):
        return await _refused(update, context, found)
    number = found.plan.goals.index(found.goal) + 1
    await answer(update, texts.plan_status_toast(number, status))
    return await _present_card(update, context, found)


async def _ask_interventions(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    plan_id = read_id(pressed.arg)
    async with context.services.db.session() as session:
        found = await _check(session, context, "plan.interventions", plan_id=plan_id)
    if isinstance(found, Refused):
        return await _refused(update, context, found)
    await answer(update)
    draft = _draft(context)
    current = found.plan.interventions if found.plan else None
    row = [_button(texts.BACK, "back")]
    if current:
        row.insert(0, _button(texts.PLAN_CLEAR, "ivclear"))
    await present(
        update,
        context,
        draft,
        texts.plan_ask_interventions(current),
        InlineKeyboardMarkup([row]),
        new=True,
    )
    draft["plan_arg"] = plan_id
    return INTERVENTIONS


async def _ask_interval(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    plan_id = read_id(pressed.arg)
    async with context.services.db.session() as session:
        found = await _check(session, context, "plan.interval", plan_id=plan_id)
    if isinstance(found, Refused):
        return await _refused(update, context, found)
    await answer(update)
    current = found.plan.review_interval_days if found.plan else plans.DEFAULT_INTERVAL_DAYS
    row = [
        _button(
            ("• " if days == current else "") + texts.plan_days(days),
            "rd",
            f"{plan_id}:{days}",
        )
        for days in plans.REVIEW_INTERVALS
    ]
    keyboard = InlineKeyboardMarkup([row[:2], row[2:], [_button(texts.BACK, "card")]])
    await present(update, context, _draft(context), texts.plan_ask_interval(current), keyboard)
    return CARD


async def _set_interval(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    raw_id, _, raw_days = pressed.arg.partition(":")
    days = read_id(raw_days)
    if days not in plans.REVIEW_INTERVALS:
        await answer(update, texts.STALE_BUTTON)
        return CARD
    async with context.services.db.session() as session:
        found = await _check(session, context, "plan.interval", plan_id=read_id(raw_id))
        if isinstance(found, Found):
            plan = await _editable_plan(session, context, found)
            before = plan.review_interval_days
            plans.set_review_interval(plan, days)
            await _audit(
                session,
                context,
                "plan.interval",
                found,
                detail={
                    "from": before,
                    "to": days,
                    "next_review_on": plan.next_review_on.isoformat()
                    if plan.next_review_on
                    else None,
                },
            )
    if isinstance(found, Refused):
        return await _refused(update, context, found)
    await answer(update, texts.plan_interval_toast(days))
    return await _present_card(update, context, found)


async def _activate(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    today = local_today(context)
    try:
        async with context.services.db.session() as session:
            found = await _check(session, context, "plan.activate", plan_id=read_id(pressed.arg))
            if isinstance(found, Found):
                if found.plan is None or found.plan.status != PlanStatus.DRAFT:
                    found = Refused(texts.PLAN_CHANGED, alert=False, found=found)
                elif not found.plan.goals:
                    found = Refused(texts.PLAN_NEEDS_GOAL_TOAST, alert=True)
                else:
                    await plans.activate(session, found.plan, today=today)
                    await _audit(
                        session,
                        context,
                        "plan.activate",
                        found,
                        detail={
                            "version": found.plan.version,
                            "next_review_on": found.plan.next_review_on.isoformat(),
                            "supersedes": found.beside.id if found.beside else None,
                        },
                    )
                    found.beside = None
    except plans.PlanChanged:
        return await _reload_card(update, context)
    if isinstance(found, Refused):
        return await _refused(update, context, found)
    await answer(
        update,
        texts.plan_activated_toast(found.plan.version, texts.plan_day(found.plan.next_review_on)),
    )
    return await _present_card(update, context, found)


async def _offer_review(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    """Hand over to /review: this dialog ends, the offer's ▶ starts the review dialog
    (one dialog at a time, so the review cannot start inside this one)."""
    async with context.services.db.session() as session:
        found = await _check(session, context, "plan.review", plan_id=read_id(pressed.arg))
    if isinstance(found, Refused):
        return await _refused(update, context, found)
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
        client.name,
        len(plan.goals),
        texts.plan_day(plan.next_review_on) if plan.next_review_on else None,
    )
    await present(update, context, _draft(context), text, keyboard)
    context.user_data.pop(DRAFT, None)
    return ConversationHandler.END


async def _versions(update: Update, context: CaselineContext, pressed: Pressed) -> int:
    async with context.services.db.session() as session:
        found = await _check(session, context, "plan.history", change=False)
        if isinstance(found, Found):
            versions = await plans.history(session, found.client.id)
            await _audit(
                session, context, "plan.history", found, detail={"versions": len(versions)}
            )
    if isinstance(found, Refused):
        return await _refused(update, context, found)
    if not versions:
        await answer(update, texts.PLAN_NO_VERSIONS_TOAST)
        return CARD
    await answer(update)
    for page in version_pages(found.client, versions, zone_of(context)):
        await update.effective_message.reply_text(page)
    return await _present_card(update, context, found, new=True)


def version_pages(client: Client, versions: list[plans.Version], zone: ZoneInfo) -> list[str]:
    """The earlier versions as HTML pages, each under Telegram's limit; days are the
    worker's local ones."""
    lines = [texts.plan_versions_title(client.code, client.name)]
    for version in versions:
        plan, review = version.plan, version.review
        lines.append(
            texts.plan_version_header(
                plan.version,
                texts.plan_day(plan.created_at.astimezone(zone).date()),
                texts.plan_day(review.created_at.astimezone(zone).date()) if review else None,
                version.reviewer,
            )
        )
        interventions = texts.plan_version_interventions(plan.interventions)
        if interventions:
            lines.append(interventions)
        for number, goal in enumerate(plan.goals, 1):
            item = version.items.get(goal.id)
            lines.append(
                texts.plan_version_goal(
                    number,
                    goal.description,
                    item.status if item else goal.status,
                    item.effectiveness if item else None,
                    item.comment if item else None,
                )
            )
        if review is not None:
            lines.append(texts.plan_version_summary(review.summary))
    return pages_of(lines)


def pages_of(lines: list[str], budget: int = MESSAGE_BUDGET) -> list[str]:
    """Whole lines per page (a line is never cut, so its HTML stays balanced)."""
    return pack_blocks(lines, separator="\n", limit=budget)


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
    _draft(context).pop("goal", None)
    return await _reload_card(update, context)


CARD_ACTIONS = {
    "add": _add_goal,
    "edit": _edit_goal,
    "gs": _set_status,
    "iv": _ask_interventions,
    "ri": _ask_interval,
    "rd": _set_interval,
    "act": _activate,
    "rev": _offer_review,
    "ver": _versions,
    "close": _close,
    "card": _back_to_card,
}


# ── adding a goal ──────────────────────────────────────────────────────────────

GOAL_STEPS = (GOAL_WHAT, GOAL_MEASURE, GOAL_TARGET, GOAL_ROUTINE)
GOAL_PROMPTS = {
    GOAL_WHAT: texts.GOAL_ASK_WHAT,
    GOAL_MEASURE: texts.GOAL_ASK_MEASURE,
    GOAL_TARGET: texts.GOAL_ASK_TARGET,
    GOAL_ROUTINE: texts.GOAL_ASK_ROUTINE,
}


async def _ask_goal_step(
    update: Update, context: CaselineContext, step: int, *, new: bool = False
) -> int:
    draft = _draft(context)
    goal = draft.setdefault("goal", {})
    goal["step"] = step
    row = [_button(texts.BACK, "back")]
    if step != GOAL_WHAT:
        row.insert(0, _button(texts.PLAN_SKIP, "skip"))
    lines = []
    if goal.get("description"):
        lines.append(texts.plan_goal_so_far(goal["description"]))
    lines.append(GOAL_PROMPTS[step])
    await present(update, context, draft, "\n".join(lines), InlineKeyboardMarkup([row]), new=new)
    return step


async def _goal_text(update: Update, context: CaselineContext, key: str, what: str) -> str | None:
    text = normalised(update.effective_message.text)
    if len(text) > plans.GOAL_TEXT_MAX:
        await update.effective_message.reply_text(
            texts.plan_too_long(what, plans.GOAL_TEXT_MAX, len(text))
        )
        return None
    _draft(context).setdefault("goal", {})[key] = text
    return text


async def what_typed(update: Update, context: CaselineContext) -> int:
    if await _goal_text(update, context, "description", texts.GOAL_DESCRIPTION):
        return await _ask_goal_step(update, context, GOAL_MEASURE)
    return GOAL_WHAT


async def measure_typed(update: Update, context: CaselineContext) -> int:
    if await _goal_text(update, context, "measure", texts.GOAL_MEASURE_WHAT):
        return await _ask_goal_step(update, context, GOAL_TARGET)
    return GOAL_MEASURE


async def target_typed(update: Update, context: CaselineContext) -> int:
    parsed = await moment_from_text(update, context, PREFIX, "future")
    if parsed is None:
        return GOAL_TARGET
    return await _target_chosen(update, context, parsed.local.date())


async def target_option_pressed(update: Update, context: CaselineContext) -> int:
    moment = moment_from_stamp(update, context)
    if moment is None:
        await answer(update, texts.STALE_BUTTON)
        return GOAL_TARGET
    await answer(update)
    return await _target_chosen(update, context, moment.astimezone(zone_of(context)).date())


async def _target_chosen(update: Update, context: CaselineContext, day: date) -> int:
    if day < local_today(context):
        await update.effective_message.reply_text(texts.GOAL_TARGET_PASSED)
        return GOAL_TARGET
    _draft(context).setdefault("goal", {})["target"] = day.isoformat()
    await update.effective_message.reply_text(texts.goal_target_set(texts.plan_day(day)))
    return await _ask_goal_step(update, context, GOAL_ROUTINE, new=True)


async def routine_typed(update: Update, context: CaselineContext) -> int:
    if await _goal_text(update, context, "routine", texts.GOAL_ROUTINE_WHAT):
        return await _save_goal(update, context)
    return GOAL_ROUTINE


def _skip(step: int):
    async def skipped(update: Update, context: CaselineContext) -> int:
        await answer(update)
        goal = _draft(context).setdefault("goal", {})
        if step == GOAL_MEASURE:
            goal["measure"] = None
            return await _ask_goal_step(update, context, GOAL_TARGET)
        if step == GOAL_TARGET:
            goal["target"] = None
            return await _ask_goal_step(update, context, GOAL_ROUTINE)
        goal["routine"] = None
        return await _save_goal(update, context)

    return skipped


def _back(step: int):
    async def back(update: Update, context: CaselineContext) -> int:
        if step in (GOAL_WHAT, INTERVENTIONS):
            await answer(update)
            _draft(context).pop("goal", None)
            return await _reload_card(update, context)
        await answer(update)
        return await _ask_goal_step(update, context, GOAL_STEPS[GOAL_STEPS.index(step) - 1])

    return back


async def _save_goal(update: Update, context: CaselineContext) -> int:
    goal = _draft(context).get("goal") or {}
    if not goal.get("description"):
        return await _ask_goal_step(update, context, GOAL_WHAT)
    async with context.services.db.session() as session:
        found = await _check(session, context, "plan.goal.add")
        if isinstance(found, Found):
            plan = await _editable_plan(session, context, found)
            if len(plan.goals) >= plans.MAX_GOALS:
                found = Refused(texts.PLAN_FULL_TOAST, alert=True, found=found)
            else:
                added = await plans.add_goal(
                    session,
                    plan,
                    description=goal["description"],
                    measure=goal.get("measure"),
                    target_date=date.fromisoformat(goal["target"]) if goal.get("target") else None,
                    routine=goal.get("routine"),
                )
                await _audit(
                    session,
                    context,
                    "plan.goal.add",
                    found,
                    subject_type="goal",
                    subject_id=added.id,
                    detail={"plan": plan.id, "version": plan.version},
                )
    if isinstance(found, Refused):
        return await _refused(update, context, found)
    _draft(context).pop("goal", None)
    await answer(update)
    return await _present_card(update, context, found, new=True)


# ── interventions ──────────────────────────────────────────────────────────────


async def interventions_typed(update: Update, context: CaselineContext) -> int:
    text = (update.effective_message.text or "").strip()
    if len(text) > plans.INTERVENTIONS_MAX:
        await update.effective_message.reply_text(
            texts.plan_too_long(texts.PLAN_INTERVENTIONS_WHAT, plans.INTERVENTIONS_MAX, len(text))
        )
        return INTERVENTIONS
    return await _save_interventions(update, context, text or None)


async def interventions_cleared(update: Update, context: CaselineContext) -> int:
    return await _save_interventions(update, context, None)


async def _save_interventions(update: Update, context: CaselineContext, text: str | None) -> int:
    plan_id = _draft(context).get("plan_arg", BAD_ID)
    async with context.services.db.session() as session:
        found = await _check(session, context, "plan.interventions", plan_id=plan_id)
        if isinstance(found, Found):
            plan = await _editable_plan(session, context, found)
            plans.set_interventions(plan, text)
            await _audit(
                session,
                context,
                "plan.interventions",
                found,
                detail={"characters": len(text or "")},
            )
    if isinstance(found, Refused):
        return await _refused(update, context, found)
    await answer(update)
    return await _present_card(update, context, found, new=True)


def typed_client_step(prefix: str, state: int, chosen) -> list:
    """The shared choose-a-client step for typed names and anything else; its button
    handler is left out, since ours audits a refused (forged) press."""
    return [
        handler
        for handler in client_step(prefix, state, chosen)
        if not isinstance(handler, CallbackQueryHandler)
    ]


def handler(timeout_minutes: int) -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND

    def buttons(*actions: str) -> str:
        return pattern(PREFIX) + "(" + "|".join(actions) + "):"

    def goal_step(step: int, typed, *, skippable: bool = True) -> list:
        handlers = [
            CallbackQueryHandler(_back(step), pattern=buttons("back")),
            MessageHandler(text, typed),
            MessageHandler(other, text_expected),
        ]
        if skippable:
            handlers.insert(0, CallbackQueryHandler(_skip(step), pattern=buttons("skip")))
        return handlers

    target = goal_step(GOAL_TARGET, target_typed)
    target.insert(0, CallbackQueryHandler(target_option_pressed, pattern=buttons("at")))
    return conversation(
        PREFIX,
        entry_points=[
            CommandHandler("plan", start),
            CallbackQueryHandler(from_client_card, pattern=card_pattern("plan")),
        ],
        states={
            RESUME: [CallbackQueryHandler(resume_chosen, pattern=buttons("resume"))],
            CLIENT: [
                CallbackQueryHandler(client_pressed, pattern=buttons("client")),
                *typed_client_step(PREFIX, CLIENT, client_chosen),
            ],
            CARD: [CallbackQueryHandler(card_pressed, pattern=buttons(*CARD_ACTIONS))],
            GOAL_WHAT: goal_step(GOAL_WHAT, what_typed, skippable=False),
            GOAL_MEASURE: goal_step(GOAL_MEASURE, measure_typed),
            GOAL_TARGET: target,
            GOAL_ROUTINE: goal_step(GOAL_ROUTINE, routine_typed),
            INTERVENTIONS: [
                CallbackQueryHandler(interventions_cleared, pattern=buttons("ivclear")),
                CallbackQueryHandler(_back(INTERVENTIONS), pattern=buttons("back")),
                MessageHandler(text, interventions_typed),
                MessageHandler(other, text_expected),
            ],
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
    )
