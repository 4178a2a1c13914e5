"""Answer throughput and latency: Caseline (`caseline run`) vs a bare PTB echo bot.

    python -m bench.throughput --workers 50 [--workers 200] [--postgres URL] [--seconds 20]

Three kinds of process: the dev Bot API server (rate limits off), the bot under test, and
this load driver. N simulated workers each loop: post a message (a `/note C-xxxx ...`
one-liner, every fourth one `/today`), wait for the bot's answer (the control API's events
long-poll, kind "send", that chat), repeat — a closed loop, no think time. Latency is from
posting the update to the answer event; throughput is answers per second over the measured
window (after a warm-up). Three bots run one after the other in the same run, on the same
dev server, with the same driver, so their ratios are what to read:

- `echo`: the framework floor (`bench/echo_bot.py`, PTB's defaults, no rate limiter);
- `caseline`: `caseline run` as deployed, its answers capped at Telegram's ~30 messages/s
  by its sending budget (bot/pacing.py);
- `uncapped`: the same application without that cap (`bench/caseline_uncapped.py`): what
  Caseline's own work per update costs next to the echo bot.

"bot CPU ms/answer" is the bot process's own CPU (all threads; not the database server's)
per answer: the steadiest figure on a shared machine. "PostgreSQL CPU ms/answer" is the
database server's, when it runs on this machine (bench.common.ServerCPU): on the benchmark's
two cores it competes with the bot, the dev server and the driver, so it weighs on
throughput though not on the bot's CPU. `--profile` records each Caseline
process with py-spy (folded stacks in the kept work folder).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.common import (
    PY,
    ServerCPU,
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
from devserver import DevServerClient

USER_BASE = 5_000_000
CLIENTS_PER_WORKER = 3
KINDS = ["Home visit", "phone:", "office:", "video:"]


async def seed(url: str, workers: int) -> dict[int, list[str]]:
    """N workers bound to Telegram ids, a few clients each, through storage services."""
    from storage.db import Database
    from storage.workers import get_or_create_team

    now = datetime.now(UTC)
    db = Database(url)
    codes: dict[int, list[str]] = {}
    try:
        async with db.session() as session:
            team = await get_or_create_team(session, "Bench", now)
            for index in range(workers):
                _, clients = await seed_field_worker(
                    session, team, USER_BASE + index, CLIENTS_PER_WORKER, frequency_days=30, now=now
                )
                codes[USER_BASE + index] = [c.code for c in clients]
    finally:
        await db.dispose()
    return codes


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    answered: int = 0
    answered_all: int = 0  # warm-up included, for CPU per answer
    cpu_seconds: float = 0.0  # the bot process's CPU (user + system) during the drive
    # PostgreSQL's CPU during the drive, when it runs on this machine (None: not measured).
    server_cpu_seconds: float | None = None
    elapsed: float = 0.0
    errors: int = 0
    expect_failures: int = 0

    @property
    def rate(self) -> float:
        return self.answered / self.elapsed if self.elapsed else 0.0

    @property
    def cpu_ms_per_answer(self) -> float:
        return self.cpu_seconds / self.answered_all * 1000 if self.answered_all else 0.0

    @property
    def server_cpu_ms_per_answer(self) -> float | None:
        if self.server_cpu_seconds is None or not self.answered_all:
            return None
        return self.server_cpu_seconds / self.answered_all * 1000

    def p(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000


async def drive(
    root: str,
    token: str,
    codes: dict[int, list[str]],
    seconds: float,
    warmup: float,
    name: str,
    check: str | None,
) -> Result:
    """Closed-loop load; ``check`` is a substring the answer to /note must contain."""
    result = Result(name)
    limits = __import__("httpx").Limits(max_connections=2 * len(codes) + 10)
    client = DevServerClient(root, token, timeout=30)
    client._http._transport = __import__("httpx").AsyncHTTPTransport(limits=limits)  # noqa: SLF001
    for user_id in codes:
        await client.user(user_id, f"W{user_id - USER_BASE}")
    start_seq = await client.last_seq()
    started = time.monotonic()
    measure_from = started + warmup
    stop_at = measure_from + seconds

    # One shared long-poll reads every answer event and wakes the waiting worker: far less
    # work for the dev server and this driver than one long-poll per simulated user.
    waiting: dict[int, asyncio.Future] = {}
    done_flag = False

    async def dispatcher() -> None:
        after = start_seq
        while not done_flag:
            try:
                events = await client.wait_for_events(after, 1, kinds="send", timeout=2)
            except TimeoutError:
                continue
            for event in events:
                after = max(after, event.seq)
                future = waiting.pop(event.chat_id or 0, None)
                if future is not None and not future.done():
                    future.set_result((time.monotonic(), event))

    async def worker(user_id: int) -> None:
        n = 0
        while time.monotonic() < stop_at:
            n += 1
            code = codes[user_id][n % len(codes[user_id])]
            text = (
                "/today"
                if n % 4 == 0
                else (
                    f"/note {code} {KINDS[n % len(KINDS)]} checked meds, pantry ok, next week {n}"
                )
            )
            future = asyncio.get_running_loop().create_future()
            waiting[user_id] = future
            sent = time.monotonic()
            try:
                await client.send_text(user_id, text)
                done, event = await asyncio.wait_for(future, 30)
            except Exception:  # noqa: BLE001 (timeouts and HTTP errors are counted)
                result.errors += 1
                waiting.pop(user_id, None)
                continue
            result.answered_all += 1
            if check and not text.startswith("/today"):
                if check not in (event.params.get("text") or ""):
                    result.expect_failures += 1
            # Throughput counts answers received in the window, whenever asked; latency
            # those asked and answered in it. (Counting only the latter undercounted by
            # latency ÷ window: at 200 workers and 6 s latency, half the answers.)
            if measure_from <= done <= stop_at:
                result.answered += 1
                if measure_from <= sent:
                    result.latencies.append(done - sent)

    reader = asyncio.create_task(dispatcher())
    await asyncio.gather(*(worker(uid) for uid in codes))
    done_flag = True
    await reader
    result.elapsed = seconds
    await client.aclose()
    return result


MODULES = {
    "echo": "bench.echo_bot",
    "caseline": "bot.cli",
    "uncapped": "bench.caseline_uncapped",
}


def run_bot(kind: str, root: str, token: str, db_url: str | None, work: Path):
    env = {
        "CASELINE_BOT_TOKEN": token,
        "CASELINE_BOT_API_URL": f"{root}/bot",
        "CASELINE_REMINDER_TICK_SECONDS": "3600",
        "CASELINE_TIMEZONE": "UTC",
    }
    if db_url:
        env["CASELINE_DATABASE_URL"] = db_url
    args = [PY, "-m", MODULES[kind]] + (["run"] if kind == "caseline" else [])
    return spawn(args, work / f"{kind}.log", env)


def start_profile(kind: str, pid: int, seconds: float, work: Path):
    """py-spy samples the bot from outside (no code of ours in its loop) for the measured
    window; its folded stacks (for speedscope or flamegraph.pl) land in the work folder."""
    py_spy = Path(PY).parent / "py-spy"
    args = [str(py_spy) if py_spy.exists() else "py-spy", "record", "--pid", str(pid)]
    args += ["--rate", "100", "--duration", str(int(seconds)), "--nonblocking", "--format", "raw"]
    return spawn([*args, "-o", str(work / f"{kind}.folded")], work / f"{kind}-py-spy.log")


async def wait_ready(root: str, token: str, user_id: int, limit: float = 60) -> float:
    """Post /help until the bot answers; returns seconds until the first answer."""
    started = time.monotonic()
    async with DevServerClient(root, token) as client:
        await client.user(user_id, "Probe")
        after = await client.last_seq()
        await client.send_text(user_id, "/help")
        await client.wait_for_events(after, 1, chat_id=user_id, kinds="send", timeout=limit)
    return time.monotonic() - started


def one_level(n: int, args: argparse.Namespace, root: str, work: Path) -> list[Result]:
    results = []
    for kind in ("echo", *args.bots):
        token = f"{900 + n}{len(results)}:BENCH{kind.upper()}"
        db_url = None
        codes: dict[int, list[str]]
        ctx = None
        if kind != "echo":
            if args.postgres:
                ctx = scratch_postgres(args.postgres)
                db_url = ctx.__enter__()
            else:
                db_url = sqlite_url(work / f"{kind}-{n}.db")
            migrate(db_url)
            codes = asyncio.run(seed(db_url, n))
        else:
            codes = {USER_BASE + i: [f"C-{i:04d}"] for i in range(n)}
        proc = run_bot(kind, root, token, db_url, work)
        try:
            asyncio.run(wait_ready(root, token, USER_BASE))
            check = None if kind == "echo" else "saved"
            profiler = None
            if args.profile and kind != "echo":
                profiler = start_profile(kind, proc.popen.pid, args.warmup + args.seconds, work)
            server = (
                asyncio.run(ServerCPU.of_database(db_url)) if args.postgres and db_url else None
            )
            server_before = server.now() if server is not None else 0.0
            cpu_before = cpu_seconds(proc.popen.pid)
            res = asyncio.run(drive(root, token, codes, args.seconds, args.warmup, kind, check))
            res.cpu_seconds = cpu_seconds(proc.popen.pid) - cpu_before
            if server is not None:
                res.server_cpu_seconds = server.now() - server_before
            results.append(res)
            if profiler is not None:
                profiler.popen.wait(60)
        finally:
            proc.stop()
            if ctx is not None:
                ctx.__exit__(None, None, None)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--workers",
        type=int,
        action="append",
        help="simulated workers (repeat for several levels; default 50)",
    )
    parser.add_argument("--postgres", help="PostgreSQL URL: a scratch database is made beside it")
    parser.add_argument(
        "--bots",
        nargs="+",
        choices=["caseline", "uncapped"],
        default=["caseline", "uncapped"],
        help="which Caseline processes to measure after the echo bot (default: both)",
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="record each Caseline process with py-spy (flame graphs kept in the work folder)",
    )
    args = parser.parse_args()
    levels = args.workers or [50]
    work = workdir("throughput")
    rows = []
    ratios = []
    with devserver(work) as root:
        for n in levels:
            echo, *cases = one_level(n, args, root, work)
            for r in (echo, *cases):
                rows.append(
                    [
                        r.name,
                        n,
                        r.answered,
                        r.rate,
                        r.p(50),
                        r.p(95),
                        r.p(99),
                        r.cpu_ms_per_answer,
                        "—" if r.server_cpu_ms_per_answer is None else r.server_cpu_ms_per_answer,
                        r.errors,
                        r.expect_failures,
                    ]
                )
            for case in cases:
                ratios.append(
                    [
                        case.name,
                        n,
                        case.rate / echo.rate if echo.rate else 0,
                        case.p(99) / echo.p(99) if echo.p(99) else 0,
                        case.cpu_ms_per_answer / echo.cpu_ms_per_answer
                        if echo.cpu_ms_per_answer
                        else 0,
                    ]
                )
    print(
        f"\n{machine()}; database: {'PostgreSQL' if args.postgres else 'SQLite'}; "
        f"{args.seconds:.0f} s measured after {args.warmup:.0f} s warm-up per bot"
    )
    print(
        table(
            [
                "bot",
                "workers",
                "answers",
                "answers/s",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "bot CPU ms/answer",
                "PostgreSQL CPU ms/answer",
                "errors",
                "wrong answers",
            ],
            rows,
        )
    )
    print()
    print(
        table(
            [
                "bot",
                "workers",
                "throughput ÷ echo (goal ≥ 0.8)",
                "p99 ÷ echo (goal ≤ 1.5)",
                "bot CPU per answer ÷ echo",
            ],
            ratios,
        )
    )
    if args.keep or args.profile:
        print(f"logs in {work}")
    else:
        cleanup(work)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
