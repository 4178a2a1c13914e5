"""Quiet hours against the start of day, through the real tick and the local Bot API.

Wanda keeps quiet hours 22:00–09:30 and starts her day at 08:00: the quiet hours cover
her start of day. Quiet hours win over every push but a risk alert, so her morning
agenda goes out when they end (09:30), an appointment that starts before then is in
that agenda, and a reminder that fell due in the quiet hours for an appointment after
them is sent when they end. Nothing is dropped.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.machinery import OutboxMessage
from storage.models import Worker
from tests.harness import buttons

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


async def _quiet_until_half_past_nine(harness, user_id: int) -> None:
    worker_id = await harness.worker_id(user_id)
    async with harness.db.session() as session:
        worker = await session.get(Worker, worker_id)
        worker.quiet_start, worker.quiet_end = time(22, 0), time(9, 30)
        worker.start_of_day = time(8, 0)
        worker.reminder_lead_minutes = 60


async def _appointment(harness, user_id: int, client_id: int, starts_at: datetime) -> int:
    return await harness.seed_appointment(user_id, client_id, starts_at)


async def test_quiet_hours_over_the_start_of_day_hold_the_morning_and_drop_nothing(harness, clock):
    clock.set(berlin(2026, 3, 2, 18, 0))  # Monday evening
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await _quiet_until_half_past_nine(harness, 701)
    early = await harness.seed_client(701, "Ann Early")
    later = await harness.seed_client(701, "Bea Later")
    await _appointment(harness, 701, early, berlin(2026, 3, 3, 9, 0))  # reminder due 08:00
    await _appointment(harness, 701, later, berlin(2026, 3, 3, 10, 15))  # reminder due 09:15

    for hour, minute in ((7, 59), (8, 0), (8, 30), (9, 0), (9, 15), (9, 29)):
        clock.set(berlin(2026, 3, 3, hour, minute))
        await harness.tick()
    assert wanda.messages() == []  # quiet until 09:30: not a single push

    clock.set(berlin(2026, 3, 3, 9, 30))
    await harness.tick()
    agendas = [m for m in wanda.messages() if "Good morning" in m.text]
    assert len(agendas) == 1
    assert "09:00 · C-0001 Ann Early" in agendas[0].text  # folded into the agenda
    reminders = [m for m in wanda.messages() if m.text.startswith("⏰")]
    assert len(reminders) == 1  # the 09:00 visit is in the agenda, not pushed again
    assert reminders[0].text.startswith("⏰ 10:15 (in 45 min)")
    assert "Bea Later" in reminders[0].text

    # The agenda says when it went out: at the end of the quiet hours.
    async with harness.db.session() as session:
        agenda = (
            await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "agenda"))
        ).scalar_one()
    assert agenda.due_at == berlin(2026, 3, 3, 9, 30)

    for hour, minute in ((9, 31), (10, 0), (12, 0)):
        clock.set(berlin(2026, 3, 3, hour, minute))
        await harness.tick()
    assert len([m for m in wanda.messages() if "Good morning" in m.text]) == 1
    assert len([m for m in wanda.messages() if m.text.startswith("⏰")]) == 1


async def test_without_an_agenda_a_reminder_held_by_quiet_hours_is_sent_when_they_end(
    harness, clock
):
    """Wanda has switched the morning agenda off: the 09:00 visit's reminder, due at
    08:00 in her quiet hours, has no agenda to fold into, so it comes at 09:30, written
    then (the visit has started), with its ✅ Done button."""
    clock.set(berlin(2026, 3, 2, 18, 0))
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await _quiet_until_half_past_nine(harness, 701)
    worker_id = await harness.worker_id(701)
    async with harness.db.session() as session:
        (await session.get(Worker, worker_id)).muted_reminder_kinds = frozenset({"agenda"})
    client = await harness.seed_client(701, "Ann Early")
    await _appointment(harness, 701, client, berlin(2026, 3, 3, 9, 0))
    for hour, minute in ((8, 0), (9, 0), (9, 29)):
        clock.set(berlin(2026, 3, 3, hour, minute))
        await harness.tick()
    assert wanda.messages() == []
    clock.set(berlin(2026, 3, 3, 9, 30))
    await harness.tick()
    pushed = [m for m in wanda.messages() if m.text.startswith("⏰")]
    assert len(pushed) == 1 and "09:00 (started 30 min ago)" in pushed[0].text
    assert "✅ Done" in [label for label, _ in buttons(pushed[0])]
    assert not any("Good morning" in m.text for m in wanda.messages())


async def test_a_snooze_into_quiet_hours_comes_back_when_they_end_not_at_the_start_of_day(
    harness, clock
):
    clock.set(berlin(2026, 3, 3, 18, 0))  # Tuesday
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await _quiet_until_half_past_nine(harness, 701)
    client = await harness.seed_client(701, "Cy Evening")
    await _appointment(harness, 701, client, berlin(2026, 3, 3, 21, 45))
    clock.set(berlin(2026, 3, 3, 20, 45))
    await harness.tick()
    reminder = [m for m in wanda.messages() if m.text.startswith("⏰")][-1]
    clock.set(berlin(2026, 3, 3, 21, 30))
    await wanda.press(reminder, "1 h")  # 22:30 is quiet
    assert wanda.toasts()[-1] == "Snoozed until Wed 09:30."
    clock.set(berlin(2026, 3, 4, 8, 0))
    await harness.tick()
    assert not any("Snoozed reminder" in m.text for m in wanda.messages())
    clock.set(berlin(2026, 3, 4, 9, 30))
    await harness.tick()
    assert len([m for m in wanda.messages() if "Snoozed reminder" in m.text]) == 1


async def test_settings_warns_when_quiet_hours_cover_the_start_of_day(harness, clock):
    clock.set(berlin(2026, 3, 2, 18, 0))
    wanda = await harness.seed_worker(701, "Wanda Worker")
    menu = await wanda.send("/settings")
    assert "⚠" not in menu[0].text  # 20:00–08:00 ends at the 08:00 start of day
    await wanda.press(menu[0], "Quiet hours")
    await wanda.press(wanda.messages()[0], "Type a time")
    shown = await wanda.send("22:00-09:30")
    assert (
        "⚠ Your quiet hours cover your start of day (08:00): your morning agenda comes at "
        "09:30, when they end, and reminders due before then wait for it."
    ) in shown[-1].text
    worker_id = await harness.worker_id(701)
    async with harness.db.session() as session:
        worker = await session.get(Worker, worker_id)
        assert (worker.quiet_start, worker.quiet_end) == (time(22, 0), time(9, 30))
