"""Issue 16: /today shows the day in the morning agenda's sections — appointments, visits
due, plan reviews due, referral follow-ups — built by the same code as the agenda pushed
at the start of day, and each scheduled appointment still opens its card. The pushed
agenda hides names when private previews are on; /today, read in the open chat, does not."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from storage import appointments as appointment_store
from storage import clients as client_store
from storage import plans as plan_store
from storage.kinds import InteractionType
from storage.models import Referral, Resource
from storage.workers import Actor
from tests.harness import buttons, running
from ui import texts

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


async def _day(harness) -> None:
    """Wanda's Tue 3 Mar: Ann at 11:00 (and overdue), Bea due tomorrow, Cal's plan review
    due, Dee's referral to follow up today."""
    worker_id = await harness.worker_id(701)
    ann = await harness.seed_client(701, "Ann Overdue", last_contact_at=berlin(2026, 2, 1, 10))
    await harness.seed_client(701, "Bea Soon", last_contact_at=berlin(2026, 2, 18, 10))
    cal = await harness.seed_client(701, "Cal Review", last_contact_at=berlin(2026, 3, 2, 10))
    dee = await harness.seed_client(701, "Dee Referred", last_contact_at=berlin(2026, 3, 2, 10))
    actor = Actor(id=worker_id, name="", role="worker", team_id=None, timezone=None, chat_id=None)
    async with harness.db.session() as session:
        client = await client_store.get_visible(session, actor, ann)
        await appointment_store.schedule(
            session,
            client=client,
            worker_id=worker_id,
            starts_at=berlin(2026, 3, 3, 11, 0),
            duration_minutes=60,
            kind=InteractionType.HOME_VISIT,
            zone=BERLIN,
            now=harness.clock.now(),
        )
        plan = await plan_store.start_draft(
            session, client_id=cal, created_by_id=worker_id, now=harness.clock.now()
        )
        await plan_store.add_goal(session, plan, description="Walks daily", measure="", routine="")
        await plan_store.activate(session, plan, today=date(2025, 12, 5))  # due Thu 5 Mar
        resource = Resource(name="Food Bank Mitte", category="food")
        session.add(resource)
        await session.flush()
        session.add(
            Referral(
                client_id=dee,
                resource_id=resource.id,
                worker_id=worker_id,
                reason="Pantry empty",
                created_at=harness.clock.now() - timedelta(days=7),
                follow_up_on=date(2026, 3, 3),
            )
        )


def _body(text: str) -> list[str]:
    """The lines under the title."""
    return text.split("\n")[1:]


async def test_today_lists_the_agendas_sections_and_opens_an_appointment(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    clock.set(berlin(2026, 3, 3, 8, 0))
    await _day(harness)
    await harness.tick()
    [agenda] = [m for m in wanda.messages() if "Good morning" in m.text]
    clock.set(berlin(2026, 3, 3, 9, 10))

    [today] = await wanda.send("/today")
    assert today.text.startswith("📅 Today — Tue 3 Mar")
    for title in (
        f"{texts.AGENDA_APPOINTMENTS} (1)",
        f"{texts.AGENDA_VISITS} (2, 1 overdue)",
        f"{texts.AGENDA_REVIEWS} (1)",
        f"{texts.AGENDA_REFERRALS} (1)",
    ):
        assert title in today.text
    assert "11:00 · C-0001 Ann Overdue · Home visit, 60 min" in today.text
    assert "❗ C-0001 Ann Overdue · overdue" in today.text
    assert "• C-0002 Bea Soon · due tomorrow" in today.text
    assert "• C-0003 Cal Review · due in 2 d" in today.text
    assert "• C-0004 Dee Referred · due today" in today.text
    # One builder: the morning agenda's lines are /today's, nothing more, nothing less.
    assert _body(today.text) == _body(agenda.text)

    [card] = await wanda.press(today, "Ann Overdue")
    assert card.message_id != today.message_id
    assert "Appointment · C-0001 · Ann Overdue" in card.text

    # 📅 Today under the agenda answers with the same, below it.
    [below] = await wanda.press(agenda, "Today")
    assert below.text == today.text


async def test_today_with_no_appointment_still_shows_what_is_due(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Ann Overdue", last_contact_at=berlin(2026, 2, 1, 10))
    [today] = await wanda.send("/today")
    assert texts.NOTHING_TODAY in today.text
    assert f"{texts.AGENDA_VISITS} (1, 1 overdue)" in today.text
    assert not buttons(today)

    will = await harness.seed_worker(702, "Will Worker", team="South")
    [today] = await will.send("/today")
    assert today.text.split("\n")[-1] == texts.NOTHING_TODAY  # nothing due at all
    assert "Ann" not in today.text


async def test_private_previews_hide_names_in_the_push_not_in_today(devserver, db, db_url, clock):
    async with running(devserver, db, db_url, clock, CASELINE_PRIVATE_PREVIEWS="1") as harness:
        wanda = await harness.seed_worker(701, "Wanda Worker")
        clock.set(berlin(2026, 3, 3, 8, 0))
        await _day(harness)
        await harness.tick()
        [agenda] = [m for m in wanda.messages() if "Good morning" in m.text]
        assert "Ann Overdue" not in agenda.text and "C-0001 A.O." in agenda.text
        [today] = await wanda.send("/today")
        assert "C-0001 Ann Overdue" in today.text


async def test_a_long_day_is_split_under_telegrams_limit(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    clock.set(berlin(2026, 3, 3, 9, 10))
    worker_id = await harness.worker_id(701)
    actor = Actor(id=worker_id, name="", role="worker", team_id=None, timezone=None, chat_id=None)
    long_name = "Maximiliane " + "Q" * 180
    async with harness.db.session() as session:
        for index in range(30):
            made = await client_store.create_client(
                session,
                name=f"{long_name} {index}",
                program="other",
                contact_frequency_days=30,
                worker_id=worker_id,
                now=harness.clock.now(),
            )
            client = await client_store.get_visible(session, actor, made.id)
            await appointment_store.schedule(
                session,
                client=client,
                worker_id=worker_id,
                starts_at=berlin(2026, 3, 3, 10, 0) + timedelta(minutes=10 * index),
                duration_minutes=15,
                kind=InteractionType.PHONE,
                zone=BERLIN,
                now=harness.clock.now(),
            )
    shown = await wanda.send("/today")
    assert len(shown) >= 2
    assert all(len(message.text) <= 4096 for message in shown)
    assert shown[1].text.startswith("(agenda continued 2/")
    assert len(buttons(shown[0])) == 30
