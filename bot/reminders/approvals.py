"""Approval pushes: a worker's request as a supervisor's phone shows it, and the worker
told what was decided.

The request's use case (domain/usecases/approval_requests.py) queues facts only (the
request's id); the words are chosen here, when the row is sent, from the request as it
stands: nothing once it was decided or withdrawn (a supervisor whose quiet hours held
the push back gets no stale request), and under CASELINE_PRIVATE_PREVIEWS no name, goal,
reason or comment (👁 Open shows them as an answer).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.reminders.sending import Rendered
from domain.usecases.approvals import Request, request_for
from storage.machinery import OutboxMessage
from storage.models import Worker
from storage.workers import Actor
from ui.approval_views import push_view, told_view


async def render_request(
    session: AsyncSession,
    row: OutboxMessage,
    worker: Worker,
    zone: ZoneInfo,
    *,
    private: bool,
) -> Rendered | None:
    request = await _request(session, row, worker)
    if request is None or not request.pending or worker.chat_id is None:
        return None
    view = push_view(request, zone, row.due_at, private=private)
    return Rendered(worker.chat_id, view.text, view.keyboard)


async def render_decided(
    session: AsyncSession, row: OutboxMessage, worker: Worker, *, private: bool
) -> Rendered | None:
    request = await _request(session, row, worker)
    view = told_view(request, private=private) if request is not None else None
    if view is None or worker.chat_id is None:
        return None
    return Rendered(worker.chat_id, view.text, view.keyboard)


async def _request(session: AsyncSession, row: OutboxMessage, worker: Worker) -> Request | None:
    approval_id = (row.payload or {}).get("approval_id") or row.subject_id
    if not isinstance(approval_id, int):
        return None
    return await request_for(session, approval_id, Actor.of(worker))
