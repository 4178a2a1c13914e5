"""`caseline doctor`: is this installation set up, and is it working? One line a check.

    ✅ settings — they parse; long polling (no CASELINE_WEBHOOK_URL)
    ✅ database — postgresql db.example:5432/caseline answers
    ✅ schema — at the newest revision, 0018
    ✅ token — the Bot API knows it as @caseline_bot
    ✅ webhook — none set, as long polling needs; 0 updates waiting
    ✅ time zone — Europe/Berlin: Wed 2026-03-04 14:05 there (UTC+01:00), 13:05 UTC here
    ✅ outbox — nothing due is waiting
    ✅ reminder job — last tick 40 s ago by web1:4242:run (took 120 ms)
    ✅ fonts — DejaVuSans.ttf and DejaVuSans-Bold.ttf are installed and readable

A failed check (❌) says what is wrong, then how to fix it, in the words the other commands
use for the same problem (bot/cli_errors.py). A check that needs what failed before it is
skipped (⏭) rather than guessed. Exit status 1 when anything is ❌, else 0.

The doctor only reads: it creates no SQLite file, sets or deletes no webhook and sends
nothing. No line carries the bot token, the webhook secret or the database password, also
not inside an error message quoted from elsewhere; an exception in a check becomes that
check's ❌ line, never a traceback.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TextIO, TypeVar
from urllib.parse import urlsplit

from sqlalchemy import text
from telegram import Bot

from bot import cli_errors, fonts, logging_setup
from bot.logging_setup import REDACTED, RedactTokenFilter
from domain.clock import Clock
from domain.rules.health import outbox_problem, tick_problem
from domain.settings import ConfigError, Settings, load_settings
from storage import outbox, schema, ticks
from storage.db import Database, sqlite_file

DOCTOR_COMMAND = "doctor"

PASSED, FAILED, SKIPPED = "✅", "❌", "⏭"
SETTINGS, DATABASE, SCHEMA = "settings", "database", "schema"
TOKEN, WEBHOOK, TIME_ZONE = "token", "webhook", "time zone"
OUTBOX, REMINDER_JOB, FONTS = "outbox", "reminder job", "fonts"
CHECKS = (SETTINGS, DATABASE, SCHEMA, TOKEN, WEBHOOK, TIME_ZONE, OUTBOX, REMINDER_JOB, FONTS)

# A database that has not answered in this time will not serve a bot either.
DATABASE_TIMEOUT_SECONDS = 5.0
# Telegram keeps a webhook's last delivery error until the next one, however old. One from
# the last ten minutes means deliveries fail now (Telegram retries within minutes); an older
# one with nothing pending is history, e.g. a restart.
WEBHOOK_ERROR_RECENT = timedelta(minutes=10)
START_THE_JOB = "start `caseline scheduler`, or `caseline run` without --no-scheduler"

T = TypeVar("T")
# One line for an exception a check's own domain knows (a database or a Telegram error).
Explain = Callable[[BaseException], str | None]


class Problem(Exception):
    """A check failed: the message says what is wrong, then how to fix it."""


def add_doctor_command(sub: Any) -> None:
    sub.add_parser(
        DOCTOR_COMMAND,
        help="check the settings, database, schema, token, webhook, time zone, outbox, "
        "reminder job and fonts, one line each; exit status 1 when anything is wrong",
    )


@dataclass
class Report:
    """The lines printed so far, each as soon as its check is done, secrets masked."""

    out: TextIO
    secrets: list[str] = field(default_factory=list)
    failed: bool = False

    def add(self, mark: str, what: str, detail: str) -> None:
        line = f"{mark} {what} — {detail}"
        for secret in self.secrets:
            line = line.replace(secret, REDACTED)
        print(line, file=self.out, flush=True)
        self.failed = self.failed or mark == FAILED

    def skip(self, what: str, needs: str) -> None:
        self.add(SKIPPED, what, f"skipped (needs {needs})")

    async def attempt(
        self, what: str, probe: Awaitable[tuple[str, T]], explain: Explain
    ) -> T | None:
        """Run one check: ✅ with the detail it returns and its value, or ❌ and None."""
        try:
            detail, value = await probe
        except Exception as exc:
            self.add(FAILED, what, _why(exc, explain))
            return None
        self.add(PASSED, what, detail)
        return value

    @property
    def status(self) -> int:
        return 1 if self.failed else 0


def _why(exc: BaseException, explain: Explain) -> str:
    if isinstance(exc, Problem | ConfigError | cli_errors.StartupProblem):
        return str(exc)
    return explain(exc) or (
        f"could not be checked ({type(exc).__name__}: {cli_errors.first_line(exc)}): "
        "run `caseline doctor` again, and report it if it stays"
    )


def run_command(clock: Clock, out: TextIO, env: Mapping[str, str] | None = None) -> int:
    """`caseline doctor`: every check, one line each; 1 when any failed, else 0."""
    env = os.environ if env is None else env
    report = Report(out, _secrets(env))
    try:
        settings = load_settings(env)
    except ConfigError as exc:
        report.add(FAILED, SETTINGS, str(exc))
        for what in CHECKS[1:-1]:
            report.skip(what, "settings that parse")
    else:
        # Libraries' warnings, if any, are redacted like the bot's own log.
        logging_setup.configure(logging.WARNING, secrets=report.secrets)
        report.add(PASSED, SETTINGS, f"they parse; {_mode(settings)}")
        try:
            asyncio.run(_examine(settings, clock, report))
        except Exception as exc:  # a bug between the checks: still one line, no traceback
            report.add(FAILED, DOCTOR_COMMAND, _why(exc, lambda _exc: None))
    # The typeface needs no setting: checked whatever came before.
    try:
        report.add(PASSED, FONTS, _fonts())
    except Exception as exc:
        report.add(FAILED, FONTS, _why(exc, lambda _exc: None))
    return report.status


def _secrets(env: Mapping[str, str]) -> list[str]:
    """What no line may show, read from the environment itself: a setting that does not
    parse may still hold one (a database URL with a password and a typo)."""
    token = env.get("CASELINE_BOT_TOKEN", "").strip()
    found = [token, token.partition(":")[2], env.get("CASELINE_WEBHOOK_SECRET", "")]
    try:
        found.append(urlsplit(env.get("CASELINE_DATABASE_URL", "")).password or "")
    except ValueError:
        pass
    return RedactTokenFilter([secret.strip() for secret in found if secret.strip()]).secrets


def _mode(settings: Settings) -> str:
    if settings.webhook_url:
        return f"a webhook at {settings.webhook_url}"
    return "long polling (no CASELINE_WEBHOOK_URL)"


async def _examine(settings: Settings, clock: Clock, report: Report) -> None:
    db, needs = await _database_checks(settings, report)
    try:
        await _telegram_checks(settings, clock, report)
        report.add(PASSED, TIME_ZONE, _local_time(settings, clock.now()))
        if db is None or needs is not None:
            report.skip(OUTBOX, needs or "the database")
            report.skip(REMINDER_JOB, needs or "the database")
            return
        explain = _database_trouble(settings)
        await report.attempt(OUTBOX, _outbox(db, clock.now()), explain)
        await report.attempt(REMINDER_JOB, _reminder_job(db, settings, clock.now()), explain)
    finally:
        if db is not None:
            await db.dispose()


# -- the database -----------------------------------------------------------------------------


async def _database_checks(
    settings: Settings, report: Report
) -> tuple[Database | None, str | None]:
    """The database and schema lines. Returns the database when it answers (the caller
    disposes of it), and what the checks that read it lack (None: nothing)."""
    explain = _database_trouble(settings)
    db = await report.attempt(DATABASE, _reach(settings), explain)
    if db is None:
        report.skip(SCHEMA, "the database")
        return None, "the database"
    at_head = await report.attempt(SCHEMA, _schema(db), explain)
    return db, None if at_head else "the schema at its newest revision"


def _database_trouble(settings: Settings) -> Explain:
    url = settings.database_url

    def explain(exc: BaseException) -> str | None:
        return cli_errors.database_problem(exc, url) or (
            f"{cli_errors.database_label(url)} refused ({cli_errors.first_line(exc)}): "
            "check the database and CASELINE_DATABASE_URL"
        )

    return explain


async def _reach(settings: Settings) -> tuple[str, Database]:
    url = settings.database_url
    cli_errors.check_sqlite_folder(url)
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        # Connecting would create an empty file, and the doctor changes nothing.
        raise Problem(
            f"there is no SQLite database at {path}: run `caseline db upgrade` to create "
            "it, or fix CASELINE_DATABASE_URL"
        )
    db = Database(url)
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS), db.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except BaseException:
        await db.dispose()
        raise
    return f"{cli_errors.database_label(url)} answers", db


async def _schema(db: Database) -> tuple[str, bool]:
    found = await schema.revisions(db)
    problem = cli_errors.schema_problem(found)
    if problem:
        raise Problem(problem)
    return f"at the newest revision, {found.head}", True


async def _outbox(db: Database, now: datetime) -> tuple[str, bool]:
    async with db.session() as session:
        waiting = await outbox.backlog(session, now=now)
    problem = outbox_problem(waiting.due, waiting.oldest_due_at, now=now)
    if problem:
        raise Problem(
            f"{problem}: make sure the reminder job runs (see its line), and read its log "
            "for what Telegram answers"
        )
    if waiting.due == 0 or waiting.oldest_due_at is None:
        return "nothing due is waiting", True
    late = _ago(now - waiting.oldest_due_at)
    return f"{_count(waiting.due, 'message')} due, the oldest {late} after its time", True


async def _reminder_job(db: Database, settings: Settings, now: datetime) -> tuple[str, bool]:
    async with db.session() as session:
        tick = await ticks.last_tick(session, ticks.REMINDERS)
    every = settings.reminder_tick_seconds
    if tick is None:
        problem = tick_problem(None, None, now=now, tick_seconds=every)
        raise Problem(f"{problem}: {START_THE_JOB}")
    problem = tick_problem(tick.finished_at, tick.error, now=now, tick_seconds=every)
    when = f"{_ago(now - tick.finished_at)} ago by {tick.ticked_by}"
    if problem is None:
        return f"last tick {when} (took {tick.duration_ms} ms)", True
    if tick_problem(tick.finished_at, None, now=now, tick_seconds=every) is not None:
        raise Problem(f"{problem}, by {tick.ticked_by}: {START_THE_JOB}")
    raise Problem(f"{problem} {when}: read that process's log")


# -- Telegram ---------------------------------------------------------------------------------


async def _telegram_checks(settings: Settings, clock: Clock, report: Report) -> None:
    def explain(exc: BaseException) -> str | None:
        return cli_errors.telegram_problem(exc, settings)

    async with AsyncExitStack() as stack:
        bot = await report.attempt(TOKEN, _token(settings, stack), explain)
        if bot is None:
            report.skip(WEBHOOK, "a token the Bot API accepts")
            return
        await report.attempt(WEBHOOK, _webhook(bot, settings, clock.now()), explain)


async def _token(settings: Settings, stack: AsyncExitStack) -> tuple[str, Bot]:
    token = settings.require_token()
    bot = await stack.enter_async_context(cli_errors.answering_bot(settings, token))
    return f"the Bot API knows it as @{bot.username}", bot


async def _webhook(bot: Bot, settings: Settings, now: datetime) -> tuple[str, bool]:
    info = await bot.get_webhook_info()
    waiting = f"{_count(info.pending_update_count, 'update')} waiting"
    if settings.webhook_url is None:
        if info.url:
            # `caseline run` polls and leaves a webhook alone: getUpdates fails while one is set.
            raise Problem(
                f"one is set to {info.url} while CASELINE_WEBHOOK_URL is not, so long polling "
                f"gets nothing ({waiting}): delete it (open "
                f"{settings.bot_api_url}<token>/deleteWebhook), or set CASELINE_WEBHOOK_URL to it"
            )
        return f"none set, as long polling needs; {waiting}", True
    if not info.url:
        raise Problem(
            f"none is set, so Telegram keeps the updates ({waiting}): start `caseline run`, "
            "which sets CASELINE_WEBHOOK_URL as the webhook"
        )
    if info.url != settings.webhook_url:
        raise Problem(
            f"it goes to {info.url}, not to CASELINE_WEBHOOK_URL ({waiting}): start "
            "`caseline run`, which sets its own, and stop whatever else sets another"
        )
    error_at = info.last_error_date
    if error_at is not None and now - error_at <= WEBHOOK_ERROR_RECENT:
        raise Problem(
            f"Telegram's last delivery to {info.url} failed {_ago(now - error_at)} ago "
            f"({info.last_error_message}); {waiting}: check that `caseline run` is up and that "
            f"the URL reaches {settings.webhook_listen}:{settings.webhook_port}"
        )
    last = (
        f"; last error {_ago(now - error_at)} ago ({info.last_error_message})" if error_at else ""
    )
    return f"{info.url}; {waiting}{last}", True


# -- the fonts --------------------------------------------------------------------------------


def _fonts() -> str:
    """The charts' and the PDF exports' typeface, shipped inside Caseline (bot/fonts): both
    files there, and read by Pillow as the charts will read them. `caseline run` stops at
    start without them; a damaged file would fail only the first digest or export."""
    from PIL import ImageFont

    try:
        regular, bold = fonts.font_files()
    except fonts.FontMissing as exc:
        raise Problem(str(exc)) from exc
    for path in (regular, bold):
        try:
            # Its bytes, not its name: given a name it cannot read, Pillow looks for a font
            # so named among the system's and would pass a damaged file.
            ImageFont.truetype(io.BytesIO(path.read_bytes()), 12)
        except OSError as exc:
            raise Problem(
                f"the font {path} cannot be read ({exc}): reinstall Caseline "
                "(pip install -e . in its folder)"
            ) from exc
    return f"{regular.name} and {bold.name} are installed and readable"


# -- time -------------------------------------------------------------------------------------


def _local_time(settings: Settings, now: datetime) -> str:
    """The organisation's time beside this machine's UTC, for the operator to compare with
    a watch: a wrong machine clock moves every reminder."""
    local = now.astimezone(settings.zone)
    offset = local.strftime("%z")
    return (
        f"{settings.timezone}: {local:%a %Y-%m-%d %H:%M} there (UTC{offset[:3]}:{offset[3:]}), "
        f"{now:%H:%M} UTC by this machine's clock"
    )


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}" if number == 1 else f"{number} {thing}s"


def _ago(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 120 * 60:
        return f"{seconds // 60} min"
    if seconds < 48 * 3600:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"
