"""Reminders: the tick job, what each outbox row says, and its buttons.

The tick (a PTB JobQueue job, every CASELINE_REMINDER_TICK_SECONDS; or
`caseline remind --once`; or the separate `caseline scheduler` process) asks storage
what is due, writes outbox rows, and drains the outbox through `OutboxSender`, which
sends under the process's one sending budget (bot/pacing.py), behind the answers. A row is
rendered when it is sent, from the current data: a cancelled appointment's reminder is
skipped, an agenda is current.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot import digest, trend
from bot.metrics import Metrics
from bot.reminders import alerts, approvals, comments
from bot.reminders import planning as reminders
from bot.reminders.sending import Deletion, DrainReport, OutboxSender, Rendered
from bot.sent_messages import SentLog
from domain.clock import Clock
from domain.rules.appointments import is_scheduled
from domain.settings import Settings
from domain.usecases.client_details import resume_ended_holds
from domain.usecases.covers import end_expired_covers
from domain.usecases.evv import flag_missing_check_outs
from domain.usecases.reminders import SnoozeOption
from domain.usecases.risks import escalate_unacknowledged
from domain.usecases.trends import keep_last_week
from domain.work import Work
from storage import agenda as agenda_store
from storage import bot_messages, outbox, ticks
from storage.db import Database
from storage.kinds import InteractionType
from storage.machinery import OutboxMessage
from storage.models import Appointment, Client, Worker
from ui import agenda_views, evv_views, i18n, texts
from ui.callbacks import pack
from ui.timefmt import weekday_time
from ui.views import client_label, fitted, interpreter_tag

log = logging.getLogger(__name__)


class _Later:
    """A row rendered after the worker's session is closed (the digest, the trend)."""


_DIGEST = _Later()
_TREND = _Later()


@dataclass
class Reminders:
    """Everything the tick needs; one per process."""

    db: Database
    clock: Clock
    settings: Settings
    bot: Bot
    # Where `bot` notes the messages it sends (bot/sent_messages.py); flushed after a drain.
    sent: SentLog | None = None
    # Where the tick's duration, each row's outcome and each digest's time are counted.
    metrics: Metrics | None = None

    def __post_init__(self) -> None:
        self.work = Work(self.db, self.clock, self.settings)
        self.last_drain = DrainReport()
        self.sender = OutboxSender(
            self.bot,
            self.db,
            self.clock,
            self.render,
            on_blocked=self.on_blocked,
            metrics=self.metrics,
        )

    @property
    def private(self) -> bool:
        return self.settings.private_previews

    async def tick(self) -> reminders.TickReport:
        """Enqueue what is due now, then deliver everything deliverable; then note the tick
        in the database (doctor and /healthz read it), failed or not."""
        started_at = self.clock.now()
        started = time.monotonic()
        error: str | None = None
        try:
            return await self._tick(started_at)
        except Exception as exc:
            error = type(exc).__name__
            raise
        finally:
            if self.metrics is not None:
                self.metrics.tick_duration.observe(time.monotonic() - started)
            async with self.db.session() as session:
                await ticks.record_tick(
                    session,
                    ticks.REMINDERS,
                    started_at=started_at,
                    finished_at=self.clock.now(),
                    ticked_by=self.sender.claimer,
                    error=error,
                )

    async def _tick(self, now: datetime) -> reminders.TickReport:
        # Covers past their end: access has stopped already; mark them ended, audited once.
        await end_expired_covers(self.work)
        # Risk alerts nobody acknowledged in time go further, once (risk ignores quiet hours).
        await escalate_unacknowledged(self.work, self.settings.risk_escalate_minutes)
        # On-holds whose end day has come: active again before reminders are planned.
        await resume_ended_holds(self.work)
        # Check-ins with no check-out past the visit's length and the grace: once each.
        await flag_missing_check_outs(self.work)
        # The week that ended, kept once for the trends (a look, then nothing, all week).
        await keep_last_week(self.work)
        async with self.db.session() as session:
            report = await reminders.plan_tick(
                session, now=now, default_zone=self.settings.timezone
            )
        # What this process sent so far is written first, so a wipe finds all of it.
        await self._record_sent()
        await self._plan_expiry(now)
        try:
            self.last_drain = await self.sender.drain()
        finally:
            await self._record_sent()
        return report

    async def _plan_expiry(self, now: datetime) -> None:
        """CASELINE_DELETE_AFTER_HOURS: the bot's messages past their hours are deleted
        by the outbox (paced like any other call); the record stays in Caseline."""
        hours = self.settings.delete_after_hours
        if hours is None:
            return
        async with self.db.session() as session:
            await bot_messages.schedule_expiry(
                session, sent_before=now - timedelta(hours=hours), now=now
            )

    async def _record_sent(self) -> None:
        if self.sent is not None:
            await self.sent.flush(self.db)

    async def render(self, row: OutboxMessage) -> Rendered | Deletion | None:
        """What `row` says, in the language of the worker it goes to (ui/i18n.py)."""
        async with self.db.session() as session:
            worker = await session.get(Worker, row.worker_id)
            with i18n.speaking(worker.language if worker is not None else None):
                rendered = await self._render(session, row, worker)
        if not isinstance(rendered, _Later):
            return rendered
        assert worker is not None and worker.chat_id is not None  # checked by _render
        with i18n.speaking(worker.language):
            # Computed in its own unit of work (it audits the look), after the session.
            if rendered is _TREND:
                return await self._trend(worker, worker.chat_id)
            return await self._digest(row, worker, worker.chat_id)

    async def _render(
        self, session, row: OutboxMessage, worker: Worker | None
    ) -> Rendered | Deletion | _Later | None:
        if worker is not None and row.kind == reminders.WIPE:
            return await self._wipe(session, row, worker)
        if row.kind == reminders.EXPIRE:
            return await self._expire(session, row)
        if worker is None or not worker.active or worker.chat_id is None:
            return None
        if worker.unreachable_at is not None:
            return None  # their chat answers 403 until they write again (bot/gate.py)
        zone = self.work.zone_for(worker.timezone)
        if row.kind == reminders.APPOINTMENT or (
            row.kind == reminders.SNOOZED and row.subject_type == "appointment"
        ):
            return await self._appointment(session, row, worker.chat_id, zone)
        if row.kind == reminders.AGENDA:
            return await self._agenda(session, row, worker, worker.chat_id, zone)
        if row.kind == reminders.CHECK_OUT:
            return await self._check_out(session, row, worker.chat_id, zone)
        if row.kind == reminders.UNCLOSED:
            return await self._unclosed(session, row, worker.chat_id, zone)
        if row.kind == reminders.RISK:
            return await alerts.render_risk(session, row, worker.chat_id, private=self.private)
        if row.kind == reminders.BULK_EXPORT:
            return await alerts.render_bulk_export(session, row, worker.chat_id)
        if row.kind == reminders.RISK_SEEN:
            return await alerts.render_seen(session, row, worker.chat_id)
        if row.kind == reminders.APPROVAL:
            return await approvals.render_request(session, row, worker, zone, private=self.private)
        if row.kind == reminders.APPROVAL_DECIDED:
            return await approvals.render_decided(session, row, worker, private=self.private)
        # A SNOOZED row with a text is one queued before snoozes named their appointment.
        if row.kind in (reminders.BLOCKED, reminders.SNOOZED):
            return Rendered(worker.chat_id, row.payload["text"], _markup(row.payload))
        if row.kind == reminders.NOTE_COMMENT:
            return await comments.render_comment(
                session, row, worker, zone, self.clock, private=self.private
            )
        if row.kind == reminders.DIGEST:
            return _DIGEST
        if row.kind == reminders.TREND:
            return _TREND
        log.warning("outbox row %s has unknown kind %s", row.id, row.kind)
        return None

    async def _wipe(self, session, row: OutboxMessage, worker: Worker) -> Deletion | None:
        """The bot's messages Telegram still lets it delete in the chat of a worker who was
        switched off; nothing if they were switched on again before the wipe ran."""
        if worker.active:
            return None
        chat_id = row.payload["chat_id"]
        ids = await bot_messages.deletable(session, chat_id, now=self.clock.now())
        return Deletion(chat_id, tuple(ids)) if ids else None

    async def _expire(self, session, row: OutboxMessage) -> Deletion | None:
        """The bot's messages in a chat past CASELINE_DELETE_AFTER_HOURS (none once the
        setting is off)."""
        hours = self.settings.delete_after_hours
        if hours is None:
            return None
        now = self.clock.now()
        chat_id = row.payload["chat_id"]
        ids = await bot_messages.expired(
            session, chat_id, sent_before=now - timedelta(hours=hours), now=now
        )
        return Deletion(chat_id, tuple(ids)) if ids else None

    async def _appointment(self, session, row, chat_id: int, zone: ZoneInfo) -> Rendered | None:
        """An appointment reminder, or a snoozed one coming back, written from the
        appointment as it stands now: nothing once it is done, cancelled or moved (a
        moved one gets its own reminder), else the time left or since it started."""
        appointment = await session.get(Appointment, row.subject_id)
        if (
            appointment is None
            or not is_scheduled(appointment.status)
            or appointment.starts_at.isoformat() != row.payload.get("starts_at")
        ):
            return None
        client = await session.get(Client, appointment.client_id)
        snoozed = row.kind == reminders.SNOOZED
        text, keyboard = appointment_view(
            appointment,
            client,
            zone=zone,
            now=self.clock.now(),
            private=self.private,
            row_id=None if snoozed else row.id,
        )
        return Rendered(chat_id, texts.snoozed_again(text) if snoozed else text, keyboard)

    async def _check_out(self, session, row, chat_id: int, zone: ZoneInfo) -> Rendered | None:
        """A check-in still without its check-out (domain/usecases/evv.py marked the visit
        unverified): 🏁 Check out or ✅ Done; nothing once it was checked out or logged."""
        visit = await session.get(Appointment, row.subject_id)
        verify = evv_views.card_button(visit) if visit is not None else None
        if visit is None or visit.check_in_at is None or verify is None:
            return None
        client = await session.get(Client, visit.client_id)
        at = f"{visit.check_in_at.astimezone(zone):%H:%M}"
        done = InlineKeyboardButton(texts.MARK_DONE, callback_data=pack("ac", "done", visit.id))
        open_client = InlineKeyboardButton(
            texts.OPEN_CLIENT, callback_data=pack("cl", "n", visit.client_id)
        )
        text = texts.check_out_missing(client_label(client, self.private), at)
        return Rendered(chat_id, text, fitted([[verify, done], [open_client]]))

    async def _unclosed(self, session, row, chat_id: int, zone: ZoneInfo) -> Rendered | None:
        """An appointment left open two hours after its end: what happened? ✅ Done opens
        the visit log, 🚫 No-show and 🕒 Reschedule act as on its card (the same buttons,
        the same handlers). Nothing once it was closed, moved, checked in (visit
        verification reminds about that one) or its client muted meanwhile."""
        visit = await session.get(Appointment, row.subject_id)
        if (
            visit is None
            or not is_scheduled(visit.status)
            or visit.starts_at.isoformat() != row.payload.get("starts_at")
            or visit.check_in_at is not None
        ):
            return None
        client = await session.get(Client, visit.client_id)
        if client is None or client.is_muted:
            return None
        text = texts.unclosed_reminder(
            client_label(client, self.private),
            texts.KIND_NAMES.get(visit.kind, visit.kind),
            weekday_time(visit.starts_at.astimezone(zone)),
        )
        return Rendered(chat_id, text, unclosed_buttons(visit.id, client.id))

    async def _agenda(
        self, session, row, worker: Worker, chat_id: int, zone: ZoneInfo
    ) -> Rendered | None:
        day = date.fromisoformat(row.payload["day"])
        work = await agenda_store.agenda(session, worker.id, day, zone)
        if work.empty:
            return None
        lines = [texts.agenda_title(worker.name, day)]
        lines += agenda_views.day_lines(work, zone, private=self.private)
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton(texts.OPEN_TODAY, callback_data=pack("rm", "today", row.id))]]
        )
        first, *more = agenda_views.pages(lines)
        return Rendered(chat_id, first, keyboard, more=tuple(more))

    async def _digest(self, row: OutboxMessage, worker: Worker, chat_id: int) -> Rendered | None:
        started = time.monotonic()
        team = await digest.digest_for(self.work, worker)
        if team is None:
            return None
        messages = await digest.digest_messages(
            team, private=self.private, webapp_url=self.work.settings.webapp_url
        )
        if self.metrics is not None:
            self.metrics.digest_duration.observe(time.monotonic() - started)
        return Rendered(
            chat_id,
            messages.pages[0],
            messages.keyboards[0],
            photo=messages.chart,
            photo_caption=messages.caption,
            more=tuple(messages.pages[1:]),
            more_markups=tuple(messages.keyboards[1:]),
        )

    async def _trend(self, worker: Worker, chat_id: int) -> Rendered | None:
        """The weekly trend: one chart, its caption the summary (no client in either)."""
        found = await trend.trend_for(self.work, worker)
        if found is None or not found.listed:
            return None
        message = await trend.trend_message(found)
        return Rendered(chat_id, "", photo=message.chart, photo_caption=message.caption)

    async def on_blocked(self, worker_id: int, supervisors: list[Worker]) -> None:
        """Tell the team's supervisors, once, that a worker's chat is unreachable."""
        now = self.clock.now()
        async with self.db.session() as session:
            worker = await session.get(Worker, worker_id)
            for supervisor in supervisors:
                with i18n.speaking(supervisor.language):  # worded now: in theirs
                    text = texts.worker_blocked(worker.name if worker else "?")
                await outbox.enqueue(
                    session,
                    key=f"{reminders.BLOCKED}:{worker_id}:{supervisor.id}:{now:%Y%m%dT%H%M}",
                    kind=reminders.BLOCKED,
                    worker_id=supervisor.id,
                    due_at=now,
                    now=now,
                    payload={"text": text},
                )


def appointment_view(
    appointment: Appointment,
    client: Client,
    *,
    zone: ZoneInfo,
    now: datetime,
    private: bool,
    row_id: int | None,
) -> tuple[str, InlineKeyboardMarkup]:
    """What a reminder about `appointment` says now, and its buttons: ✅ Done and
    👤 Client while it is scheduled (and 💤 under the outbox row `row_id`, if given);
    once done or cancelled, what became of it with 👤 Client only."""
    at = f"{appointment.starts_at.astimezone(zone):%H:%M}"
    label = client_label(client, private)
    kind = texts.KIND_NAMES.get(appointment.kind, appointment.kind)
    open_client = InlineKeyboardButton(texts.OPEN_CLIENT, callback_data=pack("cl", "n", client.id))
    if not is_scheduled(appointment.status):
        status = texts.APPOINTMENT_STATUS_NAMES.get(appointment.status, appointment.status)
        text = texts.appointment_reminder_closed(at, label, kind, status)
        return text, InlineKeyboardMarkup([[open_client]])
    minutes = round((appointment.starts_at - now).total_seconds() / 60)
    # The number a phone appointment is made on; not where a lock screen could show it.
    phone = client.phone if appointment.kind == InteractionType.PHONE and not private else None
    text = texts.appointment_reminder(
        minutes,
        at,
        label,
        kind,
        None if private else appointment.place,
        phone,
        interpreter_tag(client, private),
    )
    done = InlineKeyboardButton(texts.MARK_DONE, callback_data=pack("ac", "done", appointment.id))
    verify = evv_views.card_button(appointment)  # a home visit: 📍 Check in (or 🏁 out)
    rows = [[verify, done], [open_client]] if verify is not None else [[done, open_client]]
    if row_id is not None:
        rows.append(_snooze_row(row_id))
    return text, fitted(rows)  # a longer translation splits its row


def unclosed_buttons(appointment_id: int, client_id: int) -> InlineKeyboardMarkup:
    """Under an appointment left open: the appointment card's own buttons (`ac:…`, the
    same handlers), and the client."""
    rows = [
        [
            InlineKeyboardButton(texts.MARK_DONE, callback_data=pack("ac", "done", appointment_id)),
            InlineKeyboardButton(texts.NO_SHOW, callback_data=pack("ac", "noshow", appointment_id)),
        ],
        [
            InlineKeyboardButton(
                texts.RESCHEDULE, callback_data=pack("ac", "move", appointment_id)
            ),
            InlineKeyboardButton(texts.OPEN_CLIENT, callback_data=pack("cl", "n", client_id)),
        ],
    ]
    return fitted(rows)


def _snooze_row(row_id: int) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(
            texts.SNOOZE_HOUR, callback_data=pack("rm", "snz", f"{row_id}:{SnoozeOption.HOUR}")
        ),
        InlineKeyboardButton(
            texts.SNOOZE_TOMORROW,
            callback_data=pack("rm", "snz", f"{row_id}:{SnoozeOption.TOMORROW}"),
        ),
    ]


def _markup(payload: dict) -> InlineKeyboardMarkup | None:
    client_id = payload.get("client_id")
    if not client_id:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.OPEN_CLIENT, callback_data=pack("cl", "n", client_id))]]
    )
