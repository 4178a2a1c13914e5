"""Visit verification in the database: a visit's check-in and check-out, its verification,
the client's home location and every setting of it, and the open check-ins the reminder
tick looks at. Whether a position is verified is domain/rules/evv.py's call; this module
only writes and reads what the use cases (domain/usecases/evv.py) decided.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.kinds import AppointmentStatus
from storage.models import Appointment, Client, ClientHomeLocation

# Where a home location came from (client_home_locations.source).
FROM_CHECK_IN = "check_in"
FROM_PIN = "pin"


def home_of(client: Client) -> tuple[float, float] | None:
    """The client's home as (latitude, longitude), or None while not set."""
    if client.home_latitude is None or client.home_longitude is None:
        return None
    return client.home_latitude, client.home_longitude


def set_home(
    session: AsyncSession,
    client: Client,
    *,
    latitude: float,
    longitude: float,
    accuracy: float | None,
    source: str,
    worker_id: int | None,
    now: datetime,
    reason: str | None = None,
    appointment_id: int | None = None,
) -> ClientHomeLocation:
    """The client's home is here from now on; the setting is kept with its reason."""
    client.home_latitude, client.home_longitude = latitude, longitude
    client.home_set_at, client.home_set_by_id = now, worker_id
    client.updated_at = now
    kept = ClientHomeLocation(
        client_id=client.id,
        latitude=latitude,
        longitude=longitude,
        accuracy=accuracy,
        source=source,
        appointment_id=appointment_id,
        reason=reason,
        worker_id=worker_id,
        at=now,
    )
    session.add(kept)
    return kept


async def home_settings(session: AsyncSession, client_id: int) -> list[ClientHomeLocation]:
    """Every setting of the client's home location, oldest first."""
    statement = (
        select(ClientHomeLocation)
        .where(ClientHomeLocation.client_id == client_id)
        .order_by(ClientHomeLocation.at, ClientHomeLocation.id)
    )
    return list((await session.execute(statement)).scalars())


def judge(
    visit: Appointment,
    *,
    exceptions: Iterable[str],
    status: str,
    check_in_distance: int | None,
    check_out_distance: int | None,
    now: datetime,
) -> None:
    """The visit's verification as the rules decided it, and when it changed."""
    visit.evv_exceptions = frozenset(str(code) for code in exceptions)
    visit.evv_status = status
    visit.check_in_distance = check_in_distance
    visit.check_out_distance = check_out_distance
    visit.evv_at = now


async def open_check_ins(session: AsyncSession, checked_in_before: datetime) -> list[Appointment]:
    """Scheduled visits checked in before `checked_in_before` with no check-out, not yet
    found missing: the ones whose check-out may be overdue (the rule decides). An index
    on (check_out_at, check_out_missed_at, check_in_at) serves it: the open ones only."""
    statement = (
        select(Appointment)
        .where(
            Appointment.check_out_at.is_(None),
            Appointment.check_out_missed_at.is_(None),
            Appointment.check_in_at <= checked_in_before,
            Appointment.status == AppointmentStatus.SCHEDULED,
        )
        .order_by(Appointment.check_in_at, Appointment.id)
    )
    return list((await session.execute(statement)).scalars())
