"""Crash anywhere: a real `caseline run` killed with SIGKILL, again and again, while case
workers keep writing notes and reminders keep falling due.

    python -m tests.soak.kill_soak --kills 20                  # SQLite
    CASELINE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
        python -m tests.soak.kill_soak --kills 20 --postgres   # PostgreSQL

(from the repository root, with the project's virtualenv). Not collected by `pytest`.

Simulated workers (default 5) write one-line notes (`/note C-0007 phone: …`) and dialog
notes (/note → kind → text → ⚠ Risk now and then → ✅ Save, or /cancel half-way) as fast
as the bot answers, each note carrying a unique marker. A worker who gets no answer does
what a person would: presses Save again if that was the step, else /cancel and start
over. The bot runs the scheduler (a tick every second) with an appointment reminder
falling due every few seconds, morning agendas, a supervisor digest and risk alerts.

A killer SIGKILLs the bot at random moments (random.Random with a printed seed): after
a random pause, a few milliseconds after a Save press (mid-save), or the instant a
reminder reaches Telegram (mid-drain); then restarts it. At the end, after the outbox
has drained (rows in flight at a kill wait out their 5-minute lease), it checks:

- every note whose "Note N-x saved" a worker saw is in the database (lost = 0);
- no note is in the database twice, and nothing cancelled was saved;
- every reminder that fell due reached its worker, and none twice — except a message
  Telegram took at the very instant of a kill (the documented at-least-once case,
  counted apart);
- one agenda per worker, one digest, one alert per risk note;
- dialogs interrupted by a kill were resumed at their step.

It prints the figures and exits 1 when a confirmed note was lost or anything else broke.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from devserver import BotApiServer
from storage import appointments as appointment_store
from storage import clients as client_store
from storage import migrate
from storage.db import Database
from storage.kinds import InteractionType, Program, Role
from storage.machinery import InboxUpdate, OutboxMessage
from storage.models import Appointment, Note
from storage.workers import create_worker, get_or_create_team
from tests.databases import fresh_database_url
from tests.harness import TOKEN
from tests.test_restart import BotProcess

MARKER = re.compile(r"soak-\d+-\d+")
SAVE_BUTTON = re.compile(r"nt:save:\d+")
FIRST_USER = 1001
SUPERVISOR = 900
# How long a worker waits for an answer once the bot is up (an update the bot had taken
# when it was killed is never answered: the worker then moves on, as a person would).
STEP_TIMEOUT = 5.0
LEASE = timedelta(minutes=5)
# How much sooner than a whole lease after the first chart a resend can come: the row was
# claimed a little before its chart went out.
LEASE_SLACK = 60.0
APPOINTMENT_EVERY = timedelta(seconds=15)


# ── what happened, as the simulated people saw it ──────────────────────────────


@dataclass
class Figures:
    kills: Counter = field(default_factory=Counter)
    kill_times: list[float] = field(default_factory=list)
    operations: Counter = field(default_factory=Counter)
    confirmed: dict[str, int] = field(default_factory=dict)  # marker → note id shown
    repressed: set[str] = field(default_factory=set)  # Save pressed again after silence
    cancelled: set[str] = field(default_factory=set)
    risky: set[str] = field(default_factory=set)
    abandoned: int = 0
    one_liners: set[str] = field(default_factory=set)  # every one-line note's marker sent
    retried: int = 0  # a step done again after no answer
    spanned: int = 0  # dialogs finished with a confirmation although a kill fell inside
    generation: int = 0
    up_since: float = 0.0  # monotonic time the bot last became ready
    down: bool = True
    latencies: list[float] = field(default_factory=list)


class Bot:
    """The `caseline run` process and its restarts."""

    def __init__(self, process: BotProcess, state, figures: Figures) -> None:
        self.process = process
        self.state = state
        self.figures = figures
        self.up = asyncio.Event()

    async def start(self) -> None:
        ready_after = self._commands_set()
        await self.process.start()
        async with asyncio.timeout(60):
            # post_init has set the commands: polling starts right after.
            while self._commands_set() == ready_after:  # noqa: ASYNC110 (no event for it)
                await asyncio.sleep(0.05)
        self.figures.up_since, self.figures.down = time.monotonic(), False
        self.up.set()

    def _commands_set(self) -> int:
        return sum(1 for call in self.state.calls if call.method == "setMyCommands")

    async def kill(self) -> None:
        self.up.clear()
        self.figures.down = True
        await self.process.kill()


# ── one simulated worker ───────────────────────────────────────────────────────


class Worker:
    def __init__(self, number: int, state, figures: Figures, rng: random.Random, saving) -> None:
        self.number = number
        self.user_id = FIRST_USER + number
        self.fake = state.user(self.user_id, first_name=f"Worker{number}")
        self.state = state
        self.figures = figures
        self.rng = rng
        self.saving = saving  # set when a Save press was just posted (the killer listens)
        self.codes: list[str] = []
        self.sequence = 0

    def marker(self) -> str:
        self.sequence += 1
        return f"soak-{self.number}-{self.sequence}"

    async def wait(self, after: int, wanted, within: float = STEP_TIMEOUT):
        """The first event in my chat after `after` for which `wanted(event)` is true;
        None when nothing came `within` seconds of the bot being up."""
        count = 1
        began = time.monotonic()
        while True:
            figures = self.figures
            deadline = max(began, figures.up_since) + within
            if not figures.down and time.monotonic() >= deadline:
                return None
            try:
                events = await self.state.wait_for_events(
                    after, count=count, chat_id=self.user_id, timeout=1.0
                )
            except TimeoutError:
                continue
            for event in events:
                if wanted(event):
                    figures.latencies.append(event.time - began)
                    return event
            count = len(events) + 1

    def message(self, message_id: int):
        return next(
            (m for m in self.state.chat_log(self.user_id) if m.message_id == message_id), None
        )

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            kind = self.rng.random()
            try:
                if kind < 0.45:
                    await self.one_liner()
                else:
                    await self.dialog(risk=kind > 0.9, cancel=0.45 <= kind < 0.5)
            except Exception as error:  # a bug in the soak must not look like the bot's
                print(f"worker {self.number}: {type(error).__name__}: {error}", file=sys.stderr)
                raise
            await asyncio.sleep(self.rng.uniform(0, 0.2))

    async def one_liner(self) -> None:
        marker = self.marker()
        self.figures.operations["one-line note"] += 1
        code = self.rng.choice(self.codes)
        seq = self.state.last_seq
        self.fake.send_text(f"/note {code} phone: {marker}")
        self.figures.one_liners.add(marker)
        shown = await self.wait(seq, lambda e: _saved(e, marker))
        if shown is None:
            self.figures.abandoned += 1
            return
        self.figures.confirmed[marker] = _note_id(shown)

    async def step(self, act, wanted):
        """Do `act` and wait for the answer; when none comes, do it again once — what a
        person does when the bot was obviously away. None when still nothing."""
        for attempt in range(2):
            seq = self.state.last_seq
            act()
            answer = await self.wait(seq, wanted)
            if answer is not None:
                return answer
            if attempt == 0:
                self.figures.retried += 1
        return None

    async def dialog(self, *, risk: bool, cancel: bool) -> None:
        marker = self.marker()
        self.figures.operations["dialog note"] += 1
        generation = self.figures.generation
        code = self.rng.choice(self.codes)
        asked = await self.step(
            lambda: self.fake.send_text(f"/note {code}"),
            lambda e: "nt:kind:" in str(e.params.get("reply_markup")),
        )
        if asked is None:
            return await self.give_up()
        card = await self.step(
            lambda: self.fake.press(asked.message_id, "nt:kind:phone"),
            lambda e: e.kind == "send" and "Note draft" in _text(e),
        )
        if card is None:
            return await self.give_up()
        card = await self.step(
            lambda: self.fake.send_text(f"dialog {marker}"),
            lambda e: e.kind == "send" and marker in _text(e),
        )
        if card is None:
            return await self.give_up()
        if cancel:
            seq = self.state.last_seq
            self.fake.send_text("/cancel")
            if await self.wait(seq, lambda e: "Cancelled" in _text(e)) is not None:
                self.figures.cancelled.add(marker)
            return None
        if risk:
            asked = await self.step(
                lambda: self.fake.press(card.message_id, "nt:risk:"),
                lambda e: "What is the risk" in _text(e),
            )
            if asked is None:
                return await self.give_up()
            card = await self.step(
                lambda: self.fake.send_text(f"risk {marker}"),
                lambda e: e.kind == "send" and "⚠" in _text(e),
            )
            if card is None:
                return await self.give_up()
            self.figures.risky.add(marker)
        for attempt in range(2):
            seq = self.state.last_seq
            # The live card's own Save (it carries the draft's revision), as a thumb would.
            current = self.message(card.message_id)
            found = SAVE_BUTTON.search(str(current.reply_markup if current else ""))
            if found is None:
                break
            self.fake.press(card.message_id, found.group(0))
            self.saving.set()
            shown = await self.wait(seq, lambda e: _saved(e, marker))
            if shown is not None:
                self.figures.confirmed[marker] = _note_id(shown)
                if self.figures.generation != generation:
                    self.figures.spanned += 1
                return None
            # Nothing came back. The card still shows ✅ Save: press it again, once.
            still = self.message(card.message_id)
            if attempt or still is None or "nt:save:" not in str(still.reply_markup):
                break
            self.figures.repressed.add(marker)
        return await self.give_up()

    async def give_up(self) -> None:
        self.figures.abandoned += 1
        seq = self.state.last_seq
        self.fake.send_text("/cancel")
        await self.wait(seq, lambda e: e.kind == "send")


def _text(event) -> str:
    return event.params.get("text") or ""


def _caption(event) -> str:
    return event.params.get("caption") or ""


def _saved(event, marker: str) -> bool:
    text = _text(event)
    return "Note N-" in text and "saved" in text and marker in text


def _note_id(event) -> int:
    return int(re.search(r"Note N-(\d+)", _text(event)).group(1))


# ── the killer ─────────────────────────────────────────────────────────────────


async def killer(bot: Bot, state, figures: Figures, rng: random.Random, args, saving) -> None:
    for _ in range(args.kills):
        await bot.up.wait()
        gap = rng.uniform(args.min_gap, args.max_gap)
        mode = rng.choices(["random", "mid-save", "mid-drain"], weights=[4, 3, 3])[0]
        if mode == "random":
            await asyncio.sleep(gap)
        elif mode == "mid-save":
            await asyncio.sleep(args.min_gap)
            saving.clear()
            try:
                await asyncio.wait_for(saving.wait(), gap)
                await asyncio.sleep(rng.uniform(0, 0.06))
            except TimeoutError:
                mode = "random"
        else:
            await asyncio.sleep(args.min_gap)
            try:
                await _reminder_sent(state, state.last_seq, gap)
            except TimeoutError:
                mode = "random"
        figures.generation += 1
        figures.kill_times.append(time.monotonic())
        await bot.kill()
        figures.kills[mode] += 1
        print(f"  kill {sum(figures.kills.values()):3} ({mode})", flush=True)
        await asyncio.sleep(rng.uniform(0, 1.0))
        await bot.start()


async def _reminder_sent(state, after: int, within: float) -> list:
    """Wait for a reminder (⏰) to reach Telegram; kill the instant it does."""
    count = 1
    deadline = time.monotonic() + within
    while True:
        events = await state.wait_for_events(
            after, count=count, kinds="send", timeout=max(0.01, deadline - time.monotonic())
        )
        hits = [e for e in events if _text(e).startswith("⏰")]
        if hits:
            return hits
        count = len(events) + 1


# ── seeding and checking ───────────────────────────────────────────────────────


async def seed(url: str, workers: int, duration: timedelta) -> dict[int, list[str]]:
    db = Database(url)
    now = datetime.now(UTC)
    zone = ZoneInfo("Europe/Berlin")
    codes: dict[int, list[str]] = {}
    try:
        async with db.session() as session:
            team = await get_or_create_team(session, "Soak", now)
            sue = await create_worker(
                session, name="Sue Soak", role=Role.SUPERVISOR, now=now, team=team
            )
            people = [sue]
            for number in range(workers):
                person = await create_worker(
                    session, name=f"Worker {number}", role=Role.WORKER, now=now, team=team
                )
                people.append(person)
            for person in people:
                # No quiet hours, no days off, the day starting at midnight: everything
                # due is pushed at once, whatever time the soak runs.
                person.quiet_start = person.quiet_end = clock_time(0, 0)
                person.days_off = frozenset()
                person.start_of_day = person.digest_time = clock_time(0, 0)
            sue.telegram_user_id = sue.chat_id = SUPERVISOR
            await session.flush()
            for number, person in enumerate(people[1:]):
                person.telegram_user_id = person.chat_id = FIRST_USER + number
                codes[number] = []
                for k in range(3):
                    client = await client_store.create_client(
                        session,
                        name=f"Client {number}-{k}",
                        program=Program.ELDERLY,
                        contact_frequency_days=14,
                        worker_id=person.id,
                        now=now - timedelta(days=30),
                    )
                    client.last_contact_at = now - timedelta(days=20)  # overdue: in the agenda
                    codes[number].append(client.code)
                # A reminder falls due every APPOINTMENT_EVERY (lead 60 min), staggered.
                start = now + timedelta(minutes=60, seconds=3 + 2 * number)
                moments = int(duration / APPOINTMENT_EVERY) + 1
                for j in range(moments):
                    appointment = await appointment_store.schedule(
                        session,
                        client=client,
                        worker_id=person.id,
                        starts_at=start + j * APPOINTMENT_EVERY,
                        duration_minutes=30,
                        kind=InteractionType.HOME_VISIT,
                        zone=zone,
                        now=now,
                    )
                    appointment.place = f"soak-appt-{appointment.id}"
    finally:
        await db.dispose()
    return codes


async def settle_outbox(url: str, started: datetime, deadline: float) -> tuple[int, float]:
    """Until every reminder due so far went out (or the deadline): (rows left, seconds)."""
    db = Database(url)
    began = time.monotonic()
    try:
        while True:
            now = datetime.now(UTC)
            async with db.session() as session:
                open_rows = (
                    await session.execute(
                        select(OutboxMessage.id).where(
                            OutboxMessage.status.in_(["pending", "sending"])
                        )
                    )
                ).all()
                due = (
                    await session.execute(
                        select(Appointment.id).where(
                            Appointment.starts_at <= now + timedelta(minutes=60, seconds=-5),
                            Appointment.starts_at > started + timedelta(minutes=60),
                        )
                    )
                ).scalars()
                queued = set(
                    (
                        await session.execute(
                            select(OutboxMessage.subject_id).where(OutboxMessage.kind == "appt")
                        )
                    ).scalars()
                )
            missing = [a for a in due if a not in queued]
            if not open_rows and not missing:
                return 0, time.monotonic() - began
            if time.monotonic() > deadline:
                return len(open_rows) + len(missing), time.monotonic() - began
            await asyncio.sleep(2)
    finally:
        await db.dispose()


async def check(url: str, state, figures: Figures, workers: list[Worker], cutoff: datetime):
    db = Database(url)
    try:
        async with db.session() as session:
            notes = (await session.execute(select(Note.id, Note.text, Note.risk_flag))).all()
            rows = (await session.execute(select(OutboxMessage))).scalars().all()
            appointments = (
                await session.execute(
                    select(Appointment.id, Appointment.worker_id, Appointment.starts_at)
                )
            ).all()
            claims = select(InboxUpdate.update_id, InboxUpdate.handled_at)
            inbox = (await session.execute(claims)).all()
    finally:
        await db.dispose()
    in_db: dict[str, list[int]] = defaultdict(list)
    risky_in_db = set()
    for note_id, text, risk in notes:
        for marker in set(MARKER.findall(text or "")):
            in_db[marker].append(note_id)
            if risk:
                risky_in_db.add(marker)
    lost = sorted(m for m in figures.confirmed if m not in in_db)
    # A one-line note sent and neither stored nor answered: its update died in the bot.
    never_stored = sorted(m for m in figures.one_liners if m not in in_db)
    # Update ids the server handed out (ids 1 … n), against what reached the inbox.
    sent_ids = set(range(1, state.updates._next_id))
    stored_ids = {update_id for update_id, _ in inbox}
    handled_ids = {update_id for update_id, handled in inbox if handled is not None}
    unseen = sorted(m for m in in_db if m not in figures.confirmed)
    twice = {m: ids for m, ids in in_db.items() if len(ids) > 1}
    repress_twice = {m for m in twice if m in figures.repressed}
    half_written = sorted(m for m in figures.cancelled if m in in_db)

    # Reminders: every due one delivered once (its place names the appointment).
    sends = [e for e in state.events() if e.kind == "send"]
    by_place = defaultdict(list)
    for event in sends:
        text = _text(event)
        if text.startswith("⏰"):
            found = re.search(r"soak-appt-(\d+)", text)
            if found:
                by_place[int(found.group(1))].append(event)
    due = [a for a in appointments if a.starts_at - timedelta(minutes=60) <= cutoff]
    missed = [a.id for a in due if not by_place.get(a.id)]
    # How late each reminder reached Telegram (event times are monotonic; due times UTC).
    wall_minus_mono = time.time() - time.monotonic()
    delays = sorted(
        by_place[a.id][0].time + wall_minus_mono - (a.starts_at - timedelta(minutes=60)).timestamp()
        for a in due
        if by_place.get(a.id)
    ) or [0.0]
    doubled = {a: events for a, events in by_place.items() if len(events) > 1}
    in_flight = {
        a
        for a, events in doubled.items()
        if any(0 <= kill - events[0].time <= 2.0 for kill in figures.kill_times)
    }
    agendas = Counter(
        e.chat_id for e in sends if "Good morning" in _text(e) and e.chat_id != SUPERVISOR
    )
    # The supervisor's pictures: the digest's chart (its caption 📊) and, on the weekly
    # trend's day (Monday unless changed), the trend (📈), which is not a digest.
    pictures = [e for e in sends if e.chat_id == SUPERVISOR and e.method == "sendPhoto"]
    charts = [e for e in pictures if _caption(e).startswith("📊")]
    trends = sum(1 for e in pictures if _caption(e).startswith("📈"))
    digests = len(charts)
    # A digest is a chart and its pages, paced a second apart: a kill in between leaves
    # the row claimed, and it is sent whole again once its lease ran out (at least once).
    # That is the signature of a resend: a kill after the first chart, and the next chart
    # a lease later (a living sender renews its lease, so nothing else waits that long).
    # Windows after the chart's pages missed kills when answers to workers held the pages
    # back on a loaded machine (bench/soak.md, runs 17 and 21).
    digests_in_flight = sum(
        1
        for chart in charts[1:]
        if chart.time - charts[0].time >= LEASE.total_seconds() - LEASE_SLACK
        and any(charts[0].time <= kill <= chart.time for kill in figures.kill_times)
    )
    alerts = Counter(
        marker
        for e in sends
        if e.chat_id == SUPERVISOR and "Risk flagged" in _text(e)
        for marker in MARKER.findall(_text(e))
    )
    alert_problems = {m: alerts[m] for m in risky_in_db if alerts[m] != 1}
    statuses = Counter(row.status for row in rows)
    keys = Counter(row.key for row in rows)
    return {
        "lost": lost,
        "never_stored": never_stored,
        "ids_sent": len(sent_ids),
        "ids_never_in_inbox": len(sent_ids - stored_ids),
        "ids_never_handled": len(sent_ids - handled_ids),
        "unseen": unseen,
        "twice": twice,
        "repress_twice": repress_twice,
        "half_written": half_written,
        "reminders_due": len(due),
        "delays": delays,
        "missed": missed,
        "doubled": doubled,
        "in_flight": in_flight,
        "agendas": agendas,
        "digests": digests,
        "digests_in_flight": digests_in_flight,
        "trends": trends,
        "alert_problems": alert_problems,
        "alerts": sum(alerts.values()),
        "risky_in_db": len(risky_in_db),
        "statuses": statuses,
        "duplicate_keys": [k for k, n in keys.items() if n > 1],
        "notes": len(notes),
        "workers": len(workers),
    }


# ── the run ────────────────────────────────────────────────────────────────────


async def soak(args) -> int:
    seed_value = args.seed if args.seed is not None else random.randrange(2**32)
    rng = random.Random(seed_value)
    backend = "postgres" if args.postgres else "sqlite"
    print(f"kill soak: seed {seed_value}, {args.kills} kills, {args.workers} workers, {backend}")
    duration = timedelta(seconds=args.kills * (args.min_gap + args.max_gap) / 2 + 120)
    server = BotApiServer()
    await server.start()
    figures = Figures()
    state = server.bot(TOKEN)
    with tempfile.TemporaryDirectory() as tmp:
        async with fresh_database_url(backend, Path(tmp)) as url:
            await asyncio.to_thread(migrate.upgrade, url)
            started = datetime.now(UTC)
            codes = await seed(url, args.workers, duration)
            process = BotProcess(server, url, Path(tmp) / "bot.log")
            process.env["CASELINE_REMINDER_TICK_SECONDS"] = "1"
            bot = Bot(process, state, figures)
            saving = asyncio.Event()
            workers = []
            for number in range(args.workers):
                worker = Worker(number, state, figures, random.Random(rng.random()), saving)
                worker.codes = codes[number]
                workers.append(worker)
            state.user(SUPERVISOR, first_name="Sue")
            stop = asyncio.Event()
            began = time.monotonic()
            try:
                await bot.start()
                tasks = [asyncio.create_task(w.run(stop)) for w in workers]
                await killer(bot, state, figures, rng, args, saving)
                await asyncio.sleep(3)  # let the last restart serve a little
                stop.set()
                await asyncio.wait(tasks, timeout=STEP_TIMEOUT * 12)
                for task in tasks:
                    if task.done() and task.exception():
                        raise task.exception()
                worked = time.monotonic() - began
                cutoff = datetime.now(UTC)
                print(f"  workers stopped after {worked:.0f}s; draining the outbox …", flush=True)
                left, waited = await settle_outbox(
                    url, started, time.monotonic() + LEASE.total_seconds() + 90
                )
                await asyncio.sleep(2)
            finally:
                await process.terminate()
            result = await check(url, state, figures, workers, cutoff)
            log = (Path(tmp) / "bot.log").read_text(errors="replace")
    await server.stop()

    ops = sum(figures.operations.values())
    print()
    print(f"seed                     {seed_value}")
    print(f"database                 {backend}")
    print(f"kills survived           {sum(figures.kills.values())} {dict(figures.kills)}")
    print(f"worker operations        {ops} {dict(figures.operations)} in {worked:.0f}s")
    latencies = sorted(figures.latencies) or [0.0]
    print(
        f"answer time              median {latencies[len(latencies) // 2] * 1000:.0f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.0f} ms"
    )
    print(f"notes confirmed          {len(figures.confirmed)}")
    print(f"confirmed notes lost     {len(result['lost'])} {result['lost'][:5]}")
    print(f"notes in the database    {result['notes']}")
    print(
        f"one-liners never stored  {len(result['never_stored'])} of "
        f"{len(figures.one_liners)} sent (neither saved nor answered) {result['never_stored'][:5]}"
    )
    print(
        f"update ids               {result['ids_sent']} sent; never in the inbox "
        f"{result['ids_never_in_inbox']}; never claimed by the gate "
        f"{result['ids_never_handled']}"
    )
    print(
        f"saved, never confirmed   {len(result['unseen'])} (killed between saving and "
        "saying so: a worker who sends it again has it twice)"
    )
    print(
        f"saved twice              {len(result['twice'])} (after Save pressed again: "
        f"{len(result['repress_twice'])}) {dict(list(result['twice'].items())[:5])}"
    )
    print(f"Save pressed again       {len(figures.repressed)} (no answer after a kill)")
    print(f"cancelled, yet saved     {len(result['half_written'])}")
    print(f"abandoned (no answer)    {figures.abandoned}")
    print(f"dialogs across a kill    {figures.spanned} finished at the step they were on")
    print(f"steps done again         {figures.retried} (no answer: the bot was down)")
    print(f"reminders due            {result['reminders_due']}")
    print(f"reminders missed         {len(result['missed'])} {result['missed'][:5]}")
    delays = result["delays"]
    print(
        f"reminder delay           median {delays[len(delays) // 2]:.1f}s, max "
        f"{delays[-1]:.0f}s, {sum(1 for d in delays if d > 60)} over a minute "
        "(claimed at a kill: they wait out the outbox lease)"
    )
    print(
        f"reminders sent twice     {len(result['doubled'])} "
        f"(in flight at a kill: {len(result['in_flight'])})"
    )
    print(f"agendas                  {dict(result['agendas'])}")
    print(
        f"digests                  {result['digests']} "
        f"(sent again after a kill mid-digest: {result['digests_in_flight']}); "
        f"weekly trends {result['trends']}"
    )
    print(
        f"risk alerts              {result['alerts']} for {result['risky_in_db']} risk notes; "
        f"wrong: {result['alert_problems']}"
    )
    print(
        f"outbox                   {dict(result['statuses'])}; duplicate keys "
        f"{result['duplicate_keys']}; waited {waited:.0f}s, left {left}"
    )
    print(
        f"log                      {log.count('failed with')} failed updates logged; "
        f"token in log: {TOKEN in log}"
    )
    # The error handler logs the exception's type and the traceback, never user text.
    for line in [line for line in log.splitlines() if "Error:" in line][:5]:
        print(f"                         {line[:160]}")

    broken = (
        result["lost"]
        or result["twice"]  # after a re-press too: see test_faults.py's crash test
        or result["half_written"]
        or result["missed"]
        or len(result["doubled"]) - len(result["in_flight"])
        or any(n != 1 for n in result["agendas"].values())
        or len(result["agendas"]) != args.workers
        or result["digests"] - result["digests_in_flight"] != 1
        or result["alert_problems"]
        or result["duplicate_keys"]
        or left
        or TOKEN in log
    )
    print("RESULT                   " + ("FAILED" if broken else "ok"))
    return 1 if broken else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.soak.kill_soak", description=__doc__)
    parser.add_argument("--kills", type=int, default=15)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--min-gap", type=float, default=2.0, help="seconds served between kills")
    parser.add_argument("--max-gap", type=float, default=8.0)
    parser.add_argument(
        "--postgres", action="store_true", help="use CASELINE_TEST_POSTGRES_URL's server"
    )
    args = parser.parse_args(argv)
    if args.postgres and not os.environ.get("CASELINE_TEST_POSTGRES_URL"):
        parser.error("--postgres needs CASELINE_TEST_POSTGRES_URL")
    return asyncio.run(soak(args))


if __name__ == "__main__":
    raise SystemExit(main())
