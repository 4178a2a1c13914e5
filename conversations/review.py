"""/review — walk the active plan's goals one by one, sum up, and make the next version.

    /review [C-0042] ─► CLIENT ─(tap/typed)─┐
    client card 🔎 (cf:review:<id>) ────────┤
    ▶ Start review (from the plan card) ────┴─► STATUS (goal 1 of n)
    STATUS ─(status)─► EFFECT ─(1–5 | Skip)─► COMMENT ─(text | Skip)─► STATUS (goal 2) …
    … the last goal's COMMENT ─► SUMMARY ─(text)─► CONFIRM ─(✅ Save review)─► END
    ◀ Back steps back one answer (goal 2's status → goal 1's comment; confirm → summary),
    keeping what was answered (↩ Keep it takes a comment or summary over unchanged).
    /cancel or ✖ anywhere ─► END, nothing saved.

Saving writes, in one transaction: the Review with one ReviewItem per goal (status,
effectiveness 1–5 or none, comment), the old version superseded, the next version
(version + 1, active) with the goals still open copied with their new status, and its
next review = the review day (the worker's local calendar) + the interval — which is
what the morning agenda's "plan reviews due" reads. Audited as plan.review.

The walk lives in user_data["review"] (persisted after every update), so a restart
mid-review resumes at the same goal; left idle, it is kept aside and the next /review
offers it back. Every press is re-checked on the server: the client must still be
visible, the plan still the active one, and the goal the one being reviewed; a goal id
that is not this plan's is refused and audited.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from conversations import drafts
from conversations.common import conversation, text_expected
from conversations.pickers import ClientRef, ask_client, card_pattern
from conversations.plan import (
    MESSAGE_BUDGET,
    goal_details,
    local_today,
    present,
    read_id,
    refuse_client,
    typed_client_step,
)
from storage import audit, clients, plans
from storage.models import ClientStatus, GoalStatus, PlanStatus
from ui import texts
from ui.callbacks import pack, pattern, unpack
from ui.context import CaselineContext
from ui.replies import answer, remove_keyboard

RESUME, CLIENT, STATUS, EFFECT, COMMENT, SUMMARY, CONFIRM = range(7)
PREFIX = "rv"
DRAFT = "review"
# The walk's steps as the draft names them; the first three are per goal.
STEP_STATES = {"status": STATUS, "effect": EFFECT, "comment": COMMENT}
STATES = {**STEP_STATES, "summary": SUMMARY, "confirm": CONFIRM}


def _draft(context: CaselineContext) -> dict[str, Any]:
    return context.user_data.setdefault(DRAFT, {})


def _button(label: str, action: str, arg: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, arg))


# ── entry ──────────────────────────────────────────────────────────────────────


async def start(update: Update, context: CaselineContext) -> int:
    actor = context.require_actor()
    if context.args:
        words = " ".join(context.args)
        client_id = clients.parse_code(words)
        if client_id is None:
            async with context.services.db.session() as session:
                found = await clients.search(session, actor, words)
            client_id = found[0].id if len(found) == 1 else None
        if client_id is not None:
            return await _begin(update, context, client_id) or ConversationHandler.END
    elif drafts.kept(context, DRAFT):
        return await _offer_kept(update, context)
    context.user_data[DRAFT] = {}
    await ask_client(update, context, PREFIX, texts.REVIEW_ASK_CLIENT)
    return CLIENT


async def from_button(update: Update, context: CaselineContext) -> int:
    """🔎 on a client card (`cf:review:<client id>`) or ▶ Start review (`rv:start:<id>`)."""
    client_id = read_id(unpack(update.callback_query.data).arg)
    kept = drafts.kept(context, DRAFT)
    if kept and kept.get("client", {}).get("id") == client_id:
        await answer(update)
        return await _offer_kept(update, context)
    return await _begin(update, context, client_id) or ConversationHandler.END


async def _offer_kept(update: Update, context: CaselineContext) -> int:
    kept = drafts.kept(context, DRAFT) or {}
    ref = ClientRef.from_json(kept["client"])
    done = kept.get("index", 0) if kept.get("step") in STEP_STATES else len(kept.get("goals", []))
    context.user_data[DRAFT] = {}
    keyboard = InlineKeyboardMarkup(
        [[_button(texts.RESUME, "resume", "yes"), _button(texts.DISCARD, "resume", "no")]]
    )
    await update.effective_message.reply_text(
        texts.review_kept(ref.code, ref.name, done, len(kept.get("goals", []))),
        reply_markup=keyboard,
    )
    return RESUME


async def resume_chosen(update: Update, context: CaselineContext) -> int:
    choice = unpack(update.callback_query.data).arg
    kept = drafts.take(context, DRAFT)
    if choice != "yes" or not kept or "client" not in kept:
        await answer(update)
        await update.callback_query.edit_message_text(texts.DRAFT_DISCARDED)
        context.user_data[DRAFT] = {}
        await ask_client(update, context, PREFIX, texts.REVIEW_ASK_CLIENT)
        return CLIENT
    context.user_data[DRAFT] = kept
    await update.callback_query.edit_message_reply_markup(reply_markup=None)
    async with context.services.db.session() as session:
        verdict = await _verify(session, context, "plan.review")
    if verdict is not None:
        return await _refused(update, context, *verdict)
    await answer(update)
    return await _show(update, context, new=True)


async def client_pressed(update: Update, context: CaselineContext) -> int:
    """A tapped client on the picker; unlike the shared picker's, a refusal is audited."""
    state = await _begin(update, context, read_id(unpack(update.callback_query.data).arg))
    if state is None:
        return CLIENT
    await remove_keyboard(update)  # the picker has done its job
    return state


async def client_chosen(update: Update, context: CaselineContext, ref: ClientRef) -> int:
    return await _begin(update, context, ref.id) or CLIENT


async def _begin(update: Update, context: CaselineContext, client_id: int) -> int | None:
    """Start walking the client's active plan; None when the client is not visible
    (refused and audited), END when there is nothing to review."""
    actor = context.require_actor()
    plan = None
    async with context.services.db.session() as session:
        client = await clients.get_visible(session, actor, client_id)
        if client is None:
            await refuse_client(session, context, "plan.review", client_id)
        else:
            plan = await plans.current_plan(session, client.id)
    if client is None:
        if update.callback_query is not None:
            await answer(update, texts.CLIENT_GONE, alert=True)
        else:
            code = f"C-{client_id:04d}" if client_id > 0 else "that client"
            await update.effective_message.reply_text(texts.plan_not_found(code))
        return None
    await answer(update)
    message = None
    if client.status == ClientStatus.DISCHARGED:
        message = texts.review_case_closed(client.code)
    elif plan is None:
        message = texts.review_no_plan(client.code)
    elif plan.status != PlanStatus.ACTIVE:  # a newer draft (an intake's) comes first
        message = texts.review_draft_only(client.code, plan.version)
    if message is not None:
        await update.effective_message.reply_text(message)
        context.user_data.pop(DRAFT, None)
        return ConversationHandler.END
    context.user_data[DRAFT] = {
        "client": ClientRef.of(client).to_json(),
        "plan": plan.id,
        "version": plan.version,
        "interval": plan.review_interval_days,
        "goals": [
            {
                "id": goal.id,
                "description": goal.description,
                "measure": goal.measure,
                "target": goal.target_date.isoformat() if goal.target_date else None,
                "routine": goal.routine,
                "status": goal.status,
            }
            for goal in plan.goals
        ],
        "answers": [{"status": None, "effect": None, "comment": None} for _ in plan.goals],
        "index": 0,
        "step": "status" if plan.goals else "summary",
        "summary": None,
    }
    return await _show(update, context, new=True)


# ── the server-side check every press goes through ───────────────────────────


async def _verify(
    session, context: CaselineContext, action: str, *, goal_id: int | None = None
) -> tuple[str, bool, bool] | None:
    """None when the press may go ahead; else (toast, alert, end the dialog).

    The client must still be visible and the plan under review still its active
    version; a goal id must be the goal being reviewed now. A goal id that is not this
    plan's at all is refused and audited (a forged button)."""
    draft = _draft(context)
    actor = context.require_actor()
    ref = ClientRef.from_json(draft["client"])
    client = await clients.get_visible(session, actor, ref.id)
    if client is None:
        await refuse_client(session, context, action, ref.id)
        return texts.CLIENT_GONE, True, True
    if client.status == ClientStatus.DISCHARGED:
        return texts.review_case_closed(client.code), True, True
    plan = await plans.get_plan(session, draft["plan"])
    if plan is None or plan.client_id != client.id or plan.status != PlanStatus.ACTIVE:
        return texts.REVIEW_CHANGED, True, True
    if goal_id is None:
        return None
    expected = _current_goal(draft)
    if expected is not None and goal_id == expected["id"]:
        return None
    if plans.goal_in(plan, goal_id) is not None:
        return texts.REVIEW_NOT_CURRENT_TOAST, False, False
    owner = await plans.client_of_goal(session, goal_id) if goal_id > 0 else None
    await audit.refused(
        session,
        action,
        now=context.services.clock.now(),
        actor_id=actor.id,
        subject_type="goal",
        subject_id=goal_id if goal_id > 0 else None,
        client_id=owner,
        reason="not this plan's goal",
        plan=plan.id,
    )
    return texts.NOT_ALLOWED, True, False


async def _refused(
    update: Update, context: CaselineContext, toast: str, alert: bool, end: bool
) -> int:
    if update.callback_query is not None:
        await answer(update, toast, alert=alert)
    if end:
        if update.callback_query is None or alert:
            await update.effective_message.reply_text(toast)
        context.user_data.pop(DRAFT, None)
        return ConversationHandler.END
    return _state(_draft(context))


def _current_goal(draft: dict[str, Any]) -> dict[str, Any] | None:
    index = draft.get("index", 0)
    goals = draft.get("goals", [])
    return goals[index] if draft.get("step") in STEP_STATES and index < len(goals) else None


def _state(draft: dict[str, Any]) -> int:
    return STATES.get(draft.get("step"), STATUS)


# ── showing the step ───────────────────────────────────────────────────────────


async def _show(update: Update, context: CaselineContext, *, new: bool = False) -> int:
    draft = _draft(context)
    step = draft["step"]
    if step in STEP_STATES:
        text, keyboard = _goal_step(draft)
    elif step == "summary":
        text, keyboard = _summary_step(draft)
    else:
        text, keyboard = _recap(draft, local_today(context))
    await present(update, context, draft, text, keyboard, new=new)
    return _state(draft)


def _goal_step(draft: dict[str, Any]) -> tuple[str, InlineKeyboardMarkup]:
    index, step = draft["index"], draft["step"]
    goal, given = draft["goals"][index], draft["answers"][index]
    ref = ClientRef.from_json(draft["client"])
    lines = [
        texts.review_goal(
            index + 1,
            len(draft["goals"]),
            draft["version"],
            ref.code,
            goal["description"],
            goal_details(goal["measure"], goal["target"], goal["routine"]),
            goal["status"],
        )
    ]
    rows: list[list[InlineKeyboardButton]] = []
    back = [_button(texts.BACK, "back")]
    if step == "status":
        lines.append(f"\n{texts.REVIEW_ASK_STATUS}")
        buttons = [
            _button(
                ("• " if given["status"] == status else "") + texts.goal_status_label(status),
                "st",
                f"{goal['id']}:{status.value}",
            )
            for status in GoalStatus
        ]
        rows = [buttons[:2], buttons[2:]]
        rows.append((back if index > 0 else []) + [_button(texts.CANCEL, "cancel")])
    else:
        lines.append(texts.review_answer_line(given["status"], given["effect"]))
    if step == "effect":
        lines.append(f"\n{texts.REVIEW_ASK_EFFECT}")
        rows = [
            [
                _button(
                    ("• " if given["effect"] == score else "") + str(score),
                    "ef",
                    f"{goal['id']}:{score}",
                )
                for score in plans.EFFECTIVENESS
            ],
            [_button(texts.REVIEW_SKIP, "ef", f"{goal['id']}:0"), *back],
        ]
    if step == "comment":
        if given["comment"]:
            lines.append(texts.review_current_comment(given["comment"]))
        lines.append(f"\n{texts.REVIEW_ASK_COMMENT}")
        row = [_button(texts.REVIEW_SKIP, "skip", goal["id"])]
        if given["comment"]:
            row.append(_button(texts.REVIEW_KEEP, "keep", goal["id"]))
        rows = [row, back]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _summary_step(draft: dict[str, Any]) -> tuple[str, InlineKeyboardMarkup]:
    ref = ClientRef.from_json(draft["client"])
    text = texts.review_ask_summary(draft["version"], ref.code, draft.get("summary"))
    if not draft["goals"]:
        text = f"{texts.REVIEW_NO_GOALS}\n{text}"
    row = []
    if draft.get("summary"):
        row.append(_button(texts.REVIEW_KEEP, "keep", "summary"))
    if draft["goals"]:
        row.append(_button(texts.BACK, "back"))
    return text, InlineKeyboardMarkup([row, [_button(texts.CANCEL, "cancel")]])


def _recap(draft: dict[str, Any], today: date) -> tuple[str, InlineKeyboardMarkup]:
    ref = ClientRef.from_json(draft["client"])
    title = texts.review_recap_title(draft["version"], ref.code, ref.name)
    carried = sum(
        1 for given in draft["answers"] if given["status"] in {s.value for s in plans.OPEN_STATUSES}
    )
    ending = texts.review_recap_next(
        draft["version"] + 1,
        carried,
        texts.plan_day(today + timedelta(days=draft["interval"])),
    )

    def render(limit: int | None) -> str:
        lines = [title]
        for number, (goal, given) in enumerate(
            zip(draft["goals"], draft["answers"], strict=True), 1
        ):
            description, comment = goal["description"], given["comment"]
            if limit is not None:
                description = _cut(description, limit)
                comment = _cut(comment, limit) if comment else None
            lines.append(
                texts.review_recap_goal(
                    number, description, given["status"], given["effect"], comment
                )
            )
        summary = draft["summary"] or ""
        lines.append(texts.review_recap_summary(_cut(summary, limit * 8) if limit else summary))
        lines.append(ending)
        return "\n".join(lines)

    text = render(None)
    for limit in (120, 60, 30):
        if len(text) <= MESSAGE_BUDGET:
            break
        text = render(limit)
    keyboard = InlineKeyboardMarkup(
        [
            [_button(texts.REVIEW_SAVE, "save", draft["plan"])],
            [_button(texts.BACK, "back"), _button(texts.CANCEL, "cancel")],
        ]
    )
    return text, keyboard


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ── answering ──────────────────────────────────────────────────────────────────


def _split(arg: str) -> tuple[int, str]:
    raw_id, _, value = arg.partition(":")
    return read_id(raw_id), value


async def status_pressed(update: Update, context: CaselineContext) -> int:
    goal_id, status = _split(unpack(update.callback_query.data).arg)
    if status not in {value.value for value in GoalStatus}:
        await answer(update, texts.STALE_BUTTON)
        return STATUS
    async with context.services.db.session() as session:
        verdict = await _verify(session, context, "plan.review", goal_id=goal_id)
    if verdict is not None:
        return await _refused(update, context, *verdict)
    await answer(update)
    draft = _draft(context)
    draft["answers"][draft["index"]]["status"] = status
    draft["step"] = "effect"
    return await _show(update, context)


async def effect_pressed(update: Update, context: CaselineContext) -> int:
    goal_id, raw_score = _split(unpack(update.callback_query.data).arg)
    score = read_id(raw_score)
    if score not in (0, *plans.EFFECTIVENESS):
        await answer(update, texts.STALE_BUTTON)
        return EFFECT
    async with context.services.db.session() as session:
        verdict = await _verify(session, context, "plan.review", goal_id=goal_id)
    if verdict is not None:
        return await _refused(update, context, *verdict)
    await answer(update)
    draft = _draft(context)
    draft["answers"][draft["index"]]["effect"] = score or None
    draft["step"] = "comment"
    return await _show(update, context)


async def comment_typed(update: Update, context: CaselineContext) -> int:
    text = (update.effective_message.text or "").strip()
    if len(text) > plans.COMMENT_MAX:
        await update.effective_message.reply_text(
            texts.plan_too_long(texts.REVIEW_COMMENT_WHAT, plans.COMMENT_MAX, len(text))
        )
        return COMMENT
    async with context.services.db.session() as session:
        verdict = await _verify(session, context, "plan.review")
    if verdict is not None:
        return await _refused(update, context, *verdict)
    draft = _draft(context)
    draft["answers"][draft["index"]]["comment"] = text or None
    return await _next_goal(update, context)


async def comment_pressed(update: Update, context: CaselineContext) -> int:
    """⏭ Skip (no comment) or ↩ Keep it (the comment given before going back)."""
    pressed = unpack(update.callback_query.data)
    async with context.services.db.session() as session:
        verdict = await _verify(session, context, "plan.review", goal_id=read_id(pressed.arg))
    if verdict is not None:
        return await _refused(update, context, *verdict)
    await answer(update)
    draft = _draft(context)
    if pressed.action == "skip":
        draft["answers"][draft["index"]]["comment"] = None
    return await _next_goal(update, context)


async def _next_goal(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    draft["index"] += 1
    if draft["index"] < len(draft["goals"]):
        draft["step"] = "status"
    else:
        draft["index"] = len(draft["goals"]) - 1
        draft["step"] = "summary"
    return await _show(update, context)


async def summary_typed(update: Update, context: CaselineContext) -> int:
    text = (update.effective_message.text or "").strip()
    if len(text) > plans.SUMMARY_MAX:
        await update.effective_message.reply_text(
            texts.plan_too_long(texts.REVIEW_SUMMARY_WHAT, plans.SUMMARY_MAX, len(text))
        )
        return SUMMARY
    if not text:
        return await _show(update, context)
    draft = _draft(context)
    draft["summary"] = text
    draft["step"] = "confirm"
    return await _show(update, context)


async def summary_kept(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    await answer(update)
    if draft.get("summary"):
        draft["step"] = "confirm"
    return await _show(update, context)


async def back_pressed(update: Update, context: CaselineContext) -> int:
    """One answer back, keeping what was given."""
    await answer(update)
    draft = _draft(context)
    step = draft["step"]
    if step == "effect":
        draft["step"] = "status"
    elif step == "comment":
        draft["step"] = "effect"
    elif step == "status" and draft["index"] > 0:
        draft["index"] -= 1
        draft["step"] = "comment"
    elif step == "summary" and draft["goals"]:
        draft["index"] = len(draft["goals"]) - 1
        draft["step"] = "comment"
    elif step == "confirm":
        draft["step"] = "summary"
    return await _show(update, context)


async def save_pressed(update: Update, context: CaselineContext) -> int:
    actor = context.require_actor()
    draft = _draft(context)
    plan_id = read_id(unpack(update.callback_query.data).arg)
    missing = next(
        (index for index, given in enumerate(draft["answers"]) if not given["status"]), None
    )
    if plan_id != draft["plan"] or draft.get("step") != "confirm" or not draft.get("summary"):
        await answer(update, texts.STALE_BUTTON)
        return _state(draft)
    if missing is not None:  # cannot happen by walking; a damaged draft goes back there
        await answer(update)
        draft.update(index=missing, step="status")
        return await _show(update, context)
    now = context.services.clock.now()
    today = local_today(context)
    outcomes = [
        plans.Outcome(
            goal_id=goal["id"],
            status=GoalStatus(given["status"]),
            effectiveness=given["effect"],
            comment=given["comment"],
        )
        for goal, given in zip(draft["goals"], draft["answers"], strict=True)
    ]
    try:
        async with context.services.db.session() as session:
            verdict = await _verify(session, context, "plan.review")
            if verdict is None:
                plan = await plans.get_plan(session, draft["plan"])
                review, following = await plans.record_review(
                    session,
                    plan=plan,
                    reviewer_id=actor.id,
                    outcomes=outcomes,
                    summary=draft["summary"],
                    today=today,
                    now=now,
                )
                await audit.record(
                    session,
                    "plan.review",
                    now=now,
                    actor_id=actor.id,
                    subject_type="plan",
                    subject_id=plan.id,
                    client_id=plan.client_id,
                    detail={
                        "review": review.id,
                        "version": plan.version,
                        "next_plan": following.id,
                        "next_review_on": following.next_review_on.isoformat(),
                    },
                )
    except (plans.PlanChanged, ValueError):
        verdict = (texts.REVIEW_CHANGED, True, True)
    if verdict is not None:
        return await _refused(update, context, *verdict)
    ref = ClientRef.from_json(draft["client"])
    await answer(update, texts.REVIEW_SAVED_TOAST)
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.PLAN_OPEN, callback_data=pack("cf", "plan", ref.id))]]
    )
    text = texts.review_saved(
        plan.version,
        following.version,
        ref.code,
        ref.name,
        len(following.goals),
        texts.plan_day(following.next_review_on),
    )
    await present(update, context, draft, text, keyboard)
    context.user_data.pop(DRAFT, None)
    return ConversationHandler.END


def handler(timeout_minutes: int) -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND

    def buttons(*actions: str) -> str:
        return pattern(PREFIX) + "(" + "|".join(actions) + "):"

    def back() -> CallbackQueryHandler:
        return CallbackQueryHandler(back_pressed, pattern=buttons("back"))

    return conversation(
        PREFIX,
        entry_points=[
            CommandHandler("review", start),
            CallbackQueryHandler(from_button, pattern=card_pattern("review")),
            CallbackQueryHandler(from_button, pattern=buttons("start")),
        ],
        states={
            RESUME: [CallbackQueryHandler(resume_chosen, pattern=buttons("resume"))],
            CLIENT: [
                CallbackQueryHandler(client_pressed, pattern=buttons("client")),
                *typed_client_step(PREFIX, CLIENT, client_chosen),
            ],
            STATUS: [CallbackQueryHandler(status_pressed, pattern=buttons("st")), back()],
            EFFECT: [CallbackQueryHandler(effect_pressed, pattern=buttons("ef")), back()],
            COMMENT: [
                CallbackQueryHandler(comment_pressed, pattern=buttons("skip", "keep")),
                back(),
                MessageHandler(text, comment_typed),
                MessageHandler(other, text_expected),
            ],
            SUMMARY: [
                CallbackQueryHandler(summary_kept, pattern=buttons("keep")),
                back(),
                MessageHandler(text, summary_typed),
                MessageHandler(other, text_expected),
            ],
            CONFIRM: [CallbackQueryHandler(save_pressed, pattern=buttons("save")), back()],
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
    )
