"""/appt — schedule an appointment; 🕒 Reschedule on an appointment card.

/appt ─► CLIENT ─► DAY ─(day button)─► TIME ─(time button|typed)─┐
                    └─(typed “tue 3pm”)───────────────────────────┤
                                    in the past? ─► PAST_OK ─(yes)┤
                                                                  ▼
                CARD: ✅ Save · 📅 Day · 🕒 Time · ⏱ Duration · Kind · 🔁 Repeat · 📍 Place ─► END
                CARD ─(📅 Day)─► DAY ─(day: the time stays)──────────────► CARD
                CARD ─(🕒 Time)─► TIME (on the card's day) ──────────────► CARD
                CARD ─(typed “fri”, “15:30”, “fri 15:30”)────────────────► CARD
🕒 Reschedule ─► DAY ─► TIME ─(past? PAST_OK)─► saved at once ─► END
Ambiguous text (“fri”, a time that happens twice on a DST night) gets option buttons; an
option that is a day without a time (“next week”: which day?) goes on to TIME like a day
button, never to that day's 00:00. The day buttons are the next seven days
(pickers.day_keyboard); while the card's day or time is being changed, ◀ Back returns to
the card unchanged.
🕒 Reschedule on a card that is no longer scheduled redraws that card as it stands.

Every write goes through domain/usecases/appointments.py (schedule_appointment,
reschedule_appointment); the draft is an `AppointmentDraft` (conversations/cards.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from conversations import cards, drafts
from conversations.common import confirm_saved, conversation, text_expected, use_buttons
from conversations.pickers import (
    ClientRef,
    ask_client,
    card_pattern,
    client_from_args,
    client_from_press,
    client_step,
    day_keyboard,
    duration_keyboard,
    kind_keyboard,
    moment_from_buttons,
    moment_from_stamp,
    moment_from_text,
    options_keyboard,
    time_keyboard,
    typed_place,
)
from domain.results import AlreadySaved, Saved, Stale
from domain.rules.appointments import DEFAULT_MINUTES
from domain.usecases import appointments as usecases
from storage import appointments
from storage.appointments import Recurrence
from storage.kinds import InteractionType
from ui import privacy, texts, views
from ui.callbacks import pack, pattern, unpack
from ui.context import CaselineContext, date_order_of, zone_of
from ui.dates import Ambiguous, Invalid, parse_when
from ui.replies import answer, show
from ui.timefmt import short_datetime

CLIENT, DAY, TIME, PAST_OK, CARD, PLACE = range(6)
PREFIX = "ap"
DRAFT = "appt"
DEFAULT_DURATION = DEFAULT_MINUTES
SCHEDULABLE_KINDS = (
    InteractionType.HOME_VISIT,
    InteractionType.OFFICE,
    InteractionType.PHONE,
    InteractionType.VIDEO,
)


@dataclass
class AppointmentDraft(cards.Draft):
    """What /appt (or 🕒 Reschedule) has gathered so far; stored in user_data as the
    plain dict `to_json` makes (the keys the first version stored, so its drafts load)."""

    client: ClientRef | None = None
    day: str | None = None  # ISO date chosen by button, waiting for a time
    start: datetime | None = None
    past_ok: bool = False
    duration: int = DEFAULT_DURATION
    kind: InteractionType = InteractionType.HOME_VISIT
    repeat: Recurrence = Recurrence.NONE
    place: str | None = None
    reschedule: int | None = None  # the appointment being moved
    correcting: bool = False  # 📅 Day or 🕒 Time pressed on the card: the rest stays

    def to_json(self) -> dict[str, Any]:
        data = self.common_json() | {
            "duration": self.duration,
            "kind": self.kind.value,
            "repeat": self.repeat.value,
        }
        if self.client is not None:
            data["client"] = self.client.to_json()
        if self.day:
            data["day"] = self.day
        if self.start is not None:
            data["start"] = self.start.isoformat()
        if self.past_ok:
            data["past_ok"] = True
        if self.place:
            data["place"] = self.place
        if self.reschedule is not None:
            data["reschedule"] = self.reschedule
        if self.correcting:
            data["correcting"] = True
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AppointmentDraft:
        kind = data.get("kind")
        repeat = data.get("repeat")
        duration = data.get("duration")
        return cls(
            **cls.common_from(data),
            client=ClientRef.from_json(data["client"]) if data.get("client") else None,
            day=data.get("day") or None,
            start=datetime.fromisoformat(data["start"]) if data.get("start") else None,
            past_ok=bool(data.get("past_ok")),
            duration=duration if isinstance(duration, int) else DEFAULT_DURATION,
            kind=InteractionType(kind)
            if kind in set(InteractionType)
            else InteractionType.HOME_VISIT,
            repeat=Recurrence(repeat) if repeat in set(Recurrence) else Recurrence.NONE,
            place=data.get("place") or None,
            reschedule=data.get("reschedule") if isinstance(data.get("reschedule"), int) else None,
            correcting=bool(data.get("correcting")),
        )


def _draft(context: CaselineContext) -> AppointmentDraft:
    return AppointmentDraft.from_json(context.user_data.get(DRAFT) or {})


def _store(context: CaselineContext, draft: AppointmentDraft) -> None:
    context.user_data[DRAFT] = draft.to_json()


def _button(label: str, action: str, arg: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, arg))


async def start_draft(context: CaselineContext) -> None:
    context.require_actor()
    _store(context, AppointmentDraft())


async def start(update: Update, context: CaselineContext) -> int:
    kept = drafts.take(context, DRAFT) if not context.args else None
    await start_draft(context)
    if kept and "client" in kept:
        # Set aside earlier (another dialog, or left idle): it comes back as it was.
        draft = AppointmentDraft.from_json(kept)
        _store(context, draft)
        if draft.start is not None:
            await update.effective_message.reply_text(texts.APPT_RESUMED)
            return await _show_card(update, context, new_message=True)
        assert draft.client is not None
        return await _client_chosen(update, context, draft.client)
    if context.args:
        words = " ".join(context.args)
        ref = await client_from_args(update, context, PREFIX, words, texts.APPT_ASK_CLIENT)
        return CLIENT if ref is None else await _client_chosen(update, context, ref)
    await ask_client(update, context, PREFIX, texts.APPT_ASK_CLIENT)
    return CLIENT


async def from_card(update: Update, context: CaselineContext) -> int:
    ref = await client_from_press(update, context)
    if ref is None:
        return ConversationHandler.END
    await start_draft(context)
    return await _client_chosen(update, context, ref)


async def reschedule_start(update: Update, context: CaselineContext) -> int:
    pressed = unpack(update.callback_query.data).int_arg()
    found = await usecases.may_reschedule(context.services, context.require_actor(), pressed)
    if not isinstance(found, usecases.Booked):
        await answer(update, texts.APPOINTMENT_NOT_SCHEDULED, alert=True)
        if isinstance(found, Stale):  # an outdated card: show it as it stands now
            now = context.services.clock.now()
            await show(update, views.appointment_card(*_pair(found.current), zone_of(context), now))
        return ConversationHandler.END
    await answer(update)
    appointment, client = found.appointment, found.client
    _store(context, AppointmentDraft(reschedule=appointment.id, client=ClientRef.of(client)))
    await update.effective_message.reply_text(
        texts.appt_ask_new_day(
            client.code,
            short_datetime(appointment.starts_at, zone_of(context), context.services.clock.now()),
        ),
        reply_markup=day_keyboard(PREFIX, context),
    )
    return DAY


def _pair(booked: usecases.Booked) -> tuple[Any, Any]:
    return booked.appointment, booked.client


async def _client_chosen(update: Update, context: CaselineContext, ref: ClientRef) -> int:
    draft = _draft(context)
    draft.client = ref
    if draft.place is None:
        # The client's usual place of visits (✏️ Edit on the card); 📍 Place changes it.
        draft.place = ref.place
    _store(context, draft)
    await update.effective_message.reply_text(
        texts.appt_ask_day(ref.code, privacy.client_name(ref)),
        reply_markup=day_keyboard(PREFIX, context),
    )
    return DAY


async def day_pressed(update: Update, context: CaselineContext) -> int:
    day = unpack(update.callback_query.data).arg
    try:
        chosen = date.fromisoformat(day)
    except ValueError:
        await answer(update, texts.STALE_BUTTON)
        return DAY
    return await _day_chosen(update, context, chosen)


async def day_typed(update: Update, context: CaselineContext) -> int:
    parsed = await moment_from_text(update, context, PREFIX, "future", day_action="day")
    if parsed is None:
        return DAY
    if not parsed.has_time:
        return await _day_chosen(update, context, parsed.local.date())
    return await _moment_chosen(update, context, parsed.moment)


async def _day_chosen(update: Update, context: CaselineContext, day: date) -> int:
    """A day without a time: on a card being corrected the card's time stays (the new
    moment, or a question when that time is ambiguous there); otherwise ask the time.
    A pressed button's message becomes the question, after typed text it comes below."""
    draft = _draft(context)
    draft.day = day.isoformat()  # a time typed after a question is read on this day
    _store(context, draft)
    if draft.correcting and draft.start is not None:
        at = draft.start.astimezone(zone_of(context))
        return await _on_day(update, context, day.isoformat(), f"{at:%H%M}", TIME)
    await answer(update)
    text = texts.appt_ask_time(day)
    keyboard = time_keyboard(PREFIX, back=_back(draft))
    if update.callback_query is not None:
        await update.callback_query.edit_message_text(text, reply_markup=keyboard)
    else:
        await update.effective_message.reply_text(text, reply_markup=keyboard)
    return TIME


def _back(draft: AppointmentDraft) -> InlineKeyboardButton | None:
    """◀ Back to the card, while its day or time is being changed."""
    return _button(texts.BACK, "back") if draft.correcting else None


async def time_pressed(update: Update, context: CaselineContext) -> int:
    hhmm = unpack(update.callback_query.data).arg
    day = _draft(context).day
    if not day:
        await answer(update, texts.STALE_BUTTON)
        return TIME
    return await _on_day(update, context, day, hhmm, TIME)


async def _on_day(update: Update, context: CaselineContext, day: str, hhmm: str, state: int) -> int:
    """A day and a time from buttons (or the card's own time): the moment, or the
    reader's question or reason (asked in `state`)."""
    result = await moment_from_buttons(update, context, day, hhmm)
    if result is None:
        await answer(update, texts.STALE_BUTTON)
        return state
    await answer(update)
    if isinstance(result, Invalid):
        await update.effective_message.reply_text(escape(result.reason))
        return state
    if isinstance(result, Ambiguous):
        await update.effective_message.reply_text(
            escape(result.question),
            reply_markup=options_keyboard(
                PREFIX, result.options, zone_of(context), context.services.clock.now()
            ),
        )
        return state
    return await _moment_chosen(update, context, result.moment)


def _time_on(context: CaselineContext, day: str | None, typed: str) -> datetime | None:
    """A bare time (“15:30”, “3”) typed for a known day: the moment on that day; None
    when the text is more than a time (“fri 10:00” stands alone) or no day is known."""
    if not day:
        return None
    on_day = parse_when(
        f"{day} {typed}",
        now=context.services.clock.now(),
        zone=zone_of(context),
        order=date_order_of(context),
        purpose="any",
    )
    return None if isinstance(on_day, Invalid | Ambiguous) or not on_day.has_time else on_day.moment


async def time_typed(update: Update, context: CaselineContext) -> int:
    """A bare time means on the chosen day; a full phrase (“fri 10:00”) stands alone."""
    moment = _time_on(context, _draft(context).day, update.effective_message.text or "")
    if moment is not None:
        return await _moment_chosen(update, context, moment)
    parsed = await moment_from_text(update, context, PREFIX, "future", day_action="day")
    if parsed is None:
        return TIME
    if not parsed.has_time:
        await update.effective_message.reply_text(texts.APPT_NEED_TIME)
        return TIME
    return await _moment_chosen(update, context, parsed.moment)


async def card_typed(update: Update, context: CaselineContext) -> int:
    """Text while the card shows is a new day and/or time (“fri”, “15:30”, “fri 15:30”),
    read as the dialog reads it: a day alone keeps the card's time, a time alone keeps
    the card's day; an unclear one is asked back with buttons."""
    draft = _draft(context)
    if draft.start is None:
        await use_buttons(update, context)
        return CARD
    day = draft.start.astimezone(zone_of(context)).date().isoformat()
    moment = _time_on(context, day, update.effective_message.text or "")
    if moment is not None:
        return await _moment_chosen(update, context, moment)
    # A day asked back ("next week": which day?) is pressed as a correction too: the
    # card's time stays.
    draft.correcting = True
    _store(context, draft)
    parsed = await moment_from_text(
        update, context, PREFIX, "future", hint=texts.APPT_CARD_TYPE_HINT, day_action="day"
    )
    if parsed is None:
        return CARD
    if not parsed.has_time:
        return await _day_chosen(update, context, parsed.local.date())
    return await _moment_chosen(update, context, parsed.moment)


async def back_pressed(update: Update, context: CaselineContext) -> int:
    """◀ Back while changing the card's day or time: the card as it was."""
    draft = _draft(context)
    if draft.start is None or draft.client is None:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    await answer(update)
    draft.correcting = False
    _store(context, draft)
    return await _show_card(update, context)


async def option_pressed(update: Update, context: CaselineContext) -> int:
    moment = moment_from_stamp(update, context)
    await answer(update)
    if moment is None:
        return TIME
    return await _moment_chosen(update, context, moment)


async def _moment_chosen(update: Update, context: CaselineContext, moment: datetime) -> int:
    draft = _draft(context)
    draft.start = moment
    draft.correcting = False
    _store(context, draft)
    if moment < context.services.clock.now() and not draft.past_ok:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    _button(texts.YES_SCHEDULE, "pastok", "yes"),
                    _button(texts.PICK_ANOTHER, "pastok", "no"),
                ]
            ]
        )
        await update.effective_message.reply_text(
            texts.appt_in_past(
                short_datetime(moment, zone_of(context), context.services.clock.now())
            ),
            reply_markup=keyboard,
        )
        return PAST_OK
    if draft.reschedule is not None:
        return await _save_reschedule(update, context)
    return await _show_card(update, context)


async def past_answered(update: Update, context: CaselineContext) -> int:
    choice = unpack(update.callback_query.data).arg
    await answer(update)
    draft = _draft(context)
    if choice != "yes":
        draft.start, draft.day = None, None
        _store(context, draft)
        await update.callback_query.edit_message_text(
            texts.APPT_ASK_DAY_AGAIN, reply_markup=day_keyboard(PREFIX, context)
        )
        return DAY
    if draft.start is None:
        return DAY
    draft.past_ok = True
    _store(context, draft)
    return await _moment_chosen(update, context, draft.start)


def _card(
    draft: AppointmentDraft, zone: ZoneInfo, now: datetime
) -> tuple[str, InlineKeyboardMarkup]:
    """The draft as a card; its ✅ Save carries a new revision (store the draft after)."""
    assert draft.client is not None and draft.start is not None
    ref = draft.client
    lines = [
        f"<b>{texts.NEW_APPOINTMENT} · {escape(privacy.code_and_name(ref))}</b>",
        f"{short_datetime(draft.start, zone, now)} · {texts.minutes(draft.duration)} · "
        f"{texts.INTERACTION_NAMES[draft.kind]}",
        f"{texts.REPEATS}: {texts.RECURRENCE_NAMES[draft.repeat]}",
        f"{texts.PLACE}: {privacy.shown_html(draft.place)}",
    ]
    keyboard = views.fitted(
        [
            [_button(texts.SAVE, "save", draft.revise())],
            [_button(texts.APPT_DAY, "when", "day"), _button(texts.APPT_TIME, "when", "time")],
            [
                _button(texts.DURATION, "menu", "dur"),
                _button(texts.KIND, "menu", "kind"),
            ],
            [_button(texts.REPEAT, "menu", "rep"), _button(texts.PLACE_BUTTON, "place")],
            [_button(texts.CANCEL, "cancel")],
        ]
    )
    return "\n".join(lines), keyboard


async def _show_card(update: Update, context: CaselineContext, *, new_message: bool = False) -> int:
    draft = _draft(context)
    text, keyboard = _card(draft, zone_of(context), context.services.clock.now())
    _store(context, draft)
    await cards.show(update, text, keyboard, new_message=new_message)
    return CARD


async def card_pressed(update: Update, context: CaselineContext) -> int:
    pressed = unpack(update.callback_query.data)
    draft = _draft(context)
    if draft.start is None or draft.client is None:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    if pressed.action == "save":
        return await cards.save_pressed(
            update,
            shown=pressed.int_arg(),
            current=draft.revision,
            outdated=lambda: _show_card(update, context),
            save=lambda: _save(update, context),
        )
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
    if pressed.action == "when":
        return await _change_when(update, context, draft, pressed.arg)
    value = pressed.arg
    duration = pressed.int_arg()
    if pressed.action == "dur" and duration is not None and duration in appointments.DURATION_RANGE:
        draft.duration = duration
    elif pressed.action == "kind" and value in {kind.value for kind in SCHEDULABLE_KINDS}:
        draft.kind = InteractionType(value)
    elif pressed.action == "rep" and value in set(Recurrence):
        draft.repeat = Recurrence(value)
    _store(context, draft)
    return await _show_card(update, context)


async def _change_when(
    update: Update, context: CaselineContext, draft: AppointmentDraft, which: str
) -> int:
    """📅 Day or 🕒 Time on the card: the card becomes the day or time buttons (◀ Back
    returns to it); the pick brings the card back with the new value."""
    assert draft.start is not None
    zone = zone_of(context)
    draft.correcting = True
    if which == "time":
        day = draft.start.astimezone(zone).date()
        draft.day = day.isoformat()
        _store(context, draft)
        await update.callback_query.edit_message_text(
            texts.appt_ask_time(day), reply_markup=time_keyboard(PREFIX, back=_back(draft))
        )
        return TIME
    _store(context, draft)
    await update.callback_query.edit_message_text(
        texts.appt_ask_other_day(f"{draft.start.astimezone(zone):%H:%M}"),
        reply_markup=day_keyboard(PREFIX, context, back=_back(draft)),
    )
    return DAY


async def place_typed(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    draft.place = typed_place(update)
    _store(context, draft)
    return await _show_card(update, context, new_message=True)


async def _save(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    assert draft.client is not None and draft.start is not None
    zone = zone_of(context)
    result = await usecases.schedule_appointment(
        context.services,
        context.require_actor(),
        client_id=draft.client.id,
        starts_at=draft.start,
        duration_minutes=draft.duration,
        kind=draft.kind,
        zone=zone,
        place=draft.place,
        recurrence=draft.repeat,
        token=draft.token,
    )
    if not isinstance(result, Saved | AlreadySaved):
        # Gone: the client moved on; Invalid cannot come from our buttons.
        await answer(update, texts.CLIENT_GONE, alert=True)
        return CARD
    view = views.appointment_card(
        result.value.appointment, result.value.client, zone, context.services.clock.now()
    )

    async def confirm() -> None:
        await answer(update, texts.APPT_SAVED_TOAST)
        await show(update, view)

    return await confirm_saved(update, context, confirm, DRAFT)


async def _save_reschedule(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    assert draft.start is not None
    result = await usecases.reschedule_appointment(
        context.services, context.require_actor(), draft.reschedule, draft.start
    )
    if not isinstance(result, Saved):
        await update.effective_message.reply_text(texts.APPOINTMENT_NOT_SCHEDULED)
        context.user_data.pop(DRAFT, None)
        return ConversationHandler.END
    view = views.appointment_card(
        *_pair(result.value), zone_of(context), context.services.clock.now()
    )
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
                CallbackQueryHandler(back_pressed, pattern=pattern(PREFIX) + "back:"),
                MessageHandler(text, day_typed),
                MessageHandler(other, text_expected),
            ],
            TIME: [
                CallbackQueryHandler(time_pressed, pattern=pattern(PREFIX) + "time:"),
                CallbackQueryHandler(option_pressed, pattern=pattern(PREFIX) + "at:"),
                CallbackQueryHandler(day_pressed, pattern=pattern(PREFIX) + "day:"),
                CallbackQueryHandler(back_pressed, pattern=pattern(PREFIX) + "back:"),
                MessageHandler(text, time_typed),
                MessageHandler(other, text_expected),
            ],
            PAST_OK: [CallbackQueryHandler(past_answered, pattern=pattern(PREFIX) + "pastok:")],
            CARD: [
                CallbackQueryHandler(
                    card_pressed,
                    pattern=pattern(PREFIX) + "(save|menu|place|dur|kind|rep|when):",
                ),
                CallbackQueryHandler(option_pressed, pattern=pattern(PREFIX) + "at:"),
                CallbackQueryHandler(day_pressed, pattern=pattern(PREFIX) + "day:"),
                MessageHandler(text, card_typed),
                MessageHandler(other, use_buttons),
            ],
            PLACE: [MessageHandler(text, place_typed), MessageHandler(other, text_expected)],
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
    )
