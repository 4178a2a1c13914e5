"""Failed invite codes per Telegram account, for the join throttle
(domain/usecases/invites.join_team).

One small row per account that typed a wrong code: when its window began and how many
attempts failed since. Kept in `persisted_data` under its own scope (python-telegram-bot's
persistence loads only its own scopes), so no table of its own; a successful join drops the
row and housekeeping forgets rows whose window is over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import affected
from storage.machinery import PersistedData
from storage.persistence_store import drop_data, save_data

SCOPE = "join_attempts"


@dataclass(frozen=True, slots=True)
class JoinAttempts:
    since: datetime  # the first failure of the window
    failures: int  # failed and throttled attempts since then


async def current(session: AsyncSession, telegram_id: int) -> JoinAttempts | None:
    statement = select(PersistedData.data).where(
        PersistedData.scope == SCOPE, PersistedData.key == str(telegram_id)
    )
    data = (await session.execute(statement)).scalar_one_or_none()
    if data is None:
        return None
    return JoinAttempts(datetime.fromisoformat(data["since"]), int(data["failures"]))


async def save(
    session: AsyncSession, telegram_id: int, attempts: JoinAttempts, now: datetime
) -> None:
    data = {"since": attempts.since.isoformat(), "failures": attempts.failures}
    await save_data(session, SCOPE, str(telegram_id), data, now)


async def forget(session: AsyncSession, telegram_id: int) -> None:
    await drop_data(session, SCOPE, str(telegram_id))


async def forget_before(session: AsyncSession, cutoff: datetime) -> int:
    """Drop rows not touched since `cutoff` (their window is over)."""
    result = await session.execute(
        delete(PersistedData).where(PersistedData.scope == SCOPE, PersistedData.updated_at < cutoff)
    )
    return affected(result)
