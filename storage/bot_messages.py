"""The bot's own messages in each chat, kept while Telegram lets the bot delete them.

Telegram lets a bot delete its messages in a private chat for 48 hours. Switching a worker
off queues a wipe (an outbox row of kind "wipe", sent under the bot's one sending budget
like every other call) that deletes what is still deletable, so fewer client details stay
on a phone that has left the agency.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from storage import outbox

# Telegram's window for deleting a message; older ids are pruned.
DELETABLE_FOR = timedelta(hours=48)
WIPE_KIND = "wipe"


async def schedule_wipe(
    session: AsyncSession, *, worker_id: int, chat_id: int | None, now: datetime
) -> bool:
    """Queue the deletion of the bot's deletable messages in `chat_id`; False if there is
    no chat (the worker never joined) or a wipe for this moment is already queued."""
    if chat_id is None:
        return False
    return await outbox.enqueue(
        session,
        key=f"{WIPE_KIND}:{worker_id}:{now.isoformat()}",
        kind=WIPE_KIND,
        worker_id=worker_id,
        due_at=now,
        now=now,
        payload={"chat_id": chat_id},
    )
