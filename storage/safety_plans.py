"""A client's safety plan as `SafetyPlan` rows, one per version (the rules:
domain/rules/safety_plans.py). Nothing here deletes or changes a version's lines: a new
version is added and the one before gets its `superseded_at`. No Telegram, no access
checks: the use cases in domain/usecases/safety_plans.py decide who may.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Client, SafetyPlan

SAVED = "saved"
REVIEWED = "reviewed"
# The six sections, in the plan's order (the Stanley–Brown steps); the keys of `sections`.
SECTIONS = (
    "warning_signs",
    "coping",
    "distraction",
    "help",
    "professionals",
    "environment",
)


async def current(session: AsyncSession, client_id: int) -> SafetyPlan | None:
    """The version in effect, or None when the client has no safety plan."""
    statement = select(SafetyPlan).where(SafetyPlan.client_id == client_id, SafetyPlan.is_current)
    return (await session.execute(statement)).scalars().first()


async def version(session: AsyncSession, client_id: int, number: int) -> SafetyPlan | None:
    statement = select(SafetyPlan).where(
        SafetyPlan.client_id == client_id, SafetyPlan.version == number
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def versions(
    session: AsyncSession, client_id: int, *, offset: int = 0, limit: int | None = None
) -> list[SafetyPlan]:
    """Every version, newest first (a page of them with `offset` and `limit`)."""
    statement = (
        select(SafetyPlan)
        .where(SafetyPlan.client_id == client_id)
        .order_by(SafetyPlan.version.desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(statement)).scalars())


async def count(session: AsyncSession, client_id: int) -> int:
    statement = (
        select(func.count()).select_from(SafetyPlan).where(SafetyPlan.client_id == client_id)
    )
    return (await session.execute(statement)).scalar_one()


async def lock(session: AsyncSession, client: Client) -> None:
    """Hold the client's row until the transaction ends (PostgreSQL; SQLite writes one at
    a time anyway): two saves of one client's plan at once come one after the other, so
    the second sees the first's version and never writes the same number."""
    await session.execute(select(Client.id).where(Client.id == client.id).with_for_update())


async def add_version(
    session: AsyncSession,
    client: Client,
    *,
    kind: str,
    sections: dict[str, Any],
    changed: list[str],
    interval_days: int,
    next_review_on: date,
    by: int | None,
    now: datetime,
) -> SafetyPlan:
    """The next version, in effect from now; the one before is superseded."""
    before = await current(session, client.id)
    if before is not None:
        before.superseded_at = now
    row = SafetyPlan(
        client_id=client.id,
        version=(before.version if before is not None else 0) + 1,
        kind=kind,
        sections=sections,
        changed=",".join(changed) or None,
        review_interval_days=interval_days,
        next_review_on=next_review_on,
        created_by_id=by,
        created_at=now,
    )
    session.add(row)
    client.updated_at = now
    await session.flush()
    return row


def changed_keys(row: SafetyPlan) -> list[str]:
    return [key for key in (row.changed or "").split(",") if key]
