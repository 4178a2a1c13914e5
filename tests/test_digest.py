"""The supervisor's daily digest: the figures, their day boundaries, how they are shown.

The North team's Monday (2 March 2026, the digest at 18:00 in Berlin), seeded row by row:

- Wanda has four clients: Maria (seen this morning), Bruno (last seen 20 days ago on a
  14-day frequency: overdue, with a plan review overdue too), Hilde (on hold: muted, however
  late) and Ida (new intake, not due yet). Today she did a visit and had a no-show, wrote
  three notes (one with a risk flag, one just after midnight) and withdrew a fourth.
- Otto saw both his clients this week, made a visit and flagged a risk last night.
- Quinn has written nothing since last Wednesday: quiet. Pia, off on Fridays, wrote on
  Wednesday: not quiet. Nina joined yesterday: not quiet.
- Sue, the supervisor, carries one client herself; Dora was deactivated; the South team
  is someone else's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot import commands, digest
from devserver.html_entities import parse_html
from domain.clock import FixedClock
from domain.settings import load_settings
from domain.work import Work
from storage.db import Database
from storage.digest import TeamDigest, WorkerFigures, day_start, rag, team_digest
from storage.kinds import (
    AppointmentStatus,
    ClientStatus,
    InteractionType,
    PlanStatus,
    Program,
    Role,
)
from storage.machinery import AuditEvent
from storage.models import Appointment, Client, Note, Plan, Team, Worker
from storage.workers import create_worker, get_or_create_team
from tests.harness import buttons, running
from ui import texts

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)  # Monday 18:00 in Berlin
PNG = b"\x89PNG\r\n\x1a\n"
SUE, WANDA, SAM, ADA = 900, 901, 910, 920
CLIENT_NAMES = [
    "Maria Gonzalez",
    "Bruno Braun",
    "Hilde Hold",
    "Ida Intake",
    "Olga Ostrova",
    "Oskar Olsen",
    "Quentin Quast",
    "Sara Supervised",
    "Dieter Dormant",
    "Sophie Southby",
]


def berlin(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    """A Berlin wall-clock time, as the UTC instant it is stored as."""
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


@dataclass
class Seeder:
    """Rows written straight through storage, so each figure can be traced to its rows."""

    db: Database
    now: datetime
    ids: dict[str, int] = field(default_factory=dict)

    async def worker(
        self,
        name: str,
        team: str | None,
        *,
        role: Role = Role.WORKER,
        telegram_id: int | None = None,
        days_off: frozenset[int] = frozenset({6, 7}),
        joined: timedelta = timedelta(days=60),
        active: bool = True,
    ) -> int:
        async with self.db.session() as session:
            team_row = await get_or_create_team(session, team, self.now) if team else None
            worker = await create_worker(
                session, name=name, role=role, now=self.now - joined, team=team_row
            )
            worker.telegram_user_id = worker.chat_id = telegram_id
            worker.days_off, worker.active = days_off, active
        self.ids[name] = worker.id
        return worker.id

    async def client(
        self,
        worker: str,
        name: str,
        *,
        last_contact: datetime | None,
        frequency: int = 14,
        status: ClientStatus = ClientStatus.ACTIVE,
        added: datetime | None = None,
    ) -> int:
        added = added or self.now - timedelta(days=90)
        row = Client(
            name=name,
            program=Program.ELDERLY,
            status=status,
            worker_id=self.ids[worker],
            contact_frequency_days=frequency,
            last_contact_at=last_contact,
            needs={},
            created_at=added,
            updated_at=added,
        )
        await self._add(row)
        self.ids[name] = row.id
        return row.id

    async def note(
        self,
        author: str,
        client: str,
        created: datetime,
        *,
        risk: bool = False,
        retracted: bool = False,
    ) -> None:
        await self._add(
            Note(
                client_id=self.ids[client],
                author_id=self.ids[author],
                interaction_type=InteractionType.HOME_VISIT,
                occurred_at=created,
                created_at=created,
                text="seen",
                risk_flag=risk,
                risk_reason="fall risk" if risk else None,
                retracted_at=created + timedelta(seconds=30) if retracted else None,
            )
        )

    async def visit(
        self, worker: str, client: str, starts: datetime, status: AppointmentStatus
    ) -> None:
        logged = starts + timedelta(hours=1) if status != AppointmentStatus.SCHEDULED else None
        await self._add(
            Appointment(
                client_id=self.ids[client],
                worker_id=self.ids[worker],
                starts_at=starts,
                status=status,
                created_at=starts - timedelta(days=7),
                completed_at=logged,
            )
        )

    async def plan(
        self, client: str, next_review: date, status: PlanStatus = PlanStatus.ACTIVE
    ) -> None:
        async with self.db.session() as session:
            version = len(
                (await session.execute(select(Plan).where(Plan.client_id == self.ids[client])))
                .scalars()
                .all()
            )
            session.add(
                Plan(
                    client_id=self.ids[client],
                    version=version + 1,
                    status=status,
                    next_review_on=next_review,
                    created_at=self.now - timedelta(days=100),
                )
            )

    async def _add(self, row: object) -> None:
        async with self.db.session() as session:
            session.add(row)
            await session.flush()


async def seed_teams(db: Database) -> Seeder:
    """The North and South teams of the module docstring."""
    seed = Seeder(db, NOW)
    completed, no_show = AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW
    scheduled, cancelled = AppointmentStatus.SCHEDULED, AppointmentStatus.CANCELLED

    await seed.worker("Sue Lead", "North", role=Role.SUPERVISOR, telegram_id=SUE)
    await seed.client("Sue Lead", "Sara Supervised", last_contact=NOW - timedelta(days=2))

    await seed.worker("Wanda Worker", "North", telegram_id=WANDA)
    await seed.client("Wanda Worker", "Maria Gonzalez", last_contact=berlin(3, 2, 10))
    await seed.client("Wanda Worker", "Bruno Braun", last_contact=NOW - timedelta(days=20))
    await seed.client(
        "Wanda Worker",
        "Hilde Hold",
        last_contact=NOW - timedelta(days=100),
        status=ClientStatus.ON_HOLD,
    )
    await seed.client(
        "Wanda Worker",
        "Ida Intake",
        last_contact=None,
        frequency=30,
        status=ClientStatus.INTAKE,
        added=NOW - timedelta(days=3),
    )
    await seed.visit("Wanda Worker", "Maria Gonzalez", berlin(3, 2, 10), completed)
    await seed.visit("Wanda Worker", "Maria Gonzalez", berlin(3, 1, 11), completed)
    await seed.visit("Wanda Worker", "Bruno Braun", berlin(3, 2, 14), no_show)
    await seed.visit("Wanda Worker", "Maria Gonzalez", berlin(3, 2, 16), cancelled)
    await seed.visit("Wanda Worker", "Maria Gonzalez", berlin(3, 3, 9), scheduled)
    await seed.visit("Wanda Worker", "Maria Gonzalez", berlin(3, 3, 23, 30), scheduled)
    # 00:30 on Wednesday in Berlin is still Tuesday in UTC: not "tomorrow".
    await seed.visit("Wanda Worker", "Maria Gonzalez", berlin(3, 4, 0, 30), scheduled)
    await seed.note("Wanda Worker", "Maria Gonzalez", berlin(3, 2, 10, 30))
    await seed.note("Wanda Worker", "Bruno Braun", berlin(3, 2, 15), risk=True)
    await seed.note("Wanda Worker", "Maria Gonzalez", berlin(3, 2, 16), retracted=True)
    await seed.note("Wanda Worker", "Maria Gonzalez", berlin(3, 2, 0, 30))  # Sun 23:30 UTC
    await seed.note("Wanda Worker", "Maria Gonzalez", berlin(3, 1, 23, 59))
    await seed.note("Wanda Worker", "Bruno Braun", berlin(3, 1, 12), risk=True)  # 30 h ago
    await seed.plan("Bruno Braun", date(2026, 1, 1), PlanStatus.SUPERSEDED)
    await seed.plan("Bruno Braun", date(2026, 2, 20))
    await seed.plan("Maria Gonzalez", date(2026, 3, 2))  # due today: not overdue yet
    await seed.plan("Hilde Hold", date(2026, 1, 15))  # muted client

    await seed.worker("Otto Outreach", "North")
    for name in ("Olga Ostrova", "Oskar Olsen"):
        await seed.client("Otto Outreach", name, last_contact=NOW - timedelta(days=5), frequency=30)
    await seed.visit("Otto Outreach", "Olga Ostrova", berlin(3, 2, 8), completed)
    await seed.note("Otto Outreach", "Olga Ostrova", berlin(3, 2, 9))
    await seed.note("Otto Outreach", "Oskar Olsen", NOW - timedelta(hours=23), risk=True)

    await seed.worker("Quinn Quiet", "North")
    await seed.client(
        "Quinn Quiet", "Quentin Quast", last_contact=NOW - timedelta(days=10), frequency=30
    )
    await seed.note("Quinn Quiet", "Quentin Quast", berlin(2, 25, 12))

    await seed.worker("Pia Parttime", "North", days_off=frozenset({5, 6, 7}))
    await seed.note("Pia Parttime", "Olga Ostrova", berlin(2, 25, 15))
    await seed.worker("Nina New", "North", joined=timedelta(days=1))

    await seed.worker("Dora Gone", "North", active=False)
    await seed.client("Dora Gone", "Dieter Dormant", last_contact=NOW - timedelta(days=99))
    await seed.note("Dora Gone", "Dieter Dormant", berlin(3, 2, 11))

    await seed.worker("Sam South", "South", role=Role.SUPERVISOR, telegram_id=SAM)
    await seed.worker("Sven South", "South")
    await seed.client("Sven South", "Sophie Southby", last_contact=berlin(3, 2, 9))
    await seed.visit("Sven South", "Sophie Southby", berlin(3, 2, 9), completed)
    await seed.note("Sven South", "Sophie Southby", berlin(3, 2, 9, 30))
    return seed


async def _digest_of(db: Database, team: str, now: datetime = NOW) -> TeamDigest:
    async with db.session() as session:
        team_id = (await session.execute(select(Team.id).where(Team.name == team))).scalar_one()
        return await team_digest(session, team_id=team_id, now=now, zone=BERLIN)


def _figures(row: WorkerFigures) -> tuple:
    return (
        row.visits_completed,
        row.notes_written,
        row.no_shows,
        row.appointments_tomorrow,
        row.clients_overdue,
        row.reviews_overdue,
        row.risk_flags,
        row.open_clients,
        row.clients_seen,
        row.rag,
        row.quiet,
    )


async def test_team_figures_match_the_seed_number_by_number(db):
    seed = await seed_teams(db)
    result = await _digest_of(db, "North")
    assert (result.team_name, result.day) == ("North", date(2026, 3, 2))
    rows = {row.name: row for row in result.workers}
    # Listed by name; Dora (deactivated) is left out; Sue is listed for her own client.
    assert list(rows) == [
        "Nina New",
        "Otto Outreach",
        "Pia Parttime",
        "Quinn Quiet",
        "Sue Lead",
        "Wanda Worker",
    ]
    #                               vis notes no-sh tmrw ovd rev risk open seen rag quiet
    assert _figures(rows["Wanda Worker"]) == (1, 3, 1, 2, 1, 1, 1, 3, 2, "red", False)
    assert _figures(rows["Otto Outreach"]) == (1, 1, 0, 0, 0, 0, 1, 2, 2, "green", False)
    assert _figures(rows["Quinn Quiet"]) == (0, 0, 0, 0, 0, 0, 0, 1, 1, "green", True)
    assert _figures(rows["Pia Parttime"]) == (0, 0, 0, 0, 0, 0, 0, 0, 0, None, False)
    assert _figures(rows["Nina New"]) == (0, 0, 0, 0, 0, 0, 0, 0, 0, None, False)
    assert _figures(rows["Sue Lead"]) == (0, 0, 0, 0, 0, 0, 0, 1, 1, "green", False)
    assert rows["Sue Lead"].role == Role.SUPERVISOR
    assert rows["Wanda Worker"].worker_id == seed.ids["Wanda Worker"]
    assert rows["Wanda Worker"].seen_within_frequency == pytest.approx(2 / 3)
    assert rows["Pia Parttime"].seen_within_frequency is None
    assert _figures(result.team) == (2, 4, 1, 2, 1, 1, 2, 7, 6, "green", False)
    assert (result.team.worker_id, result.team.name) == (None, "North")
    assert [row.name for row in result.quiet_workers] == ["Quinn Quiet"]

    assert [day for day, _, _ in result.history] == [
        date(2026, 2, 17) + timedelta(days=offset) for offset in range(14)
    ]
    history = {day: (visits, notes) for day, visits, notes in result.history}
    assert history[date(2026, 3, 2)] == (2, 4)
    assert history[date(2026, 3, 1)] == (1, 3)
    assert history[date(2026, 2, 25)] == (0, 2)
    assert sum(v for v, _ in history.values()) == 3 and sum(n for _, n in history.values()) == 9

    south = await _digest_of(db, "South")
    assert [row.name for row in south.workers] == ["Sven South"]  # Sam has no clients
    assert _figures(south.team)[:2] == (1, 1)


async def test_a_worker_who_logs_today_is_no_longer_quiet(db):
    seed = await seed_teams(db)
    await seed.visit("Quinn Quiet", "Quentin Quast", NOW - timedelta(hours=3), "no_show")
    rows = {row.name: row for row in (await _digest_of(db, "North")).workers}
    assert rows["Quinn Quiet"].quiet is False and rows["Quinn Quiet"].no_shows == 1


def test_rag_thresholds_at_the_edges():
    assert [rag(seen, 20) for seen in (20, 17, 16, 14, 13, 0)] == [
        "green",
        "green",  # 85 % exactly
        "yellow",
        "yellow",  # 70 % exactly
        "red",
        "red",
    ]
    assert [rag(seen, 100) for seen in (85, 84, 70, 69)] == ["green", "yellow", "yellow", "red"]
    assert rag(0, 0) is None


async def test_rag_and_overdue_edges_in_the_database(db):
    seed = Seeder(db, NOW)
    within = NOW - timedelta(days=10)  # exactly one frequency ago: still seen
    beyond = within - timedelta(seconds=1)
    for name, seen in (("A Green", 17), ("B Yellow", 14), ("C Red", 13)):
        await seed.worker(name, "Edge")
        for number in range(20):
            last = within if number < seen else beyond
            await seed.client(name, f"{name} client {number}", last_contact=last, frequency=10)
    today = day_start(date(2026, 3, 2), BERLIN)
    await seed.worker("D Due", "Edge")
    # Due today is not overdue yet; a second earlier it was due yesterday.
    await seed.client("D Due", "due today", last_contact=today - timedelta(days=10), frequency=10)
    await seed.client(
        "D Due", "due yesterday", last_contact=today - timedelta(days=10, seconds=1), frequency=10
    )
    rows = {row.name: row for row in (await _digest_of(db, "Edge")).workers}
    assert [(rows[n].clients_seen, rows[n].rag) for n in ("A Green", "B Yellow", "C Red")] == [
        (17, "green"),
        (14, "yellow"),
        (13, "red"),
    ]
    assert rows["A Green"].seen_within_frequency == pytest.approx(0.85)
    assert rows["D Due"].clients_overdue == 1


@pytest.mark.parametrize(
    ("now", "today", "hours", "yesterday_note", "today_notes", "tomorrow_starts", "later"),
    [
        # Spring forward: Sunday 29 March 2026 has 23 hours in Berlin.
        (
            datetime(2026, 3, 29, 21, 59, 30, tzinfo=UTC),  # 23:59:30 CEST
            date(2026, 3, 29),
            23,
            datetime(2026, 3, 28, 22, 59, tzinfo=UTC),  # Sat 23:59 CET
            [datetime(2026, 3, 28, 23, 0, tzinfo=UTC), datetime(2026, 3, 29, 21, 59, tzinfo=UTC)],
            [datetime(2026, 3, 29, 22, 0, tzinfo=UTC), datetime(2026, 3, 30, 21, 59, tzinfo=UTC)],
            datetime(2026, 3, 30, 22, 0, tzinfo=UTC),  # Tue 00:00 CEST
        ),
        # Fall back: Sunday 25 October 2026 has 25 hours in Berlin.
        (
            datetime(2026, 10, 25, 22, 59, 30, tzinfo=UTC),  # 23:59:30 CET
            date(2026, 10, 25),
            25,
            datetime(2026, 10, 24, 21, 59, tzinfo=UTC),  # Sat 23:59 CEST
            [datetime(2026, 10, 24, 22, 0, tzinfo=UTC), datetime(2026, 10, 25, 22, 59, tzinfo=UTC)],
            [datetime(2026, 10, 25, 23, 0, tzinfo=UTC), datetime(2026, 10, 26, 22, 59, tzinfo=UTC)],
            datetime(2026, 10, 26, 23, 0, tzinfo=UTC),
        ),
    ],
    ids=["spring-forward", "fall-back"],
)
async def test_day_boundaries_across_a_clock_change(
    db, now, today, hours, yesterday_note, today_notes, tomorrow_starts, later
):
    seed = Seeder(db, now)
    await seed.worker("Wanda Worker", "North")
    await seed.client("Wanda Worker", "Maria Gonzalez", last_contact=now - timedelta(days=1))
    for moment in [yesterday_note, *today_notes]:
        await seed.note("Wanda Worker", "Maria Gonzalez", moment)
    await seed.visit("Wanda Worker", "Maria Gonzalez", today_notes[0], "completed")
    await seed.visit("Wanda Worker", "Maria Gonzalez", yesterday_note, "completed")
    for moment in [*tomorrow_starts, later]:
        await seed.visit("Wanda Worker", "Maria Gonzalez", moment, "scheduled")

    assert day_start(today + timedelta(days=1), BERLIN) - day_start(today, BERLIN) == timedelta(
        hours=hours
    )
    result = await _digest_of(db, "North", now)
    [wanda] = result.workers
    assert result.day == today
    assert (wanda.visits_completed, wanda.notes_written, wanda.appointments_tomorrow) == (1, 2, 2)
    assert result.history[-1] == (today, 1, 2)
    assert result.history[-2] == (today - timedelta(days=1), 1, 1)
    assert [day for day, _, _ in result.history] == [
        today - timedelta(days=back) for back in range(13, -1, -1)
    ]


# -- rendering ---------------------------------------------------------------------------------


def _row(number: int, **figures) -> WorkerFigures:
    name = f"Worker {number:02d} <&> " + "x" * 85
    values = dict(
        worker_id=number,
        name=name,
        visits_completed=number % 4,
        notes_written=number % 7,
        no_shows=number % 2,
        appointments_tomorrow=number % 3,
        clients_overdue=number % 5,
        reviews_overdue=number % 2,
        risk_flags=number % 3,
        seen_within_frequency=0.5,
        rag=("green", "yellow", "red", None)[number % 4],
        quiet=True,
        open_clients=0 if number % 4 == 3 else 40,
        clients_seen=20,
    )
    return WorkerFigures(**{**values, **figures})


def _big_team(count: int) -> TeamDigest:
    rows = [_row(number) for number in range(count)]
    return TeamDigest(
        team_name="North & <Co>",
        day=date(2026, 3, 2),
        workers=rows,
        team=_row(0, worker_id=None, name="North & <Co>", quiet=False),
        history=[(date(2026, 2, 17) + timedelta(days=d), d, d) for d in range(14)],
    )


def test_sixty_workers_fit_in_several_messages_never_splitting_a_worker():
    team = _big_team(60)
    messages = digest.render_digest(team, private=False)
    assert len(messages) > 1
    for message in messages:
        parsed = parse_html(message)  # valid HTML, as Telegram would parse it
        assert digest.utf16_length(message) <= 4096
        assert digest.utf16_length(parsed.text) <= 4096
    assert messages[0].startswith(texts.digest_title("North & <Co>", "Mon 2 Mar"))
    assert texts.digest_quiet([], 0).split(":")[0] in messages[0]
    assert "… and" in messages[0]  # the quiet line is capped; each block is marked
    for number, message in enumerate(messages[1:], start=2):
        assert message.startswith(texts.digest_continued("North & <Co>", number, len(messages)))
    for row in team.workers:
        block = digest.worker_block(row)
        assert sum(message.count(block) for message in messages) == 1
        assert "&lt;&amp;&gt;" in block and "<&>" not in block
    # Red first, then yellow, green, and those without clients.
    order = [row.rag for row in digest.by_attention(team.workers)]
    assert order == sorted(order, key=lambda rag: digest.ATTENTION[rag])


def test_team_listing_fits_too():
    pages = digest.render_team(_big_team(60))
    assert all(digest.utf16_length(page) <= 4096 for page in pages)
    assert sum(page.count("Worker ") for page in pages) == 60


def test_the_chart_is_a_png_of_about_800_by_400():
    from bot.digest_chart import chart_png

    picture = chart_png(_big_team(1).history, "Team $5 · last 14 days")
    width, height = int.from_bytes(picture[16:20], "big"), int.from_bytes(picture[20:24], "big")
    assert picture.startswith(PNG) and (width, height) == (800, 400)


# -- end to end, through the local Bot API server ----------------------------------------------


def with_digest_commands(application) -> None:
    """What bot/app.py will do: the digest commands go before the catch-all."""
    catch_all = [
        handler
        for handler in application.handlers.get(0, [])
        if getattr(handler, "callback", None) is commands.not_understood
    ]
    for handler in catch_all:
        application.remove_handler(handler)
    for handler in [*digest.handlers(), *catch_all]:
        application.add_handler(handler)


@pytest.fixture
async def bot(harness, clock):
    clock.set(NOW)
    with_digest_commands(harness.application)
    await seed_teams(harness.db)
    return harness


@pytest.fixture
async def private_bot(devserver, db, db_url, clock):
    clock.set(NOW)
    async with running(devserver, db, db_url, clock, CASELINE_PRIVATE_PREVIEWS="1") as harness:
        with_digest_commands(harness.application)
        await seed_teams(db)
        yield harness


def _everything_shown(messages) -> str:
    return "\n".join((message.text or "") + (message.caption or "") for message in messages)


async def _views(harness) -> list[AuditEvent]:
    async with harness.db.session() as session:
        statement = select(AuditEvent).where(AuditEvent.action == "digest.view")
        return list((await session.execute(statement.order_by(AuditEvent.id))).scalars())


async def test_supervisor_gets_the_chart_and_the_digest(bot):
    sue = bot.person(SUE, "Sue")
    replies = await sue.send("/digest")
    photo, *texts_sent = replies
    assert photo.photo and "North" in photo.caption
    assert bot.state.file_bytes(photo.file_id).startswith(PNG)
    shown = _everything_shown(texts_sent)
    assert shown.startswith("North · team digest · Mon 2 Mar")
    assert "🟢 6/7 seen within frequency (85 %)" in shown
    assert "Quiet for 2 working days: Quinn Quiet" in shown
    assert "🔴 Wanda Worker · 2/3 seen within frequency (66 %)" in shown
    assert "⏰ 1 client overdue · 📋 1 plan review overdue · ⚠ 1 risk flag (24 h)" in shown
    assert "Sue Lead (own caseload)" in shown
    assert "Dora" not in shown and "Sven" not in shown
    assert not [name for name in CLIENT_NAMES if name in shown]
    [view] = await _views(bot)
    sue_id = await bot.worker_id(SUE)
    assert (view.actor_worker_id, view.allowed, view.subject_type) == (sue_id, True, "team")
    assert view.detail == {"via": "digest"}


async def test_team_lists_each_worker_on_one_line(bot):
    sue = bot.person(SUE, "Sue")
    [listing, people_rows] = await sue.send("/team")  # the figures, then the people rows
    lines = listing.text.splitlines()
    assert lines[0] == "North · 6 workers"
    assert lines[2].startswith("🔴 Wanda Worker — 2/3 seen · ⏰ 1 · ✅ 1 today · ⚠ 1")
    assert any(line.startswith("🟢 Quinn Quiet") and line.endswith("💤") for line in lines)
    assert not [name for name in CLIENT_NAMES if name in listing.text]
    assert "Wanda Worker · worker · 3 open" in [label for label, _ in buttons(people_rows)]
    assert [view.detail for view in await _views(bot)] == [{"via": "team"}]


async def test_a_worker_is_refused_and_the_refusal_audited(bot):
    wanda = bot.person(WANDA, "Wanda")
    for command in ("/digest", "/team"):
        [reply] = await wanda.send(command)
        assert reply.text == texts.DIGEST_ONLY_SUPERVISORS
    assert [view.allowed for view in await _views(bot)] == [False, False]
    assert not [m for m in wanda.messages() if m.photo]


async def test_another_teams_supervisor_never_sees_this_team(bot):
    sam = bot.person(SAM, "Sam")
    shown = _everything_shown(await sam.send("/digest South"))
    shown += _everything_shown(await sam.send("/team"))
    assert "Sven South" in shown
    north = ["Wanda", "Otto", "Quinn", "Pia", "Nina", "Sue", "North"]
    assert not [name for name in north if name in shown]


async def test_an_admin_outside_any_team_picks_one(bot):
    async with bot.db.session() as session:
        admin = await create_worker(session, name="Ada Admin", role=Role.ADMIN, now=NOW)
        admin.telegram_user_id = admin.chat_id = ADA
    ada = bot.person(ADA, "Ada")
    [choice] = await ada.send("/digest")
    assert "Teams: North, South" in choice.text
    [unknown, _people_rows] = await ada.send("/team West")
    assert "no team called “West”" in unknown.text
    shown = _everything_shown(await ada.send("/digest south"))
    assert "South · team digest" in shown and "Wanda" not in shown
    views = await _views(bot)
    assert [(view.allowed, view.detail["via"]) for view in views] == [
        (False, "digest"),
        (False, "team"),
        (True, "digest"),
    ]


async def test_with_private_previews_no_client_name_appears(private_bot):
    assert private_bot.application.bot_data["services"].settings.private_previews
    sue = private_bot.person(SUE, "Sue")
    replies = await sue.send("/digest")
    replies += await sue.send("/team")
    assert any(message.photo for message in replies)
    shown = _everything_shown(replies)
    assert "Wanda Worker" in shown
    assert not [name for name in CLIENT_NAMES if name in shown]
    assert not [name for name in CLIENT_NAMES if name.split()[0] in shown]


async def test_digest_for_the_scheduler(db):
    await seed_teams(db)
    async with db.session() as session:
        sue, wanda = (
            (
                await session.execute(
                    select(Worker)
                    .where(Worker.name.in_(["Sue Lead", "Wanda Worker"]))
                    .order_by(Worker.name)
                )
            )
            .scalars()
            .all()
        )
    work = Work(db, FixedClock(NOW), load_settings({"CASELINE_TIMEZONE": "Europe/Berlin"}))
    result = await digest.digest_for(work, sue)
    assert result is not None and result.team.visits_completed == 2
    assert await digest.digest_for(work, wanda) is None
    # In a zone where it is already Tuesday, "today" is Tuesday.
    sue.timezone = "Asia/Tokyo"
    tokyo = await digest.digest_for(work, sue)
    assert tokyo is not None and tokyo.day == date(2026, 3, 3)
