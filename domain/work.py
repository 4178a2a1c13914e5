"""The unit of work every use case runs in.

A use case opens `work.transaction()`. If the caller already holds one for this update
(the update processor, a dialog step that calls two use cases), the use case joins it
and the outer block commits; otherwise the block is its own transaction. So everything
one update changes — the record, the audit events, the alerts, and (once the processor
opens the outer transaction) the dialog state, the draft and the update's "handled" mark —
can commit together, and answers to Telegram go out only after the commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import Clock
from domain.settings import Settings
from storage.db import Database

# The open transaction of the current task, if any (a task started inside inherits
# the variable; the task check keeps it from joining a transaction it does not own).
_open: ContextVar[tuple[asyncio.Task[Any] | None, AsyncSession] | None] = ContextVar(
    "open_transaction", default=None
)


@dataclass
class Work:
    """The database, the clock and the organisation's settings: what a use case needs."""

    db: Database
    clock: Clock
    settings: Settings

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """The current task's open transaction, joined; else a new one that commits
        when the block ends without error."""
        current = _open.get()
        if current is not None and current[0] is asyncio.current_task():
            yield current[1]
            return
        async with self.db.session() as session:
            token = _open.set((asyncio.current_task(), session))
            try:
                yield session
            finally:
                _open.reset(token)

    def zone_for(self, timezone: str | None) -> ZoneInfo:
        """A worker's own zone, else the organisation's."""
        return ZoneInfo(timezone or self.settings.timezone)
