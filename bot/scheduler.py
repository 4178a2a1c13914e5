"""`caseline scheduler`: the reminder job alone, in its own process, on PTB's JobQueue
(no polling), with /healthz and /metrics when a metrics port is set."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot.app import sender_bot, start_health_server, stop_health_server
from bot.errors import on_error
from bot.health_server import HealthServer
from bot.metrics import Metrics
from bot.pacing import SendBudget
from bot.reminders.rendering import Reminders
from bot.retention_job import add_retention_job
from bot.sent_messages import SentLog
from domain.clock import Clock
from domain.settings import Settings
from domain.work import Work
from storage.db import Database
from ui.context import CaselineContext

# Seconds from the start to the first tick (then every CASELINE_REMINDER_TICK_SECONDS).
FIRST_TICK = 1.0


def reminders_budget(settings: Settings) -> SendBudget:
    """The sending budget of a process that sends reminders only, beside the bot's."""
    return SendBudget(settings.send_rate_for(answers=False, reminders=True))


def build_scheduler(
    settings: Settings,
    db: Database,
    clock: Clock | None = None,
    *,
    dispose_db: bool = True,
    first_tick: float = FIRST_TICK,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The scheduler's Application: its engine is bot_data["reminders"], its metrics
    bot_data["metrics"], its /healthz and /metrics server (if any) bot_data["health"]."""
    token = settings.require_token()
    clock = clock or Clock()
    sent = SentLog(clock)
    metrics = Metrics()
    bot = sender_bot(settings, token, sent, reminders_budget(settings), metrics)
    engine = Reminders(db, clock, settings, bot, sent=sent, metrics=metrics)

    async def tick(_context: object) -> None:
        await engine.tick()

    async def start(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        await engine.bot.initialize()
        await start_health_server(application)

    async def stop(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        await stop_health_server(application)
        await engine.bot.shutdown()
        if dispose_db:
            await db.dispose()

    application: Application[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.bot_api_url)
        .context_types(ContextTypes(context=CaselineContext))
        .updater(None)
        .post_init(start)
        .post_shutdown(stop)
        .build()
    )
    application.bot_data["reminders"] = engine
    application.bot_data["metrics"] = metrics
    if settings.metrics_port is not None:
        application.bot_data["health"] = HealthServer(
            metrics, db, clock, settings, runs_reminders=True
        )
    # A tick that fails is logged and counted (caseline_errors_total{source="job"}).
    application.add_error_handler(on_error)
    assert application.job_queue is not None
    application.job_queue.run_repeating(
        tick, interval=settings.reminder_tick_seconds, first=first_tick
    )
    add_retention_job(application.job_queue, Work(db, clock, settings))
    return application
