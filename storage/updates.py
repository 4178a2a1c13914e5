"""The inbox of Telegram updates: stored when fetched, claimed once when handled.

A fetched batch is written in one INSERT before Telegram is told it arrived (the next
getUpdates offset, the webhook's 200), so an update waiting in memory when the process
dies is still here at the next start (`unhandled`). The gate claims each update once
(`claim`): Telegram redelivering a batch, or the inbox replaying one that was also
redelivered, changes nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import affected
from storage.models import InboxUpdate
from storage.upsert import insert_if_absent, insert_statement


async def store(session: AsyncSession, payloads: Iterable[dict[str, Any]], now: datetime) -> None:
    """Keep a fetched batch (each update's JSON, with its `update_id`), one INSERT; ids
    already stored (a redelivered batch) are left as they are."""
    rows = {
        payload["update_id"]: {
            "update_id": payload["update_id"],
            "payload": payload,
            "received_at": now,
            "handled_at": None,
        }
        for payload in payloads
    }
    if not rows:
        return
    statement = (
        insert_statement(session, InboxUpdate)
        .values(list(rows.values()))
        .on_conflict_do_nothing(index_elements=["update_id"])
    )
    await session.execute(statement)


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
    if affected(result):
        return True
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
