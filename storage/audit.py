"""The audit trail: who did or saw what, when, on which record.

Every event is chained to the one before it as it is written (storage/audit_chain.py:
the hash chain, and why the chain's tail is locked by each writing transaction). Nothing
updates or deletes an audit event: `caseline audit verify` would report it. The detail
never carries a client's name or words, so the trail needs no anonymising either."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit_chain import NewEvent, chain, write_staged
from storage.machinery import AuditEvent


async def record(
    session: AsyncSession,
    action: str,
    *,
    now: datetime,
    actor_id: int | None = None,
    telegram_id: int | None = None,
    subject_type: str | None = None,
    subject_id: int | None = None,
    client_id: int | None = None,
    allowed: bool = True,
    detail: dict[str, Any] | None = None,
) -> None:
    await chain(
        session,
        NewEvent(
            at=now,
            action=action,
            actor_worker_id=actor_id,
            actor_telegram_id=telegram_id,
            subject_type=subject_type,
            subject_id=subject_id,
            client_id=client_id,
            allowed=allowed,
            detail=detail or {},
        ),
    )


async def record_client(
    session: AsyncSession,
    action: str,
    *,
    now: datetime,
    actor_id: int | None,
    client_id: int,
    allowed: bool = True,
    detail: dict[str, Any] | None = None,
) -> None:
    """Something a worker (None: the operator's shell, a retention run) did or tried to a
    client's record as a whole."""
    await record(
        session,
        action,
        now=now,
        actor_id=actor_id,
        subject_type="client",
        subject_id=client_id,
        client_id=client_id,
        allowed=allowed,
        detail=detail,
    )


async def refused(
    session: AsyncSession,
    action: str,
    *,
    now: datetime,
    actor_id: int,
    subject_type: str | None = None,
    subject_id: int | None = None,
    client_id: int | None = None,
    **detail: Any,
) -> None:
    """An attempt the actor was not allowed (or a forged or replayed button)."""
    await record(
        session,
        action,
        now=now,
        actor_id=actor_id,
        subject_type=subject_type,
        subject_id=subject_id,
        client_id=client_id,
        allowed=False,
        detail=detail,
    )


async def last_event_for_telegram_id(
    session: AsyncSession, telegram_id: int | None, action: str
) -> AuditEvent | None:
    """The latest `action` event by this Telegram account (None: updates with no sender,
    e.g. a poll, count as one sender)."""
    await write_staged(session)
    sender = (
        AuditEvent.actor_telegram_id.is_(None)
        if telegram_id is None
        else AuditEvent.actor_telegram_id == telegram_id
    )
    statement = (
        select(AuditEvent)
        .where(sender, AuditEvent.action == action)
        .order_by(AuditEvent.at.desc())
        .limit(1)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def latest_about(
    session: AsyncSession, action: str, *, client_id: int, subject_type: str, subject_id: int
) -> AuditEvent | None:
    """The latest allowed `action` on one record of a client (the client narrows the
    search to its index): who did it, and its detail."""
    await write_staged(session)
    statement = (
        select(AuditEvent)
        .where(
            AuditEvent.client_id == client_id,
            AuditEvent.action == action,
            AuditEvent.subject_type == subject_type,
            AuditEvent.subject_id == subject_id,
            AuditEvent.allowed.is_(True),
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def events(
    session: AsyncSession,
    *,
    client_id: int | None = None,
    actor_id: int | None = None,
    since: datetime | None = None,
    limit: int = 1000,
) -> list[AuditEvent]:
    await write_staged(session)
    statement = select(AuditEvent).order_by(AuditEvent.at, AuditEvent.id).limit(limit)
    if client_id is not None:
        statement = statement.where(AuditEvent.client_id == client_id)
    if actor_id is not None:
        statement = statement.where(AuditEvent.actor_worker_id == actor_id)
    if since is not None:
        statement = statement.where(AuditEvent.at >= since)
    return list((await session.execute(statement)).scalars())


async def count_allowed(
    session: AsyncSession,
    actions: tuple[str, ...],
    *,
    actor_id: int | None,
    since: datetime,
    until: datetime,
) -> int:
    """How many allowed `actions` one actor did in [since, until); None: the operator at
    the shell (events with no actor)."""
    await write_staged(session)
    actor = (
        AuditEvent.actor_worker_id.is_(None)
        if actor_id is None
        else AuditEvent.actor_worker_id == actor_id
    )
    statement = select(func.count()).where(
        actor,
        AuditEvent.action.in_(actions),
        AuditEvent.allowed.is_(True),
        AuditEvent.at >= since,
        AuditEvent.at < until,
    )
    return (await session.execute(statement)).scalar_one()


async def refused_at_most_every(
    session: AsyncSession,
    action: str,
    *,
    telegram_id: int | None,
    every: timedelta,
    now: datetime,
    actor_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> bool:
    """Record a refused `action` by this Telegram account unless one was recorded within
    `every`, so neither the trail nor the person is flooded; True when it was recorded."""
    last = await last_event_for_telegram_id(session, telegram_id, action)
    if last is not None and now - last.at < every:
        return False
    await record(
        session,
        action,
        now=now,
        telegram_id=telegram_id,
        actor_id=actor_id,
        allowed=False,
        detail=detail,
    )
    return True
