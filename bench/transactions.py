"""CPU per transaction: the hot paths of an answer, and the floor under them.

    python -m bench.transactions [--postgres URL] [--repeat 2000]

One process, one task, no network: each unit of work runs `--repeat` times back to back and
the process's CPU time (all threads, so aiosqlite's worker thread counts) is divided by the
count. Rows:

- `gate`: what the access gate does for every update (claim the update id the poller
  kept in the inbox, load the sender with whom they cover: `storage.updates.claim_for`,
  one statement on PostgreSQL), through `storage` as the bot does;
- `one-line note`: what `/note C-xxxx text` does (visible client, resend check, note,
  last contact, audit line): the `record_one_liner` use case the handler calls;
- `empty session`: `Database.session()` with nothing in it;
- `dialog step's persistence`: what every dialog step writes after its handler (the new
  conversation state and the user's draft) through the bot's `SQLPersistence`, in one
  transaction as the bot does, and in two (one per row) as before session 4;
- `gate, raw driver`: the gate's two statements and commit straight on aiosqlite or
  asyncpg, without SQLAlchemy: the floor for this work on this driver.

It answers "how much of an answer's CPU is the database layer, and how much of that could
any code of ours remove" (bench/README.md, "Where an answer's CPU goes").
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bench.common import cleanup, machine, migrate, scratch_postgres, sqlite_url, table, workdir

GATE_SQL = (
    # The claim of an update the poller kept in the inbox (storage/updates.claim).
    "UPDATE inbox SET handled_at = {1}, payload = NULL WHERE update_id = {0} "
    "AND handled_at IS NULL",
    "SELECT * FROM workers WHERE telegram_user_id = {0}",
)


async def per_op(work: Callable[[int], Awaitable[object]], ids: itertools.count, n: int) -> float:
    """Milliseconds of process CPU per call, after a short warm-up."""
    for _ in range(50):
        await work(next(ids))
    started = time.process_time()
    for _ in range(n):
        await work(next(ids))
    return (time.process_time() - started) / n * 1000


async def measure(url: str, n: int) -> list[list[object]]:
    from bot.persistence import SQLPersistence
    from domain.clock import Clock
    from domain.settings import load_settings
    from domain.usecases.notes import record_one_liner
    from domain.work import Work
    from storage import clients, updates
    from storage.db import Database
    from storage.kinds import InteractionType, Program, Role
    from storage.workers import Actor, create_worker

    db = Database(url)
    now = datetime.now(UTC)
    async with db.session() as session:
        worker = await create_worker(session, name="Bench", role=Role.WORKER, now=now)
        worker.telegram_user_id = worker.chat_id = 77
        client = await clients.create_client(
            session,
            name="Client",
            program=Program.OTHER,
            contact_frequency_days=30,
            worker_id=worker.id,
            now=now,
        )
    actor, client_id = Actor.of(worker), client.id

    async def gate(update_id: int) -> None:
        async with db.session() as session:
            await updates.claim_for(session, update_id, 77, now)

    work = Work(db, Clock(), load_settings({}))

    async def note(n: int) -> None:
        await record_one_liner(work, actor, client_id, InteractionType.PHONE, f"checked meds {n}")

    async def empty(_: int) -> None:
        async with db.session():
            pass

    persistence = SQLPersistence(db, Clock())

    async def step(n: int, *, rows_per_transaction: int) -> None:
        await persistence.update_conversation("nt", (77, 77), n % 4)
        if rows_per_transaction == 1:
            await persistence.write_pending()
        await persistence.update_user_data(77, {"note_draft": {"text": f"checked meds {n}"}})
        await persistence.write_pending()

    ids = itertools.count(1_000_000)
    # Every id is in the inbox before its gate runs, as the poller leaves it.
    await updates.keep(db, ({"update_id": 1_000_000 + i} for i in range(8 * (n + 50))), now)
    rows: list[list[object]] = [
        ["gate", await per_op(gate, ids, n)],
        ["one-line note", await per_op(note, ids, n)],
        ["empty session", await per_op(empty, ids, n)],
        [
            "dialog step's persistence, one transaction",
            await per_op(lambda i: step(i, rows_per_transaction=2), ids, n),
        ],
        [
            "dialog step's persistence, two transactions (before)",
            await per_op(lambda i: step(i, rows_per_transaction=1), ids, n),
        ],
    ]
    await db.dispose()
    rows.append(["gate, raw driver", await raw_gate(url, ids, n)])
    return rows


async def raw_gate(url: str, ids: itertools.count, n: int) -> float:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        import aiosqlite

        connection = await aiosqlite.connect(parsed.database, isolation_level=None)
        insert, select = (sql.format("?1", "?2") for sql in GATE_SQL)

        async def gate(update_id: int) -> None:
            await connection.execute("BEGIN")
            await connection.execute(insert, (update_id, datetime.now(UTC).isoformat()))
            await (await connection.execute(select, (77,))).fetchall()
            await connection.execute("COMMIT")

        try:
            return await per_op(gate, ids, n)
        finally:
            await connection.close()

    import asyncpg

    connection = await asyncpg.connect(str(parsed.set(drivername="postgresql")))
    insert, select = (sql.format("$1", "$2") for sql in GATE_SQL)

    async def pg_gate(update_id: int) -> None:
        async with connection.transaction():
            await connection.execute(insert, update_id, datetime.now(UTC))
            await connection.fetch(select, 77)

    try:
        return await per_op(pg_gate, ids, n)
    finally:
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="PostgreSQL URL: a scratch database is made beside it")
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    work = workdir("transactions")
    try:
        if args.postgres:
            with scratch_postgres(args.postgres) as url:
                migrate(url)
                rows = asyncio.run(measure(url, args.repeat))
        else:
            url = sqlite_url(work / "transactions.db")
            migrate(url)
            rows = asyncio.run(measure(url, args.repeat))
    finally:
        cleanup(work)
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"\n{machine()}; database: {database}; {args.repeat} of each, one after another")
    print(table(["unit of work", "CPU ms per call"], rows))


if __name__ == "__main__":
    main()
