"""Which record each dialog's draft became, so that one draft saves at most once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import affected
from storage.machinery import SavedDraft


async def saved_as(
    session: AsyncSession, worker_id: int, token: str | None, subject_type: str
) -> int | None:
    """The id of the record this draft already became, if it did."""
    if not token:
        return None
    statement = select(SavedDraft.subject_id).where(
        SavedDraft.worker_id == worker_id,
        SavedDraft.token == token,
        SavedDraft.subject_type == subject_type,
    )
    return (await session.execute(statement)).scalar_one_or_none()


def remember(
    session: AsyncSession,
    worker_id: int,
    token: str | None,
    subject_type: str,
    subject_id: int,
    now: datetime,
) -> None:
    """Record, in the saving transaction, that this draft became that record."""
    if token:
        session.add(
            SavedDraft(
                worker_id=worker_id,
                token=token,
                subject_type=subject_type,
                subject_id=subject_id,
                saved_at=now,
            )
        )


async def forget_before(session: AsyncSession, cutoff: datetime) -> int:
    result = await session.execute(delete(SavedDraft).where(SavedDraft.saved_at < cutoff))
    return affected(result)
