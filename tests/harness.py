"""Drive the real Caseline Application through the local Bot API server.

A test reads as a story: a person sends text or presses a button, and we look at
what their chat shows and what the database holds. The bot runs exactly as in
production (polling over real HTTP on loopback), with an injected clock.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.app import build_application
from bot.gate import UPDATE_TYPES
from bot.inbox import InboxPoller
from devserver import BotApiServer
from domain.clock import FixedClock
from domain.settings import load_settings
from storage.db import Database
from storage.invites import create_invite
from storage.kinds import Role
from storage.models import Worker
from storage.workers import create_worker, get_or_create_team
from ui.context import DELIVER_SOON

TOKEN = "123456:TEST-token_for-caseline"
SETTLE_TIMEOUT = 15.0


def settings_for(server: BotApiServer, db_url: str, **env: str):
    return load_settings(
        {
            "CASELINE_BOT_TOKEN": TOKEN,
            "CASELINE_DATABASE_URL": db_url,
            "CASELINE_BOT_API_URL": server.base_url,
            "CASELINE_BOT_FILE_API_URL": server.base_file_url,
            "CASELINE_TIMEZONE": "Europe/Berlin",
            # Tests tick by hand after moving the clock; keep the real-time job out of the way.
            "CASELINE_REMINDER_TICK_SECONDS": "3600",
            **env,
        }
    )


@dataclass
class Person:
    """Someone with a Telegram account, talking to the bot in a private chat."""

    harness: BotHarness
    user_id: int
    first_name: str

    @property
    def fake(self) -> Any:
        return self.harness.state.user(self.user_id, first_name=self.first_name)

    async def send(self, text: str) -> list[Any]:
        """Send text; return the bot messages sent or edited in this chat in reply."""
        return await self.harness.exchange(self.user_id, lambda: self.fake.send_text(text))

    def send_unanswered(self, text: str) -> None:
        """Send text while the bot is down: Telegram keeps it, dated now, for the restart."""
        self.fake.send_text(text)

    async def send_sticker(self) -> list[Any]:
        return await self.harness.exchange(self.user_id, lambda: self.fake.send_sticker())

    async def send_photo(self) -> list[Any]:
        return await self.harness.exchange(self.user_id, lambda: self.fake.send_photo(b"\x89PNG"))

    async def share_location(self, lat: float, lon: float, accuracy: float = 12.0) -> list[Any]:
        """Tap the bot's 📍 request-location button and confirm: the phone's position."""
        return await self.harness.exchange(
            self.user_id, lambda: self.fake.share_location(lat, lon, horizontal_accuracy=accuracy)
        )

    async def send_location(self, lat: float, lon: float, **fields: Any) -> list[Any]:
        """A location from the attachment menu (`live_period=…`: a live one)."""
        return await self.harness.exchange(
            self.user_id, lambda: self.fake.send_location(lat, lon, **fields)
        )

    async def send_venue(self, lat: float, lon: float) -> list[Any]:
        return await self.harness.exchange(
            self.user_id, lambda: self.fake.send_venue(lat, lon, "Café Mitte", "Markt 1")
        )

    async def forward_location(self, lat: float, lon: float) -> list[Any]:
        return await self.harness.exchange(
            self.user_id, lambda: self.fake.forward_location(lat, lon)
        )

    async def move_live_location(self, message_id: int, lat: float, lon: float) -> list[Any]:
        return await self.harness.exchange(
            self.user_id, lambda: self.fake.move_live_location(message_id, lat, lon)
        )

    def reply_keyboard(self) -> Any:
        """The reply keyboard the chat shows now (None: none)."""
        return self.harness.state.chat(self.user_id).reply_keyboard()

    async def press(self, message: Any, label: str) -> list[Any]:
        """Press the button whose label contains `label` on a bot message."""
        data = button_data(message, label)
        return await self.press_data(message.message_id, data)

    async def press_data(self, message_id: int, data: str) -> list[Any]:
        """Press with any callback data at all: forged presses included."""
        return await self.harness.exchange(self.user_id, lambda: self.fake.press(message_id, data))

    def messages(self) -> list[Any]:
        return self.harness.state.chat_log(self.user_id)

    def last(self) -> Any:
        return self.messages()[-1]

    def toasts(self) -> list[str]:
        return [
            event.params.get("text") or ""
            for event in self.harness.state.events()
            if event.kind == "answer_callback" and event.chat_id == self.user_id
        ]


def buttons(message: Any) -> list[tuple[str, str]]:
    markup = message.reply_markup or {}
    return [
        (button["text"], button.get("callback_data", ""))
        for row in markup.get("inline_keyboard", [])
        for button in row
    ]


def button_data(message: Any, label: str) -> str:
    for text, data in buttons(message):
        if label in text:
            return data
    raise AssertionError(f"no button {label!r} on message: {buttons(message)}")


@dataclass
class BotHarness:
    server: BotApiServer
    db: Database
    db_url: str
    clock: FixedClock
    env: dict[str, str] = field(default_factory=dict)
    # The sending budget (bot/pacing.py), as `caseline run` has it; off by default so tests
    # run at full pace.
    rate_limiter: bool = False
    # What the bot asks Telegram for, as `caseline run` does; a test of the gate may ask for
    # more, as a bot whose subscription was set by an older version would get.
    allowed_updates: Sequence[str] = UPDATE_TYPES
    # /healthz and /metrics on this port (0: any free one; see `health_port`); None: off.
    metrics_port: int | None = None
    application: Any = None
    poller: InboxPoller | None = None

    @property
    def state(self) -> Any:
        return self.server.bot(TOKEN)

    async def start(self) -> None:
        # Telegram's dates on the bot's timeline: a message sent while the bot is down is
        # dated when it was sent, and handled as late as the clock has moved since.
        self.server.follow_clock(lambda: self.clock.now().timestamp())
        settings = settings_for(self.server, self.db_url, **self.env)
        if self.metrics_port is not None:
            settings = dataclasses.replace(settings, metrics_port=self.metrics_port)
        self.application = build_application(
            settings, self.db, self.clock, rate_limiter=self.rate_limiter
        )
        await self.application.initialize()
        # What run_polling() does between initialize() and start().
        if self.application.post_init:
            await self.application.post_init(self.application)
        await self.application.start()
        # The inbox poller `caseline run` polls with (bot/inbox.py), not PTB's Updater.
        self.poller = InboxPoller(
            self.application, self.db, self.clock, timeout=1, allowed_updates=self.allowed_updates
        )
        await self.poller.start()

    async def stop(self) -> None:
        """A clean stop, as on SIGTERM."""
        if self.application is None:
            return
        app, self.application = self.application, None
        if self.poller is not None:
            await self.poller.stop()
            self.poller = None
        if app.running:
            await app.stop()
        await app.shutdown()
        # What run_polling() does after shutdown().
        if app.post_shutdown:
            await app.post_shutdown(app)

    @property
    def health_port(self) -> int:
        """The port /healthz and /metrics were bound to."""
        return self.application.bot_data["health"].port

    @property
    def webapp_port(self) -> int:
        """The port the Mini App was bound to (CASELINE_WEBAPP_PORT=0: any free one)."""
        return self.application.bot_data["webapp"].port

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def person(self, user_id: int, first_name: str = "Test") -> Person:
        self.state.user(user_id, first_name=first_name)
        return Person(self, user_id, first_name)

    async def exchange(self, chat_id: int, act: Any) -> list[Any]:
        """Do one user action and wait until the bot has fully handled it."""
        before = self.state.last_seq
        await _maybe_await(act())
        await self.settle()
        touched = {
            event.message_id
            for event in self.state.events(chat_id)
            if event.seq > before and event.kind in ("send", "edit")
        }
        return [m for m in self.state.chat_log(chat_id) if m.message_id in touched]

    async def tick(self) -> Any:
        """One reminder tick at the current (injected) time, as the job would run it."""
        report = await self.application.bot_data["services"].reminders.tick()
        await self.settle()
        return report

    async def settle(self) -> None:
        """Wait until every queued update was fetched and fully processed."""
        await self.state.wait_until_delivered(timeout=SETTLE_TIMEOUT)
        processor = self.application.update_processor
        async with asyncio.timeout(SETTLE_TIMEOUT):
            quiet_rounds = 0
            # A fetched update passes through the queue and a task before the
            # processor counts it; a few quiet loop turns in a row mean it is done.
            while quiet_rounds < 5:
                busy = self.poller is not None and self.poller.holding
                # What an answer queued to push at once (ui.context.deliver_soon: a risk
                # alert, an approval request) goes out on a task of its own.
                pushing = [
                    task
                    for task in asyncio.all_tasks()
                    if task.get_name() == DELIVER_SOON and not task.done()
                ]
                if busy or self.application.update_queue.qsize() or processor.in_flight:
                    quiet_rounds = 0
                    await processor.wait_idle()
                elif pushing:
                    quiet_rounds = 0
                    await asyncio.gather(*pushing)
                else:
                    quiet_rounds += 1
                await asyncio.sleep(0)

    # Seeding through storage, for tests about something other than joining.
    async def seed_worker(
        self,
        user_id: int,
        name: str,
        role: Role = Role.WORKER,
        team: str | None = "North",
        timezone: str | None = None,
        language: str | None = None,
    ) -> Person:
        """A worker; `language` the one they chose (None: the organisation's)."""
        now = self.clock.now()
        async with self.db.session() as session:
            team_row = await get_or_create_team(session, team, now) if team else None
            worker = await create_worker(session, name=name, role=role, now=now, team=team_row)
            worker.telegram_user_id = user_id
            worker.chat_id = user_id
            worker.timezone = timezone
            worker.language = language
        return self.person(user_id, name.split()[0])

    async def speaks(self, user_id: int, language: str) -> None:
        """The worker with Telegram id `user_id` chooses `language`."""
        worker_id = await self.worker_id(user_id)
        async with self.db.session() as session:
            (await session.get(Worker, worker_id)).language = language

    async def seed_client(
        self, user_id: int, name: str = "Maria Gonzalez", **fields: object
    ) -> int:
        """A client on the caseload of the worker with Telegram id `user_id`: its id."""
        from storage.clients import create_client
        from storage.kinds import Program

        worker_id = await self.worker_id(user_id)
        async with self.db.session() as session:
            client = await create_client(
                session,
                name=name,
                program=Program.ELDERLY,
                contact_frequency_days=14,
                worker_id=worker_id,
                now=self.clock.now(),
            )
            for key, value in fields.items():
                setattr(client, key, value)
            return client.id

    async def seed_appointment(
        self,
        user_id: int,
        client_id: int,
        starts_at: datetime,
        kind: str = "home_visit",
        zone: str = "Europe/Berlin",
        **fields: object,
    ) -> int:
        """An hour's appointment of the worker with Telegram id `user_id` (`fields`: more of
        storage.appointments.schedule's arguments): its id."""
        from zoneinfo import ZoneInfo

        from storage import appointments as appointment_store
        from storage import clients as client_store
        from storage.kinds import InteractionType
        from storage.workers import Actor

        worker_id = await self.worker_id(user_id)
        actor = Actor(
            id=worker_id, name="", role="worker", team_id=None, timezone=None, chat_id=None
        )
        async with self.db.session() as session:
            client = await client_store.get_visible(session, actor, client_id)
            appointment = await appointment_store.schedule(
                session,
                client=client,
                worker_id=worker_id,
                starts_at=starts_at,
                duration_minutes=60,
                kind=InteractionType(kind),
                zone=ZoneInfo(zone),
                now=self.clock.now(),
                **fields,
            )
            return appointment.id

    async def move_client(self, client_id: int, to_user_id: int) -> None:
        """Hand a client to another worker, as a supervisor's transfer would."""
        from storage.models import Client

        worker_id = await self.worker_id(to_user_id)
        async with self.db.session() as session:
            (await session.get(Client, client_id)).worker_id = worker_id

    async def refused_subjects(self) -> list[int | None]:
        """The records named by refused attempts in the audit trail, oldest first."""
        from sqlalchemy import select

        from storage.machinery import AuditEvent

        statement = (
            select(AuditEvent.subject_id)
            .where(AuditEvent.allowed.is_(False))
            .order_by(AuditEvent.id)
        )
        async with self.db.session() as session:
            return list((await session.execute(statement)).scalars())

    async def worker_id(self, user_id: int) -> int:
        from sqlalchemy import select

        async with self.db.session() as session:
            return (
                await session.execute(select(Worker.id).where(Worker.telegram_user_id == user_id))
            ).scalar_one()

    async def invite_code(
        self, role: Role = Role.WORKER, team: str | None = "North", at: datetime | None = None
    ) -> str:
        now = at or self.clock.now()
        async with self.db.session() as session:
            team_row = await get_or_create_team(session, team, now) if team else None
            return await create_invite(session, role=role, now=now, team=team_row)


@asynccontextmanager
async def running(
    server: BotApiServer,
    db: Database,
    db_url: str,
    clock: FixedClock,
    *,
    allowed_updates: Sequence[str] = UPDATE_TYPES,
    metrics_port: int | None = None,
    **env: str,
) -> AsyncIterator[BotHarness]:
    """The bot started with these extra settings (the `harness` fixture has none), stopped
    when the block ends."""
    harness = BotHarness(
        server=server,
        db=db,
        db_url=db_url,
        clock=clock,
        env=env,
        allowed_updates=allowed_updates,
        metrics_port=metrics_port,
    )
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


async def _maybe_await(value: Any) -> Any:
    if asyncio.iscoroutine(value) or isinstance(value, asyncio.Future):
        return await value
    return value
