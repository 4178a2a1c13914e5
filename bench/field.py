"""Benchmarks that match the field (issue 15): latency below the cap, answers at the cap, and a
morning fan-out while workers keep writing.

    python -m bench.field latency [--workers 60] [--rate 20] [--seconds 30] [--no-limits]
    python -m bench.field cap     [--workers 60] [--seconds 20]
    python -m bench.field fanout  [--agendas 2000] [--workers 50] [--rate 20] [--via run|remind]

Every scenario starts the dev Bot API server (`python -m devserver`) in its own process with
the strict window Telegram's flood control amounts to: at most 30 messages in any sliding
second overall and 3 per chat, over that a 429 (`--no-limits` turns it off for `latency`).
The bot under test is `caseline run` as deployed (SQLite scratch database, or PostgreSQL with
`--postgres URL`); this process plays the workers. A worker posts a `/note C-xxxx …`
one-liner (every fourth message `/today`) and waits for the answer; latency is from posting
to the answer arriving here.

- `latency`: workers who *think* between messages (exponential think time with mean
  workers ÷ rate, so ~`--rate` updates/s are offered in total, well below the 30/s cap);
  the echo bot (`bench/echo_bot.py`), Caseline, and Caseline without its sending budget
  (`bench/caseline_uncapped.py`: what its own work costs, apart from the waits that keep it
  inside the window) one after the other on the same server, same seed: p50/p95/p99 and
  their ratio to echo, 429s, bot CPU per answer.
- `cap`: `--workers` in a closed loop (no think time), Caseline only: answers/s, 429s, p99.
- `fanout`: `--agendas` workers with a morning agenda each (one client due for a visit);
  their outbox rows are written due at once while `--workers` other workers (agendas muted)
  keep sending notes at ~`--rate`/s; the rows go out through `caseline run`'s own reminder
  tick (`--via run`, the default deployment) or a `caseline remind --once` started beside it
  (`--via remind`, the cron deployment). 429s (split by who got them: an agenda's chat or a
  worker waiting for an answer), the answers' p50/p99 during the fan-out (first agenda sent →
  last), and the fan-out's rate.

Prints Markdown tables; asserts nothing. Read ratios within a run, never across machines.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench import window_bound
from bench.common import (
    PY,
    Proc,
    cleanup,
    cpu_seconds,
    devserver,
    machine,
    migrate,
    percentile,
    scratch_postgres,
    seed_field_worker,
    spawn,
    sqlite_url,
    table,
    workdir,
)
from bench.throughput import KINDS, wait_ready
from devserver import DevServerClient

NOTE_BASE = 5_100_000  # Telegram ids of the workers who write
AGENDA_BASE = 5_300_000  # Telegram ids of the workers who only receive an agenda
CLIENTS_PER_WORKER = 3
OVERALL, PER_CHAT = 30, 3  # the strict window: messages in any sliding second


# ── seeding ────────────────────────────────────────────────────────────────────


async def seed(url: str, writers: int, agendas: int = 0) -> tuple[dict[int, list[str]], list[int]]:
    """`writers` workers with three clients each (their agendas muted, so every message in
    their chats answers a note), and `agendas` workers with one client due for a visit (so
    their morning agenda is not empty). Returns the writers' client codes by Telegram id and
    the agenda workers' database ids."""
    from storage.db import Database
    from storage.workers import get_or_create_team

    now = datetime.now(UTC)
    db = Database(url)
    codes: dict[int, list[str]] = {}
    agenda_ids: list[int] = []
    try:
        async with db.session() as session:
            team = await get_or_create_team(session, "Field", now)
            for base, count in ((NOTE_BASE, writers), (AGENDA_BASE, agendas)):
                writing = base == NOTE_BASE
                for index in range(count):
                    worker, clients = await seed_field_worker(
                        session,
                        team,
                        base + index,
                        CLIENTS_PER_WORKER if writing else 1,
                        frequency_days=2,  # due within the agenda's 3 days
                        now=now,
                    )
                    if writing:
                        worker.muted_reminder_kinds = frozenset({"agenda"})
                        codes[base + index] = [c.code for c in clients]
                    else:
                        await session.flush()
                        agenda_ids.append(worker.id)
    finally:
        await db.dispose()
    return codes, agenda_ids


async def enqueue_agendas(url: str, worker_ids: list[int]) -> None:
    """The morning's agenda rows, all due now, keyed as the reminder tick keys them (so the
    tick's own planning finds them there and adds none)."""
    from storage import outbox
    from storage.db import Database

    now = datetime.now(UTC)
    day = now.date().isoformat()  # the workers live in UTC
    db = Database(url)
    try:
        async with db.session() as session:
            for worker_id in worker_ids:
                await outbox.enqueue(
                    session,
                    key=f"agenda:{worker_id}:{day}",
                    kind="agenda",
                    worker_id=worker_id,
                    due_at=now,
                    now=now,
                    payload={"day": day},
                )
    finally:
        await db.dispose()


# ── processes ──────────────────────────────────────────────────────────────────


def bot_env(root: str, token: str, db_url: str | None, tick: float) -> dict[str, str]:
    env = {
        "CASELINE_BOT_TOKEN": token,
        "CASELINE_BOT_API_URL": f"{root}/bot",
        "CASELINE_REMINDER_TICK_SECONDS": str(tick),
        "CASELINE_TIMEZONE": "UTC",
    }
    if db_url:
        env["CASELINE_DATABASE_URL"] = db_url
    return env


BOTS = {
    "echo": "bench.echo_bot",
    "caseline": "bot.cli",
    # Caseline without its sending budget: what its own work costs in latency, apart from
    # the waits the budget imposes to stay inside Telegram's window.
    "uncapped": "bench.caseline_uncapped",
}


def start_bot(kind: str, env: dict[str, str], work: Path) -> Proc:
    args = [PY, "-m", BOTS[kind], *(["run"] if kind == "caseline" else [])]
    return spawn(args, work / f"{kind}.log", env)


# ── the workers ────────────────────────────────────────────────────────────────


@dataclass
class Run:
    name: str
    samples: list[tuple[float, float]] = field(default_factory=list)  # (sent, answered)
    answered_all: int = 0
    errors: int = 0
    wrong: int = 0
    cpu_seconds: float = 0.0
    measure_from: float = 0.0
    measure_to: float = 0.0
    agenda_times: list[float] = field(default_factory=list)  # server time of each agenda
    calls: list = field(default_factory=list)  # the dev server's call log of the run
    agenda_goal: int = 0
    all_agendas: asyncio.Event = field(default_factory=asyncio.Event)

    def latencies(self, start: float | None = None, end: float | None = None) -> list[float]:
        start = self.measure_from if start is None else start
        end = self.measure_to if end is None else end
        return [done - sent for sent, done in self.samples if start <= sent and done <= end]

    def p(self, q: float, start: float | None = None, end: float | None = None) -> float:
        return percentile(self.latencies(start, end), q) * 1000

    @property
    def seconds(self) -> float:
        return self.measure_to - self.measure_from

    @property
    def rate(self) -> float:
        answered = sum(
            1 for _, done in self.samples if self.measure_from <= done <= self.measure_to
        )
        return answered / self.seconds if self.seconds else 0.0

    @property
    def offered(self) -> float:
        sent = sum(1 for sent, _ in self.samples if self.measure_from <= sent <= self.measure_to)
        return sent / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        return self.cpu_seconds / self.answered_all * 1000 if self.answered_all else 0.0

    def why_429(self) -> str:
        """Which window each 429 hit, judged from the sends the server accepted in the second
        before it: "overall/per chat" counts."""
        sent = [c for c in self.calls if c.status == 200 and "chat_id" in c.params]
        overall = per_chat = 0
        for c in self.calls:
            if c.status != 429:
                continue
            recent = [s for s in sent if c.time - 1 < s.time <= c.time]
            chat = int(c.params.get("chat_id", 0))
            if sum(1 for s in recent if int(s.params["chat_id"]) == chat) >= PER_CHAT:
                per_chat += 1
            elif len(recent) >= OVERALL:
                overall += 1
        return f"{overall}/{per_chat}"

    def count_429(self, chats: set[int] | None = None) -> int:
        return sum(
            1
            for c in self.calls
            if c.status == 429 and (chats is None or int(c.params.get("chat_id", 0)) in chats)
        )


async def drive(
    root: str,
    token: str,
    codes: dict[int, list[str]],
    *,
    name: str,
    think: float,
    warmup: float,
    until: Callable[[Run], asyncio.Future | asyncio.Task],
    check: str | None,
    agenda_chats: frozenset[int] = frozenset(),
    agenda_goal: int = 0,
    seed_value: int = 15,
) -> Run:
    """Workers post and wait for the answer, thinking `think` seconds on average in between
    (exponential; 0 = a closed loop). After `warmup` s, `until(run)` is awaited: the measured
    window ends when it returns."""
    run = Run(name, agenda_goal=agenda_goal)
    rng = random.Random(seed_value)
    client = DevServerClient(root, token, timeout=30)
    limits = httpx.Limits(max_connections=2 * len(codes) + 10)
    client._http._transport = httpx.AsyncHTTPTransport(limits=limits)  # noqa: SLF001
    for user_id in codes:
        await client.user(user_id, f"W{user_id}")
    for chat in agenda_chats:
        await client.user(chat, f"A{chat}")
    start_seq = await client.last_seq()
    first_call = len(await client.calls(0))
    stop = asyncio.Event()
    waiting: dict[int, asyncio.Future] = {}

    finished = asyncio.Event()  # every worker has its last answer (or gave up on it)

    async def dispatcher() -> None:
        after = start_seq
        while not finished.is_set():
            try:
                events = await client.wait_for_events(after, 1, kinds="send", timeout=2)
            except TimeoutError:
                continue
            now = time.monotonic()
            for event in events:
                after = max(after, event.seq)
                if event.chat_id in agenda_chats:
                    run.agenda_times.append(event.time)
                    if len(run.agenda_times) >= run.agenda_goal:
                        run.all_agendas.set()
                    continue
                future = waiting.pop(event.chat_id or 0, None)
                if future is not None and not future.done():
                    future.set_result((now, event))

    async def worker(user_id: int, pause: random.Random) -> None:
        n = 0
        if think:
            # As if each worker had been at it all along (an exponential think is
            # memoryless): the offered rate is 60/think from the first second. Starting
            # them uniformly over 2 × think added workers/2·think of first messages on top
            # of the steady rate, which peaked at ~30/s: the window's limit, not ~20/s.
            await asyncio.sleep(pause.expovariate(1 / think))
        while not stop.is_set():
            n += 1
            code = codes[user_id][n % len(codes[user_id])]
            text = (
                "/today"
                if n % 4 == 0
                else f"/note {code} {KINDS[n % len(KINDS)]} checked meds, pantry ok, next week {n}"
            )
            future = asyncio.get_running_loop().create_future()
            waiting[user_id] = future
            sent = time.monotonic()
            try:
                await client.send_text(user_id, text)
                done, event = await asyncio.wait_for(future, 30)
            except Exception:  # noqa: BLE001 (timeouts and HTTP errors are counted)
                run.errors += 1
                waiting.pop(user_id, None)
                continue
            run.answered_all += 1
            run.samples.append((sent, done))
            if check and not text.startswith("/today"):
                if check not in (event.params.get("text") or ""):
                    run.wrong += 1
            if think:
                try:
                    await asyncio.wait_for(stop.wait(), pause.expovariate(1 / think))
                except TimeoutError:
                    pass

    reader = asyncio.create_task(dispatcher())
    workers = [asyncio.create_task(worker(uid, random.Random(rng.random()))) for uid in codes]
    await asyncio.sleep(warmup)
    run.measure_from = time.monotonic()
    await until(run)
    run.measure_to = time.monotonic()
    stop.set()
    await asyncio.gather(*workers)
    finished.set()
    await reader
    run.calls = [c for c in (await client.calls(0))[first_call:] if c.method != "getUpdates"]
    await client.aclose()
    return run


def for_seconds(seconds: float) -> Callable[[Run], asyncio.Task]:
    return lambda _run: asyncio.ensure_future(asyncio.sleep(seconds))


# ── scenarios ──────────────────────────────────────────────────────────────────


class Database:
    """A scratch database for one bot: a SQLite file or a PostgreSQL database."""

    def __init__(self, args: argparse.Namespace, work: Path, name: str) -> None:
        self._ctx = scratch_postgres(args.postgres) if args.postgres else None
        self.url = self._ctx.__enter__() if self._ctx else sqlite_url(work / f"{name}.db")
        migrate(self.url)

    def close(self) -> None:
        if self._ctx is not None:
            self._ctx.__exit__(None, None, None)


def measure(
    kind: str,
    root: str,
    work: Path,
    args: argparse.Namespace,
    *,
    think: float,
    seconds: float,
    token: str,
) -> Run:
    db = None
    if kind == "echo":
        codes = {NOTE_BASE + i: [f"C-{i:04d}"] for i in range(args.workers)}
    else:
        db = Database(args, work, kind)
        codes, _ = asyncio.run(seed(db.url, args.workers))
    proc = start_bot(kind, bot_env(root, token, db.url if db else None, 3600), work)
    try:
        asyncio.run(wait_ready(root, token, NOTE_BASE))
        cpu_before = cpu_seconds(proc.popen.pid)
        run = asyncio.run(
            drive(
                root,
                token,
                codes,
                name=kind,
                think=think,
                warmup=args.warmup,
                until=for_seconds(seconds),
                check=None if kind == "echo" else "saved",
            )
        )
        run.cpu_seconds = cpu_seconds(proc.popen.pid) - cpu_before
        return run
    finally:
        proc.stop()
        if db is not None:
            db.close()


def latency(args: argparse.Namespace, root: str, work: Path) -> None:
    think = args.workers / args.rate
    runs = [
        measure(kind, root, work, args, think=think, seconds=args.seconds, token=f"95{i}:FIELD")
        for i, kind in enumerate(("echo", "caseline", "uncapped"))
    ]
    echo = runs[0]
    print(
        f"\n{header(args)}; {args.workers} workers thinking {think:.1f} s on average "
        f"(~{args.rate:g} updates/s offered); {args.seconds:.0f} s measured after "
        f"{args.warmup:.0f} s warm-up per bot"
    )
    print(
        table(
            [
                "bot",
                "offered/s",
                "answers/s",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "429s",
                "overall/per chat",
                "errors",
                "wrong answers",
                "bot CPU ms/answer",
            ],
            [
                [
                    r.name,
                    r.offered,
                    r.rate,
                    r.p(50),
                    r.p(95),
                    r.p(99),
                    r.count_429(),
                    r.why_429(),
                    r.errors,
                    r.wrong,
                    r.cpu_ms,
                ]
                for r in runs
            ],
        )
    )
    print()
    print(
        table(
            ["÷ echo", "p50", "p95", "p99 (goal ≤ 2)", "bot CPU per answer (goal ≤ 2.5)"],
            [
                [
                    run.name,
                    ratio(run.p(50), echo.p(50)),
                    ratio(run.p(95), echo.p(95)),
                    ratio(run.p(99), echo.p(99)),
                    ratio(run.cpu_ms, echo.cpu_ms),
                ]
                for run in runs[1:]
            ],
        )
    )
    if not args.no_limits:
        floor = window_bound.simulate(
            workers=args.workers, think=think, seconds=20_000, rtt=0.0, limit=OVERALL
        )
        print(
            f"\nA bot that keeps to the window however fast it is (bench.window_bound, this "
            f"load, 20,000 s simulated): {floor.waited * 100:.1f} % of answers wait, the "
            f"wait's p99 ≥ {floor.p99_ms:.0f} ms."
        )


def cap(args: argparse.Namespace, root: str, work: Path) -> None:
    run = measure("caseline", root, work, args, think=0, seconds=args.seconds, token="961:FIELD")
    print(
        f"\n{header(args)}; {args.workers} workers in a closed loop; {args.seconds:.0f} s "
        f"measured after {args.warmup:.0f} s warm-up"
    )
    print(
        table(
            [
                "bot",
                "workers",
                "answers/s (goal ≥ 27)",
                "429s (goal 0)",
                "overall/per chat",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "errors",
                "wrong answers",
                "bot CPU ms/answer",
            ],
            [
                [
                    run.name,
                    args.workers,
                    run.rate,
                    run.count_429(),
                    run.why_429(),
                    run.p(50),
                    run.p(95),
                    run.p(99),
                    run.errors,
                    run.wrong,
                    run.cpu_ms,
                ]
            ],
        )
    )


def fanout(args: argparse.Namespace, root: str, work: Path) -> None:
    token = "971:FIELD"
    db = Database(args, work, "fanout")
    started = time.monotonic()
    codes, agenda_ids = asyncio.run(seed(db.url, args.workers, args.agendas))
    seeded = time.monotonic() - started
    agenda_chats = frozenset(AGENDA_BASE + i for i in range(args.agendas))
    tick = args.tick if args.via == "run" else 3600
    proc = start_bot("caseline", bot_env(root, token, db.url, tick), work)
    remind: list[Proc] = []

    async def fan_out(run: Run) -> None:
        await enqueue_agendas(db.url, agenda_ids)
        if args.via == "remind":
            env = bot_env(root, token, db.url, 3600)
            remind.append(
                spawn([PY, "-m", "bot.cli", "remind", "--once"], work / "remind.log", env)
            )
        try:
            await asyncio.wait_for(run.all_agendas.wait(), args.limit)
        except TimeoutError:
            pass  # the table shows how many went
        await asyncio.sleep(2)  # the answers still in flight when the last agenda went

    try:
        asyncio.run(wait_ready(root, token, NOTE_BASE))
        cpu_before = cpu_seconds(proc.popen.pid)
        run = asyncio.run(
            drive(
                root,
                token,
                codes,
                name="caseline",
                think=args.workers / args.rate,
                warmup=args.warmup,
                until=lambda run: asyncio.ensure_future(fan_out(run)),
                check="saved",
                agenda_chats=agenda_chats,
                agenda_goal=args.agendas,
            )
        )
        run.cpu_seconds = cpu_seconds(proc.popen.pid) - cpu_before
        for extra in remind:
            extra.popen.wait(30)
    finally:
        proc.stop()
        for extra in remind:
            extra.stop()
        db.close()
    times = sorted(run.agenda_times)
    first, last = (times[0], times[-1]) if times else (run.measure_from, run.measure_from)
    span = last - first
    writers = set(codes)
    before = run.latencies(run.measure_from, first)
    via = (
        f"`caseline run` (tick {tick:g} s)"
        if args.via == "run"
        else "`caseline remind --once` beside `caseline run`"
    )
    print(
        f"\n{header(args)}; {args.agendas} agendas due at once via {via}; "
        f"{args.workers} workers writing at "
        f"~{args.rate:g}/s; seeding took {seeded:.0f} s"
    )
    print(
        table(
            [
                "agendas sent",
                "first → last s",
                "agendas/s",
                "enqueued → first s",
                "429s agendas",
                "429s answers",
                "overall/per chat",
                "answers during",
                "answers/s during",
                "p50 ms during",
                "p99 ms during (goal ≤ 2,000)",
                "p99 ms before",
                "errors",
                "wrong answers",
            ],
            [
                [
                    len(times),
                    span,
                    (len(times) - 1) / span if span > 0 else 0.0,
                    first - run.measure_from,
                    run.count_429(set(agenda_chats)),
                    run.count_429(writers),
                    run.why_429(),
                    len(run.latencies(first, last)),
                    len(run.latencies(first, last)) / span if span > 0 else 0.0,
                    run.p(50, first, last),
                    run.p(99, first, last),
                    percentile(before, 99) * 1000,
                    run.errors,
                    run.wrong,
                ]
            ],
        )
    )


def ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def header(args: argparse.Namespace) -> str:
    limits = (
        "off"
        if getattr(args, "no_limits", False)
        else f"{OVERALL}/s overall, {PER_CHAT}/s per chat"
    )
    return (
        f"{machine()}; database: {'PostgreSQL' if args.postgres else 'SQLite'}; "
        f"dev server strict window: {limits}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="scenario", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--postgres", help="PostgreSQL URL: a scratch database is made beside it")
    common.add_argument("--warmup", type=float, default=3)
    common.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    lat = sub.add_parser("latency", parents=[common], help="think-time load below the cap")
    lat.add_argument("--workers", type=int, default=60)
    lat.add_argument("--rate", type=float, default=20, help="updates/s offered in total")
    lat.add_argument("--seconds", type=float, default=30)
    lat.add_argument("--no-limits", action="store_true", help="the dev server enforces nothing")
    at_cap = sub.add_parser("cap", parents=[common], help="a closed loop at the cap")
    at_cap.add_argument("--workers", type=int, default=60)
    at_cap.add_argument("--seconds", type=float, default=20)
    fan = sub.add_parser("fanout", parents=[common], help="a morning fan-out while workers write")
    fan.add_argument("--agendas", type=int, default=2000)
    fan.add_argument("--workers", type=int, default=50)
    fan.add_argument("--rate", type=float, default=20, help="notes/s offered by the workers")
    fan.add_argument("--via", choices=["run", "remind"], default="run")
    fan.add_argument("--tick", type=float, default=5, help="`caseline run`'s reminder tick, s")
    fan.add_argument("--limit", type=float, default=180, help="give up on the fan-out after, s")
    args = parser.parse_args()
    work = workdir("field")
    try:
        with devserver(work) as root:
            if not getattr(args, "no_limits", False):
                asyncio.run(set_strict_window(root))
            {"latency": latency, "cap": cap, "fanout": fanout}[args.scenario](args, root, work)
    finally:
        if args.keep:
            print(f"logs in {work}")
        else:
            cleanup(work)


async def set_strict_window(root: str) -> None:
    # The limits are server-wide (every token); the control client needs some token.
    async with DevServerClient(root, "1:LIMITS") as control:
        await control.set_rate_limits(
            True, overall_per_second=OVERALL, per_chat_per_second=PER_CHAT
        )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
