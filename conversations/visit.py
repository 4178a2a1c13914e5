"""/visit — log a visit that happened; ✅ Done on an appointment card opens it pre-filled.

/visit ─► CLIENT ─► WHEN ─(Now / 1 h ago / … / typed “2h ago”)─► CARD
✅ Done on an appointment ───────────────────────────────────────► CARD (pre-filled)
CARD: ✅ Save · ⏱ Duration · Kind · Outcome · 📝 Note ─(text)─► CARD
Save ─► END: the visit is recorded; a completed one moves the client's last contact.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
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
from conversations.common import confirm_saved, conversation, text_expected, use_buttons
from conversations.pickers import (
    ClientRef,
    appointment_pressed,
    ask_client,
    card_pattern,
    client_from_press,
    client_step,
    duration_keyboard,
    kind_keyboard,
    moment_from_stamp,
    moment_from_text,
)
from storage import appointments, audit, clients, notes, saved_drafts
from storage.models import AppointmentStatus, InteractionType
from ui import texts
from ui.callbacks import pack, pattern, unpack
from ui.context import CaselineContext, zone_of
from ui.replies import answer
from ui.timefmt import short_datetime

CLIENT, WHEN, CARD, NOTE = range(4)
PREFIX = "vs"
DRAFT = "visit"
VISIT_KINDS = (
    InteractionType.HOME_VISIT,
    InteractionType.OFFICE,
    InteractionType.PHONE,
    InteractionType.VIDEO,
)
OUTCOMES = (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED)


def _draft(context: CaselineContext) -> dict[str, Any]:
    return context.user_data.setdefault(DRAFT, {})


def _button(label: str, action: str, arg: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, arg))


def _fresh(context: CaselineContext) -> dict[str, Any]:
    context.user_data[DRAFT] = {
        "duration": 60,
        "kind": InteractionType.HOME_VISIT.value,
        "outcome": AppointmentStatus.COMPLETED.value,
        "parts": [],
    }
    return context.user_data[DRAFT]


async def start(update: Update, context: CaselineContext) -> int:
    context.require_actor()
    kept = drafts.take(context, DRAFT)
    if kept and "client" in kept:
        context.user_data[DRAFT] = kept
        if "start" in kept:
            await update.effective_message.reply_text(texts.DRAFT_RESUMED)
            return await _show_card(update, context, new_message=True)
        return await _client_chosen(update, context, ClientRef.from_json(kept["client"]))
    _fresh(context)
    await ask_client(update, context, PREFIX, texts.VISIT_ASK_CLIENT)
    return CLIENT


async def from_card(update: Update, context: CaselineContext) -> int:
    ref = await client_from_press(update, context)
    if ref is None:
        return ConversationHandler.END
    _fresh(context)
    return await _client_chosen(update, context, ref)


async def from_appointment(update: Update, context: CaselineContext) -> int:
    found = await appointment_pressed(update, context, "visit.log")
    if found is None or found[0].status != AppointmentStatus.SCHEDULED:
        await answer(update, texts.APPOINTMENT_NOT_SCHEDULED, alert=True)
        return ConversationHandler.END
    await answer(update)
    appointment, client = found
    draft = _fresh(context)
    draft.update(
        client=ClientRef.of(client).to_json(),
        start=appointment.starts_at.isoformat(),
        duration=appointment.duration_minutes,
        kind=appointment.kind,
        appointment=appointment.id,
    )
    return await _show_card(update, context, new_message=True)


async def _client_chosen(update: Update, context: CaselineContext, ref: ClientRef) -> int:
    _draft(context)["client"] = ref.to_json()
    keyboard = InlineKeyboardMarkup(
        [[_button(label, "ago", minutes) for label, minutes in texts.WHEN_CHOICES]]
    )
    await update.effective_message.reply_text(
        texts.visit_ask_when(ref.code, ref.name), reply_markup=keyboard
    )
    return WHEN


async def ago_pressed(update: Update, context: CaselineContext) -> int:
    minutes = unpack(update.callback_query.data).int_arg()
    if minutes is None or minutes > 7 * 24 * 60:
        await answer(update, texts.STALE_BUTTON)
        return WHEN
    await answer(update)
    moment = context.services.clock.now() - timedelta(minutes=minutes)
    _draft(context)["start"] = moment.isoformat()
    return await _show_card(update, context)


async def when_typed(update: Update, context: CaselineContext) -> int:
    parsed = await moment_from_text(update, context, PREFIX, "past")
    if parsed is None:
        return WHEN
    if parsed.moment > context.services.clock.now():
        await update.effective_message.reply_text(texts.VISIT_WHEN_FUTURE)
        return WHEN
    _draft(context)["start"] = parsed.moment.isoformat()
    return await _show_card(update, context, new_message=True)


async def option_pressed(update: Update, context: CaselineContext) -> int:
    moment = moment_from_stamp(update, context)
    await answer(update)
    if moment is None or moment > context.services.clock.now():
        return WHEN
    _draft(context)["start"] = moment.isoformat()
    return await _show_card(update, context)


def _card(draft: dict[str, Any], zone) -> tuple[str, InlineKeyboardMarkup]:
    ref = ClientRef.from_json(draft["client"])
    start = datetime.fromisoformat(draft["start"])
    outcome = texts.APPOINTMENT_STATUS_NAMES[draft["outcome"]]
    lines = [
        f"<b>{texts.VISIT} · {ref.code} · {escape(ref.name)}</b>",
        f"{short_datetime(start, zone)} · {draft['duration']} min · "
        f"{texts.INTERACTION_NAMES[InteractionType(draft['kind'])]}",
        f"{texts.OUTCOME}: {outcome}",
    ]
    body = "\n\n".join(draft.get("parts", []))
    if body:
        lines += ["", f"📝 {escape(body[:300])}" + ("…" if len(body) > 300 else "")]
    keyboard = InlineKeyboardMarkup(
        [
            [_button(texts.SAVE, "save", drafts.revise(draft))],
            [_button(texts.DURATION, "menu", "dur"), _button(texts.KIND, "menu", "kind")],
            [_button(texts.OUTCOME_BUTTON, "menu", "out"), _button(texts.ADD_NOTE, "note")],
            [_button(texts.CANCEL, "cancel")],
        ]
    )
    return "\n".join(lines), keyboard


async def _show_card(update: Update, context: CaselineContext, *, new_message: bool = False) -> int:
    text, keyboard = _card(_draft(context), zone_of(context))
    query = update.callback_query
    if query is not None and query.message is not None and not new_message:
        await query.edit_message_text(text, reply_markup=keyboard)
    else:
        await update.effective_message.reply_text(text, reply_markup=keyboard)
    return CARD


async def card_pressed(update: Update, context: CaselineContext) -> int:
    pressed = unpack(update.callback_query.data)
    draft = _draft(context)
    if "start" not in draft or "client" not in draft:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    if pressed.action == "save":
        if not drafts.shows(draft, pressed.int_arg()):
            await answer(update, texts.CARD_OUTDATED, alert=True)
            return await _show_card(update, context)
        return await _save(update, context)
    await answer(update)
    if pressed.action == "menu":
        keyboards = {
            "dur": duration_keyboard(PREFIX),
            "kind": kind_keyboard(PREFIX, VISIT_KINDS),
            "out": InlineKeyboardMarkup(
                [[_button(texts.APPOINTMENT_STATUS_NAMES[o], "out", o)] for o in OUTCOMES]
            ),
        }
        if pressed.arg in keyboards:
            await update.callback_query.edit_message_reply_markup(
                reply_markup=keyboards[pressed.arg]
            )
        return CARD
    if pressed.action == "note":
        await update.effective_message.reply_text(texts.VISIT_ASK_NOTE)
        return NOTE
    if pressed.action == "dur" and pressed.int_arg() in appointments.DURATION_RANGE:
        draft["duration"] = pressed.int_arg()
    elif pressed.action == "kind" and pressed.arg in {kind.value for kind in VISIT_KINDS}:
        draft["kind"] = pressed.arg
    elif pressed.action == "out" and pressed.arg in {o.value for o in OUTCOMES}:
        draft["outcome"] = pressed.arg
    return await _show_card(update, context)


async def note_typed(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    text = update.effective_message.text or ""
    if len("\n\n".join(draft.get("parts", []))) + len(text) > notes.TEXT_MAX:
        await update.effective_message.reply_text(texts.note_too_long(notes.TEXT_MAX))
        return CARD
    draft.setdefault("parts", []).append(text)
    await _show_card(update, context, new_message=True)
    return NOTE


async def _save(update: Update, context: CaselineContext) -> int:
    actor = context.require_actor()
    draft = dict(_draft(context))
    ref = ClientRef.from_json(draft["client"])
    now = context.services.clock.now()
    start = datetime.fromisoformat(draft["start"])
    outcome = AppointmentStatus(draft["outcome"])
    token = draft.get(drafts.TOKEN)
    async with context.services.db.session() as session:
        client = await clients.get_visible(session, actor, ref.id)
        found = (
            await appointments.get_visible(session, actor, draft["appointment"])
            if draft.get("appointment")
            else None
        )
        refusal = None
        if client is None or (draft.get("appointment") and found is None):
            refusal = texts.CLIENT_GONE
        elif await saved_drafts.saved_as(session, actor.id, token, "appointment"):
            pass  # saved before a crash lost the confirmation: only say so again
        elif found is not None and found[0].status != AppointmentStatus.SCHEDULED:
            refusal = texts.APPOINTMENT_NOT_SCHEDULED
        else:
            visit = await _record(session, actor.id, client, found, draft, start, outcome, now)
            saved_drafts.remember(session, actor.id, token, "appointment", visit.id, now)
    if refusal is not None:
        await answer(update, refusal, alert=True)
        if refusal == texts.CLIENT_GONE:
            return CARD
        context.user_data.pop(DRAFT, None)
        return ConversationHandler.END

    async def confirm() -> None:
        await answer(update, texts.VISIT_SAVED_TOAST)
        await update.callback_query.edit_message_text(
            texts.visit_saved(ref.code, ref.name, short_datetime(start, zone_of(context)), outcome)
        )

    return await confirm_saved(update, context, confirm, DRAFT)


async def _record(
    session,
    actor_id: int,
    client,
    found,
    draft: dict[str, Any],
    start: datetime,
    outcome: AppointmentStatus,
    now: datetime,
):
    """The visit (a planned appointment finished, or a new one logged), its note, its
    audit line."""
    kind = InteractionType(draft["kind"])
    if found is not None:
        visit = found[0]
        visit.duration_minutes, visit.kind = draft["duration"], kind
        await appointments.finish(session, visit, client, status=outcome, now=now)
    else:
        visit = await appointments.log_visit(
            session,
            client=client,
            worker_id=actor_id,
            starts_at=start,
            duration_minutes=draft["duration"],
            kind=kind,
            status=outcome,
            now=now,
        )
    body = "\n\n".join(draft.get("parts", []))
    if body:
        await notes.create_note(
            session,
            client=client,
            author_id=actor_id,
            interaction_type=kind
            if outcome == AppointmentStatus.COMPLETED
            else InteractionType.OTHER,
            occurred_at=start,
            text=body,
            now=now,
            appointment_id=visit.id,
        )
    await audit.record(
        session,
        "visit.log",
        now=now,
        actor_id=actor_id,
        subject_type="appointment",
        subject_id=visit.id,
        client_id=client.id,
        detail={"outcome": outcome.value},
    )
    return visit


def handler(timeout_minutes: int) -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND
    return conversation(
        PREFIX,
        entry_points=[
            CommandHandler("visit", start),
            CallbackQueryHandler(from_card, pattern=card_pattern("visit")),
            CallbackQueryHandler(from_appointment, pattern=pattern("ac") + "done:"),
        ],
        states={
            CLIENT: client_step(PREFIX, CLIENT, _client_chosen),
            WHEN: [
                CallbackQueryHandler(ago_pressed, pattern=pattern(PREFIX) + "ago:"),
                CallbackQueryHandler(option_pressed, pattern=pattern(PREFIX) + "at:"),
                MessageHandler(text, when_typed),
                MessageHandler(other, text_expected),
            ],
            CARD: [
                CallbackQueryHandler(
                    card_pressed, pattern=pattern(PREFIX) + "(save|menu|note|dur|kind|out):"
                ),
                MessageHandler(other, use_buttons),
            ],
            NOTE: [
                CallbackQueryHandler(
                    card_pressed, pattern=pattern(PREFIX) + "(save|menu|note|dur|kind|out):"
                ),
                MessageHandler(text, note_typed),
                MessageHandler(other, text_expected),
            ],
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
        text_key="parts",
    )
