"""No update dies in memory: every fetched update is in the database before Telegram is
told it arrived.

python-telegram-bot's own polling confirms a batch with its very next getUpdates, as soon
as the batch is queued, so whatever waited in the in-memory queue at a crash was gone. Here:

- `InboxPoller` is our polling loop (public API only): getUpdates → the batch stored in the
  inbox, one atomic write → each update on the application's queue → the next getUpdates, whose
  offset confirms the batch. A batch that cannot be stored is fetched again, never confirmed.
  At start, what the inbox holds unhandled is queued first, in update_id order (the
  processor keeps each chat's order from there).
- `InboxQueue` is the application's update queue: anything `put` on it (PTB's webhook
  handler does so before it answers 200) is stored first; if storing fails, the webhook
  answers an error and Telegram sends the update again. With a webhook the lifecycle is
  PTB's `run_webhook`; `replay_at_start` hands it what the inbox holds unhandled.
- The gate's claim (storage/updates.claim) marks an update handled.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import signal
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlparse

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.gate import UPDATE_TYPES
from domain.clock import Clock
from domain.settings import Settings
from storage import updates
from storage.db import Database
from ui.wrapped_request import Call, WrappedRequest

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10
# Where build_application leaves the getUpdates request that keeps the raw batch.
KEPT_UPDATES = "kept_updates"
MAX_BACKOFF = 30.0


async def store(db: Database, clock: Clock, payloads: Sequence[dict[str, Any]]) -> None:
    """Keep a batch of updates, each as the JSON Telegram sent."""
    await updates.keep(db, payloads, clock.now())


class KeptUpdates(WrappedRequest):
    """The getUpdates request that keeps the JSON of the last batch as Telegram sent it, so
    the poller stores that and not PTB's objects turned back into JSON (`Update.to_dict` was
    about a twentieth of an answer's CPU: bench/README.md, session 12)."""

    def __init__(self, inner: BaseRequest) -> None:
        super().__init__(inner)
        self.last: list[dict[str, Any]] = []

    async def handle(
        self, name: str, request_data: RequestData | None, call: Call
    ) -> tuple[int, bytes]:
        self.last = []
        code, body = await call()
        if name == "getUpdates" and code == 200:
            result = json.loads(body).get("result")
            self.last = result if isinstance(result, list) else []
        return code, body


def payloads_of(batch: Sequence[Update], kept: KeptUpdates | None) -> list[dict[str, Any]]:
    """The batch's JSON: as received when `kept` holds exactly this batch, else rebuilt."""
    if kept is not None and [raw.get("update_id") for raw in kept.last] == [
        update.update_id for update in batch
    ]:
        return kept.last
    return [update.to_dict() for update in batch]


class InboxQueue(asyncio.Queue[object]):
    """The application's update queue: an update `put` here is stored before it is queued
    (the webhook's path). `put_nowait` queues only: the poller stores a batch at once."""

    def __init__(
        self, db: Database, clock: Clock, on_queued: Callable[[object], None] | None = None
    ) -> None:
        super().__init__()
        self.db = db
        self.clock = clock
        # Told of each item as it is queued (bot/metrics.py times an answer from there).
        self.on_queued = on_queued

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            # PTB's webhook parsed the POST's JSON and keeps only the object.
            await store(self.db, self.clock, [item.to_dict()])
        await super().put(item)

    def put_nowait(self, item: object) -> None:
        # asyncio.Queue.put ends here too: every queued item passes this way once.
        super().put_nowait(item)
        if self.on_queued is not None:
            self.on_queued(item)


class InboxPoller:
    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        db: Database,
        clock: Clock,
        *,
        timeout: int = POLL_TIMEOUT,
        allowed_updates: Sequence[str] = UPDATE_TYPES,
    ) -> None:
        self.application = application
        self.db = db
        self.clock = clock
        self.timeout = timeout
        self.allowed_updates = list(allowed_updates)
        kept = application.bot_data.get(KEPT_UPDATES)
        self.kept = kept if isinstance(kept, KeptUpdates) else None
        self._task: asyncio.Task[None] | None = None
        #: True from a batch's arrival until it is on the queue (tests wait for it).
        self.holding = False

    async def start(self) -> None:
        await self.replay()
        self._task = asyncio.create_task(self._poll(), name="caseline-inbox-poller")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def wait_or(self, stop: asyncio.Event) -> None:
        """Until `stop` is set, or polling ended by itself (the token was rejected)."""
        stopping = asyncio.create_task(stop.wait())
        waiting: set[asyncio.Future[Any]] = {stopping}
        if self._task is not None:
            waiting.add(self._task)
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def replay(self) -> int:
        return await replay(self.application, self.db)

    async def _poll(self) -> None:
        offset: int | None = None
        failures = 0
        while True:
            try:
                batch = await self.application.bot.get_updates(
                    offset=offset, timeout=self.timeout, allowed_updates=self.allowed_updates
                )
                if batch:
                    self.holding = True
                    try:
                        await store(self.db, self.clock, payloads_of(batch, self.kept))
                        for update in batch:
                            self.application.update_queue.put_nowait(update)
                    finally:
                        self.holding = False
                    offset = batch[-1].update_id + 1
                failures = 0
            except asyncio.CancelledError:
                raise
            except InvalidToken:
                log.error("Telegram rejected the bot token; polling stops")
                return
            except RetryAfter as error:
                log.warning("getUpdates: flood control, waiting %s", error.retry_after)
                await asyncio.sleep(_seconds(error.retry_after))
            except Exception as error:  # a network error, or the database refused the batch
                failures += 1
                delay = min(MAX_BACKOFF, 2.0 ** (failures - 1))
                what = "getUpdates failed" if isinstance(error, TelegramError) else "storing failed"
                log.warning(
                    "%s (%s: %s); again in %.0f s", what, type(error).__name__, error, delay
                )
                await asyncio.sleep(delay)


async def replay(application: Application[Any, Any, Any, Any, Any, Any], db: Database) -> int:
    """Queue what was fetched but not handled before the last stop or crash."""
    async with db.session() as session:
        payloads = await updates.unhandled(session)
    for payload in payloads:
        application.update_queue.put_nowait(Update.de_json(payload, application.bot))
    if payloads:
        log.info("handling %d updates fetched before the last stop", len(payloads))
    return len(payloads)


def replay_at_start(application: Application[Any, Any, Any, Any, Any, Any], db: Database) -> None:
    """With a webhook, what the inbox holds unhandled is queued in post_init: PTB's
    run_webhook calls it before the webhook listens, so the replay comes before anything
    Telegram POSTs. An update answered 200 is never sent again: without this, one that
    was stored but not handled at a crash would wait in the inbox for ever."""
    first = application.post_init

    async def post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        if first is not None:
            await first(app)
        await replay(app, db)

    application.post_init = post_init


def webhook_options(settings: Settings) -> dict[str, Any]:
    """How `caseline run` listens for Telegram's POSTs (PTB's run_webhook/start_webhook)."""
    assert settings.webhook_url is not None
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        # The path of the public URL, so a reverse proxy can forward it unchanged.
        "url_path": urlparse(settings.webhook_url).path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        # Telegram echoes this header on every call: only Telegram can reach us.
        "secret_token": settings.webhook_secret or secrets.token_urlsafe(32),
        "allowed_updates": list(UPDATE_TYPES),
        "drop_pending_updates": False,
    }


def run_webhook(
    application: Application[Any, Any, Any, Any, Any, Any], db: Database, settings: Settings
) -> None:
    """`caseline run` with a webhook: PTB's run_webhook, the inbox replayed first."""
    replay_at_start(application, db)
    application.run_webhook(**webhook_options(settings))


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]


def run_polling(
    application: Application[Any, Any, Any, Any, Any, Any], db: Database, clock: Clock
) -> None:
    """`caseline run` with long polling: the application's lifecycle as PTB's run_polling
    has it (initialize, post_init, start … stop, shutdown, post_shutdown), stopped by SIGINT
    or SIGTERM, with the inbox poller instead of PTB's Updater."""
    asyncio.run(_serve(application, db, clock))


async def _serve(
    application: Application[Any, Any, Any, Any, Any, Any], db: Database, clock: Clock
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGABRT):
        loop.add_signal_handler(signum, stop.set)
    poller = InboxPoller(application, db, clock)
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        await poller.start()
        await poller.wait_or(stop)
        log.info("stopping")
        await poller.stop()
        await application.stop()
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
