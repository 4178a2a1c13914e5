"""Reminder fan-out through the real OutboxSender against a rate-limited dev server.

    python -m bench.fanout --reminders 5000 --workers 1000 [--postgres URL]

The dev server runs in its own process with Telegram's flood limits ON (30 msg/s overall,
3 msg/s per chat; over that it answers 429). ``--reminders`` outbox rows are enqueued,
worker by worker (the hardest order to pace), and one ``OutboxSender.drain()`` delivers
them through a bot paced by a whole sending budget (bot/pacing.py, 30/s), as
tests/test_sender.py's CASELINE_BENCH benchmark does in-process. Reported:
messages/s and its ratio to the 30/s cap, 429s, duplicates (a key delivered twice) and
misses (a key never delivered), read back from every chat through the control API.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import time
from collections import Counter
from datetime import timedelta

import telegram

from bench.common import (
    cleanup,
    devserver,
    machine,
    migrate,
    peak_rss_mb,
    scratch_postgres,
    sqlite_url,
    table,
    workdir,
)
from bot.pacing import PacedRequest, Priority, SendBudget
from bot.reminders.sending import OutboxSender, Rendered
from bot.telegram_http import TelegramRequest
from devserver import DevServerClient
from domain.clock import Clock
from storage import outbox
from storage.db import Database
from storage.kinds import Role
from storage.machinery import OutboxMessage
from storage.models import Worker
from storage.workers import create_worker, get_or_create_team

TOKEN = "123456:BENCH-FANOUT"
CHAT_BASE = 700_000


async def run(root: str, url: str, reminders: int, workers: int) -> list[list[object]]:
    clock = Clock()
    db = Database(url)
    control = DevServerClient(root, TOKEN, timeout=60)
    try:
        await control.set_rate_limits(True, overall_per_second=30, per_chat_per_second=3)
        async with db.session() as session:
            team = await get_or_create_team(session, "Fanout", clock.now())
            people = []
            for index in range(workers):
                worker = await create_worker(
                    session, name=f"Worker {index}", role=Role.WORKER, now=clock.now(), team=team
                )
                worker.telegram_user_id = worker.chat_id = CHAT_BASE + index
                people.append(worker)
        for worker in people:
            await control.user(worker.chat_id or 0, worker.name)
        per_worker, extra = divmod(reminders, workers)
        keys: list[str] = []
        async with db.session() as session:
            for position, worker in enumerate(people):
                for index in range(per_worker + (1 if position < extra else 0)):
                    key = f"visit_due:w{worker.id}:{index}"
                    await outbox.enqueue(
                        session,
                        key=key,
                        kind="visit_due",
                        worker_id=worker.id,
                        due_at=clock.now() + timedelta(days=index),
                        now=clock.now(),
                        payload={"index": index},
                    )
                    keys.append(key)

        async def render(row: OutboxMessage) -> Rendered | None:
            async with db.session() as session:
                worker = await session.get(Worker, row.worker_id)
            if worker is None or not worker.active or worker.chat_id is None:
                return None
            return Rendered(chat_id=worker.chat_id, text=f"Due: <b>{html.escape(row.key)}</b>")

        before = (await control.stats())["stats"]
        request = PacedRequest(
            TelegramRequest(connection_pool_size=32), SendBudget(30), Priority.BACKGROUND
        )
        async with telegram.Bot(TOKEN, base_url=f"{root}/bot", request=request) as bot:
            started = time.monotonic()
            report = await OutboxSender(bot, db, clock, render).drain()
            wall = time.monotonic() - started
        after = (await control.stats())["stats"]
        delivered: Counter[str] = Counter()
        for worker in people:
            for message in await control.chat_log(worker.chat_id or 0):
                if message.text and message.text.startswith("Due: "):
                    delivered[message.text.removeprefix("Due: ")] += 1
        rate = report.sent / report.elapsed
        r429 = after.get("429", 0) - before.get("429", 0)
        duplicates = sum(n - 1 for n in delivered.values() if n > 1)
        misses = sum(1 for key in keys if key not in delivered)
        return [
            [
                reminders,
                workers,
                report.sent,
                report.elapsed,
                rate,
                rate / 30,
                r429,
                duplicates,
                misses,
                report.retried,
                report.failed,
                wall,
                peak_rss_mb(),
            ]
        ]
    finally:
        await control.aclose()
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--postgres", help="PostgreSQL URL: a scratch database is made beside it")
    args = parser.parse_args()
    work = workdir("fanout")
    try:
        with devserver(work, rate_limits=True) as root:
            if args.postgres:
                with scratch_postgres(args.postgres) as url:
                    migrate(url)
                    rows = asyncio.run(run(root, url, args.reminders, args.workers))
            else:
                url = sqlite_url(work / "fanout.db")
                migrate(url)
                rows = asyncio.run(run(root, url, args.reminders, args.workers))
    finally:
        cleanup(work)
    print(f"\n{machine()}; database: {'PostgreSQL' if args.postgres else 'SQLite'}")
    print(
        table(
            [
                "reminders",
                "chats",
                "sent",
                "drain s",
                "msg/s",
                "÷ 30 cap",
                "429s",
                "duplicates",
                "misses",
                "retried",
                "failed",
                "wall s",
                "driver RSS MB",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
