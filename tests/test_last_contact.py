"""Last contact is one rule: the latest contact with the client that HAPPENED — a
completed visit or a contact note whose time is not after now. A contact dated in the
future never moves it, and recomputing it (after an undo, a no-show) never picks one."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage import notes
from storage.client_import import import_clients
from storage.kinds import AppointmentStatus, InteractionType
from storage.models import Appointment, Client, Note, Worker
from ui import texts

BERLIN = ZoneInfo("Europe/Berlin")


async def _client(harness, client_id: int) -> Client:
    async with harness.db.session() as session:
        return await session.get(Client, client_id)


async def test_undoing_a_note_never_falls_back_to_a_visit_dated_in_the_future(harness, clock):
    """A visit marked done before it happened (the old ✅ Done path allowed it) sits in the
    record for Friday. The worker phones the client on Monday and withdraws that note: the
    last contact falls back to what happened — nothing yet — not to Friday."""
    wanda = await harness.seed_worker(701, "Wanda Worker", timezone="Europe/Berlin")
    client_id = await harness.seed_client(701)
    now = clock.now()
    friday = now + timedelta(days=4, hours=1)
    async with harness.db.session() as session:
        session.add(
            Appointment(
                client_id=client_id,
                worker_id=await _worker_id(session),
                starts_at=friday,
                duration_minutes=60,
                kind=InteractionType.HOME_VISIT,
                status=AppointmentStatus.COMPLETED,
                created_at=now - timedelta(days=1),
                completed_at=now - timedelta(days=1),
            )
        )
    reply = await wanda.send("/note C-0001 phone: called about meds")
    assert (await _client(harness, client_id)).last_contact_at == now
    undone = await wanda.press(reply[0], "Undo")
    assert "withdrawn" in undone[0].text
    assert (await _client(harness, client_id)).last_contact_at is None
    [history] = await wanda.send("/history C-0001")
    [card] = await wanda.press(history, texts.CARD_BACK)
    assert texts.CARD_NEVER_CONTACTED in card.text
    assert "Fri 6 Mar" not in card.text.split("Next appointment")[0]


async def _worker_id(session) -> int:
    return (await session.execute(select(Worker.id).limit(1))).scalar_one()


async def test_a_contact_in_the_future_never_moves_last_contact(db, clock):
    now = clock.now()
    client = Client(name="Maria", contact_frequency_days=14, created_at=now, updated_at=now)
    notes.record_contact(client, now + timedelta(minutes=1), now)
    assert client.last_contact_at is None
    notes.record_contact(client, now - timedelta(hours=2), now)
    assert client.last_contact_at == now - timedelta(hours=2)
    notes.record_contact(client, now - timedelta(hours=3), now)  # out of order: not back
    assert client.last_contact_at == now - timedelta(hours=2)
    notes.record_contact(client, now + timedelta(days=3), now)
    assert client.last_contact_at == now - timedelta(hours=2)
    notes.record_contact(client, now, now)  # happening this very moment counts
    assert client.last_contact_at == now


async def test_recomputing_counts_only_completed_visits_and_contact_notes_that_happened(db, clock):
    now = clock.now()
    async with db.session() as session:
        worker = Worker(name="Wanda", created_at=now)
        client = Client(name="Maria", contact_frequency_days=14, created_at=now, updated_at=now)
        session.add_all([worker, client])
        await session.flush()

        def note(kind: InteractionType, at, retracted=False) -> Note:
            return Note(
                client_id=client.id,
                author_id=worker.id,
                interaction_type=kind,
                occurred_at=at,
                created_at=now,
                retracted_at=now if retracted else None,
            )

        def visit(status: AppointmentStatus, at) -> Appointment:
            return Appointment(
                client_id=client.id,
                worker_id=worker.id,
                starts_at=at,
                status=status,
                created_at=now,
            )

        session.add_all(
            [
                note(InteractionType.PHONE, now - timedelta(days=3)),  # the one
                note(InteractionType.PHONE, now + timedelta(hours=1)),  # not yet
                note(InteractionType.COLLATERAL, now - timedelta(days=1)),  # not the client
                note(InteractionType.HOME_VISIT, now - timedelta(days=2), retracted=True),
                visit(AppointmentStatus.COMPLETED, now + timedelta(days=4)),  # not yet
                visit(AppointmentStatus.NO_SHOW, now - timedelta(days=1)),
                visit(AppointmentStatus.SCHEDULED, now - timedelta(hours=1)),
            ]
        )
        await session.flush()
        await notes.refresh_last_contact(session, client, now=now)
        assert client.last_contact_at == now - timedelta(days=3)
        session.add(visit(AppointmentStatus.COMPLETED, now))
        await session.flush()
        await notes.refresh_last_contact(session, client, now=now)
        assert client.last_contact_at == now


async def test_an_imported_contact_dated_today_is_not_put_after_now(db, clock):
    """The import takes a dated contact as noon of that day; imported at 09:00 on that
    day, noon has not come yet: the contact is counted as of now."""
    now = clock.now()  # Monday 2 March 2026, 09:00 in Berlin
    async with db.session() as session:
        session.add(Worker(name="Wanda Worker", created_at=now))
    csv = (
        "name,program,worker,last_contact\n"
        "Maria Gonzalez,elderly,Wanda Worker,2026-03-02\n"
        "Olga Petrova,chronic,Wanda Worker,2026-03-01\n"
    )
    async with db.session() as session:
        report = await import_clients(session, csv, now=now, zone=BERLIN)
    assert report.ok
    async with db.session() as session:
        rows = (await session.execute(select(Client).order_by(Client.id))).scalars().all()
    assert rows[0].last_contact_at == now
    assert rows[1].last_contact_at == now - timedelta(days=1, hours=-3)  # Sunday noon
