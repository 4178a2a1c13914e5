"""Scale of the data: one reminder tick and one team digest as the caseload grows.

    python -m bench.scale --clients 10000,100000 [--workers 200] [--postgres URL] [--no-startup]

For each size a scratch database (SQLite file, or a PostgreSQL database made beside
``--postgres`` and dropped after) is migrated with ``caseline db upgrade`` and bulk-seeded
(Core ``executemany`` in chunks of 5000): ``--workers`` workers (the first 50 form the team
whose digest is timed, two of them supervisors), the clients spread over them, 2 notes,
1 appointment (past, completed, or scheduled days ahead) per client, a plan for every second
client, and exactly DUE appointments whose reminder is due at the tick moment (a Wednesday
10:00 UTC). A fresh process then opens the database and times:

* ``plan_tick`` #1 — enqueues the DUE appointment reminders plus one agenda per worker and a
  digest per supervisor (the same number of due items at every size), and
* ``plan_tick`` #2 — one minute later, nothing new: the steady-state tick,
* ``team_digest`` for the 50-worker team,

and reports its own peak RSS (``resource.getrusage``). With ``--startup`` (default) the
largest database is then served by ``caseline run`` and the time from process start to the
first answer to /help is measured, beside the same for the smallest database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

from bench.common import (
    PY,
    ROOT,
    cleanup,
    devserver,
    machine,
    migrate,
    peak_rss_mb,
    scratch_postgres,
    spawn,
    sqlite_url,
    table,
    workdir,
)

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # a Wednesday, 10:00 UTC
DUE = 100
TEAM_SIZE = 50
CHUNK = 5000
USER_BASE = 8_000_000


async def seed(url: str, clients: int, workers: int) -> dict[str, float]:
    from sqlalchemy import insert

    from storage.db import Database
    from storage.models import Appointment, Client, Note, Plan, Team, Worker

    rng = random.Random(42)
    db = Database(url)
    started = time.monotonic()
    counts: dict[str, float] = {}

    async def bulk(session, model, rows) -> None:
        for i in range(0, len(rows), CHUNK):
            await session.execute(insert(model.__table__), rows[i : i + CHUNK])
        counts[model.__tablename__] = counts.get(model.__tablename__, 0) + len(rows)

    try:
        async with db.session() as session:
            await bulk(
                session,
                Team,
                [
                    {"id": 1, "name": "Team 50", "created_at": NOW},
                    {"id": 2, "name": "Others", "created_at": NOW},
                ],
            )
            people = []
            for w in range(1, workers + 1):
                people.append(
                    {
                        "id": w,
                        "name": f"Worker {w:05d}",
                        "role": "supervisor" if w in (1, 2) else "worker",
                        "team_id": 1 if w <= TEAM_SIZE else 2,
                        "telegram_user_id": USER_BASE + w,
                        "chat_id": USER_BASE + w,
                        "timezone": "UTC",
                        "quiet_start": dtime(20),
                        "quiet_end": dtime(8),
                        "days_off": frozenset({6, 7}),
                        "start_of_day": dtime(8),
                        "digest_time": dtime(9),
                        "reminder_lead_minutes": 60,
                        "muted_reminder_kinds": frozenset(),
                        "active": True,
                        "created_at": NOW - timedelta(days=400),
                    }
                )
            await bulk(session, Worker, people)
        # Each table in its own transaction keeps SQLite's WAL small.
        for start in range(0, clients, 50_000):
            stop = min(clients, start + 50_000)
            client_rows, note_rows, appt_rows, plan_rows = [], [], [], []
            for c in range(start + 1, stop + 1):
                worker = (c % workers) + 1
                last = NOW - timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23))
                client_rows.append(
                    {
                        "id": c,
                        "name": f"Client {c}",
                        "program": "other",
                        "status": "active" if c % 10 else "discharged",
                        "worker_id": worker,
                        "contact_frequency_days": rng.choice((7, 14, 30, 30, 30, 60)),
                        "last_contact_at": last,
                        "needs": {},
                        "risk_level": 0,
                        "created_at": NOW - timedelta(days=500),
                        "updated_at": last,
                    }
                )
                for k in range(2):
                    moment = NOW - timedelta(days=rng.randint(0, 120), minutes=k)
                    note_rows.append(
                        {
                            "client_id": c,
                            "author_id": worker,
                            "interaction_type": "home_visit",
                            "occurred_at": moment,
                            "created_at": moment,
                            "text": "Checked meds, pantry ok.",
                            "risk_flag": False,
                        }
                    )
                if c % 2:
                    starts = NOW - timedelta(days=rng.randint(1, 90), hours=rng.randint(0, 8))
                    appt_rows.append(
                        {
                            "client_id": c,
                            "worker_id": worker,
                            "starts_at": starts,
                            "duration_minutes": 60,
                            "kind": "home_visit",
                            "status": "completed",
                            "created_at": starts - timedelta(days=7),
                            "completed_at": starts,
                        }
                    )
                else:
                    starts = NOW + timedelta(days=rng.randint(2, 60), hours=rng.randint(0, 8))
                    appt_rows.append(
                        {
                            "client_id": c,
                            "worker_id": worker,
                            "starts_at": starts,
                            "duration_minutes": 60,
                            "kind": "home_visit",
                            "status": "scheduled",
                            "created_at": NOW - timedelta(days=3),
                            "completed_at": None,
                        }
                    )
                    plan_rows.append(
                        {
                            "client_id": c,
                            "version": 1,
                            "status": "active",
                            "review_interval_days": 90,
                            "next_review_on": (NOW + timedelta(days=rng.randint(-10, 90))).date(),
                            "created_at": NOW - timedelta(days=100),
                            "created_by_id": worker,
                        }
                    )
            async with db.session() as session:
                await bulk(session, Client, client_rows)
            async with db.session() as session:
                await bulk(session, Note, note_rows)
            async with db.session() as session:
                await bulk(session, Appointment, appt_rows)
            async with db.session() as session:
                await bulk(session, Plan, plan_rows)
        # The fixed number of due items: reminders due now (start in 30 min, lead 60 min).
        async with db.session() as session:
            await bulk(
                session,
                Appointment,
                [
                    {
                        "client_id": (i * 37) % clients + 1,
                        "worker_id": ((i * 37) % clients) % workers + 1,
                        "starts_at": NOW + timedelta(minutes=30),
                        "duration_minutes": 60,
                        "kind": "home_visit",
                        "status": "scheduled",
                        "created_at": NOW - timedelta(days=1),
                        "completed_at": None,
                    }
                    for i in range(DUE)
                ],
            )
        if db.dialect == "postgresql":
            async with db.engine.connect() as conn:
                await conn.exec_driver_sql("COMMIT")
                for table_name in ("workers", "clients", "notes", "appointments", "plans"):
                    await conn.exec_driver_sql(f"ANALYZE {table_name}")
                for table_name in ("workers", "clients", "notes", "appointments", "plans"):
                    await conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table_name}', 'id'), "
                        f"(SELECT max(id) FROM {table_name}))"
                    )
        else:
            async with db.engine.connect() as conn:
                await conn.exec_driver_sql("ANALYZE")
    finally:
        await db.dispose()
    counts["seed_s"] = time.monotonic() - started
    return counts


async def measure(url: str) -> dict[str, float]:
    """Runs in a fresh process so that its peak RSS is the tick's and digest's, not the seed's."""
    from zoneinfo import ZoneInfo

    from bot.reminders.planning import plan_tick
    from storage.db import Database
    from storage.digest import team_digest

    db = Database(url)
    out: dict[str, float] = {"rss_start_mb": peak_rss_mb()}
    try:
        async with db.session() as session:  # connect and warm the pool first
            await session.execute(__import__("sqlalchemy").text("SELECT 1"))
        t = time.perf_counter()
        async with db.session() as session:
            report = await plan_tick(session, now=NOW, default_zone="UTC")
        out["tick1_s"] = time.perf_counter() - t
        out["tick1_due"] = report.appointments + report.agendas + report.digests
        out["tick1_appts"] = report.appointments
        t = time.perf_counter()
        async with db.session() as session:
            report = await plan_tick(session, now=NOW + timedelta(minutes=1), default_zone="UTC")
        out["tick2_s"] = time.perf_counter() - t
        out["tick2_due"] = report.appointments + report.agendas + report.digests
        t = time.perf_counter()
        async with db.session() as session:
            digest = await team_digest(session, team_id=1, now=NOW, zone=ZoneInfo("UTC"))
        out["digest_s"] = time.perf_counter() - t
        out["digest_workers"] = len(digest.workers)
        out["digest_open_clients"] = (
            digest.team.open_clients if hasattr(digest.team, "open_clients") else -1
        )
    finally:
        await db.dispose()
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def startup(url: str, work: Path, label: str, root: str) -> float:
    """One dev server for all attempts: a fresh one would restart update ids at 1, and the
    bot's gate rightly drops an update id it has already handled (Telegram never reuses one)."""
    from bench.throughput import wait_ready

    if True:
        token = "4242:BENCHSTARTUP"
        env = {
            "CASELINE_BOT_TOKEN": token,
            "CASELINE_BOT_API_URL": f"{root}/bot",
            "CASELINE_DATABASE_URL": url,
            "CASELINE_REMINDER_TICK_SECONDS": "3600",
            "CASELINE_TIMEZONE": "UTC",
        }
        started = time.monotonic()
        proc = spawn([PY, "-m", "bot.cli", "run"], work / f"startup-{label}.log", env)
        try:
            # The probe's user is registered at once; /help is queued until the bot polls.
            asyncio.run(wait_ready(root, token, USER_BASE + 3, limit=60))
            return time.monotonic() - started
        except TimeoutError:
            print(
                f"startup {label}: no answer in 60 s; bot log tail:\n"
                f"{proc.log.read_text(errors='replace')[-1500:]}",
                file=sys.stderr,
            )
            return float("nan")
        finally:
            proc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="10000,100000")
    parser.add_argument("--workers", type=int, default=200)
    parser.add_argument("--postgres", help="PostgreSQL URL: scratch databases are made beside it")
    parser.add_argument("--no-startup", action="store_true")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: the fresh process
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(asyncio.run(measure(args.measure))))
        return
    sizes = [int(s) for s in args.clients.split(",")]
    work = workdir("scale")
    rows, results, starts = [], {}, []
    try:
        with ExitStack() as stack:
            urls = {}
            for n in sizes:
                url = (
                    stack.enter_context(scratch_postgres(args.postgres))
                    if args.postgres
                    else sqlite_url(work / f"scale-{n}.db")
                )
                urls[n] = url
                migrate(url)
                seeded = asyncio.run(seed(url, n, args.workers))
                done = subprocess.run(
                    [PY, "-m", "bench.scale", "--measure", url],
                    cwd=ROOT,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                m = json.loads(done.stdout.strip().splitlines()[-1])
                results[n] = m
                rows.append(
                    [
                        n,
                        args.workers,
                        int(seeded.get("notes", 0)),
                        int(seeded.get("appointments", 0)),
                        seeded["seed_s"],
                        int(m["tick1_due"]),
                        m["tick1_s"] * 1000,
                        m["tick2_s"] * 1000,
                        m["digest_s"] * 1000,
                        m["peak_rss_mb"],
                    ]
                )
                print(f"seeded and measured {n} clients", file=sys.stderr)
            print(
                table(
                    [
                        "clients",
                        "workers",
                        "notes",
                        "appointments",
                        "seed s",
                        "due items",
                        "tick #1 ms",
                        "tick #2 ms",
                        "digest(50) ms",
                        "peak RSS MB",
                    ],
                    rows,
                ),
                file=sys.stderr,
            )
            if not args.no_startup:
                small, large = min(sizes), max(sizes)
                # Side by side, alternating, twice each, through one dev server.
                with devserver(work) as root:
                    for _ in range(2):
                        for n in (small, large):
                            starts.append([n, startup(urls[n], work, str(n), root)])
    finally:
        cleanup(work)
    print(f"\n{machine()}; database: {'PostgreSQL' if args.postgres else 'SQLite'}")
    print(
        table(
            [
                "clients",
                "workers",
                "notes",
                "appointments",
                "seed s",
                "due items",
                "tick #1 ms",
                "tick #2 ms",
                "digest(50) ms",
                "peak RSS MB",
            ],
            rows,
        )
    )
    if len(sizes) > 1:
        a, b = results[min(sizes)], results[max(sizes)]
        print()
        print(
            table(
                ["ratio", f"{max(sizes)}÷{min(sizes)} clients"],
                [
                    ["tick #1", b["tick1_s"] / a["tick1_s"]],
                    ["tick #2 (nothing due)", b["tick2_s"] / a["tick2_s"]],
                    ["team digest", b["digest_s"] / a["digest_s"]],
                ],
            )
        )
    if starts:
        print()
        print(table(["clients in database", "caseline run → first /help answer, s"], starts))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
