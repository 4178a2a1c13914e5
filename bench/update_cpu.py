"""CPU per update through the real Application, in one process, beside the echo bot's.

    python -m bench.update_cpu [--postgres URL] [--updates 1500] [--bots caseline echo]
                               [--profile FILE]

`bench.throughput` says how much CPU an answer costs next to the echo bot under load; this
says where it goes, and gives the same ratio without the load's noise. The application
`caseline run` builds (unpaced) handles `--updates` updates one after another — a
`/note C-xxxx …` one-liner, every fourth one `/today` — each stored in the inbox as a
batch of one first, as the poller does. The echo bot (bench/echo_bot.py: PTB's defaults)
handles the same messages in the same process, in turns of CHUNK updates each, so a drift
of the machine's speed falls on both. Answers go over real HTTP to the dev Bot API server
in its own process. Printed: CPU per update of each (the process's, all threads, so
aiosqlite's counts; and the kernel's part of it), their ratio, and Caseline's database
round trips per update (statements, and the transactions' BEGIN and COMMIT), counted by
SQLAlchemy's engine events; on a PostgreSQL server of this machine, its own CPU per
update too (what the bot's CPU leaves out: on a shared machine the server takes its share
of the cores). `--bots caseline` or `--bots echo` runs one alone (for
`valgrind --tool=callgrind`, which counts a whole process). `--profile FILE` writes a
cProfile of Caseline's measured updates (`python -m pstats FILE`; cProfile roughly doubles
the CPU, read the shares).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import resource
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bench.common import (
    ServerCPU,
    cleanup,
    devserver,
    machine,
    migrate,
    scratch_postgres,
    sqlite_url,
    workdir,
)
from bench.throughput import KINDS, seed
from devserver.client import DevServerClient

TOKEN = "4242:UPDATECPU"
WORKERS = 20
WARMUP = 100
# Updates each bot handles in its turn.
CHUNK = 50
ECHO_USERS = 7_000_000


def _message(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    command = text.split()[0]
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "W"},
            "from": {"id": user_id, "is_bot": False, "first_name": "W"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        },
    }


class RoundTrips:
    """Statements and transactions the engine runs, counted from its events, and the
    statements sent straight to the driver (storage.driver), counted as they go."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        from storage import driver

        self.statements = self.transactions = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "begin", self._transaction)
        for name in ("rows", "run", "alone"):
            setattr(driver.Prepared, name, self._counting(getattr(driver.Prepared, name)))

    def _counting(self, method: Any) -> Any:
        async def counted(prepared: Any, where: Any, parameters: Any) -> Any:
            # On SQLite a Prepared statement goes through SQLAlchemy: the events count it.
            engine = getattr(where, "bind", where)  # a session's, or the engine itself
            if engine.dialect.driver == "asyncpg":
                self.statements += 1
            return await method(prepared, where, parameters)

        return counted

    def _statement(self, *_: object) -> None:
        self.statements += 1

    def _transaction(self, connection: Any) -> None:
        # An autocommit statement (the inbox's batch) sends no BEGIN or COMMIT.
        if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            self.transactions += 1


@dataclass
class Measured:
    cpu_ms: dict[str, float] = field(default_factory=dict)
    # Of that, the kernel's (system time): mostly the sockets' sends and receives.
    system_ms: dict[str, float] = field(default_factory=dict)
    statements: float = 0.0
    transactions: float = 0.0
    # PostgreSQL's own CPU per Caseline update, when the server runs on this machine.
    server_ms: float | None = None


async def measure(
    root: str, url: str | None, updates: int, bots: list[str], profile: str | None
) -> Measured:
    from telegram import Update
    from telegram.ext import ApplicationBuilder, MessageHandler, filters

    from bench import echo_bot
    from bot import inbox
    from bot.app import build_application
    from domain.settings import load_settings
    from storage.db import Database

    codes = await seed(url, WORKERS) if url else _echo_codes()
    async with DevServerClient(root, TOKEN) as client:
        for user_id in codes:
            await client.user(user_id, f"W{user_id}")
    users = list(codes)

    def text(n: int) -> str:
        user_id = users[n % len(users)]
        code = codes[user_id][n % len(codes[user_id])]
        return "/today" if n % 4 == 0 else f"/note {code} {KINDS[n % 4]} checked meds {n}"

    handlers: dict[str, Callable[[int], Awaitable[None]]] = {}
    applications: list[Any] = []
    db = trips = server = None
    if "caseline" in bots:
        assert url is not None
        settings = load_settings(
            {
                "CASELINE_BOT_TOKEN": TOKEN,
                "CASELINE_BOT_API_URL": f"{root}/bot",
                "CASELINE_DATABASE_URL": url,
                "CASELINE_TIMEZONE": "UTC",
            }
        )
        db = Database(url)
        caseline = build_application(settings, db, rate_limiter=False, scheduler=False)
        clock = caseline.bot_data["services"].clock
        trips = RoundTrips(db.engine.sync_engine)
        if db.dialect == "postgresql":
            server = await ServerCPU.of_database(url)
        applications.append(caseline)

        async def caseline_one(n: int) -> None:
            # As the poller has it: the JSON Telegram sent is stored, the object is handled.
            payload = _message(10_000 + n, users[n % len(users)], text(n))
            update = Update.de_json(payload, caseline.bot)
            await inbox.store(db, clock, [payload])
            await caseline.process_update(update)

        handlers["caseline"] = caseline_one
    if "echo" in bots:
        echo = ApplicationBuilder().token(TOKEN).base_url(f"{root}/bot").build()
        echo.add_handler(MessageHandler(filters.TEXT, echo_bot.echo))
        applications.append(echo)

        async def echo_one(n: int) -> None:
            payload = _message(10_000 + n, users[n % len(users)], text(n))
            await echo.process_update(Update.de_json(payload, echo.bot))

        handlers["echo"] = echo_one
    for application in applications:
        await application.initialize()
    measured = Measured({name: 0.0 for name in handlers})
    try:
        for one in handlers.values():
            for n in range(WARMUP):
                await one(n)
        # Timed by CPU, not the wall clock: on a shared machine a wall-clock profile charges
        # other processes' time to whatever was waiting (a socket send, the event loop's poll).
        profiler = cProfile.Profile(time.process_time) if profile else None
        before = (trips.statements, trips.transactions) if trips else (0, 0)
        # Read once on each side of the whole measured run, the echo bot's turns included
        # (the server idles then, but for writing out Caseline's WAL): each reading walks
        # /proc, which callgrind would count as Caseline's otherwise.
        served = server.now() if server is not None else 0.0
        for start in range(WARMUP, WARMUP + updates, CHUNK):
            for name, one in handlers.items():
                if profiler is not None and name == "caseline":
                    profiler.enable()
                started, system = time.process_time(), _system_seconds()
                for n in range(start, min(start + CHUNK, WARMUP + updates)):
                    await one(n)
                measured.cpu_ms[name] += time.process_time() - started
                measured.system_ms[name] = measured.system_ms.get(name, 0.0) + (
                    _system_seconds() - system
                )
                if profiler is not None and name == "caseline":
                    profiler.disable()
        if profiler is not None and profile:
            profiler.dump_stats(profile)
        for name in measured.cpu_ms:
            measured.cpu_ms[name] *= 1000 / updates
            measured.system_ms[name] *= 1000 / updates
        if server is not None:
            measured.server_ms = (server.now() - served) * 1000 / updates
        if trips:
            measured.statements = (trips.statements - before[0]) / updates
            measured.transactions = (trips.transactions - before[1]) / updates
        return measured
    finally:
        for application in applications:
            await application.shutdown()
        if db is not None:
            await db.dispose()


def _system_seconds() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_stime


def _echo_codes() -> dict[int, list[str]]:
    """The echo bot alone needs no database: made-up users and codes (only the text's
    length and shape matter to it)."""
    return {ECHO_USERS + i: [f"C-{i + 1:04d}"] for i in range(WORKERS)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", help="PostgreSQL URL: a scratch database is made beside it")
    parser.add_argument("--updates", type=int, default=1500)
    parser.add_argument(
        "--bots",
        nargs="+",
        choices=["caseline", "echo"],
        default=["caseline", "echo"],
        help="which bots handle the updates, in turns (default: both)",
    )
    parser.add_argument("--profile", help="write a cProfile of Caseline's measured updates here")
    args = parser.parse_args()
    work = workdir("update-cpu")
    try:
        with devserver(work) as root:
            if "caseline" not in args.bots:
                measured = asyncio.run(measure(root, None, args.updates, args.bots, args.profile))
            elif args.postgres:
                with scratch_postgres(args.postgres) as url:
                    migrate(url)
                    measured = asyncio.run(
                        measure(root, url, args.updates, args.bots, args.profile)
                    )
            else:
                url = sqlite_url(work / "bench.db")
                migrate(url)
                measured = asyncio.run(measure(root, url, args.updates, args.bots, args.profile))
    finally:
        cleanup(work)
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"\n{machine()}; database: {database}; {args.updates} updates, one after another")
    for name, cpu in measured.cpu_ms.items():
        system = measured.system_ms[name]
        print(f"CPU per update, {name}: {cpu:.2f} ms (of which the kernel's {system:.2f} ms)")
    if len(measured.cpu_ms) == 2 and measured.cpu_ms["echo"]:
        ratio = measured.cpu_ms["caseline"] / measured.cpu_ms["echo"]
        print(f"Caseline ÷ echo: {ratio:.2f}")
    if "caseline" in measured.cpu_ms:
        print(
            f"round trips per update: {measured.statements:.2f} statements in "
            f"{measured.transactions:.2f} transactions (each also a BEGIN and a COMMIT)"
        )
    if measured.server_ms is not None:
        print(f"PostgreSQL's own CPU per Caseline update: {measured.server_ms:.2f} ms")


if __name__ == "__main__":
    main()
