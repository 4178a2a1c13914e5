"""`caseline doctor`: one line a check, ✅ or ❌ with its fix, exit 1 when anything is ❌.

Each story runs the real command (`bot.cli.main(["doctor"])`, in a thread: it runs its own
event loop) with the environment an operator would set, against the project's local Bot
API server and a real database (SQLite, and PostgreSQL when configured), on an injected
clock. Every run asserts that the nine checks are printed in order, that nothing went to
stderr, no traceback, and neither the token nor the database password anywhere.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import tornado.web
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from bot.cli import main
from bot.cli_doctor import CHECKS
from domain.clock import FixedClock
from storage import migrate, outbox, ticks
from storage.db import Database
from storage.kinds import Role
from storage.workers import create_worker
from tests.databases import fresh_database_url

NOW = datetime(2026, 3, 4, 13, 5, tzinfo=UTC)
# Well-formed, so the settings accept it and only the Bot API can refuse it.
TOKEN = "4242424242:AAH-doctor_never_printed-Zq8x1Vb7Kk3"
SECRET = TOKEN.split(":")[1]
PASSWORD = "pw-never-printed-7f3a"
TICKED_BY = "web1:4242:run"
# For the checks whose outcome does not depend on the kind of database (the settings,
# Telegram, a database that is not there): one run on SQLite is enough.
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])
START_THE_JOB = "start `caseline scheduler`, or `caseline run` without --no-scheduler"


@dataclass
class Diagnosis:
    code: int
    lines: dict[str, str]

    def __getitem__(self, what: str) -> str:
        return self.lines[what]

    @property
    def failed(self) -> list[str]:
        return [what for what, line in self.lines.items() if line.startswith("❌")]


@dataclass
class Installation:
    """A set-up Caseline: a database at head, a token the Bot API knows, polling."""

    url: str
    clock: FixedClock
    devserver: object
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]

    def set(self, **values: str) -> None:
        for name, value in values.items():
            self.monkeypatch.setenv(name, value)

    async def doctor(self) -> Diagnosis:
        code = await asyncio.to_thread(main, ["doctor"], clock=self.clock)
        out, err = self.capsys.readouterr()
        assert err == "" and "Traceback" not in out, out + err
        for secret in (TOKEN, SECRET, PASSWORD):
            assert secret not in out
        lines = out.splitlines()
        assert [line.split(" — ")[0][2:] for line in lines] == list(CHECKS), out
        return Diagnosis(code, dict(zip(CHECKS, lines, strict=True)))

    async def tick(self, finished_at: datetime, *, error: str | None = None) -> None:
        """The reminder job's last tick, as Reminders.tick notes it."""
        async with session_on(self.url) as session:
            await ticks.record_tick(
                session,
                ticks.REMINDERS,
                started_at=finished_at - timedelta(milliseconds=120),
                finished_at=finished_at,
                ticked_by=TICKED_BY,
                error=error,
            )

    async def due(self, due_at: datetime) -> None:
        """A reminder due at `due_at` that nobody has sent."""
        async with session_on(self.url) as session:
            worker = await create_worker(session, name="Wanda", role=Role.WORKER, now=due_at)
            await outbox.enqueue(
                session,
                key=f"appointment:{due_at.isoformat()}",
                kind="appointment",
                worker_id=worker.id,
                due_at=due_at,
                now=due_at,
            )


@asynccontextmanager
async def session_on(url: str) -> AsyncIterator[AsyncSession]:
    """One transaction on a database opened for it, disposed of after."""
    db = Database(url)
    try:
        async with db.session() as session:
            yield session
    finally:
        await db.dispose()


@pytest.fixture(autouse=True)
def logging_as_it_was() -> Iterator[None]:
    """The command configures logging for its process (redacting, to stderr); in this
    process the next test must not inherit a handler writing to this test's captured
    stderr."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No CASELINE_ setting of the machine running the tests leaks in."""
    for name in list(os.environ):
        if name.startswith("CASELINE_") and not name.startswith("CASELINE_TEST_"):
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.fixture
async def caseline(
    backend: str, tmp_path: Path, devserver, environment, capsys
) -> AsyncIterator[Installation]:
    async with fresh_database_url(backend, tmp_path) as url:
        if backend == "postgres":
            # Trust authentication ignores it; the doctor must not print it either way.
            url = make_url(url).set(password=PASSWORD).render_as_string(hide_password=False)
        await asyncio.to_thread(migrate.upgrade, url)
        installation = Installation(url, FixedClock(NOW), devserver, environment, capsys)
        installation.set(
            CASELINE_BOT_TOKEN=TOKEN,
            CASELINE_DATABASE_URL=url,
            CASELINE_BOT_API_URL=devserver.base_url,
            CASELINE_BOT_FILE_API_URL=devserver.base_file_url,
            CASELINE_TIMEZONE="Europe/Berlin",
        )
        devserver.follow_clock(lambda: installation.clock.now().timestamp())
        yield installation


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- all well -----------------------------------------------------------------------------------


async def test_a_working_installation_is_all_green(caseline: Installation):
    await caseline.tick(NOW - timedelta(seconds=40))
    diagnosis = await caseline.doctor()
    assert diagnosis.code == 0 and diagnosis.failed == []
    assert diagnosis["settings"] == (
        "✅ settings — they parse; long polling (no CASELINE_WEBHOOK_URL)"
    )
    place = make_url(caseline.url)
    where = (
        f"sqlite {place.database}"
        if place.get_backend_name() == "sqlite"
        else f"postgresql {place.host}:{place.port or 5432}/{place.database}"
    )
    assert diagnosis["database"] == f"✅ database — {where} answers"
    assert diagnosis["schema"] == f"✅ schema — at the newest revision, {migrate.current_head()}"
    assert diagnosis["token"] == "✅ token — the Bot API knows it as @caseline_test_bot"
    assert diagnosis["webhook"] == "✅ webhook — none set, as long polling needs; 0 updates waiting"
    assert diagnosis["time zone"] == (
        "✅ time zone — Europe/Berlin: Wed 2026-03-04 14:05 there (UTC+01:00), "
        "13:05 UTC by this machine's clock"
    )
    assert diagnosis["outbox"] == "✅ outbox — nothing due is waiting"
    assert diagnosis["reminder job"] == (
        f"✅ reminder job — last tick 40 s ago by {TICKED_BY} (took 120 ms)"
    )
    assert diagnosis["fonts"] == (
        "✅ fonts — DejaVuSans.ttf and DejaVuSans-Bold.ttf are installed and readable"
    )


# -- settings -----------------------------------------------------------------------------------


@SQLITE_ONLY
async def test_settings_that_do_not_parse_stop_every_other_check(caseline: Installation):
    caseline.set(CASELINE_TIMEZONE="Mars/Olympus")
    diagnosis = await caseline.doctor()
    assert diagnosis.code == 1
    assert diagnosis["settings"] == (
        "❌ settings — CASELINE_TIMEZONE 'Mars/Olympus' is not a time zone name such as "
        "Europe/Berlin"
    )
    for what in CHECKS[1:-1]:
        assert diagnosis[what] == f"⏭ {what} — skipped (needs settings that parse)"
    # The fonts need no settings: checked all the same.
    assert diagnosis["fonts"].startswith("✅ fonts")


# -- the fonts ----------------------------------------------------------------------------------


async def _doctor_with_fonts(
    caseline: Installation, monkeypatch: pytest.MonkeyPatch, folder: Path, bold: bytes | None
) -> Diagnosis:
    """The doctor of an otherwise working installation whose font folder is `folder`: the
    regular face as shipped, the bold one `bold` (None: no file)."""
    from bot import fonts

    shutil.copy(fonts.FOLDER / "DejaVuSans.ttf", folder)
    if bold is not None:
        (folder / "DejaVuSans-Bold.ttf").write_bytes(bold)
    monkeypatch.setattr(fonts, "FOLDER", folder)
    await caseline.tick(NOW - timedelta(seconds=40))
    return await caseline.doctor()


@SQLITE_ONLY
async def test_a_lost_font_file_is_named_with_its_fix(
    caseline: Installation, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    diagnosis = await _doctor_with_fonts(caseline, monkeypatch, tmp_path, bold=None)
    assert diagnosis.code == 1 and diagnosis.failed == ["fonts"]
    assert diagnosis["fonts"] == (
        f"❌ fonts — the font {tmp_path / 'DejaVuSans-Bold.ttf'} is missing from this install: "
        "reinstall Caseline (pip install -e . in its folder)"
    )


@SQLITE_ONLY
async def test_a_damaged_font_file_is_named_with_its_fix(
    caseline: Installation, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    """A file that is there but not a font would fail only the first digest or export."""
    page = b"<html>a proxy's error page</html>"
    diagnosis = await _doctor_with_fonts(caseline, monkeypatch, tmp_path, bold=page)
    assert diagnosis.code == 1 and diagnosis.failed == ["fonts"]
    line = diagnosis["fonts"]
    assert line.startswith(f"❌ fonts — the font {tmp_path / 'DejaVuSans-Bold.ttf'} cannot be read")
    assert line.endswith("reinstall Caseline (pip install -e . in its folder)")


@SQLITE_ONLY
async def test_a_bad_database_url_is_named_without_its_password(caseline: Installation):
    caseline.set(CASELINE_DATABASE_URL=f"mysql://caseline:{PASSWORD}@db.example/caseline")
    diagnosis = await caseline.doctor()
    assert diagnosis.code == 1
    assert diagnosis["settings"].startswith("❌ settings — CASELINE_DATABASE_URL: ")
    assert "unsupported database 'mysql'" in diagnosis["settings"]


# -- the database -------------------------------------------------------------------------------


@SQLITE_ONLY
async def test_a_database_that_cannot_be_reached_skips_what_reads_it(
    caseline: Installation, tmp_path: Path
):
    await caseline.tick(NOW)
    missing = tmp_path / "no" / "such"
    caseline.set(CASELINE_DATABASE_URL=f"sqlite:///{missing / 'caseline.db'}")
    diagnosis = await caseline.doctor()
    assert diagnosis.code == 1 and diagnosis.failed == ["database"]
    assert diagnosis["database"] == (
        f"❌ database — there is no folder {missing} for the SQLite database: create it "
        "or fix CASELINE_DATABASE_URL"
    )
    assert diagnosis["schema"] == "⏭ schema — skipped (needs the database)"
    assert diagnosis["outbox"] == "⏭ outbox — skipped (needs the database)"
    assert diagnosis["reminder job"] == "⏭ reminder job — skipped (needs the database)"
    assert diagnosis["token"].startswith("✅")  # Telegram is checked all the same

    port = closed_port()
    caseline.set(CASELINE_DATABASE_URL=f"postgresql://caseline:{PASSWORD}@127.0.0.1:{port}/x")
    diagnosis = await caseline.doctor()
    assert diagnosis.code == 1 and diagnosis.failed == ["database"]
    assert diagnosis["database"] == (
        f"❌ database — nothing answers at 127.0.0.1:{port} (connection refused): start "
        "PostgreSQL or fix CASELINE_DATABASE_URL"
    )


@SQLITE_ONLY
async def test_a_missing_sqlite_file_is_named_and_not_created(caseline: Installation, tmp_path):
    path = tmp_path / "never-made.db"
    caseline.set(CASELINE_DATABASE_URL=f"sqlite:///{path}")
    diagnosis = await caseline.doctor()
    assert diagnosis.code == 1 and diagnosis.failed == ["database"]
    assert diagnosis["database"] == (
        f"❌ database — there is no SQLite database at {path}: run `caseline db upgrade` to "
        "create it, or fix CASELINE_DATABASE_URL"
    )
    assert not path.exists()


async def test_a_schema_behind_or_ahead_names_both_revisions(caseline: Installation):
    head = migrate.current_head()
    assert head is not None
    before = ScriptDirectory.from_config(migrate.alembic_config(caseline.url)).get_revision(head)
    assert before is not None and isinstance(before.down_revision, str)
    db = Database(caseline.url)
    try:
        await _set_revision(db, before.down_revision)
        diagnosis = await caseline.doctor()
        assert diagnosis.code == 1 and diagnosis.failed == ["schema"]
        assert diagnosis["schema"] == (
            f"❌ schema — the database schema is at {before.down_revision}, this Caseline "
            f"needs {head}: run `caseline db upgrade`"
        )
        needs = "skipped (needs the schema at its newest revision)"
        assert diagnosis["outbox"] == f"⏭ outbox — {needs}"
        assert diagnosis["reminder job"] == f"⏭ reminder job — {needs}"

        await _set_revision(db, "9999")
        diagnosis = await caseline.doctor()
        assert diagnosis["schema"] == (
            "❌ schema — the database schema is at 9999, which this Caseline does not know "
            f"(its newest is {head}): run the newer Caseline that upgraded it"
        )
    finally:
        await db.dispose()


async def test_a_database_with_no_schema(backend, tmp_path, devserver, environment, capsys):
    async with fresh_database_url(backend, tmp_path) as url:
        if backend == "sqlite":
            await asyncio.to_thread(Path(make_url(url).database or "").touch)  # empty
        installation = Installation(url, FixedClock(NOW), devserver, environment, capsys)
        installation.set(
            CASELINE_BOT_TOKEN=TOKEN,
            CASELINE_DATABASE_URL=url,
            CASELINE_BOT_API_URL=devserver.base_url,
        )
        diagnosis = await installation.doctor()
    assert diagnosis.code == 1 and diagnosis.failed == ["schema"]
    assert diagnosis["database"].startswith("✅")
    assert diagnosis["schema"] == (
        "❌ schema — the database has no schema yet: run `caseline db upgrade`"
    )


async def _set_revision(db: Database, revision: str) -> None:
    async with db.session() as session:
        await session.execute(
            text("UPDATE alembic_version SET version_num = :revision"), {"revision": revision}
        )


# -- Telegram -----------------------------------------------------------------------------------


@SQLITE_ONLY
async def test_a_token_the_bot_api_refuses(caseline: Installation):
    await caseline.tick(NOW)
    caseline.devserver.revoke(TOKEN)  # type: ignore[attr-defined]
    diagnosis = await caseline.doctor()
    assert diagnosis.code == 1 and diagnosis.failed == ["token"]
    assert diagnosis["token"] == (
        "❌ token — the Bot API refused CASELINE_BOT_TOKEN: copy it again from @BotFather"
    )
    assert diagnosis["webhook"] == "⏭ webhook — skipped (needs a token the Bot API accepts)"


@SQLITE_ONLY
async def test_no_token_at_all(caseline: Installation):
    await caseline.tick(NOW)
    caseline.monkeypatch.delenv("CASELINE_BOT_TOKEN")
    diagnosis = await caseline.doctor()
    assert diagnosis.failed == ["token"] and diagnosis.code == 1
    assert diagnosis["token"] == (
        "❌ token — CASELINE_BOT_TOKEN is not set: put the token BotFather gave you in it"
    )


@SQLITE_ONLY
async def test_a_bot_api_that_does_not_answer(caseline: Installation):
    await caseline.tick(NOW)
    port = closed_port()
    caseline.set(CASELINE_BOT_API_URL=f"http://127.0.0.1:{port}/bot")
    diagnosis = await caseline.doctor()
    assert diagnosis.code == 1 and diagnosis.failed == ["token"]
    assert diagnosis["token"] == (
        f"❌ token — cannot reach the Bot API at http://127.0.0.1:{port}/bot (connection "
        "refused): check the network and CASELINE_BOT_API_URL"
    )
    assert diagnosis["webhook"].startswith("⏭ webhook — skipped")


async def _set_webhook(caseline: Installation, url: str) -> None:
    """Another process (or an older setup) set a webhook on this token."""
    base_url = caseline.devserver.base_url  # type: ignore[attr-defined]
    async with Bot(TOKEN, base_url=base_url) as bot:
        assert await bot.set_webhook(url)


@SQLITE_ONLY
async def test_a_webhook_left_set_while_the_bot_polls(caseline: Installation):
    await caseline.tick(NOW)
    await _set_webhook(caseline, f"https://old.example/hook/{TOKEN}")
    diagnosis = await caseline.doctor()
    assert diagnosis.code == 1 and diagnosis.failed == ["webhook"]
    assert diagnosis["webhook"] == (
        "❌ webhook — one is set to https://old.example/hook/<token> while "
        "CASELINE_WEBHOOK_URL is not, so long polling gets nothing (0 updates waiting): "
        f"delete it (open {caseline.devserver.base_url}<token>/deleteWebhook), "  # type: ignore[attr-defined]
        "or set CASELINE_WEBHOOK_URL to it"
    )


@SQLITE_ONLY
async def test_webhook_mode_needs_the_configured_url(caseline: Installation):
    await caseline.tick(NOW)
    caseline.set(CASELINE_WEBHOOK_URL="https://bot.example/caseline")
    diagnosis = await caseline.doctor()
    assert diagnosis.code == 1 and diagnosis.failed == ["webhook"]
    assert diagnosis["settings"] == (
        "✅ settings — they parse; a webhook at https://bot.example/caseline"
    )
    assert diagnosis["webhook"] == (
        "❌ webhook — none is set, so Telegram keeps the updates (0 updates waiting): start "
        "`caseline run`, which sets CASELINE_WEBHOOK_URL as the webhook"
    )

    await _set_webhook(caseline, "https://bot.example/old-path")
    diagnosis = await caseline.doctor()
    assert diagnosis["webhook"] == (
        "❌ webhook — it goes to https://bot.example/old-path, not to CASELINE_WEBHOOK_URL "
        "(0 updates waiting): start `caseline run`, which sets its own, and stop whatever "
        "else sets another"
    )

    await _set_webhook(caseline, "https://bot.example/caseline")
    diagnosis = await caseline.doctor()
    assert diagnosis.code == 0
    assert diagnosis["webhook"] == "✅ webhook — https://bot.example/caseline; 0 updates waiting"


class _Receiver(tornado.web.RequestHandler):
    """Where the webhook points: refuses while `failing`, as a bot that is down would."""

    def initialize(self, failing: list[bool]) -> None:
        self.failing = failing

    def post(self) -> None:
        if self.failing[0]:
            self.set_status(502)


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[bool]]]:
    failing = [True]
    sockets = bind_sockets(0, "127.0.0.1")
    routes = [("/hook", _Receiver, {"failing": failing})]
    # Quiet: its access log would reach the stderr the doctor's lines are checked on.
    server = HTTPServer(tornado.web.Application(routes, log_function=lambda _handler: None))
    server.add_sockets(sockets)
    try:
        yield f"http://127.0.0.1:{sockets[0].getsockname()[1]}/hook", failing
    finally:
        server.stop()


@SQLITE_ONLY
async def test_a_webhook_whose_deliveries_fail(caseline: Installation, receiver):
    hook, failing = receiver
    await caseline.tick(NOW)
    caseline.set(CASELINE_WEBHOOK_URL=hook, CASELINE_WEBHOOK_PORT="8443")
    await _set_webhook(caseline, hook)
    state = caseline.devserver.bot(TOKEN)  # type: ignore[attr-defined]
    state.user(701, first_name="Wanda").send_text("hello")
    await state.notifier.wait_for(lambda: state.webhook.last_error_message, 10)

    caseline.clock.advance(timedelta(minutes=3))
    diagnosis = await caseline.doctor()
    assert diagnosis.code == 1 and diagnosis.failed == ["webhook"]
    line = diagnosis["webhook"]
    assert line.startswith(f"❌ webhook — Telegram's last delivery to {hook} failed ")
    assert "(Wrong response from the webhook: 502 Bad Gateway); 1 update waiting: " in line
    assert line.endswith("check that `caseline run` is up and that the URL reaches 127.0.0.1:8443")

    failing[0] = False  # the bot is back: Telegram delivers; its last error stays
    await state.wait_until_delivered()
    caseline.clock.advance(timedelta(minutes=20))
    await caseline.tick(caseline.clock.now())
    ago = int(caseline.clock.now().timestamp()) - state.webhook.last_error_date
    diagnosis = await caseline.doctor()
    assert diagnosis.code == 0, diagnosis.lines
    assert diagnosis["webhook"] == (
        f"✅ webhook — {hook}; 0 updates waiting; last error {ago // 60} min ago "
        "(Wrong response from the webhook: 502 Bad Gateway)"
    )


# -- the outbox and the reminder job -------------------------------------------------------


async def test_an_outbox_whose_oldest_message_waits_too_long(caseline: Installation):
    await caseline.tick(NOW)
    await caseline.due(NOW - timedelta(minutes=5))
    diagnosis = await caseline.doctor()
    assert diagnosis.code == 0
    assert diagnosis["outbox"] == "✅ outbox — 1 message due, the oldest 5 min after its time"

    caseline.clock.advance(timedelta(minutes=11))
    await caseline.tick(caseline.clock.now())
    diagnosis = await caseline.doctor()
    assert diagnosis.code == 1 and diagnosis.failed == ["outbox"]
    assert diagnosis["outbox"] == (
        "❌ outbox — 1 due message unsent, the oldest 16 min after its time: make sure the "
        "reminder job runs (see its line), and read its log for what Telegram answers"
    )


async def test_a_reminder_job_that_never_ticked_stopped_or_failed(caseline: Installation):
    diagnosis = await caseline.doctor()
    assert diagnosis.code == 1 and diagnosis.failed == ["reminder job"]
    assert diagnosis["reminder job"] == (
        f"❌ reminder job — the reminder job has never ticked: {START_THE_JOB}"
    )

    await caseline.tick(NOW - timedelta(minutes=10))
    diagnosis = await caseline.doctor()
    assert diagnosis.code == 1
    assert diagnosis["reminder job"] == (
        f"❌ reminder job — the reminder job last ticked 10 min ago, by {TICKED_BY}: "
        f"{START_THE_JOB}"
    )

    await caseline.tick(NOW - timedelta(seconds=30), error="OperationalError")
    diagnosis = await caseline.doctor()
    assert diagnosis.code == 1
    assert diagnosis["reminder job"] == (
        "❌ reminder job — the reminder job's last tick failed (OperationalError) 30 s ago by "
        f"{TICKED_BY}: read that process's log"
    )
