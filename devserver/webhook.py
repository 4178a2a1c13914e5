"""Webhook delivery: POST queued updates to the bot's URL, in order, one at a time.

Mirrors Telegram: the secret token travels in ``X-Telegram-Bot-Api-Secret-Token``, an update
counts as delivered only on a 2xx answer, failures are retried with a (short, for tests) backoff
and reported through ``getWebhookInfo``'s ``last_error_*`` fields.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any

import httpx

from .notify import Notifier
from .updates import Update, UpdateQueue

_LOG = logging.getLogger(__name__)
_MIN_BACKOFF = 0.05
_MAX_BACKOFF = 1.0
_POST_TIMEOUT = 10.0


class WebhookDeliverer:
    def __init__(self, queue: UpdateQueue, notifier: Notifier, clock: Callable[[], int]) -> None:
        self._queue = queue
        self._notifier = notifier
        self._clock = clock
        self._task: asyncio.Task[None] | None = None
        self.url = ""
        self.secret_token: str | None = None
        self.max_connections = 40
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self.delivered = 0

    @property
    def active(self) -> bool:
        return bool(self.url)

    async def set(self, url: str, secret_token: str | None, max_connections: int) -> None:
        await self.stop()
        self.url, self.secret_token, self.max_connections = url, secret_token, max_connections
        self.last_error_date = self.last_error_message = None
        self._task = asyncio.create_task(self._run(), name=f"webhook→{url}")
        self._notifier.notify()  # pending long polls must give way (409)

    async def delete(self) -> None:
        await self.stop()
        self.url, self.secret_token = "", None

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def info(self) -> dict[str, Any]:
        """The ``WebhookInfo`` object."""
        info: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": self._queue.pending_count,
        }
        if self.active:
            info["max_connections"] = self.max_connections
            info["ip_address"] = "127.0.0.1"
            if self._queue.allowed_updates:
                info["allowed_updates"] = list(self._queue.allowed_updates)
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info

    async def _run(self) -> None:
        backoff = _MIN_BACKOFF
        async with httpx.AsyncClient(timeout=_POST_TIMEOUT) as client:
            while True:
                await self._notifier.wait_for(lambda: self._queue.head() is not None, None)
                update = self._queue.head()
                assert update is not None
                if await self._post(client, update):
                    self._queue.acknowledge(update)
                    self.delivered += 1
                    backoff = _MIN_BACKOFF
                else:
                    # Retry delay, not state polling: Telegram also backs off a failing webhook.
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, _MAX_BACKOFF)

    async def _post(self, client: httpx.AsyncClient, update: Update) -> bool:
        headers = {"Content-Type": "application/json"}
        if self.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.secret_token
        try:
            response = await client.post(self.url, content=json.dumps(update), headers=headers)
        except httpx.HTTPError as error:
            self._record_error(f"Connection error: {error.__class__.__name__}: {error}")
            return False
        if 200 <= response.status_code < 300:
            return True
        self._record_error(
            f"Wrong response from the webhook: {response.status_code} {response.reason_phrase}"
        )
        return False

    def _record_error(self, message: str) -> None:
        _LOG.info("webhook delivery to %s failed: %s", self.url, message)
        self.last_error_date = self._clock()
        self.last_error_message = message
        self._notifier.notify()  # a test may wait for the bot to refuse an update
