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

The draft is a NoteDraft (conversations/note_draft.py) kept in user_data["note"]
(persisted after every update); ✅ Save is revision-checked by conversations/cards.py
(a Save from an outdated card shows the draft again, as a new card) and calls the
save_note use case, which writes, audits and queues any risk alert in one transaction.
A draft left idle for CASELINE_CONVERSATION_TIMEOUT minutes is kept aside and offered
back on the next /note — also after a restart, since the idle check uses the stored
time; one kept before its kind was chosen asks the kind again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from conversations import cards, drafts, note_loose
from conversations.common import confirm_saved, conversation, text_expected
from conversations.live import present
from conversations.note_draft import NoteDraft, attachment_of
from conversations.note_oneliner import (
    UNDO_PREFIX,
    one_liner,
    saved_note_pressed,
    show_saved,
    split_kind,
)
from conversations.pickers import (
    ClientRef,
    ask_client,
    card_pattern,
    client_from_args,
    client_from_press,
    client_step,
    moment_from_stamp,
    moment_from_text,
    offer_clients,
)
from domain.results import Gone, Invalid, Several
from domain.rules.notes import CHOSEN_KINDS, TEXT_MAX, happened
from domain.usecases import notes as usecases
from domain.usecases.clients import NamedFirst, client_named_first
from storage import clients
from storage.models import InteractionType
from ui import texts, views
from ui.callbacks import pack, pattern, unpack
from ui.context import CaselineContext, deliver_soon, happened_at, zone_of
from ui.replies import answer, remove_keyboard
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


def _draft(context: CaselineContext) -> NoteDraft:
    return NoteDraft.from_json(context.user_data.get(DRAFT))


def _keep(context: CaselineContext, draft: NoteDraft) -> None:
    context.user_data[DRAFT] = draft.to_json()


def _button(label: str, action: str, arg: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, arg))


# ── entry ──────────────────────────────────────────────────────────────────────


async def start(update: Update, context: CaselineContext) -> int:
    context.require_actor()
    if context.args:
        return await _start_with_args(update, context, " ".join(context.args))
    kept = drafts.kept(context, DRAFT)
    if kept:
        draft = NoteDraft.from_json(kept)
        assert draft.client is not None  # only a draft with a client is kept
        keyboard = InlineKeyboardMarkup(
            [[_button(texts.RESUME, "resume", "yes"), _button(texts.DISCARD, "resume", "no")]]
        )
        await update.effective_message.reply_text(
            texts.note_draft_kept(draft.client.code, draft.client.name, len(draft.text)),
            reply_markup=keyboard,
        )
        return RESUME
    _keep(context, NoteDraft())
    await ask_client(update, context, PREFIX, texts.NOTE_ASK_CLIENT)
    return CLIENT


async def from_loose(update: Update, context: CaselineContext) -> int:
    """A client pressed under what was sent outside any dialog (conversations/note_loose.py):
    the note starts with it on its card; ✖ Not a note forgets it."""
    if not unpack(update.callback_query.data).arg:
        await note_loose.drop(update, context)
        return ConversationHandler.END
    ref = await client_from_press(update, context)
    draft = note_loose.take(context) if ref is not None else None
    if ref is None or draft is None:
        if ref is not None:
            await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    await remove_keyboard(update)
    _keep(context, draft)
    return await _client_chosen(update, context, ref)


async def from_card(update: Update, context: CaselineContext) -> int:
    ref = await client_from_press(update, context)
    if ref is None:
        return ConversationHandler.END
    _keep(context, NoteDraft())
    return await _client_chosen(update, context, ref)


async def resume_chosen(update: Update, context: CaselineContext) -> int:
    choice = unpack(update.callback_query.data).arg
    kept = drafts.take(context, DRAFT)
    await answer(update)
    if choice == "yes" and kept:
        draft = NoteDraft.from_json(kept)
        await remove_keyboard(update)
        if draft.client is not None and draft.kind is None:
            # Kept at the kind question: no card yet, ask the kind again.
            _keep(context, draft)
            return await _client_chosen(update, context, draft.client)
        return await _show_card(update, context, draft)
    _keep(context, NoteDraft())
    await update.callback_query.edit_message_text(texts.DRAFT_DISCARDED)
    await ask_client(update, context, PREFIX, texts.NOTE_ASK_CLIENT)
    return CLIENT


async def _start_with_args(update: Update, context: CaselineContext, args: str) -> int:
    first, _, rest = args.partition(" ")
    client_id = clients.parse_code(first)
    if client_id is not None and rest.strip():
        return await one_liner(update, context, first, client_id, rest.strip())
    if client_id is None and rest.strip():
        # `/note Maria phone: left voicemail`: a name instead of the code.
        named = await client_named_first(context.services, context.require_actor(), args)
        if isinstance(named, NamedFirst):
            client = named.client
            return await one_liner(update, context, client.code, client.id, named.rest)
        if isinstance(named, Several):
            # Which Maria? The text waits in the draft, on the card once she is chosen.
            _keep(context, NoteDraft(parts=[split_kind(args.split(maxsplit=1)[1])[1]]))
            await offer_clients(update, PREFIX, named.choices)
            return CLIENT
    _keep(context, NoteDraft())
    ref = await client_from_args(update, context, PREFIX, args, texts.NOTE_ASK_CLIENT)
    if ref is None:
        return CLIENT
    return await _client_chosen(update, context, ref)


# ── client and kind ────────────────────────────────────────────────────────────


async def _client_chosen(update: Update, context: CaselineContext, ref: ClientRef) -> int:
    draft = _draft(context)
    draft.client = ref
    _keep(context, draft)
    await update.effective_message.reply_text(
        texts.note_ask_kind(ref.code, ref.name), reply_markup=_kinds_keyboard()
    )
    return KIND


def _kinds_keyboard() -> InlineKeyboardMarkup:
    kinds = list(texts.INTERACTION_NAMES.items())
    rows = [
        [_button(label, "kind", kind) for kind, label in kinds[index : index + 2]]
        for index in range(0, len(kinds), 2)
    ]
    rows.append([_button(texts.CANCEL, "cancel")])
    return views.fitted(rows)


async def kind_pressed(update: Update, context: CaselineContext) -> int:
    kind = unpack(update.callback_query.data).arg
    if kind not in CHOSEN_KINDS:
        await answer(update, texts.STALE_BUTTON)
        return KIND
    await answer(update)
    draft = _draft(context)
    draft.kind = InteractionType(kind)
    await remove_keyboard(update)
    return await _show_card(update, context, draft)


# ── composing ──────────────────────────────────────────────────────────────────


async def text_added(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    text = update.effective_message.text or ""
    if len(draft.text) + len(text) > TEXT_MAX:
        await update.effective_message.reply_text(texts.note_too_long(TEXT_MAX))
        return COMPOSE
    draft.parts.append(text)
    return await _show_card(update, context, draft)


async def attachment_added(update: Update, context: CaselineContext) -> int:
    attachment = attachment_of(update.effective_message)
    if attachment is None:
        await update.effective_message.reply_text(texts.NOTE_WHAT_WORKS)
        return COMPOSE
    draft = _draft(context)
    draft.attachments.append(attachment)
    return await _show_card(update, context, draft)


async def unsupported_in_compose(update: Update, context: CaselineContext) -> int:
    await update.effective_message.reply_text(texts.NOTE_WHAT_WORKS)
    return COMPOSE


def _card(draft: NoteDraft, zone: ZoneInfo, now: datetime) -> tuple[str, InlineKeyboardMarkup]:
    assert draft.client is not None and draft.kind is not None
    ref = draft.client
    kind = texts.INTERACTION_NAMES[draft.kind]
    when = short_datetime(draft.when, zone, now) if draft.when is not None else texts.NOW
    lines = [f"<b>{texts.NOTE_DRAFT} · {ref.code} · {escape(ref.name)}</b>", f"{kind} · {when}"]
    if draft.risk:
        lines.append(f"⚠ {texts.RISK}: {escape(draft.risk)}")
    if draft.goals:
        lines.append(f"🎯 {texts.goals_count(len(draft.goals))}")
    if draft.attachments:
        lines.append(f"📎 {texts.attachments_count(len(draft.attachments))}")
    if draft.dap:
        labels = (texts.DAP_DATA, texts.DAP_ASSESSMENT, texts.DAP_PLAN)
        for label, part in zip(labels, draft.dap, strict=False):
            lines.append(f"<b>{label}:</b> {escape(_preview(part))}")
    # Every render, with Save or without: an older card must not match this one.
    revision = draft.revise()
    body = draft.text
    if body:
        lines.append("")
        lines.append(escape(_preview(body)))
        if len(body) > PREVIEW:
            lines.append(f"<i>{texts.characters(len(body))}</i>")
    else:
        lines.append("")
        lines.append(texts.NOTE_TYPE_IT)
    rows = []
    if draft.ready:
        rows.append([_button(texts.SAVE, "save", revision)])
    rows.append(
        [
            _button(texts.KIND, "kinds"),
            _button(texts.WHEN, "when"),
            _button(texts.RISK_BUTTON, "risk"),
        ]
    )
    rows.append(
        [
            _button(texts.GOALS, "goals"),
            _button(texts.DAP, "dap"),
            _button(texts.REPLACE_TEXT, "replace"),
        ]
    )
    rows.append([_button(texts.CANCEL, "cancel")])
    return "\n".join(lines), views.fitted(rows)


def _preview(text: str) -> str:
    return text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"


async def _show_card(update: Update, context: CaselineContext, draft: NoteDraft) -> int:
    """One live card: the previous card loses its buttons, a fresh one goes below.
    Keeps `draft` (with the card's revision) before anything is sent."""
    text, keyboard = _card(draft, zone_of(context), context.services.clock.now())
    _keep(context, draft)
    draft.card = await present(
        update, context, draft.card, text, keyboard, kept_in=DRAFT, field="card"
    )
    _keep(context, draft)
    return COMPOSE


# ── card buttons ───────────────────────────────────────────────────────────────


async def card_pressed(update: Update, context: CaselineContext) -> int:
    action = unpack(update.callback_query.data).action
    draft = _draft(context)
    if draft.client is None or draft.kind is None:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    if action == "save":
        return await cards.save_pressed(
            update,
            shown=unpack(update.callback_query.data).int_arg(),
            current=draft.revision,
            outdated=lambda: _show_outdated(update, context),
            save=lambda: save(update, context),
        )
    await answer(update)
    if action == "kinds":
        # The kind of contact chosen first can be corrected: the text stays.
        await update.effective_message.reply_text(
            texts.note_ask_kind(draft.client.code, draft.client.name),
            reply_markup=_kinds_keyboard(),
        )
        return KIND
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
        if draft.risk:
            draft.risk = None
            return await _show_card(update, context, draft)
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
    draft = _draft(context)
    if pressed.action == "ago":
        minutes = pressed.int_arg()
        if minutes is None or minutes > 7 * 24 * 60:
            return WHEN
        now = context.services.clock.now()
        draft.when = None if minutes == 0 else now - timedelta(minutes=minutes)
    await remove_keyboard(update)
    return await _show_card(update, context, draft)


async def when_typed(update: Update, context: CaselineContext) -> int:
    parsed = await moment_from_text(update, context, PREFIX, "past")
    if parsed is None:
        return WHEN
    if not happened(parsed.moment, context.services.clock.now()):
        await update.effective_message.reply_text(texts.NOTE_WHEN_FUTURE)
        return WHEN
    draft = _draft(context)
    draft.when = parsed.moment
    return await _show_card(update, context, draft)


async def when_option_pressed(update: Update, context: CaselineContext) -> int:
    moment = moment_from_stamp(update, context)
    await answer(update)
    if moment is None:
        return WHEN
    if not happened(moment, context.services.clock.now()):
        await update.effective_message.reply_text(texts.NOTE_WHEN_FUTURE)
        return WHEN
    draft = _draft(context)
    draft.when = moment
    await remove_keyboard(update)
    return await _show_card(update, context, draft)


async def risk_typed(update: Update, context: CaselineContext) -> int:
    reason = " ".join((update.effective_message.text or "").split())
    if not reason:
        await update.effective_message.reply_text(texts.NOTE_ASK_RISK)
        return RISK
    draft = _draft(context)
    draft.risk = reason[:REASON_MAX]
    return await _show_card(update, context, draft)


async def _ask_goals(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    assert draft.client is not None
    goals = await usecases.goals_to_choose(
        context.services, context.require_actor(), draft.client.id
    )
    if isinstance(goals, Gone):
        return await _client_gone(update, context)
    if not goals:
        await update.effective_message.reply_text(texts.NO_ACTIVE_GOALS)
        return COMPOSE
    chosen = set(draft.goals)
    listed, labels = views.goal_choices([(goal.description, goal.id in chosen) for goal in goals])
    rows = [[_button(label, "goal", goal.id)] for label, goal in zip(labels, goals, strict=True)]
    rows.append([_button(texts.DONE, "goalsdone")])
    text = f"{texts.NOTE_ASK_GOALS}\n\n{listed}"
    if (
        update.callback_query
        and update.callback_query.message
        and unpack(update.callback_query.data).action == "goal"
    ):
        await update.callback_query.edit_message_text(text, reply_markup=InlineKeyboardMarkup(rows))
    else:
        await update.effective_message.reply_text(text, reply_markup=InlineKeyboardMarkup(rows))
    return GOALS


async def _client_gone(update: Update, context: CaselineContext) -> int:
    """The client of a kept draft is no longer the worker's (transferred, another team):
    say so, forget the draft and end the dialog; nothing of the client is shown."""
    context.user_data.pop(DRAFT, None)
    await answer(update)
    await update.effective_message.reply_text(texts.CLIENT_GONE)
    return ConversationHandler.END


async def goal_toggled(update: Update, context: CaselineContext) -> int:
    goal_id = unpack(update.callback_query.data).int_arg()
    draft = _draft(context)
    assert draft.client is not None
    goals = await usecases.goals_to_choose(
        context.services, context.require_actor(), draft.client.id
    )
    if isinstance(goals, Gone):
        return await _client_gone(update, context)
    if goal_id not in {goal.id for goal in goals}:
        await answer(update, texts.STALE_BUTTON)
        return GOALS
    await answer(update)
    draft.goals = sorted(set(draft.goals) ^ {goal_id})
    _keep(context, draft)
    return await _ask_goals(update, context)


async def goals_done(update: Update, context: CaselineContext) -> int:
    await answer(update)
    await remove_keyboard(update)
    return await _show_card(update, context, _draft(context))


async def dap_data(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    draft.dap_wip = [update.effective_message.text or ""]
    _keep(context, draft)
    await update.effective_message.reply_text(texts.DAP_ASK_ASSESSMENT)
    return DAP_ASSESSMENT


async def dap_assessment(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    draft.dap_wip = (draft.dap_wip or [""]) + [update.effective_message.text or ""]
    _keep(context, draft)
    await update.effective_message.reply_text(texts.DAP_ASK_PLAN)
    return DAP_PLAN


async def dap_plan(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    parts = (draft.dap_wip or ["", ""]) + [update.effective_message.text or ""]
    draft.dap_wip = None
    data, assessment, plan = (parts + ["", "", ""])[:3]
    draft.dap = (data, assessment, plan)
    return await _show_card(update, context, draft)


async def replace_typed(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    draft.parts = [update.effective_message.text or ""]
    return await _show_card(update, context, draft)


# ── saving ─────────────────────────────────────────────────────────────────────


async def _show_outdated(update: Update, context: CaselineContext) -> int:
    """After a ✅ Save on a card that is not the draft as stored: the pressed card loses
    its buttons and the draft as it stands is shown (cards.save_pressed said why)."""
    await remove_keyboard(update)
    return await _show_card(update, context, _draft(context))


async def save(update: Update, context: CaselineContext) -> int:
    """✅ Save on the card that shows the draft (cards.save_pressed checked it)."""
    actor = context.require_actor()
    draft = _draft(context)
    if not draft.ready:
        await answer(update, texts.NOTE_NOTHING_TO_SAVE, alert=True)
        return COMPOSE
    new = draft.to_note(saved_at=happened_at(update, context))
    result = await usecases.save_note(context.services, actor, new, token=draft.token)
    if isinstance(result, Gone):
        await answer(update, texts.CLIENT_GONE, alert=True)
        return COMPOSE
    if isinstance(result, Invalid):
        await answer(update, _invalid(result), alert=True)
        return COMPOSE
    note = result.value

    async def confirm() -> None:
        await answer(update, texts.NOTE_SAVED_TOAST)
        await show_saved(update, context, note, undo=False)

    if note.alerts:
        deliver_soon(context)
    return await confirm_saved(update, context, confirm, DRAFT)


def _invalid(result: Invalid) -> str:
    if result.reason == "future":
        return texts.NOTE_WHEN_FUTURE
    if result.reason == "too_long":
        return texts.note_too_long(TEXT_MAX)
    return texts.NOTE_NOTHING_TO_SAVE


def handler(timeout_minutes: int) -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    media = filters.VOICE | filters.AUDIO | filters.PHOTO | filters.Document.ALL
    other = ~filters.COMMAND
    card = CallbackQueryHandler(
        card_pressed, pattern=rf"^{PREFIX}:(save|kinds|when|risk|goals|dap|replace):"
    )
    return conversation(
        PREFIX,
        entry_points=[
            CommandHandler("note", start),
            CallbackQueryHandler(from_card, pattern=card_pattern("note")),
            CallbackQueryHandler(from_loose, pattern=pattern(PREFIX) + "loose:"),
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
        written_key="when",
    )


def button_handlers() -> list[CallbackQueryHandler[CaselineContext, None]]:
    """Buttons on a saved note, outside the dialog: ↩ Undo and the kind of contact
    (conversations/note_oneliner.py)."""
    return [CallbackQueryHandler(saved_note_pressed, pattern=pattern(UNDO_PREFIX))]
