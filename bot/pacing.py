"""One sending budget per process, shared by every Bot of the process, answers first.

Telegram's flood control is per bot token: about 30 messages in any second overall and about
one a second per chat (short bursts tolerated); past that it answers 429 with ``retry_after``
and, as far as the bot is concerned, everything stops for that long. Answers, edits, reminders,
digests, alerts and wipes therefore all wait for a turn in one :class:`SendBudget`, through a
:class:`PacedRequest` around each Bot's request, and never rely on 429s as the signal:

* **overall**: at most ``per_second`` calls in any sliding second. A call counts from the
  moment it starts until ``WINDOW`` after its answer came back, not after its start: Telegram
  counted it at some moment in between, so however the network delays one call and hurries
  the next, the calls Telegram sees in any second are never more than ``per_second``. That
  round trip is the safety margin, and it costs only what the round trip takes;
* **per chat**: at most ``burst`` calls in any sliding second (counted the same way), and
  sustained one every ``per_chat_interval`` (a token bucket holding ``burst``), so the two or
  three calls that answer one update go out at once, but a chat never gets a stream;
* **priority**: a waiting :data:`Priority.ANSWER` (a worker is looking at the chat) takes the
  next free turn before any waiting :data:`Priority.BACKGROUND` call (reminders, digests,
  alerts, wipes); within a priority, first come first served. A call whose own chat must wait
  does not hold up calls to other chats;
* **429**: the whole budget pauses for ``retry_after`` (flood control is per bot), then the
  refused call is tried again, at most ``MAX_RETRIES`` times.

Real time (``time.monotonic``, ``asyncio.sleep``), because Telegram's limits run on real time
(reminder due dates follow the business clock instead); both are injectable so the rules can
be tested without sleeping.

Processes sending on one token split Telegram's 30 a second between them with
CASELINE_SEND_RATE (domain/settings.py, README "Sending budget").
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import itertools
import logging
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from enum import IntEnum

from telegram import Bot
from telegram.request import BaseRequest, RequestData

from ui.wrapped_request import Call, WrappedRequest, chat_id_of, retry_after

log = logging.getLogger(__name__)

# Telegram's windows are one second long.
WINDOW = 1.0
# How many times a call refused with 429 is tried again (after the pause) before the 429 is
# handed to the caller (PTB raises RetryAfter; the outbox sender then requeues the row).
MAX_RETRIES = 3
# How often chats that are as good as new are forgotten, in seconds.
SWEEP_EVERY = 10.0


class Priority(IntEnum):
    """Lower goes first."""

    ANSWER = 0
    BACKGROUND = 1


Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(slots=True)
class _Window:
    """Calls that count against a limit right now: those on the wire, and those answered
    less than ``WINDOW`` ago (the times of their answers, oldest first)."""

    limit: int
    in_flight: int = 0
    answered: deque[float] = field(default_factory=deque)

    def _prune(self, now: float) -> None:
        while self.answered and self.answered[0] + WINDOW <= now:
            self.answered.popleft()

    def wait(self, now: float) -> float:
        """Seconds until one more call may start (0 = now; inf = not before an answer)."""
        self._prune(now)
        excess = self.in_flight + len(self.answered) - self.limit
        if excess < 0:
            return 0.0
        if excess >= len(self.answered):
            return math.inf  # only an answer still on the wire can make room
        return self.answered[excess] + WINDOW - now

    def idle(self, now: float) -> bool:
        self._prune(now)
        return not self.in_flight and not self.answered


@dataclass(slots=True)
class _Chat:
    window: _Window
    tokens: float  # the token bucket for the sustained rate
    updated: float


@dataclass(slots=True, eq=False)
class _Waiter:
    priority: Priority
    seq: int
    chat_id: int | None
    granted: asyncio.Future[None]

    @property
    def order(self) -> tuple[int, int]:
        return (self.priority, self.seq)


class SendBudget:
    """The turns of one process's calls that send or change messages (see the module doc).

    One per process: every Bot of the process has a :class:`PacedRequest` over the same
    budget. ``clock`` and ``sleep`` are injectable for tests; they must agree (``sleep(s)``
    returns once ``clock()`` has moved on by ``s``).
    """

    def __init__(
        self,
        per_second: int,
        *,
        burst: int = 3,
        per_chat_interval: float = 1.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if per_second <= 0 or burst <= 0 or per_chat_interval < 0:
            raise ValueError("per_second and burst must be positive")
        self.per_second = per_second
        self.burst = burst
        self.per_chat_interval = per_chat_interval
        self._clock = clock
        self._sleep = sleep
        self._overall = _Window(per_second)
        self._chats: dict[int, _Chat] = {}
        self._waiting: list[_Waiter] = []  # sorted by (priority, arrival)
        self._seq = itertools.count()
        self._paused_until = -math.inf
        self._timer: asyncio.Task[None] | None = None
        self._timer_at = math.inf
        self._next_sweep = -math.inf

    # -- the public surface ----------------------------------------------------------------

    def ticket(self) -> int:
        """A place in line: a retried call keeps the one it first had (see :meth:`turn`)."""
        return next(self._seq)

    @contextlib.asynccontextmanager
    async def turn(
        self, chat_id: int | None, priority: Priority, ticket: int | None = None
    ) -> AsyncIterator[None]:
        """Wait for a turn to call Telegram about ``chat_id`` (None: no chat, the overall
        limit only); the call is made inside the block and counts until ``WINDOW`` after it."""
        waiter = _Waiter(
            priority,
            self.ticket() if ticket is None else ticket,
            chat_id,
            asyncio.get_running_loop().create_future(),
        )
        bisect.insort(self._waiting, waiter, key=lambda w: w.order)
        self._dispatch()
        try:
            await waiter.granted
        except asyncio.CancelledError:
            if waiter.granted.done() and not waiter.granted.cancelled():
                self._answered(chat_id)  # granted just before the cancel: give the turn back
            else:
                if waiter in self._waiting:
                    self._waiting.remove(waiter)
                self._dispatch()
            raise
        try:
            yield
        finally:
            self._answered(chat_id)

    def pause(self, seconds: float) -> None:
        """Nothing starts for ``seconds`` (a 429: Telegram's flood control is per bot)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)
        self._dispatch()

    def chat_wait(self, chat_id: int) -> float:
        """Seconds until a call to ``chat_id`` could start as far as its chat and a pause go
        (0 = now; the overall limit aside). The outbox sender uses it to spend its
        concurrency on chats that can be sent to now."""
        now = self._clock()
        chat = self._chats.get(chat_id)
        wait = self._chat_wait(chat, now) if chat is not None else 0.0
        return max(wait, self._paused_until - now, 0.0)

    # -- the rules ---------------------------------------------------------------------------

    def _chat(self, chat_id: int, now: float) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat(_Window(self.burst), float(self.burst), now)
        return chat

    def _refill(self, chat: _Chat, now: float) -> None:
        if self.per_chat_interval == 0:
            chat.tokens = float(self.burst)
        else:
            gained = (now - chat.updated) / self.per_chat_interval
            chat.tokens = min(float(self.burst), chat.tokens + gained)
        chat.updated = now

    def _chat_wait(self, chat: _Chat, now: float) -> float:
        self._refill(chat, now)
        bucket = 0.0 if chat.tokens >= 1 else (1 - chat.tokens) * self.per_chat_interval
        return max(bucket, chat.window.wait(now))

    def _dispatch(self) -> None:
        """Grant every turn that may start now, best first; then set a timer for the
        earliest moment another could."""
        now = self._clock()
        wake = self._paused_until
        if now >= self._paused_until:
            wake = math.inf
            busy: set[int] = set()  # chats a better waiter is already waiting for
            for waiter in list(self._waiting):
                overall = self._overall.wait(now)
                if overall > 0:
                    wake = min(wake, now + overall)
                    break
                chat = None
                if waiter.chat_id is not None:
                    if waiter.chat_id in busy:
                        continue
                    chat = self._chat(waiter.chat_id, now)
                    wait = self._chat_wait(chat, now)
                    if wait > 0:
                        busy.add(waiter.chat_id)
                        wake = min(wake, now + wait)
                        continue
                self._waiting.remove(waiter)
                if waiter.granted.done():  # cancelled; the canceller tidies up
                    continue
                self._overall.in_flight += 1
                if chat is not None:
                    chat.window.in_flight += 1
                    chat.tokens -= 1
                waiter.granted.set_result(None)
        if not self._waiting:
            self._stop_timer()
        elif math.isfinite(wake):
            self._wake_at(wake)
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_EVERY
            self._forget_idle_chats(now)

    def _answered(self, chat_id: int | None) -> None:
        now = self._clock()
        self._overall.in_flight -= 1
        self._overall.answered.append(now)
        chat = self._chats.get(chat_id) if chat_id is not None else None
        if chat is not None:
            chat.window.in_flight -= 1
            chat.window.answered.append(now)
        self._dispatch()

    def _wake_at(self, when: float) -> None:
        if self._timer is not None and not self._timer.done() and self._timer_at <= when:
            return
        self._stop_timer()
        self._timer_at = when
        self._timer = asyncio.get_running_loop().create_task(self._alarm(when))

    def _stop_timer(self) -> None:
        if self._timer is not None and not self._timer.done():
            self._timer.cancel()
        self._timer = None
        self._timer_at = math.inf

    async def _alarm(self, when: float) -> None:
        await self._sleep(max(0.0, when - self._clock()))
        self._timer = None
        self._timer_at = math.inf
        self._dispatch()

    def _forget_idle_chats(self, now: float) -> None:
        """A chat whose window is empty and whose bucket is full again is as good as new:
        dropping it keeps a long-running process small."""
        waited = {w.chat_id for w in self._waiting}
        for chat_id, chat in list(self._chats.items()):
            self._refill(chat, now)
            if chat_id not in waited and chat.tokens >= self.burst and chat.window.idle(now):
                del self._chats[chat_id]


# -- the request wrapper -------------------------------------------------------------------

# Bot API methods that send or change a message: Telegram's flood control counts these.
# sendChatAction and answerCallbackQuery are not messages (the dev server does not count
# them either) and go straight through, like getUpdates, getMe, getFile, setMyCommands …
_PACED_PREFIXES = ("send", "editMessage", "deleteMessage", "copyMessage", "forwardMessage")
_UNPACED = frozenset({"sendChatAction"})


def paced_method(name: str) -> bool:
    return name.startswith(_PACED_PREFIXES) and name not in _UNPACED


class PacedRequest(WrappedRequest):
    """A `BaseRequest` that takes a turn from ``budget`` for every call that sends or changes a
    message, at ``priority``, and survives a 429 by pausing the budget and trying again.
    Everything else passes straight to ``inner``. It can itself be wrapped again."""

    def __init__(self, inner: BaseRequest, budget: SendBudget, priority: Priority) -> None:
        super().__init__(inner)
        self.budget = budget
        self.priority = priority

    @property
    def waits_out_429(self) -> bool:
        return True

    async def handle(
        self, name: str, request_data: RequestData | None, call: Call
    ) -> tuple[int, bytes]:
        if not paced_method(name):
            return await call()
        # No chat (an @channel name, an inline message): the overall limit only.
        chat_id = chat_id_of(request_data)
        ticket = self.budget.ticket()
        for attempt in range(MAX_RETRIES + 1):
            async with self.budget.turn(chat_id, self.priority, ticket):
                code, payload = await call()
            seconds = retry_after(code, payload)
            if seconds is None or attempt == MAX_RETRIES:
                return code, payload
            # Flood control is per bot: everything of this process waits, then this call
            # goes again in its old place in line.
            log.warning("%s: flood control, pausing all sends %gs", name, seconds)
            self.budget.pause(seconds)
        raise AssertionError("unreachable")


def paced(inner: BaseRequest, budget: SendBudget | None, priority: Priority) -> BaseRequest:
    """``inner`` paced by ``budget``, or ``inner`` itself without one (tests and benchmarks
    that run uncapped)."""
    return inner if budget is None else PacedRequest(inner, budget, priority)


def budget_of(bot: Bot) -> SendBudget | None:
    """The budget ``bot``'s calls are paced by, if any (found through its request)."""
    request: object = bot.request
    while request is not None:
        if isinstance(request, PacedRequest):
            return request.budget
        request = getattr(request, "inner", None)
    return None
