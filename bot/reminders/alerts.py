"""Risk alerts: queued to the author's supervisors in the note's own transaction."""

from __future__ import annotations

from datetime import datetime
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from bot.reminders import planning as reminders
from storage import outbox, workers
from storage.models import Client
from storage.workers import Actor
from ui import texts
from ui.context import CaselineContext
from ui.views import client_label


async def alert_risk(
    session: AsyncSession,
    *,
    note_id: int,
    client: Client,
    author: Actor,
    reason: str,
    now: datetime,
    private: bool,
) -> int:
    """Queue an alert to the author's supervisors, in the note's own transaction (so
    no flagged note goes unalerted); quiet hours do not apply to risk."""
    if author.team_id is None:
        return 0
    queued = 0
    for supervisor in await workers.supervisors_of(session, author.team_id):
        if supervisor.id == author.id:
            continue
        queued += await outbox.enqueue(
            session,
            key=f"{reminders.RISK}:{note_id}:{supervisor.id}",
            kind=reminders.RISK,
            worker_id=supervisor.id,
            due_at=now,
            now=now,
            client_id=client.id,
            subject_type="note",
            subject_id=note_id,
            payload={
                # The reason is free text that may name the client: kept off the
                # lock screen when previews must be private.
                "text": texts.risk_alert(
                    author.name,
                    client_label(client, private),
                    texts.RISK_REASON_ON_CARD if private else escape(reason),
                ),
                "client_id": client.id,
            },
        )
    return queued


async def deliver_soon(context: CaselineContext) -> None:
    """Drain the outbox now (e.g. a risk alert) when this process runs the scheduler;
    a separate scheduler process sends it on its next tick."""
    engine = context.services.reminders
    if engine is not None:
        context.application.create_task(engine.sender.drain(), name="deliver-soon")
