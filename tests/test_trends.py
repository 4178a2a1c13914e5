"""Trends (issue 20): the reminder tick keeps each week's figures per worker once (a
snapshot: what statuses and frequencies changing later would lose); `/trend` draws the
last eight weeks of a team — one chart, one message, a caption that sums up last week —
for its supervisors and for admins (any team by name), never for a worker; a supervisor
gets it weekly on the day they chose in /settings (Monday by default), at the digest
time. Weeks before snapshots show visits and notes counted again from the record and no
share. Both databases, through the local Bot API server; the clock is injected.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from domain.results import Saved
from domain.usecases import trends as usecases
from storage.kinds import AppointmentStatus, InteractionType, PlanStatus, Role
from storage.machinery import AuditEvent
from storage.models import Appointment, Note, Plan, Worker
from storage.supervision_tables import TrendSnapshot
from storage.workers import Actor, team_named
from tests.harness import buttons
from ui import texts

WANDA, WILL, SUE, STAN, ADA, OTTO = 901, 902, 910, 920, 930, 940
BERLIN = ZoneInfo("Europe/Berlin")
PNG = b"\x89PNG"
# The eight complete weeks before the test clock's (Monday 2 March 2026).
WEEKS = [date(2026, 1, 5) + timedelta(days=7 * n) for n in range(8)]


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


async def _world(harness):
    """North: Wanda (two clients, one seen today, one never), Will (one), Sue leads."""
    wanda = await harness.seed_worker(WANDA, "Wanda Worker", team="North")
    will = await harness.seed_worker(WILL, "Will Worker", team="North")
    sue = await harness.seed_worker(SUE, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    await harness.seed_client(WANDA, "Maria Gonzalez")
    await harness.seed_client(
        WANDA, "Tomasz Nowak", created_at=harness.clock.now() - timedelta(days=40)
    )
    await harness.seed_client(WILL, "Helga Braun")
    return wanda, will, sue


async def _rows(harness, model, *where, order=None):
    async with harness.db.session() as session:
        statement = select(model).where(*where).order_by(order if order is not None else model.id)
        return list((await session.execute(statement)).scalars())


async def _kept(harness, week: date) -> dict[str, tuple[int, int, int, int, int]]:
    """The week's snapshot rows by worker name: clients, seen, visits, notes, reviews."""
    names = {await harness.worker_id(WANDA): "Wanda", await harness.worker_id(WILL): "Will"}
    rows = await _rows(harness, TrendSnapshot, TrendSnapshot.week_start == week)
    return {
        names.get(row.worker_id, str(row.worker_id)): (
            row.clients,
            row.seen_within_frequency,
            row.visits,
            row.notes,
            row.reviews_overdue,
        )
        for row in rows
    }


async def _visit(harness, user_id: int, client_id: int, starts_at: datetime) -> None:
    worker_id = await harness.worker_id(user_id)
    async with harness.db.session() as session:
        session.add(
            Appointment(
                client_id=client_id,
                worker_id=worker_id,
                starts_at=starts_at,
                duration_minutes=60,
                kind=InteractionType.HOME_VISIT,
                status=AppointmentStatus.COMPLETED,
                created_at=starts_at,
                completed_at=starts_at + timedelta(hours=1),
            )
        )


async def _snapshots(harness, user_id: int, figures, team: str = "North") -> None:
    """Kept weeks for a worker, oldest first ending last week: (clients, seen, visits,
    notes, reviews) per week; weeks before are left unkept."""
    worker_id = await harness.worker_id(user_id)
    async with harness.db.session() as session:
        team_row = await team_named(session, team)
        for week, (clients, seen, visits, notes, reviews) in zip(
            WEEKS[-len(figures) :], figures, strict=True
        ):
            session.add(
                TrendSnapshot(
                    worker_id=worker_id,
                    team_id=team_row.id if team_row else None,
                    week_start=week,
                    clients=clients,
                    seen_within_frequency=seen,
                    visits=visits,
                    notes=notes,
                    reviews_overdue=reviews,
                    taken_at=berlin(2026, 1, 1, 0, 5),
                )
            )


def _trend_photos(person) -> list:
    return [m for m in person.messages() if m.photo and (m.caption or "").startswith("📈")]


async def _audit(harness, action: str) -> list[AuditEvent]:
    return await _rows(harness, AuditEvent, AuditEvent.action == action)


# ── the weekly snapshot ────────────────────────────────────────────────────────


async def test_the_tick_keeps_each_week_once_per_worker(harness, clock):
    await _world(harness)
    wanda_id = await harness.worker_id(WANDA)
    # The first tick of a week keeps the week that ended: before any work, zeros.
    await harness.tick()
    assert await _kept(harness, date(2026, 2, 23)) == {
        "Wanda": (2, 1, 0, 0, 0),  # Tomasz, added 40 days ago with 14 days' frequency: due
        "Will": (1, 1, 0, 0, 0),
    }
    await harness.tick()
    clock.advance(timedelta(hours=30))
    await harness.tick()
    assert len(await _rows(harness, TrendSnapshot)) == 2  # once a week, however many ticks

    # This week: Wanda writes a note and makes a visit to Tomasz; a plan review falls due.
    wanda = harness.person(WANDA, "Wanda")
    await wanda.send("/note C-0002 home visit: Kitchen tidy, fridge full")
    await _visit(harness, WANDA, 2, berlin(2026, 3, 3, 11, 0))
    async with harness.db.session() as session:
        session.add(
            Plan(
                client_id=1,
                version=1,
                status=PlanStatus.ACTIVE,
                created_at=clock.now(),
                created_by_id=wanda_id,
                next_review_on=date(2026, 3, 6),
            )
        )
    # Across the week's end: one row each, the week's work in it.
    clock.advance(timedelta(days=6))  # Mon 9 Mar, 15:00
    await harness.tick()
    assert await _kept(harness, date(2026, 3, 2)) == {
        "Wanda": (2, 2, 1, 1, 1),
        "Will": (1, 1, 0, 0, 0),
    }
    await harness.tick()
    # Across the next week's end: one more row each, nothing else.
    clock.advance(timedelta(days=7))
    await harness.tick()
    assert (
        len(await _rows(harness, TrendSnapshot, TrendSnapshot.week_start == date(2026, 3, 9))) == 2
    )
    assert len(await _rows(harness, TrendSnapshot)) == 6
    # A supervisor carrying no clients is not a row (the digest's rule); a team is kept.
    rows = await _rows(harness, TrendSnapshot)
    assert {row.worker_id for row in rows} == {wanda_id, await harness.worker_id(WILL)}
    assert all(row.team_id is not None for row in rows)


# ── /trend ─────────────────────────────────────────────────────────────────────


async def test_a_supervisor_gets_one_chart_with_a_caption_that_names_no_client(harness):
    _wanda, _will, sue = await _world(harness)
    await _snapshots(harness, WANDA, [(2, 2, 5, 8, 1), (2, 1, 6, 9, 2), (2, 2, 7, 11, 0)])
    await _snapshots(harness, WILL, [(1, 0, 2, 3, 1), (1, 1, 3, 4, 1), (1, 1, 4, 4, 1)])
    [chart] = await sue.send("/trend")
    assert chart.photo and harness.state.file_bytes(chart.photo[-1]["file_id"]).startswith(PNG)
    caption = chart.caption
    assert caption.startswith("📈 North · the 8 weeks from 5 Jan to Sun 1 Mar")
    # Last week against the week before: the team's share, visits, notes, reviews.
    assert "Team, last week: seen within frequency 100 % (▲ 34), 11 visits (▲ 2), " in caption
    assert "15 notes (▲ 2), 1 plan review overdue (▼ 2)" in caption
    assert "Wanda Worker: seen 100 % · 7 visits · 11 notes · 0 reviews overdue" in caption
    assert "Will Worker: seen 100 % · 4 visits · 4 notes · 1 review overdue" in caption
    assert texts.trend_not_kept(5) in caption and len(caption) <= 1024
    for client in ("Maria", "Gonzalez", "Tomasz", "Helga", "C-0001"):
        assert client not in caption
    [look] = await _audit(harness, "trend.view")
    assert (look.actor_worker_id, look.subject_type, look.allowed) == (
        await harness.worker_id(SUE),
        "team",
        True,
    )
    assert look.client_id is None and look.detail == {"via": "trend"}


async def test_a_worker_is_told_trends_are_for_supervisors(harness):
    wanda, _will, _sue = await _world(harness)
    [answer] = await wanda.send("/trend")
    assert answer.text == texts.TREND_ONLY_SUPERVISORS and not answer.photo
    [refused] = await _audit(harness, "trend.view")
    assert refused.allowed is False and refused.actor_worker_id == await harness.worker_id(WANDA)


async def test_an_admin_sees_any_team_by_name_a_supervisor_only_her_own(harness):
    _wanda, _will, sue = await _world(harness)
    stan = await harness.seed_worker(STAN, "Stan South", role=Role.SUPERVISOR, team="South")
    await harness.seed_worker(922, "Sven South", team="South")
    otto = await harness.seed_worker(OTTO, "Otto Admin", role=Role.ADMIN, team=None)
    [pick] = await otto.send("/trend")
    assert "North" in pick.text and "South" in pick.text and not pick.photo
    [north] = await otto.send("/trend north")
    assert north.caption.startswith("📈 North")
    [south] = await otto.send("/trend South")
    assert south.caption.startswith("📈 South") and "Sven South" in south.caption
    [unknown] = await otto.send("/trend East")
    assert "East" in unknown.text and not unknown.photo
    # A supervisor's argument is no way into another team.
    [own] = await stan.send("/trend North")
    assert own.caption.startswith("📈 South") and "Wanda" not in own.caption
    [own] = await sue.send("/trend South")
    assert own.caption.startswith("📈 North")


async def test_weeks_before_snapshots_count_visits_and_notes_again_and_leave_shares_blank(
    harness,
):
    _wanda, _will, sue = await _world(harness)
    wanda_id = await harness.worker_id(WANDA)
    async with harness.db.session() as session:
        for week, count in ((WEEKS[0], 2), (WEEKS[5], 1)):
            for n in range(count):
                moment = datetime.combine(week, datetime.min.time(), BERLIN) + timedelta(
                    days=1, hours=10 + n
                )
                session.add(
                    Note(
                        client_id=1,
                        author_id=wanda_id,
                        interaction_type=InteractionType.PHONE,
                        occurred_at=moment,
                        created_at=moment,
                        text="Called",
                    )
                )
    await _visit(harness, WANDA, 1, berlin(2026, 2, 11, 10, 0))  # week of 9 Feb (index 5)
    # Kept from the last two weeks on.
    await _snapshots(harness, WANDA, [(2, 1, 4, 4, 0), (2, 2, 5, 6, 1)])
    services = harness.application.bot_data["services"]
    sue_id = await harness.worker_id(SUE)
    async with harness.db.session() as session:
        actor = Actor.of(await session.get(Worker, sue_id))
    result = await usecases.view_trend(services, actor, asked="", via="test")
    assert isinstance(result, Saved)
    figures = result.value.figures
    assert figures.weeks == WEEKS
    wanda_line = next(line for line in figures.workers if line.name == "Wanda Worker")
    assert [week.notes for week in wanda_line.weeks] == [2, 0, 0, 0, 0, 1, 4, 6]
    assert [week.visits for week in wanda_line.weeks] == [0, 0, 0, 0, 0, 1, 4, 5]
    assert [week.share for week in wanda_line.weeks] == [None] * 6 + [0.5, 1.0]
    assert [week.reviews for week in wanda_line.weeks] == [None] * 6 + [0, 1]
    assert figures.kept == [False] * 6 + [True, True]
    # The team's line: kept weeks sum the team's rows; others count the record again.
    assert [week.notes for week in figures.team.weeks] == [2, 0, 0, 0, 0, 1, 4, 6]
    assert figures.team.weeks[0].share is None and figures.team.weeks[-1].share == 1.0
    [chart] = await sue.send("/trend")
    assert texts.trend_not_kept(6) in chart.caption


async def test_a_large_team_draws_the_seven_workers_with_the_most_clients(harness):
    _wanda, _will, sue = await _world(harness)
    for n in range(7):  # nine workers in all; Will (1 client) and one of these are left out
        user_id = 950 + n
        await harness.seed_worker(user_id, f"Worker {chr(65 + n)}", team="North")
        for _ in range(2 + n):
            await harness.seed_client(user_id, "Someone")
    [chart] = await sue.send("/trend")
    assert texts.trend_shown_top(7, 9) in chart.caption
    assert "Will Worker" not in chart.caption and "Worker A" not in chart.caption
    assert "Wanda Worker" in chart.caption and "Worker G" in chart.caption


# ── the weekly message ─────────────────────────────────────────────────────────


async def test_the_weekly_trend_comes_on_the_chosen_day_only(harness, clock):
    _wanda, _will, sue = await _world(harness)
    await harness.tick()  # Monday 09:00: before the digest time
    assert _trend_photos(sue) == []
    clock.advance(timedelta(hours=9))  # Monday 18:00, the digest time
    await harness.tick()
    [weekly] = _trend_photos(sue)
    assert weekly.caption.startswith("📈 North · the 8 weeks from 5 Jan to Sun 1 Mar")
    assert [e.detail["via"] for e in await _audit(harness, "trend.view")] == ["schedule"]
    await harness.tick()
    assert len(_trend_photos(sue)) == 1  # once a week

    # Sue chooses Wednesday: this week's is sent already, next week's comes on Wednesday.
    settings = (await sue.send("/settings"))[-1]
    assert "📈 Weekly trend: Mon" in settings.text
    [menu] = await sue.press(settings, texts.SETTINGS_TREND)
    day = next(data for label, data in buttons(menu) if label.endswith("Wed"))
    [settings] = await sue.press_data(menu.message_id, day)
    assert "📈 Weekly trend: Wed" in settings.text
    for _ in range(9):  # Tuesday 18:00 … next Wednesday 18:00, a tick a day
        clock.advance(timedelta(days=1))
        await harness.tick()
        weekday = clock.now().astimezone(BERLIN).isoweekday()
        expected = 2 if (clock.now() > berlin(2026, 3, 11, 0, 0)) else 1
        assert len(_trend_photos(sue)) == expected, weekday
    # Off: nothing more.
    settings = (await sue.send("/settings"))[-1]
    [menu] = await sue.press(settings, texts.SETTINGS_TREND)
    [settings] = await sue.press(menu, texts.TREND_OFF)
    assert f"📈 Weekly trend: {texts.TREND_OFF}" in settings.text
    clock.advance(timedelta(days=7))
    await harness.tick()
    assert len(_trend_photos(sue)) == 2


async def test_only_supervisors_choose_the_weekly_trend(harness):
    wanda, _will, _sue = await _world(harness)
    settings = (await wanda.send("/settings"))[-1]
    assert texts.SETTINGS_TREND not in settings.text
    assert not [data for _, data in buttons(settings) if data.endswith(":trend")]
    await wanda.press_data(settings.message_id, "st:trend:3")  # forged
    assert wanda.toasts()[-1] == texts.STALE_BUTTON
    wanda_id = await harness.worker_id(WANDA)
    async with harness.db.session() as session:
        assert (await session.get(Worker, wanda_id)).trend_weekday == 1
