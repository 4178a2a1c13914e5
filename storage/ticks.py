"""When a repeating job last ran (storage.machinery.JobTick)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.machinery import JobTick
from storage.upsert import upsert

REMINDERS = "reminders"


async def record_tick(
    session: AsyncSession,
    job: str,
    *,
    started_at: datetime,
    finished_at: datetime,
    ticked_by: str,
    error: str | None = None,
) -> None:
    duration_ms = max(0, round((finished_at - started_at).total_seconds() * 1000))
    values = {
        "job": job,
        "started_at": started_at,
        "finished_at": finished_at,
        "duration_ms": duration_ms,
        "ticked_by": ticked_by[:120],
        "error": error[:120] if error else None,
    }
    await upsert(session, JobTick, values, ["job"])


async def last_tick(session: AsyncSession, job: str) -> JobTick | None:
    return (await session.execute(select(JobTick).where(JobTick.job == job))).scalar_one_or_none()
