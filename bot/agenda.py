"""/today (the day in the morning agenda's sections), /week and the appointment card's
own buttons (open, no-show and its ↩ Undo, cancel).

/week pages a week at a time (`ag:wk:<week>`, ◀ ▶ up to a year ahead), and a client's
upcoming appointments are listed from the client card (`ag:up:<client>:<page>` below the
card, `ag:pg:…` paging in place): every future appointment can be opened (`ac:show`).

Done and Reschedule on the card open conversations (conversations/visit.py and
conversations/appointment.py); everything here is a single step that calls one use case
of domain/usecases/appointments.py and renders its result.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from domain.results import Invalid, Refused, Saved, Stale
from domain.rules import appointments as rules
from domain.usecases import appointments as usecases
from domain.usecases.appointments import Booked
from ui import agenda_views, texts, views
from ui.callbacks import pack, pattern, read_id, read_ids, unpack
from ui.client_card import say_not_found
from ui.context import CaselineContext, zone_of
from ui.i18n import in_sentence
from ui.replies import answer, remove_pressed_button, show
from ui.timefmt import short_day

WEEK_DAYS = 7


async def today_command(update: Update, context: CaselineContext) -> None:
    await _show_today(update, context)


async def today_below(update: Update, context: CaselineContext) -> None:
    """📅 Today under the morning agenda or a reminder: a new message, the agenda stays."""
    await _show_today(update, context, below=True)


async def _show_today(update: Update, context: CaselineContext, *, below: bool = False) -> None:
    """The day in the morning agenda's sections (ui/agenda_views.py builds both)."""
    zone = zone_of(context)
    day = await usecases.today_agenda(context.services, context.require_actor(), zone)
    first, *more = agenda_views.today(day, zone)
    await show(update, first, below=below)
    for page in more:
        await update.effective_message.reply_text(page.text)


async def week_command(update: Update, context: CaselineContext) -> None:
    await _show_week(update, context, 0)


async def week_page(update: Update, context: CaselineContext) -> None:
    """◀ ▶ under /week: that week, in place of the one shown."""
    week = unpack(update.callback_query.data).int_arg()
    if week is None or week > views.WEEKS_AHEAD:  # forged: our buttons stay within a year
        await answer(update, texts.STALE_BUTTON)
        return
    await answer(update)
    await _show_week(update, context, week)


async def _show_week(update: Update, context: CaselineContext, week: int) -> None:
    """The seven days from today + `week` weeks, with ◀ ▶ to the weeks around it."""
    zone = zone_of(context)
    days = await usecases.agenda_days(
        context.services, context.require_actor(), zone, WEEK_DAYS, first=week * WEEK_DAYS
    )
    title = texts.WEEK_TITLE
    if week:
        today = context.services.clock.now().astimezone(zone).date()
        title = texts.week_title(short_day(days[0][0], today), short_day(days[-1][0], today))
    view = views.agenda(title, days, zone, texts.NOTHING_TODAY, paging=views.week_paging(week))
    await show(update, view)


async def client_upcoming(update: Update, context: CaselineContext) -> None:
    """A page of a client's upcoming appointments: from the client card's “All upcoming”
    a new message below the card (`up`), its ◀ ▶ in place (`pg`). A client the worker may
    not see is refused as the card refuses it."""
    pressed = unpack(update.callback_query.data)
    ids = read_ids(pressed.arg, 2)
    client_id, page = ids if ids is not None else (None, 0)
    found = await usecases.client_upcoming(
        context.services, context.require_actor(), client_id, page, views.UPCOMING_PAGE
    )
    if not isinstance(found, usecases.Upcoming):
        await say_not_found(update, client_id)
        return
    await answer(update)
    view = views.client_upcoming(
        found.client,
        found.appointments,
        found.page,
        found.more,
        zone_of(context),
        context.services.clock.now(),
    )
    await show(update, view, below=pressed.action == "up")


async def card_button(update: Update, context: CaselineContext) -> None:
    """open, no-show, cancel (→ reasons), cancel with a reason (one, or the series).

    A press on a card that still shows an appointment as scheduled after it moved on
    (done, no-show, cancelled) acts on nothing: it redraws the card as it stands."""
    actor = context.require_actor()
    work = context.services
    pressed = unpack(update.callback_query.data)
    raw_id, _, extra = pressed.arg.partition(":")
    appointment_id = read_id(raw_id)
    result: Booked | Refused | Stale[Booked] | Saved[Booked]
    if pressed.action == "noshow":
        result = await usecases.mark_no_show(work, actor, appointment_id)
    elif pressed.action in ("cr", "crs"):
        reason = texts.CANCEL_REASONS.get(extra)
        if reason is None:  # forged: our buttons carry a known reason
            result = await usecases.open_appointment(work, actor, appointment_id)
            if isinstance(result, Booked):
                result = Refused()
        else:
            result = await usecases.cancel_appointment(
                work, actor, appointment_id, reason=reason, whole_series=pressed.action == "crs"
            )
    else:  # open, cancel
        result = await usecases.open_appointment(work, actor, appointment_id)
        if (
            pressed.action == "cancel"
            and isinstance(result, Booked)
            and not rules.is_scheduled(result.appointment.status)
        ):
            result = Stale(result)
    if isinstance(result, Refused):
        await _refused(update, appointment_id)
        return
    booked = result.current if isinstance(result, Stale) else result
    booked = booked.value if isinstance(booked, Saved) else booked
    view = views.appointment_card(
        booked.appointment,
        booked.client,
        zone_of(context),
        context.services.clock.now(),
        undo=pressed.action == "noshow",  # said on the card, with ↩ Undo for a minute
    )
    if isinstance(result, Stale):
        await answer(update, texts.APPOINTMENT_NOT_SCHEDULED, alert=True)
        await show(update, view)
        return
    if pressed.action == "cancel":
        await answer(update)
        await update.callback_query.edit_message_reply_markup(
            reply_markup=_cancel_reasons(
                booked.appointment.id, booked.appointment.series_id is not None
            )
        )
        return
    await answer(update, texts.NO_SHOW_RECORDED if pressed.action == "noshow" else None)
    # From the /today or /week list the card comes below: the list stays to go back to.
    await show(update, view, below=pressed.action == "show")


async def undo_no_show_pressed(update: Update, context: CaselineContext) -> None:
    """↩ Undo under a no-show: scheduled again within the minute; after it, told kindly
    what to do instead, and the button goes."""
    appointment_id = unpack(update.callback_query.data).int_arg()
    result = await usecases.undo_no_show(context.services, context.require_actor(), appointment_id)
    if isinstance(result, Refused):
        await _refused(update, appointment_id)
        return
    if isinstance(result, Invalid):
        await answer(update, texts.NO_SHOW_UNDO_TOO_LATE, alert=True)
        await remove_pressed_button(update)
        return
    # Stale: not a no-show (any more), e.g. a second tap: the card as it stands.
    booked = result.current if isinstance(result, Stale) else result.value
    await answer(update, None if isinstance(result, Stale) else texts.NO_SHOW_UNDONE_TOAST)
    await show(
        update,
        views.appointment_card(
            booked.appointment, booked.client, zone_of(context), context.services.clock.now()
        ),
    )


def _cancel_reasons(appointment_id: int, recurring: bool) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(label, callback_data=pack("ac", "cr", f"{appointment_id}:{code}"))]
        for code, label in texts.CANCEL_REASONS.items()
    ]
    if recurring:
        rows.append(
            [
                InlineKeyboardButton(
                    f"{texts.WHOLE_SERIES} ({in_sentence(label)})",
                    callback_data=pack("ac", "crs", f"{appointment_id}:{code}"),
                )
                for code, label in list(texts.CANCEL_REASONS.items())[:1]
            ]
        )
    rows.append(
        [InlineKeyboardButton(texts.BACK, callback_data=pack("ac", "open", appointment_id))]
    )
    return InlineKeyboardMarkup(rows)


def handlers() -> list:
    return [
        CommandHandler("today", today_command),
        CommandHandler("week", week_command),
        CallbackQueryHandler(
            card_button, pattern=pattern("ac") + "(open|show|noshow|cancel|cr|crs):"
        ),
        CallbackQueryHandler(week_page, pattern=pattern("ag") + "wk:"),
        CallbackQueryHandler(client_upcoming, pattern=pattern("ag") + "(up|pg):"),
        CallbackQueryHandler(undo_no_show_pressed, pattern=pattern("ac") + "undo:"),
    ]


async def _refused(update: Update, appointment_id: int | None) -> None:
    """Not the worker's to act on, or gone: one alert, never which it was."""
    await answer(
        update,
        texts.APPOINTMENT_NOT_SCHEDULED if appointment_id else texts.STALE_BUTTON,
        alert=True,
    )
