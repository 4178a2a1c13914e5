"""What is due, by the clock: appointment reminders, morning agendas, digests.

These drive `bot.reminders.planning.plan_tick` directly with an injected clock; the
end-to-end delivery through Telegram is in test_reminders.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.reminders import planning as reminders
from storage import appointments as appointment_store
from storage import clients as client_store
from storage.kinds import InteractionType, Program, Role
from storage.machinery import OutboxMessage
from storage.workers import create_worker, get_or_create_team


async def _worker(db, now, *, name="Wanda", zone=None, role=Role.WORKER, team="North", user=701):
    async with db.session() as session:
        team_row = await get_or_create_team(session, team, now)
        worker = await create_worker(session, name=name, role=role, now=now, team=team_row)
        worker.telegram_user_id = worker.chat_id = user
        worker.timezone = zone
        return worker.id


async def _appointment(db, now, worker_id, starts_at, zone="Europe/Berlin"):
    async with db.session() as session:
        client = await client_store.create_client(
            session,
            name="Maria",
            program=Program.ELDERLY,
            contact_frequency_days=30,
            worker_id=worker_id,
            now=now,
        )
        appointment = await appointment_store.schedule(
            session,
            client=client,
            worker_id=worker_id,
            starts_at=starts_at,
            duration_minutes=60,
            kind=InteractionType.HOME_VISIT,
            zone=ZoneInfo(zone),
            now=now,
        )
        return appointment.id


async def _tick(db, now, zone="Europe/Berlin"):
    async with db.session() as session:
        return await reminders.plan_tick(session, now=now, default_zone=zone)


async def _keys(db) -> list[str]:
    async with db.session() as session:
        return sorted((await session.execute(select(OutboxMessage.key))).scalars())


def at(zone: str, *args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(UTC)


async def test_appointment_reminder_at_the_right_local_minute_in_two_zones(db):
    created = at("Europe/Berlin", 2026, 3, 2, 7, 0)
    berlin = await _worker(db, created, name="Berta", zone="Europe/Berlin", user=1)
    york = await _worker(db, created, name="Yolanda", zone="America/New_York", user=2)
    await _appointment(db, created, berlin, at("Europe/Berlin", 2026, 3, 2, 14, 0))
    await _appointment(
        db, created, york, at("America/New_York", 2026, 3, 2, 14, 0), "America/New_York"
    )

    assert (await _tick(db, at("Europe/Berlin", 2026, 3, 2, 12, 59))).appointments == 0
    report = await _tick(db, at("Europe/Berlin", 2026, 3, 2, 13, 0))
    assert report.appointments == 1
    assert (await _tick(db, at("America/New_York", 2026, 3, 2, 12, 59))).appointments == 0
    assert (await _tick(db, at("America/New_York", 2026, 3, 2, 13, 0))).appointments == 1
    # Ticking again, or ticking late, enqueues nothing twice.
    assert (await _tick(db, at("America/New_York", 2026, 3, 2, 13, 5))).appointments == 0
    assert len([k for k in await _keys(db) if k.startswith("appt:")]) == 2


async def test_a_weekly_reminder_keeps_local_time_across_the_dst_change(db):
    created = at("Europe/Berlin", 2026, 3, 20, 9, 0)
    worker = await _worker(db, created, zone="Europe/Berlin")
    async with db.session() as session:
        client = await client_store.create_client(
            session,
            name="Maria",
            program=Program.ELDERLY,
            contact_frequency_days=30,
            worker_id=worker,
            now=created,
        )
        await appointment_store.schedule(
            session,
            client=client,
            worker_id=worker,
            starts_at=at("Europe/Berlin", 2026, 3, 23, 10, 0),
            duration_minutes=60,
            kind=InteractionType.HOME_VISIT,
            zone=ZoneInfo("Europe/Berlin"),
            now=created,
            recurrence=appointment_store.Recurrence.WEEKLY,
        )
    before = await _tick(db, at("Europe/Berlin", 2026, 3, 23, 9, 0))
    after = await _tick(db, at("Europe/Berlin", 2026, 3, 30, 9, 0))  # first Monday of summer time
    assert (before.appointments, after.appointments) == (1, 1)
    assert (await _tick(db, at("Europe/Berlin", 2026, 3, 30, 8, 59))).appointments == 0


async def test_quiet_hours_and_days_off_hold_and_the_morning_agenda_waits(db):
    created = at("Europe/Berlin", 2026, 3, 2, 6, 0)
    worker = await _worker(db, created, zone="Europe/Berlin")
    await _appointment(db, created, worker, at("Europe/Berlin", 2026, 3, 3, 7, 30))  # Tue 07:30
    report = await _tick(db, at("Europe/Berlin", 2026, 3, 3, 6, 30))  # quiet until 08:00
    assert (report.appointments, report.agendas, report.skipped_quiet) == (0, 0, 1)
    morning = await _tick(db, at("Europe/Berlin", 2026, 3, 3, 8, 0))
    assert morning.agendas == 1
    saturday = await _tick(db, at("Europe/Berlin", 2026, 3, 7, 10, 0))
    assert saturday.agendas == 0
    evening = await _tick(db, at("Europe/Berlin", 2026, 3, 4, 20, 30))
    assert evening.agendas == 0


async def test_a_reminder_missed_while_down_is_sent_within_catch_up_only(db):
    created = at("Europe/Berlin", 2026, 3, 2, 7, 0)
    worker = await _worker(db, created, zone="Europe/Berlin")
    await _appointment(db, created, worker, at("Europe/Berlin", 2026, 3, 2, 17, 0))
    await _appointment(db, created, worker, at("Europe/Berlin", 2026, 3, 2, 19, 30))
    # Down from 12:00 to 18:45: the 17:00 visit has started, the 19:30 one is 45 min away
    # (its reminder fell due at 18:30, inside the catch-up window).
    report = await _tick(db, at("Europe/Berlin", 2026, 3, 2, 18, 45))
    assert report.appointments == 1


async def test_supervisor_digest_once_a_day_at_their_time(db):
    created = at("Europe/Berlin", 2026, 3, 2, 7, 0)
    await _worker(db, created, name="Sue", role=Role.SUPERVISOR, zone="Europe/Berlin", user=9)
    assert (await _tick(db, at("Europe/Berlin", 2026, 3, 2, 17, 59))).digests == 0
    assert (await _tick(db, at("Europe/Berlin", 2026, 3, 2, 18, 0))).digests == 1
    assert (await _tick(db, at("Europe/Berlin", 2026, 3, 2, 19, 0))).digests == 0
    assert (await _tick(db, at("Europe/Berlin", 2026, 3, 3, 18, 1))).digests == 1


async def test_muted_kinds_and_inactive_workers_get_nothing(db):
    created = at("Europe/Berlin", 2026, 3, 2, 7, 0)
    worker = await _worker(db, created, zone="Europe/Berlin")
    async with db.session() as session:
        from storage.models import Worker

        row = await session.get(Worker, worker)
        row.muted_reminder_kinds = frozenset({"agenda"})
    assert (await _tick(db, at("Europe/Berlin", 2026, 3, 2, 9, 0))).agendas == 0
    async with db.session() as session:
        row = await session.get(Worker, worker)
        row.muted_reminder_kinds = frozenset()
        row.active = False
    assert (await _tick(db, at("Europe/Berlin", 2026, 3, 2, 9, 0))).agendas == 0


def test_quiet_hours_wrap_midnight():
    routine = reminders.Routine(
        worker_id=1,
        role="worker",
        team_id=None,
        zone=ZoneInfo("Europe/Berlin"),
        quiet_start=time(20),
        quiet_end=time(8),
        days_off=frozenset({6, 7}),
        start_of_day=time(8),
        digest_time=time(18),
        lead=timedelta(minutes=60),
        muted=frozenset(),
    )
    assert routine.is_quiet(at("Europe/Berlin", 2026, 3, 2, 23, 0))
    assert routine.is_quiet(at("Europe/Berlin", 2026, 3, 3, 7, 59))
    assert not routine.is_quiet(at("Europe/Berlin", 2026, 3, 3, 8, 0))
    assert routine.is_quiet(at("Europe/Berlin", 2026, 3, 7, 12, 0))  # Saturday
    friday_evening = at("Europe/Berlin", 2026, 3, 6, 21, 0)
    assert routine.next_start_of_day(friday_evening) == at("Europe/Berlin", 2026, 3, 9, 8, 0)
