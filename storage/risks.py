"""A client's open risk (clients.risk_*): set by a ⚠ Risk note, acknowledged by a
supervisor, escalated once when nobody did, cleared by a note that lowers it.

Plain reads and writes; who may do what, the audit and the messages are the use cases'
(domain/usecases/risks.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.kinds import RiskLevel, Role
from storage.machinery import OutboxMessage
from storage.models import Client, Note, Worker


def flag(client: Client, note: Note, author_id: int, now: datetime) -> None:
    """The note's risk becomes the client's open risk, waiting for acknowledgement again
    (a new flag on a client already at risk is a new alert)."""
    client.risk_level = RiskLevel.HIGH
    client.risk_reason = note.risk_reason
    client.risk_since = now
    client.risk_by_id = author_id
    client.risk_note_id = note.id
    client.risk_acknowledged_by_id = None
    client.risk_acknowledged_at = None
    client.risk_escalated_at = None


def clear(client: Client) -> None:
    client.risk_level = RiskLevel.NONE
    client.risk_reason = None
    client.risk_since = None
    client.risk_by_id = None
    client.risk_note_id = None
    client.risk_acknowledged_by_id = None
    client.risk_acknowledged_at = None
    client.risk_escalated_at = None


async def was_alerted(session: AsyncSession, kind: str, note_id: int, worker_id: int) -> bool:
    """Whether an alert about this note was queued for this worker."""
    statement = select(
        exists().where(
            OutboxMessage.kind == kind,
            OutboxMessage.subject_type == "note",
            OutboxMessage.subject_id == note_id,
            OutboxMessage.worker_id == worker_id,
        )
    )
    return bool((await session.execute(statement)).scalar())


async def unacknowledged_since(session: AsyncSession, before: datetime) -> list[Client]:
    """Open risks flagged before `before` that nobody acknowledged and that were not
    escalated yet (ix_clients_risk_level_since: most clients have no risk)."""
    statement = (
        select(Client)
        .where(
            Client.risk_level > RiskLevel.NONE,
            Client.risk_since <= before,
            Client.risk_acknowledged_at.is_(None),
            Client.risk_escalated_at.is_(None),
            Client.risk_note_id.is_not(None),
        )
        .order_by(Client.risk_since, Client.id)
    )
    return list((await session.execute(statement)).scalars())


async def active_admins(session: AsyncSession) -> list[Worker]:
    statement = select(Worker).where(Worker.role == Role.ADMIN, Worker.active.is_(True))
    return list((await session.execute(statement.order_by(Worker.id))).scalars())
