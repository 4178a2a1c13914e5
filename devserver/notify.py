"""Event-driven waiting on shared state (a condition variable that sync code can signal).

Fake users post updates from plain synchronous methods, so whoever changes state must be able
to wake waiters without awaiting. This is the classic condition-variable pattern built on a
fresh :class:`asyncio.Event` per "generation": ``notify()`` sets the current event and drops it,
and waiters re-check their predicate on every wake-up. Nothing ever polls with ``sleep``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class Notifier:
    def __init__(self) -> None:
        self._changed: asyncio.Event | None = None

    def notify(self) -> None:
        """Wake every current waiter so it re-evaluates its predicate."""
        changed, self._changed = self._changed, None
        if changed is not None:
            changed.set()

    async def wait_for(
        self,
        predicate: Callable[[], object],
        timeout: float | None,  # noqa: ASYNC109 (callers pass their own deadline)
    ) -> None:
        """Return once ``predicate()`` is truthy; raise :class:`TimeoutError` after ``timeout``."""
        async with asyncio.timeout(timeout):
            while not predicate():
                if self._changed is None:
                    self._changed = asyncio.Event()
                await self._changed.wait()
