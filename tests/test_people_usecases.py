"""People admin (domain/usecases/people.py, covers.py) as the chat and the shell call it:
each use case authorises, audits its refusals and its changes (before and after), and
keeps every client with somebody of its own team.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from domain.results import Gone, Invalid, Refused, Saved, Stale
from domain.settings import load_settings
from domain.usecases import clients as client_cases
from domain.usecases import covers, people
from domain.usecases.people import ClientsToNeeded, PersonStatus
from domain.work import Work
from storage import invites
from storage.clients import create_client
from storage.kinds import ClientStatus, Program, Role
from storage.machinery import AuditEvent, OutboxMessage
from storage.models import Client, Cover, Worker
from storage.workers import Actor, actor_by_telegram_id, create_worker, get_or_create_team


@pytest.fixture
def work(db, db_url, clock) -> Work:
    return Work(
        db=db,
        clock=clock,
        settings=load_settings(
            {"CASELINE_DATABASE_URL": db_url, "CASELINE_TIMEZONE": "Europe/Berlin"}
        ),
    )


async def _team(work: Work) -> dict[str, Actor]:
    now = work.clock.now()
    found = {}
    async with work.db.session() as session:
        north = await get_or_create_team(session, "North", now)
        south = await get_or_create_team(session, "South", now)
        for key, name, role, team in (
            ("ada", "Ada Admin", Role.ADMIN, north),
            ("wanda", "Wanda Worker", Role.WORKER, north),
            ("will", "Will Worker", Role.WORKER, north),
            ("sue", "Sue Supervisor", Role.SUPERVISOR, north),
            ("sam", "Sam South", Role.SUPERVISOR, south),
            ("otto", "Otto South", Role.WORKER, south),
        ):
            worker = await create_worker(session, name=name, role=role, now=now, team=team)
            worker.chat_id = 9000 + worker.id
            found[key] = Actor.of(worker)
    return found


async def _client(work: Work, owner: Actor, status: ClientStatus = ClientStatus.ACTIVE) -> int:
    async with work.db.session() as session:
        client = await create_client(
            session,
            name="Maria Gonzalez",
            program=Program.ELDERLY,
            contact_frequency_days=14,
            worker_id=owner.id,
            now=work.clock.now(),
        )
        client.status = status
        return client.id


async def _events(work: Work, action: str) -> list[AuditEvent]:
    async with work.db.session() as session:
        statement = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list((await session.execute(statement)).scalars())


async def _worker(work: Work, worker_id: int) -> Worker:
    async with work.db.session() as session:
        worker = await session.get(Worker, worker_id)
        assert worker is not None
        return worker


async def _owner(work: Work, client_id: int) -> int | None:
    async with work.db.session() as session:
        client = await session.get(Client, client_id)
        assert client is not None
        return client.worker_id


async def test_who_sees_the_team_list(work):
    team = await _team(work)
    everyone = await people.list_people(work, team["ada"])
    assert {person.name for person in everyone} == {
        "Ada Admin", "Wanda Worker", "Will Worker", "Sue Supervisor", "Sam South", "Otto South"
    }  # fmt: skip
    north = await people.list_people(work, team["sue"])
    assert {person.team for person in north} == {"North"}
    assert await people.list_people(work, team["wanda"]) == Refused("role")
    [refused] = [event for event in await _events(work, people.LIST) if not event.allowed]
    assert refused.actor_worker_id == team["wanda"].id
    # Another team's person is Gone for a supervisor, as if there were none.
    assert await people.look_person(work, team["sue"], team["otto"].id) == Gone("worker")
    assert await people.look_person(work, team["sue"], 99999) == Gone("worker")
    card = await people.look_person(work, team["sam"], team["otto"].id)
    assert card.name == "Otto South" and card.status == PersonStatus.ACTIVE


async def test_the_last_admin_stays_and_nobody_switches_themselves_off(work):
    team = await _team(work)
    assert await people.deactivate(work, None, team["ada"].id) == Invalid("last_admin")
    assert await people.change_role(work, None, team["ada"].id, "worker") == Invalid("last_admin")
    assert await people.deactivate(work, team["ada"], team["ada"].id) == Invalid("self")
    assert await people.change_role(work, team["ada"], team["ada"].id, "worker") == Invalid("self")
    promoted = await people.change_role(work, team["ada"], team["sue"].id, "admin")
    assert isinstance(promoted, Saved) and promoted.value.person.role == Role.ADMIN
    [event] = await _events(work, people.ROLE)
    assert event.detail == {"before": {"role": "supervisor"}, "after": {"role": "admin"}}
    # With a second admin, the first may go.
    assert isinstance(await people.deactivate(work, None, team["ada"].id), Saved)


async def test_a_supervisor_of_another_team_is_refused_and_audited(work):
    team = await _team(work)
    assert await people.deactivate(work, team["sam"], team["wanda"].id) == Gone("worker")
    assert await people.move(work, team["sam"], team["wanda"].id, "South") == Gone("worker")
    # Within the team, a supervisor manages workers only; roles are for admins.
    assert await people.deactivate(work, team["sue"], team["ada"].id) == Refused("role")
    assert await people.change_role(work, team["sue"], team["wanda"].id, "supervisor") == (
        Refused("role")
    )
    refusals = [
        (event.action, event.actor_worker_id, event.subject_id)
        for event in await _events(work, people.DEACTIVATE)
        + await _events(work, people.MOVE)
        + await _events(work, people.ROLE)
        if not event.allowed
    ]
    assert sorted(refusals) == sorted(
        [
            (people.DEACTIVATE, team["sam"].id, team["wanda"].id),
            (people.MOVE, team["sam"].id, team["wanda"].id),
            (people.DEACTIVATE, team["sue"].id, team["ada"].id),
            (people.ROLE, team["sue"].id, team["wanda"].id),
        ]
    )
    assert (await _worker(work, team["wanda"].id)).active


async def test_deactivate_needs_somebody_for_the_clients_and_hands_them_over(work):
    team = await _team(work)
    open_one = await _client(work, team["wanda"])
    on_hold = await _client(work, team["wanda"], ClientStatus.ON_HOLD)
    closed = await _client(work, team["wanda"], ClientStatus.DISCHARGED)
    result = await people.deactivate(work, team["sue"], team["wanda"].id)
    assert result == ClientsToNeeded("clients_to_needed", 2)
    assert await people.deactivate(
        work, team["sue"], team["wanda"].id, clients_to=team["otto"].id
    ) == Invalid("clients_to")
    assert (await _worker(work, team["wanda"].id)).active

    done = await people.deactivate(work, team["sue"], team["wanda"].id, clients_to="supervisor")
    assert isinstance(done, Saved)
    assert done.value.clients_moved == 2 and done.value.clients_to_id == team["sue"].id
    assert done.value.person.status == PersonStatus.DEACTIVATED
    assert [await _owner(work, cid) for cid in (open_one, on_hold, closed)] == [
        team["sue"].id,
        team["sue"].id,
        team["wanda"].id,
    ]
    transfers = [event for event in await _events(work, "client.transfer")]
    assert {event.client_id for event in transfers} == {open_one, on_hold}
    assert all(event.detail["because"] == people.DEACTIVATE for event in transfers)
    [event] = [event for event in await _events(work, people.DEACTIVATE) if event.allowed]
    assert event.actor_worker_id == team["sue"].id
    assert event.detail["before"] == {"active": True} and event.detail["after"] == {"active": False}
    async with work.db.session() as session:
        [wipe] = (await session.execute(select(OutboxMessage))).scalars().all()
    assert wipe.kind == "wipe" and wipe.payload == {"chat_id": 9000 + team["wanda"].id}
    assert isinstance(await people.deactivate(work, None, team["wanda"].id), Stale)

    back = await people.reactivate(work, None, team["wanda"].id)
    assert isinstance(back, Saved) and back.value.person.open_clients == 0
    assert back.value.person.team == "North" and back.value.person.role == Role.WORKER
    [event] = await _events(work, people.REACTIVATE)
    assert event.actor_worker_id is None and event.detail["via"] == "cli"


async def test_clients_never_follow_a_person_into_another_team(work):
    team = await _team(work)
    client = await _client(work, team["wanda"])
    # A supervisor names existing teams only.
    assert await people.move(work, team["sue"], team["wanda"].id, "East") == Invalid("unknown_team")
    assert isinstance(await people.move(work, team["sue"], team["wanda"].id, "South"), Invalid)
    # The clients go to someone of the OLD team, never of the new one.
    assert await people.move(
        work, team["ada"], team["wanda"].id, "South", clients_to=team["otto"].id
    ) == Invalid("clients_to")
    moved = await people.move(
        work, team["ada"], team["wanda"].id, "South", clients_to=team["will"].id
    )
    assert isinstance(moved, Saved) and moved.value.person.team == "South"
    assert await _owner(work, client) == team["will"].id
    [event] = await _events(work, people.MOVE)
    assert event.detail["before"] == {"team": "North"} and event.detail["after"] == {
        "team": "South"
    }
    # Her new supervisor does not see the client; the old one does.
    wanda_now = Actor.of(await _worker(work, team["wanda"].id))
    assert await client_cases.look_at_client(work, wanda_now, client) == Refused("client")
    assert await client_cases.look_at_client(work, team["sam"], client) == Refused("client")
    assert not isinstance(await client_cases.look_at_client(work, team["sue"], client), Refused)
    # An admin may name a new team: it is created.
    stray = await people.move(
        work, team["ada"], team["will"].id, "East", clients_to=team["wanda"].id
    )
    assert stray == Invalid("clients_to")  # Wanda is in South now
    assert isinstance(
        await people.move(work, team["ada"], team["will"].id, "East", clients_to="supervisor"),
        Saved,
    )
    assert await _owner(work, client) == team["sue"].id


WILL_TELEGRAM = 990_001


async def test_a_cover_shows_the_caseload_until_it_ends_and_is_audited_once(work, clock):
    team = await _team(work)
    client = await _client(work, team["wanda"])

    async with work.db.session() as session:
        (await session.get(Worker, team["will"].id)).telegram_user_id = WILL_TELEGRAM

    async def will_sees() -> bool:
        """What the gate would let Will see with his next update."""
        async with work.db.session() as session:
            will, covering = await actor_by_telegram_id(session, WILL_TELEGRAM, clock.now())
        actor = Actor.of(will, covering)
        return not isinstance(await client_cases.look_at_client(work, actor, client), Refused)

    assert not await will_sees()
    today = clock.now().date()
    assert await covers.grant_cover(
        work, team["sue"], team["will"].id, team["wanda"].id, today - timedelta(days=1)
    ) == Invalid("until_past")
    assert await covers.grant_cover(
        work, team["sue"], team["will"].id, team["wanda"].id, today + timedelta(days=91)
    ) == Invalid("until_too_far")
    assert await covers.grant_cover(
        work, team["sam"], team["will"].id, team["wanda"].id, today
    ) == Gone("worker")
    assert await covers.grant_cover(
        work, team["wanda"], team["will"].id, team["wanda"].id, today
    ) == Refused("role")
    granted = await covers.grant_cover(
        work, team["sue"], team["will"].id, team["wanda"].id, today + timedelta(days=2)
    )
    assert isinstance(granted, Saved)
    # The end of that day in Berlin (winter time: UTC+1), stored in UTC.
    assert granted.value.ends_at.replace(tzinfo=None) == (datetime(2026, 3, 4, 23, 0))
    assert await will_sees()
    card = await people.look_person(work, team["sue"], team["wanda"].id)
    assert [row.covering_name for row in card.covered_by] == ["Will Worker"]

    clock.advance(timedelta(days=3))
    assert not await will_sees()  # access ends at ends_at, tick or not
    assert len(await covers.end_expired_covers(work)) == 1
    assert await covers.end_expired_covers(work) == []
    ends = await _events(work, "cover.end")
    assert len(ends) == 1 and ends[0].detail["reason"] == "expired"
    async with work.db.session() as session:
        [cover] = (await session.execute(select(Cover))).scalars().all()
    assert cover.ended_at is not None


async def test_ending_a_cover_by_hand_and_on_deactivation(work, clock):
    team = await _team(work)
    until = clock.now().date() + timedelta(days=5)
    first = await covers.grant_cover(work, team["ada"], team["will"].id, team["wanda"].id, until)
    assert isinstance(first, Saved)
    assert isinstance(await covers.end_cover(work, team["sue"], first.value.id), Saved)
    assert isinstance(await covers.end_cover(work, team["sue"], first.value.id), Stale)
    assert await covers.end_cover(work, team["sam"], first.value.id) == Gone("cover")
    second = await covers.grant_cover(work, None, team["will"].id, team["wanda"].id, until)
    assert isinstance(second, Saved)
    done = await people.deactivate(work, None, team["will"].id)
    assert isinstance(done, Saved) and done.value.covers_ended == 1
    ends = [event for event in await _events(work, "cover.end") if event.allowed]
    assert [event.detail["reason"] for event in ends] == ["ended", "deactivated"]


async def test_unused_invites_are_listed_without_codes_and_revoked(work, clock):
    team = await _team(work)
    now = clock.now()
    async with work.db.session() as session:
        north = await get_or_create_team(session, "North", now)
        south = await get_or_create_team(session, "South", now)
        ada = await session.get(Worker, team["ada"].id)
        code = await invites.create_invite(
            session, role=Role.WORKER, now=now, team=north, created_by_id=ada.id
        )
        await invites.create_invite(session, role=Role.WORKER, now=now, team=south)
        await invites.create_invite(session, role=Role.SUPERVISOR, now=now, team=north)
    listed = await people.list_invites(work, team["ada"])
    assert len(listed) == 3
    north_rows = await people.list_invites(work, team["sue"])
    assert [(row.role, row.team, row.created_by) for row in north_rows] == [
        ("worker", "North", "Ada Admin")
    ]
    assert code not in repr(listed)
    assert await people.list_invites(work, team["wanda"]) == Refused("role")
    south_id = next(row.id for row in listed if row.team == "South")
    assert await people.revoke_invite(work, team["sue"], south_id) == Gone("invite")
    revoked = await people.revoke_invite(work, team["sue"], north_rows[0].id)
    assert isinstance(revoked, Saved)
    assert isinstance(await people.revoke_invite(work, team["sue"], north_rows[0].id), Stale)
    async with work.db.session() as session:
        redeemed = await invites.redeem(
            session, code, telegram_user_id=555, chat_id=555, display_name="X", now=now
        )
    assert redeemed.status == invites.RedeemStatus.REVOKED
    assert len(await people.list_invites(work, team["ada"])) == 2


async def test_a_reinvited_worker_is_a_new_person_without_her_old_caseload(work, clock):
    team = await _team(work)
    client = await _client(work, team["wanda"])
    async with work.db.session() as session:
        wanda = await session.get(Worker, team["wanda"].id)
        wanda.telegram_user_id = 4242
    await people.deactivate(work, None, team["wanda"].id, clients_to=team["will"].id)
    async with work.db.session() as session:
        south = await get_or_create_team(session, "South", clock.now())
        code = await invites.create_invite(session, role=Role.WORKER, now=clock.now(), team=south)
        joined = await invites.redeem(
            session, code, telegram_user_id=4242, chat_id=4242, display_name="W", now=clock.now()
        )
        assert joined.status == invites.RedeemStatus.JOINED
        assert joined.worker.id != team["wanda"].id
        assert joined.previous_worker_id == team["wanda"].id
        old = await session.get(Worker, team["wanda"].id)
        assert old.telegram_user_id is None and not old.active and old.team_id != south.id
    assert await _owner(work, client) == team["will"].id
