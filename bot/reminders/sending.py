"""Draining the reminder outbox into Telegram without tripping its flood control.

The pacing itself is the process's sending budget (bot/pacing.py): the sender's Bot sends
through a `PacedRequest` at background priority, so reminders share one budget with the
answers of the same process and wait behind them, and a 429 pauses them all. What is left
here is the order of the rows:

* **lanes**: rows are grouped into one lane per worker (one private chat each); a lane has at
  most one message in flight, which keeps a chat's messages in order, while up to
  ``concurrency`` lanes send at once so the overall rate is reached with many chats;
* **which lane next**: among the chats the budget would let through now (its
  ``chat_wait``), the one with the most rows queued, so the sender spends its concurrency on
  chats that can be sent to rather than on tasks waiting out a chat's gap.

Every result is written to the database right after its own send, so a crash leaves at most
the messages in flight unrecorded (they stay ``sending`` and are claimed again when their lease
expires: at-least-once for those few, never lost).
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import math
import os
import secrets
import socket
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

import telegram
from telegram import InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.metrics import Metrics
from bot.pacing import budget_of
from domain.clock import Clock
from storage import bot_messages, outbox
from storage.db import Database
from storage.machinery import OutboxMessage
from storage.models import Worker

log = logging.getLogger(__name__)

BACKOFF_CAP_SECONDS = 300
BLOCKED_ERROR = "Forbidden: bot was blocked by the user"


@dataclass(frozen=True, slots=True)
class Rendered:
    """What one outbox row becomes in Telegram: the chat and the (escaped) message."""

    chat_id: int
    text: str
    reply_markup: InlineKeyboardMarkup | None = None
    parse_mode: str | None = "HTML"
    # A picture sent before the text (the digest's chart), and texts sent after it
    # (a digest longer than one message). Each is paced like any other message. An
    # empty text with a picture sends the picture alone (the weekly trend).
    photo: bytes | None = None
    photo_caption: str | None = None
    more: tuple[str, ...] = ()
    # The buttons under each of `more` (the digest's: a worker per block), by position.
    more_markups: tuple[InlineKeyboardMarkup | None, ...] = ()


@dataclass(frozen=True, slots=True)
class Deletion:
    """What a wipe row becomes: delete these messages of the bot's in one chat."""

    chat_id: int
    message_ids: tuple[int, ...]


# Telegram's deleteMessages takes at most this many ids per call.
DELETE_BATCH = 100


@dataclass(slots=True)
class DrainReport:
    """What one :meth:`OutboxSender.drain` did.

    Every row handled lands in exactly one of ``sent``, ``retried`` (back to pending for a
    later attempt), ``failed``, ``skipped`` or ``blocked`` (the worker blocked the bot);
    ``rate_limited`` counts 429 answers (those rows are also in ``retried``).
    """

    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    blocked: int = 0
    rate_limited: int = 0
    elapsed: float = 0.0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.skipped + self.blocked


Render = Callable[[OutboxMessage], Awaitable[Rendered | Deletion | None]]
OnBlocked = Callable[[int, list[Worker]], Awaitable[None]]


def default_claimer() -> str:
    """Host, process and a random tag: unique per sender even across restarts of one pid."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … seconds after the 1st, 2nd, 3rd … failed attempt, capped at 5 minutes."""
    return timedelta(seconds=min(BACKOFF_CAP_SECONDS, 2 ** max(0, attempts)))


def retry_after_seconds(error: RetryAfter) -> float:
    """Seconds to wait. PTB 22 gives int seconds (with a deprecation warning) or, with
    ``PTB_TIMEDELTA`` set, a timedelta; both are understood and the warning is not noise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


# -- one drain ---------------------------------------------------------------------------------


class _Result(Enum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"
    BLOCKED = "blocked"


@dataclass(slots=True)
class _Outcome:
    result: _Result
    error: str | None = None
    message_id: int | None = None
    retry_in: timedelta | None = None
    count_attempt: bool = True
    rate_limited: bool = False
    chat_id: int | None = None  # set when a send was attempted
    deleted: Deletion | None = None  # a wipe that went through: forget those ids


@dataclass(slots=True)
class _Held:
    row: OutboxMessage
    claimed_at: float  # monotonic


@dataclass(slots=True)
class _Lane:
    """The claimed rows of one worker, in claim order; at most one of them in flight."""

    worker_id: int
    seq: int
    rows: deque[_Held] = field(default_factory=deque)
    ready_at: float = 0.0
    busy: bool = False
    scheduled: bool = False


@dataclass
class _Run:
    report: DrainReport
    max_rows: int | None
    lanes: dict[int, _Lane] = field(default_factory=dict)
    #: Idle lanes waiting for their chat's gap, by the time it ends.
    waiting: list[tuple[float, int, int]] = field(default_factory=list)
    #: Idle lanes that may send now, most queued rows first.
    ready: list[tuple[int, int, int]] = field(default_factory=list)
    #: Deliveries in progress and the row each one carries.
    tasks: dict[asyncio.Task[None], _Held] = field(default_factory=dict)
    #: Rows whose send_message call has begun: a stopping drain lets these finish.
    on_wire: set[int] = field(default_factory=set)
    queued: int = 0
    claimed: int = 0
    exhausted: bool = False
    blocked: set[int] = field(default_factory=set)
    lane_seq: int = 0
    renew_checked: float = 0.0

    def schedule(self, lane: _Lane) -> None:
        if lane.rows and not lane.busy and not lane.scheduled:
            lane.scheduled = True
            heapq.heappush(self.waiting, (lane.ready_at, lane.seq, lane.worker_id))

    def next_ready(self, now: float) -> _Lane | None:
        """The lane to send from next: among chats that may send now, the one with the most
        rows queued (then the oldest), so the last chats of a drain do not trail alone at one
        message a second while the overall rate sits unused."""
        while self.waiting and self.waiting[0][0] <= now:
            _, seq, worker_id = heapq.heappop(self.waiting)
            lane = self.lanes.get(worker_id)
            if lane is not None:
                heapq.heappush(self.ready, (-len(lane.rows), seq, worker_id))
        while self.ready:
            _, _, worker_id = heapq.heappop(self.ready)
            lane = self.lanes.get(worker_id)
            if lane is None:
                continue  # its rows were taken over by another sender (renew_claims)
            lane.scheduled = False
            if not lane.busy and lane.rows:
                return lane
        return None

    def forget_if_done(self, lane: _Lane) -> None:
        """Lanes live only while they have rows, so the run's bookkeeping stays small."""
        if not lane.rows and not lane.busy and self.lanes.get(lane.worker_id) is lane:
            del self.lanes[lane.worker_id]

    def idle(self) -> bool:
        return not (self.tasks or self.waiting or self.ready)

    def held(self) -> list[_Held]:
        return [held for lane in self.lanes.values() for held in lane.rows]


class OutboxSender:
    """Claims due outbox rows and delivers them under Telegram's limits.

    ``render`` turns a row into a :class:`Rendered` message, a :class:`Deletion` (a wipe),
    or None to skip it (e.g. the worker is inactive or unreachable, or the reminder was
    resolved meanwhile); it may use the database. A Deletion that went through forgets its
    message ids.
    ``on_blocked(worker_id, supervisors)`` is called when a worker's chat answered 403 and
    the worker was marked unreachable just now (once, not per drain or per row).
    ``metrics`` (bot/metrics.py), when given, counts each row's outcome by the row's kind.

    The bot should have an HTTP connection pool at least ``concurrency`` wide (a plain
    ``telegram.Bot`` has one connection; ``ApplicationBuilder`` bots have 256).

    The bot's calls are paced by its process's sending budget (bot/pacing.py, found through
    the bot's request; a bot without one is not paced). Processes draining one database
    together each have their own budget, split with CASELINE_SEND_RATE; ``claim_due`` keeps
    them from sending any row twice.
    """

    def __init__(
        self,
        bot: telegram.Bot,
        db: Database,
        clock: Clock,
        render: Render,
        *,
        claimer: str | None = None,
        batch: int = 200,
        lease: timedelta = timedelta(minutes=5),
        max_attempts: int = 8,
        on_blocked: OnBlocked | None = None,
        concurrency: int = 16,
        metrics: Metrics | None = None,
    ) -> None:
        if batch <= 0 or concurrency <= 0 or max_attempts <= 0:
            raise ValueError("batch, concurrency and max_attempts must be positive")
        self.bot = bot
        self.db = db
        self.clock = clock
        self.render = render
        self.claimer = (claimer or default_claimer())[: outbox.CLAIMER_MAX]
        self.budget = budget_of(bot)
        self.batch = batch
        self.lease = lease
        self.max_attempts = max_attempts
        self.on_blocked = on_blocked
        self.concurrency = concurrency
        self.metrics = metrics
        # Enough chats in hand to keep the overall rate busy while each waits out its gap.
        budget = self.budget
        self._lanes_wanted = (
            math.ceil(budget.per_second * budget.per_chat_interval * 1.5) + 1
            if budget is not None
            else concurrency + 1
        )
        self._low_water = max(1, batch // 2)
        self._max_held = batch * 3
        self._renew_after = lease.total_seconds() / 3

    async def drain(self, *, max_rows: int | None = None) -> DrainReport:
        """Send everything due now (at most ``max_rows`` rows) and return what happened.

        Rows requeued during the drain (429, network errors) come back when the clock
        reaches their ``next_attempt_at``, on a later drain. If the drain is cancelled or a
        database error stops it, the sends in flight finish and are recorded, and the rows
        not yet started are released for the next drain.
        """
        started = time.monotonic()
        run = _Run(report=DrainReport(), max_rows=max_rows)
        try:
            await self._dispatch(run)
        finally:
            await self._settle(run)
            run.report.elapsed = time.monotonic() - started
        return run.report

    # -- the dispatcher ------------------------------------------------------------------------

    async def _dispatch(self, run: _Run) -> None:
        while True:
            if self._should_claim(run):
                await self._claim(run)
            await self._renew_if_due(run)
            now = time.monotonic()
            while len(run.tasks) < self.concurrency:
                lane = run.next_ready(now)
                if lane is None:
                    break
                lane.busy = True
                held = lane.rows.popleft()
                run.queued -= 1
                task = asyncio.create_task(self._deliver(run, lane, held))
                run.tasks[task] = held
            if run.idle():
                if self._should_claim(run):
                    continue
                return
            timeout: float | None = None
            if run.waiting and len(run.tasks) < self.concurrency:
                timeout = max(0.0, run.waiting[0][0] - time.monotonic())
            if self._should_claim(run):
                timeout = 0  # more chats are wanted now: claim before waiting on sends
            if run.tasks:
                done, _ = await asyncio.wait(
                    run.tasks, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                )
                for task in done:
                    del run.tasks[task]
                    task.result()  # a database error stops the drain (see _settle)
            elif timeout:
                await asyncio.sleep(timeout)

    def _should_claim(self, run: _Run) -> bool:
        if run.exhausted:
            return False
        if run.max_rows is not None and run.claimed >= run.max_rows:
            return False
        if run.queued <= self._low_water:
            return True
        return len(run.lanes) < self._lanes_wanted and run.queued + self.batch <= self._max_held

    async def _claim(self, run: _Run) -> None:
        limit = self.batch
        if run.max_rows is not None:
            limit = min(limit, run.max_rows - run.claimed)
        async with self.db.session() as session:
            rows = await outbox.claim_due(
                session, now=self.clock.now(), claimer=self.claimer, limit=limit, lease=self.lease
            )
        if len(rows) < limit:
            run.exhausted = True  # nothing more is due now; later rows are the next drain's
        claimed_at = time.monotonic()
        run.claimed += len(rows)
        run.queued += len(rows)
        for row in rows:
            lane = run.lanes.get(row.worker_id)
            if lane is None:
                run.lane_seq += 1
                lane = run.lanes[row.worker_id] = _Lane(row.worker_id, run.lane_seq)
            lane.rows.append(_Held(row, claimed_at))
            run.schedule(lane)

    async def _renew_if_due(self, run: _Run) -> None:
        """Keep the lease on rows still waiting for their chat's turn (a long queue to one
        chat drains at one message a second) so no other sender takes them over."""
        now = time.monotonic()
        if now - run.renew_checked < 1.0:
            return
        run.renew_checked = now
        held = run.held()
        if not held or now - min(h.claimed_at for h in held) < self._renew_after:
            return
        async with self.db.session() as session:
            kept = await outbox.renew_claims(
                session, [h.row.id for h in held], now=self.clock.now(), claimer=self.claimer
            )
        renewed_at = time.monotonic()
        for lane in list(run.lanes.values()):
            before = len(lane.rows)
            lane.rows = deque(h for h in lane.rows if h.row.id in kept)
            run.queued -= before - len(lane.rows)
            for h in lane.rows:
                h.claimed_at = renewed_at
            run.forget_if_done(lane)
        if len(kept) < len(held):
            log.warning(
                "outbox: %d claimed rows were taken over by another sender", len(held) - len(kept)
            )

    async def _settle(self, run: _Run) -> None:
        """Stop cleanly: sends already on the wire finish and are recorded (cancelling them
        would leave Telegram's answer unknown); deliveries still waiting for their turn are
        cancelled, and their rows and the rows not yet started are handed back."""
        unsent = [held for task, held in run.tasks.items() if held.row.id not in run.on_wire]
        for task, held in run.tasks.items():
            if held.row.id not in run.on_wire:
                task.cancel()
        if run.tasks:
            results = await asyncio.gather(*run.tasks, return_exceptions=True)
            for result in results:
                if isinstance(result, BaseException) and not isinstance(
                    result, asyncio.CancelledError
                ):
                    log.error("outbox: recording a result failed: %s", type(result).__name__)
            run.tasks.clear()
        left = run.held() + unsent
        if not left:
            return
        try:
            async with self.db.session() as session:
                await outbox.release(session, [h.row.id for h in left], claimer=self.claimer)
        except Exception as error:  # the lease expiry will free them anyway
            log.warning("outbox: could not release %d rows: %s", len(left), type(error).__name__)

    # -- one row ---------------------------------------------------------------------------

    async def _deliver(self, run: _Run, lane: _Lane, held: _Held) -> None:
        """Send one row, record its result, then let the lane's next row go.

        The lane becomes ready again when its chat may be sent to, so the dispatcher spends
        its ``concurrency`` on chats that can send now rather than on tasks waiting out a gap.
        """
        chat_id: int | None = None
        try:
            outcome = await self._attempt(run, held.row)
            chat_id = outcome.chat_id
            await self._record(run, held.row, outcome)
        finally:
            lane.busy = False
            lane.ready_at = time.monotonic()
            if chat_id is not None and self.budget is not None:
                lane.ready_at += self.budget.chat_wait(chat_id)
            run.schedule(lane)
            run.forget_if_done(lane)

    async def _attempt(self, run: _Run, row: OutboxMessage) -> _Outcome:
        if row.worker_id in run.blocked:
            return _Outcome(_Result.BLOCKED, error=BLOCKED_ERROR)
        try:
            rendered = await self.render(row)
        except Exception as error:  # a rendering bug must fail the row, not loop or crash
            log.warning(
                "outbox row %s (%s): render failed: %s", row.id, row.kind, type(error).__name__
            )
            return _Outcome(_Result.FAILED, error=f"render failed: {type(error).__name__}")
        if rendered is None:
            return _Outcome(_Result.SKIPPED, error="skipped by render")
        outcome = await self._send(run, row, rendered)
        outcome.chat_id = rendered.chat_id
        return outcome

    async def _send(self, run: _Run, row: OutboxMessage, rendered: Rendered | Deletion) -> _Outcome:
        run.on_wire.add(row.id)
        try:
            if isinstance(rendered, Deletion):
                return await self._delete(rendered)
            message = await self._send_parts(rendered)
        except RetryAfter as error:  # still refused after the budget's own retries
            seconds = retry_after_seconds(error)
            log.warning("outbox row %s (%s): flood control %.0fs", row.id, row.kind, seconds)
            return _Outcome(
                _Result.RETRY,
                error=f"RetryAfter: {seconds:g}s",
                retry_in=timedelta(seconds=seconds),
                count_attempt=False,
                rate_limited=True,
            )
        except Forbidden as error:
            return _Outcome(_Result.BLOCKED, error=str(error.message))
        except BadRequest as error:  # before NetworkError: PTB derives it from NetworkError
            return _Outcome(_Result.FAILED, error=f"BadRequest: {error.message}")
        except (NetworkError, TelegramError) as error:  # timeouts, 5xx, dropped connections
            return self._retry_or_fail(row, error)
        except Exception as error:  # e.g. PTB refusing a parameter: retrying cannot help
            log.warning(
                "outbox row %s (%s): send failed: %s", row.id, row.kind, type(error).__name__
            )
            return _Outcome(_Result.FAILED, error=f"unexpected: {type(error).__name__}")
        return _Outcome(_Result.SENT, message_id=message.message_id)

    async def _send_parts(self, rendered: Rendered) -> Message:
        """The photo, the main text, then any further texts, each its own paced call.
        Returns the main text message, whose id the row records; a photo without a text
        (the weekly trend: its caption says it all) is the message, with the buttons."""
        chat = rendered.chat_id
        if rendered.photo is not None:
            photo = await self.bot.send_photo(
                chat_id=chat,
                photo=InputFile(rendered.photo, filename="chart.png"),
                caption=rendered.photo_caption,
                parse_mode=rendered.parse_mode,
                reply_markup=None if rendered.text else rendered.reply_markup,
            )
            if not rendered.text:
                return photo
        message = await self.bot.send_message(
            chat_id=chat,
            text=rendered.text,
            parse_mode=rendered.parse_mode,
            reply_markup=rendered.reply_markup,
        )
        for index, text in enumerate(rendered.more):
            markup = rendered.more_markups[index] if index < len(rendered.more_markups) else None
            await self.bot.send_message(
                chat_id=chat, text=text, parse_mode=rendered.parse_mode, reply_markup=markup
            )
        return message

    async def _delete(self, deletion: Deletion) -> _Outcome:
        """A wipe: deleteMessages in batches of 100, each its own paced call (Telegram
        skips ids it cannot delete). A 429 or a network error goes to the caller's handling:
        the row is tried again, and ids already deleted are skipped then."""
        chat, ids = deletion.chat_id, deletion.message_ids
        try:
            for start in range(0, len(ids), DELETE_BATCH):
                await self.bot.delete_messages(
                    chat_id=chat, message_ids=ids[start : start + DELETE_BATCH]
                )
        except Forbidden as error:  # the chat blocked the bot: nothing can be deleted there
            return _Outcome(_Result.FAILED, error=f"Forbidden: {error.message}")
        return _Outcome(_Result.SENT, deleted=deletion)

    def _retry_or_fail(self, row: OutboxMessage, error: TelegramError) -> _Outcome:
        text = f"{type(error).__name__}: {error.message}"
        if row.attempts + 1 >= self.max_attempts:
            return _Outcome(_Result.FAILED, error=f"gave up after {row.attempts + 1}: {text}")
        return _Outcome(_Result.RETRY, error=text, retry_in=backoff(row.attempts))

    async def _record(self, run: _Run, row: OutboxMessage, outcome: _Outcome) -> None:
        now: datetime = self.clock.now()
        report = run.report
        supervisors: list[Worker] | None = None
        async with self.db.session() as session:
            if outcome.result is _Result.SENT:
                kept = await outbox.mark_sent(
                    session,
                    row.id,
                    now=now,
                    telegram_message_id=outcome.message_id,
                    claimer=self.claimer,
                )
                if kept and outcome.deleted is not None:
                    deleted = outcome.deleted
                    await bot_messages.forget(session, deleted.chat_id, deleted.message_ids)
                report.sent += 1
            elif outcome.result is _Result.RETRY:
                assert outcome.retry_in is not None
                kept = await outbox.mark_retry(
                    session,
                    row.id,
                    now=now,
                    next_attempt_at=now + outcome.retry_in,
                    error=outcome.error or "",
                    claimer=self.claimer,
                    count_attempt=outcome.count_attempt,
                )
                report.retried += 1
                report.rate_limited += outcome.rate_limited
            elif outcome.result is _Result.SKIPPED:
                kept = await outbox.mark_skipped(
                    session, row.id, now=now, claimer=self.claimer, reason=outcome.error
                )
                report.skipped += 1
            else:
                kept = await outbox.mark_failed(
                    session, row.id, now=now, error=outcome.error or "", claimer=self.claimer
                )
                if outcome.result is _Result.BLOCKED:
                    report.blocked += 1
                    if row.worker_id not in run.blocked:
                        run.blocked.add(row.worker_id)
                        supervisors = await outbox.mark_unreachable(session, row.worker_id, now=now)
                else:
                    report.failed += 1
        self._log(row, outcome, kept)
        if self.metrics is not None:
            self.metrics.reminders.labels(row.kind, outcome.result.value).inc()
        if supervisors and self.on_blocked is not None:
            try:
                await self.on_blocked(row.worker_id, supervisors)
            except Exception as error:  # telling supervisors must not stop the drain
                log.error(
                    "outbox row %s (%s): on_blocked failed: %s",
                    row.id,
                    row.kind,
                    type(error).__name__,
                )

    @staticmethod
    def _log(row: OutboxMessage, outcome: _Outcome, kept: bool) -> None:
        """Row id, kind and outcome only: texts name clients and errors may quote them."""
        if not kept:
            log.warning(
                "outbox row %s (%s): claim lost before its result (%s) was recorded",
                row.id,
                row.kind,
                outcome.result.value,
            )
        elif outcome.result is _Result.SENT:
            log.debug("outbox row %s (%s): sent", row.id, row.kind)
        elif outcome.result is _Result.SKIPPED:
            log.info("outbox row %s (%s): skipped", row.id, row.kind)
        else:
            log.warning(
                "outbox row %s (%s): %s (attempt %d)",
                row.id,
                row.kind,
                outcome.result.value,
                row.attempts + 1,
            )
