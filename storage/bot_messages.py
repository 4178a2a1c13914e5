"""The bot's own messages in each chat, kept while Telegram lets the bot delete them.

Telegram lets a bot delete its messages in a private chat for 48 hours. Switching a worker
off queues a wipe (an outbox row of kind "wipe", sent under the bot's one sending budget
like every other call) that deletes what is still deletable, so fewer client details stay
on a phone that has left the agency.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import outbox
from storage.db import affected
from storage.machinery import BotMessage
from storage.models import Worker

# Telegram's window for deleting a message; older ids are pruned.
DELETABLE_FOR = timedelta(hours=48)
WIPE_KIND = "wipe"
# CASELINE_DELETE_AFTER_HOURS: the bot's messages in a chat that are past their hours.
EXPIRE_KIND = "expire"


async def schedule_wipe(
    session: AsyncSession, *, worker_id: int, chat_id: int | None, now: datetime
) -> bool:
    """Queue the deletion of the bot's deletable messages in `chat_id`; False if there is
    no chat (the worker never joined) or a wipe for this moment is already queued."""
    if chat_id is None:
        return False
    key = f"{WIPE_KIND}:{worker_id}:{now.isoformat()}"
    return await _queue_deletion(session, WIPE_KIND, key, worker_id, chat_id, now)


async def _queue_deletion(
    session: AsyncSession, kind: str, key: str, worker_id: int, chat_id: int, now: datetime
) -> bool:
    """An outbox row that deletes the bot's messages in `chat_id` (rendered by kind)."""
    return await outbox.enqueue(
        session,
        key=key,
        kind=kind,
        worker_id=worker_id,
        due_at=now,
        now=now,
        payload={"chat_id": chat_id},
    )


async def remember(session: AsyncSession, sent: Iterable[tuple[int, int, datetime]]) -> int:
    """Store (chat_id, message_id, sent_at) of messages the bot sent; how many."""
    rows = [
        {"chat_id": chat_id, "message_id": message_id, "sent_at": sent_at}
        for chat_id, message_id, sent_at in sent
    ]
    if rows:
        await session.execute(insert(BotMessage), rows)
    return len(rows)


async def deletable(session: AsyncSession, chat_id: int, *, now: datetime) -> list[int]:
    """The ids of the bot's messages in `chat_id` that Telegram still lets it delete,
    oldest first."""
    statement = (
        select(BotMessage.message_id)
        .where(BotMessage.chat_id == chat_id, BotMessage.sent_at > now - DELETABLE_FOR)
        .order_by(BotMessage.sent_at, BotMessage.message_id)
    )
    return list(dict.fromkeys((await session.scalars(statement)).all()))


async def forget(session: AsyncSession, chat_id: int, message_ids: Sequence[int]) -> int:
    """Drop the rows of messages that were deleted; how many."""
    if not message_ids:
        return 0
    result = await session.execute(
        delete(BotMessage).where(
            BotMessage.chat_id == chat_id, BotMessage.message_id.in_(list(message_ids))
        )
    )
    return affected(result)


async def forget_before(session: AsyncSession, cutoff: datetime) -> int:
    """Drop the rows of messages Telegram no longer lets the bot delete; how many."""
    result = await session.execute(delete(BotMessage).where(BotMessage.sent_at <= cutoff))
    return affected(result)


async def schedule_expiry(session: AsyncSession, *, sent_before: datetime, now: datetime) -> int:
    """Queue, per worker's chat, the deletion of the bot's messages sent before
    `sent_before` that Telegram still lets it delete (CASELINE_DELETE_AFTER_HOURS); how
    many chats. One row per chat and oldest such message, so a tick that finds the same
    ones still waiting queues nothing again."""
    statement = (
        select(Worker.id, BotMessage.chat_id, func.min(BotMessage.message_id))
        .join(Worker, Worker.chat_id == BotMessage.chat_id)
        .where(BotMessage.sent_at <= sent_before, BotMessage.sent_at > now - DELETABLE_FOR)
        .group_by(Worker.id, BotMessage.chat_id)
    )
    queued = 0
    for worker_id, chat_id, oldest in (await session.execute(statement)).all():
        key = f"{EXPIRE_KIND}:{chat_id}:{oldest}"
        queued += await _queue_deletion(session, EXPIRE_KIND, key, worker_id, chat_id, now)
    return queued


async def expired(
    session: AsyncSession, chat_id: int, *, sent_before: datetime, now: datetime
) -> list[int]:
    """The ids of the bot's messages in `chat_id` sent before `sent_before` that Telegram
    still lets it delete, oldest first."""
    statement = (
        select(BotMessage.message_id)
        .where(
            BotMessage.chat_id == chat_id,
            BotMessage.sent_at <= sent_before,
            BotMessage.sent_at > now - DELETABLE_FOR,
        )
        .order_by(BotMessage.sent_at, BotMessage.message_id)
    )
    return list(dict.fromkeys((await session.scalars(statement)).all()))
