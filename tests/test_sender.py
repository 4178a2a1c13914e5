"""The reminder sender against the local Bot API server (real HTTP) and a real database.

The server enforces Telegram's flood control (30 messages in any second overall, 3 per chat)
when asked, so "zero 429s" here means the sending budget (bot/pacing.py) the sender's bot sends
through kept inside the limits; faults injected on ``sendMessage`` stand in for Telegram's bad
days.
"""

from __future__ import annotations

import asyncio
import html
import os
from bisect import bisect_left
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
import telegram
from sqlalchemy import func, select
from telegram.request import HTTPXRequest

from bot.pacing import MAX_RETRIES, PacedRequest, Priority, SendBudget
from bot.reminders.sending import OutboxSender, Rendered, backoff
from devserver import BotApiServer
from devserver.state import BotState
from domain.clock import FixedClock
from storage import audit, outbox
from storage.db import Database
from storage.kinds import Role
from storage.machinery import OutboxMessage, OutboxStatus
from storage.models import Worker
from storage.workers import create_worker, get_or_create_team

# PTB 22 itself warns when it builds a RetryAfter (int seconds are deprecated); not ours to fix.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Deprecated since version v22.2:telegram.warnings.PTBDeprecationWarning"
)

TOKEN = "123456:SENDER-TEST"
CHAT_BASE = 700_000


@pytest.fixture
async def bot(devserver: BotApiServer):
    """The sender's bot as `caseline scheduler` has it: paced by the process's budget."""
    budget = SendBudget(30)
    request = PacedRequest(HTTPXRequest(connection_pool_size=32), budget, Priority.BACKGROUND)
    async with telegram.Bot(TOKEN, base_url=devserver.base_url, request=request) as bot:
        yield bot


@pytest.fixture
async def unpaced_bot(devserver: BotApiServer):
    request = HTTPXRequest(connection_pool_size=32)
    async with telegram.Bot(TOKEN, base_url=devserver.base_url, request=request) as bot:
        yield bot


@pytest.fixture
def state(devserver: BotApiServer) -> BotState:
    return devserver.bot(TOKEN)


async def add_workers(
    db: Database,
    state: BotState,
    clock: FixedClock,
    count: int,
    *,
    team: str = "North",
    first: int = 0,
    role: Role = Role.WORKER,
) -> list[Worker]:
    """Workers with a private chat each (chat id = Telegram user id), registered as users."""
    async with db.session() as session:
        team_row = await get_or_create_team(session, team, clock.now())
        workers = []
        for index in range(first, first + count):
            worker = await create_worker(
                session, name=f"Worker {index}", role=role, now=clock.now(), team=team_row
            )
            worker.telegram_user_id = worker.chat_id = CHAT_BASE + index
            workers.append(worker)
    for worker in workers:
        assert worker.chat_id is not None
        state.user(worker.chat_id, worker.name)
    return workers


async def enqueue_for(
    db: Database, clock: FixedClock, workers: list[Worker], per_worker: int
) -> list[str]:
    """``per_worker`` reminders per worker, worker by worker (the hardest order to pace)."""
    keys = []
    async with db.session() as session:
        for worker in workers:
            for index in range(per_worker):
                key = f"visit_due:w{worker.id}:{index}"
                assert await outbox.enqueue(
                    session,
                    key=key,
                    kind="visit_due",
                    worker_id=worker.id,
                    due_at=clock.now() + timedelta(days=index),
                    now=clock.now(),
                    payload={"index": index},
                )
                keys.append(key)
    return keys


def make_render(db: Database):
    """Like the real renderer: looks the worker up and skips an inactive or unreachable one."""

    async def render(row: OutboxMessage) -> Rendered | None:
        async with db.session() as session:
            worker = await session.get(Worker, row.worker_id)
        if worker is None or not worker.active or worker.chat_id is None:
            return None
        if worker.unreachable_at is not None:
            return None
        return Rendered(chat_id=worker.chat_id, text=f"Due: <b>{html.escape(row.key)}</b>")

    return render


def key_of(text: str | None) -> str:
    assert text is not None and text.startswith("Due: ")
    return text.removeprefix("Due: ")


def delivered_keys(state: BotState, workers: list[Worker]) -> Counter[str]:
    return Counter(
        key_of(message.text) for w in workers for message in state.chat_log(w.chat_id or 0)
    )


async def rows_by_key(db: Database) -> dict[str, OutboxMessage]:
    async with db.session() as session:
        return {row.key: row for row in (await session.scalars(select(OutboxMessage))).all()}


async def _until_rows(db: Database, ready) -> None:
    """Until the outbox rows satisfy ``ready`` (the sender works in its own task)."""
    async with asyncio.timeout(20):
        while not ready(list((await rows_by_key(db)).values())):  # noqa: ASYNC110 (written by another task)
            await asyncio.sleep(0.02)


def sends(state: BotState, status: int | None = None) -> list:
    return [
        call
        for call in state.calls
        if call.method == "sendMessage" and (status is None or call.status == status)
    ]


async def test_paces_500_reminders_for_100_workers_inside_telegram_limits(
    db: Database, clock: FixedClock, devserver: BotApiServer, bot: telegram.Bot, state: BotState
):
    """The behaviour, not a rate: every reminder delivered once, in order per chat, never
    more than 3 to one chat nor more than the overall cap in any one second (both on the
    server's own arrival times), and a 429 honoured: every send waits its retry_after, and
    the refused reminder goes out after it, once. Nothing here depends on how fast the
    machine is."""
    devserver.set_rate_limits(True, overall_per_second=30, per_chat_per_second=3)
    workers = await add_workers(db, state, clock, 100)
    keys = await enqueue_for(db, clock, workers, 5)
    state.inject_fault("sendMessage", count=1, status=429, retry_after=1)
    sender = OutboxSender(bot, db, clock, make_render(db))

    reports = [await sender.drain()]
    for _ in range(20):  # a refused reminder is due again after its retry_after
        if sum(report.sent for report in reports) == len(keys):
            break
        clock.advance(timedelta(seconds=1))
        reports.append(await sender.drain())
    print(f"\n500 reminders / 100 chats: {reports}")

    assert sum(report.sent for report in reports) == 500
    assert sum(report.failed for report in reports) == 0
    assert delivered_keys(state, workers) == Counter(keys)  # each exactly once
    assert len(sends(state, 200)) == 500
    floods = sends(state, 429)
    refused_chats = {int(call.params["chat_id"]) for call in floods}
    rows = await rows_by_key(db)
    for worker in workers:
        log = state.chat_log(worker.chat_id or 0)
        expected = [key for key in keys if key.startswith(f"visit_due:w{worker.id}:")]
        arrived = [key_of(m.text) for m in log]
        if worker.chat_id in refused_chats:  # a refused one comes after its retry_after
            assert sorted(arrived) == expected
        else:
            assert arrived == expected  # all arrived, in order
        for message in log:
            row = rows[key_of(message.text)]
            assert row.status == OutboxStatus.SENT
            assert row.telegram_message_id == message.message_id

    delivered = sorted(call.time for call in sends(state, 200))
    busiest = max(bisect_left(delivered, t + 1.0) - i for i, t in enumerate(delivered))
    assert busiest <= 30  # the overall cap, in every one-second window

    times_by_chat: dict[int, list[float]] = defaultdict(list)
    for call in sends(state, 200):
        times_by_chat[int(call.params["chat_id"])].append(call.time)
    # A burst of three, then one a second: the 4th message at least a second after the 1st.
    gaps = [times[k + 3] - times[k] for times in times_by_chat.values() for k in range(2)]
    assert len(gaps) == 200 and min(gaps) >= 1.0

    # The 429 was waited out and the refused send tried again inside the request.
    assert len(floods) == 1 and sum(report.rate_limited for report in reports) == 0
    for flood in floods:
        wait = int(flood.error.rsplit(" ", 1)[-1])  # "Too Many Requests: retry after N"
        # Requests already on the wire when the 429 came back may land just after it.
        assert not [c for c in sends(state) if flood.time + 0.2 < c.time < flood.time + wait - 0.05]


async def test_429_and_5xx_lose_nothing_and_send_nothing_twice(
    db: Database, clock: FixedClock, bot: telegram.Bot, state: BotState
):
    workers = await add_workers(db, state, clock, 12)
    keys = await enqueue_for(db, clock, workers, 2)
    state.inject_fault("sendMessage", count=1, status=429, retry_after=1)
    state.inject_fault("sendMessage", count=1, status=500)
    state.inject_fault("sendMessage", count=1, status=502)
    state.inject_fault("sendMessage", count=1, drop_connection=True)
    sender = OutboxSender(bot, db, clock, make_render(db))

    first = await sender.drain()

    # The 429 is waited out and tried again by the budget; the 5xx and the drop requeue.
    assert (first.sent, first.retried, first.rate_limited, first.failed) == (21, 3, 0, 0)
    # The 429 paused every send for its retry_after, not only the one that got it.
    [flood] = sends(state, 429)
    assert not [c for c in sends(state) if flood.time + 0.2 < c.time < flood.time + 0.95]
    rows = await rows_by_key(db)
    pending = [row for row in rows.values() if row.status == OutboxStatus.PENDING]
    assert len(pending) == 3
    assert all(row.next_attempt_at == clock.now() + timedelta(seconds=1) for row in pending)
    assert sorted(row.attempts for row in pending) == [1, 1, 1]
    assert all(row.claimed_by is None for row in pending)

    assert (await sender.drain()).handled == 0  # not due yet: requeued after, not lost
    clock.advance(timedelta(seconds=1))
    second = await sender.drain()

    assert (second.sent, second.retried) == (3, 0)
    assert delivered_keys(state, workers) == Counter(keys)  # each key exactly once
    assert {row.status for row in (await rows_by_key(db)).values()} == {OutboxStatus.SENT}


async def test_a_429_that_outlasts_the_retries_requeues_the_row_without_counting_it(
    db: Database, clock: FixedClock, bot: telegram.Bot, state: BotState
):
    [worker] = await add_workers(db, state, clock, 1)
    [key] = await enqueue_for(db, clock, [worker], 1)
    # (The dev server, like Telegram, asks for at least a second: this takes three.)
    state.inject_fault("sendMessage", count=MAX_RETRIES + 1, status=429, retry_after=1)
    sender = OutboxSender(bot, db, clock, make_render(db))

    report = await sender.drain()

    assert (report.retried, report.rate_limited) == (1, 1)
    row = (await rows_by_key(db))[key]
    assert row.status == OutboxStatus.PENDING and row.attempts == 0  # not the row's fault
    assert row.next_attempt_at == clock.now() + timedelta(seconds=1)
    assert len(sends(state, 429)) == MAX_RETRIES + 1
    clock.advance(timedelta(seconds=1))
    assert (await sender.drain()).sent == 1


async def test_network_errors_back_off_then_give_up(
    db: Database, clock: FixedClock, bot: telegram.Bot, state: BotState
):
    [worker] = await add_workers(db, state, clock, 1)
    [key] = await enqueue_for(db, clock, [worker], 1)
    state.inject_fault("sendMessage", count=10, status=500)
    sender = OutboxSender(bot, db, clock, make_render(db), max_attempts=3)

    for attempt, wait in enumerate([1, 2]):
        report = await sender.drain()
        assert report.retried == 1
        row = (await rows_by_key(db))[key]
        assert row.attempts == attempt + 1
        assert row.next_attempt_at == clock.now() + timedelta(seconds=wait)
        clock.advance(timedelta(seconds=wait))
    report = await sender.drain()

    row = (await rows_by_key(db))[key]
    assert report.failed == 1 and row.status == OutboxStatus.FAILED
    assert row.last_error is not None and "gave up after 3" in row.last_error
    assert [backoff(n).total_seconds() for n in (0, 1, 2, 8, 9, 20)] == [1, 2, 4, 256, 300, 300]


async def test_a_bad_message_fails_once_instead_of_looping(
    db: Database, clock: FixedClock, bot: telegram.Bot, state: BotState
):
    [worker] = await add_workers(db, state, clock, 1)
    keys = await enqueue_for(db, clock, [worker], 3)

    async def render(row: OutboxMessage) -> Rendered | None:
        index = row.payload["index"]
        if index == 0:
            return Rendered(chat_id=worker.chat_id or 0, text="<b>unclosed")
        if index == 1:
            raise KeyError("template bug")
        return Rendered(chat_id=worker.chat_id or 0, text=f"Due: {row.key}")

    sender = OutboxSender(bot, db, clock, render)
    report = await sender.drain()

    assert (report.failed, report.sent, report.retried) == (2, 1, 0)
    rows = await rows_by_key(db)
    bad_html, bad_template, good = (rows[key] for key in keys)
    assert bad_html.status == OutboxStatus.FAILED
    assert bad_html.last_error is not None and bad_html.last_error.startswith("BadRequest:")
    assert bad_template.status == OutboxStatus.FAILED
    assert bad_template.last_error == "render failed: KeyError"
    assert good.status == OutboxStatus.SENT
    clock.advance(timedelta(hours=1))
    assert (await sender.drain()).handled == 0


async def test_a_blocked_chat_marks_the_worker_unreachable_and_tells_supervisors_once(
    db: Database, clock: FixedClock, bot: telegram.Bot, state: BotState
):
    supervisor, retired = await add_workers(db, state, clock, 2, first=50, role=Role.SUPERVISOR)
    [other_team_lead] = await add_workers(
        db, state, clock, 1, team="South", first=60, role=Role.SUPERVISOR
    )
    blocker, fine = await add_workers(db, state, clock, 2)
    async with db.session() as session:
        (await session.get(Worker, retired.id)).active = False  # type: ignore[union-attr]
    state.user(blocker.chat_id or 0).block()
    blocked_keys = await enqueue_for(db, clock, [blocker], 2)
    await enqueue_for(db, clock, [fine], 1)
    told: list[tuple[int, list[int]]] = []

    async def on_blocked(worker_id: int, supervisors: list[Worker]) -> None:
        told.append((worker_id, [s.id for s in supervisors]))

    sender = OutboxSender(bot, db, clock, make_render(db), on_blocked=on_blocked)
    report = await sender.drain()

    assert (report.blocked, report.sent, report.retried) == (2, 1, 0)
    assert told == [(blocker.id, [supervisor.id])]
    assert other_team_lead.id not in told[0][1]
    # One 403 is enough: the second reminder for the blocked chat is not even tried.
    attempts = [c for c in sends(state) if c.params["chat_id"] == blocker.chat_id]
    assert [c.status for c in attempts] == [403]
    rows = await rows_by_key(db)
    for key in blocked_keys:
        assert rows[key].status == OutboxStatus.FAILED
        assert "blocked" in (rows[key].last_error or "")
    async with db.session() as session:
        stored = await session.get(Worker, blocker.id)
    # Unreachable, not switched off: access and caseload stay until someone decides.
    assert stored is not None and stored.active and stored.deactivated_at is None
    assert stored.unreachable_at == clock.now()
    async with db.session() as session:
        [event] = [e for e in await audit.events(session) if e.action.startswith("worker.")]
    assert (event.action, event.subject_id, event.detail) == (
        "worker.unreachable",
        blocker.id,
        {"reason": "blocked_bot"},
    )
    # Marked again (another sender's 403): nothing changes and no one is told again.
    async with db.session() as session:
        assert await outbox.mark_unreachable(session, blocker.id, now=clock.now()) == []
        assert len([e for e in await audit.events(session) if e.action.startswith("worker.")]) == 1

    # A later reminder for the unreachable worker is skipped, not sent into a 403.
    async with db.session() as session:
        await outbox.enqueue(
            session, key="late", kind="visit_due", worker_id=blocker.id, due_at=clock.now(),
            now=clock.now(),
        )  # fmt: skip
    later = await sender.drain()
    assert (later.skipped, later.blocked) == (1, 0) and len(told) == 1


async def test_enqueue_is_idempotent(
    db: Database, clock: FixedClock, bot: telegram.Bot, state: BotState
):
    [worker] = await add_workers(db, state, clock, 1)
    arguments = {
        "key": "plan_review:plan-7:2026-03-02",
        "kind": "plan_review",
        "worker_id": worker.id,
        "due_at": clock.now(),
        "subject_type": "plan",
        "subject_id": 7,
    }
    async with db.session() as session:
        assert await outbox.enqueue(session, now=clock.now(), **arguments)
    async with db.session() as session:  # a second tick, or the same tick after a restart
        assert not await outbox.enqueue(session, now=clock.now(), **arguments)
    sender = OutboxSender(bot, db, clock, make_render(db))
    assert (await sender.drain()).sent == 1
    async with db.session() as session:  # after it was sent: still nothing new
        assert not await outbox.enqueue(session, now=clock.now(), **arguments)
    assert (await sender.drain()).handled == 0

    async with db.session() as session:
        assert await session.scalar(select(func.count(OutboxMessage.id))) == 1
    assert len(state.chat_log(worker.chat_id or 0)) == 1


async def test_a_dead_claimers_row_is_sent_once_after_its_lease(
    db: Database, clock: FixedClock, bot: telegram.Bot, state: BotState
):
    [worker] = await add_workers(db, state, clock, 1)
    [key] = await enqueue_for(db, clock, [worker], 1)
    lease = timedelta(minutes=5)
    async with db.session() as session:
        [claimed] = await outbox.claim_due(
            session, now=clock.now(), claimer="dead-host:1:x", limit=10, lease=lease
        )
    # The "dead" process claimed the row and vanished before sending or recording anything.
    sender = OutboxSender(bot, db, clock, make_render(db), lease=lease)
    assert (await sender.drain()).handled == 0  # its lease still holds

    clock.advance(lease + timedelta(seconds=1))
    assert (await sender.drain()).sent == 1

    row = (await rows_by_key(db))[key]
    assert row.status == OutboxStatus.SENT and row.claimed_by == sender.claimer
    # The stale claimer wakes up and tries to record a result: nothing changes.
    async with db.session() as session:
        now = clock.now()
        assert not await outbox.mark_failed(
            session, claimed.id, now=now, error="late", claimer="dead-host:1:x"
        )
        assert not await outbox.mark_retry(
            session, claimed.id, now=now, next_attempt_at=now, error="late", claimer="dead-host:1:x"
        )
        assert not await outbox.mark_sent(
            session, claimed.id, now=now, telegram_message_id=1, claimer="dead-host:1:x"
        )
    row = (await rows_by_key(db))[key]
    assert row.status == OutboxStatus.SENT and row.last_error is None
    clock.advance(lease * 2)
    assert (await sender.drain()).handled == 0
    assert len(state.chat_log(worker.chat_id or 0)) == 1


async def test_rows_waiting_for_a_slow_chat_keep_their_lease(
    db: Database, clock: FixedClock, bot: telegram.Bot, state: BotState
):
    [worker] = await add_workers(db, state, clock, 1)
    # One chat: 8 messages take over 5 s (a burst of three, then one a second).
    keys = await enqueue_for(db, clock, [worker], 8)
    lease = timedelta(seconds=6)  # renewed after lease / 3 = 2 s of waiting
    sender = OutboxSender(bot, db, clock, make_render(db), lease=lease)

    draining = asyncio.create_task(sender.drain())
    await _until_rows(db, lambda rows: all(r.status != OutboxStatus.PENDING for r in rows))
    clock.advance(lease + timedelta(seconds=1))  # the original claim now looks abandoned
    # After lease / 3 of waiting (2 s of real time) the sender renews its claim.
    renewed_at = clock.now()
    await _until_rows(
        db,
        lambda rows: any(
            r.status == OutboxStatus.SENDING and r.claimed_at == renewed_at for r in rows
        ),
    )
    async with db.session() as session:
        stolen = await outbox.claim_due(
            session, now=clock.now(), claimer="thief:1:x", limit=10, lease=lease
        )
    report = await draining

    assert stolen == []
    assert report.sent == 8
    assert [key_of(m.text) for m in state.chat_log(worker.chat_id or 0)] == keys


async def test_max_rows_bounds_one_drain(
    db: Database, clock: FixedClock, bot: telegram.Bot, state: BotState
):
    workers = await add_workers(db, state, clock, 5)
    await enqueue_for(db, clock, workers, 1)
    sender = OutboxSender(bot, db, clock, make_render(db))

    assert (await sender.drain(max_rows=3)).sent == 3
    statuses = Counter(row.status for row in (await rows_by_key(db)).values())
    assert statuses == {OutboxStatus.SENT: 3, OutboxStatus.PENDING: 2}
    assert (await sender.drain()).sent == 2


async def test_a_cancelled_drain_records_what_it_sent_and_releases_the_rest(
    db: Database, clock: FixedClock, bot: telegram.Bot, unpaced_bot: telegram.Bot, state: BotState
):
    workers = await add_workers(db, state, clock, 3)
    keys = await enqueue_for(db, clock, workers, 20)
    sender = OutboxSender(bot, db, clock, make_render(db))

    draining = asyncio.create_task(sender.drain())
    await asyncio.sleep(1.0)
    draining.cancel()
    with pytest.raises(asyncio.CancelledError):
        await draining

    rows = await rows_by_key(db)
    statuses = Counter(row.status for row in rows.values())
    sent_now = sum(len(state.chat_log(w.chat_id or 0)) for w in workers)
    assert 0 < statuses[OutboxStatus.SENT] == sent_now < 60
    assert statuses[OutboxStatus.SENDING] == 0  # released at once, not after the lease
    assert statuses[OutboxStatus.PENDING] == 60 - sent_now

    # Finish quickly; pacing is tested above.
    sender = OutboxSender(unpaced_bot, db, clock, make_render(db))
    assert (await sender.drain()).sent == 60 - sent_now
    assert delivered_keys(state, workers) == Counter(keys)


async def test_two_senders_on_postgres_deliver_each_reminder_once(
    backend: str,
    db: Database,
    db_url: str,
    clock: FixedClock,
    devserver: BotApiServer,
    unpaced_bot: telegram.Bot,
    state: BotState,
):
    if backend != "postgres":
        pytest.skip("SKIP LOCKED claiming across processes needs PostgreSQL")
    workers = await add_workers(db, state, clock, 100)
    keys = await enqueue_for(db, clock, workers, 3)
    other_db = Database(db_url)  # a second process has its own engine and connections
    request = HTTPXRequest(connection_pool_size=32)
    try:
        async with telegram.Bot(TOKEN, base_url=devserver.base_url, request=request) as other_bot:
            senders = [
                OutboxSender(b, d, clock, make_render(d), claimer=name, batch=40)
                for b, d, name in [
                    (unpaced_bot, db, "host-a:1:a"),
                    (other_bot, other_db, "host-b:2:b"),
                ]
            ]
            reports = await asyncio.gather(*(s.drain() for s in senders))
    finally:
        await other_db.dispose()

    assert sum(r.sent for r in reports) == 300 and all(r.sent > 0 for r in reports)
    assert delivered_keys(state, workers) == Counter(keys)
    assert len(sends(state)) == 300
    rows = await rows_by_key(db)
    assert {row.status for row in rows.values()} == {OutboxStatus.SENT}
    assert {row.claimed_by for row in rows.values()} == {"host-a:1:a", "host-b:2:b"}


@pytest.mark.skipif(
    not os.environ.get("CASELINE_BENCH"), reason="benchmark: set CASELINE_BENCH=1 (~3 min)"
)
async def test_benchmark_5000_reminders_for_1000_workers(
    db: Database, clock: FixedClock, devserver: BotApiServer, bot: telegram.Bot, state: BotState
):
    devserver.set_rate_limits(True, overall_per_second=30, per_chat_per_second=3)
    workers = await add_workers(db, state, clock, 1000)
    await enqueue_for(db, clock, workers, 5)
    report = await OutboxSender(bot, db, clock, make_render(db)).drain()
    rate = report.sent / report.elapsed
    print(f"\n5000 reminders / 1000 chats: {report.elapsed:.1f}s, {rate:.2f} msg/s, {report}")
    assert report.sent == 5000 and state.stats["429"] == 0
    assert rate >= 0.9 * 30
