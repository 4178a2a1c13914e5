"""/today, /week and the appointment card's own buttons (open, no-show, cancel).

Done and Reschedule on the card open conversations (conversations/visit.py and
conversations/appointment.py); everything here is a single step.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from storage import appointments, audit
from storage.models import AppointmentStatus
from ui import texts, views
from ui.callbacks import pack, pattern, read_id, unpack
from ui.context import CaselineContext, zone_of
from ui.replies import answer, show

WEEK_DAYS = 7


def _local_midnight(moment: datetime, zone) -> datetime:
    local = moment.astimezone(zone)
    return datetime.combine(local.date(), time(0), tzinfo=zone)


async def today_command(update: Update, context: CaselineContext) -> None:
    await _show_days(update, context, 1, texts.TODAY_TITLE)


async def week_command(update: Update, context: CaselineContext) -> None:
    await _show_days(update, context, WEEK_DAYS, texts.WEEK_TITLE)


async def _show_days(update: Update, context: CaselineContext, count: int, title: str) -> None:
    actor = context.require_actor()
    zone = zone_of(context)
    start = _local_midnight(context.services.clock.now(), zone)
    days = []
    async with context.services.db.session() as session:
        # Day by day in local time: a DST day has 23 or 25 hours.
        for offset in range(count):
            day = (start + timedelta(days=offset)).date()
            begin = datetime.combine(day, time(0), tzinfo=zone)
            end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
            items = await appointments.agenda(session, actor.id, begin, end)
            days.append((day, items))
    await show(update, views.agenda(title, days, zone, texts.NOTHING_TODAY))


async def card_button(update: Update, context: CaselineContext) -> None:
    actor = context.require_actor()
    pressed = unpack(update.callback_query.data)
    raw_id, _, extra = pressed.arg.partition(":")
    appointment_id = read_id(raw_id)
    now = context.services.clock.now()
    async with context.services.db.session() as session:
        found = await appointments.get_visible_or_refuse(
            session, actor, appointment_id, "appointment.view", now
        )
        if found is not None:
            appointment, client = found
            if pressed.action == "noshow":
                if appointment.status != AppointmentStatus.SCHEDULED:
                    found = None
                else:
                    await appointments.finish(
                        session, appointment, client, status=AppointmentStatus.NO_SHOW, now=now
                    )
                    await _audit_change(session, actor.id, appointment, "appointment.no_show", now)
            elif pressed.action in ("cr", "crs"):
                reason = texts.CANCEL_REASONS.get(extra)
                if appointment.status != AppointmentStatus.SCHEDULED or reason is None:
                    found = None
                else:
                    await appointments.cancel(
                        session,
                        appointment,
                        reason=reason,
                        whole_series=pressed.action == "crs",
                        now=now,
                    )
                    await _audit_change(session, actor.id, appointment, "appointment.cancel", now)
    if found is None:
        await answer(
            update,
            texts.APPOINTMENT_NOT_SCHEDULED if appointment_id else texts.STALE_BUTTON,
            alert=True,
        )
        return
    if pressed.action == "cancel":
        if appointment.status != AppointmentStatus.SCHEDULED:
            await answer(update, texts.APPOINTMENT_NOT_SCHEDULED, alert=True)
            return
        await answer(update)
        await update.callback_query.edit_message_reply_markup(
            reply_markup=_cancel_reasons(appointment.id, appointment.series_id is not None)
        )
        return
    await answer(update, texts.NO_SHOW_RECORDED if pressed.action == "noshow" else None)
    await show(update, views.appointment_card(appointment, client, zone_of(context)))


def _cancel_reasons(appointment_id: int, recurring: bool) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(label, callback_data=pack("ac", "cr", f"{appointment_id}:{code}"))]
        for code, label in texts.CANCEL_REASONS.items()
    ]
    if recurring:
        rows.append(
            [
                InlineKeyboardButton(
                    f"{texts.WHOLE_SERIES} ({label.lower()})",
                    callback_data=pack("ac", "crs", f"{appointment_id}:{code}"),
                )
                for code, label in list(texts.CANCEL_REASONS.items())[:1]
            ]
        )
    rows.append(
        [InlineKeyboardButton(texts.BACK, callback_data=pack("ac", "open", appointment_id))]
    )
    return InlineKeyboardMarkup(rows)


async def _audit_change(session, actor_id: int, appointment, action: str, now: datetime) -> None:
    await audit.record(
        session,
        action,
        now=now,
        actor_id=actor_id,
        subject_type="appointment",
        subject_id=appointment.id,
        client_id=appointment.client_id,
    )


def handlers() -> list:
    return [
        CommandHandler("today", today_command),
        CommandHandler("week", week_command),
        CallbackQueryHandler(card_button, pattern=pattern("ac") + "(open|noshow|cancel|cr|crs):"),
    ]
