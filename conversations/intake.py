"""/intake — a guided, resumable intake interview that creates a client in status intake.

    /intake ─► RESUME ─(▶ C-0042 … | ➕ Start a new one)─┐  (only when an intake is kept
    /intake Maria Gonzalez ──────────────────────────────┤   aside or still in progress)
    cf:intake:<client id> (client card button) ──────────┤
                                                          ▼
    QUESTION, one step after the other (each: answer · ⏭ Skip · ◀ Back · ✖ Cancel):
      name (one of the worker's clients has it: 👤 Open C-xxxx ─► its card, END ·
            ➕ Add a new one anyway ─► on) ─► date_of_birth ─► phone ─► address
      ─► emergency_contact ─► program (buttons)
      ─► living_situation (buttons | typed | Other… ─► typed)
      ─► need.medical … need.daily_living (No need | Some need | 🔴 Urgent ─► optional note)
      ─► contacts (Family | Caregiver | Provider | Other ─► name ─► phone, again … ✅ Done)
      ─► consent (✅ Given | 🚫 Refused ─► scope ─► expiry (given only) | ⏳ Later)
                                                          ▼
    OFFER "You skipped 3 questions — answer them now?" ─(✍)─► QUESTION over those only
                                                          ▼
    SUMMARY ─(✅ Finish intake)─► status active ─► GOALS (tick proposed goals) ─► END
    /cancel or ✖ anywhere ─► END; every answer given so far stays saved; /intake resumes

Rooms: the questions are a table (conversations/intake_steps.py: one row per question —
what it asks, how an answer is read, where it is stored), the live message and the end
screens are conversations/intake_screens.py, every read and write of the record is a use
case (domain/usecases/intake.py). This module is the driver: it reads a press or a text,
asks the current row what that means, and carries it out.

Decisions:
- The client row is created the moment the name is given (status `intake`, the actor as
  worker, program "other" until asked) and every answer is written to it at once, each
  with an `intake.answer` audit event naming the step (never the answer). Needs go to
  `Client.needs` as {domain: {"level": "none|some|urgent", "note": "…"}}, people to
  `ClientContact` rows (saved when the name is typed; the phone is added after), consent
  through `storage.consents.record` (refused: once the scope is known; given: once the
  expiry is known). Each write re-checks that the actor may still see the client and that
  it is still in intake.
- The dialog's place is a typed draft (`intake_steps.IntakeDraft`) stored in
  user_data["intake"] (persisted after every update): the
  route (all steps, or only the unanswered ones when answering them at the end), the
  position in it, the phase inside a step (a need's note, a contact's name or phone, the
  consent's scope or expiry), which steps are answered, and the id of the one message whose
  buttons are live — presses on any older message are refused as stale.
- "Skipped" is not a list of its own: a step is pending until it has an answer, so a
  skipped question, consent left for "later" and a question nobody reached are the same
  thing; the end offers them once ("answer them now?") and the summary lists them.
  ⏭ Skip on a step that already has an answer keeps it (so ◀ Back to look is harmless).
- The name is required (it makes the record): its question has no ⏭ Skip until saved.
  In a phase, ⏭ means "none": no note, no phone, no expiry; ◀ Back in a phase returns to
  the start of the step; from the first phase to the previous step.
- Idle for CASELINE_CONVERSATION_TIMEOUT minutes: the common idle guard keeps the draft
  aside; a text sent at that moment is kept in the draft ("late") and offered back as a
  📥 button on the question it answered. /cancel keeps the draft aside too (the intake is
  saved as far as it got). /intake then offers to resume it, and lists the worker's other
  clients still in intake (their place is rebuilt from what the record holds), or starts a
  new one. `cf:intake:<id>` (a client card button) resumes that client's intake when it is
  still in intake, after `clients.get_visible`; every resume, allowed or refused, is
  audited as `intake.resume`.
- Dates are read by the shared date picker's reader (pickers.read_day, ui.dates.parse_when),
  with the intake's rules as its parameters. Dates of birth: d/m/yyyy (m/d/yyyy when
  CASELINE_DATE_ORDER=MDY; "." and "-" work too), yyyy-mm-dd or "24 Dec 1950", a four-digit
  year, not in the future, age at most 120. Consent expiry: 6 months, 1 year, none, or a
  typed date (four-digit year) after today and within 10 years.
- Finishing sets the status to active (`intake.finish`), then proposes one first goal per
  need marked some or urgent (urgent first, and pre-ticked); the ticked ones are stored as
  a draft plan (`storage.intake.create_draft_plan`: `Plan(status="draft")` + `Goal` rows,
  or added to the client's draft plan if one exists; audited as `plan.create`) for the
  plan dialog to take over.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from conversations import drafts
from conversations.common import ACTIVE, conversation, use_buttons
from conversations.intake_screens import (
    GOALS,
    OFFER,
    QUESTION,
    RESUME,
    SUMMARY,
    finish,
    goals_pressed,
    gone,
    is_live,
    send,
    show_goals,
    show_offer,
    show_summary,
    strip,
    with_draft,
)
from conversations.intake_steps import (
    DRAFT,
    PREFIX,
    STEP_OF,
    STEPS,
    Asking,
    Begin,
    IntakeDraft,
    Outcome,
    Phase,
    Reading,
    Save,
    Say,
    Skip,
    button,
    clean,
    read_birth_date,
    read_expiry,
    read_phone,
)
from conversations.pickers import ClientRef
from domain.results import Gone, Refused, Stale
from domain.usecases import intake as usecase
from domain.usecases.clients import clients_called
from domain.usecases.intake import FieldAnswer
from storage import intake as store
from storage.models import ClientContact
from ui import privacy, texts
from ui.callbacks import pattern, read_id, unpack
from ui.client_card import show_client
from ui.context import CaselineContext, date_order_of, zone_of
from ui.replies import answer
from ui.views import rows_that_fit, same_name_offer

# What tests and other rooms read here: the questions' keys, the readers, the storage.
__all__ = ["STEPS", "handler", "read_birth_date", "read_expiry", "read_phone", "store"]

CARD_PATTERN = r"^cf:intake:"
# The name step's phase while a client by that name is already the worker's.
SAME_NAME = "same"
RESUME_CHOICES = 5


def _today(context: CaselineContext) -> date:
    return context.services.clock.now().astimezone(zone_of(context)).date()


def _reading(context: CaselineContext, draft: IntakeDraft) -> Reading:
    return Reading(
        step=draft.step or "",
        phase=draft.phase,
        sub=draft.sub,
        has_client=draft.client is not None,
        today=_today(context),
        order=date_order_of(context),
    )


# ── entry and resuming ─────────────────────────────────────────────────────────


@with_draft
async def start(update: Update, context: CaselineContext, draft: IntakeDraft) -> int:
    if context.user_data.get(ACTIVE) == PREFIX and context.user_data.get(DRAFT):
        return await _show(update, context, draft, fresh=True)  # /intake mid-way
    actor = context.require_actor()
    if draft.client is not None and not drafts.kept(context, DRAFT):
        drafts.put(context, DRAFT, draft.to_json())
    draft.close()  # a draft left in place is stale: kept aside above, or dropped
    if context.args:
        draft.become(IntakeDraft())
        reading = _reading(context, draft)
        outcome = STEP_OF["name"].reads(reading, clean(" ".join(context.args)))
        return await _carry(update, context, draft, outcome)
    kept = IntakeDraft.from_json(drafts.kept(context, DRAFT))
    kept_ref = kept.client
    kept_client, in_progress = await usecase.resume_choices(
        context.services,
        actor,
        kept_ref.id if kept_ref else None,
        kept_goals=kept.stage == "goals",
        limit=RESUME_CHOICES,
    )
    if kept_ref and kept_client is None:
        drafts.take(context, DRAFT)  # finished or reassigned meanwhile: nothing to resume
        kept_ref = None
    refs = [kept_ref] if kept_ref else []
    refs += [
        ClientRef.of(client) for client in in_progress if client.id not in {r.id for r in refs}
    ]
    refs = refs[:RESUME_CHOICES]
    if not refs:
        draft.become(IntakeDraft())
        return await _show(update, context, draft)
    rows = [
        [button(texts.resume_button(ref.code, privacy.client_name(ref)), "resume", ref.id)]
        for ref in refs
    ]
    rows.append([button(texts.START_NEW, "new"), button(texts.CANCEL, "cancel")])
    await update.effective_message.reply_text(
        texts.resume_offer([(ref.code, privacy.client_name(ref)) for ref in refs]),
        reply_markup=InlineKeyboardMarkup(rows),
    )
    return RESUME


@with_draft
async def resume_pressed(update: Update, context: CaselineContext, draft: IntakeDraft) -> int:
    client_id = read_id(unpack(update.callback_query.data).arg)
    resumed = await _resume(update, context, draft, client_id, strip_pressed=True)
    return RESUME if resumed is None else resumed


@with_draft
async def new_pressed(update: Update, context: CaselineContext, draft: IntakeDraft) -> int:
    await answer(update)
    await strip(update)
    draft.become(IntakeDraft())
    return await _show(update, context, draft)


@with_draft
async def from_card(update: Update, context: CaselineContext, draft: IntakeDraft) -> int:
    """A client card's "intake" button: resume that client's intake, if it is ours to."""
    client_id = read_id(unpack(update.callback_query.data).arg)
    resumed = await _resume(update, context, draft, client_id, strip_pressed=False)
    return ConversationHandler.END if resumed is None else resumed


async def _resume(
    update: Update,
    context: CaselineContext,
    draft: IntakeDraft,
    client_id: int | None,
    *,
    strip_pressed: bool,
) -> int | None:
    kept = drafts.kept(context, DRAFT)
    kept_here = kept if kept and (kept.get("client") or {}).get("id") == client_id else None
    resumed = await usecase.resume_intake(
        context.services,
        context.require_actor(),
        client_id,
        goals_pending=kept_here is not None and kept_here.get("stage") == "goals",
        rebuild=kept_here is None,
    )
    if isinstance(resumed, Refused):
        await answer(update, texts.CLIENT_GONE, alert=True)
        return None
    if isinstance(resumed, Stale):
        await answer(update, texts.not_in_intake(resumed.current.code), alert=True)
        return None
    await answer(update)
    client, done = resumed.value.client, resumed.value.answered
    if done is not None:
        # Its place was not kept: rebuilt from the record, at its first open step.
        place = IntakeDraft()
        place.answered = [step for step in STEPS if step in done]
        place.pos = next((i for i, step in enumerate(STEPS) if step not in done), len(STEPS))
    else:
        place = IntakeDraft.from_json(drafts.take(context, DRAFT))
    place.client = ClientRef.of(client)
    draft.become(place)
    if strip_pressed:
        await strip(update)
    return await _show(update, context, draft)


# ── showing the current screen ─────────────────────────────────────────────────


async def _show(
    update: Update,
    context: CaselineContext,
    draft: IntakeDraft,
    *,
    lead: str = "",
    fresh: bool = False,
) -> int:
    if draft.stage == "offer":
        return await show_offer(update, context, draft, fresh=fresh)
    if draft.stage == "summary":
        return await show_summary(update, context, draft, fresh=fresh)
    if draft.stage == "goals":
        return await show_goals(update, context, draft, lead=lead, fresh=fresh)
    if draft.step is None:
        draft.stage = "summary" if draft.review or not draft.pending() else "offer"
        return await _show(update, context, draft, lead=lead, fresh=fresh)
    if draft.phase == SAME_NAME:
        return await _show_same_name(update, context, draft, fresh=fresh)
    built = await _question(context, draft)
    if built is None:
        return await gone(update, context, draft)
    text, keyboard = built
    await send(update, context, draft, f"{lead}\n{text}" if lead else text, keyboard, fresh=fresh)
    return QUESTION


async def _show_same_name(
    update: Update, context: CaselineContext, draft: IntakeDraft, *, fresh: bool = False
) -> int:
    """The name given is one of the worker's clients' already (domain clients_called,
    as /newclient asks): 👤 Open it, ➕ Add a new one anyway, or ✖ Cancel."""
    name = draft.sub.name or ""
    same = await clients_called(context.services, context.require_actor(), name)
    if not same:  # gone from the caseload meanwhile: nothing to ask any more
        return await _carry(update, context, draft, Begin(name))
    offer = same_name_offer(PREFIX, same)
    await send(
        update, context, draft, f"{texts.NEW_INTAKE}\n{offer.text}", offer.keyboard, fresh=fresh
    )
    return QUESTION


async def _same_name_pressed(
    update: Update, context: CaselineContext, draft: IntakeDraft, action: str, arg: str
) -> int:
    """👤 Open C-xxxx: that card instead of a new record (re-checked and audited by the
    card's use case), the intake ends; ➕ Add anyway: the record is made as asked."""
    if action == "open":
        draft.close()
        await show_client(update, context, read_id(arg))
        return ConversationHandler.END
    return await _carry(update, context, draft, Begin(draft.sub.name or ""))


async def _question(
    context: CaselineContext, draft: IntakeDraft
) -> tuple[str, InlineKeyboardMarkup] | None:
    step = draft.step or ""
    row = STEP_OF[step]
    ref = draft.client
    found = None
    if ref is not None:
        read = await usecase.intake_file(
            context.services,
            context.require_actor(),
            ref.id,
            contacts=step == "contacts",
            consent=step == "consent",
        )
        if isinstance(read, Gone):
            return None
        found = read.value
    if found is None or ref is None:
        lines = [texts.NEW_INTAKE]
    else:
        progress = texts.review_progress if draft.review else texts.progress
        lines = [
            progress(
                ref.code,
                privacy.client_name(found.client),
                draft.pos + 1,
                len(draft.route),
                row.title,
            )
        ]
    question = row.asks(
        Asking(
            step=step,
            phase=draft.phase,
            sub=draft.sub,
            answered=draft.answered,
            client=found.client if found else None,
            people=found.contacts if found else [],
            consent=found.consent if found else None,
            today=_today(context),
            order=date_order_of(context),
            zone=zone_of(context),
        )
    )
    lines += question.lines
    rows = list(question.rows)
    late = [text for text in draft.late if not text.startswith("/")]
    if late and row.takes_text(draft.phase):
        rows.insert(0, [button(texts.late_button(late[-1]), "late")])
    nav = []
    if draft.pos > 0 or draft.phase:
        nav.append(button(texts.BACK, "back"))
    if question.skip:
        nav.append(button(question.skip, "skip"))
    nav.append(button(texts.CANCEL, "cancel"))
    rows += rows_that_fit(nav)
    return "\n".join(lines), InlineKeyboardMarkup(rows)


# ── answers: what the row says an answer means, carried out ───────────────────


async def _carry(
    update: Update, context: CaselineContext, draft: IntakeDraft, outcome: Outcome
) -> int:
    pressed = update.callback_query is not None
    if isinstance(outcome, Say):
        await update.effective_message.reply_text(outcome.text)
        return QUESTION
    if isinstance(outcome, Skip):
        answered = draft.step in draft.answered
        await answer(update, texts.KEPT_TOAST if answered else texts.SKIPPED_TOAST)
        return await _advance(update, context, draft)
    if isinstance(outcome, Begin):
        if draft.phase != SAME_NAME:
            same = await clients_called(context.services, context.require_actor(), outcome.name)
            if same:
                # Likely someone on the caseload already: ask before a second record.
                await answer(update)
                draft.phase, draft.sub = SAME_NAME, Phase(name=outcome.name)
                return await _show(update, context, draft)
        started = await usecase.start_intake(
            context.services, context.require_actor(), outcome.name
        )
        draft.client = ClientRef.of(started.value)
        draft.mark_answered("name")
        return await _advance(update, context, draft, lead=texts.started(draft.client.code))
    then = outcome.then if isinstance(outcome, Save) else outcome
    if isinstance(outcome, Save):
        ref = draft.client
        saved = await usecase.answer_intake(
            context.services, context.require_actor(), ref.id if ref else None, outcome.answer
        )
        if isinstance(saved, Gone):
            return await gone(update, context, draft)
        draft.mark_answered(outcome.answer.step)
        given = outcome.answer
        if isinstance(given, FieldAnswer) and given.field == "name" and ref is not None:
            draft.client = ClientRef(ref.id, ref.code, str(given.value))
        if isinstance(saved.value, ClientContact) and then.sub is not None:
            # The phone step that follows needs the new contact's id.
            then = replace(then, sub=replace(then.sub, contact_id=saved.value.id))
        if outcome.adaptive and pressed:
            then = replace(then, lead="", toast=texts.SAVED_TOAST)
    if then.done and draft.step:
        draft.mark_answered(draft.step)
    if pressed:
        await answer(update, then.toast or None)
    if then.phase is None:
        return await _advance(update, context, draft, lead=then.lead)
    return await _phase(update, context, draft, then.phase, then.sub, lead=then.lead)


async def _advance(
    update: Update, context: CaselineContext, draft: IntakeDraft, *, lead: str = ""
) -> int:
    draft.pos += 1
    draft.phase = ""
    draft.sub = Phase()
    return await _show(update, context, draft, lead=lead)


async def _phase(
    update: Update,
    context: CaselineContext,
    draft: IntakeDraft,
    phase: str,
    sub: Phase | None,
    *,
    lead: str = "",
) -> int:
    draft.phase = phase
    if not phase:
        draft.sub = Phase()
    elif sub is not None:
        merged = draft.sub.to_json() | sub.to_json()
        draft.sub = Phase.from_json(merged)
    return await _show(update, context, draft, lead=lead)


@with_draft
async def typed(update: Update, context: CaselineContext, draft: IntakeDraft) -> int:
    draft.late = []
    return await _typed_answer(update, context, draft, update.effective_message.text or "")


async def _typed_answer(
    update: Update, context: CaselineContext, draft: IntakeDraft, raw: str
) -> int:
    step, message = draft.step, update.effective_message
    if step is None:
        return await _show(update, context, draft, fresh=True)
    row = STEP_OF[step]
    if not row.takes_text(draft.phase):
        await message.reply_text(texts.USE_BUTTONS)
        return QUESTION
    value = clean(raw)
    limit = row.texts_in[draft.phase]
    if not value:
        await message.reply_text(texts.EMPTY_ANSWER)
        return QUESTION
    if len(value) > limit:
        await message.reply_text(texts.too_long(limit, len(value)))
        return QUESTION
    return await _carry(update, context, draft, row.reads(_reading(context, draft), value))


@with_draft
async def pressed(update: Update, context: CaselineContext, draft: IntakeDraft) -> int:
    """A button on the live question: an answer, ⏭, ◀, or 📥 (the text sent late)."""
    if not is_live(update, draft):
        await answer(update, texts.STALE_BUTTON)
        return QUESTION
    late = [text for text in draft.late if not text.startswith("/")]
    draft.late = []
    choice = unpack(update.callback_query.data)
    if choice.action == "late" and late:
        await answer(update, texts.LATE_USED)
        return await _typed_answer(update, context, draft, late[-1])
    if choice.action in ("open", "anyway") and draft.phase == SAME_NAME and draft.sub.name:
        return await _same_name_pressed(update, context, draft, choice.action, choice.arg)
    if choice.action == "back":
        return await _back(update, context, draft)
    if choice.action == "skip":
        return await _skip(update, context, draft)
    if choice.action == "v":
        row = STEP_OF.get(draft.step or "")
        outcome = row.chooses(_reading(context, draft), choice.arg) if row else None
        if outcome is None:
            await answer(update, texts.STALE_BUTTON)
            return QUESTION
        return await _carry(update, context, draft, outcome)
    await answer(update, texts.STALE_BUTTON)
    return await _show(update, context, draft)


async def _back(update: Update, context: CaselineContext, draft: IntakeDraft) -> int:
    if draft.phase:
        await answer(update)
        return await _phase(update, context, draft, "", None)
    if draft.pos > 0:
        await answer(update)
        draft.pos -= 1
        draft.sub = Phase()
        return await _show(update, context, draft)
    await answer(update, texts.STALE_BUTTON)
    return QUESTION


async def _skip(update: Update, context: CaselineContext, draft: IntakeDraft) -> int:
    step = draft.step or ""
    if step == "name" and draft.client is None:
        await answer(update, texts.STALE_BUTTON)
        return QUESTION
    row = STEP_OF.get(step)
    outcome = row.skips(_reading(context, draft)) if row else Skip()
    return await _carry(update, context, draft, outcome)


@with_draft
async def not_text(update: Update, context: CaselineContext, draft: IntakeDraft) -> int:
    """A sticker, photo or the like: say what this question takes."""
    step = draft.step
    takes_text = step is not None and STEP_OF[step].takes_text(draft.phase)
    await update.effective_message.reply_text(
        texts.TYPE_ANSWER if takes_text else texts.USE_BUTTONS
    )
    return QUESTION


@with_draft
async def end_pressed(update: Update, context: CaselineContext, draft: IntakeDraft) -> int:
    """Buttons of the skipped-questions offer and of the summary."""
    current = OFFER if draft.stage == "offer" else SUMMARY
    if not is_live(update, draft):
        await answer(update, texts.STALE_BUTTON)
        return current
    action = unpack(update.callback_query.data).action
    pending = draft.pending()
    if action == "now" and pending:
        await answer(update)
        draft.route, draft.pos, draft.phase, draft.sub = pending, 0, "", Phase()
        draft.review, draft.stage = True, "ask"
        return await _show(update, context, draft)
    if action == "summary" and current == OFFER:
        await answer(update)
        draft.stage = "summary"
        return await _show(update, context, draft)
    if action == "back":
        await answer(update)
        draft.route, draft.pos, draft.phase, draft.sub = list(STEPS), len(STEPS) - 1, "", Phase()
        draft.review, draft.stage = False, "ask"
        return await _show(update, context, draft)
    if action == "finish" and current == SUMMARY:
        return await finish(update, context, draft)
    await answer(update, texts.STALE_BUTTON)
    return current


# ── leaving ────────────────────────────────────────────────────────────────────


@with_draft
async def cancel(update: Update, context: CaselineContext, draft: IntakeDraft) -> int:
    """/cancel or ✖: what was answered stays saved; the place is kept for /intake."""
    ref = draft.client
    draft.close()
    if draft.stage == "goals" and ref:
        text = texts.no_goals(ref.code)
    elif ref:
        draft.late = []
        kept = draft.to_json() | {"kept_at": context.services.clock.now().isoformat()}
        drafts.replace_kept(context, DRAFT, kept)
        text = texts.cancelled_kept(ref.code)
    else:
        text = texts.CANCELLED
    await answer(update)
    query = update.callback_query
    if query is not None and query.message is not None:
        await query.edit_message_text(text)
        return ConversationHandler.END
    if draft.msg:
        try:
            await context.bot.edit_message_reply_markup(
                update.effective_chat.id, draft.msg, reply_markup=None
            )
        except BadRequest:
            pass  # already without buttons
    await update.effective_message.reply_text(text)
    return ConversationHandler.END


def handler(timeout_minutes: int) -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND

    def leaving(*handlers: Any) -> list[Any]:
        # Ahead of the common fallbacks: our /cancel keeps what was saved.
        return [
            CommandHandler("cancel", cancel),
            CallbackQueryHandler(cancel, pattern=pattern(PREFIX) + "cancel:"),
            *handlers,
        ]

    return conversation(
        PREFIX,
        entry_points=[
            CommandHandler("intake", start),
            CallbackQueryHandler(from_card, pattern=CARD_PATTERN),
        ],
        states={
            RESUME: [
                CommandHandler("cancel", cancel),
                CallbackQueryHandler(cancel, pattern=pattern(PREFIX) + "cancel:"),
                CallbackQueryHandler(resume_pressed, pattern=pattern(PREFIX) + "resume:"),
                CallbackQueryHandler(new_pressed, pattern=pattern(PREFIX) + "new:"),
                MessageHandler(other, use_buttons),
            ],
            QUESTION: leaving(
                CallbackQueryHandler(pressed, pattern=pattern(PREFIX)),
                MessageHandler(text, typed),
                MessageHandler(other, not_text),
            ),
            OFFER: leaving(
                CallbackQueryHandler(end_pressed, pattern=pattern(PREFIX)),
                MessageHandler(other, use_buttons),
            ),
            SUMMARY: leaving(
                CallbackQueryHandler(end_pressed, pattern=pattern(PREFIX)),
                MessageHandler(other, use_buttons),
            ),
            GOALS: leaving(
                CallbackQueryHandler(goals_pressed, pattern=pattern(PREFIX)),
                MessageHandler(other, use_buttons),
            ),
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
        text_key="late",
        reshows=True,
    )
