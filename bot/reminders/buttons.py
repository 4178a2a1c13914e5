"""The buttons under a pushed reminder: 💤 snooze and 📋 today."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.reminders import planning as reminders
from storage import audit, clients, outbox
from storage.models import Client, OutboxMessage, Worker
from ui import texts
from ui.callbacks import pattern, read_id, unpack
from ui.context import CaselineContext
from ui.replies import answer, remove_keyboard

SNOOZE_HOUR = "h"
SNOOZE_TOMORROW = "t"


async def reminder_button(update: Update, context: CaselineContext) -> None:
    actor = context.require_actor()
    pressed = unpack(update.callback_query.data)
    raw_id, _, option = pressed.arg.partition(":")
    row_id = read_id(raw_id)
    services = context.services
    now = services.clock.now()
    # Telegram is answered only after the transaction: a round trip inside it would hold
    # the database (SQLite's one writer) for as long as the network takes.
    async with services.db.session() as session:
        row = await session.get(OutboxMessage, row_id) if row_id else None
        valid = pressed.action == "today" or (
            pressed.action == "snz" and option in (SNOOZE_HOUR, SNOOZE_TOMORROW)
        )
        client = await session.get(Client, row.client_id) if row and row.client_id else None
        # A reminder about a client who has since moved to someone else is not re-pushed:
        # its text names the client.
        visible = client is None or await clients.get_visible(session, actor, client.id)
        refused = row is None or row.worker_id != actor.id or not valid or not visible
        # The second tap of a double tap finds it snoozed by the first.
        again = not refused and row.snoozed_until is not None and row.snoozed_until > now
        if refused:
            await audit.refused(
                session,
                {"today": "reminder.today", "snz": "reminder.snooze"}.get(
                    pressed.action, "reminder.button"
                ),
                now=now,
                actor_id=actor.id,
                subject_type="outbox",
                subject_id=row_id,
                client_id=client.id if client else None,
            )
        elif pressed.action == "snz" and not again:
            worker = await session.get(Worker, actor.id)
            routine = reminders.Routine.of(worker, services.settings.timezone)
            until = now + timedelta(hours=1)
            if option == SNOOZE_TOMORROW or routine.is_quiet(until):
                until = routine.next_start_of_day(now)
            message = update.callback_query.message
            await outbox.enqueue(
                session,
                key=f"{reminders.SNOOZED}:{row.id}:{until:%Y%m%dT%H%MZ}",
                kind=reminders.SNOOZED,
                worker_id=actor.id,
                due_at=until,
                now=now,
                not_before=until,
                client_id=client.id if client else None,
                payload={
                    "text": texts.snoozed_again(message.text_html if message else ""),
                    "client_id": client.id if client else None,
                },
            )
            row.snoozed_until = until
    if refused:
        await answer(update, texts.STALE_BUTTON)
        await remove_keyboard(update)
    elif pressed.action == "today":
        await answer(update)
        from bot.agenda import today_command

        await today_command(update, context)
    elif again:
        await answer(update)
        await remove_keyboard(update)
    else:
        await answer(update, texts.snoozed_until(f"{until.astimezone(routine.zone):%a %H:%M}"))
        await remove_keyboard(update)


def handlers() -> list:
    return [CallbackQueryHandler(reminder_button, pattern=pattern("rm"))]
