"""CPU per update through the real Application, in one process, optionally profiled.

    python -m bench.update_cpu [--postgres URL] [--updates 1500] [--profile FILE]

`bench.throughput` says how much CPU an answer costs next to the echo bot; this says where
it goes. The application `caseline run` builds (unpaced) handles `--updates` updates one
after another — a `/note C-xxxx …` one-liner, every fourth one `/today` — each stored in the
inbox as a batch of one first, as the poller does; its answers go over real HTTP to the dev
Bot API server in its own process. Printed: this process's CPU per update (all threads, so
aiosqlite's counts), and the database round trips per update (statements, and the
transactions' BEGIN and COMMIT), counted by SQLAlchemy's engine events. `--profile FILE`
writes a cProfile of the measured updates (`python -m pstats FILE`; cProfile roughly
doubles the CPU, read the shares).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import time
from typing import Any

from bench.common import cleanup, devserver, machine, migrate, scratch_postgres, sqlite_url, workdir
from bench.throughput import KINDS, seed
from devserver.client import DevServerClient

TOKEN = "4242:UPDATECPU"
WORKERS = 20
WARMUP = 100


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


async def measure(
    root: str, url: str, updates: int, profile: str | None
) -> tuple[float, float, float]:
    from telegram import Update

    from bot import inbox
    from bot.app import build_application
    from domain.settings import load_settings
    from storage.db import Database

    codes = await seed(url, WORKERS)
    async with DevServerClient(root, TOKEN) as client:
        for user_id in codes:
            await client.user(user_id, f"W{user_id}")
    settings = load_settings(
        {
            "CASELINE_BOT_TOKEN": TOKEN,
            "CASELINE_BOT_API_URL": f"{root}/bot",
            "CASELINE_DATABASE_URL": url,
            "CASELINE_TIMEZONE": "UTC",
        }
    )
    db = Database(url)
    application = build_application(settings, db, rate_limiter=False, scheduler=False)
    await application.initialize()
    clock = application.bot_data["services"].clock
    trips = RoundTrips(db.engine.sync_engine)
    users = list(codes)

    async def one(n: int) -> None:
        user_id = users[n % len(users)]
        code = codes[user_id][n % len(codes[user_id])]
        text = "/today" if n % 4 == 0 else f"/note {code} {KINDS[n % 4]} checked meds {n}"
        # As the poller has it: the JSON Telegram sent is stored, the object is handled.
        payload = _message(10_000 + n, user_id, text)
        update = Update.de_json(payload, application.bot)
        await inbox.store(db, clock, [payload])
        await application.process_update(update)

    try:
        for n in range(WARMUP):
            await one(n)
        # Timed by CPU, not the wall clock: on a shared machine a wall-clock profile charges
        # other processes' time to whatever was waiting (a socket send, the event loop's poll).
        profiler = cProfile.Profile(time.process_time) if profile else None
        statements, transactions = trips.statements, trips.transactions
        started = time.process_time()
        if profiler is not None:
            profiler.enable()
        for n in range(WARMUP, WARMUP + updates):
            await one(n)
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        cpu = (time.process_time() - started) / updates * 1000
        return (
            cpu,
            (trips.statements - statements) / updates,
            (trips.transactions - transactions) / updates,
        )
    finally:
        await application.shutdown()
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", help="PostgreSQL URL: a scratch database is made beside it")
    parser.add_argument("--updates", type=int, default=1500)
    parser.add_argument("--profile", help="write a cProfile of the measured updates here")
    args = parser.parse_args()
    work = workdir("update-cpu")
    try:
        with devserver(work) as root:
            if args.postgres:
                with scratch_postgres(args.postgres) as url:
                    migrate(url)
                    cpu, statements, transactions = asyncio.run(
                        measure(root, url, args.updates, args.profile)
                    )
            else:
                url = sqlite_url(work / "bench.db")
                migrate(url)
                cpu, statements, transactions = asyncio.run(
                    measure(root, url, args.updates, args.profile)
                )
    finally:
        cleanup(work)
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"\n{machine()}; database: {database}; {args.updates} updates, one after another")
    print(f"CPU per update: {cpu:.2f} ms")
    print(
        f"round trips per update: {statements:.2f} statements in {transactions:.2f} "
        "transactions (each also a BEGIN and a COMMIT)"
    )


if __name__ == "__main__":
    main()
