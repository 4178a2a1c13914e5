"""/appt — schedule an appointment; 🕒 Reschedule on an appointment card.

/appt ─► CLIENT ─► DAY ─(day button)─► TIME ─(time button|typed)─┐
                    └─(typed “tue 3pm”)───────────────────────────┤
                                    in the past? ─► PAST_OK ─(yes)┤
                                                                  ▼
                CARD: ✅ Save · ⏱ Duration · Kind · 🔁 Repeat · 📍 Place ─► END
🕒 Reschedule ─► DAY ─► TIME ─(past? PAST_OK)─► saved at once ─► END
Ambiguous text (“fri”, a time that happens twice on a DST night) gets option buttons.
"""

from __future__ import annotations

from datetime import date, datetime
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
    day_keyboard,
    duration_keyboard,
    kind_keyboard,
    moment_from_buttons,
    moment_from_stamp,
    moment_from_text,
    options_keyboard,
    search_typed,
    time_keyboard,
)
from storage import appointments, audit, clients, saved_drafts
from storage.appointments import Recurrence
from storage.models import Appointment, AppointmentStatus, InteractionType
from ui import texts, views
from ui.callbacks import pack, pattern, unpack
from ui.context import CaselineContext, zone_of
from ui.dates import Ambiguous, Invalid, parse_when
from ui.replies import answer, show
from ui.timefmt import short_datetime

CLIENT, DAY, TIME, PAST_OK, CARD, PLACE = range(6)
PREFIX = "ap"
DRAFT = "appt"
PLACE_MAX = 300
DEFAULT_DURATION = 60
SCHEDULABLE_KINDS = (
    InteractionType.HOME_VISIT,
    InteractionType.OFFICE,
    InteractionType.PHONE,
    InteractionType.VIDEO,
)


def _draft(context: CaselineContext) -> dict[str, Any]:
    return context.user_data.setdefault(DRAFT, {})


def _button(label: str, action: str, arg: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, arg))


async def start_draft(context: CaselineContext) -> None:
    context.require_actor()
    context.user_data[DRAFT] = {
        "duration": DEFAULT_DURATION,
        "kind": InteractionType.HOME_VISIT.value,
        "repeat": Recurrence.NONE.value,
    }


async def start(update: Update, context: CaselineContext) -> int:
    await start_draft(context)
    if context.args:
        found = await search_typed(context, " ".join(context.args))
        if len(found) == 1:
            return await _client_chosen(update, context, ClientRef.of(found[0]))
    await ask_client(update, context, PREFIX, texts.APPT_ASK_CLIENT)
    return CLIENT


async def from_card(update: Update, context: CaselineContext) -> int:
    ref = await client_from_press(update, context)
    if ref is None:
        return ConversationHandler.END
    await start_draft(context)
    return await _client_chosen(update, context, ref)


async def reschedule_start(update: Update, context: CaselineContext) -> int:
    found = await appointment_pressed(update, context, "appointment.reschedule")
    if found is None or found[0].status != AppointmentStatus.SCHEDULED:
        await answer(update, texts.APPOINTMENT_NOT_SCHEDULED, alert=True)
        return ConversationHandler.END
    await answer(update)
    appointment, client = found
    context.user_data[DRAFT] = {
        "reschedule": appointment.id,
        "client": ClientRef.of(client).to_json(),
    }
    await update.effective_message.reply_text(
        texts.appt_ask_new_day(
            client.code, short_datetime(appointment.starts_at, zone_of(context))
        ),
        reply_markup=day_keyboard(PREFIX, context),
    )
    return DAY


async def _client_chosen(update: Update, context: CaselineContext, ref: ClientRef) -> int:
    _draft(context)["client"] = ref.to_json()
    await update.effective_message.reply_text(
        texts.appt_ask_day(ref.code, ref.name), reply_markup=day_keyboard(PREFIX, context)
    )
    return DAY


async def day_pressed(update: Update, context: CaselineContext) -> int:
    day = unpack(update.callback_query.data).arg
    try:
        date.fromisoformat(day)
    except ValueError:
        await answer(update, texts.STALE_BUTTON)
        return DAY
    await answer(update)
    _draft(context)["day"] = day
    await update.callback_query.edit_message_text(
        texts.appt_ask_time(date.fromisoformat(day)), reply_markup=time_keyboard(PREFIX)
    )
    return TIME


async def day_typed(update: Update, context: CaselineContext) -> int:
    parsed = await moment_from_text(update, context, PREFIX, "future")
    if parsed is None:
        return DAY
    if not parsed.has_time:
        _draft(context)["day"] = parsed.local.date().isoformat()
        await update.effective_message.reply_text(
            texts.appt_ask_time(parsed.local.date()), reply_markup=time_keyboard(PREFIX)
        )
        return TIME
    return await _moment_chosen(update, context, parsed.moment)


async def time_pressed(update: Update, context: CaselineContext) -> int:
    hhmm = unpack(update.callback_query.data).arg
    day = _draft(context).get("day")
    result = await moment_from_buttons(update, context, day or "", hhmm) if day else None
    if result is None:
        await answer(update, texts.STALE_BUTTON)
        return TIME
    await answer(update)
    if isinstance(result, Invalid):
        await update.effective_message.reply_text(escape(result.reason))
        return TIME
    if isinstance(result, Ambiguous):
        await update.effective_message.reply_text(
            escape(result.question),
            reply_markup=options_keyboard(PREFIX, result.options, zone_of(context)),
        )
        return TIME
    return await _moment_chosen(update, context, result.moment)


async def time_typed(update: Update, context: CaselineContext) -> int:
    """A bare time means on the chosen day; a full phrase (“fri 10:00”) stands alone."""
    day = _draft(context).get("day")
    typed = update.effective_message.text or ""
    settings = context.services.settings
    on_day = parse_when(
        f"{day} {typed}",
        now=context.services.clock.now(),
        zone=zone_of(context),
        order=settings.date_order,
        purpose="any",
    )
    if day and not isinstance(on_day, Invalid | Ambiguous) and on_day.has_time:
        return await _moment_chosen(update, context, on_day.moment)
    parsed = await moment_from_text(update, context, PREFIX, "future")
    if parsed is None:
        return TIME
    if not parsed.has_time:
        await update.effective_message.reply_text(texts.APPT_NEED_TIME)
        return TIME
    return await _moment_chosen(update, context, parsed.moment)


async def option_pressed(update: Update, context: CaselineContext) -> int:
    moment = moment_from_stamp(update, context)
    await answer(update)
    if moment is None:
        return TIME
    return await _moment_chosen(update, context, moment)


async def _moment_chosen(update: Update, context: CaselineContext, moment: datetime) -> int:
    draft = _draft(context)
    draft["start"] = moment.isoformat()
    if moment < context.services.clock.now() and not draft.get("past_ok"):
        keyboard = InlineKeyboardMarkup(
            [
                [
                    _button(texts.YES_SCHEDULE, "pastok", "yes"),
                    _button(texts.PICK_ANOTHER, "pastok", "no"),
                ]
            ]
        )
        await update.effective_message.reply_text(
            texts.appt_in_past(short_datetime(moment, zone_of(context))), reply_markup=keyboard
        )
        return PAST_OK
    if draft.get("reschedule"):
        return await _save_reschedule(update, context)
    return await _show_card(update, context)


async def past_answered(update: Update, context: CaselineContext) -> int:
    choice = unpack(update.callback_query.data).arg
    await answer(update)
    draft = _draft(context)
    if choice != "yes":
        await update.callback_query.edit_message_text(
            texts.APPT_ASK_DAY_AGAIN, reply_markup=day_keyboard(PREFIX, context)
        )
        return DAY
    draft["past_ok"] = True
    return await _moment_chosen(update, context, datetime.fromisoformat(draft["start"]))


def _card(draft: dict[str, Any], zone) -> tuple[str, InlineKeyboardMarkup]:
    ref = ClientRef.from_json(draft["client"])
    start = datetime.fromisoformat(draft["start"])
    lines = [
        f"<b>{texts.NEW_APPOINTMENT} · {ref.code} · {escape(ref.name)}</b>",
        f"{short_datetime(start, zone)} · {draft['duration']} min · "
        f"{texts.INTERACTION_NAMES[InteractionType(draft['kind'])]}",
        f"{texts.REPEATS}: {texts.RECURRENCE_NAMES[draft['repeat']]}",
        f"{texts.PLACE}: {escape(draft['place']) if draft.get('place') else '—'}",
    ]
    keyboard = InlineKeyboardMarkup(
        [
            [_button(texts.SAVE, "save", drafts.revise(draft))],
            [
                _button(texts.DURATION, "menu", "dur"),
                _button(texts.KIND, "menu", "kind"),
            ],
            [_button(texts.REPEAT, "menu", "rep"), _button(texts.PLACE_BUTTON, "place")],
            [_button(texts.CANCEL, "cancel")],
        ]
    )
    return "\n".join(lines), keyboard


async def _show_card(update: Update, context: CaselineContext) -> int:
    text, keyboard = _card(_draft(context), zone_of(context))
    query = update.callback_query
    if query is not None and query.message is not None:
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
            "kind": kind_keyboard(PREFIX, SCHEDULABLE_KINDS),
            "rep": InlineKeyboardMarkup(
                [[_button(label, "rep", value)] for value, label in texts.RECURRENCE_NAMES.items()]
            ),
        }
        if pressed.arg in keyboards:
            await update.callback_query.edit_message_reply_markup(
                reply_markup=keyboards[pressed.arg]
            )
        return CARD
    if pressed.action == "place":
        await update.effective_message.reply_text(texts.APPT_ASK_PLACE)
        return PLACE
    value = pressed.arg
    if pressed.action == "dur" and pressed.int_arg() in appointments.DURATION_RANGE:
        draft["duration"] = pressed.int_arg()
    elif pressed.action == "kind" and value in {kind.value for kind in SCHEDULABLE_KINDS}:
        draft["kind"] = value
    elif pressed.action == "rep" and value in set(Recurrence):
        draft["repeat"] = value
    return await _show_card(update, context)


async def place_typed(update: Update, context: CaselineContext) -> int:
    place = " ".join((update.effective_message.text or "").split())[:PLACE_MAX]
    _draft(context)["place"] = place or None
    text, keyboard = _card(_draft(context), zone_of(context))
    await update.effective_message.reply_text(text, reply_markup=keyboard)
    return CARD


async def _save(update: Update, context: CaselineContext) -> int:
    actor = context.require_actor()
    draft = dict(_draft(context))
    ref = ClientRef.from_json(draft["client"])
    now = context.services.clock.now()
    zone = zone_of(context)
    token = draft.get(drafts.TOKEN)
    async with context.services.db.session() as session:
        client = await clients.get_visible(session, actor, ref.id)
        if client is not None:
            view = await _schedule_once(session, actor.id, client, draft, token, zone, now)
    if client is None:
        await answer(update, texts.CLIENT_GONE, alert=True)
        return CARD

    async def confirm() -> None:
        await answer(update, texts.APPT_SAVED_TOAST)
        await show(update, view)

    return await confirm_saved(update, context, confirm, DRAFT)


async def _schedule_once(session, actor_id: int, client, draft, token, zone, now: datetime):
    """The draft's appointment (and its audit line), once however often Save is pressed:
    the card to show."""
    earlier = await saved_drafts.saved_as(session, actor_id, token, "appointment")
    if earlier is not None:  # saved before a crash lost the confirmation
        appointment = await session.get(Appointment, earlier)
    else:
        appointment = await appointments.schedule(
            session,
            client=client,
            worker_id=actor_id,
            starts_at=datetime.fromisoformat(draft["start"]),
            duration_minutes=draft["duration"],
            kind=InteractionType(draft["kind"]),
            zone=zone,
            now=now,
            place=draft.get("place"),
            recurrence=Recurrence(draft["repeat"]),
        )
        await audit.record(
            session,
            "appointment.create",
            now=now,
            actor_id=actor_id,
            subject_type="appointment",
            subject_id=appointment.id,
            client_id=client.id,
        )
        saved_drafts.remember(session, actor_id, token, "appointment", appointment.id, now)
    return views.appointment_card(appointment, client, zone)


async def _save_reschedule(update: Update, context: CaselineContext) -> int:
    actor = context.require_actor()
    draft = dict(_draft(context))
    now = context.services.clock.now()
    async with context.services.db.session() as session:
        found = await appointments.get_visible(session, actor, draft["reschedule"])
        scheduled = found is not None and found[0].status == AppointmentStatus.SCHEDULED
        if scheduled:
            appointment, client = found
            await appointments.reschedule(appointment, datetime.fromisoformat(draft["start"]))
            await audit.record(
                session,
                "appointment.reschedule",
                now=now,
                actor_id=actor.id,
                subject_type="appointment",
                subject_id=appointment.id,
                client_id=client.id,
            )
    if not scheduled:
        await update.effective_message.reply_text(texts.APPOINTMENT_NOT_SCHEDULED)
        context.user_data.pop(DRAFT, None)
        return ConversationHandler.END
    view = views.appointment_card(appointment, client, zone_of(context))
    return await confirm_saved(
        update,
        context,
        lambda: update.effective_message.reply_text(view.text, reply_markup=view.keyboard),
        DRAFT,
    )


def handler(timeout_minutes: int) -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND
    return conversation(
        PREFIX,
        entry_points=[
            CommandHandler("appt", start),
            CallbackQueryHandler(from_card, pattern=card_pattern("appt")),
            CallbackQueryHandler(reschedule_start, pattern=pattern("ac") + "move:"),
        ],
        states={
            CLIENT: client_step(PREFIX, CLIENT, _client_chosen),
            DAY: [
                CallbackQueryHandler(day_pressed, pattern=pattern(PREFIX) + "day:"),
                CallbackQueryHandler(option_pressed, pattern=pattern(PREFIX) + "at:"),
                MessageHandler(text, day_typed),
                MessageHandler(other, text_expected),
            ],
            TIME: [
                CallbackQueryHandler(time_pressed, pattern=pattern(PREFIX) + "time:"),
                CallbackQueryHandler(option_pressed, pattern=pattern(PREFIX) + "at:"),
                CallbackQueryHandler(day_pressed, pattern=pattern(PREFIX) + "day:"),
                MessageHandler(text, time_typed),
                MessageHandler(other, text_expected),
            ],
            PAST_OK: [CallbackQueryHandler(past_answered, pattern=pattern(PREFIX) + "pastok:")],
            CARD: [
                CallbackQueryHandler(
                    card_pressed, pattern=pattern(PREFIX) + "(save|menu|place|dur|kind|rep):"
                ),
                MessageHandler(other, use_buttons),
            ],
            PLACE: [MessageHandler(text, place_typed), MessageHandler(other, text_expected)],
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
    )
