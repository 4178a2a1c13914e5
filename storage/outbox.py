"""The reminder outbox: enqueueing, claiming and recording delivery results.

Reminders are computed from the data by scheduler ticks and written here under a unique
``key`` (``kind:subject:due``), so a second tick, a restart or a second scheduler process
never creates the same reminder twice. A sender then *claims* due rows (status ``sending``,
``claimed_by``, ``claimed_at``), delivers them and records each result with a conditional
UPDATE that only succeeds while the row is still claimed by that sender. A sender that died
mid-send leaves rows in ``sending``; once their lease has expired another sender claims them
again. Nothing here knows about Telegram.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from storage import audit
from storage.db import affected
from storage.machinery import OutboxMessage, OutboxStatus
from storage.models import Worker
from storage.upsert import insert_if_absent
from storage.workers import supervisors_of

KEY_MAX = 200
CLAIMER_MAX = 100


@dataclass(frozen=True)
class Backlog:
    """What waits to be sent: rows due now and not delivered, and the oldest one's due time."""

    due: int
    oldest_due_at: datetime | None


async def backlog(session: AsyncSession, *, now: datetime) -> Backlog:
    """The outbox's depth and age (caseline doctor, /metrics): pending or sending rows whose
    time has come. Rows planned for later are not a backlog."""
    waiting = OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING))
    statement = select(func.count(), func.min(OutboxMessage.due_at)).where(
        waiting, OutboxMessage.next_attempt_at <= now
    )
    count, oldest = (await session.execute(statement)).one()
    return Backlog(due=int(count), oldest_due_at=oldest)


async def enqueue(
    session: AsyncSession,
    *,
    key: str,
    kind: str,
    worker_id: int,
    due_at: datetime,
    now: datetime,
    client_id: int | None = None,
    subject_type: str | None = None,
    subject_id: int | None = None,
    payload: dict[str, Any] | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Add a reminder unless one with the same ``key`` exists; True when this call added it.

    ``INSERT … ON CONFLICT DO NOTHING`` rather than select-then-insert, so two ticks racing
    in two processes still produce one row. The row is deliverable from ``not_before``
    (default: ``now``), which lets a caller hold a reminder back, e.g. until quiet hours end.
    """
    if not key or len(key) > KEY_MAX:
        raise ValueError(f"outbox key must be 1..{KEY_MAX} characters")
    values: dict[str, Any] = {
        "key": key,
        "kind": kind,
        "worker_id": worker_id,
        "client_id": client_id,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "due_at": due_at,
        "payload": payload or {},
        "status": OutboxStatus.PENDING,
        "created_at": now,
        "next_attempt_at": not_before or now,
        "attempts": 0,
    }
    return await insert_if_absent(session, OutboxMessage, values, ["key"])


def _claimable(now: datetime, lease: timedelta) -> ColumnElement[bool]:
    """Due pending rows, and rows whose claimer has held them longer than the lease."""
    return or_(
        and_(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
        ),
        and_(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_at < now - lease,
        ),
    )


async def claim_due(
    session: AsyncSession,
    *,
    now: datetime,
    claimer: str,
    limit: int,
    lease: timedelta,
) -> list[OutboxMessage]:
    """Claim up to ``limit`` due rows for ``claimer``, oldest ``next_attempt_at`` first.

    First the ids are selected; on PostgreSQL with ``FOR UPDATE SKIP LOCKED``, so concurrent
    claimers in other processes step over each other's rows instead of waiting for them or
    claiming them twice (the locks last until this transaction commits). Then one UPDATE takes
    them, repeating the due condition: on SQLite the select runs outside the write
    transaction (pysqlite begins it only at the first write), so the condition is what keeps a
    row claimed by another process in between from being taken twice.

    Two statements on purpose: PostgreSQL re-scans a locking ``IN (SELECT … LIMIT n)``
    subquery inside an UPDATE and then skips the rows that statement just updated, claiming
    more than ``n`` rows.

    The returned rows carry the claim and stay usable after the session ends.
    """
    if limit <= 0:
        return []
    claimer = claimer[:CLAIMER_MAX]
    candidates = (
        select(OutboxMessage.id)
        .where(_claimable(now, lease))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if session.bind.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list((await session.scalars(candidates)).all())
    if not ids:
        return []
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), _claimable(now, lease))
        .values(status=OutboxStatus.SENDING, claimed_by=claimer, claimed_at=now)
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    rows = list((await session.scalars(statement)).all())
    rows.sort(key=lambda row: (row.next_attempt_at, row.id))
    return rows


async def _finish(session: AsyncSession, row_id: int, claimer: str, values: dict[str, Any]) -> bool:
    """Apply ``values`` only while the row is still in ``sending`` under ``claimer``.

    A sender whose lease expired (it stalled, and another sender took the row over) must not
    overwrite the other sender's result; the condition makes that a no-op, reported as False.
    """
    statement = (
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row_id,
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_by == claimer[:CLAIMER_MAX],
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(statement)
    return affected(result) == 1


async def mark_sent(
    session: AsyncSession,
    row_id: int,
    *,
    now: datetime,
    telegram_message_id: int | None,
    claimer: str,
) -> bool:
    """Record a delivered reminder (its Telegram message id lets buttons find it again;
    a wipe has none)."""
    values = {
        "status": OutboxStatus.SENT,
        "sent_at": now,
        "telegram_message_id": telegram_message_id,
    }
    return await _finish(session, row_id, claimer, values)


async def mark_retry(
    session: AsyncSession,
    row_id: int,
    *,
    now: datetime,
    next_attempt_at: datetime,
    error: str,
    claimer: str,
    count_attempt: bool = True,
) -> bool:
    """Put the row back to ``pending`` until ``next_attempt_at``.

    ``attempts`` counts failed attempts and drives backoff and giving up; a flood-control
    answer (429) is Telegram's state, not the message's, so the sender passes
    ``count_attempt=False`` for it. Like every mark it takes ``now``, even where no column
    records it yet, so callers never need to know which result keeps a timestamp.
    """
    del now
    values: dict[str, Any] = {
        "status": OutboxStatus.PENDING,
        "next_attempt_at": next_attempt_at,
        "last_error": error[:1000],
        "claimed_by": None,
        "claimed_at": None,
    }
    if count_attempt:
        values["attempts"] = OutboxMessage.attempts + 1
    return await _finish(session, row_id, claimer, values)


async def mark_failed(
    session: AsyncSession, row_id: int, *, now: datetime, error: str, claimer: str
) -> bool:
    """Give up on the row for good (blocked user, bad request, too many attempts); the
    error text stays on the row for whoever looks into it."""
    del now
    values: dict[str, Any] = {
        "status": OutboxStatus.FAILED,
        "last_error": error[:1000],
        "attempts": OutboxMessage.attempts + 1,
    }
    return await _finish(session, row_id, claimer, values)


async def mark_skipped(
    session: AsyncSession,
    row_id: int,
    *,
    now: datetime,
    claimer: str,
    reason: str | None = None,
) -> bool:
    """Close a row that should no longer be delivered (inactive worker, resolved subject)."""
    del now
    values: dict[str, Any] = {"status": OutboxStatus.SKIPPED, "last_error": reason}
    return await _finish(session, row_id, claimer, values)


async def release(session: AsyncSession, row_ids: Sequence[int], *, claimer: str) -> int:
    """Hand claimed but unsent rows back (``pending``, same ``next_attempt_at``).

    A sender that stops early (shutdown, an error) calls this so the rows go out on the next
    drain rather than only after the lease expires. Returns how many rows were released.
    """
    if not row_ids:
        return 0
    statement = (
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(list(row_ids)),
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_by == claimer[:CLAIMER_MAX],
        )
        .values(status=OutboxStatus.PENDING, claimed_by=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(statement)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def renew_claims(
    session: AsyncSession, row_ids: Sequence[int], *, now: datetime, claimer: str
) -> set[int]:
    """Move ``claimed_at`` to ``now`` for rows still claimed by ``claimer``; returns those ids.

    Rows wait in the sender's memory while their chat's one-message-a-second pace works
    through them; renewing keeps a long queue for one chat from looking abandoned. Ids not
    returned were taken over by another sender and must not be sent.
    """
    if not row_ids:
        return set()
    statement = (
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(list(row_ids)),
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_by == claimer[:CLAIMER_MAX],
        )
        .values(claimed_at=now)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return set((await session.scalars(statement)).all())


async def mark_unreachable(session: AsyncSession, worker_id: int, *, now: datetime) -> list[Worker]:
    """Mark a worker whose chat answered 403 (they blocked the bot) unreachable; returns the
    supervisors to tell, the first time only.

    Unreachable is not switched off: the worker keeps their access and caseload until a
    supervisor or admin decides (a block may be a new phone or a mistake), their reminders
    are skipped meanwhile, and their next update clears the mark (bot/gate.py). The team's
    active supervisors (never the worker themself) are returned so the caller can tell them;
    marking twice keeps the first ``unreachable_at``, audits once and tells no one again.
    """
    worker = await session.get(Worker, worker_id)
    if worker is None or worker.unreachable_at is not None:
        return []
    worker.unreachable_at = now
    await audit.record(
        session,
        "worker.unreachable",
        now=now,
        subject_type="worker",
        subject_id=worker_id,
        detail={"reason": "blocked_bot"},
    )
    await session.flush()
    if worker.team_id is None:
        return []
    return await supervisors_of(session, worker.team_id, besides=worker_id)
