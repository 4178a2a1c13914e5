"""Application wiring: one function builds the real python-telegram-bot Application
that production, tests, benchmarks and the demo all run."""

from __future__ import annotations

import logging
import warnings
from typing import Any

from telegram import Bot, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    TypeHandler,
)
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

from bot import (
    agenda,
    attachments,
    commands,
    digest,
    digest_drill,
    record,
    strict_chat,
    team_admin,
    trend,
)
from bot import resources as resource_directory
from bot.errors import on_error
from bot.gate import gate
from bot.health_server import HealthServer
from bot.housekeeping import EVERY, extend_series, prune_update_ids
from bot.inbox import KEPT_UPDATES, InboxQueue, KeptUpdates
from bot.metrics import Metrics, metered
from bot.pacing import Priority, SendBudget, paced
from bot.persistence import SQLPersistence
from bot.processor import ChatOrderedProcessor
from bot.reminders.buttons import handlers as reminder_buttons
from bot.reminders.rendering import Reminders
from bot.retention_job import add_retention_job
from bot.sent_messages import RecordingRequest, SentLog
from bot.telegram_http import TelegramRequest
from bot.webapp.server import WebAppServer
from conversations import (
    amend,
    appointment,
    approvals,
    evv,
    intake,
    newclient,
    note,
    note_comments,
    plan,
    referral,
    review,
    strict_mode,
    visit,
)
from conversations import resources as resource_editor
from conversations import risk as risk_followup
from conversations import settings as settings_dialog
from domain.clock import Clock
from domain.settings import Settings
from domain.work import Work
from storage import updates
from storage.db import Database
from ui import held_answers, i18n, menu, privacy
from ui.context import DELIVER_SOON, CaselineContext, Services
from ui.held_answers import DeferringRequest

# Our conversations mix message and button steps on purpose (per_message=False).
warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")

GATE_GROUP = -1

log = logging.getLogger(__name__)


class CaselineApplication(Application):
    """Handles each update as one unit of work (bot/held_answers.py): one transaction for
    its "handled" mark, its effects, their audit and the dialog state and draft; the
    answers to Telegram after the commit."""

    async def process_update(self, update: object) -> None:
        if not isinstance(update, Update):
            await super().process_update(update)
            return
        work = held_answers.UpdateWork(update)
        # A file is fetched now, before the update's transaction (bot/attachments.py).
        work.file = await attachments.fetch(self.bot, update, self.bot_data["services"])
        with held_answers.handling(work):
            await self._handle_in_one_transaction(update, work)
        for action in work.after_commit:
            action()
        await work.deliver(self.bot)
        metrics = self.bot_data.get("metrics")
        if isinstance(metrics, Metrics):
            metrics.handled(update)
        if work.ids_remembered and update.effective_user is not None:
            # A live card's id, filled into the draft once the card was out.
            self.mark_data_for_update_persistence(user_ids=update.effective_user.id)
            try:
                async with self.bot_data["services"].db.session():
                    await self._write_user(update)
            except Exception as error:
                log.warning("live card id not kept: %s", type(error).__name__)
        await self.record_sent()

    async def _handle_in_one_transaction(
        self, update: Update, work: held_answers.UpdateWork
    ) -> None:
        db: Database = self.bot_data["services"].db
        try:
            async with db.session():
                await super().process_update(update)
                if work.failed:
                    raise _RolledBack
                await self._write_user(update)
            return
        except _RolledBack:
            pass
        except Exception as error:
            # The commit itself failed: nothing of the update stands, so nothing it meant
            # to say may be said; the error handler apologises instead.
            work.forget_answers()
            await super().process_error(update=update, error=error)
        # Failed: its effects are rolled back, yet it is handled (a handler that failed
        # once would fail again), and the dialog keeps what it had.
        now = self.bot_data["services"].clock.now()
        try:
            async with db.session() as session:
                await updates.claim(session, update.update_id, now)
                await self._write_user(update)
            return
        except Exception as error:
            # The dialog's rows stay staged for this worker's next update.
            log.warning("update %s: dialog not stored: %s", update.update_id, type(error).__name__)
        try:
            async with db.session() as session:
                await updates.claim(session, update.update_id, now)
        except Exception as error:
            log.error("update %s: not marked handled: %s", update.update_id, type(error).__name__)

    async def process_error(
        self, update: object | None, error: Exception, job: Any = None, coroutine: Any = None
    ) -> bool:
        work = held_answers.current()
        if work is not None and update is work.update:
            work.failed = True
            work.forget_answers()
        return await super().process_error(update, error, job, coroutine)

    async def _write_user(self, update: Update) -> None:
        """Stage what PTB hands over, then write this worker's rows (joining the update's
        transaction): another worker's rows wait for their own update's transaction."""
        await super().update_persistence()
        persistence = self.persistence
        user = update.effective_user
        if isinstance(persistence, SQLPersistence) and user is not None:
            await persistence.write_pending(user.id)

    async def record_sent(self, *, now: bool = False) -> None:
        """Write the ids of the messages the bot sent (bot/sent_messages.py) in their own
        transaction, now that the update's handlers are done: once enough wait, or `now`."""
        sent = self.bot_data.get("sent")
        if isinstance(sent, SentLog):
            db = self.bot_data["services"].db
            await (sent.flush(db) if now else sent.flush_if_due(db))

    async def update_persistence(self) -> None:
        # PTB's periodic and shutdown write: everything staged, in one transaction.
        await super().update_persistence()
        persistence = self.persistence
        if not isinstance(persistence, SQLPersistence):
            return
        try:
            await persistence.write_pending()
        except Exception as error:
            await self.process_error(update=None, error=error)


class _RolledBack(Exception):
    """Leaves the update's transaction without committing it."""


async def _post_init(application: Application) -> None:
    await menu.set_default_menu(application.bot)
    services: Services = application.bot_data["services"]
    if services.reminders is not None:
        await services.reminders.bot.initialize()
    await start_health_server(application)
    webapp = application.bot_data.get("webapp")
    if isinstance(webapp, WebAppServer):
        await webapp.start()


async def _post_shutdown(application: Application) -> None:
    webapp = application.bot_data.get("webapp")
    if isinstance(webapp, WebAppServer):
        await webapp.stop()
    await stop_health_server(application)
    services: Services = application.bot_data["services"]
    if services.reminders is not None:
        await services.reminders.bot.shutdown()
    sent = application.bot_data.get("sent")
    if isinstance(sent, SentLog):
        await sent.flush(services.db)
    if application.bot_data.get("dispose_db"):
        await services.db.dispose()


async def start_health_server(application: Application) -> None:
    """/healthz and /metrics, when a metrics port is set (bot/health_server.py)."""
    server = application.bot_data.get("health")
    if isinstance(server, HealthServer):
        await server.start()


async def stop_health_server(application: Application) -> None:
    server = application.bot_data.get("health")
    if isinstance(server, HealthServer):
        await server.stop()


async def _tick(context: CaselineContext) -> None:
    reminders = context.services.reminders
    if reminders is not None:
        await reminders.tick()


def _deliver_soon(application: Application, reminders: Reminders | None) -> Any:
    """What sends a risk alert the Mini App's note just queued, now, when this process
    runs the scheduler (as the chat's ✅ Save does); else the scheduler sends it."""
    if reminders is None:
        return None
    return lambda: application.create_task(reminders.sender.drain(), name=DELIVER_SOON)


def sender_bot(
    settings: Settings,
    token: str,
    sent: SentLog | None = None,
    budget: SendBudget | None = None,
    metrics: Metrics | None = None,
) -> Bot:
    """The reminder sender's own Bot, with its own connection pool so a fan-out of reminders
    never starves answers of connections. Its sends take their turns from the process's
    `budget` (bot/pacing.py) behind every answer; without one it is not paced at all. With
    `sent`, the messages it sends are noted there (the wipe deletes them later); with
    `metrics`, its 429s are counted there.

    A send that times out is retried, yet Telegram may have delivered it: the worker
    then gets it twice. A read timeout well above PTB's 5 s makes that rarer."""
    request: BaseRequest = metered(
        TelegramRequest(connection_pool_size=32, read_timeout=settings.send_timeout_seconds),
        metrics,
        "reminders",
    )
    if sent is not None:
        request = RecordingRequest(request, sent)
    return Bot(
        token,
        base_url=settings.bot_api_url,
        base_file_url=settings.bot_file_api_url,
        request=paced(request, budget, Priority.BACKGROUND),
    )


def build_application(
    settings: Settings,
    db: Database,
    clock: Clock | None = None,
    *,
    token: str | None = None,
    rate_limiter: bool = True,
    scheduler: bool = True,
    dispose_db: bool = False,
) -> Application:
    """The bot. `scheduler=False` leaves reminders to a `caseline scheduler` process;
    the tick job then does not run here (the outbox is still written, e.g. risk alerts).
    `rate_limiter=False` sends unpaced (tests and benchmarks that measure the bot alone)."""
    clock = clock or Clock()
    token = token or settings.require_token()
    # What anyone without a language of their own is answered in (CASELINE_LANGUAGE).
    i18n.set_default_language(settings.language)
    # CASELINE_PRIVACY: what every renderer may show of a client (ui/privacy.py).
    privacy.set_privacy(settings.strict, settings.webapp_url)
    sent = SentLog(clock)
    metrics = Metrics()
    # One budget for everything this process sends, answers first (bot/pacing.py).
    budget = (
        SendBudget(settings.send_rate_for(answers=True, reminders=scheduler))
        if rate_limiter
        else None
    )
    kept_updates = KeptUpdates(TelegramRequest(connection_pool_size=1))
    builder: Any = (
        ApplicationBuilder()
        .application_class(CaselineApplication)
        .token(token)
        .base_url(settings.bot_api_url)
        .base_file_url(settings.bot_file_api_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        # PTB's own request (256 connections for answers), noting what the bot sends.
        # Inside an update, answers are held until its transaction commits, then paced.
        .request(
            DeferringRequest(
                paced(
                    RecordingRequest(
                        metered(TelegramRequest(connection_pool_size=256), metrics, "answers"), sent
                    ),
                    budget,
                    Priority.ANSWER,
                )
            )
        )
        # The poller stores each batch as received (bot/inbox.py).
        .get_updates_request(kept_updates)
        .context_types(ContextTypes(context=CaselineContext))
        # Whatever is put on the queue is in the inbox first (bot/inbox.py).
        .update_queue(InboxQueue(db, clock, on_queued=metrics.arrived))
        .persistence(SQLPersistence(db, clock))
        .concurrent_updates(ChatOrderedProcessor())
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    application = builder.build()
    reminders = (
        Reminders(
            db,
            clock,
            settings,
            sender_bot(settings, token, sent, budget, metrics),
            sent=sent,
            metrics=metrics,
        )
        if scheduler
        else None
    )
    application.bot_data["services"] = Services(
        db=db, clock=clock, settings=settings, reminders=reminders
    )
    application.bot_data["dispose_db"] = dispose_db
    application.bot_data["sent"] = sent
    application.bot_data[KEPT_UPDATES] = kept_updates
    application.bot_data["metrics"] = metrics
    if settings.metrics_port is not None:
        application.bot_data["health"] = HealthServer(
            metrics, db, clock, settings, runs_reminders=scheduler
        )
    if settings.webapp_url is not None:
        # The Mini App, in this process: the same pool, use cases and audit (bot/webapp/).
        application.bot_data["webapp"] = WebAppServer(
            Work(db, clock, settings), deliver_soon=_deliver_soon(application, reminders)
        )

    application.add_handler(TypeHandler(Update, gate), group=GATE_GROUP)
    application.add_handler(commands.edited_message_handler())
    if settings.strict:
        # Before every dialog: what would be typed into the chat is written elsewhere.
        for handler in strict_mode.handlers():
            application.add_handler(handler)
    application.add_handler(newclient.handler(settings.conversation_timeout_minutes))
    application.add_handler(note.handler(settings.conversation_timeout_minutes))
    application.add_handler(amend.handler(settings.conversation_timeout_minutes))
    application.add_handler(note_comments.handler(settings.conversation_timeout_minutes))
    application.add_handler(appointment.handler(settings.conversation_timeout_minutes))
    application.add_handler(visit.handler(settings.conversation_timeout_minutes))
    application.add_handler(evv.handler(settings.conversation_timeout_minutes))
    application.add_handler(evv.home_handler(settings.conversation_timeout_minutes))
    application.add_handler(settings_dialog.handler(settings.conversation_timeout_minutes))
    application.add_handler(intake.handler(settings.conversation_timeout_minutes))
    application.add_handler(plan.handler(settings.conversation_timeout_minutes))
    application.add_handler(review.handler(settings.conversation_timeout_minutes))
    application.add_handler(referral.handler(settings.conversation_timeout_minutes))
    application.add_handler(resource_editor.editor(settings.conversation_timeout_minutes))
    for handler in referral.button_handlers() + resource_directory.handlers():
        application.add_handler(handler)
    for handler in note.button_handlers() + visit.button_handlers() + evv.button_handlers():
        application.add_handler(handler)
    for handler in note_comments.button_handlers():
        application.add_handler(handler)
    for handler in record.handlers(settings.conversation_timeout_minutes):
        application.add_handler(handler)
    for handler in risk_followup.handlers(settings.conversation_timeout_minutes):
        application.add_handler(handler)
    for handler in approvals.handlers(settings.conversation_timeout_minutes):
        application.add_handler(handler)
    for handler in reminder_buttons():
        application.add_handler(handler)
    for handler in (
        digest.handlers() + digest_drill.handlers() + trend.handlers() + team_admin.handlers()
    ):
        application.add_handler(handler)
    for handler in agenda.handlers():
        application.add_handler(handler)
    for handler in commands.handlers():
        application.add_handler(handler)
    for handler in commands.catch_all():
        application.add_handler(handler)
    application.add_handler(strict_chat.handler(), group=strict_chat.AFTER_HANDLERS)
    application.add_error_handler(on_error)
    application.job_queue.run_repeating(prune_update_ids, interval=EVERY, first=60)
    application.job_queue.run_repeating(extend_series, interval=EVERY, first=120)
    if scheduler:
        application.job_queue.run_repeating(
            _tick, interval=settings.reminder_tick_seconds, first=settings.reminder_tick_seconds
        )
        add_retention_job(application.job_queue, Work(db, clock, settings))
    return application
