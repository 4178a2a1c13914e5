"""The inbox of Telegram updates: stored when fetched, claimed once when handled.

A fetched batch is written in one atomic write before Telegram is told it arrived (the next
getUpdates offset, the webhook's 200), so an update waiting in memory when the process
dies is still here at the next start (`unhandled`). The gate claims each update once
(`claim`): Telegram redelivering a batch, or the inbox replaying one that was also
redelivered, changes nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    Table,
    bindparam,
    delete,
    func,
    null,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database, affected
from storage.driver import Prepared
from storage.machinery import InboxUpdate
from storage.types import UTCDateTime
from storage.upsert import dialect_insert, insert_if_absent
from storage.workers import (
    COVERS,
    WORKERS,
    WorkerRow,
    actor_by_telegram_id,
    with_covers,
    worker_and_covering,
)


async def keep(db: Database, payloads: Iterable[dict[str, Any]], now: datetime) -> None:
    """Keep a fetched batch (each update's JSON, with its `update_id`) in one write that
    is a transaction by itself (on PostgreSQL the INSERT once per update, in one round
    trip: `Prepared.alone`); ids already stored (a redelivered batch) are left as they
    are."""
    rows = {
        payload["update_id"]: {
            "update_id": payload["update_id"],
            "payload": payload,
            "received_at": now,
            "handled_at": None,
        }
        for payload in payloads
    }
    if rows:
        await _keep(db.dialect).alone(db.engine, list(rows.values()))


@cache
def _keep(dialect: str) -> Prepared:
    """Built once per dialect (it runs for every batch), its rows given when it runs."""
    return Prepared(
        dialect_insert(dialect, InboxUpdate).on_conflict_do_nothing(index_elements=["update_id"])
    )


async def claim_for(
    session: AsyncSession, update_id: int, telegram_user_id: int, now: datetime
) -> tuple[bool, WorkerRow | None, frozenset[int]]:
    """`claim`, and the worker behind the Telegram account with whom they cover
    (workers.actor_by_telegram_id): what the gate asks of every update. On PostgreSQL in
    one statement, the claim a data-modifying CTE beside the worker's SELECT — a round
    trip fewer on every update; elsewhere the two in turn."""
    if session.bind.dialect.name != "postgresql":
        if not await claim(session, update_id, now):
            return False, None, frozenset()
        return (True, *await actor_by_telegram_id(session, telegram_user_id, now))
    parameters = {"claimed_id": update_id, "now": now, "telegram_user_id": telegram_user_id}
    rows = await _claim_with_worker().rows(session, parameters)
    taken = bool(rows[0].n) or await _claim_absent(session, update_id, now)
    if not taken:
        return False, None, frozenset()
    return (True, *worker_and_covering(rows))


@cache
def _claim_with_worker() -> Prepared:
    """claim_for's statement on PostgreSQL, built once with its values as parameters and
    sent to the driver: it runs for every update (building it each time cost about 3 % of
    an answer's CPU)."""
    inbox = cast(Table, InboxUpdate.__table__)
    now = bindparam("now", type_=UTCDateTime())
    claimed = (
        update(inbox)
        # Not named like a column of the inbox: an UPDATE would SET a column so named.
        .where(inbox.c.update_id == bindparam("claimed_id"), inbox.c.handled_at.is_(None))
        .values(handled_at=now, payload=null())
        .returning(inbox.c.update_id)
        .cte("claimed")
    )
    counted = select(func.count().label("n")).select_from(claimed).subquery("counted")
    statement = (
        select(counted.c.n, WORKERS, COVERS.c.covered_worker_id)
        .select_from(counted)
        .outerjoin(WORKERS, WORKERS.c.telegram_user_id == bindparam("telegram_user_id"))
    )
    return Prepared(with_covers(statement, now))


async def claim(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """True the first time an update id is handled. The stored JSON goes with the claim:
    a handled update is only an id kept against redelivery. An update that never went
    through the inbox is claimed by inserting it handled."""
    # On the table, not the ORM entity: no inbox row is ever loaded as an object, and an
    # ORM UPDATE first looks for them in the session (~0.3 ms of CPU on every update).
    inbox = cast(Table, InboxUpdate.__table__)
    result = await session.execute(
        update(inbox)
        .where(inbox.c.update_id == update_id, inbox.c.handled_at.is_(None))
        .values(handled_at=now, payload=None)
    )
    return bool(affected(result)) or await _claim_absent(session, update_id, now)


async def _claim_absent(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """An update that never went through the inbox is claimed by inserting it handled."""
    return await insert_if_absent(
        session,
        InboxUpdate,
        {"update_id": update_id, "received_at": now, "handled_at": now},
        ["update_id"],
    )


async def unhandled(session: AsyncSession) -> list[dict[str, Any]]:
    """What was fetched but never handled (the process died first), in update_id order."""
    rows = await session.execute(
        select(InboxUpdate.payload)
        .where(InboxUpdate.handled_at.is_(None), InboxUpdate.payload.is_not(None))
        .order_by(InboxUpdate.update_id)
    )
    return [payload for payload in rows.scalars() if payload is not None]


async def forget_before(session: AsyncSession, cutoff: datetime) -> int:
    """Drop the ids of updates handled before `cutoff`; Telegram keeps undelivered updates
    for 24 hours only, so none of them can come again."""
    result = await session.execute(delete(InboxUpdate).where(InboxUpdate.handled_at < cutoff))
    return affected(result)


async def forget_all(session: AsyncSession) -> None:
    """Empty the inbox: for a bot API server that numbers its updates from 1 again (the
    demo's), whose ids would collide with the ones kept."""
    await session.execute(delete(InboxUpdate))
