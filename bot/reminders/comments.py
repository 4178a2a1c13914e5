"""A note's author told of a supervisor's comment or co-sign.

The comment's use case (domain/usecases/note_comments.py) queues facts only (the
comment's id); the words are chosen here, when the row is sent, in the author's
language: who commented, on which note, about which client (code and initials under
CASELINE_PRIVATE_PREVIEWS, where the comment itself stays behind 👁 Open). Nothing is
sent once the author may no longer see the client, or the note was withdrawn.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.reminders.sending import Rendered
from domain.clock import Clock
from domain.usecases.note_comments import told
from storage.machinery import OutboxMessage
from storage.models import Worker
from storage.workers import Actor
from ui.note_views import told_view


async def render_comment(
    session: AsyncSession,
    row: OutboxMessage,
    worker: Worker,
    zone: ZoneInfo,
    clock: Clock,
    *,
    private: bool,
) -> Rendered | None:
    comment_id = (row.payload or {}).get("comment_id") or row.subject_id
    if not isinstance(comment_id, int) or worker.chat_id is None:
        return None
    found = await told(session, comment_id, Actor.of(worker))
    if found is None:
        return None
    view = told_view(found, zone, clock.now(), private=private)
    return Rendered(worker.chat_id, view.text, view.keyboard)
