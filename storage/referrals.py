"""Referrals: a client sent to a resource, and what became of it (the statuses and
which may follow which: domain/rules/referrals.py).

- A referral shares the client's data, so it is only created with the consent in force
  (`storage.consents.may_share`) and keeps that consent's id.
- A referral to a benefit program is a benefits application: it carries the date the
  application was made (required for benefit programs, never set for anything else).
- Status changes are compare-and-set: `change_status` names the status the worker saw and
  the statuses the move may start from (the rule's `sources`), and the UPDATE only happens
  if the row still has it. A stale card (someone changed the referral meanwhile), a
  transition the rule does not allow, or two presses racing each other change nothing.
  `responded_at` is set on accepted/declined, `completed_at` on completed; withdrawing
  keeps only the audit event's time.
- The follow-up date is a calendar day in the worker's zone; the morning agenda
  (bot/reminders/planning.py) lists sent and accepted referrals whose follow-up has come, for the
  worker who made the referral.
- Access: a referral is visible to whoever may see its client (`get_visible`).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.access import visible_clients
from storage.kinds import ReferralStatus
from storage.models import Client, Consent, Referral, Resource
from storage.workers import Actor

REASON_MAX = 1000
OUTCOME_MAX = 2000


async def create(
    session: AsyncSession,
    *,
    client: Client,
    resource: Resource,
    worker_id: int,
    consent: Consent,
    reason: str,
    now: datetime,
    follow_up_on: date | None = None,
    application_date: date | None = None,
) -> Referral:
    reason = reason.strip()[:REASON_MAX]
    if not reason:
        raise ValueError("a referral needs a reason")
    if not resource.active:
        raise ValueError("the resource is archived")
    if consent.client_id != client.id or not consent.given:
        raise ValueError("a referral needs the client's consent to share information")
    if resource.is_benefit_program and application_date is None:
        raise ValueError("a benefits application needs the application date")
    referral = Referral(
        client_id=client.id,
        resource_id=resource.id,
        worker_id=worker_id,
        consent_id=consent.id,
        reason=reason,
        status=ReferralStatus.SENT,
        created_at=now,
        follow_up_on=follow_up_on,
        application_date=application_date if resource.is_benefit_program else None,
    )
    session.add(referral)
    await session.flush()
    return referral


async def get_visible(
    session: AsyncSession, actor: Actor, referral_id: int
) -> tuple[Referral, Client, Resource] | None:
    """The referral with its client and resource, if `actor` may see the client."""
    statement = (
        select(Referral, Client, Resource)
        .join(Client, Client.id == Referral.client_id)
        .join(Resource, Resource.id == Referral.resource_id)
        .where(Referral.id == referral_id, visible_clients(actor))
    )
    row = (await session.execute(statement)).first()
    return (row[0], row[1], row[2]) if row else None


async def client_of(session: AsyncSession, referral_id: int) -> int | None:
    """The client a referral belongs to, whoever asks (for auditing refusals)."""
    return (
        await session.execute(select(Referral.client_id).where(Referral.id == referral_id))
    ).scalar_one_or_none()


async def with_status(
    session: AsyncSession, client_id: int, statuses: Collection[str]
) -> list[tuple[Referral, Resource]]:
    """One client's referrals in `statuses` (the open ones), the soonest follow-up first."""
    statement = (
        select(Referral, Resource)
        .join(Resource, Resource.id == Referral.resource_id)
        .where(Referral.client_id == client_id, Referral.status.in_(list(statuses)))
        .order_by(Referral.follow_up_on.asc().nulls_last(), Referral.id)
    )
    return [(row[0], row[1]) for row in (await session.execute(statement)).all()]


async def change_status(
    session: AsyncSession,
    referral_id: int,
    *,
    expected: str,
    to: str,
    sources: Collection[str],
    now: datetime,
    decline_reason: str | None = None,
    outcome: str | None = None,
) -> bool:
    """Move a referral from `expected` to `to`, in one conditional UPDATE; False (and
    nothing changed) when `expected` is not one of the `sources` the move may start from
    or the referral no longer has status `expected`."""
    if expected not in sources:
        return False
    values: dict[str, object] = {"status": to}
    if to in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED):
        values["responded_at"] = now
    if to == ReferralStatus.DECLINED:
        reason = (decline_reason or "").strip()[:REASON_MAX]
        if not reason:
            raise ValueError("a declined referral needs a reason")
        values["decline_reason"] = reason
    if to == ReferralStatus.COMPLETED:
        text = (outcome or "").strip()[:OUTCOME_MAX]
        if not text:
            raise ValueError("a completed referral needs its outcome")
        values["completed_at"] = now
        values["outcome"] = text
    statement = (
        update(Referral)
        .where(
            Referral.id == referral_id,
            Referral.status == expected,
            Referral.status.in_(list(sources)),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    result = cast("CursorResult[Any]", await session.execute(statement))
    if result.rowcount != 1:
        return False
    referral = await session.get(Referral, referral_id)
    if referral is not None:
        await session.refresh(referral)
    return True
