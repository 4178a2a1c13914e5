"""The buttons under a pushed reminder: 💤 snooze and 📋 today.

Each press calls one use case (domain/usecases/reminders.py) and answers Telegram
after it returned, its transaction committed.
"""

from __future__ import annotations

from typing import cast

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.reminders.rendering import appointment_view
from domain.results import AlreadySaved, Refused, Saved, Stale
from domain.usecases import reminders as usecases
from domain.usecases.reminders import SnoozeOption
from ui import texts
from ui.callbacks import pattern, read_id, unpack
from ui.context import CaselineContext
from ui.replies import answer, edit_pressed, remove_keyboard
from ui.timefmt import weekday_time


async def reminder_button(update: Update, context: CaselineContext) -> None:
    actor = context.require_actor()
    pressed = unpack(update.callback_query.data)
    raw_id, _, raw_option = pressed.arg.partition(":")
    row_id = read_id(raw_id)
    work = context.services
    if pressed.action == "today":
        if await usecases.open_today(work, actor, row_id) is None:
            await answer(update)
            from bot.agenda import today_below

            await today_below(update, context)
            return
        result: usecases.SnoozeResult = Refused("reminder")
    elif pressed.action == "snz":
        option = SnoozeOption(raw_option) if raw_option in set(SnoozeOption) else None
        result = await usecases.snooze_reminder(work, actor, row_id, option)
    else:
        result = await usecases.refuse_button(work, actor, row_id)
    match result:
        case Saved(snoozed):
            until = weekday_time(snoozed.until)
            await answer(update, texts.snoozed_until(until))
            await _say_snoozed(cast(CallbackQuery, update.callback_query), until)
        case AlreadySaved():  # the second tap of a double tap
            await answer(update)
            await remove_keyboard(update)
        case Stale(now):
            # Done or cancelled meanwhile: say so, and show the reminder as it stands.
            await answer(update, texts.snooze_not_scheduled(now.appointment.status))
            text, keyboard = appointment_view(
                now.appointment,
                now.client,
                zone=work.zone_for(actor.timezone),
                now=work.clock.now(),
                private=work.settings.private_previews,
                row_id=None,
            )
            # A CallbackQueryHandler's callback: the update is a button press.
            await edit_pressed(cast(CallbackQuery, update.callback_query), text, keyboard)
        case _:
            await answer(update, texts.STALE_BUTTON)
            await remove_keyboard(update)


async def _say_snoozed(query: CallbackQuery, until: str) -> None:
    """The reminder says it was snoozed and until when (a toast is gone in a second), and
    keeps its other buttons (✅ Done, 👤 Client); the 💤 ones have done their work."""
    message = query.message
    if not isinstance(message, Message) or not message.text:
        return
    rows = [
        [button for button in row if not str(button.callback_data or "").startswith("rm:")]
        for row in (message.reply_markup.inline_keyboard if message.reply_markup else ())
    ]
    kept = [row for row in rows if row]
    keyboard = InlineKeyboardMarkup(kept) if kept else None
    await edit_pressed(query, f"{message.text_html}\n{texts.snoozed_note(until)}", keyboard)


def handlers() -> list[BaseHandler[Update, CaselineContext, None]]:
    return [CallbackQueryHandler(reminder_button, pattern=pattern("rm"))]
