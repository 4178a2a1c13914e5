"""Consent / release of information: recorded (given or refused, when, for what)
before any referral may share a client's data."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Consent

SCOPE_MAX = 500


async def record(
    session: AsyncSession,
    *,
    client_id: int,
    given: bool,
    scope: str,
    recorded_by_id: int | None,
    now: datetime,
    expires_on: date | None = None,
) -> Consent:
    consent = Consent(
        client_id=client_id,
        given=given,
        scope=scope.strip()[:SCOPE_MAX],
        recorded_at=now,
        recorded_by_id=recorded_by_id,
        expires_on=expires_on,
    )
    session.add(consent)
    await session.flush()
    return consent


async def current(session: AsyncSession, client_id: int, today: date) -> Consent | None:
    """The latest consent decision still in force (a later refusal overrides a consent)."""
    statement = (
        select(Consent)
        .where(Consent.client_id == client_id)
        .order_by(Consent.recorded_at.desc(), Consent.id.desc())
        .limit(1)
    )
    latest = (await session.execute(statement)).scalar_one_or_none()
    if latest is None or (latest.expires_on is not None and latest.expires_on < today):
        return None
    return latest


async def may_share(session: AsyncSession, client_id: int, today: date) -> Consent | None:
    """The consent that allows sharing, or None when there is none (or it was refused)."""
    consent = await current(session, client_id, today)
    return consent if consent is not None and consent.given else None
