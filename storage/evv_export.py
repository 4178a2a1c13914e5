"""The visits an EVV export or a paper visit sheet lists, read with their client and
worker: every visit checked in during the period (whatever became of it, but a visit
taken back), and every visit of `unchecked_kind` in `unchecked_statuses` that nobody
checked in to, by its scheduled start. Which visits those are is domain/rules/evv.py's
call (UNCHECKED_EXPORTED, VERIFIED_KIND); what a row says is the use case's
(domain/usecases/evv_exports.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.kinds import AppointmentStatus
from storage.models import Appointment, Client, Worker


@dataclass(frozen=True, slots=True)
class VisitRow:
    """One visit as it was recorded: times in UTC, positions as the phone reported them
    (accuracy and distance in metres), the stored exception codes."""

    id: int
    kind: str
    status: str
    client_id: int
    client_name: str
    program: str
    worker_id: int
    worker_name: str
    starts_at: datetime
    check_in_at: datetime | None
    check_out_at: datetime | None
    check_in_latitude: float | None
    check_in_longitude: float | None
    check_in_accuracy: float | None
    check_in_distance: int | None
    check_in_reason: str | None
    check_out_latitude: float | None
    check_out_longitude: float | None
    check_out_accuracy: float | None
    check_out_distance: int | None
    check_out_reason: str | None
    exceptions: frozenset[str]
    time_edit_reason: str | None

    @property
    def at(self) -> datetime:
        """When the visit began: its check-in, else its scheduled start."""
        return self.check_in_at or self.starts_at


def _row(visit: Appointment, client: Client, worker: Worker) -> VisitRow:
    return VisitRow(
        id=visit.id,
        kind=visit.kind,
        status=visit.status,
        client_id=client.id,
        client_name=client.name,
        program=client.program,
        worker_id=worker.id,
        worker_name=worker.name,
        starts_at=visit.starts_at,
        check_in_at=visit.check_in_at,
        check_out_at=visit.check_out_at,
        check_in_latitude=visit.check_in_latitude,
        check_in_longitude=visit.check_in_longitude,
        check_in_accuracy=visit.check_in_accuracy,
        check_in_distance=visit.check_in_distance,
        check_in_reason=visit.check_in_reason,
        check_out_latitude=visit.check_out_latitude,
        check_out_longitude=visit.check_out_longitude,
        check_out_accuracy=visit.check_out_accuracy,
        check_out_distance=visit.check_out_distance,
        check_out_reason=visit.check_out_reason,
        exceptions=frozenset(visit.evv_exceptions or ()),
        time_edit_reason=visit.time_edit_reason,
    )


async def visits(
    session: AsyncSession,
    *,
    start: datetime,
    end: datetime,
    unchecked_kind: str,
    unchecked_statuses: Iterable[str],
    team_id: int | None = None,
    client_id: int | None = None,
) -> list[VisitRow]:
    """The visits that began in [start, end) — checked in then, or, with no check-in,
    scheduled then — of one team's workers or one client when given; oldest first."""
    checked_in = and_(
        Appointment.check_in_at.is_not(None),
        Appointment.check_in_at >= start,
        Appointment.check_in_at < end,
    )
    unchecked = and_(
        Appointment.check_in_at.is_(None),
        Appointment.kind == unchecked_kind,
        Appointment.status.in_(list(unchecked_statuses)),
        Appointment.starts_at >= start,
        Appointment.starts_at < end,
    )
    statement = (
        select(Appointment, Client, Worker)
        .join(Client, Client.id == Appointment.client_id)
        .join(Worker, Worker.id == Appointment.worker_id)
        .where(or_(checked_in, unchecked), Appointment.status != AppointmentStatus.WITHDRAWN)
    )
    if team_id is not None:
        statement = statement.where(Worker.team_id == team_id)
    if client_id is not None:
        statement = statement.where(Appointment.client_id == client_id)
    rows = [_row(*found) for found in (await session.execute(statement)).tuples()]
    rows.sort(key=lambda row: (row.at, row.id))
    return rows
