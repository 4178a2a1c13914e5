"""The unit of work every use case runs in.

A use case opens `work.transaction()`. If the caller already holds one for this update
(the application opens one per update: bot/app.py, ui/held_answers.py), the use case joins
it and the outer block commits; otherwise the block is its own transaction. So everything
one update changes — the record, the audit events, the alerts, the dialog state, the draft
and the update's "handled" mark — commits together, and answers to Telegram go out only
after the commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import Clock
from domain.settings import Settings
from storage.db import Database


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
        async with self.db.transaction() as session:
            yield session

    def zone_for(self, timezone: str | None) -> ZoneInfo:
        """A worker's own zone, else the organisation's."""
        return ZoneInfo(timezone or self.settings.timezone)
