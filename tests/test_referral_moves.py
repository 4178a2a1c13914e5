"""A referral's moves are one rule (domain/rules/referrals.py), and the conditional UPDATE
that makes a move agrees with it for every pair of statuses; the use cases refuse and
audit what a worker may not do, and a lost race changes nothing. No Telegram here: a use
case is called with a unit of work and an actor, as a dialog calls it.
"""

from __future__ import annotations

from itertools import product

from sqlalchemy import select

from domain.results import Invalid, Refused, Saved, Stale
from domain.rules import referrals as rule
from domain.settings import load_settings
from domain.usecases import referrals as usecase
from domain.work import Work
from storage import clients, consents, workers
from storage import referrals as store
from storage import resources as directory
from storage.kinds import Program, ReferralStatus, Role
from storage.machinery import AuditEvent
from storage.models import Referral
from storage.workers import Actor


async def _world(db, clock) -> tuple[Work, Actor, Actor, int, int]:
    """Wanda (North) with one client, consent on record and a food bank; Sam (South)."""
    now = clock.now()
    async with db.session() as session:
        north = await workers.get_or_create_team(session, "North", now)
        south = await workers.get_or_create_team(session, "South", now)
        wanda = await workers.create_worker(
            session, name="Wanda Worker", role=Role.WORKER, now=now, team=north
        )
        sam = await workers.create_worker(
            session, name="Sam Southern", role=Role.WORKER, now=now, team=south
        )
        client = await clients.create_client(
            session,
            name="Maria Gonzalez",
            program=Program.ELDERLY,
            contact_frequency_days=14,
            worker_id=wanda.id,
            now=now,
        )
        await consents.record(
            session, client_id=client.id, given=True, scope="all", recorded_by_id=None, now=now
        )
        resource = await directory.create(
            session, directory.ResourceData(name="Food Bank Mitte", category="Food")
        )
        ids = (client.id, resource.id)
        actors = (Actor.of(wanda), Actor.of(sam))
    work = Work(db=db, clock=clock, settings=load_settings({"CASELINE_TIMEZONE": "Europe/Berlin"}))
    return work, actors[0], actors[1], ids[0], ids[1]


async def _referral(work: Work, actor: Actor, client_id: int, resource_id: int) -> int:
    made = await usecase.make_referral(
        work,
        actor,
        client_id=client_id,
        resource_id=resource_id,
        reason="Pantry empty",
        follow_up_on=work.clock.now().date(),
        application_date=None,
    )
    assert isinstance(made, Saved)
    return made.value.referral.id


async def _force(db, referral_id: int, status: str) -> None:
    async with db.session() as session:
        referral = await session.get(Referral, referral_id)
        referral.status = status


async def test_the_conditional_update_allows_exactly_the_moves_of_the_rule(db, clock):
    work, wanda, _sam, client_id, resource_id = await _world(db, clock)
    referral_id = await _referral(work, wanda, client_id, resource_id)
    statuses = list(ReferralStatus)
    for current, to in product(statuses, statuses):
        await _force(db, referral_id, current)
        async with db.session() as session:
            moved = await usecase.change_status(
                session,
                referral_id,
                expected=current,
                to=to,
                now=clock.now(),
                decline_reason="Full",
                outcome="Parcel collected",
            )
        assert moved == rule.allowed(current, to), (current, to)
        # A card that shows another status than the row's never moves it, allowed or not.
        await _force(db, referral_id, current)
        async with db.session() as session:
            shown = next(status for status in statuses if status != current)
            stale = await store.change_status(
                session,
                referral_id,
                expected=shown,
                to=to,
                sources=statuses,
                now=clock.now(),
                decline_reason="Full",
                outcome="Parcel collected",
            )
        assert not stale, (current, shown, to)
    # Open = may still move: exactly the statuses the agenda follows up.
    assert set(rule.OPEN) == {ReferralStatus.SENT, ReferralStatus.ACCEPTED}
    assert all(rule.is_open(status) == bool(rule.next_moves(status)) for status in statuses)


async def test_a_stale_card_and_a_lost_race_change_nothing_and_are_audited(db, clock):
    work, wanda, _sam, client_id, resource_id = await _world(db, clock)
    referral_id = await _referral(work, wanda, client_id, resource_id)

    first = await usecase.move_referral(
        work, wanda, referral_id, expected=ReferralStatus.SENT, to=ReferralStatus.ACCEPTED
    )
    assert isinstance(first, Saved) and first.value.referral.status == ReferralStatus.ACCEPTED
    # The same press again (a second card still showing "sent"): nothing moves.
    again = await usecase.move_referral(
        work,
        wanda,
        referral_id,
        expected=ReferralStatus.SENT,
        to=ReferralStatus.DECLINED,
        decline_reason="Full",
    )
    assert isinstance(again, Stale) and again.current.referral.status == ReferralStatus.ACCEPTED
    # A move the rule does not know (accepted → declined) is refused as well.
    forged = await usecase.move_referral(
        work,
        wanda,
        referral_id,
        expected=ReferralStatus.ACCEPTED,
        to=ReferralStatus.DECLINED,
        decline_reason="Full",
    )
    assert isinstance(forged, Stale)
    async with db.session() as session:
        events = (
            await session.execute(
                select(AuditEvent.action, AuditEvent.allowed)
                .where(AuditEvent.subject_type == "referral")
                .order_by(AuditEvent.id)
            )
        ).all()
    assert events == [
        ("referral.create", True),
        ("referral.accept", True),
        ("referral.decline", False),
        ("referral.decline", False),
    ]


async def test_another_teams_worker_is_refused_everything_and_audited(db, clock):
    work, wanda, sam, client_id, resource_id = await _world(db, clock)
    referral_id = await _referral(work, wanda, client_id, resource_id)

    assert isinstance(await usecase.choose_client(work, sam, client_id), Refused)
    made = await usecase.make_referral(
        work,
        sam,
        client_id=client_id,
        resource_id=resource_id,
        reason="x",
        follow_up_on=clock.now().date(),
        application_date=None,
    )
    assert isinstance(made, Refused)
    assert isinstance(await usecase.view_referral(work, sam, referral_id), Refused)
    moved = await usecase.move_referral(
        work, sam, referral_id, expected=ReferralStatus.SENT, to=ReferralStatus.WITHDRAWN
    )
    assert isinstance(moved, Refused)
    async with db.session() as session:
        refused = (
            await session.execute(
                select(AuditEvent.action, AuditEvent.client_id)
                .where(AuditEvent.allowed.is_(False))
                .order_by(AuditEvent.id)
            )
        ).all()
        status = (await session.get(Referral, referral_id)).status
    assert refused == [
        ("referral.create", client_id),
        ("referral.create", client_id),
        ("referral.view", client_id),
        ("referral.withdraw", client_id),
    ]
    assert status == ReferralStatus.SENT


async def test_a_referral_needs_consent_an_active_resource_and_an_application_date(db, clock):
    work, wanda, _sam, client_id, resource_id = await _world(db, clock)
    async with db.session() as session:
        benefit = await directory.create(
            session,
            directory.ResourceData(name="Wohngeld", category="Benefits", is_benefit_program=True),
        )
        benefit_id = benefit.id
        archived = await directory.create(
            session, directory.ResourceData(name="Closed Pantry", category="Food")
        )
        archived.active = False
        archived_id = archived.id

    async def make(resource: int, applied=None):
        return await usecase.make_referral(
            work,
            wanda,
            client_id=client_id,
            resource_id=resource,
            reason="Rent arrears",
            follow_up_on=clock.now().date(),
            application_date=applied,
        )

    assert await make(benefit_id) == Invalid(usecase.NO_APPLICATION_DATE)
    assert await make(archived_id) == Invalid(usecase.NO_RESOURCE)
    applied = await make(benefit_id, clock.now().date())
    assert isinstance(applied, Saved) and applied.value.referral.application_date
    refused = await usecase.record_consent(work, wanda, client_id, given=False, scope="no")
    assert isinstance(refused, Saved)
    assert await make(resource_id) == Invalid(usecase.NO_CONSENT)
    state = await usecase.consent_state(work, wanda, client_id)
    assert isinstance(state, Saved) and state.value.refused is not None
    assert state.value.in_force is None
