"""/review — walk the active plan's goals one by one, sum up, and make the next version.

    /review [C-0042|name] ─► CLIENT ─(tap/typed)─┐
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

Every check and the save are use cases of domain/usecases/plans.py (start_review,
check_review, save_review); this module opens no database session.

The walk lives in user_data["review"] as a typed `ReviewDraft` (persisted after every
update), so a restart
mid-review resumes at the same goal; left idle, it is kept aside and the next /review
offers it back. Every press is re-checked on the server: the client must still be
visible, the plan still the active one, and the goal the one being reviewed; a goal id
that is not this plan's is refused and audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
from conversations.live import present
from conversations.pickers import (
    ClientRef,
    ask_client,
    card_pattern,
    client_step,
    open_from_args,
)
from domain.results import Gone, Refused, Saved, Stale
from domain.usecases import plans as plan_cases
from domain.usecases.plans import GoalStatus, ReviewSubject
from ui import callbacks, privacy, texts
from ui.callbacks import pack, pattern, unpack
from ui.context import CaselineContext, zone_of
from ui.plan_views import RecapRow, goal_details, recap_text
from ui.replies import answer

RESUME, CLIENT, STATUS, EFFECT, COMMENT, SUMMARY, CONFIRM = range(7)
PREFIX = "rv"
DRAFT = "review"
BAD_ID = -1  # what an unreadable id becomes: it matches nothing and is refused
# The walk's steps as the draft names them; the first three are per goal.
STEP_STATES = {"status": STATUS, "effect": EFFECT, "comment": COMMENT}
STATES = {**STEP_STATES, "summary": SUMMARY, "confirm": CONFIRM}
BLOCKED = {
    plan_cases.CASE_CLOSED: lambda subject: texts.review_case_closed(subject.client.code),
    plan_cases.NO_PLAN_YET: lambda subject: texts.review_no_plan(subject.client.code),
    plan_cases.DRAFT_ONLY: lambda subject: texts.review_draft_only(
        subject.client.code, subject.plan.version
    ),
}


def read_id(text: str) -> int:
    """A button's id, or BAD_ID for anything that cannot be one of ours (forged data)."""
    value = callbacks.read_id(text)
    return BAD_ID if value is None else value


# ── the typed draft ────────────────────────────────────────────────────────────


@dataclass(slots=True)
class ReviewGoal:
    """A goal of the plan under review, as it stood when the review began."""

    id: int
    description: str
    measure: str | None
    target: date | None
    routine: str | None
    status: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "description": self.description,
            "measure": self.measure,
            "target": self.target.isoformat() if self.target else None,
            "routine": self.routine,
            "status": self.status,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReviewGoal:
        target = data.get("target")
        return cls(
            id=int(data["id"]),
            description=str(data["description"]),
            measure=data.get("measure"),
            target=date.fromisoformat(target) if target else None,
            routine=data.get("routine"),
            status=str(data["status"]),
        )


@dataclass(slots=True)
class Answer:
    """What the review says about one goal so far."""

    status: str | None = None
    effect: int | None = None
    comment: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "effect": self.effect, "comment": self.comment}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Answer:
        return cls(data.get("status"), data.get("effect"), data.get("comment"))


@dataclass(slots=True)
class ReviewDraft:
    client: ClientRef | None = None
    plan: int = BAD_ID
    version: int = 0
    interval: int = plan_cases.DEFAULT_INTERVAL_DAYS
    goals: list[ReviewGoal] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    index: int = 0
    step: str = "status"
    summary: str | None = None
    live: int | None = None
    # What conversations/drafts.py keeps in every draft (when touched, its token).
    extra: dict[str, Any] = field(default_factory=dict)

    KEYS = (
        "client",
        "plan",
        "version",
        "interval",
        "goals",
        "answers",
        "index",
        "step",
        "summary",
        "live",
    )

    def to_json(self) -> dict[str, Any]:
        data = dict(self.extra)
        if self.client is None:
            return data
        data.update(
            client=self.client.to_json(),
            plan=self.plan,
            version=self.version,
            interval=self.interval,
            goals=[goal.to_json() for goal in self.goals],
            answers=[given.to_json() for given in self.answers],
            index=self.index,
            step=self.step,
            summary=self.summary,
        )
        if self.live is not None:
            data["live"] = self.live
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ReviewDraft:
        """Also reads the dict drafts written before drafts were typed (same keys)."""
        data = data or {}
        extra = {key: value for key, value in data.items() if key not in cls.KEYS}
        if not data.get("client"):
            return cls(live=data.get("live"), extra=extra)
        return cls(
            client=ClientRef.from_json(data["client"]),
            plan=int(data.get("plan", BAD_ID)),
            version=int(data.get("version", 0)),
            interval=int(data.get("interval", plan_cases.DEFAULT_INTERVAL_DAYS)),
            goals=[ReviewGoal.from_json(goal) for goal in data.get("goals", [])],
            answers=[Answer.from_json(given) for given in data.get("answers", [])],
            index=int(data.get("index", 0)),
            step=str(data.get("step", "status")),
            summary=data.get("summary"),
            live=data.get("live"),
            extra=extra,
        )

    @property
    def current_goal(self) -> ReviewGoal | None:
        """The goal being asked about now (None at the summary and the recap)."""
        if self.step in STEP_STATES and self.index < len(self.goals):
            return self.goals[self.index]
        return None

    @property
    def state(self) -> int:
        return STATES.get(self.step, STATUS)

    @property
    def done(self) -> int:
        """How many goals were answered (for the offer of a kept walk)."""
        return self.index if self.step in STEP_STATES else len(self.goals)


def _load(context: CaselineContext) -> ReviewDraft:
    return ReviewDraft.from_json(context.user_data.get(DRAFT))


def _store(context: CaselineContext, draft: ReviewDraft) -> None:
    context.user_data[DRAFT] = draft.to_json()


def _client_id(draft: ReviewDraft) -> int:
    return draft.client.id if draft.client is not None else BAD_ID


def _button(label: str, action: str, arg: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, arg))


def _today(context: CaselineContext) -> date:
    return context.services.clock.now().astimezone(zone_of(context)).date()


# ── entry ──────────────────────────────────────────────────────────────────────


async def start(update: Update, context: CaselineContext) -> int:
    if context.args:
        return await _start_with(update, context, " ".join(context.args))
    if drafts.kept(context, DRAFT):
        return await _offer_kept(update, context)
    context.user_data[DRAFT] = {}
    await ask_client(update, context, PREFIX, texts.REVIEW_ASK_CLIENT)
    return CLIENT


async def _start_with(update: Update, context: CaselineContext, words: str) -> int:
    context.user_data[DRAFT] = {}
    return await open_from_args(
        update, context, PREFIX, words, texts.REVIEW_ASK_CLIENT, _begin, CLIENT
    )


async def from_button(update: Update, context: CaselineContext) -> int:
    """🔎 on a client card (`cf:review:<client id>`) or ▶ Start review (`rv:start:<id>`)."""
    chosen = read_id(unpack(update.callback_query.data).arg)
    kept = drafts.kept(context, DRAFT)
    if kept and _client_id(ReviewDraft.from_json(kept)) == chosen:
        await answer(update)
        return await _offer_kept(update, context)
    return await _begin(update, context, chosen) or ConversationHandler.END


async def _offer_kept(update: Update, context: CaselineContext) -> int:
    kept = ReviewDraft.from_json(drafts.kept(context, DRAFT))
    assert kept.client is not None
    context.user_data[DRAFT] = {}
    keyboard = InlineKeyboardMarkup(
        [[_button(texts.RESUME, "resume", "yes"), _button(texts.DISCARD, "resume", "no")]]
    )
    await update.effective_message.reply_text(
        texts.review_kept(
            kept.client.code, privacy.client_name(kept.client), kept.done, len(kept.goals)
        ),
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
    refusal = await _check(context, _load(context))
    if refusal is not None:
        return await _refused(update, context, refusal)
    await answer(update)
    return await _show(update, context, _load(context), new=True)


async def client_chosen(update: Update, context: CaselineContext, ref: ClientRef) -> int:
    return await _begin(update, context, ref.id, picked=True) or CLIENT


async def _begin(
    update: Update, context: CaselineContext, chosen: int, *, picked: bool = False
) -> int | None:
    """Start walking the client's active plan; None when the client is not visible
    (refused and audited), END when there is nothing to review. A press on the client
    picker (`picked`) was answered by the picker already."""
    subject = await plan_cases.start_review(context.services, context.require_actor(), chosen)
    if not isinstance(subject, ReviewSubject):
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
    blocker = subject.blocker
    if blocker is not None:
        await update.effective_message.reply_text(BLOCKED[blocker](subject))
        context.user_data.pop(DRAFT, None)
        return ConversationHandler.END
    plan = subject.plan
    assert plan is not None
    draft = ReviewDraft(
        client=ClientRef.of(subject.client),
        plan=plan.id,
        version=plan.version,
        interval=plan.review_interval_days,
        goals=[
            ReviewGoal(
                goal.id, goal.description, goal.measure, goal.target_date, goal.routine, goal.status
            )
            for goal in plan.goals
        ],
        answers=[Answer() for _ in plan.goals],
        step="status" if plan.goals else "summary",
    )
    return await _show(update, context, draft, new=True)


# ── the server-side check every press goes through ───────────────────────────

Refusal = Refused | Gone | Stale[int]


async def _check(
    context: CaselineContext, draft: ReviewDraft, *, goal_id: int | None = None
) -> Refusal | None:
    """None when the press may go ahead (domain/usecases/plans.py: check_review)."""
    current = draft.current_goal
    return await plan_cases.check_review(
        context.services,
        context.require_actor(),
        _client_id(draft),
        draft.plan,
        goal_id=goal_id,
        current_goal_id=current.id if current is not None else None,
    )


def _words(draft: ReviewDraft, refusal: Refusal) -> tuple[str, bool, bool]:
    """(toast, alert, end the dialog) for a refusal."""
    if isinstance(refusal, Refused):
        if refusal.subject == "client":
            return texts.CLIENT_GONE, True, True
        return texts.NOT_ALLOWED, True, False  # a goal id that is not this plan's
    if isinstance(refusal, Gone):
        if refusal.subject == "case" and draft.client is not None:
            return texts.review_case_closed(draft.client.code), True, True
        return texts.REVIEW_CHANGED, True, True
    return texts.REVIEW_NOT_CURRENT_TOAST, False, False


async def _refused(update: Update, context: CaselineContext, refusal: Refusal) -> int:
    draft = _load(context)
    toast, alert, end = _words(draft, refusal)
    if update.callback_query is not None:
        await answer(update, toast, alert=alert)
    if end:
        if update.callback_query is None or alert:
            await update.effective_message.reply_text(toast)
        context.user_data.pop(DRAFT, None)
        return ConversationHandler.END
    return draft.state


# ── showing the step ───────────────────────────────────────────────────────────


async def _show(
    update: Update, context: CaselineContext, draft: ReviewDraft, *, new: bool = False
) -> int:
    """Show the walk's current step as the live message, and store the draft."""
    if draft.step in STEP_STATES:
        text, keyboard = _goal_step(draft)
    elif draft.step == "summary":
        text, keyboard = _summary_step(draft)
    else:
        text, keyboard = _recap(draft, _today(context))
    draft.live = await present(update, context, draft.live, text, keyboard, new=new, kept_in=DRAFT)
    _store(context, draft)
    return draft.state


def _goal_step(draft: ReviewDraft) -> tuple[str, InlineKeyboardMarkup]:
    index, step = draft.index, draft.step
    goal, given = draft.goals[index], draft.answers[index]
    assert draft.client is not None
    lines = [
        texts.review_goal(
            index + 1,
            len(draft.goals),
            draft.version,
            draft.client.code,
            goal.description,
            goal_details(goal.measure, goal.target, goal.routine),
            goal.status,
        )
    ]
    rows: list[list[InlineKeyboardButton]] = []
    back = [_button(texts.BACK, "back")]
    if step == "status":
        lines.append(f"\n{texts.REVIEW_ASK_STATUS}")
        buttons = [
            _button(
                ("• " if given.status == status else "") + texts.goal_status_label(status),
                "st",
                f"{goal.id}:{status.value}",
            )
            for status in GoalStatus
        ]
        rows = [buttons[:2], buttons[2:]]
        rows.append((back if index > 0 else []) + [_button(texts.CANCEL, "cancel")])
    else:
        lines.append(texts.review_answer_line(given.status, given.effect))
    if step == "effect":
        lines.append(f"\n{texts.REVIEW_ASK_EFFECT}")
        rows = [
            [
                _button(
                    ("• " if given.effect == score else "") + str(score),
                    "ef",
                    f"{goal.id}:{score}",
                )
                for score in plan_cases.EFFECTIVENESS
            ],
            [_button(texts.REVIEW_SKIP, "ef", f"{goal.id}:0"), *back],
        ]
    if step == "comment":
        if given.comment:
            lines.append(texts.review_current_comment(given.comment))
        lines.append(f"\n{texts.REVIEW_ASK_COMMENT}")
        row = [_button(texts.REVIEW_SKIP, "skip", goal.id)]
        if given.comment:
            row.append(_button(texts.REVIEW_KEEP, "keep", goal.id))
        rows = [row, back]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _summary_step(draft: ReviewDraft) -> tuple[str, InlineKeyboardMarkup]:
    assert draft.client is not None
    text = texts.review_ask_summary(draft.version, draft.client.code, draft.summary)
    if not draft.goals:
        text = f"{texts.REVIEW_NO_GOALS}\n{text}"
    row = []
    if draft.summary:
        row.append(_button(texts.REVIEW_KEEP, "keep", "summary"))
    if draft.goals:
        row.append(_button(texts.BACK, "back"))
    return text, InlineKeyboardMarkup([row, [_button(texts.CANCEL, "cancel")]])


def _recap(draft: ReviewDraft, today: date) -> tuple[str, InlineKeyboardMarkup]:
    assert draft.client is not None
    open_statuses = {status.value for status in plan_cases.OPEN_STATUSES}
    text = recap_text(
        draft.version,
        draft.client.code,
        privacy.client_name(draft.client),
        [
            RecapRow(goal.description, given.status or "", given.effect, given.comment)
            for goal, given in zip(draft.goals, draft.answers, strict=True)
        ],
        draft.summary or "",
        sum(1 for given in draft.answers if given.status in open_statuses),
        today + timedelta(days=draft.interval),
    )
    keyboard = InlineKeyboardMarkup(
        [
            [_button(texts.REVIEW_SAVE, "save", draft.plan)],
            [_button(texts.BACK, "back"), _button(texts.CANCEL, "cancel")],
        ]
    )
    return text, keyboard


# ── answering ──────────────────────────────────────────────────────────────────


def _split(arg: str) -> tuple[int, str]:
    raw_id, _, value = arg.partition(":")
    return read_id(raw_id), value


async def status_pressed(update: Update, context: CaselineContext) -> int:
    goal_id, status = _split(unpack(update.callback_query.data).arg)
    if status not in {value.value for value in GoalStatus}:
        await answer(update, texts.STALE_BUTTON)
        return STATUS
    refusal = await _check(context, _load(context), goal_id=goal_id)
    if refusal is not None:
        return await _refused(update, context, refusal)
    await answer(update)
    draft = _load(context)
    draft.answers[draft.index].status = status
    draft.step = "effect"
    return await _show(update, context, draft)


async def effect_pressed(update: Update, context: CaselineContext) -> int:
    goal_id, raw_score = _split(unpack(update.callback_query.data).arg)
    score = read_id(raw_score)
    if score not in (0, *plan_cases.EFFECTIVENESS):
        await answer(update, texts.STALE_BUTTON)
        return EFFECT
    refusal = await _check(context, _load(context), goal_id=goal_id)
    if refusal is not None:
        return await _refused(update, context, refusal)
    await answer(update)
    draft = _load(context)
    draft.answers[draft.index].effect = score or None
    draft.step = "comment"
    return await _show(update, context, draft)


async def comment_typed(update: Update, context: CaselineContext) -> int:
    text = (update.effective_message.text or "").strip()
    if len(text) > plan_cases.COMMENT_MAX:
        await update.effective_message.reply_text(
            texts.plan_too_long(texts.REVIEW_COMMENT_WHAT, plan_cases.COMMENT_MAX, len(text))
        )
        return COMMENT
    refusal = await _check(context, _load(context))
    if refusal is not None:
        return await _refused(update, context, refusal)
    draft = _load(context)
    draft.answers[draft.index].comment = text or None
    return await _next_goal(update, context, draft)


async def comment_pressed(update: Update, context: CaselineContext) -> int:
    """⏭ Skip (no comment) or ↩ Keep it (the comment given before going back)."""
    pressed = unpack(update.callback_query.data)
    refusal = await _check(context, _load(context), goal_id=read_id(pressed.arg))
    if refusal is not None:
        return await _refused(update, context, refusal)
    await answer(update)
    draft = _load(context)
    if pressed.action == "skip":
        draft.answers[draft.index].comment = None
    return await _next_goal(update, context, draft)


async def _next_goal(update: Update, context: CaselineContext, draft: ReviewDraft) -> int:
    draft.index += 1
    if draft.index < len(draft.goals):
        draft.step = "status"
    else:
        draft.index = len(draft.goals) - 1
        draft.step = "summary"
    return await _show(update, context, draft)


async def summary_typed(update: Update, context: CaselineContext) -> int:
    text = (update.effective_message.text or "").strip()
    if len(text) > plan_cases.SUMMARY_MAX:
        await update.effective_message.reply_text(
            texts.plan_too_long(texts.REVIEW_SUMMARY_WHAT, plan_cases.SUMMARY_MAX, len(text))
        )
        return SUMMARY
    draft = _load(context)
    if text:
        draft.summary = text
        draft.step = "confirm"
    return await _show(update, context, draft)


async def summary_kept(update: Update, context: CaselineContext) -> int:
    draft = _load(context)
    await answer(update)
    if draft.summary:
        draft.step = "confirm"
    return await _show(update, context, draft)


async def back_pressed(update: Update, context: CaselineContext) -> int:
    """One answer back, keeping what was given."""
    await answer(update)
    draft = _load(context)
    step = draft.step
    if step == "effect":
        draft.step = "status"
    elif step == "comment":
        draft.step = "effect"
    elif step == "status" and draft.index > 0:
        draft.index -= 1
        draft.step = "comment"
    elif step == "summary" and draft.goals:
        draft.index = len(draft.goals) - 1
        draft.step = "comment"
    elif step == "confirm":
        draft.step = "summary"
    return await _show(update, context, draft)


async def save_pressed(update: Update, context: CaselineContext) -> int:
    draft = _load(context)
    plan_id = read_id(unpack(update.callback_query.data).arg)
    missing = next((index for index, given in enumerate(draft.answers) if not given.status), None)
    if plan_id != draft.plan or draft.step != "confirm" or not draft.summary:
        await answer(update, texts.STALE_BUTTON)
        return draft.state
    if missing is not None:  # cannot happen by walking; a damaged draft goes back there
        await answer(update)
        draft.index, draft.step = missing, "status"
        return await _show(update, context, draft)
    outcomes = [
        plan_cases.Outcome(
            goal_id=goal.id,
            status=GoalStatus(given.status or ""),
            effectiveness=given.effect,
            comment=given.comment,
        )
        for goal, given in zip(draft.goals, draft.answers, strict=True)
    ]
    result = await plan_cases.save_review(
        context.services,
        context.require_actor(),
        _client_id(draft),
        draft.plan,
        outcomes,
        draft.summary,
    )
    if not isinstance(result, Saved):
        return await _refused(update, context, result)
    saved = result.value
    assert draft.client is not None and saved.following.next_review_on is not None
    await answer(update, texts.REVIEW_SAVED_TOAST)
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.PLAN_OPEN, callback_data=pack("cf", "plan", draft.client.id))]]
    )
    text = texts.review_saved(
        saved.plan.version,
        saved.following.version,
        draft.client.code,
        privacy.client_name(draft.client),
        len(saved.following.goals),
        texts.plan_day(saved.following.next_review_on),
    )
    await present(update, context, draft.live, text, keyboard, kept_in=DRAFT)
    context.user_data.pop(DRAFT, None)
    return ConversationHandler.END


def handler(timeout_minutes: int) -> ConversationHandler[Any]:
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND

    def buttons(*actions: str) -> str:
        return pattern(PREFIX) + "(" + "|".join(actions) + "):"

    def back() -> CallbackQueryHandler[Any, Any]:
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
            CLIENT: client_step(PREFIX, CLIENT, client_chosen),
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
