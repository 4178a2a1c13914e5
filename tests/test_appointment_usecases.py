"""The appointment use cases on their own: no Telegram, a real database, the test clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from domain.results import AlreadySaved, Confirm, Refused, Saved, Stale
from domain.settings import load_settings
from domain.usecases import appointments as usecases
from domain.work import Work
from storage.clients import create_client
from storage.kinds import AppointmentStatus, InteractionType, Program
from storage.machinery import AuditEvent
from storage.models import Note
from storage.workers import Actor, create_worker, get_or_create_team

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
async def world(db, db_url, clock):
    now = clock.now()
    async with db.session() as session:
        north = await get_or_create_team(session, "North", now)
        south = await get_or_create_team(session, "South", now)
        wanda = await create_worker(session, name="Wanda", role="worker", now=now, team=north)
        sam = await create_worker(session, name="Sam", role="worker", now=now, team=south)
        await session.flush()
        client = await create_client(
            session,
            name="Helga Brandt",
            program=Program.ELDERLY,
            contact_frequency_days=14,
            worker_id=wanda.id,
            now=now,
        )
        await session.flush()
        ids = Actor.of(wanda), Actor.of(sam), client.id
    work = Work(db=db, clock=clock, settings=load_settings({"CASELINE_DATABASE_URL": db_url}))
    return work, *ids


async def _book(work: Work, actor: Actor, client_id: int, at: datetime, token: str = "t1"):
    return await usecases.schedule_appointment(
        work,
        actor,
        client_id=client_id,
        starts_at=at,
        duration_minutes=60,
        kind=InteractionType.HOME_VISIT,
        zone=BERLIN,
        token=token,
    )


async def test_schedule_saves_once_per_draft(world, clock):
    work, wanda, _, client_id = world
    first = await _book(work, wanda, client_id, clock.now() + timedelta(hours=5))
    again = await _book(work, wanda, client_id, clock.now() + timedelta(hours=5))
    assert isinstance(first, Saved) and isinstance(again, AlreadySaved)
    assert again.value.appointment.id == first.value.appointment.id


async def test_another_teams_worker_is_refused_and_audited(world, clock):
    work, wanda, sam, client_id = world
    booked = await _book(work, wanda, client_id, clock.now() + timedelta(hours=5))
    appointment_id = booked.value.appointment.id
    assert await usecases.mark_no_show(work, sam, appointment_id) == Refused("appointment")
    assert await usecases.open_appointment(work, sam, appointment_id) == Refused("appointment")
    async with work.db.session() as session:
        refused = (
            await session.execute(select(AuditEvent).where(AuditEvent.allowed.is_(False)))
        ).scalars()
        assert [event.actor_worker_id for event in refused] == [sam.id, sam.id]


async def test_a_second_change_to_an_ended_appointment_is_stale(world, clock):
    work, wanda, _, client_id = world
    booked = await _book(work, wanda, client_id, clock.now() - timedelta(hours=1))
    appointment_id = booked.value.appointment.id
    assert isinstance(await usecases.mark_no_show(work, wanda, appointment_id), Saved)
    for again in (
        usecases.mark_no_show(work, wanda, appointment_id),
        usecases.cancel_appointment(
            work, wanda, appointment_id, reason="Other", whole_series=False
        ),
        usecases.reschedule_appointment(work, wanda, appointment_id, clock.now()),
        usecases.start_visit(work, wanda, appointment_id),
    ):
        result = await again
        assert isinstance(result, Stale) and result.current.appointment.status == "no_show"


async def test_a_visit_near_an_appointment_asks_and_no_logs_it_apart_with_its_note(world, clock):
    work, wanda, _, client_id = world
    planned = clock.now() + timedelta(minutes=60)
    booked = await _book(work, wanda, client_id, planned)
    entry = usecases.VisitEntry(
        client_id=client_id,
        starts_at=clock.now(),
        duration_minutes=30,
        kind=InteractionType.PHONE,
        outcome=AppointmentStatus.COMPLETED,
        note="Called ahead.",
    )
    asked = await usecases.log_visit(work, wanda, entry, token="v1")
    assert asked == Confirm(usecases.SAME_VISIT, asked.about)
    assert asked.about.appointment.id == booked.value.appointment.id
    apart = replace(entry, declined=(asked.about.appointment.id,))
    saved = await usecases.log_visit(work, wanda, apart, token="v1")
    assert isinstance(saved, Saved) and saved.value.appointment.id != asked.about.appointment.id
    assert isinstance(await usecases.log_visit(work, wanda, apart, token="v1"), AlreadySaved)
    async with work.db.session() as session:
        notes = (await session.execute(select(Note.text, Note.appointment_id))).all()
    assert [tuple(row) for row in notes] == [("Called ahead.", saved.value.appointment.id)]


async def test_completing_a_matched_appointment_before_its_start_logs_it_when_it_happened(
    world, clock
):
    work, wanda, _, client_id = world
    planned = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # an hour from now
    booked = await _book(work, wanda, client_id, planned)
    entry = usecases.VisitEntry(
        client_id=client_id,
        starts_at=clock.now(),
        duration_minutes=60,
        kind=InteractionType.HOME_VISIT,
        outcome=AppointmentStatus.COMPLETED,
        appointment_id=booked.value.appointment.id,
    )
    saved = await usecases.log_visit(work, wanda, entry)
    assert isinstance(saved, Saved)
    assert saved.value.appointment.starts_at == clock.now()  # not the future 10:00
    assert saved.value.client.last_contact_at == clock.now()
