"""Telegram update de-duplication.

Telegram redelivers the last batch of updates when a bot restarts before confirming
them. Each update id is claimed once; a second delivery finds the claim and is
ignored, so it changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import affected
from storage.models import ProcessedUpdate
from storage.upsert import insert_if_absent


async def claim(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """True the first time an update id is seen."""
    return await insert_if_absent(
        session, ProcessedUpdate, {"update_id": update_id, "processed_at": now}, ["update_id"]
    )


async def forget_before(session: AsyncSession, cutoff: datetime) -> int:
    """Drop old claims; Telegram keeps undelivered updates for 24 hours only."""
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff)
    )
    return affected(result)
