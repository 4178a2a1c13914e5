"""`caseline demo`: the real bot, the local Bot API server and a chat page in one process.

One asyncio loop runs three things side by side:

* the local Telegram Bot API server (`devserver`) on a free loopback port, with the
  seeded people registered as its users;
* the real Application from `bot.app.build_application` — the same handlers, persistence,
  gate and reminder engine as production — polling that server, over a fresh SQLite
  database made by Alembic (`storage.migrate.upgrade`) and seeded by `bot.demo.seed`;
* the chat page and its JSON API (`bot.demo.web`) on 127.0.0.1:<port>.

The bot's clock is a `FixedClock` that starts at the real now (to the minute) and stands
still until the page moves it: "+1 hour", or on to the next 08:00 or 18:00, each button
labelled with the day it lands on ("Today 18:00"; after 18:00 "Tomorrow 18:00"). A jump moves the
clock and the server's message dates together, then runs one reminder tick, so the
reminders, the morning agenda and the supervisor's digest arrive as they would at that
hour.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from bot.app import build_application
from bot.demo import seed
from bot.demo.command import DEFAULT_PORT, DemoError
from bot.inbox import InboxPoller
from devserver import BotApiServer, BotState
from domain.clock import FixedClock
from domain.results import Saved
from domain.rules.webapp_auth import opened_as_telegram_opens
from domain.settings import ConfigError, Settings, load_settings
from domain.usecases.settings import SetLanguage, change_setting
from domain.work import Work
from storage import migrate, updates, workers
from storage.db import Database
from storage.models import Worker
from storage.workers import Actor
from ui import menu

TOKEN = "710000:caseline-demo-local-bot"
BOT_USERNAME = "caseline_demo_bot"
MORNING = clock_time(8, 0)  # the seeded workers' start of day: the morning agenda
EVENING = clock_time(18, 0)  # the seeded supervisor's digest time
JUMPS = ("hour", "morning", "evening")
# Settings a person may still set for the demo; the rest is the demo's own.
PASSED_THROUGH = (
    "CASELINE_DATE_ORDER",
    "CASELINE_PRIVATE_PREVIEWS",
    "CASELINE_CONVERSATION_TIMEOUT",
)


def machine_zone() -> str:
    """This machine's time zone name (TZ, /etc/timezone or /etc/localtime), else UTC."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text().strip())
    with contextlib.suppress(OSError):
        target = str(Path("/etc/localtime").resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if not name or name.startswith("/"):
            continue
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        return name
    return "UTC"


def jump_target(now: datetime, jump: str, zone: ZoneInfo) -> datetime:
    """Where a jump lands: an hour on, or the next 08:00 / 18:00 local after `now`."""
    if jump == "hour":
        return now + timedelta(hours=1)
    if jump not in JUMPS:
        raise ValueError(f"unknown jump {jump!r}: use one of {', '.join(JUMPS)}")
    at = MORNING if jump == "morning" else EVENING
    local = now.astimezone(zone)
    day = local.date()
    while True:
        target = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
        if target > now:
            return target
        day += timedelta(days=1)


def jump_label(now: datetime, jump: str, zone: ZoneInfo) -> str:
    if jump == "hour":
        return "+1 hour"
    target = jump_target(now, jump, zone).astimezone(zone)
    today = now.astimezone(zone).date()
    if target.date() == today:
        day = "Today"
    elif target.date() == today + timedelta(days=1):
        day = "Tomorrow"
    else:
        day = f"{target:%a}"
    return f"{day} {target:%H:%M}"


@dataclass
class JumpResult:
    clock: datetime
    appointments: int
    agendas: int
    digests: int
    sent: int


class DemoRunner:
    """Starts and stops everything; the web layer calls it for what the page does."""

    def __init__(
        self,
        port: int = DEFAULT_PORT,
        *,
        host: str = "127.0.0.1",
        database: Path | None = None,
        timezone: str | None = None,
        start: datetime | None = None,
        tick_on_start: bool = True,
    ) -> None:
        self.host = host
        self.requested_port = port
        self.database = database
        self.zone_name = timezone or os.environ.get("CASELINE_TIMEZONE", "").strip()
        self.zone_name = self.zone_name or machine_zone()
        self.start_at = start
        self.tick_on_start = tick_on_start
        self.people = {person.user_id: person for person in seed.PEOPLE}
        self.seed_report: seed.SeedReport | None = None
        # Seeded home locations by client code: what "📍 Share location" offers.
        self.homes: dict[str, tuple[float, float]] = {}
        self.clock_version = 0
        self.closing = False
        self.server: BotApiServer | None = None
        self.application: Any = None
        self.poller: InboxPoller | None = None
        self.db: Database | None = None
        self.clock: FixedClock | None = None
        self.settings: Settings | None = None
        self.webapp_port = 0
        self.web: Any = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._clock_lock = asyncio.Lock()

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.zone_name)

    @property
    def state(self) -> BotState:
        assert self.server is not None, "the demo is not started"
        return self.server.bot(TOKEN)

    @property
    def port(self) -> int:
        return self.web.port if self.web else self.requested_port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        try:
            ZoneInfo(self.zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise DemoError(
                f"time zone {self.zone_name!r} is unknown: set CASELINE_TIMEZONE to a name "
                "such as Europe/Berlin"
            ) from None
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        from bot.demo.web import DemoWeb

        # The page's port first: a busy port is the likeliest problem, so say so at once.
        self.web = DemoWeb(self)
        try:
            self.web.bind(self.requested_port, self.host)
        except OSError as exc:
            raise DemoError(
                f"cannot listen on {self.host}:{self.requested_port} ({exc.strerror or exc}): "
                "choose another port with --port"
            ) from None
        url = self._database_url()
        await asyncio.to_thread(migrate.upgrade, url)
        self.db = Database(url)
        start = (self.start_at or datetime.now(UTC)).astimezone(UTC)
        self.clock = FixedClock(start.replace(second=0, microsecond=0))
        found = await seed.contents(self.db)
        if found == "other":
            raise DemoError(
                f"{self.database} holds data that the demo did not make: give --database "
                "a new file (the demo never runs on a real database)"
            )
        if found == "demo":
            # A kept demo database: the new server numbers updates from 1 again.
            async with self.db.session() as session:
                await updates.forget_all(session)
        else:
            self.seed_report = await seed.seed(self.db, now=self.clock.now(), zone=self.zone)
        self.homes = await seed.homes(self.db)

        self.server = BotApiServer(host="127.0.0.1", port=0, bot_username=BOT_USERNAME)
        await self.server.start()
        self.sync_server_time()
        for person in seed.PEOPLE:
            first, _, last = person.name.partition(" ")
            self.state.user(
                person.user_id, first, last_name=last or None, language_code=person.language or "en"
            )

        self.webapp_port = _free_port()
        self.settings = self._settings(url)
        self.application = build_application(self.settings, self.db, self.clock, token=TOKEN)
        await self.application.initialize()
        if self.application.post_init:
            await self.application.post_init(self.application)
        await self.application.start()
        # Each person's chat menu in their language, as joining would have set it.
        for user_id, language in (await self.languages()).items():
            await menu.set_chat_menu(
                self.application.bot, user_id, self.people[user_id].role, language
            )
        # The inbox poller `caseline run` polls with (bot/inbox.py).
        self.poller = InboxPoller(self.application, self.db, self.clock, timeout=1)
        await self.poller.start()
        self.web.serve()
        if self.tick_on_start:
            await self.tick()

    def _database_url(self) -> str:
        if self.database is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="caseline-demo-")
            path = Path(self._tmp.name) / "caseline-demo.db"
        else:
            path = self.database.expanduser().resolve()
            if not path.parent.is_dir():
                raise DemoError(f"--database: the folder {path.parent} does not exist")
        return f"sqlite:///{path}"

    def _settings(self, database_url: str) -> Settings:
        assert self.server is not None
        env = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
        env.update(
            {
                "CASELINE_BOT_TOKEN": TOKEN,
                "CASELINE_DATABASE_URL": database_url,
                "CASELINE_BOT_API_URL": self.server.base_url,
                "CASELINE_BOT_FILE_API_URL": self.server.base_file_url,
                "CASELINE_TIMEZONE": self.zone_name,
                # The clock only moves when the page moves it, and each jump ticks once.
                "CASELINE_REMINDER_TICK_SECONDS": "3600",
                # The Mini App on a free loopback port: 🗂 Open on the card opens it.
                "CASELINE_WEBAPP_URL": f"http://127.0.0.1:{self.webapp_port}",
                "CASELINE_WEBAPP_PORT": str(self.webapp_port),
            }
        )
        try:
            return load_settings(env)
        except ConfigError as exc:
            raise DemoError(str(exc)) from None

    def webapp_link(self, user_id: int, url: str) -> str | None:
        """`url` (a 🗂 Open button's, of this demo's Mini App) with the init data Telegram
        would give the page for `user_id` now, in the fragment, as Telegram passes it: the
        demo knows the token, so it signs as Telegram does. None for any other address."""
        assert self.settings is not None and self.clock is not None
        base = self.settings.webapp_url
        if base is None or not url.startswith(base + "/"):
            return None
        return opened_as_telegram_opens(
            url,
            user_id=user_id,
            first_name=self.people[user_id].name.split()[0],
            bot_token=TOKEN,
            now=self.clock.now(),
        )

    async def stop(self) -> None:
        """Stop the page, then the bot (a clean stop, as on SIGTERM), then the server."""
        self.closing = True
        if self.server is not None:
            self.state.notifier.notify()  # long polls of the page answer now
        if self.web is not None:
            await self.web.stop()
            self.web = None
        app, self.application = self.application, None
        if app is not None:
            if self.poller is not None:
                await self.poller.stop()
                self.poller = None
            if app.running:
                await app.stop()
            await app.shutdown()
            if app.post_shutdown:
                await app.post_shutdown(app)
        if self.server is not None:
            await self.server.stop()
            self.server = None
        if self.db is not None:
            await self.db.dispose()
            self.db = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    async def __aenter__(self) -> DemoRunner:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- languages ---------------------------------------------------------------------------

    async def languages(self) -> dict[int, str | None]:
        """Each demo person's language as their worker row has it (None: the default)."""
        assert self.db is not None
        statement = select(Worker.telegram_user_id, Worker.language).where(
            Worker.telegram_user_id.in_(list(self.people))
        )
        async with self.db.session() as session:
            found = dict((await session.execute(statement)).tuples().all())
        return {user_id: found.get(user_id) for user_id in self.people}

    async def set_language(self, user_id: int, language: str | None) -> None:
        """The page's language select: the worker's language, saved through /settings' use
        case (and their chat's menu set in it, as /settings does), and the language of the
        simulated Telegram app, which is what someone joining is answered in."""
        assert self.db is not None and self.clock is not None and self.settings is not None
        self.state.user(user_id).language_code = language or "en"
        async with self.db.session() as session:
            worker = await workers.by_telegram_id(session, user_id)
        if worker is None or not worker.active:
            return
        work = Work(self.db, self.clock, self.settings)
        result = await change_setting(work, Actor.of(worker), SetLanguage(language))
        if isinstance(result, Saved):
            await menu.set_chat_menu(self.application.bot, user_id, worker.role, language)
        self.state.notifier.notify()

    # -- the clock ---------------------------------------------------------------------------

    def now(self) -> datetime:
        assert self.clock is not None
        return self.clock.now()

    def sync_server_time(self) -> None:
        """Message dates on the server follow the demo clock (they are stamped from it)."""
        assert self.server is not None
        self.server.set_time_offset(self.now().timestamp() - time.time())

    def clock_info(self) -> dict[str, Any]:
        now, zone = self.now(), self.zone
        local = now.astimezone(zone)
        return {
            "iso": now.isoformat(),
            "local": local.isoformat(),
            "label": f"{local:%a} {local.day} {local:%b} · {local:%H:%M}",
            "zone": self.zone_name,
            "version": self.clock_version,
            "jumps": [{"id": jump, "label": jump_label(now, jump, zone)} for jump in JUMPS],
        }

    async def tick(self) -> Any:
        """One reminder tick at the demo time, delivered before it returns."""
        self.sync_server_time()
        return await self.application.bot_data["services"].reminders.tick()

    async def jump(self, jump: str) -> JumpResult:
        """Move the clock, then let the reminder job see what is due at the new time."""
        async with self._clock_lock:
            assert self.clock is not None
            self.clock.set(jump_target(self.now(), jump, self.zone))
            self.clock_version += 1
            self.sync_server_time()
            self.state.notifier.notify()
            report = await self.tick()
            drained = self.application.bot_data["services"].reminders.last_drain
            return JumpResult(
                self.now(), report.appointments, report.agendas, report.digests, drained.sent
            )


def _free_port() -> int:
    """A loopback port nothing listens on now, for the Mini App (its address goes in the
    settings before the bot starts, so the port is chosen first)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
