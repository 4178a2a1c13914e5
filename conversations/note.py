"""/note — a progress note in three taps plus the text.

    /note ─► CLIENT ─(tap/typed)─► KIND ─(tap)─► COMPOSE ◄──────────────┐
                                                  │ text/voice/photo ─┘ (appended)
                                                  ├─ 🕒 When ─► WHEN ─(tap/typed)─┐
                                                  ├─ ⚠ Risk ─► RISK ─(reason)─────┤
                                                  ├─ 🎯 Goals ─► GOALS ─(toggle, Done)┤
                                                  ├─ DAP ─► DAP_DATA ─► DAP_ASSESSMENT ─► DAP_PLAN ┤
                                                  ├─ ✏️ Replace ─► REPLACE ─(text)─┘
                                                  └─ ✅ Save ─► END (card shows Amend / Open client)
    /note C-0042 Home visit, pantry empty … ─► saved at once, with ↩ Undo for 60 s
    /cancel or ✖ anywhere ─► END, nothing saved

The draft lives in user_data["note"] (persisted after every update). A draft left
idle for CASELINE_CONVERSATION_TIMEOUT minutes is kept aside and offered back on the
next /note — also after a restart, since the idle check uses the stored time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.reminders.alerts import alert_risk, deliver_soon
from conversations import drafts
from conversations.common import confirm_saved, conversation, text_expected
from conversations.pickers import (
    ClientRef,
    ask_client,
    card_pattern,
    client_from_press,
    client_step,
    moment_from_stamp,
    moment_from_text,
    search_typed,
)
from storage import audit, clients, notes, plans, saved_drafts
from storage.models import Client, InteractionType, Note
from storage.notes import Attachment
from storage.workers import Actor
from ui import texts
from ui.callbacks import pack, pattern, unpack
from ui.context import CaselineContext, zone_of
from ui.replies import answer, edit_pressed, remove_keyboard
from ui.splitting import html_pages
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
) = range(11)
PREFIX = "nt"
DRAFT = "note"
PREVIEW = 300
REASON_MAX = 500
# One-liner: the leading words that name the interaction type.
KIND_WORDS = {
    "home visit": InteractionType.HOME_VISIT,
    "visit": InteractionType.HOME_VISIT,
    "office": InteractionType.OFFICE,
    "phone": InteractionType.PHONE,
    "call": InteractionType.PHONE,
    "video": InteractionType.VIDEO,
    "collateral": InteractionType.COLLATERAL,
    "supervision": InteractionType.SUPERVISION,
}
ONE_LINER_DEFAULT = InteractionType.HOME_VISIT
# The same one-line note again within this time is a resend, kept once.
RESEND_WINDOW = timedelta(minutes=10)


def _draft(context: CaselineContext) -> dict[str, Any]:
    return context.user_data.setdefault(DRAFT, {})


def _button(label: str, action: str, arg: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, arg))


# ── entry ──────────────────────────────────────────────────────────────────────


async def start(update: Update, context: CaselineContext) -> int:
    context.require_actor()
    if context.args:
        return await _start_with_args(update, context, " ".join(context.args))
    kept = drafts.kept(context, DRAFT)
    if kept:
        ref = ClientRef.from_json(kept["client"])
        keyboard = InlineKeyboardMarkup(
            [[_button(texts.RESUME, "resume", "yes"), _button(texts.DISCARD, "resume", "no")]]
        )
        await update.effective_message.reply_text(
            texts.note_draft_kept(ref.code, ref.name, len(_text_of(kept))), reply_markup=keyboard
        )
        return RESUME
    context.user_data[DRAFT] = {}
    await ask_client(update, context, PREFIX, texts.NOTE_ASK_CLIENT)
    return CLIENT


async def from_card(update: Update, context: CaselineContext) -> int:
    ref = await client_from_press(update, context)
    if ref is None:
        return ConversationHandler.END
    context.user_data[DRAFT] = {}
    return await _client_chosen(update, context, ref)


async def resume_chosen(update: Update, context: CaselineContext) -> int:
    choice = unpack(update.callback_query.data).arg
    kept = drafts.take(context, DRAFT)
    await answer(update)
    if choice == "yes" and kept:
        context.user_data[DRAFT] = kept
        await remove_keyboard(update)
        return await _show_card(update, context)
    context.user_data[DRAFT] = {}
    await update.callback_query.edit_message_text(texts.DRAFT_DISCARDED)
    await ask_client(update, context, PREFIX, texts.NOTE_ASK_CLIENT)
    return CLIENT


async def _start_with_args(update: Update, context: CaselineContext, args: str) -> int:
    first, _, rest = args.partition(" ")
    if clients.parse_code(first) is not None and rest.strip():
        return await _one_liner(update, context, first, rest.strip())
    context.user_data[DRAFT] = {}
    ref = await _client_from_words(update, context, args)
    if ref is None:
        return CLIENT
    return await _client_chosen(update, context, ref)


async def _client_from_words(
    update: Update, context: CaselineContext, words: str
) -> ClientRef | None:
    found = await search_typed(context, words)
    if len(found) == 1:
        return ClientRef.of(found[0])
    await ask_client(update, context, PREFIX, texts.NOTE_ASK_CLIENT)
    return None


# ── client and kind ────────────────────────────────────────────────────────────


async def _client_chosen(update: Update, context: CaselineContext, ref: ClientRef) -> int:
    _draft(context)["client"] = ref.to_json()
    kinds = list(texts.INTERACTION_NAMES.items())
    rows = [
        [_button(label, "kind", kind) for kind, label in kinds[index : index + 2]]
        for index in range(0, len(kinds), 2)
    ]
    rows.append([_button(texts.CANCEL, "cancel")])
    await update.effective_message.reply_text(
        texts.note_ask_kind(ref.code, ref.name), reply_markup=InlineKeyboardMarkup(rows)
    )
    return KIND


async def kind_pressed(update: Update, context: CaselineContext) -> int:
    kind = unpack(update.callback_query.data).arg
    if kind not in set(InteractionType):
        await answer(update, texts.STALE_BUTTON)
        return KIND
    await answer(update)
    _draft(context)["kind"] = kind
    await remove_keyboard(update)
    return await _show_card(update, context)


# ── composing ──────────────────────────────────────────────────────────────────


def _text_of(draft: dict[str, Any]) -> str:
    return "\n\n".join(draft.get("parts", []))


async def text_added(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    text = update.effective_message.text or ""
    if len(_text_of(draft)) + len(text) > notes.TEXT_MAX:
        await update.effective_message.reply_text(texts.note_too_long(notes.TEXT_MAX))
        return COMPOSE
    draft.setdefault("parts", []).append(text)
    return await _show_card(update, context)


async def attachment_added(update: Update, context: CaselineContext) -> int:
    message = update.effective_message
    media = message.voice or message.audio or message.document or (message.photo or [None])[-1]
    kind = (
        "voice"
        if message.voice
        else "audio"
        if message.audio
        else "document"
        if message.document
        else "photo"
    )
    if media is None:
        await message.reply_text(texts.NOTE_WHAT_WORKS)
        return COMPOSE
    draft = _draft(context)
    draft.setdefault("attachments", []).append(
        {
            "kind": kind,
            "file_id": media.file_id,
            "file_unique_id": media.file_unique_id,
            "caption": message.caption,
        }
    )
    return await _show_card(update, context)


async def unsupported_in_compose(update: Update, context: CaselineContext) -> int:
    await update.effective_message.reply_text(texts.NOTE_WHAT_WORKS)
    return COMPOSE


def _card(draft: dict[str, Any], zone, now: datetime) -> tuple[str, InlineKeyboardMarkup]:
    ref = ClientRef.from_json(draft["client"])
    kind = texts.INTERACTION_NAMES[InteractionType(draft["kind"])]
    when = (
        short_datetime(datetime.fromisoformat(draft["when"]), zone)
        if draft.get("when")
        else texts.NOW
    )
    lines = [f"<b>{texts.NOTE_DRAFT} · {ref.code} · {escape(ref.name)}</b>", f"{kind} · {when}"]
    if draft.get("risk"):
        lines.append(f"⚠ {texts.RISK}: {escape(draft['risk'])}")
    if draft.get("goals"):
        lines.append(f"🎯 {texts.goals_count(len(draft['goals']))}")
    if draft.get("attachments"):
        lines.append(f"📎 {texts.attachments_count(len(draft['attachments']))}")
    if draft.get("dap"):
        labels = (texts.DAP_DATA, texts.DAP_ASSESSMENT, texts.DAP_PLAN)
        for label, part in zip(labels, draft["dap"], strict=False):
            lines.append(f"<b>{label}:</b> {escape(_preview(part))}")
    # Every render, with Save or without: an older card must not match this one.
    revision = drafts.revise(draft)
    body = _text_of(draft)
    if body:
        lines.append("")
        lines.append(escape(_preview(body)))
        if len(body) > PREVIEW:
            lines.append(f"<i>{texts.characters(len(body))}</i>")
    else:
        lines.append("")
        lines.append(texts.NOTE_TYPE_IT)
    rows = []
    if _ready(draft):
        rows.append([_button(texts.SAVE, "save", revision)])
    rows.append(
        [
            _button(texts.WHEN, "when"),
            _button(texts.RISK_BUTTON, "risk"),
            _button(texts.GOALS, "goals"),
        ]
    )
    rows.append(
        [
            _button(texts.DAP, "dap"),
            _button(texts.REPLACE_TEXT, "replace"),
            _button(texts.CANCEL, "cancel"),
        ]
    )
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _ready(draft: dict[str, Any]) -> bool:
    return bool(_text_of(draft) or draft.get("attachments") or draft.get("dap"))


def _preview(text: str) -> str:
    return text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"


async def _show_card(update: Update, context: CaselineContext) -> int:
    """One live card: the previous card loses its buttons, a fresh one goes below."""
    draft = _draft(context)
    text, keyboard = _card(draft, zone_of(context), context.services.clock.now())
    query = update.callback_query
    if (
        query is not None
        and query.message is not None
        and query.message.message_id == draft.get("card")
    ):
        await edit_pressed(query, text, keyboard)
        return COMPOSE
    old = draft.get("card")
    if old:
        try:
            await context.bot.edit_message_reply_markup(
                update.effective_chat.id, old, reply_markup=None
            )
        except BadRequest:
            pass  # already gone or unchanged: nothing to tidy
    sent = await update.effective_message.reply_text(text, reply_markup=keyboard)
    draft["card"] = sent.message_id
    return COMPOSE


# ── card buttons ───────────────────────────────────────────────────────────────


async def card_pressed(update: Update, context: CaselineContext) -> int:
    action = unpack(update.callback_query.data).action
    draft = _draft(context)
    if "client" not in draft or "kind" not in draft:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    if action == "save":
        return await save(update, context)
    await answer(update)
    if action == "when":
        keyboard = InlineKeyboardMarkup(
            [
                [_button(label, "ago", minutes) for label, minutes in texts.WHEN_CHOICES],
                [_button(texts.BACK, "back")],
            ]
        )
        await update.effective_message.reply_text(texts.NOTE_ASK_WHEN, reply_markup=keyboard)
        return WHEN
    if action == "risk":
        if draft.get("risk"):
            draft.pop("risk")
            return await _show_card(update, context)
        await update.effective_message.reply_text(texts.NOTE_ASK_RISK)
        return RISK
    if action == "goals":
        return await _ask_goals(update, context)
    if action == "dap":
        await update.effective_message.reply_text(texts.DAP_ASK_DATA)
        return DAP_DATA
    if action == "replace":
        await update.effective_message.reply_text(texts.NOTE_ASK_REPLACE)
        return REPLACE
    return COMPOSE


async def when_pressed(update: Update, context: CaselineContext) -> int:
    pressed = unpack(update.callback_query.data)
    await answer(update)
    if pressed.action == "ago":
        minutes = pressed.int_arg()
        if minutes is None or minutes > 7 * 24 * 60:
            return WHEN
        now = context.services.clock.now()
        _draft(context)["when"] = (
            None if minutes == 0 else (now - timedelta(minutes=minutes)).isoformat()
        )
    await remove_keyboard(update)
    return await _show_card(update, context)


async def when_typed(update: Update, context: CaselineContext) -> int:
    parsed = await moment_from_text(update, context, PREFIX, "past")
    if parsed is None:
        return WHEN
    if parsed.moment > context.services.clock.now():
        await update.effective_message.reply_text(texts.NOTE_WHEN_FUTURE)
        return WHEN
    _draft(context)["when"] = parsed.moment.isoformat()
    return await _show_card(update, context)


async def when_option_pressed(update: Update, context: CaselineContext) -> int:
    moment = moment_from_stamp(update, context)
    await answer(update)
    if moment is None:
        return WHEN
    if moment > context.services.clock.now():
        await update.effective_message.reply_text(texts.NOTE_WHEN_FUTURE)
        return WHEN
    _draft(context)["when"] = moment.isoformat()
    await remove_keyboard(update)
    return await _show_card(update, context)


async def risk_typed(update: Update, context: CaselineContext) -> int:
    reason = " ".join((update.effective_message.text or "").split())
    if not reason:
        await update.effective_message.reply_text(texts.NOTE_ASK_RISK)
        return RISK
    _draft(context)["risk"] = reason[:REASON_MAX]
    return await _show_card(update, context)


async def _ask_goals(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    ref = ClientRef.from_json(draft["client"])
    async with context.services.db.session() as session:
        goals = await plans.active_goals(session, ref.id)
    if not goals:
        await update.effective_message.reply_text(texts.NO_ACTIVE_GOALS)
        return COMPOSE
    chosen = set(draft.get("goals", []))
    rows = [
        [_button(("☑ " if goal.id in chosen else "☐ ") + goal.description[:36], "goal", goal.id)]
        for goal in goals
    ]
    rows.append([_button(texts.DONE, "goalsdone")])
    text = texts.NOTE_ASK_GOALS
    if (
        update.callback_query
        and update.callback_query.message
        and unpack(update.callback_query.data).action == "goal"
    ):
        await update.callback_query.edit_message_text(text, reply_markup=InlineKeyboardMarkup(rows))
    else:
        await update.effective_message.reply_text(text, reply_markup=InlineKeyboardMarkup(rows))
    return GOALS


async def goal_toggled(update: Update, context: CaselineContext) -> int:
    goal_id = unpack(update.callback_query.data).int_arg()
    draft = _draft(context)
    ref = ClientRef.from_json(draft["client"])
    async with context.services.db.session() as session:
        allowed = {goal.id for goal in await plans.active_goals(session, ref.id)}
    if goal_id not in allowed:
        await answer(update, texts.STALE_BUTTON)
        return GOALS
    await answer(update)
    chosen = set(draft.get("goals", []))
    chosen ^= {goal_id}
    draft["goals"] = sorted(chosen)
    return await _ask_goals(update, context)


async def goals_done(update: Update, context: CaselineContext) -> int:
    await answer(update)
    await remove_keyboard(update)
    return await _show_card(update, context)


async def dap_data(update: Update, context: CaselineContext) -> int:
    _draft(context)["dap_wip"] = [update.effective_message.text or ""]
    await update.effective_message.reply_text(texts.DAP_ASK_ASSESSMENT)
    return DAP_ASSESSMENT


async def dap_assessment(update: Update, context: CaselineContext) -> int:
    _draft(context).setdefault("dap_wip", [""]).append(update.effective_message.text or "")
    await update.effective_message.reply_text(texts.DAP_ASK_PLAN)
    return DAP_PLAN


async def dap_plan(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    parts = draft.pop("dap_wip", ["", ""]) + [update.effective_message.text or ""]
    draft["dap"] = (parts + ["", "", ""])[:3]
    return await _show_card(update, context)


async def replace_typed(update: Update, context: CaselineContext) -> int:
    _draft(context)["parts"] = [update.effective_message.text or ""]
    return await _show_card(update, context)


async def back_pressed(update: Update, context: CaselineContext) -> int:
    await answer(update)
    await remove_keyboard(update)
    return await _show_card(update, context)


# ── saving ─────────────────────────────────────────────────────────────────────


async def save(update: Update, context: CaselineContext) -> int:
    actor = context.require_actor()
    draft = dict(_draft(context))
    if not drafts.shows(draft, unpack(update.callback_query.data).int_arg()):
        await answer(update, texts.CARD_OUTDATED, alert=True)
        await remove_keyboard(update)
        return await _show_card(update, context)
    if not _ready(draft):
        await answer(update, texts.NOTE_NOTHING_TO_SAVE, alert=True)
        return COMPOSE
    ref = ClientRef.from_json(draft["client"])
    services = context.services
    now = services.clock.now()
    occurred = datetime.fromisoformat(draft["when"]) if draft.get("when") else now
    token = draft.get(drafts.TOKEN)
    async with services.db.session() as session:
        client = await clients.get_visible(session, actor, ref.id)
        note_id = await saved_drafts.saved_as(session, actor.id, token, "note")
        risk = False  # when saved before a crash, its alert went out with it
        if client is not None and note_id is None:
            note = await _create(session, context, client, draft, occurred, now)
            note_id, risk = note.id, note.risk_flag
    if client is None:
        await answer(update, texts.CLIENT_GONE, alert=True)
        return COMPOSE

    async def confirm() -> None:
        await answer(update, texts.NOTE_SAVED_TOAST)
        await _show_saved(update, context, note_id, ref, draft, occurred, undo=False)

    if risk:
        await deliver_soon(context)
    return await confirm_saved(update, context, confirm, DRAFT)


async def _create(session, context: CaselineContext, client, draft, occurred, now):
    """The note, its audit line, its risk alert and the draft's receipt: one transaction."""
    actor = context.require_actor()
    note = await notes.create_note(
        session,
        client=client,
        author_id=actor.id,
        interaction_type=InteractionType(draft["kind"]),
        occurred_at=occurred,
        text=_text_of(draft),
        now=now,
        dap=tuple(draft["dap"]) if draft.get("dap") else None,
        risk_reason=draft.get("risk"),
        goal_ids=draft.get("goals", []),
        attachments=[Attachment(**item) for item in draft.get("attachments", [])],
    )
    await _audit_saved(session, actor.id, note, now)
    saved_drafts.remember(session, actor.id, draft.get(drafts.TOKEN), "note", note.id, now)
    if note.risk_flag:
        await alert_risk(
            session,
            note_id=note.id,
            client=client,
            author=actor,
            reason=note.risk_reason or "",
            now=now,
            private=context.services.settings.private_previews,
        )
    return note


async def _audit_saved(session, actor_id: int, note, now: datetime) -> None:
    await audit.record(
        session,
        "note.create",
        now=now,
        actor_id=actor_id,
        subject_type="note",
        subject_id=note.id,
        client_id=note.client_id,
        detail={"risk": note.risk_flag},
    )


async def _show_saved(
    update: Update,
    context: CaselineContext,
    note_id: int,
    ref: ClientRef,
    draft: dict[str, Any],
    occurred: datetime,
    *,
    undo: bool,
    already: bool = False,
) -> None:
    kind = texts.INTERACTION_NAMES[InteractionType(draft["kind"])]
    saved = texts.note_already_saved if already else texts.note_saved
    header = saved(note_id, ref.code, ref.name, kind, short_datetime(occurred, zone_of(context)))
    if draft.get("risk"):
        header += f"\n⚠ {texts.RISK}: {escape(draft['risk'])}"
    pages = html_pages(header, _text_of(draft))
    row = [
        InlineKeyboardButton(texts.AMEND, callback_data=pack("am", "start", note_id)),
        InlineKeyboardButton(texts.OPEN_CLIENT, callback_data=pack("cl", "o", ref.id)),
    ]
    if undo:
        row.insert(0, InlineKeyboardButton(texts.UNDO, callback_data=pack("nu", "undo", note_id)))
    keyboard = InlineKeyboardMarkup([row])
    query = update.callback_query
    for index, page in enumerate(pages):
        markup = keyboard if index == len(pages) - 1 else None
        if index == 0 and query is not None and query.message is not None:
            await query.edit_message_text(page, reply_markup=markup)
        else:
            await update.effective_message.reply_text(page, reply_markup=markup)


async def record_one_liner(
    session,
    actor: Actor,
    client_id: int | None,
    kind: InteractionType,
    text: str,
    now: datetime,
) -> tuple[Client | None, Note | None, bool]:
    """A one-line note's unit of work: (client, note, whether it was already saved), or
    (None, None, False) and an audited refusal for a code naming none of the actor's
    clients."""
    client = await clients.get_visible(session, actor, client_id) if client_id else None
    if client is None:
        await audit.refused(
            session,
            "note.create",
            now=now,
            actor_id=actor.id,
            subject_type="client",
            subject_id=client_id,
        )
        return None, None, False
    # A one-liner has no draft to recognise a resend by (the worker sending it again after
    # the bot went quiet, a phone retrying): the same text, kind and client by the same
    # author a few minutes ago is that resend.
    note = await notes.same_recent(
        session,
        author_id=actor.id,
        client_id=client.id,
        kind=kind,
        text=text,
        since=now - RESEND_WINDOW,
    )
    if note is not None:
        return client, note, True
    note = await notes.create_note(
        session,
        client=client,
        author_id=actor.id,
        interaction_type=kind,
        occurred_at=now,
        text=text,
        now=now,
    )
    await _audit_saved(session, actor.id, note, now)
    return client, note, False


async def _one_liner(update: Update, context: CaselineContext, code: str, rest: str) -> int:
    actor = context.require_actor()
    services = context.services
    now = services.clock.now()
    kind, text = _split_kind(rest)
    async with services.db.session() as session:
        client, note, already = await record_one_liner(
            session, actor, clients.parse_code(code), kind, text, now
        )
        ref = ClientRef.of(client) if client is not None else None
    if client is None:
        await update.effective_message.reply_text(texts.client_not_found(code))
        return ConversationHandler.END
    draft = {"kind": kind, "parts": [text]}
    undo = now - note.created_at < notes.UNDO_WINDOW
    return await confirm_saved(
        update,
        context,
        lambda: _show_saved(
            update, context, note.id, ref, draft, note.occurred_at, undo=undo, already=already
        ),
    )


def _split_kind(text: str) -> tuple[InteractionType, str]:
    lowered = text.lower()
    for words, kind in sorted(KIND_WORDS.items(), key=lambda item: -len(item[0])):
        if lowered.startswith(words) and (
            len(lowered) == len(words) or not lowered[len(words)].isalnum()
        ):
            remainder = text[len(words) :].lstrip(" ,:;-—")
            return kind, remainder or text
    return ONE_LINER_DEFAULT, text


# ── undo and amend (buttons on a saved note, outside the conversation) ───────


async def undo_pressed(update: Update, context: CaselineContext) -> None:
    actor = context.require_actor()
    note_id = unpack(update.callback_query.data).int_arg()
    now = context.services.clock.now()
    async with context.services.db.session() as session:
        note, client = await notes.get_visible(session, actor, note_id) or (None, None)
        refused = note is None or client is None or note.author_id != actor.id
        if refused:
            await audit.refused(
                session,
                "note.retract",
                now=now,
                actor_id=actor.id,
                subject_type="note",
                subject_id=note_id,
                client_id=client.id if client else None,
            )
        else:
            undone = await notes.retract(session, note, client, now=now)
            if undone:
                await audit.record(
                    session,
                    "note.retract",
                    now=now,
                    actor_id=actor.id,
                    subject_type="note",
                    subject_id=note.id,
                    client_id=client.id,
                )
    if refused:
        await answer(update, texts.NOT_ALLOWED, alert=True)
        return
    if not undone:
        await answer(update, texts.UNDO_TOO_LATE, alert=True)
        return
    await answer(update, texts.NOTE_UNDONE_TOAST)
    await update.callback_query.edit_message_text(texts.note_undone(client.code))


def handler(timeout_minutes: int) -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    media = filters.VOICE | filters.AUDIO | filters.PHOTO | filters.Document.ALL
    other = ~filters.COMMAND
    card = CallbackQueryHandler(
        card_pressed, pattern=rf"^{PREFIX}:(save|when|risk|goals|dap|replace):"
    )
    return conversation(
        PREFIX,
        entry_points=[
            CommandHandler("note", start),
            CallbackQueryHandler(from_card, pattern=card_pattern("note")),
        ],
        states={
            RESUME: [CallbackQueryHandler(resume_chosen, pattern=pattern(PREFIX) + "resume:")],
            CLIENT: client_step(PREFIX, CLIENT, _client_chosen),
            KIND: [
                CallbackQueryHandler(kind_pressed, pattern=pattern(PREFIX) + "kind:"),
                MessageHandler(other, text_expected),
            ],
            COMPOSE: [
                card,
                MessageHandler(text, text_added),
                MessageHandler(media, attachment_added),
                MessageHandler(other, unsupported_in_compose),
            ],
            WHEN: [
                CallbackQueryHandler(when_pressed, pattern=pattern(PREFIX) + "(ago|back):"),
                CallbackQueryHandler(when_option_pressed, pattern=pattern(PREFIX) + "at:"),
                MessageHandler(text, when_typed),
                MessageHandler(other, text_expected),
            ],
            RISK: [MessageHandler(text, risk_typed), MessageHandler(other, text_expected)],
            GOALS: [
                CallbackQueryHandler(goal_toggled, pattern=pattern(PREFIX) + "goal:"),
                CallbackQueryHandler(goals_done, pattern=pattern(PREFIX) + "goalsdone:"),
            ],
            DAP_DATA: [MessageHandler(text, dap_data), MessageHandler(other, text_expected)],
            DAP_ASSESSMENT: [
                MessageHandler(text, dap_assessment),
                MessageHandler(other, text_expected),
            ],
            DAP_PLAN: [MessageHandler(text, dap_plan), MessageHandler(other, text_expected)],
            REPLACE: [MessageHandler(text, replace_typed), MessageHandler(other, text_expected)],
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
        text_key="parts",
    )


def button_handlers() -> list:
    return [CallbackQueryHandler(undo_pressed, pattern=pattern("nu"))]
