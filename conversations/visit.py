"""/visit — log a visit that happened; ✅ Done on an appointment card opens it pre-filled.

/visit [C-0042|name] ─► CLIENT ─► WHEN ─(Now / 1 h ago / … / typed “2h ago”)─► CARD
✅ Done on an appointment ─(started)──────────────────────────────► CARD (pre-filled)
                          └(not yet)─► LOG_NOW “Log it as happened now?”
                                          ├─(yes: the visit starts now)─► CARD
                                          └─(no: stays scheduled)───────► END
CARD: ✅ Save · 🕒 When ─► WHEN (◀ Back) ─► CARD · ⏱ Duration · Kind · 📍 Place ─(text)─► CARD
      · Outcome · 📝 Note ─(text)─► CARD          (every field correctable before saving)
Save ─► END: the visit is recorded; a completed one moves the client's last contact;
        the appointment card ✅ Done was pressed on is redrawn as it now stands. The
        confirmation repeats what was saved, with ↩ Undo for a minute and ✏️ Amend.
Save, a scheduled appointment of the client within 90 min ─► SAME “Is this the 14:00 visit?”
        ├─(yes)─► it is completed, no second record ─► END
        └─(no)──► a separate visit is logged ─► END

🏁 Check out on a checked-in appointment ─► CHECK_OUT: its location (conversations/evv.py
        asks and reads it) ─► checked out ─► CARD pre-filled with the check-in and
        check-out's times; a time changed on the card ─► TIME_REASON "Why?" ─(text)─► saved

[↩ Undo] on a saved visit (a button outside the dialog) ─► taken back: its appointment
        scheduled again as planned, or (a visit of its own) withdrawn; or "too late"
[✏️ Amend] on a saved visit (outside the dialog) ─► the right duration (the first kept in
        the audit line), or 📝 its note ─► conversations/amend.py on that note: the
        correction is added, the original stays, with who and when

Every write goes through domain/usecases/appointments.py (start_visit, log_visit,
undo_visit, amend_visit_duration).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from conversations import cards, drafts, evv
from conversations.common import confirm_saved, conversation, text_expected, use_buttons
from conversations.pickers import (
    DURATIONS,
    ClientRef,
    ask_client,
    card_pattern,
    client_from_args,
    client_from_press,
    client_step,
    duration_keyboard,
    kind_keyboard,
    moment_from_stamp,
    moment_from_text,
    typed_place,
)
from domain.results import Confirm, Gone, Invalid, Refused, Stale
from domain.rules.appointments import DEFAULT_KIND, DEFAULT_MINUTES, undoable
from domain.rules.evv import visit_minutes
from domain.usecases import appointments as usecases
from storage import appointments, notes
from storage.kinds import AppointmentStatus, InteractionType
from ui import privacy, texts, views
from ui.callbacks import pack, pattern, read_ids, unpack
from ui.context import CaselineContext, zone_of
from ui.replies import answer, edit_message, remove_pressed_button, show
from ui.timefmt import short_datetime

CLIENT, WHEN, CARD, NOTE, LOG_NOW, SAME, PLACE, CHECK_OUT, TIME_REASON = range(9)
PREFIX = "vs"
SAVED_PREFIX = "vu"  # the buttons under a saved visit, outside the dialog
DRAFT = "visit"
DEFAULT_DURATION = DEFAULT_MINUTES
VISIT_KINDS = (
    InteractionType.HOME_VISIT,
    InteractionType.OFFICE,
    InteractionType.PHONE,
    InteractionType.VIDEO,
)
OUTCOMES = (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED)


@dataclass
class VisitDraft(cards.Draft):
    """What the visit card holds; stored in user_data as the plain dict `to_json` makes
    (the keys the first version stored, so its drafts — kept ones too — still load)."""

    client: ClientRef | None = None
    start: datetime | None = None
    duration: int = DEFAULT_DURATION
    kind: InteractionType = DEFAULT_KIND
    outcome: AppointmentStatus = AppointmentStatus.COMPLETED
    parts: list[str] = field(default_factory=list)  # the note, message by message
    appointment: int | None = None  # the appointment this visit completes
    card: tuple[int, int] | None = None  # (chat, message) of the card ✅ Done was pressed on
    offered: int | None = None  # the appointment asked about ("Is this the 14:00 visit?")
    declined: list[int] = field(default_factory=list)  # appointments it is not
    place: str | None = None
    # What the worker set on the card ("start", "duration", "kind", "place"); the rest is
    # as planned.
    chosen: list[str] = field(default_factory=list)
    # What a check-in and check-out recorded ("start", "duration"): it stands, and a
    # change of it on the card needs a reason (`edit_reason`).
    checked: list[str] = field(default_factory=list)
    edit_reason: str | None = None

    @property
    def note(self) -> str:
        return "\n\n".join(self.parts)

    def to_json(self) -> dict[str, Any]:
        data = self.common_json() | {
            "duration": self.duration,
            "kind": self.kind.value,
            "outcome": self.outcome.value,
            "parts": list(self.parts),
        }
        optional: dict[str, Any] = {
            "client": self.client.to_json() if self.client is not None else None,
            "start": self.start.isoformat() if self.start is not None else None,
            "appointment": self.appointment,
            "card": list(self.card) if self.card is not None else None,
            "offered": self.offered,
            "declined": list(self.declined) or None,
            "chosen": list(self.chosen) or None,
            "checked": list(self.checked) or None,
            "edit_reason": self.edit_reason,
            "place": self.place,
        }
        return data | {key: value for key, value in optional.items() if value is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VisitDraft:
        kind, outcome, duration = data.get("kind"), data.get("outcome"), data.get("duration")
        card = data.get("card")
        return cls(
            **cls.common_from(data),
            client=ClientRef.from_json(data["client"]) if data.get("client") else None,
            start=datetime.fromisoformat(data["start"]) if data.get("start") else None,
            duration=duration if isinstance(duration, int) else DEFAULT_DURATION,
            kind=InteractionType(kind) if kind in set(InteractionType) else DEFAULT_KIND,
            outcome=AppointmentStatus(outcome)
            if outcome in set(AppointmentStatus)
            else AppointmentStatus.COMPLETED,
            parts=[str(part) for part in data.get("parts") or []],
            chosen=[str(key) for key in data.get("chosen") or []],
            checked=[str(key) for key in data.get("checked") or []],
            edit_reason=str(data["edit_reason"]) if data.get("edit_reason") else None,
            place=str(data["place"]) if data.get("place") else None,
            appointment=_int_or_none(data.get("appointment")),
            card=(int(card[0]), int(card[1]))
            if isinstance(card, list) and len(card) == 2
            else None,
            offered=_int_or_none(data.get("offered")),
            declined=[int(i) for i in data.get("declined") or [] if isinstance(i, int)],
        )


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _draft(context: CaselineContext) -> VisitDraft:
    return VisitDraft.from_json(context.user_data.get(DRAFT) or {})


def _store(context: CaselineContext, draft: VisitDraft) -> None:
    context.user_data[DRAFT] = draft.to_json()


def _button(label: str, action: str, arg: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, arg))


async def start(update: Update, context: CaselineContext) -> int:
    context.require_actor()
    if context.args:
        # `/visit maria`, `/visit C-0042`: that client; a visit kept aside stays kept.
        _store(context, VisitDraft())
        words = " ".join(context.args)
        ref = await client_from_args(update, context, PREFIX, words, texts.VISIT_ASK_CLIENT)
        return CLIENT if ref is None else await _client_chosen(update, context, ref)
    kept = drafts.take(context, DRAFT)
    if kept and "client" in kept:
        draft = VisitDraft.from_json(kept)
        _store(context, draft)
        if draft.start is not None:
            await update.effective_message.reply_text(texts.DRAFT_RESUMED)
            return await _show_card(update, context, new_message=True)
        assert draft.client is not None
        return await _client_chosen(update, context, draft.client)
    _store(context, VisitDraft())
    await ask_client(update, context, PREFIX, texts.VISIT_ASK_CLIENT)
    return CLIENT


async def from_card(update: Update, context: CaselineContext) -> int:
    ref = await client_from_press(update, context)
    if ref is None:
        return ConversationHandler.END
    _store(context, VisitDraft())
    return await _client_chosen(update, context, ref)


async def from_appointment(update: Update, context: CaselineContext) -> int:
    """✅ Done on an appointment card."""
    query = update.callback_query
    result = await usecases.start_visit(
        context.services, context.require_actor(), unpack(query.data).int_arg()
    )
    if isinstance(result, Refused | Stale):
        await answer(update, texts.APPOINTMENT_NOT_SCHEDULED, alert=True)
        if isinstance(result, Stale):  # an outdated card: show it as it stands now
            booked = result.current
            await show(
                update, views.appointment_card(booked.appointment, booked.client, zone_of(context))
            )
        return ConversationHandler.END
    await answer(update)
    booked = result.about if isinstance(result, Confirm) else result
    appointment = booked.appointment
    _store(context, _prefilled(booked, query.message))
    if isinstance(result, Confirm):  # not started yet: never log a future contact
        keyboard = InlineKeyboardMarkup(
            # One per row: side by side, a phone cuts the labels short.
            [[_button(texts.LOG_NOW_YES, "now", "yes")], [_button(texts.LOG_NOW_NO, "now", "no")]]
        )
        await update.effective_message.reply_text(
            texts.visit_log_now(
                short_datetime(appointment.starts_at, zone_of(context)),
                appointment.duration_minutes,
                appointment.kind,
            ),
            reply_markup=keyboard,
        )
        return LOG_NOW
    return await _show_card(update, context, new_message=True)


def _prefilled(booked: usecases.Booked, pressed_on: object) -> VisitDraft:
    """The visit log of an appointment: as planned, with what a check-in (the start) and
    a check-out (the length) recorded instead."""
    appointment = booked.appointment
    draft = VisitDraft(
        client=ClientRef.of(booked.client),
        start=appointment.check_in_at or appointment.starts_at,
        duration=appointment.duration_minutes,
        kind=InteractionType(appointment.kind),
        place=appointment.place,
        appointment=appointment.id,
        card=(pressed_on.chat.id, pressed_on.message_id)
        if isinstance(pressed_on, Message)
        else None,
    )
    if appointment.check_in_at is not None:
        draft.checked.append("start")
        if appointment.check_out_at is not None:
            draft.duration = visit_minutes(appointment.check_in_at, appointment.check_out_at)
            draft.checked.append("duration")
    return draft


async def from_check_out(update: Update, context: CaselineContext) -> int:
    """🏁 Check out on an appointment card: its location first (conversations/evv.py)."""
    booked = await evv.ask_check_out(update, context)
    if booked is None:
        return ConversationHandler.END
    _store(context, _prefilled(booked, update.callback_query.message))
    return CHECK_OUT


async def checked_out(update: Update, context: CaselineContext) -> int:
    """The location answering 🏁: checked out, then the visit log pre-filled from both."""
    draft = _draft(context)
    read = await evv.read_check_out(update, context, draft.appointment)
    if read == evv.CANCEL:
        context.user_data.pop(DRAFT, None)
        return ConversationHandler.END
    if not isinstance(read, usecases.Booked):
        return CHECK_OUT
    prefilled = _prefilled(read, None)
    prefilled.card, prefilled.token = draft.card, draft.token
    _store(context, prefilled)
    return await _show_card(update, context, new_message=True)


async def reason_typed(update: Update, context: CaselineContext) -> int:
    """Why the checked-in times were changed on the card: on the card, to ✅ Save with."""
    draft = _draft(context)
    draft.edit_reason = (update.effective_message.text or "").strip()[:500] or None
    _store(context, draft)
    if draft.edit_reason is None:
        return TIME_REASON
    return await _show_card(update, context, new_message=True)


async def log_now_answered(update: Update, context: CaselineContext) -> int:
    """Yes: the visit happened now (its start moves to now); No: it stays scheduled."""
    await answer(update)
    draft = _draft(context)
    if unpack(update.callback_query.data).arg != "yes" or draft.client is None:
        context.user_data.pop(DRAFT, None)
        await update.callback_query.edit_message_text(texts.VISIT_LEFT_SCHEDULED)
        return ConversationHandler.END
    draft.start = context.services.clock.now()
    _store(context, draft)
    return await _show_card(update, context)


async def _client_chosen(update: Update, context: CaselineContext, ref: ClientRef) -> int:
    draft = _draft(context)
    draft.client = ref
    _store(context, draft)
    await update.effective_message.reply_text(
        texts.visit_ask_when(ref.code, privacy.client_name(ref)),
        reply_markup=_when_keyboard(back=False),
    )
    return WHEN


def _when_keyboard(*, back: bool) -> InlineKeyboardMarkup:
    choices = [_button(label, "ago", minutes) for label, minutes in texts.WHEN_CHOICES]
    rows = [choices[:2], choices[2:]]  # two to a row: four cut each other short on a phone
    if back:  # correcting the time from the card: or leave it as it was
        rows.append([_button(texts.BACK, "back")])
    return InlineKeyboardMarkup(rows)


async def _when_chosen(
    update: Update, context: CaselineContext, moment: datetime, *, new_message: bool = False
) -> int:
    draft = _draft(context)
    if draft.start is not None:  # a correction on the card: it stands, even for a plan
        draft.chosen.append("start")
    draft.start = moment
    _store(context, draft)
    return await _show_card(update, context, new_message=new_message)


async def back_to_card(update: Update, context: CaselineContext) -> int:
    await answer(update)
    if _draft(context).start is None:
        return WHEN
    return await _show_card(update, context)


async def ago_pressed(update: Update, context: CaselineContext) -> int:
    minutes = unpack(update.callback_query.data).int_arg()
    if minutes is None or minutes > 7 * 24 * 60:
        await answer(update, texts.STALE_BUTTON)
        return WHEN
    await answer(update)
    return await _when_chosen(
        update, context, context.services.clock.now() - timedelta(minutes=minutes)
    )


async def when_typed(update: Update, context: CaselineContext) -> int:
    parsed = await moment_from_text(update, context, PREFIX, "past")
    if parsed is None:
        return WHEN
    if parsed.moment > context.services.clock.now():
        await update.effective_message.reply_text(texts.VISIT_WHEN_FUTURE)
        return WHEN
    return await _when_chosen(update, context, parsed.moment, new_message=True)


async def option_pressed(update: Update, context: CaselineContext) -> int:
    moment = moment_from_stamp(update, context)
    await answer(update)
    if moment is None or moment > context.services.clock.now():
        return WHEN
    return await _when_chosen(update, context, moment)


def _card(draft: VisitDraft, zone: ZoneInfo, now: datetime) -> tuple[str, InlineKeyboardMarkup]:
    """The draft as a card; its ✅ Save carries a new revision (store the draft after)."""
    assert draft.client is not None and draft.start is not None
    ref = draft.client
    lines = [
        f"<b>{texts.VISIT} · {escape(privacy.code_and_name(ref))}</b>",
        f"{short_datetime(draft.start, zone, now)} · {texts.minutes(draft.duration)} · "
        f"{texts.INTERACTION_NAMES[draft.kind]}",
        f"{texts.OUTCOME}: {texts.APPOINTMENT_STATUS_NAMES[draft.outcome]}",
    ]
    if draft.place:
        lines.append(f"{texts.PLACE}: {privacy.shown_html(draft.place)}")
    if "duration" in draft.checked:
        end = draft.start + timedelta(minutes=draft.duration)
        lines.append(
            texts.visit_checked(
                f"{draft.start.astimezone(zone):%H:%M}", f"{end.astimezone(zone):%H:%M}"
            )
        )
    if draft.edit_reason:
        lines.append(f"✏️ {privacy.shown_html(draft.edit_reason)}")
    body = draft.note
    if body and privacy.strict():
        lines += ["", f"📝 {texts.characters(len(body))}"]
    elif body:
        lines += ["", f"📝 {escape(body[:300])}" + ("…" if len(body) > 300 else "")]
    # Strict mode: the visit's note is written in the Mini App once the visit is logged.
    outcome_row = [_button(texts.OUTCOME_BUTTON, "menu", "out")]
    if not privacy.strict():
        outcome_row.append(_button(texts.ADD_NOTE, "note"))
    keyboard = InlineKeyboardMarkup(
        [
            [_button(texts.SAVE, "save", draft.revise())],
            [_button(texts.WHEN_BUTTON, "menu", "when"), _button(texts.DURATION, "menu", "dur")],
            [_button(texts.KIND, "menu", "kind"), _button(texts.PLACE_BUTTON, "place")],
            outcome_row,
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
    if pressed.action == "menu" and pressed.arg == "when":
        await cards.show(
            update,
            texts.visit_ask_when(draft.client.code, privacy.client_name(draft.client)),
            _when_keyboard(back=True),
        )
        return WHEN
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
    if pressed.action == "place":
        await update.effective_message.reply_text(texts.VISIT_ASK_PLACE)
        return PLACE
    duration = pressed.int_arg()
    if pressed.action == "dur" and duration is not None and duration in appointments.DURATION_RANGE:
        draft.duration = duration
        draft.chosen.append("duration")
    elif pressed.action == "kind" and pressed.arg in {kind.value for kind in VISIT_KINDS}:
        draft.kind = InteractionType(pressed.arg)
        draft.chosen.append("kind")
    elif pressed.action == "out" and pressed.arg in {o.value for o in OUTCOMES}:
        draft.outcome = AppointmentStatus(pressed.arg)
    _store(context, draft)
    return await _show_card(update, context)


async def note_typed(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    text = update.effective_message.text or ""
    if len(draft.note) + len(text) > notes.TEXT_MAX:
        await update.effective_message.reply_text(texts.note_too_long(notes.TEXT_MAX))
        return CARD
    draft.parts.append(text)
    _store(context, draft)
    await _show_card(update, context, new_message=True)
    return NOTE


async def place_typed(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    draft.place = typed_place(update)
    draft.chosen.append("place")
    _store(context, draft)
    return await _show_card(update, context, new_message=True)


async def same_answered(update: Update, context: CaselineContext) -> int:
    """ "Is this the 14:00 visit?": yes completes it, no logs a separate visit."""
    draft = _draft(context)
    choice = unpack(update.callback_query.data)
    if draft.offered is None or draft.client is None or draft.start is None:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    if choice.arg == "no":
        draft.declined.append(draft.offered)
    elif choice.int_arg() == draft.offered:
        draft.appointment = draft.offered
    else:
        await answer(update, texts.STALE_BUTTON)
        return SAME
    draft.offered = None
    _store(context, draft)
    return await _save(update, context)


async def _save(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    assert draft.client is not None and draft.start is not None
    zone = zone_of(context)
    if set(draft.chosen) & set(draft.checked) and not draft.edit_reason:
        await answer(update)  # a time the phone recorded, changed: why?
        await update.effective_message.reply_text(texts.TIME_EDIT_ASK)
        return TIME_REASON
    kept = {*draft.chosen, *draft.checked}
    entry = usecases.VisitEntry(
        client_id=draft.client.id,
        starts_at=draft.start,
        duration_minutes=draft.duration if "duration" in kept else None,
        kind=draft.kind if "kind" in draft.chosen else None,
        outcome=draft.outcome,
        note=draft.note,
        place=draft.place if "place" in draft.chosen else None,
        start_chosen="start" in kept,
        appointment_id=draft.appointment,
        declined=tuple(draft.declined),
        time_edit_reason=draft.edit_reason,
    )
    result = await usecases.log_visit(
        context.services, context.require_actor(), entry, token=draft.token
    )
    if isinstance(result, Gone):
        await answer(update, texts.CLIENT_GONE, alert=True)
        return CARD
    if isinstance(result, Invalid):
        reason = texts.VISIT_WHEN_FUTURE if result.reason == usecases.FUTURE else texts.STALE_BUTTON
        await answer(update, reason, alert=True)
        return CARD
    if isinstance(result, Stale):
        await answer(update, texts.APPOINTMENT_NOT_SCHEDULED, alert=True)
        context.user_data.pop(DRAFT, None)
        await _redraw_appointment(context, draft, result.current, zone)
        return ConversationHandler.END
    if isinstance(result, Confirm):
        await answer(update)
        offered = result.about.appointment
        draft.offered = offered.id
        _store(context, draft)
        at = f"{offered.starts_at.astimezone(zone):%H:%M}"
        keyboard = InlineKeyboardMarkup(
            [
                [_button(texts.visit_same_yes(at), "same", offered.id)],
                [_button(texts.SAME_VISIT_NO, "same", "no")],
                [_button(texts.CANCEL, "cancel")],
            ]
        )
        kind = texts.KIND_NAMES.get(offered.kind, offered.kind)
        question = texts.visit_same(at, draft.client.code, privacy.client_name(draft.client), kind)
        await cards.show(update, question, keyboard)
        return SAME
    saved = result.value  # Saved, or AlreadySaved (a Save repeated after a crash)
    note = draft.note

    async def confirm() -> None:
        await answer(update, texts.VISIT_SAVED_TOAST)
        text, keyboard = _saved_view(saved, note, zone, context.services.clock.now())
        await update.callback_query.edit_message_text(text, reply_markup=keyboard)

    ended = await confirm_saved(update, context, confirm, DRAFT)
    await _redraw_appointment(context, draft, saved, zone)
    return ended


def _saved_view(
    saved: usecases.Booked, note: str, zone: ZoneInfo, now: datetime
) -> tuple[str, InlineKeyboardMarkup]:
    """A saved visit, all of what was saved, with ↩ Undo while its minute lasts, ✏️ Amend
    (its duration, or a correction to its note; the original stays) and 👤 Client."""
    visit, client = saved.appointment, saved.client
    text = texts.visit_saved(
        client.code,
        privacy.client_name(client),
        short_datetime(visit.starts_at, zone, now),
        AppointmentStatus(visit.status),
        visit.duration_minutes,
        visit.kind,
        privacy.record_text(note) or "",
        privacy.record_text(visit.place),
    )
    row = [
        _saved_button(texts.AMEND, "amend", visit.id),
        InlineKeyboardButton(texts.OPEN_CLIENT, callback_data=pack("cl", "n", client.id)),
    ]
    opened = privacy.webapp_button(client.id) if privacy.strict() else None
    if opened is not None:  # the visit's note, written and read in the Mini App
        row.append(opened)
    if undoable(visit.status, visit.completed_at, now):
        row.insert(0, _saved_button(texts.UNDO, "undo", visit.id))
    return text, InlineKeyboardMarkup([row])


def _saved_button(label: str, action: str, arg: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(SAVED_PREFIX, action, arg))


async def undo_pressed(update: Update, context: CaselineContext) -> None:
    """↩ Undo under a saved visit: taken back within the minute; after it, told to amend
    instead, and the button goes."""
    visit_id = unpack(update.callback_query.data).int_arg()
    result = await usecases.undo_visit(context.services, context.require_actor(), visit_id)
    if isinstance(result, Refused):
        await answer(update, texts.NOT_ALLOWED, alert=True)
        return
    if isinstance(result, Invalid):
        await answer(update, texts.VISIT_UNDO_TOO_LATE, alert=True)
        await remove_pressed_button(update)
        return
    await answer(update, texts.VISIT_UNDONE_TOAST)
    visit, client = result.value.appointment, result.value.client
    zone = zone_of(context)
    if visit.status == AppointmentStatus.WITHDRAWN:
        when = short_datetime(visit.starts_at, zone, context.services.clock.now())
        await update.callback_query.edit_message_text(texts.visit_withdrawn(client.code, when))
        return
    # Its appointment is scheduled again: shown with its buttons, to log it again.
    view = views.appointment_card(visit, client, zone, context.services.clock.now())
    await update.callback_query.edit_message_text(
        f"{texts.VISIT_UNDONE_SCHEDULED}\n\n{view.text}", reply_markup=view.keyboard
    )


async def amend_pressed(update: Update, context: CaselineContext) -> None:
    """✏️ Amend under a saved visit: below it, the right duration, or 📝 its note (the
    note's own amend dialog)."""
    visit_id = unpack(update.callback_query.data).int_arg()
    result = await usecases.visit_to_amend(context.services, context.require_actor(), visit_id)
    if isinstance(result, Refused):
        await answer(update, texts.NOT_ALLOWED, alert=True)
        return
    if isinstance(result, Invalid):
        await answer(update, texts.VISIT_TAKEN_BACK, alert=True)
        return
    await answer(update)
    visit = result.appointment
    durations = [
        _saved_button(texts.minutes(minutes), "dur", f"{visit.id}:{minutes}")
        for minutes in DURATIONS
    ]
    rows = [durations[:3], durations[3:]]
    if result.note_id is not None:
        rows.append(
            [
                InlineKeyboardButton(
                    texts.VISIT_NOTE_CORRECTION, callback_data=pack("am", "start", result.note_id)
                )
            ]
        )
    when = short_datetime(visit.starts_at, zone_of(context), context.services.clock.now())
    await update.effective_message.reply_text(
        texts.visit_amend_ask(when, visit.duration_minutes, result.note_id is not None),
        reply_markup=InlineKeyboardMarkup(rows),
    )


async def duration_pressed(update: Update, context: CaselineContext) -> None:
    """The right duration of a saved visit, tapped under ✏️ Amend."""
    ids = read_ids(unpack(update.callback_query.data).arg, 2)
    visit_id, minutes = ids if ids is not None else (None, None)
    result = await usecases.amend_visit_duration(
        context.services, context.require_actor(), visit_id, minutes
    )
    if isinstance(result, Refused):
        await answer(update, texts.NOT_ALLOWED, alert=True)
        return
    if isinstance(result, Invalid):
        taken_back = result.reason == usecases.TOO_LATE
        await answer(update, texts.VISIT_TAKEN_BACK if taken_back else texts.STALE_BUTTON)
        return
    await answer(update, texts.VISIT_DURATION_AMENDED_TOAST)
    visit = result.value.appointment
    when = short_datetime(visit.starts_at, zone_of(context), context.services.clock.now())
    await update.callback_query.edit_message_text(
        texts.visit_duration_amended(when, visit.duration_minutes)
    )


def button_handlers() -> list[CallbackQueryHandler[CaselineContext, None]]:
    """Buttons on a saved visit, outside the dialog: ↩ Undo and ✏️ Amend (its duration;
    a correction to its note is amend.py's dialog)."""
    return [
        CallbackQueryHandler(undo_pressed, pattern=pattern(SAVED_PREFIX) + "undo:"),
        CallbackQueryHandler(amend_pressed, pattern=pattern(SAVED_PREFIX) + "amend:"),
        CallbackQueryHandler(duration_pressed, pattern=pattern(SAVED_PREFIX) + "dur:"),
    ]


async def _redraw_appointment(
    context: CaselineContext, draft: VisitDraft, booked: usecases.Booked, zone: ZoneInfo
) -> None:
    """The appointment card ✅ Done was pressed on, edited to say how it stands now
    (no scheduled-only buttons left on a visit already logged)."""
    if draft.card is None:
        return
    chat_id, message_id = draft.card
    view = views.appointment_card(booked.appointment, booked.client, zone)
    await edit_message(context.bot, chat_id, message_id, view)


def handler(timeout_minutes: int) -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND
    card_buttons = pattern(PREFIX) + "(save|menu|note|place|dur|kind|out):"
    return conversation(
        PREFIX,
        entry_points=[
            CommandHandler("visit", start),
            CallbackQueryHandler(from_card, pattern=card_pattern("visit")),
            CallbackQueryHandler(from_appointment, pattern=pattern("ac") + "done:"),
            CallbackQueryHandler(from_check_out, pattern=pattern(evv.PREFIX) + "out:"),
        ],
        states={
            CLIENT: client_step(PREFIX, CLIENT, _client_chosen),
            WHEN: [
                CallbackQueryHandler(ago_pressed, pattern=pattern(PREFIX) + "ago:"),
                CallbackQueryHandler(option_pressed, pattern=pattern(PREFIX) + "at:"),
                CallbackQueryHandler(back_to_card, pattern=pattern(PREFIX) + "back:"),
                MessageHandler(text, when_typed),
                MessageHandler(other, text_expected),
            ],
            CARD: [
                CallbackQueryHandler(card_pressed, pattern=card_buttons),
                MessageHandler(other, use_buttons),
            ],
            NOTE: [
                CallbackQueryHandler(card_pressed, pattern=card_buttons),
                MessageHandler(text, note_typed),
                MessageHandler(other, text_expected),
            ],
            PLACE: [MessageHandler(text, place_typed), MessageHandler(other, text_expected)],
            LOG_NOW: [
                CallbackQueryHandler(log_now_answered, pattern=pattern(PREFIX) + "now:"),
                MessageHandler(other, use_buttons),
            ],
            SAME: [
                CallbackQueryHandler(same_answered, pattern=pattern(PREFIX) + "same:"),
                MessageHandler(other, use_buttons),
            ],
            CHECK_OUT: [
                CommandHandler("cancel", evv.cancelled),
                MessageHandler(other & ~filters.UpdateType.EDITED, checked_out),
            ],
            TIME_REASON: [
                CallbackQueryHandler(card_pressed, pattern=card_buttons),
                MessageHandler(text, reason_typed),
                MessageHandler(other, text_expected),
            ],
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
        text_key="parts",
    )
