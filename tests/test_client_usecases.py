"""The client record's use cases (domain/usecases/clients.py, exports.py, invites.py),
called as a handler calls them: each authorises, audits (refusals too), writes once and
returns one typed result; and each joins the caller's open transaction.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from domain.results import AlreadySaved, Confirm, Invalid, Refused, Saved, Stale
from domain.settings import load_settings
from domain.usecases import clients as cases
from domain.usecases import exports, invites
from domain.work import Work
from storage import appointments
from storage.clients import create_client
from storage.kinds import AppointmentStatus, ClientStatus, InteractionType, Program, Role
from storage.machinery import AuditEvent
from storage.models import Appointment, Client, Worker
from storage.workers import Actor, create_worker, get_or_create_team

CSV_HEADER = "name,program,worker,contact_frequency_days\n"


class Rollback(Exception):
    pass


@pytest.fixture
def work(db, db_url, clock) -> Work:
    return Work(db=db, clock=clock, settings=load_settings({"CASELINE_DATABASE_URL": db_url}))


async def _people(work: Work) -> dict[str, Actor]:
    now = work.clock.now()
    people = {}
    async with work.db.session() as session:
        north = await get_or_create_team(session, "North", now)
        south = await get_or_create_team(session, "South", now)
        for key, name, role, team in (
            ("wanda", "Wanda Worker", Role.WORKER, north),
            ("will", "Will Worker", Role.WORKER, north),
            ("sue", "Sue Supervisor", Role.SUPERVISOR, north),
            ("sam", "Sam Southern", Role.WORKER, south),
            ("otto", "Otto South", Role.WORKER, south),
        ):
            worker = await create_worker(session, name=name, role=role, now=now, team=team)
            people[key] = Actor.of(worker)
    return people


async def _client(work: Work, actor: Actor, *, appointment_in: timedelta | None = None) -> int:
    now = work.clock.now()
    async with work.db.session() as session:
        client = await create_client(
            session,
            name="Maria Gonzalez",
            program=Program.ELDERLY,
            contact_frequency_days=14,
            worker_id=actor.id,
            now=now - timedelta(days=30),
        )
        if appointment_in is not None:
            await appointments.schedule(
                session,
                client=client,
                worker_id=actor.id,
                starts_at=now + appointment_in,
                duration_minutes=60,
                kind=InteractionType.HOME_VISIT,
                zone=work.zone_for(None),
                now=now,
            )
        return client.id


async def _audit(work: Work) -> list[tuple[str, int | None, int | None, bool]]:
    async with work.db.session() as session:
        rows = await session.execute(
            select(
                AuditEvent.action,
                AuditEvent.actor_worker_id,
                AuditEvent.client_id,
                AuditEvent.allowed,
            ).order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows.all()]


async def _client_row(work: Work, client_id: int) -> Client:
    async with work.db.session() as session:
        client = await session.get(Client, client_id)
        assert client is not None
        return client


async def test_every_look_and_change_by_another_team_is_refused_audited_and_changes_nothing(
    work,
):
    people = await _people(work)
    sam = people["sam"]
    client_id = await _client(work, people["wanda"], appointment_in=timedelta(days=2))

    results = [
        await cases.look_at_client(work, sam, client_id),
        await cases.history_page(work, sam, client_id, 0),
        await cases.transfer_choice(work, sam, client_id),
        await cases.transfer_client(work, sam, client_id, people["otto"].id),
        await cases.discharge_choice(work, sam, client_id),
        await cases.discharge_client(
            work, sam, client_id, reason_code="moved", reason_text="Moved away"
        ),
        await cases.reopen_client(work, sam, client_id),
        await exports.export_choice(work, sam, client_id),
        await exports.export_client(work, sam, client_id, "pdf"),
    ]
    # The same answer whether the client exists or not: it must not tell.
    assert results == [Refused("client")] * len(results)
    assert await cases.look_at_client(work, sam, 999) == Refused("client")

    assert await _audit(work) == [
        (action, sam.id, client_id, False)
        for action in (
            "client.view",
            "client.history",
            "client.transfer",
            "client.transfer",
            "client.discharge",
            "client.discharge",
            "client.reopen",
            "client.export",
            "client.export",
        )
    ] + [("client.view", sam.id, None, False)]
    client = await _client_row(work, client_id)
    assert (client.status, client.worker_id) == (ClientStatus.ACTIVE, people["wanda"].id)


async def test_a_discharge_is_saved_once_then_stale_and_so_is_a_reopen(work):
    people = await _people(work)
    wanda = people["wanda"]
    client_id = await _client(work, wanda, appointment_in=timedelta(days=3))

    choice = await cases.discharge_choice(work, wanda, client_id)
    assert isinstance(choice, cases.DischargeChoice) and choice.appointments_ahead == 1
    done = await cases.discharge_client(
        work, wanda, client_id, reason_code="other", reason_text="  Moved   to her  daughter "
    )
    assert isinstance(done, Saved) and done.value.appointments_cancelled == 1
    assert done.value.client.discharge_reason == "Moved to her daughter"
    again = await cases.discharge_client(
        work, wanda, client_id, reason_code="moved", reason_text="Moved away"
    )
    assert isinstance(again, Stale) and again.current.id == client_id
    assert isinstance(await cases.discharge_choice(work, wanda, client_id), Stale)

    reopened = await cases.reopen_client(work, wanda, client_id)
    assert isinstance(reopened, Saved) and reopened.value.status == ClientStatus.ACTIVE
    assert isinstance(await cases.reopen_client(work, wanda, client_id), Stale)

    assert [action for action, *_ in await _audit(work)] == ["client.discharge", "client.reopen"]
    async with work.db.session() as session:
        statuses = (await session.execute(select(Appointment.status))).scalars().all()
    assert statuses == [AppointmentStatus.CANCELLED]  # reopening replays nothing


async def test_a_discharge_reason_is_checked_before_anything_is_read_or_written(work):
    people = await _people(work)
    client_id = await _client(work, people["wanda"])
    for typed, reason in (
        (" \n ", cases.REASON_EMPTY),
        ("x" * 501, cases.REASON_TOO_LONG),
    ):
        assert await cases.discharge_client(
            work, people["wanda"], client_id, reason_code="other", reason_text=typed
        ) == Invalid(reason)
    assert await _audit(work) == []
    assert (await _client_row(work, client_id)).status == ClientStatus.ACTIVE


async def test_a_transfer_goes_only_to_the_leads_own_team_and_takes_the_appointments(work):
    people = await _people(work)
    wanda, sue, will = people["wanda"], people["sue"], people["will"]
    client_id = await _client(work, wanda, appointment_in=timedelta(days=1))

    assert await cases.transfer_choice(work, wanda, client_id) == Refused("role")
    choice = await cases.transfer_choice(work, sue, client_id)
    assert isinstance(choice, cases.TransferChoice)
    assert [w.name for w in choice.targets] == ["Sue Supervisor", "Will Worker"]
    assert choice.current_worker == "Wanda Worker"

    assert await cases.transfer_client(work, sue, client_id, people["otto"].id) == Refused("worker")
    moved = await cases.transfer_client(work, sue, client_id, will.id)
    assert isinstance(moved, Saved)
    assert (moved.value.worker.id, moved.value.appointments_moved) == (will.id, 1)
    assert isinstance(await cases.transfer_client(work, sue, client_id, will.id), Stale)

    assert await _audit(work) == [
        ("client.transfer", wanda.id, client_id, False),
        ("client.transfer", sue.id, client_id, False),
        ("client.transfer", sue.id, client_id, True),
    ]
    async with work.db.session() as session:
        holders = (await session.execute(select(Appointment.worker_id))).scalars().all()
    assert holders == [will.id]


async def test_a_new_client_is_saved_once_per_draft(work):
    people = await _people(work)
    wanda = people["wanda"]

    def add(token: str | None):
        return cases.add_client(
            work,
            wanda,
            name="Helga Brandt",
            program=Program.ELDERLY,
            contact_frequency_days=30,
            draft_token=token,
        )

    first = await add("draft-1")
    assert isinstance(first, Saved) and first.value.code == "C-0001"
    assert await add("draft-1") == first  # Save pressed again after a lost answer
    assert (await add("draft-2")).value.code == "C-0002"
    assert await cases.add_client(
        work, wanda, name="X", program=Program.OTHER, contact_frequency_days=0, draft_token=None
    ) == Invalid("frequency")
    async with work.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(Client))).scalar() == 2
    assert [row[0] for row in await _audit(work)] == ["client.create", "client.create"]
    page = await cases.caseload_page(work, wanda, 0)
    assert [client.code for client in page.clients] == ["C-0002", "C-0001"]


async def test_use_cases_join_the_callers_transaction_and_roll_back_with_it(work):
    people = await _people(work)
    wanda = people["wanda"]
    client_id = await _client(work, wanda, appointment_in=timedelta(days=3))

    with pytest.raises(Rollback):
        async with work.transaction():
            done = await cases.discharge_client(
                work, wanda, client_id, reason_code="moved", reason_text="Moved away"
            )
            assert isinstance(done, Saved)
            assert isinstance(await cases.look_at_client(work, wanda, client_id), object)
            raise Rollback
    # Nothing of either use case stayed: the record, its appointments and the audit.
    assert (await _client_row(work, client_id)).status == ClientStatus.ACTIVE
    assert await _audit(work) == []

    async with work.transaction():
        await cases.discharge_client(
            work, wanda, client_id, reason_code="moved", reason_text="Moved away"
        )
        facts = await cases.look_at_client(work, wanda, client_id)
        assert not isinstance(facts, Refused) and facts.client.status == ClientStatus.DISCHARGED
    assert [row[0] for row in await _audit(work)] == ["client.discharge", "client.view"]


async def test_invites_follow_the_role_rule_and_a_code_joins_once(work):
    people = await _people(work)
    wanda, sue = people["wanda"], people["sue"]

    assert await invites.invite_colleague(work, wanda, "worker") == Refused("role")
    assert await invites.invite_colleague(work, sue, "admin") == Refused("role")
    made = await invites.invite_colleague(work, sue, "worker")
    assert isinstance(made, Saved) and made.value.role == Role.WORKER
    assert made.value.expires_at == work.clock.now() + timedelta(days=7)

    def join(user_id: int, code: str):
        return invites.join_team(
            work, code, telegram_user_id=user_id, chat_id=user_id, display_name="Nina New"
        )

    joined = await join(801, made.value.code)
    assert isinstance(joined, Saved) and joined.value.team_id == sue.team_id
    assert isinstance(await join(801, made.value.code), AlreadySaved)
    assert await join(802, made.value.code) == Invalid("used")
    assert await join(802, "no-such-code") == Invalid("unknown")

    # 802's second wrong code within the hour is not audited again (the join throttle).
    events = [(action, allowed) for action, _, _, allowed in await _audit(work)]
    assert events == [
        ("invite.create", False),
        ("invite.create", False),
        ("invite.create", True),
        ("invite.redeem", True),
        ("invite.redeem", False),
        ("invite.redeem", False),
    ]
    async with work.db.session() as session:
        nina = (await session.execute(select(Worker).where(Worker.name == "Nina New"))).scalar()
    assert nina is not None and nina.telegram_user_id == 801


async def test_the_operator_import_checks_every_row_before_writing_any(work):
    await _people(work)
    zone = work.zone_for(None)
    good = CSV_HEADER + "Ada Alpha,elderly,Wanda Worker,14\nBen Beta,recovery,Will Worker,30\n"

    checked = await cases.import_client_rows(work, good, zone=zone, check_only=True)
    assert isinstance(checked, Confirm) and checked.about.rows == 2
    bad = good + "Cy Gamma,elderly,Nobody Known,14\n"
    refused = await cases.import_client_rows(work, bad, zone=zone)
    assert isinstance(refused, cases.RowsInvalid) and len(refused.problems) == 1
    async with work.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(Client))).scalar() == 0

    imported = await cases.import_client_rows(work, good, zone=zone)
    assert isinstance(imported, Saved)
    assert [code for _, code in imported.value.imported] == ["C-0001", "C-0002"]
    assert [row[:2] for row in await _audit(work)] == [("client.import", None)] * 2


async def test_the_operator_export_and_audit_listing_are_audited_without_an_actor(work):
    people = await _people(work)
    client_id = await _client(work, people["wanda"])

    assert await exports.export_for_operator(work, 99, "pdf") == exports.Gone()
    record = await exports.export_for_operator(work, client_id, "csv")
    assert not isinstance(record, exports.Gone) and record.identity.code == "C-0001"
    assert await exports.audit_listing(work, worker_name="Nobody") == Invalid(
        exports.UNKNOWN_WORKER
    )
    listing = await exports.audit_listing(work, client_id=client_id)
    assert not isinstance(listing, Invalid)
    assert [line.action for line in listing.lines] == ["client.export"] and not listing.more
    assert await _audit(work) == [
        ("client.export", None, client_id, True),
        ("audit.list", None, client_id, True),
    ]
