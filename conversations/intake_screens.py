"""The intake's live message, and its end: skipped questions, summary, finish, goals.

    OFFER "You skipped 3 questions — answer them now?" ─(✍)─► the questions over those only
    SUMMARY ─(✅ Finish intake)─► status active ─► GOALS (tick proposed goals) ─► END

Only one message has live buttons: the current screen (its id is in the draft); a press
on any older one is refused as stale. Every screen reads the record through
`domain.usecases.intake` and every change goes through it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from datetime import date
from html import escape
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ConversationHandler

from conversations.intake_steps import (
    DRAFT,
    SUMMARY_CONTACTS,
    IntakeDraft,
    button,
    consent_line,
    day,
    short,
    title,
)
from conversations.live import present
from domain.results import Gone
from domain.usecases import intake as usecase
from storage import intake as store
from storage.kinds import ClientStatus
from ui import privacy, texts, views
from ui.callbacks import unpack
from ui.context import CaselineContext, zone_of
from ui.replies import answer

RESUME, QUESTION, OFFER, SUMMARY, GOALS = range(5)

Step = Callable[[Update, CaselineContext, IntakeDraft], Awaitable[int]]


def with_draft(callback: Step) -> Callable[[Update, CaselineContext], Coroutine[Any, Any, int]]:
    """Hand a step the typed draft, and store it back (or drop it, once closed) when the
    step is done."""

    async def step(update: Update, context: CaselineContext) -> int:
        existed = DRAFT in context.user_data
        draft = IntakeDraft.from_json(context.user_data.get(DRAFT))
        try:
            return await callback(update, context, draft)
        finally:
            stored = draft.to_json()
            if draft.closed or (not existed and stored == IntakeDraft().to_json()):
                # Ended, or never begun (a refused resume): nothing to keep.
                context.user_data.pop(DRAFT, None)
            else:
                context.user_data[DRAFT] = stored

    step.__name__ = callback.__name__
    return step


async def send(
    update: Update,
    context: CaselineContext,
    draft: IntakeDraft,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
    *,
    fresh: bool = False,
) -> None:
    """Edit the live message after a press on it; else strip its buttons and send anew."""
    draft.msg = await present(
        update, context, draft.msg, text, keyboard, new=fresh, kept_in=DRAFT, field="msg"
    )


async def strip(update: Update) -> None:
    query = update.callback_query
    if query is not None and query.message is not None:
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest:
            pass  # already without buttons


def is_live(update: Update, draft: IntakeDraft) -> bool:
    query = update.callback_query
    return query is not None and query.message is not None and query.message.message_id == draft.msg


async def gone(update: Update, context: CaselineContext, draft: IntakeDraft) -> int:
    draft.close()
    if update.callback_query is not None:
        await answer(update, texts.GONE, alert=True)
    await update.effective_message.reply_text(texts.GONE)
    return ConversationHandler.END


# ── the end: skipped questions, summary, finishing, goals ─────────────────────


async def show_offer(
    update: Update, context: CaselineContext, draft: IntakeDraft, *, fresh: bool = False
) -> int:
    pending = draft.pending()
    text = texts.skipped_offer(len(pending)) + "\n" + ", ".join(title(step) for step in pending)
    keyboard = InlineKeyboardMarkup(
        [
            [button(texts.ANSWER_NOW, "now")],
            [button(texts.TO_SUMMARY, "summary")],
            [button(texts.BACK, "back"), button(texts.CANCEL, "cancel")],
        ]
    )
    await send(update, context, draft, text, keyboard, fresh=fresh)
    return OFFER


async def show_summary(
    update: Update, context: CaselineContext, draft: IntakeDraft, *, fresh: bool = False
) -> int:
    ref = draft.client
    found = (
        await usecase.intake_file(context.services, context.require_actor(), ref.id)
        if ref
        else Gone()
    )
    if isinstance(found, Gone) or found.value.client.status != ClientStatus.INTAKE:
        return await gone(update, context, draft)
    client, people, consent = found.value.client, found.value.contacts, found.value.consent
    lines = [texts.summary_title(client.code, privacy.client_name(client))]
    if client.date_of_birth:
        years = store.age_on(client.date_of_birth, _today(context))
        lines.append(f"{title('date_of_birth')}: {day(client.date_of_birth)} ({texts.age(years)})")
    for field in ("phone", "address", "emergency_contact"):
        value = getattr(client, field)
        if value:
            lines.append(f"{title(field)}: {escape(short(value))}")
    spoken = texts.language_line(client.language, client.interpreter)
    if spoken:
        lines.append(f"{title('language')}: {spoken}")
    lines.append(f"{title('program')}: {texts.PROGRAM_NAMES.get(client.program, '')}")
    if client.living_situation:
        living = texts.LIVING_NAMES.get(client.living_situation, client.living_situation)
        lines.append(f"{title('living_situation')}: {escape(short(living))}")
    lines.append(f"\n<b>{texts.NEEDS_TITLE}</b>")
    for domain in store.proposed_goals(client.needs):
        need = client.needs[domain]
        line = f"{texts.NEED_MARKS[need['level']]} {texts.NEED_NAMES[domain]}"
        if need.get("note"):
            line += f" — {escape(short(need['note']))}"
        lines.append(line)
    no_need = [
        texts.NEED_NAMES[domain]
        for domain in store.NEED_DOMAINS
        if (client.needs or {}).get(domain, {}).get("level") == "none"
    ]
    if no_need:
        lines.append(texts.needs_none(no_need))
    lines.append(f"\n<b>{texts.PEOPLE_TITLE}</b>")
    lines += [
        texts.contact_line(person.relation, short(person.name), person.phone)
        for person in people[:SUMMARY_CONTACTS]
    ] or [texts.PEOPLE_NONE]
    if len(people) > SUMMARY_CONTACTS:
        lines.append(texts.and_more(len(people) - SUMMARY_CONTACTS))
    zone = zone_of(context)
    consent_text = consent_line(consent, zone) if consent else texts.CONSENT_NONE
    lines.append(f"\n<b>{texts.CONSENT_TITLE}:</b> {consent_text}")
    pending = draft.pending()
    if pending:
        lines.append("\n" + texts.unanswered([title(step) for step in pending]))
    lines.append("\n" + texts.SUMMARY_HINT)
    rows = [[button(texts.FINISH, "finish")]]
    if pending:
        rows.append([button(f"{texts.ANSWER_NOW} ({len(pending)})", "now")])
    rows.append([button(texts.BACK, "back"), button(texts.CANCEL, "cancel")])
    await send(update, context, draft, "\n".join(lines), InlineKeyboardMarkup(rows), fresh=fresh)
    return SUMMARY


def _today(context: CaselineContext) -> date:
    return context.services.clock.now().astimezone(zone_of(context)).date()


async def finish(update: Update, context: CaselineContext, draft: IntakeDraft) -> int:
    ref = draft.client
    if ref is None:
        return await gone(update, context, draft)
    finished = await usecase.finish_intake(
        context.services, context.require_actor(), ref.id, unanswered=len(draft.pending())
    )
    if isinstance(finished, Gone):
        return await gone(update, context, draft)
    await answer(update, texts.SAVED_TOAST)
    await strip(update)
    if not finished.value.proposals:
        draft.close()
        await update.effective_message.reply_text(texts.finished(ref.code))
        return ConversationHandler.END
    draft.stage = "goals"
    draft.proposals = finished.value.proposals
    draft.ticked = finished.value.urgent
    return await show_goals(update, context, draft, lead=texts.finished(ref.code), fresh=True)


async def show_goals(
    update: Update,
    context: CaselineContext,
    draft: IntakeDraft,
    *,
    lead: str = "",
    fresh: bool = False,
) -> int:
    ref = draft.client
    ticked = set(draft.ticked)
    listed, labels = views.goal_choices(
        [(texts.GOAL_FOR_NEED[domain], domain in ticked) for domain in draft.proposals]
    )
    rows = [
        [button(label, "goal", domain)]
        for label, domain in zip(labels, draft.proposals, strict=True)
    ]
    rows.append([button(texts.SAVE_GOALS, "save"), button(texts.NO_GOALS, "nogoals")])
    text = f"{texts.propose_goals(ref.code if ref else '')}\n\n{listed}"
    shown = f"{lead}\n\n{text}" if lead else text
    await send(update, context, draft, shown, InlineKeyboardMarkup(rows), fresh=fresh)
    return GOALS


@with_draft
async def goals_pressed(update: Update, context: CaselineContext, draft: IntakeDraft) -> int:
    if not is_live(update, draft) or draft.client is None:
        await answer(update, texts.STALE_BUTTON)
        return GOALS
    pressed = unpack(update.callback_query.data)
    if pressed.action == "goal" and pressed.arg in draft.proposals:
        await answer(update)
        ticked = set(draft.ticked) ^ {pressed.arg}
        draft.ticked = [domain for domain in draft.proposals if domain in ticked]
        return await show_goals(update, context, draft)
    if pressed.action == "nogoals":
        await answer(update)
        draft.close()
        await update.callback_query.edit_message_text(texts.no_goals(draft.client.code))
        return ConversationHandler.END
    if pressed.action == "save":
        if not draft.ticked:
            await answer(update, texts.PICK_GOALS, alert=True)
            return GOALS
        return await _save_goals(update, context, draft)
    await answer(update, texts.STALE_BUTTON)
    return GOALS


async def _save_goals(update: Update, context: CaselineContext, draft: IntakeDraft) -> int:
    ref = draft.client
    assert ref is not None
    goals = [texts.GOAL_FOR_NEED[domain] for domain in draft.ticked]
    saved = await usecase.save_intake_goals(
        context.services, context.require_actor(), ref.id, goals
    )
    if isinstance(saved, Gone):
        return await gone(update, context, draft)
    await answer(update, texts.SAVED_TOAST)
    draft.close()
    await update.callback_query.edit_message_text(texts.plan_saved(ref.code, goals))
    return ConversationHandler.END
