"""`GET /healthz` and `GET /metrics` for an operator's probes and Prometheus.

Served by tornado (python-telegram-bot's webhook extra brings it) inside the process's own
asyncio loop, so a probe sees the same database pool and clock as the bot; started in the
Application's post_init and stopped in its post_shutdown, for `caseline run` (bot/app.py)
and `caseline scheduler` (bot/scheduler.py) alike. Off unless CASELINE_METRICS_PORT or
--metrics-port is given; it listens on CASELINE_METRICS_LISTEN (127.0.0.1 by default).

/healthz is 200 when the database answers within HEALTH_TIMEOUT and, in a process that runs
the reminder job, the job is ticking by domain/rules/health.tick_problem (the rule
`caseline doctor` uses too, read from the tick the database keeps). A process that has just
started has not ticked yet: for the rule's own stale window after its start it counts as
healthy whatever the last tick says, and its first tick comes well inside that window.
Otherwise 503, the body saying why. /metrics reads the outbox's backlog (bounded by the
same timeout) and renders the process's registry (bot/metrics.py). Anything else is 404.
"""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import dataclass
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot.cli_errors import StartupProblem, database_problem
from bot.metrics import Metrics
from domain.clock import Clock
from domain.rules.health import stale_after, tick_problem
from domain.settings import Settings
from storage import outbox, ticks
from storage.db import Database

log = logging.getLogger(__name__)

# Seconds the database has to answer a probe or a scrape's backlog query.
HEALTH_TIMEOUT = 2.0


class MetricsPortUnavailable(StartupProblem):
    """The metrics port cannot be listened on (in use, or not allowed)."""


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    text: str


class HealthServer:
    """The two endpoints of one process. `runs_reminders`: this process runs the tick job,
    so /healthz also asks whether the job is ticking."""

    def __init__(
        self,
        metrics: Metrics,
        db: Database,
        clock: Clock,
        settings: Settings,
        *,
        runs_reminders: bool,
    ) -> None:
        assert settings.metrics_port is not None
        self.metrics = metrics
        self.db = db
        self.clock = clock
        self.tick_seconds = settings.reminder_tick_seconds
        self.runs_reminders = runs_reminders
        self.listen = settings.metrics_listen
        #: The port asked for; once started, the one bound (0 asks the system for any).
        self.port = settings.metrics_port
        self.started_at = clock.now()
        self._server: HTTPServer | None = None
        self._last_health: Health | None = None
        self._backlog_failing = False

    async def start(self) -> None:
        try:
            sockets = bind_sockets(self.port, address=self.listen)
        except OSError as error:
            raise MetricsPortUnavailable(
                f"cannot serve /metrics on {self.listen}:{self.port} "
                f"({error.strerror or error}): choose another CASELINE_METRICS_PORT "
                "or --metrics-port"
            ) from None
        self.port = sockets[0].getsockname()[1]
        self.started_at = self.clock.now()
        routes: list[Any] = [
            (r"/healthz", _HealthHandler, {"server": self}),
            (r"/metrics", _MetricsHandler, {"server": self}),
        ]
        # No access log: a probe every few seconds would drown the bot's own lines; a
        # change of health is logged once instead (see health()).
        application = Application(routes, log_function=lambda _handler: None)
        self._server = HTTPServer(application)
        self._server.add_sockets(sockets)
        log.info("health and metrics on http://%s:%d/healthz and /metrics", self.listen, self.port)

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.stop()
            await server.close_all_connections()

    async def health(self) -> Health:
        health = await self._health()
        if self._last_health is not None and health.ok != self._last_health.ok:
            if health.ok:
                log.info("healthy again")
            else:
                log.warning("unhealthy: %s", health.text)
        self._last_health = health
        return health

    async def _health(self) -> Health:
        tick = None
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT):
                if self.runs_reminders:
                    async with self.db.session() as session:
                        tick = await ticks.last_tick(session, ticks.REMINDERS)
                else:
                    await self.db.ping()
        except Exception as error:
            return Health(False, self._database_down(error))
        if not self.runs_reminders:
            return Health(True, "ok")
        now = self.clock.now()
        problem = tick_problem(
            tick.finished_at if tick is not None else None,
            tick.error if tick is not None else None,
            now=now,
            tick_seconds=self.tick_seconds,
        )
        if problem is None:
            return Health(True, "ok")
        if now - self.started_at < stale_after(self.tick_seconds):
            return Health(True, f"ok, starting ({problem})")
        return Health(False, problem)

    def _database_down(self, error: Exception) -> str:
        if isinstance(error, TimeoutError):
            return f"the database did not answer within {HEALTH_TIMEOUT:g} s"
        line = database_problem(error, self.db.url)
        if line is None:
            cause = getattr(error, "orig", None) or error
            first = str(cause).splitlines()[0] if str(cause) else ""
            line = f"{type(cause).__name__}: {first}" if first else type(cause).__name__
        return f"the database cannot be used: {line}"

    async def scrape(self) -> bytes:
        """The registry, with the outbox's backlog as of now (NaN when the database did
        not answer within HEALTH_TIMEOUT: a stale number would look like a real one)."""
        due, age = math.nan, math.nan
        now = self.clock.now()
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT):
                async with self.db.session() as session:
                    backlog = await outbox.backlog(session, now=now)
        except Exception as error:
            if not self._backlog_failing:
                log.warning("metrics: the outbox's backlog not read: %s", type(error).__name__)
            self._backlog_failing = True
        else:
            self._backlog_failing = False
            due = float(backlog.due)
            oldest = backlog.oldest_due_at
            age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
        self.metrics.outbox_due.set(due)
        self.metrics.outbox_oldest_age.set(age)
        return self.metrics.render()


class _HealthHandler(RequestHandler):
    def initialize(self, server: HealthServer) -> None:
        self.health_server = server

    def compute_etag(self) -> None:
        return None  # never "304 Not Modified": each answer is as of now

    async def get(self) -> None:
        health = await self.health_server.health()
        self.set_status(200 if health.ok else 503)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(health.text + "\n")


class _MetricsHandler(RequestHandler):
    def initialize(self, server: HealthServer) -> None:
        self.health_server = server

    def compute_etag(self) -> None:
        return None  # never "304 Not Modified": each answer is as of now

    async def get(self) -> None:
        body = await self.health_server.scrape()
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.set_header("Cache-Control", "no-store")
        self.finish(body)
