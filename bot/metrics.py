"""What one Caseline process counts, for Prometheus (served by bot/health_server.py).

Each process builds one `Metrics` with a registry of its own rather than the client
library's global one: the metric objects then belong to the Application that records them
(its bot_data["metrics"]), tests and the demo can build several Applications in one process
without "duplicated timeseries", and a scrape shows nothing that another library happened to
register globally. The process collectors (CPU, memory, open files, GC) are added to it.

Labels are a few fixed words each: never a user id, a chat id or a client's name.
"""

from __future__ import annotations

import time

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from telegram import Update
from telegram.constants import MessageEntityType
from telegram.request import BaseRequest, RequestData

from ui.wrapped_request import Call, WrappedRequest, retry_after

# No `*_created` series beside each counter and histogram: Prometheus' text format does not
# need them and they double what a scrape shows. (The client library's switch is global.)
disable_created_metrics()

#: The kinds of update counted: a few words, whatever Telegram sends.
UPDATE_KINDS = ("message", "command", "callback", "location", "other")

# An answer takes tens of milliseconds; seconds mean the database or Telegram is slow.
LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# A tick is quick, or minutes long on a morning fan-out of agendas at 30 a second.
TICK_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0)
# A digest is a few queries and a chart.
DIGEST_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# Arrival times kept at most (an update queued but never handled must not grow the map).
MAX_WAITING = 10_000


def update_kind(update: object) -> str:
    """One of UPDATE_KINDS: a command is a message that starts with /command; a location
    is a shared, live (an edit moving it) or venue location."""
    if not isinstance(update, Update):
        return "other"
    if update.callback_query is not None:
        return "callback"
    message = update.message or update.edited_message
    if message is None:
        return "other"
    if message.location is not None or message.venue is not None:
        return "location"
    if update.edited_message is not None:
        return "other"
    entities = message.entities or ()
    if entities and entities[0].type == MessageEntityType.BOT_COMMAND and entities[0].offset == 0:
        return "command"
    return "message"


class Metrics:
    """The process's metrics on its own registry (see the module doc)."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
        GCCollector(registry=registry)
        self.updates = Counter(
            "caseline_updates",
            "Updates handled, by kind (message, command, callback, location, other).",
            ["kind"],
            registry=registry,
        )
        self.answer_latency = Histogram(
            "caseline_answer_latency_seconds",
            "Seconds from an update's arrival (stored in the inbox and queued) to its answers "
            "sent to Telegram (or to the end of its handling, when it has none).",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.errors = Counter(
            "caseline_errors",
            "Errors that reached the error handler: in an update's handling, or in a job.",
            ["source"],
            registry=registry,
        )
        self.rate_limited = Counter(
            "caseline_telegram_429",  # exposed as caseline_telegram_429_total
            "429 answers (flood control) Telegram gave to this process's sends.",
            ["bot"],
            registry=registry,
        )
        self.retry_after = Counter(
            "caseline_telegram_retry_after_seconds",
            "Seconds of retry_after asked for by those 429 answers, added up.",
            ["bot"],
            registry=registry,
        )
        self.outbox_due = Gauge(
            "caseline_outbox_due",
            "Outbox rows whose time has come and that are not sent yet (at scrape time).",
            registry=registry,
        )
        self.outbox_oldest_age = Gauge(
            "caseline_outbox_oldest_due_age_seconds",
            "How long the oldest of those rows has been due (0 when there is none).",
            registry=registry,
        )
        self.tick_duration = Histogram(
            "caseline_tick_duration_seconds",
            "Seconds one reminder tick took in this process, failed or not (plan and drain).",
            buckets=TICK_BUCKETS,
            registry=registry,
        )
        self.reminders = Counter(
            "caseline_reminders",
            "Outbox rows handled by this process's sender, by row kind and outcome "
            "(sent, retry, failed, skipped, blocked).",
            ["kind", "outcome"],
            registry=registry,
        )
        self.digest_duration = Histogram(
            "caseline_digest_duration_seconds",
            "Seconds to compute and draw one supervisor's digest for sending.",
            buckets=DIGEST_BUCKETS,
            registry=registry,
        )
        for kind in UPDATE_KINDS:  # every kind shows, 0 until it happens
            self.updates.labels(kind)
        # An update's arrival (time.monotonic()), by update id, until it is handled.
        self._arrived: dict[int, float] = {}

    def arrived(self, update: object) -> None:
        """Note when an update was queued (bot/inbox.py's queue calls this)."""
        if isinstance(update, Update):
            if len(self._arrived) >= MAX_WAITING:
                del self._arrived[next(iter(self._arrived))]
            self._arrived[update.update_id] = time.monotonic()

    def handled(self, update: Update) -> None:
        """Count an update whose answers went out, and its latency since it arrived."""
        now = time.monotonic()
        kind = update_kind(update)
        self.updates.labels(kind).inc()
        self.answer_latency.labels(kind).observe(
            max(0.0, now - self._arrived.pop(update.update_id, now))
        )

    def render(self) -> bytes:
        """The registry in Prometheus' text format."""
        return generate_latest(self.registry)


class MeteredRequest(WrappedRequest):
    """Counts every 429 Telegram answers, and its retry_after, for the bot `name` (answers,
    reminders). It sits right above HTTP, below the pacing that waits out and retries a 429
    (bot/pacing.py), so each refused attempt counts once."""

    def __init__(self, inner: BaseRequest, metrics: Metrics, name: str) -> None:
        super().__init__(inner)
        self.rate_limited = metrics.rate_limited.labels(name)
        self.retry_after = metrics.retry_after.labels(name)

    async def handle(
        self, name: str, request_data: RequestData | None, call: Call
    ) -> tuple[int, bytes]:
        code, payload = await call()
        seconds = retry_after(code, payload)
        if seconds is not None:
            self.rate_limited.inc()
            self.retry_after.inc(seconds)
        return code, payload


def metered(inner: BaseRequest, metrics: Metrics | None, name: str) -> BaseRequest:
    return inner if metrics is None else MeteredRequest(inner, metrics, name)
