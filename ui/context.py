"""What every handler can reach: the services, and the worker behind the update."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from domain.settings import DateOrder
from domain.work import Work
from storage.workers import Actor
from ui.held_answers import after_commit


@dataclass
class Services(Work):
    """The unit of work's parts (database, clock, settings), plus this process's reminder
    engine: what a handler passes to a use case is `context.services`."""

    # The reminder engine, when this process runs the scheduler (see bot/reminders/rendering.py).
    reminders: Any = None


class CaselineContext(CallbackContext[ExtBot, dict[str, Any], dict[str, Any], dict[str, Any]]):
    """The per-update context; the access gate fills in `actor`."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.actor: Actor | None = None

    @property
    def user_data(self) -> dict[str, Any]:
        """The worker's own data. PTB types it Optional (an update may have no user), but
        the access gate stops every update without one before any handler runs, so behind
        it there always is a user and so a dict."""
        data = super().user_data
        if data is None:
            raise PermissionError("update without a user reached a handler past the gate")
        return data

    @user_data.setter
    def user_data(self, value: object) -> NoReturn:
        # PTB refuses to replace the dict (its own setter raises); so does this one.
        raise AttributeError("context.user_data can't be replaced; change its items instead")

    @property
    def services(self) -> Services:
        return self.application.bot_data["services"]

    def require_actor(self) -> Actor:
        """Handlers behind the gate always have an actor; this makes that explicit."""
        if self.actor is None:
            raise PermissionError("update reached a handler without passing the access gate")
        return self.actor


# How far behind our clock a message's date must be for the update to count as handled late
# (after an outage, or replayed from the inbox). Telegram stamps whole seconds and its clock
# and ours drift apart by a few; an update on time is handled within seconds of its date.
LATE_AFTER = timedelta(minutes=1)


def happened_at(update: Update, context: CaselineContext) -> datetime:
    """When the worker did what this update carries: the message's date (its edit's, for
    an edited message) when the update is handled late, else the clock's now.

    An update handled after an outage must not take the time of the restart: a note sent
    at 10:00 happened at 10:00, and two dialog steps sent two minutes apart are two
    minutes apart however long the bot was down. On time, the clock (finer than Telegram's
    whole seconds, and what every test moves) is used as before. A button press carries
    no date of its own (its message's date is when the bot sent the buttons): the clock.
    """
    now = context.services.clock.now()
    message = update.effective_message if update.callback_query is None else None
    if message is None:
        return now
    sent = message.edit_date or message.date
    if sent is None or now - sent <= LATE_AFTER:
        return now
    return sent


def zone_of(context: CaselineContext) -> ZoneInfo:
    """The actor's own zone, else the organisation's."""
    return context.services.zone_for(context.actor.timezone if context.actor else None)


def date_order_of(context: CaselineContext) -> DateOrder:
    """How the actor types all-numbers dates (3/12): their own order, else the
    organisation's (CASELINE_DATE_ORDER)."""
    own = context.actor.date_order if context.actor else None
    if own == "DMY":
        return "DMY"
    if own == "MDY":
        return "MDY"
    return context.services.settings.date_order


# The name of the task that drains the outbox right after an answer (tests wait for it).
DELIVER_SOON = "deliver-soon"


def deliver_soon(context: CaselineContext) -> None:
    """Drain the outbox now (a risk alert a use case just queued) when this process runs
    the scheduler; a separate scheduler process sends it on its next tick."""
    engine = context.services.reminders
    if engine is not None:
        # After the commit: before it, the drain would not see what was just queued.
        after_commit(
            lambda: context.application.create_task(engine.sender.drain(), name=DELIVER_SOON)
        )
