"""Corrected details of a client, each kept as a `ClientChange` row (who, when, from
what, to what), and the on-holds whose end day has come."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.kinds import ClientStatus
from storage.models import Client, ClientChange


def as_text(value: object) -> str | None:
    """A detail's value as `before`/`after` keep it: a date in ISO form, a number or a
    code as its digits or letters, None as None."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def record(
    session: AsyncSession,
    client: Client,
    field: str,
    before: object,
    after: object,
    *,
    worker_id: int | None,
    now: datetime,
    reason: str | None = None,
    until: date | None = None,
) -> ClientChange:
    """Keep one change of `field`, in the caller's transaction."""
    change = ClientChange(
        client_id=client.id,
        field=field,
        before=as_text(before),
        after=as_text(after),
        reason=reason,
        until=until,
        worker_id=worker_id,
        at=now,
    )
    session.add(change)
    return change


async def for_client(session: AsyncSession, client_id: int) -> list[ClientChange]:
    statement = (
        select(ClientChange)
        .where(ClientChange.client_id == client_id)
        .order_by(ClientChange.at, ClientChange.id)
    )
    return list((await session.execute(statement)).scalars())


async def holds_ended(session: AsyncSession, today: date) -> list[Client]:
    """Clients on hold whose end day is `today` or earlier, locked for the change (two
    ticks at once: the second waits, then finds them active)."""
    statement = (
        select(Client)
        .where(
            Client.status == ClientStatus.ON_HOLD,
            Client.hold_until.is_not(None),
            Client.hold_until <= today,
        )
        .order_by(Client.id)
        .with_for_update()
    )
    return list((await session.execute(statement)).scalars())
