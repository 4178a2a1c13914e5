"""Reminders: the tick job, what each outbox row says, and its buttons.

The tick (a PTB JobQueue job, every CASELINE_REMINDER_TICK_SECONDS; or
`caseline remind --once`; or the separate `caseline scheduler` process) asks storage
what is due, writes outbox rows, and drains the outbox through `OutboxSender`, which
paces itself under Telegram's limits. A row is rendered when it is sent, from the
current data: a cancelled appointment's reminder is skipped, an agenda is current.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from bot import digest, texts
from bot.callbacks import pack, pattern, read_id, unpack
from bot.clock import Clock
from bot.config import Settings
from bot.context import CaselineContext
from bot.replies import answer, remove_keyboard
from bot.sender import DrainReport, OutboxSender, Rendered
from bot.splitting import pack_blocks
from storage import audit, clients, outbox, reminders, workers
from storage.db import Database
from storage.models import Appointment, AppointmentStatus, Client, OutboxMessage, Worker
from storage.workers import Actor

log = logging.getLogger(__name__)

SNOOZE_HOUR = "h"
SNOOZE_TOMORROW = "t"


def client_label(client: Client, private: bool) -> str:
    """`C-0042 Maria Gonzalez`, or `C-0042 M.G.` when lock-screen previews must not show
    names (CASELINE_PRIVATE_PREVIEWS)."""
    if private:
        initials = ".".join(part[0].upper() for part in client.name.split() if part[:1].isalpha())
        return f"{client.code} {initials}." if initials else client.code
    return f"{client.code} {escape(client.name)}"


@dataclass
class Reminders:
    """Everything the tick needs; one per process."""

    db: Database
    clock: Clock
    settings: Settings
    bot: Bot

    def __post_init__(self) -> None:
        self.last_drain = DrainReport()
        self.sender = OutboxSender(
            self.bot, self.db, self.clock, self.render, on_blocked=self.on_blocked
        )

    @property
    def private(self) -> bool:
        return self.settings.private_previews

    async def tick(self) -> reminders.TickReport:
        """Enqueue what is due now, then deliver everything deliverable."""
        now = self.clock.now()
        async with self.db.session() as session:
            report = await reminders.plan_tick(
                session, now=now, default_zone=self.settings.timezone
            )
        self.last_drain = await self.sender.drain()
        return report

    async def render(self, row: OutboxMessage) -> Rendered | None:
        async with self.db.session() as session:
            worker = await session.get(Worker, row.worker_id)
            if worker is None or not worker.active or worker.chat_id is None:
                return None
            zone = ZoneInfo(worker.timezone or self.settings.timezone)
            if row.kind == reminders.APPOINTMENT:
                return await self._appointment(session, row, worker, zone)
            if row.kind == reminders.AGENDA:
                return await self._agenda(session, row, worker, zone)
            if row.kind in (reminders.RISK, reminders.BLOCKED, reminders.SNOOZED):
                return Rendered(worker.chat_id, row.payload["text"], _markup(row.payload))
        if row.kind == reminders.DIGEST:
            # Computed in its own unit of work (it audits the look), after this one.
            return await self._digest(row, worker)
        log.warning("outbox row %s has unknown kind %s", row.id, row.kind)
        return None

    async def _appointment(self, session, row, worker: Worker, zone: ZoneInfo) -> Rendered | None:
        appointment = await session.get(Appointment, row.subject_id)
        if (
            appointment is None
            or appointment.status != AppointmentStatus.SCHEDULED
            or appointment.starts_at.isoformat() != row.payload.get("starts_at")
        ):
            return None  # cancelled, done or moved since: its own reminder will follow
        client = await session.get(Client, appointment.client_id)
        minutes = max(0, round((appointment.starts_at - self.clock.now()).total_seconds() / 60))
        text = texts.appointment_reminder(
            minutes,
            f"{appointment.starts_at.astimezone(zone):%H:%M}",
            client_label(client, self.private),
            texts.INTERACTION_NAMES.get(appointment.kind, appointment.kind),
            None if self.private else appointment.place,
        )
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        texts.MARK_DONE, callback_data=pack("ac", "done", appointment.id)
                    ),
                    InlineKeyboardButton(
                        texts.OPEN_CLIENT, callback_data=pack("cl", "o", client.id)
                    ),
                ],
                _snooze_row(row.id),
            ]
        )
        return Rendered(worker.chat_id, text, keyboard)

    async def _agenda(self, session, row, worker: Worker, zone: ZoneInfo) -> Rendered | None:
        day = date.fromisoformat(row.payload["day"])
        work = await reminders.agenda(session, worker.id, day, zone)
        if work.empty:
            return None
        lines = [texts.agenda_title(worker.name, day)]
        if work.appointments:
            lines.append(f"\n<b>{texts.AGENDA_APPOINTMENTS}</b> ({len(work.appointments)})")
            for appointment, client in work.appointments:
                kind = texts.INTERACTION_NAMES.get(appointment.kind, appointment.kind)
                lines.append(
                    f"{appointment.starts_at.astimezone(zone):%H:%M} · "
                    f"{client_label(client, self.private)} · {kind}"
                )
        overdue = sum(1 for visit in work.visits if visit.overdue)
        sections = [
            (
                f"{texts.AGENDA_VISITS} ({len(work.visits)}, {texts.overdue_count(overdue)})",
                [(v.client, v.due_on, v.overdue) for v in work.visits],
            ),
            (
                f"{texts.AGENDA_REVIEWS} ({len(work.reviews)})",
                [(c, p.next_review_on, p.next_review_on < day) for p, c in work.reviews],
            ),
            (
                f"{texts.AGENDA_REFERRALS} ({len(work.referrals)})",
                [(c, r.follow_up_on, r.follow_up_on < day) for r, c in work.referrals],
            ),
        ]
        for title, items in sections:
            if items:
                lines.append(f"\n<b>{title}</b>")
                lines += self._due_lines(items, day)
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton(texts.OPEN_TODAY, callback_data=pack("rm", "today", row.id))]]
        )
        first, *more = pack_blocks(
            lines, lambda page, pages: texts.agenda_continued(page, pages), separator="\n"
        )
        return Rendered(worker.chat_id, first, keyboard, more=tuple(more))

    def _due_lines(self, items: list[tuple[Client, date, bool]], day: date) -> list[str]:
        """Overdue first, as the best systems list them; long lists are cut short."""
        lines = [
            f"{'❗' if overdue else '•'} {client_label(client, self.private)} · "
            f"{texts.due_on(due, day)}"
            for client, due, overdue in items[: texts.AGENDA_LIST_MAX]
        ]
        if len(items) > texts.AGENDA_LIST_MAX:
            lines.append(texts.and_more(len(items) - texts.AGENDA_LIST_MAX))
        return lines

    async def _digest(self, row: OutboxMessage, worker: Worker) -> Rendered | None:
        team = await digest.digest_for(self.db, worker, self.clock.now(), self.settings.timezone)
        if team is None:
            return None
        messages = await digest.digest_messages(team, private=self.private)
        return Rendered(
            worker.chat_id,
            messages.pages[0],
            photo=messages.chart,
            photo_caption=messages.caption,
            more=tuple(messages.pages[1:]),
        )

    async def on_blocked(self, worker_id: int, supervisors: list[Worker]) -> None:
        """Tell the team's supervisors that a worker no longer gets reminders."""
        now = self.clock.now()
        async with self.db.session() as session:
            worker = await session.get(Worker, worker_id)
            for supervisor in supervisors:
                await outbox.enqueue(
                    session,
                    key=f"{reminders.BLOCKED}:{worker_id}:{supervisor.id}:{now:%Y%m%dT%H%M}",
                    kind=reminders.BLOCKED,
                    worker_id=supervisor.id,
                    due_at=now,
                    now=now,
                    payload={"text": texts.worker_blocked(worker.name if worker else "?")},
                )


def _snooze_row(row_id: int) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(
            texts.SNOOZE_HOUR, callback_data=pack("rm", "snz", f"{row_id}:{SNOOZE_HOUR}")
        ),
        InlineKeyboardButton(
            texts.SNOOZE_TOMORROW, callback_data=pack("rm", "snz", f"{row_id}:{SNOOZE_TOMORROW}")
        ),
    ]


def _markup(payload: dict) -> InlineKeyboardMarkup | None:
    client_id = payload.get("client_id")
    if not client_id:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.OPEN_CLIENT, callback_data=pack("cl", "o", client_id))]]
    )


async def alert_risk(
    session: AsyncSession,
    *,
    note_id: int,
    client: Client,
    author: Actor,
    reason: str,
    now: datetime,
    private: bool,
) -> int:
    """Queue an alert to the author's supervisors, in the note's own transaction (so
    no flagged note goes unalerted); quiet hours do not apply to risk."""
    if author.team_id is None:
        return 0
    queued = 0
    for supervisor in await workers.supervisors_of(session, author.team_id):
        if supervisor.id == author.id:
            continue
        queued += await outbox.enqueue(
            session,
            key=f"{reminders.RISK}:{note_id}:{supervisor.id}",
            kind=reminders.RISK,
            worker_id=supervisor.id,
            due_at=now,
            now=now,
            client_id=client.id,
            subject_type="note",
            subject_id=note_id,
            payload={
                # The reason is free text that may name the client: kept off the
                # lock screen when previews must be private.
                "text": texts.risk_alert(
                    author.name,
                    client_label(client, private),
                    texts.RISK_REASON_ON_CARD if private else escape(reason),
                ),
                "client_id": client.id,
            },
        )
    return queued


# ── buttons on reminders ────────────────────────────────────────────────────────


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


async def deliver_soon(context: CaselineContext) -> None:
    """Drain the outbox now (e.g. a risk alert) when this process runs the scheduler;
    a separate scheduler process sends it on its next tick."""
    engine = context.services.reminders
    if engine is not None:
        context.application.create_task(engine.sender.drain(), name="deliver-soon")


def handlers() -> list:
    return [CallbackQueryHandler(reminder_button, pattern=pattern("rm"))]
