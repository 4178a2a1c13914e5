"""Reminders end to end: due by the clock, delivered through the local Bot API server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from storage.kinds import InteractionType, Role
from storage.machinery import AuditEvent, OutboxMessage
from storage.models import Client, Worker
from tests.harness import buttons, running

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


async def _appointment(
    harness,
    user_id: int,
    client_id: int,
    starts_at: datetime,
    kind: InteractionType = InteractionType.HOME_VISIT,
) -> int:
    return await harness.seed_appointment(user_id, client_id, starts_at, kind)


async def test_a_reminder_an_hour_before_then_done_opens_the_visit_log(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    await _appointment(harness, 701, client_id, berlin(2026, 3, 3, 15, 0))
    clock.set(berlin(2026, 3, 3, 13, 59))
    await harness.tick()
    before = len(wanda.messages())
    clock.set(berlin(2026, 3, 3, 14, 0))
    await harness.tick()
    reminder = wanda.messages()[-1]
    assert len(wanda.messages()) == before + 1
    assert "15:00" in reminder.text and "in 60 min" in reminder.text
    assert "C-0001 Maria Gonzalez" in reminder.text
    assert {"✅ Done", "👤 Client", "💤 1 h", "💤 Tomorrow"} <= {
        label for label, _ in buttons(reminder)
    }

    # A restart and another tick never send it again.
    await harness.restart()
    await harness.tick()
    assert len([m for m in wanda.messages() if "⏰" in m.text]) == 1

    # 👤 Client opens the card below: the reminder stays as it was (issue 16).
    [card] = await wanda.press(reminder, "Client")
    assert card.message_id != reminder.message_id and "C-0001 · Maria Gonzalez" in card.text
    assert any(m.message_id == reminder.message_id and "⏰" in m.text for m in wanda.messages())

    visit = await wanda.press(reminder, "Done")
    assert "Tue 3 Mar 15:00 · 60 min · Home visit" in visit[-1].text


async def test_snooze_an_hour_brings_it_back(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    await _appointment(harness, 701, client_id, berlin(2026, 3, 3, 15, 0))
    clock.set(berlin(2026, 3, 3, 14, 0))
    await harness.tick()
    reminder = [m for m in wanda.messages() if "⏰" in m.text][-1]
    [snoozed] = await wanda.press(reminder, "1 h")
    assert wanda.toasts()[-1] == "Snoozed until Tue 15:00."
    # The reminder itself says so, and keeps 📍 Check in (a home visit: issue 19), ✅ Done
    # and 👤 Client (issue 16).
    assert snoozed.message_id == reminder.message_id
    assert "C-0001 Maria Gonzalez" in snoozed.text
    assert "💤 Snoozed: it comes back Tue 15:00." in snoozed.text
    labels = [label for label, _ in buttons(snoozed)]
    assert labels == ["📍 Check in", "✅ Done", "👤 Client"]
    clock.set(berlin(2026, 3, 3, 14, 59))
    await harness.tick()
    assert not any("Snoozed reminder" in m.text for m in wanda.messages())
    clock.set(berlin(2026, 3, 3, 15, 0))
    await harness.tick()
    again = [m for m in wanda.messages() if "Snoozed reminder" in m.text]
    assert len(again) == 1 and "C-0001" in again[0].text


async def test_one_morning_agenda_lists_the_day_overdue_first(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    clock.set(berlin(2026, 3, 3, 7, 0))
    ann = await harness.seed_client(701, "Ann Overdue", last_contact_at=berlin(2026, 2, 1, 10, 0))
    await harness.seed_client(701, "Bea Soon", last_contact_at=berlin(2026, 2, 18, 10, 0))
    await harness.seed_client(701, "Cal Fine", last_contact_at=berlin(2026, 3, 2, 10, 0))
    await harness.seed_client(
        701, "Dee Paused", status="on_hold", last_contact_at=berlin(2026, 1, 1)
    )
    await _appointment(harness, 701, ann, berlin(2026, 3, 3, 11, 0))
    await harness.tick()  # 07:00 is quiet (until 08:00): nothing yet
    assert wanda.messages() == []
    clock.set(berlin(2026, 3, 3, 8, 0))
    await harness.tick()
    agendas = [m for m in wanda.messages() if "Good morning" in m.text]
    assert len(agendas) == 1
    text = agendas[0].text
    assert "11:00 · C-0001 Ann Overdue" in text
    assert text.index("Ann Overdue · overdue") < text.index("Bea Soon · due tomorrow")
    assert "Cal Fine" not in text.split("Visits due")[1]
    assert "Dee Paused" not in text  # on hold: muted
    await harness.tick()
    assert len([m for m in wanda.messages() if "Good morning" in m.text]) == 1

    # 📅 Today answers below: the agenda, with its visits due, stays readable (issue 16).
    [today] = await wanda.press(agendas[0], "Today")
    assert today.message_id != agendas[0].message_id
    kept = [m for m in wanda.messages() if m.message_id == agendas[0].message_id]
    assert kept and "Visits due" in kept[0].text


async def test_a_risk_flag_alerts_the_supervisor_at_once_even_in_quiet_hours(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker", team="North")
    sue = await harness.seed_worker(710, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    sam = await harness.seed_worker(711, "Sam Other", role=Role.SUPERVISOR, team="South")
    await harness.seed_client(701)
    clock.set(berlin(2026, 3, 3, 22, 30))
    ask = await wanda.send("/note C-0001")
    card = await wanda.press(ask[-1], "Home visit")
    await wanda.press(card[-1], "Risk")
    card = await wanda.send("Talked about <ending> it all")
    await wanda.send("Safety plan made, crisis line given.")
    saved = await wanda.press(wanda.last(), "Save")
    # The confirmation says who was told (issue 16: it did not).
    assert "🔔 Told at once: Sue Supervisor." in saved[-1].text
    await harness.settle()
    await harness.state.wait_for_events(0, chat_id=710, kinds=["send"], timeout=10)
    alert = sue.last()
    assert "Risk flagged" in alert.text and "Wanda Worker" in alert.text
    assert "C-0001 Maria Gonzalez" in alert.text and "<ending>" in alert.text
    assert sam.messages() == []
    _ = card


async def test_private_previews_show_code_and_initials_only(devserver, db, db_url, clock):
    async with running(devserver, db, db_url, clock, CASELINE_PRIVATE_PREVIEWS="1") as harness:
        wanda = await harness.seed_worker(701, "Wanda Worker")
        client_id = await harness.seed_client(701, phone="+49 30 1234567")
        await _appointment(
            harness, 701, client_id, berlin(2026, 3, 3, 15, 0), InteractionType.PHONE
        )
        clock.set(berlin(2026, 3, 3, 14, 0))
        await harness.tick()
        pushed = [m for m in wanda.messages() if "⏰" in m.text or "Good morning" in m.text]
        assert pushed and all("Maria" not in m.text for m in pushed)
        assert all("C-0001 M.G." in m.text for m in pushed)
        assert all("1234567" not in m.text for m in pushed)


async def test_a_phone_appointment_reminder_shows_the_number_to_call(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701, phone="+49 30 1234567")
    await _appointment(harness, 701, client_id, berlin(2026, 3, 3, 15, 0), InteractionType.PHONE)
    clock.set(berlin(2026, 3, 3, 14, 0))
    await harness.tick()
    [reminder] = [m for m in wanda.messages() if "⏰" in m.text]
    assert "📞 +49 30 1234567" in reminder.text


async def test_telegram_faults_are_retried_and_nothing_is_lost_or_doubled(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    await _appointment(harness, 701, client_id, berlin(2026, 3, 3, 15, 0))
    clock.set(berlin(2026, 3, 3, 14, 0))
    harness.state.inject_fault("sendMessage", count=1, status=502)
    harness.state.inject_fault("sendMessage", count=1, status=429, retry_after=1)
    await harness.tick()
    for _ in range(4):
        clock.advance(timedelta(seconds=30))
        await harness.tick()
    reminders = [m for m in wanda.messages() if "⏰" in m.text]
    agendas = [m for m in wanda.messages() if "Good morning" in m.text]
    assert (len(reminders), len(agendas)) == (1, 1)
    async with harness.db.session() as session:
        statuses = (await session.execute(select(OutboxMessage.status))).scalars().all()
    assert set(statuses) == {"sent"}


async def test_a_worker_who_blocked_the_bot_is_unreachable_not_switched_off(harness, clock):
    """Wanda blocks Caseline: her morning agenda meets a 403, she is marked unreachable and
    Sue is told once. Her access and caseload stay; her next agendas are not sent into a
    403. When she unblocks and writes, she is reachable again and the agenda comes back."""
    wanda = await harness.seed_worker(701, "Wanda Worker", team="North")
    sue = await harness.seed_worker(710, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    client_id = await harness.seed_client(701, last_contact_at=berlin(2026, 1, 1))
    wanda.fake.block()
    clock.set(berlin(2026, 3, 3, 8, 0))
    await harness.tick()
    await harness.tick()
    clock.set(berlin(2026, 3, 4, 8, 0))
    await harness.tick()  # the next morning: nothing tried into her blocked chat

    refused = [c for c in harness.state.calls if c.params.get("chat_id") == 701]
    assert [c.status for c in refused] == [403]
    async with harness.db.session() as session:
        worker = (await session.execute(select(Worker).where(Worker.id == 1))).scalar_one()
        client = await session.get(Client, client_id)
        trail = [
            e.action
            for e in (await session.execute(select(AuditEvent))).scalars()
            if e.action.startswith("worker.")
        ]
    assert worker.active and worker.unreachable_at == berlin(2026, 3, 3, 8, 0)
    assert client.worker_id == worker.id
    assert trail == ["worker.unreachable"]
    told = [m.text for m in sue.messages() if "Wanda Worker" in m.text]
    assert told == [
        "⚠ Wanda Worker is unreachable (blocked Caseline); their clients and access stay "
        "until you decide — /team"
    ]

    wanda.fake.unblock()
    listing = await wanda.send("/clients")
    assert "My caseload — 1 client" in listing[0].text
    async with harness.db.session() as session:
        worker = await session.get(Worker, worker.id)
        trail = [
            e.action
            for e in (await session.execute(select(AuditEvent))).scalars()
            if e.action.startswith("worker.")
        ]
    assert worker.unreachable_at is None
    assert trail == ["worker.unreachable", "worker.reachable"]
    clock.set(berlin(2026, 3, 5, 8, 0))
    await harness.tick()
    assert any("Good morning" in m.text for m in wanda.messages())


@pytest.mark.parametrize("lead", [30])
async def test_settings_change_the_lead_time(harness, clock, lead):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    menu = await wanda.send("/settings")
    choices = await wanda.press(menu[0], "Reminder before")
    await wanda.press(choices[0], f"{lead} min")
    assert f"{lead} min" in wanda.messages()[0].text
    await _appointment(harness, 701, client_id, berlin(2026, 3, 3, 15, 0))
    clock.set(berlin(2026, 3, 3, 14, 0))
    await harness.tick()
    assert not any(m.text.startswith("⏰ 15:00") for m in wanda.messages())
    clock.set(berlin(2026, 3, 3, 14, 30))
    await harness.tick()
    assert any(m.text.startswith("⏰ 15:00 (in 30 min)") for m in wanda.messages())


async def test_the_supervisor_digest_arrives_at_their_time_with_a_chart(harness, clock):
    await harness.seed_worker(701, "Wanda Worker", team="North")
    sue = await harness.seed_worker(710, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    await harness.seed_client(701)
    clock.set(berlin(2026, 3, 3, 17, 59))
    await harness.tick()
    assert not any(m.photo for m in sue.messages())
    clock.set(berlin(2026, 3, 3, 18, 0))
    await harness.tick()
    photos = [m for m in sue.messages() if m.photo]
    assert len(photos) == 1
    assert harness.state.file_bytes(photos[0].photo[-1]["file_id"]).startswith(b"\x89PNG")
    texts_after = [m.text for m in sue.messages() if not m.photo]
    assert any("Wanda Worker" in text for text in texts_after)
    await harness.tick()
    assert len([m for m in sue.messages() if m.photo]) == 1


async def test_two_schedulers_on_one_postgres_database_send_each_reminder_once(
    harness, backend, clock
):
    if backend != "postgres":
        pytest.skip("two processes share one database only on PostgreSQL (SKIP LOCKED)")
    from bot.app import sender_bot
    from bot.reminders.rendering import Reminders

    people = [await harness.seed_worker(800 + n, f"Worker {n}") for n in range(40)]
    for person in people:
        client_id = await harness.seed_client(person.user_id)
        await _appointment(harness, person.user_id, client_id, berlin(2026, 3, 3, 15, 0))
    clock.set(berlin(2026, 3, 3, 14, 0))
    first = harness.application.bot_data["services"].reminders
    second_bot = sender_bot(first.settings, first.bot.token)
    async with second_bot:
        second = Reminders(first.db, clock, first.settings, second_bot)
        await asyncio.gather(first.tick(), second.tick(), first.tick(), second.tick())
    await harness.settle()
    for person in people:
        assert len([m for m in person.messages() if m.text.startswith("⏰")]) == 1


async def test_each_tick_is_noted_in_the_database_for_doctor_and_healthz(harness, clock):
    from storage import ticks

    async with harness.db.session() as session:
        assert await ticks.last_tick(session, ticks.REMINDERS) is None
    clock.set(berlin(2026, 3, 3, 9, 0))
    await harness.tick()
    clock.set(berlin(2026, 3, 3, 9, 1))
    await harness.tick()
    async with harness.db.session() as session:
        tick = await ticks.last_tick(session, ticks.REMINDERS)
    assert tick is not None
    assert tick.started_at == berlin(2026, 3, 3, 9, 1)
    assert tick.finished_at >= tick.started_at and tick.duration_ms >= 0
    assert tick.error is None and tick.ticked_by.count(":") >= 2


async def test_the_outbox_backlog_counts_what_is_due_and_not_what_is_planned(harness, clock):
    from storage import outbox

    await harness.seed_worker(702, "Wanda Worker")
    client_id = await harness.seed_client(702)
    await _appointment(harness, 702, client_id, berlin(2026, 3, 3, 15, 0))
    await _appointment(harness, 702, client_id, berlin(2026, 3, 4, 15, 0))
    clock.set(berlin(2026, 3, 3, 13, 59))
    async with harness.db.session() as session:
        assert await outbox.backlog(session, now=clock.now()) == outbox.Backlog(0, None)
    async with harness.db.session() as session:
        from bot.reminders import planning

        # Planned but not sent (no drain): what a stalled sender leaves behind.
        await planning.plan_tick(session, now=clock.now(), default_zone="Europe/Berlin")
    async with harness.db.session() as session:
        waiting = await outbox.backlog(session, now=clock.now())
    assert waiting.due >= 1 and waiting.oldest_due_at is not None
    assert waiting.oldest_due_at <= clock.now()
    await harness.tick()
    async with harness.db.session() as session:
        assert await outbox.backlog(session, now=clock.now()) == outbox.Backlog(0, None)
