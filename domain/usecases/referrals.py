"""Referrals: consent first, then a client sent to a resource, then what became of it.

Each function owns its transaction (`work.transaction()`), authorises through the
client (`storage.clients.get_visible`, `storage.referrals.get_visible`), checks the rule
(domain/rules/referrals.py, the consent in force), writes, audits — refusals too — and
returns one value of domain/results.py. Nothing here knows Telegram.

Audit: referral.create, consent.record, referral.view, referral.list (all of a client's,
the Mini App's page), referral.accept / .decline / .complete / .withdraw (detail: from,
to); refused ones with allowed=False.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.results import Gone, Invalid, Refused, Saved, Stale
from domain.rules import referrals as rule
from domain.work import Work
from storage import audit, caseload, clients, consents, referrals
from storage import resources as directory
from storage.kinds import ReferralStatus
from storage.models import Client, Consent, Referral, Resource
from storage.workers import Actor

AUDIT_OF: dict[str, str] = {
    ReferralStatus.ACCEPTED: "referral.accept",
    ReferralStatus.DECLINED: "referral.decline",
    ReferralStatus.COMPLETED: "referral.complete",
    ReferralStatus.WITHDRAWN: "referral.withdraw",
}
# Why `make_referral` could not send (the dialog asks for what is missing again).
NO_CONSENT = "consent"
NO_RESOURCE = "resource"
NO_APPLICATION_DATE = "applied"


@dataclass(frozen=True, slots=True)
class ReferralCard:
    """A referral with its client and resource: what its card shows."""

    referral: Referral
    client: Client
    resource: Resource


@dataclass(frozen=True, slots=True)
class ClientReferrals:
    """A client chosen for a referral, with the referrals still open."""

    client: Client
    open: list[tuple[Referral, Resource]]


@dataclass(frozen=True, slots=True)
class ReferralList:
    """All of a client's referrals with their resources: the open ones first (the soonest
    follow-up first), then the closed ones, the latest first."""

    client: Client
    referrals: list[tuple[Referral, Resource]]


@dataclass(frozen=True, slots=True)
class ConsentState:
    """The client's consent: the one in force (sharing allowed), else the refusal on
    record, if any."""

    in_force: Consent | None
    refused: Consent | None


def _today(work: Work, actor: Actor) -> date:
    return work.clock.now().astimezone(work.zone_for(actor.timezone)).date()


async def choose_client(
    work: Work, actor: Actor, client_id: int
) -> Saved[ClientReferrals] | Refused:
    """The client a referral is for, if the actor may see it (refused: audited as
    referral.create), with its open referrals."""
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, client_id)
        if client is None:
            await caseload.refuse(
                session, actor, client_id, "referral.create", now=work.clock.now()
            )
            return Refused()
        listed = await referrals.with_status(session, client.id, rule.OPEN)
        return Saved(ClientReferrals(client, listed))


async def client_referrals(work: Work, actor: Actor, client_id: int) -> ReferralList | Refused:
    """Every referral of the client, if the actor may see it; the look is audited as
    referral.list naming the client (a refusal too)."""
    async with work.transaction() as session:
        client = await caseload.look(
            session, actor, client_id, "referral.list", now=work.clock.now()
        )
        if client is None:
            return Refused("client")
        listed = await referrals.with_status(session, client.id, list(ReferralStatus))
    still_open = [row for row in listed if rule.is_open(row[0].status)]
    closed = [row for row in listed if not rule.is_open(row[0].status)]
    closed.sort(key=lambda row: row[0].id, reverse=True)
    return ReferralList(client, still_open + closed)


async def consent_state(work: Work, actor: Actor, client_id: int) -> Saved[ConsentState] | Gone:
    """Whether the client's data may be shared today (the actor's local day); a client the
    actor may not see is Gone, audited as the referral it was asked for."""
    today = _today(work, actor)
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, client_id)
        if client is None:
            await caseload.refuse(
                session, actor, client_id, "referral.create", now=work.clock.now()
            )
            return Gone()
        in_force = await consents.may_share(session, client.id, today)
        latest = None if in_force else await consents.current(session, client.id, today)
        refused = latest if latest is not None and not latest.given else None
        return Saved(ConsentState(in_force, refused))


async def record_consent(
    work: Work,
    actor: Actor,
    client_id: int,
    *,
    given: bool,
    scope: str,
    via: str = "referral",
) -> Saved[Consent] | Gone:
    """Record a consent decision for a client the actor may see (audited consent.record;
    a client no longer visible is audited as refused and Gone)."""
    now = work.clock.now()
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, client_id)
        if client is None:
            await caseload.refuse(session, actor, client_id, "consent.record", now=now)
            return Gone()
        consent = await consents.record(
            session, client_id=client.id, given=given, scope=scope, recorded_by_id=actor.id, now=now
        )
        await audit.record(
            session,
            "consent.record",
            now=now,
            actor_id=actor.id,
            subject_type="consent",
            subject_id=consent.id,
            client_id=client.id,
            detail={"given": given, "via": via},
        )
        return Saved(consent)


async def make_referral(
    work: Work,
    actor: Actor,
    *,
    client_id: int,
    resource_id: int,
    reason: str,
    follow_up_on: date,
    application_date: date | None,
) -> Saved[ReferralCard] | Refused | Invalid:
    """Send a referral: the client visible (refused: audited as referral.create), the
    consent in force today (its id is kept), the resource not archived, and for a benefit
    program the date the application was made. Invalid names what is missing."""
    now = work.clock.now()
    today = _today(work, actor)
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, client_id)
        if client is None:
            await caseload.refuse(session, actor, client_id, "referral.create", now=now)
            return Refused()
        consent = await consents.may_share(session, client.id, today)
        if consent is None:
            return Invalid(NO_CONSENT)
        resource = await directory.get(session, resource_id)
        if resource is None or not resource.active:
            return Invalid(NO_RESOURCE)
        if resource.is_benefit_program and application_date is None:
            return Invalid(NO_APPLICATION_DATE)
        referral = await referrals.create(
            session,
            client=client,
            resource=resource,
            worker_id=actor.id,
            consent=consent,
            reason=reason,
            now=now,
            follow_up_on=follow_up_on,
            application_date=application_date if resource.is_benefit_program else None,
        )
        await audit.record(
            session,
            "referral.create",
            now=now,
            actor_id=actor.id,
            subject_type="referral",
            subject_id=referral.id,
            client_id=client.id,
            detail={
                "resource_id": resource.id,
                "consent_id": consent.id,
                "benefit": resource.is_benefit_program,
            },
        )
        return Saved(ReferralCard(referral, client, resource))


async def change_status(
    session: AsyncSession,
    referral_id: int,
    *,
    expected: str,
    to: str,
    now: datetime,
    decline_reason: str | None = None,
    outcome: str | None = None,
) -> bool:
    """The move itself, inside the caller's transaction: one conditional UPDATE from the
    status the card showed to `to`, only if the rule allows it (`rule.sources`) and the
    referral still has `expected`. False, and nothing changed, otherwise."""
    return await referrals.change_status(
        session,
        referral_id,
        expected=expected,
        to=to,
        sources=rule.sources(to),
        now=now,
        decline_reason=decline_reason,
        outcome=outcome,
    )


async def _visible(
    work: Work, actor: Actor, referral_id: int | None, action: str
) -> ReferralCard | None:
    """The referral if the actor may see its client; else the refusal audited as
    `action` and None. Runs inside the caller's transaction."""
    async with work.transaction() as session:
        found = await referrals.get_visible(session, actor, referral_id) if referral_id else None
        if found is None:
            owner = await referrals.client_of(session, referral_id) if referral_id else None
            await audit.refused(
                session,
                action,
                now=work.clock.now(),
                actor_id=actor.id,
                subject_type="referral",
                subject_id=referral_id,
                client_id=owner,
            )
            return None
        return ReferralCard(*found)


async def view_referral(
    work: Work, actor: Actor, referral_id: int | None, *, client_id: int | None = None
) -> Saved[ReferralCard] | Refused | Stale[None]:
    """A referral's card (audited referral.view). With `client_id`, the referral must be
    that client's (a list shown for one client): another's is Stale, and not shown."""
    async with work.transaction() as session:
        card = await _visible(work, actor, referral_id, "referral.view")
        if card is None:
            return Refused("referral")
        if client_id is not None and card.client.id != client_id:
            return Stale(None)
        await audit.record(
            session,
            "referral.view",
            now=work.clock.now(),
            actor_id=actor.id,
            subject_type="referral",
            subject_id=card.referral.id,
            client_id=card.client.id,
        )
        return Saved(card)


async def _refuse_stale(
    work: Work, actor: Actor, card: ReferralCard, *, expected: str | None, to: str
) -> Stale[ReferralCard]:
    # "from" is a Python keyword, hence the dict: the same detail as an allowed move.
    detail = {"from": expected, "to": to, "status": card.referral.status, "reason": "stale"}
    await _refuse_move(work, actor, card, AUDIT_OF[to], **detail)
    return Stale(card)


async def _refuse_move(
    work: Work, actor: Actor, card: ReferralCard, action: str, /, **detail: object
) -> None:
    """A move refused, audited as the move (`detail` may name "to", hence positional)."""
    async with work.transaction() as session:
        await audit.refused(
            session,
            action,
            now=work.clock.now(),
            actor_id=actor.id,
            subject_type="referral",
            subject_id=card.referral.id,
            client_id=card.client.id,
            **detail,
        )


async def check_move(
    work: Work,
    actor: Actor,
    referral_id: int | None,
    *,
    expected: str | None,
    to: str,
    client_id: int | None = None,
) -> Saved[ReferralCard] | Refused | Stale[ReferralCard]:
    """Whether the card's move still fits the referral, before asking for more (a
    decline's reason, an outcome, "withdraw?"). Nothing is written but refusals. With
    `client_id` (a page of one client's referrals), another client's referral is refused."""
    async with work.transaction():
        card = await _visible(work, actor, referral_id, AUDIT_OF[to])
        if card is not None and client_id is not None and card.client.id != client_id:
            await _refuse_move(work, actor, card, AUDIT_OF[to], reason="other_client")
            card = None
        if card is None:
            return Refused("referral")
        status = card.referral.status
        if expected is None or status != expected or not rule.allowed(expected, to):
            return await _refuse_stale(work, actor, card, expected=expected, to=to)
        return Saved(card)


async def move_referral(
    work: Work,
    actor: Actor,
    referral_id: int | None,
    *,
    expected: str | None,
    to: str,
    decline_reason: str | None = None,
    outcome: str | None = None,
    client_id: int | None = None,
) -> Saved[ReferralCard] | Refused | Stale[ReferralCard]:
    """Move a referral from the status its card showed (`expected`) to `to`, if the rule
    allows it, in one conditional UPDATE: a stale card, a forged move or a lost race
    change nothing and return the referral as it is now (audited as refused). With
    `client_id`, only a referral of that client (check_move)."""
    if to not in AUDIT_OF:
        raise ValueError(f"not a status a referral moves to: {to}")
    now = work.clock.now()
    async with work.transaction() as session:
        checked = await check_move(
            work, actor, referral_id, expected=expected, to=to, client_id=client_id
        )
        if not isinstance(checked, Saved):
            return checked
        card = checked.value
        assert expected is not None  # check_move refuses a missing one
        changed = await change_status(
            session,
            card.referral.id,
            expected=expected,
            to=to,
            now=now,
            decline_reason=decline_reason,
            outcome=outcome,
        )
        await audit.record(
            session,
            AUDIT_OF[to],
            now=now,
            actor_id=actor.id,
            subject_type="referral",
            subject_id=card.referral.id,
            client_id=card.client.id,
            allowed=changed,
            detail={"from": expected, "to": to} | ({} if changed else {"reason": "stale"}),
        )
        found = await referrals.get_visible(session, actor, card.referral.id)
        current = ReferralCard(*found) if found else card
        return Saved(current) if changed else Stale(current)
