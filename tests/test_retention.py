"""Issue 23, retention and erasure: anonymising a client erases every column declared
personal (storage/personal_data.py) and every copy, leaves another client and every
figure as they were, and is audited without a name; `caseline retention run` anonymises
only what is past its period (a dry run changes nothing); `caseline erase` keeps to the
minimum keep period unless overridden with a reason."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from telegram.ext import ApplicationBuilder

from bot import cli
from bot.retention_job import JOB_NAME, add_retention_job, run_once
from domain.clock import FixedClock
from domain.rules import retention as rules
from domain.settings import ConfigError, load_settings
from domain.usecases.retention import ANONYMISED, erase_client
from domain.work import Work
from storage import migrate
from storage.anonymise import ERASED, anonymise, anonymised_name
from storage.db import Database
from storage.digest import team_digest
from storage.kinds import ClientStatus, Role
from storage.machinery import AuditEvent, InboxUpdate, PersistedData
from storage.models import Base, Client, Worker, client_code
from storage.personal_data import Erase, client_tables
from storage.workers import create_worker, get_or_create_team
from tests.databases import fresh_database_url
from tests.retention_support import client_row, fill_client, rows_of
from ui import texts

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ERASED_VALUES = (None, ERASED, {}, "")


async def _team(db: Database, now: datetime) -> tuple[int, Any]:
    async with db.transaction() as session:
        team = await get_or_create_team(session, "North", now)
        worker = await create_worker(
            session, name="Wanda Worker", role=Role.WORKER, now=now, team=team
        )
        return team.id, worker


async def _everything(db: Database) -> str:
    """Every row of every table, as one text to search for a name."""
    async with db.session() as session:
        dumped = []
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                dumped.append(json.dumps(dict(row._mapping), default=str, ensure_ascii=False))
    return "\n".join(dumped)


async def _audits(db: Database, *, allowed: bool = True) -> list[AuditEvent]:
    """The anonymisations done (`allowed`), or the erasures refused."""
    async with db.session() as session:
        statement = (
            select(AuditEvent)
            .where(AuditEvent.action == ANONYMISED, AuditEvent.allowed.is_(allowed))
            .order_by(AuditEvent.id)
        )
        return list((await session.execute(statement)).scalars())


async def test_anonymising_erases_every_declared_column_and_copy_and_keeps_the_figures(db, db_url):
    team_id, worker = await _team(db, NOW)
    async with db.transaction() as session:
        gone = await fill_client(session, worker, "Margarete Kowalski", NOW, update_id=1)
        kept = await fill_client(session, worker, "Johann Brenner", NOW, update_id=2)
    async with db.session() as session:
        digest_before = await team_digest(session, team_id=team_id, now=NOW, zone=ZoneInfo("UTC"))
        kept_before = await rows_of(session, kept.client_id)
    work = Work(db, FixedClock(NOW), load_settings({"CASELINE_DATABASE_URL": db_url}))

    result = await erase_client(
        work, gone.client_id, reason="the client asked", override=False, via="test"
    )

    assert result.value.code == client_code(gone.client_id)  # type: ignore[union-attr]
    async with db.session() as session:
        client = await client_row(session, gone.client_id)
        assert client.name == anonymised_name(gone.client_id) == f"Anonymised {client.code}"
        assert (client.anonymised_at, client.anonymised_rule) == (NOW, "erasure")
        assert client.date_of_birth is None and client.phone is None and client.address is None
        assert client.home_latitude is None and client.needs == {}
        # Codes, dates, kinds and statuses stay.
        assert (client.status, client.program, client.risk_level) == ("active", "elderly", 2)
        after = await rows_of(session, gone.client_id)
        tables = client_tables()
        for name, rows in after.items():
            if tables[name].erase == Erase.ROWS:
                assert rows == [], name
                continue
            if tables[name].erase == Erase.SCRUB:
                continue  # the client's parts of a copy: checked below
            for row in rows:
                for column in tables[name].personal:
                    if (name, column) == ("clients", "name"):
                        continue
                    if name == "client_changes" and row["field"] == "status":
                        continue  # codes, not words: checked below
                    assert row[column] in ERASED_VALUES, (name, column, row[column])
        assert after["notes"][0]["interaction_type"] == "home_visit"
        assert after["appointments"][0]["check_in_distance"] == 12
        status_change = next(row for row in after["client_changes"] if row["field"] == "status")
        assert (status_change["before"], status_change["after"]) == ("active", "on_hold")
        assert status_change["reason"] == ERASED
        # The copies: the outbox row, the update not handled yet, the draft in progress.
        assert after["reminder_outbox"][0]["payload"]["about"] == ERASED
        inbox = {
            row.update_id: row.payload
            for row in (await session.execute(select(InboxUpdate))).scalars()
        }
        assert inbox[1]["message"]["text"] == ERASED
        assert inbox[2]["message"]["text"] == "note for Johann Brenner: fine"
        drafts = {
            row.key: row.data for row in (await session.execute(select(PersistedData))).scalars()
        }
        assert drafts[str(1000 + gone.client_id)] == {"lang": "en"}
        assert drafts[str(1000 + kept.client_id)]["note"]["text"] == kept.note_text
        # The other client is as it was, row for row; every figure is the same.
        assert await rows_of(session, kept.client_id) == kept_before
        digest_after = await team_digest(session, team_id=team_id, now=NOW, zone=ZoneInfo("UTC"))
        assert digest_after == digest_before
    everything = await _everything(db)
    for word in ("Margarete", "Kowalski", gone.note_text):
        assert word not in everything, word
    assert everything.count("Polish") == everything.count("diabetes") == 1  # Johann's
    assert "Johann" in everything and kept.note_text in everything
    [event] = await _audits(db)
    assert event.client_id == gone.client_id and event.actor_worker_id is None
    assert event.detail["rule"] == "erasure" and event.detail["reason"] == "the client asked"
    assert "Kowalski" not in json.dumps(event.detail)


def _caseline(monkeypatch, capsys, url: str, clock: FixedClock, *args: str, **env: str):
    monkeypatch.setenv("CASELINE_DATABASE_URL", url)
    # Its handlers would write to a stream capsys closed after an earlier call.
    monkeypatch.setattr(cli.logging_setup, "configure", lambda **_: None)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = cli.main(list(args), clock=clock)
    out, err = capsys.readouterr()
    return code, out, err


async def _seeded(url: str) -> tuple[Database, dict[str, int]]:
    """Discharged three years ago, discharged last month, active and untouched for years."""
    await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url)
    old = NOW - timedelta(days=3 * 365)
    _, worker = await _team(db, old)
    async with db.transaction() as session:
        ids = {
            "old": (
                await fill_client(
                    session,
                    worker,
                    "Olga Oldfield",
                    old,
                    status=ClientStatus.DISCHARGED,
                    update_id=1,
                )
            ).client_id,
            "recent": (
                await fill_client(
                    session,
                    worker,
                    "Rita Recent",
                    NOW - timedelta(days=30),
                    status=ClientStatus.DISCHARGED,
                    update_id=2,
                )
            ).client_id,
            "active": (
                await fill_client(session, worker, "Anton Active", old, update_id=3)
            ).client_id,
        }
    return db, ids


RULES = "discharged:keep=1y,anonymise=2y"


@dataclass
class Shell:
    """A migrated database with `_seeded`'s clients, and `caseline …` run against it."""

    db: Database
    ids: dict[str, int]
    run: Callable[..., Awaitable[tuple[int, str, str]]]


@pytest.fixture
async def shell(backend, tmp_path, monkeypatch, capsys):
    clock = FixedClock(NOW)
    async with fresh_database_url(backend, tmp_path) as url:
        db, ids = await _seeded(url)

        def run(*args: str, **env: str) -> Awaitable[tuple[int, str, str]]:
            return asyncio.to_thread(_caseline, monkeypatch, capsys, url, clock, *args, **env)

        try:
            yield Shell(db, ids, run)
        finally:
            await db.dispose()


async def test_a_retention_run_anonymises_only_what_is_past_its_period(shell):
    db, ids, run = shell.db, shell.ids, shell.run
    code, out, _ = await run("retention", "run")
    assert (code, out) == (
        0,
        "no retention rule is configured (CASELINE_RETENTION): nothing is anonymised\n",
    )

    before = await _everything(db)
    code, out, _ = await run("retention", "run", "--dry-run", CASELINE_RETENTION=RULES)
    old = client_code(ids["old"])
    assert code == 0
    assert out == (
        f"would anonymise {old} (discharged:anonymise=2y)\n"
        "dry run: 1 client(s) past their period, nothing changed\n"
    )
    assert await _everything(db) == before and await _audits(db) == []

    code, out, _ = await run("retention", "run", CASELINE_RETENTION=RULES)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"anonymised {old} (discharged:anonymise=2y): ")
    assert lines[1] == "1 client(s) anonymised"
    assert "Olga" not in out
    async with db.session() as session:
        names = {key: (await client_row(session, cid)).name for key, cid in ids.items()}
    assert names == {
        "old": f"Anonymised {old}",
        "recent": "Rita Recent",
        "active": "Anton Active",
    }
    [event] = await _audits(db)
    assert (event.client_id, event.detail["rule"], event.detail["via"]) == (
        ids["old"], "discharged:anonymise=2y", "cli",
    )  # fmt: skip

    code, out, _ = await run("retention", "run", CASELINE_RETENTION=RULES)
    assert out == "0 client(s) anonymised\n" and len(await _audits(db)) == 1


async def test_erasure_keeps_to_the_keep_period_unless_overridden(shell):
    db, ids = shell.db, shell.ids
    recent = client_code(ids["recent"])

    def erase(*args: str) -> Awaitable[tuple[int, str, str]]:
        return shell.run("erase", *args, CASELINE_RETENTION=RULES)

    code, out, err = await erase("--client", recent, "--reason", "asked by the client")
    until = (NOW - timedelta(days=30)).replace(year=NOW.year + 1).date()
    assert code == 2 and out == ""
    assert err == (
        f"caseline: {recent} is kept until {until} (discharged:keep=1y,anonymise=2y): "
        "add --override to erase it now (the --reason is recorded)\n"
    )
    assert await _audits(db) == []
    [tried] = await _audits(db, allowed=False)
    assert (tried.client_id, tried.detail) == (
        ids["recent"],
        {
            "rule": "erasure",
            "reason": "asked by the client",
            "via": "cli",
            "refused": "kept",
            "kept_until": (NOW - timedelta(days=30)).replace(year=NOW.year + 1).isoformat(),
        },
    )

    code, out, err = await erase("--client", recent, "--reason", "court order 12/3", "--override")
    assert code == 0, err
    assert out.startswith(f"anonymised {recent} (erasure): ")
    [event] = await _audits(db)
    assert event.detail["reason"] == "court order 12/3" and event.detail["override"] is True

    code, out, _ = await erase("--client", recent, "--reason", "again")
    assert (code, out) == (0, f"{recent} is already anonymised: nothing to do\n")
    assert len(await _audits(db)) == 1

    # Outside any keep period (no rule for active clients): at once.
    code, out, _ = await erase("--client", client_code(ids["active"]), "--reason", "asked")
    assert code == 0 and out.startswith("anonymised")

    code, _, err = await erase("--client", "C-9999", "--reason", "x")
    assert (code, err) == (2, "caseline: there is no client C-9999\n")
    code, _, err = await erase("--client", "Olga", "--reason", "x")
    assert (code, err) == (2, "caseline: not a client code: 'Olga' (use e.g. C-0042)\n")


async def test_the_scheduler_runs_retention_daily_only_when_configured(db, db_url):
    _, worker = await _team(db, NOW - timedelta(days=800))
    async with db.transaction() as session:
        filled = await fill_client(
            session,
            worker,
            "Olga Oldfield",
            NOW - timedelta(days=800),
            status=ClientStatus.DISCHARGED,
        )
    plain = Work(db, FixedClock(NOW), load_settings({"CASELINE_DATABASE_URL": db_url}))
    ruled = Work(
        db,
        FixedClock(NOW),
        load_settings({"CASELINE_DATABASE_URL": db_url, "CASELINE_RETENTION": RULES}),
    )
    for work, expected in ((plain, []), (ruled, [JOB_NAME])):
        application = ApplicationBuilder().token("1:test").updater(None).build()
        assert application.job_queue is not None
        add_retention_job(application.job_queue, work)
        assert [job.name for job in application.job_queue.jobs()] == expected
    assert await run_once(plain) == 0
    assert await run_once(ruled) == 1 and await run_once(ruled) == 0
    async with db.session() as session:
        client: Client = await client_row(session, filled.client_id)
    assert client.anonymised_rule == "discharged:anonymise=2y"
    [event] = await _audits(db)
    assert event.detail["via"] == "scheduler"


def test_the_rules_read_from_one_setting_with_one_line_errors():
    rules_read = load_settings(
        {"CASELINE_RETENTION": " Discharged:keep=10y,anonymise=10y ; on_hold:anonymise=18m;"}
    ).retention
    assert [str(rule) for rule in rules_read] == [
        "discharged:keep=10y,anonymise=10y",
        "on_hold:anonymise=18m",
    ]
    assert load_settings({}).retention == ()
    wrong = {
        "closed:keep=1y": "'closed' is not a client status: use one of intake, active, "
        "on_hold, discharged",
        "discharged:keep=ten": "discharged keep: 'ten' is not a period: write e.g. 10y, 18m or 90d",
        "discharged:keep=10y,anonymise=5y": "discharged: anonymise=5y comes before keep=10y "
        "ends: anonymise after the keep period, not inside it",
        "discharged:forget=1y": "discharged: 'forget=1y' is not keep=PERIOD or anonymise=PERIOD",
        "discharged:keep=1y;discharged:keep=2y": "discharged has two rules: give each status one",
    }
    for text, message in wrong.items():
        with pytest.raises(ConfigError) as raised:
            load_settings({"CASELINE_RETENTION": text})
        assert str(raised.value) == f"CASELINE_RETENTION: {message}"
    leap = datetime(2024, 2, 29, 12, tzinfo=UTC)
    assert rules.Period(1, "y").after(leap) == datetime(2025, 2, 28, 12, tzinfo=UTC)
    assert rules.Period(18, "m").after(leap) == datetime(2025, 8, 29, 12, tzinfo=UTC)
    assert rules.Period(90, "d").after(leap) == leap + timedelta(days=90)
    # The periods count from the last activity: discharge, contact or change.
    client = Client(
        status="discharged",
        created_at=leap - timedelta(days=900),
        updated_at=leap - timedelta(days=10),
        last_contact_at=leap - timedelta(days=40),
        discharged_at=leap,
    )
    assert rules.anchor(client) == leap
    [rule] = load_settings({"CASELINE_RETENTION": "discharged:keep=1y,anonymise=2y"}).retention
    assert rules.kept_until(rule, client) == datetime(2025, 2, 28, 12, tzinfo=UTC)
    assert not rules.anonymise_due(rule, client, datetime(2026, 2, 27, tzinfo=UTC))
    assert rules.anonymise_due(rule, client, datetime(2026, 2, 28, 12, tzinfo=UTC))


async def test_the_bot_shows_an_anonymised_client_by_its_code_and_no_word_of_it(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    async with harness.db.transaction() as session:
        worker = (await session.execute(select(Worker))).scalar_one()
        filled = await fill_client(
            session, worker, "Margarete Kowalski", harness.clock.now(), update_id=None
        )
    work = Work(harness.db, harness.clock, load_settings({"CASELINE_DATABASE_URL": harness.db.url}))
    await erase_client(work, filled.client_id, reason="asked", override=False, via="test")
    code = client_code(filled.client_id)

    [history] = await wanda.send(f"/history {code}")
    [card] = await wanda.press(history, texts.CARD_BACK)
    [menu] = await wanda.press(card, texts.CARD_EXPORT)
    sent = await wanda.press(menu, "PDF")
    [document] = [message for message in sent if message.document]
    pdf = PdfReader(io.BytesIO(harness.state.file_bytes(document.file_id)))
    shown = "\n".join([history.text, card.text, *(page.extract_text() for page in pdf.pages)])
    assert card.text.startswith(f"{code} · Anonymised {code}")
    assert ERASED in history.text
    for word in ("Margarete", "Kowalski", "diabetes", "Polish", filled.note_text[:20]):
        assert word not in shown, word


async def test_a_client_is_anonymised_once_even_when_two_runs_meet(db):
    _, worker = await _team(db, NOW)
    async with db.transaction() as session:
        filled = await fill_client(session, worker, "Olga Oldfield", NOW)
    async with db.transaction() as session:
        client = await client_row(session, filled.client_id)
        first = await anonymise(session, client, now=NOW, rule="erasure")
        assert first is not None and first.rows["notes"] == 1
        assert await anonymise(session, client, now=NOW + timedelta(hours=1), rule="x") is None
    async with db.session() as session:
        client = await client_row(session, filled.client_id)
    assert (client.anonymised_at, client.anonymised_rule) == (NOW, "erasure")
