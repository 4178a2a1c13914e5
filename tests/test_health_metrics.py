"""Health and metrics an operator can ship (issue 21): /healthz and /metrics of the running
bot and of `caseline scheduler`, over real HTTP on loopback, with the local Bot API server
and a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import shutil
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url
from telegram.ext import CommandHandler

from bot.health_server import MetricsPortUnavailable
from domain.rules.health import stale_after
from domain.settings import ConfigError, load_settings
from storage.db import sqlite_file
from storage.kinds import Role
from tests.harness import running, settings_for

BERLIN = ZoneInfo("Europe/Berlin")
TICK_SECONDS = 3600  # the harness's CASELINE_REMINDER_TICK_SECONDS
STALE = stale_after(TICK_SECONDS)

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


async def get(port: int, path: str) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.get(f"http://127.0.0.1:{port}{path}", timeout=10)


async def scrape(port: int) -> Samples:
    response = await get(port, "/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
async def bot(devserver, db, db_url, clock):
    async with running(devserver, db, db_url, clock, metrics_port=0) as harness:
        yield harness


async def _appointment(harness, user_id: int, client_id: int, starts_at: datetime) -> None:
    await harness.seed_appointment(user_id, client_id, starts_at)


# -- /healthz --------------------------------------------------------------------------------


async def test_healthz_follows_the_reminder_job_with_a_grace_at_start(bot, clock):
    # Just started, never ticked: healthy for the rule's stale window, and it says so.
    response = await get(bot.health_port, "/healthz")
    assert response.status_code == 200
    assert response.text == "ok, starting (the reminder job has never ticked)\n"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"

    clock.advance(STALE + timedelta(minutes=1))
    response = await get(bot.health_port, "/healthz")
    assert (response.status_code, response.text) == (503, "the reminder job has never ticked\n")

    await bot.tick()
    response = await get(bot.health_port, "/healthz")
    assert (response.status_code, response.text) == (200, "ok\n")

    # The job stops ticking: 503 once the last tick is older than the stale window.
    clock.advance(STALE)
    assert (await get(bot.health_port, "/healthz")).status_code == 200
    clock.advance(timedelta(minutes=1))
    response = await get(bot.health_port, "/healthz")
    assert response.status_code == 503
    assert response.text == f"the reminder job last ticked {STALE.seconds // 60 + 1} min ago\n"

    await bot.tick()
    assert (await get(bot.health_port, "/healthz")).status_code == 200
    assert (await get(bot.health_port, "/nothing-here")).status_code == 404


async def test_healthz_is_503_while_the_database_does_not_answer(bot, backend, db, db_url):
    await bot.tick()
    assert (await get(bot.health_port, "/healthz")).status_code == 200

    async with _database_gone(backend, db, db_url):
        response = await get(bot.health_port, "/healthz")
        assert response.status_code == 503
        assert response.text.startswith("the database cannot be used: ")
        if backend == "postgres":
            assert "not currently accepting connections" in response.text
        else:
            assert "unable to open database file" in response.text
        # /metrics still answers: the backlog it could not read is NaN, not a stale number.
        samples = await scrape(bot.health_port)
        assert value(samples, "caseline_outbox_due") != value(samples, "caseline_outbox_due")

    response = await get(bot.health_port, "/healthz")
    assert (response.status_code, response.text) == (200, "ok\n")


class _database_gone:
    """The database stops answering new connections, then comes back: PostgreSQL refuses
    connections to it; the SQLite file is replaced by a folder of the same name."""

    def __init__(self, backend: str, db, db_url: str) -> None:
        self.backend, self.db, self.url = backend, db, db_url
        self.moved: list[tuple[Path, Path]] = []

    async def __aenter__(self) -> None:
        if self.backend == "postgres":
            await self._postgres("false")
        await self.db.dispose()  # what the pool held is gone with it
        if self.backend == "sqlite":
            path = sqlite_file(self.url)
            assert path is not None
            for suffix in ("", "-wal", "-shm"):
                file = path.with_name(path.name + suffix)
                if file.exists():
                    self.moved.append((file, file.with_name(file.name + ".away")))
                    file.rename(file.with_name(file.name + ".away"))
            path.mkdir()

    async def __aexit__(self, *exc: object) -> None:
        if self.backend == "postgres":
            await self._postgres("true")
        else:
            path = sqlite_file(self.url)
            assert path is not None
            shutil.rmtree(path)
            for file, away in self.moved:
                away.rename(file)

    async def _postgres(self, allow: str) -> None:
        parsed = make_url(self.url)
        admin = parsed.set(drivername="postgresql", database="postgres")
        connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
        try:
            await connection.execute(
                f'ALTER DATABASE "{parsed.database}" WITH ALLOW_CONNECTIONS {allow}'
            )
            if allow == "false":
                await connection.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                    parsed.database,
                )
        finally:
            await connection.close()


async def test_a_bot_without_the_reminder_job_asks_only_the_database(devserver, db, db_url, clock):
    from bot.app import build_application

    settings = dataclasses.replace(settings_for(devserver, db_url), metrics_port=0)
    application = build_application(settings, db, clock, scheduler=False, rate_limiter=False)
    async with application:
        await application.post_init(application)
        try:
            port = application.bot_data["health"].port
            clock.advance(STALE * 10)  # no tick ever, yet not this process's business
            response = await get(port, "/healthz")
            assert (response.status_code, response.text) == (200, "ok\n")
        finally:
            await application.post_shutdown(application)


# -- /metrics --------------------------------------------------------------------------------


async def test_each_update_is_counted_by_kind_with_its_latency(bot):
    wanda = await bot.seed_worker(701, "Wanda Worker")
    await bot.seed_client(701)
    before = await scrape(bot.health_port)

    await wanda.send("Hello there")
    listing = await wanda.send("/clients")
    await wanda.press(listing[-1], "Maria")
    await wanda.send_location(52.52, 13.40)

    after = await scrape(bot.health_port)
    for kind in ("message", "command", "callback", "location"):
        assert value(after, "caseline_updates_total", kind=kind) == (
            value(before, "caseline_updates_total", kind=kind) + 1
        ), kind
        count = "caseline_answer_latency_seconds_count"
        assert value(after, count, kind=kind) == value(before, count, kind=kind) + 1, kind
    assert value(after, "caseline_answer_latency_seconds_sum", kind="message") >= 0
    assert value(after, "caseline_updates_total", kind="other") == value(
        before, "caseline_updates_total", kind="other"
    )
    # The process's own collectors are there too.
    assert value(after, "process_resident_memory_bytes") > 0


async def test_an_update_that_fails_is_counted_as_an_error(bot, errors):
    wanda = await bot.seed_worker(701, "Wanda Worker")

    async def broken(update, context) -> None:
        raise RuntimeError("a bug in a handler")

    bot.application.add_handler(CommandHandler("broken", broken), group=5)
    before = await scrape(bot.health_port)
    await wanda.send("/broken")
    after = await scrape(bot.health_port)

    assert errors.failed_updates() == 1
    name = "caseline_errors_total"
    assert value(after, name, source="update") == value(before, name, source="update") + 1
    assert value(after, name, source="job") == value(before, name, source="job")


async def test_a_429_a_retry_then_a_sent_reminder_and_the_outbox_backlog(bot, clock):
    wanda = await bot.seed_worker(701, "Wanda Worker")
    client_id = await bot.seed_client(701)
    await _appointment(bot, 701, client_id, berlin(2026, 3, 3, 15, 0))
    clock.set(berlin(2026, 3, 3, 13, 59))
    await bot.tick()  # whatever else was due by now (the morning agenda) is out
    before = await scrape(bot.health_port)
    assert value(before, "caseline_outbox_due") == 0

    # 14:00, the reminder is due: Telegram answers its send with 429, retry after 7 s.
    clock.set(berlin(2026, 3, 3, 14, 0))
    bot.state.inject_fault("sendMessage", count=1, status=429, retry_after=7)
    await bot.tick()
    refused = await scrape(bot.health_port)
    assert not [m for m in wanda.messages() if "⏰" in (m.text or "")]

    def delta(samples: Samples, name: str, **labels: str) -> float:
        return value(samples, name, **labels) - value(before, name, **labels)

    assert delta(refused, "caseline_telegram_429_total", bot="reminders") == 1
    assert delta(refused, "caseline_telegram_retry_after_seconds_total", bot="reminders") == 7
    assert delta(refused, "caseline_reminders_total", kind="appt", outcome="retry") == 1
    assert delta(refused, "caseline_reminders_total", kind="appt", outcome="sent") == 0
    assert delta(refused, "caseline_tick_duration_seconds_count") == 1

    # Ten minutes on, the refused reminder waits in the outbox, due since 14:00.
    clock.set(berlin(2026, 3, 3, 14, 10))
    waiting = await scrape(bot.health_port)
    assert value(waiting, "caseline_outbox_due") == 1
    assert value(waiting, "caseline_outbox_oldest_due_age_seconds") == 600

    await bot.tick()
    sent = await scrape(bot.health_port)
    assert [m for m in wanda.messages() if "⏰" in (m.text or "")]
    assert delta(sent, "caseline_reminders_total", kind="appt", outcome="sent") == 1
    assert delta(sent, "caseline_tick_duration_seconds_count") == 2
    assert delta(sent, "caseline_telegram_429_total", bot="reminders") == 1
    assert value(sent, "caseline_outbox_due") == 0
    assert value(sent, "caseline_outbox_oldest_due_age_seconds") == 0


async def test_a_429_on_an_answer_is_counted_for_the_answers(bot):
    wanda = await bot.seed_worker(701, "Wanda Worker")
    before = await scrape(bot.health_port)
    bot.state.inject_fault("sendMessage", count=1, status=429, retry_after=1)
    await wanda.send("/clients")
    after = await scrape(bot.health_port)
    name = "caseline_telegram_429_total"
    assert value(after, name, bot="answers") == value(before, name, bot="answers") + 1
    assert value(after, name, bot="reminders") == value(before, name, bot="reminders")


async def test_the_digest_is_timed(bot, clock):
    await bot.seed_worker(701, "Wanda Worker", team="North")
    sue = await bot.seed_worker(710, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    await bot.seed_client(701)
    clock.set(berlin(2026, 3, 3, 17, 59))
    await bot.tick()
    before = await scrape(bot.health_port)
    clock.set(berlin(2026, 3, 3, 18, 0))
    await bot.tick()
    after = await scrape(bot.health_port)
    assert [m for m in sue.messages() if m.photo]
    count = "caseline_digest_duration_seconds_count"
    assert value(after, count) == value(before, count) + 1
    sent = {"kind": "digest", "outcome": "sent"}
    assert value(after, "caseline_reminders_total", **sent) == (
        value(before, "caseline_reminders_total", **sent) + 1
    )


# -- caseline scheduler ------------------------------------------------------------------------


async def test_the_scheduler_process_serves_healthz_and_metrics(devserver, db, db_url, clock):
    from bot.scheduler import build_scheduler

    settings = dataclasses.replace(settings_for(devserver, db_url), metrics_port=0)
    # The job's first tick is left to the test (a real-time job would race it).
    application = build_scheduler(settings, db, clock, dispose_db=False, first_tick=TICK_SECONDS)
    async with application:
        await application.post_init(application)
        await application.start()
        try:
            port = application.bot_data["health"].port
            response = await get(port, "/healthz")
            assert response.status_code == 200 and response.text.startswith("ok, starting")
            assert value(await scrape(port), "caseline_tick_duration_seconds_count") == 0

            await application.bot_data["reminders"].tick()
            assert (await get(port, "/healthz")).text == "ok\n"
            assert value(await scrape(port), "caseline_tick_duration_seconds_count") == 1

            clock.advance(STALE + timedelta(minutes=1))
            response = await get(port, "/healthz")
            assert response.status_code == 503 and "last ticked" in response.text
        finally:
            await application.stop()
    await application.post_shutdown(application)
    # Stopped: nothing listens there any more.
    with pytest.raises(httpx.ConnectError):
        await get(port, "/healthz")


async def test_a_metrics_port_in_use_is_one_line(devserver, db, db_url, clock):
    from bot.scheduler import build_scheduler

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = dataclasses.replace(settings_for(devserver, db_url), metrics_port=port)
        application = build_scheduler(settings, db, clock, dispose_db=False)
        with pytest.raises(MetricsPortUnavailable) as refused:
            await application.bot_data["health"].start()
    assert str(refused.value).startswith(f"cannot serve /metrics on 127.0.0.1:{port} (")
    assert str(refused.value).endswith("choose another CASELINE_METRICS_PORT or --metrics-port")


# -- settings and the command line ---------------------------------------------------------------


def test_the_metrics_and_log_settings():
    base = {"CASELINE_DATABASE_URL": "sqlite:///x.db"}
    settings = load_settings(base)
    assert (settings.metrics_port, settings.metrics_listen, settings.log_format) == (
        None,
        "127.0.0.1",
        "text",
    )
    settings = load_settings(
        base
        | {
            "CASELINE_METRICS_PORT": "9464",
            "CASELINE_METRICS_LISTEN": "0.0.0.0",
            "CASELINE_LOG_FORMAT": "JSON",
        }
    )
    assert (settings.metrics_port, settings.metrics_listen, settings.log_format) == (
        9464,
        "0.0.0.0",
        "json",
    )
    with pytest.raises(ConfigError, match="CASELINE_LOG_FORMAT must be text or json, not 'xml'"):
        load_settings(base | {"CASELINE_LOG_FORMAT": "xml"})
    with pytest.raises(ConfigError, match="CASELINE_METRICS_PORT must be between 1 and 65535"):
        load_settings(base | {"CASELINE_METRICS_PORT": "0"})


@pytest.mark.parametrize("command", ["run", "scheduler"])
def test_metrics_port_on_the_command_line(command, capsys):
    from bot.cli import _with_metrics_port, build_parser

    args = build_parser().parse_args([command, "--metrics-port", "9465"])
    settings = load_settings({"CASELINE_METRICS_PORT": "9464"})
    assert _with_metrics_port(settings, args).metrics_port == 9465
    args = build_parser().parse_args([command])
    assert _with_metrics_port(settings, args).metrics_port == 9464
    with pytest.raises(SystemExit):
        build_parser().parse_args([command, "--metrics-port", "http"])
    assert "--metrics-port: not a port number (1-65535): 'http'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        build_parser().parse_args([command, "--help"])
    assert "serve /healthz and /metrics on this port" in " ".join(capsys.readouterr().out.split())
