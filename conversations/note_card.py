"""The /note dialog's states, its draft in user_data and its live card, shared by the
dialog's modules (conversations/note.py, conversations/note_people.py)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from conversations.live import present
from conversations.note_draft import NoteDraft
from domain.rules.notes import with_someone
from ui import privacy, texts, views
from ui.callbacks import pack
from ui.context import CaselineContext, zone_of
from ui.replies import answer
from ui.timefmt import short_datetime

(
    CLIENT,
    KIND,
    COMPOSE,
    WHEN,
    RISK,
    GOALS,
    DAP_DATA,
    DAP_ASSESSMENT,
    DAP_PLAN,
    REPLACE,
    RESUME,
    WHO,
    WITH,
) = range(13)
PREFIX = "nt"
DRAFT = "note"
PREVIEW = 300


def draft_of(context: CaselineContext) -> NoteDraft:
    return NoteDraft.from_json(context.user_data.get(DRAFT))


def keep(context: CaselineContext, draft: NoteDraft) -> None:
    context.user_data[DRAFT] = draft.to_json()


def button(label: str, action: str, arg: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, arg))


def card(draft: NoteDraft, zone: ZoneInfo, now: datetime) -> tuple[str, InlineKeyboardMarkup]:
    assert draft.client is not None and draft.kind is not None
    ref = draft.client
    kind = texts.INTERACTION_NAMES[draft.kind]
    when = short_datetime(draft.when, zone, now) if draft.when is not None else texts.NOW
    lines = [
        f"<b>{texts.NOTE_DRAFT} · {escape(privacy.code_and_name(ref))}</b>",
        f"{kind} · {when}",
    ]
    if draft.risk:
        lines.append(f"⚠ {texts.RISK}: {escape(draft.risk)}")
    lines += texts.note_people_lines(
        privacy.client_name(ref) if draft.client_present else None, draft.present, draft.about
    )
    if draft.goals:
        lines.append(f"🎯 {texts.goals_count(len(draft.goals))}")
    if draft.attachments:
        lines.append(f"📎 {texts.attachments_count(len(draft.attachments))}")
    if draft.dap:
        labels = (texts.DAP_DATA, texts.DAP_ASSESSMENT, texts.DAP_PLAN)
        for label, part in zip(labels, draft.dap, strict=False):
            lines.append(f"<b>{label}:</b> {escape(preview(part))}")
    # Every render, with Save or without: an older card must not match this one.
    revision = draft.revise()
    body = draft.text
    if body:
        lines.append("")
        lines.append(escape(preview(body)))
        if len(body) > PREVIEW:
            lines.append(f"<i>{texts.characters(len(body))}</i>")
    else:
        lines.append("")
        lines.append(texts.NOTE_TYPE_IT)
    rows = []
    if draft.ready:
        rows.append([button(texts.SAVE, "save", revision)])
    rows.append(
        [
            button(texts.KIND, "kinds"),
            button(texts.WHEN, "when"),
            button(texts.RISK_BUTTON, "risk"),
        ]
    )
    rows.append(
        [
            button(texts.GOALS, "goals"),
            button(texts.DAP, "dap"),
            button(texts.REPLACE_TEXT, "replace"),
        ]
    )
    people = [button(texts.NOTE_WHO, "who")]
    if with_someone(draft.kind):
        people.append(button(texts.NOTE_WITH_WHOM, "whom"))
    rows.append(people)
    rows.append([button(texts.CANCEL, "cancel")])
    return "\n".join(lines), views.fitted(rows)


def preview(text: str) -> str:
    return text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"


async def show_card(update: Update, context: CaselineContext, draft: NoteDraft) -> int:
    """One live card: the previous card loses its buttons, a fresh one goes below.
    Keeps `draft` (with the card's revision) before anything is sent."""
    text, keyboard = card(draft, zone_of(context), context.services.clock.now())
    keep(context, draft)
    draft.card = await present(
        update, context, draft.card, text, keyboard, kept_in=DRAFT, field="card"
    )
    keep(context, draft)
    return COMPOSE


async def client_gone(update: Update, context: CaselineContext) -> int:
    """The client of a kept draft is no longer the worker's (transferred, another team):
    say so, forget the draft and end the dialog; nothing of the client is shown."""
    context.user_data.pop(DRAFT, None)
    await answer(update)
    await update.effective_message.reply_text(texts.CLIENT_GONE)
    return ConversationHandler.END
