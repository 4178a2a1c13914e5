"""One sending budget per process (bot/pacing.py).

The rules are proved on virtual time: the budget's clock and sleep are a `VirtualTime` that
jumps to the next sleeper whenever every task is waiting, so nothing here sleeps or depends
on the machine's speed. A call "Telegram counts" at some unknown moment between its start and
its answer; the checks take the worst case (`busiest`): no one-second window may be able to
hold more than the limit, wherever in its round trip each call was counted.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import json
from collections import defaultdict
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

import pytest
from telegram import Bot
from telegram.request import BaseRequest, RequestData

from bot.pacing import MAX_RETRIES, PacedRequest, Priority, SendBudget, budget_of

# PTB 22 itself warns when it builds a RetryAfter (int seconds are deprecated); not ours to fix.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Deprecated since version v22.2:telegram.warnings.PTBDeprecationWarning"
)


class VirtualTime:
    """A clock and a sleep for the budget: time moves only when every task waits."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(0.0, seconds), next(self._order), future))
        await future

    async def run(self, work: Awaitable[Any], *, limit: float = 600.0) -> Any:
        """Run ``work`` to its end, moving time on to the next sleeper whenever nothing
        else can run."""
        task = asyncio.ensure_future(work)
        while True:
            for _ in range(100):  # let everything that can run now, run
                await asyncio.sleep(0)
            if task.done():
                return task.result()
            while self._sleepers and self._sleepers[0][2].done():
                heapq.heappop(self._sleepers)  # a cancelled timer
            assert self._sleepers, "every task waits and nothing will wake them"
            when, _, future = heapq.heappop(self._sleepers)
            assert when <= limit, "ran past the time limit"
            self.now = max(self.now, when)
            future.set_result(None)


@dataclass
class Call:
    chat_id: int | None
    priority: Priority
    start: float = 0.0
    answer: float = 0.0


def busiest(calls: list[Call]) -> int:
    """The most calls one sliding second could hold if Telegram counted each at the worst
    moment of its round trip: call d can fall in the window (x - 1, x] iff
    start ≤ x < answer + 1, so this is the deepest overlap of [start, answer + 1)."""
    edges = sorted(
        [(c.start, 1) for c in calls] + [(c.answer + 1.0, -1) for c in calls],
        key=lambda edge: (edge[0], edge[1]),  # an interval ends before the next one starts
    )
    depth = deepest = 0
    for _, step in edges:
        depth += step
        deepest = max(deepest, depth)
    return deepest


def by_chat(calls: list[Call]) -> dict[int | None, list[Call]]:
    chats: dict[int | None, list[Call]] = defaultdict(list)
    for call in calls:
        chats[call.chat_id].append(call)
    return chats


@dataclass
class Traffic:
    """Calls through a budget on virtual time, each answered ``round_trip(n)`` after it starts."""

    budget: SendBudget
    time: VirtualTime
    round_trip: Any = lambda n: 0.0
    calls: list[Call] = field(default_factory=list)

    async def call(self, chat_id: int | None, priority: Priority = Priority.BACKGROUND) -> Call:
        call = Call(chat_id, priority)
        async with self.budget.turn(chat_id, priority):
            call.start = self.time.now
            self.calls.append(call)
            await self.time.sleep(self.round_trip(len(self.calls)))
            call.answer = self.time.now
        return call


def traffic(per_second: int = 30, round_trip: Any = lambda n: 0.0) -> Traffic:
    time = VirtualTime()
    budget = SendBudget(per_second, clock=time.clock, sleep=time.sleep)
    return Traffic(budget, time, round_trip)


async def test_no_sliding_second_holds_more_than_the_budget_whatever_the_round_trips():
    # Round trips from 0 to 0.3 s, uneven: a later call may be counted before an earlier one.
    t = traffic(30, round_trip=lambda n: (n * 37 % 31) / 100)

    await t.time.run(asyncio.gather(*(t.call(chat) for chat in range(300))))

    assert len(t.calls) == 300
    assert busiest(t.calls) == 30  # the whole budget is used, and never more
    assert [c.start for c in t.calls[:30]] == [0.0] * 30  # a full budget goes at once
    # The 31st waits for a second after the first answer, not after the first start.
    first_answered = min(c.answer for c in t.calls[:30])
    assert t.calls[30].start == pytest.approx(first_answered + 1.0)


async def test_a_chat_gets_a_burst_of_three_then_one_a_second():
    t = traffic()

    await t.time.run(asyncio.gather(*(t.call(7) for _ in range(6))))

    assert [c.start for c in t.calls] == pytest.approx([0, 0, 0, 1, 2, 3])


async def test_a_chat_never_sees_more_than_three_in_a_second_with_slow_round_trips():
    t = traffic(round_trip=lambda n: (n % 4) * 0.2)

    await t.time.run(asyncio.gather(*(t.call(chat) for chat in (1, 2, 3) for _ in range(10))))

    for calls in by_chat(t.calls).values():
        assert busiest(calls) <= 3
        starts = [c.start for c in calls]
        # Sustained one a second: the 4th no sooner than 1 s after the 1st, the 10th 7 s.
        assert all(b - a >= 1.0 - 1e-9 for a, b in zip(starts, starts[3:], strict=False))
        assert starts[9] - starts[0] >= 7.0 - 1e-9


async def test_a_chat_waiting_its_turn_does_not_hold_up_other_chats():
    t = traffic()
    await t.time.run(asyncio.gather(*(t.call(1) for _ in range(3))))  # chat 1's burst is spent

    await t.time.run(asyncio.gather(t.call(1, Priority.ANSWER), t.call(2), t.call(3)))

    assert [(c.chat_id, c.start) for c in t.calls[3:]] == [(2, 0.0), (3, 0.0), (1, 1.0)]


async def test_answers_take_the_next_free_turn_before_waiting_background_calls():
    t = traffic(per_second=2, round_trip=lambda n: 0.1)

    async def scene() -> None:
        background = [asyncio.ensure_future(t.call(100 + n)) for n in range(6)]
        await t.time.sleep(0.05)  # two are on the wire, four wait
        answers = [asyncio.ensure_future(t.call(n, Priority.ANSWER)) for n in range(3)]
        await asyncio.gather(*background, *answers)

    await t.time.run(scene())

    order = [c.priority for c in t.calls]
    assert order == [Priority.BACKGROUND] * 2 + [Priority.ANSWER] * 3 + [Priority.BACKGROUND] * 4
    assert busiest(t.calls) <= 2
    first_answer = t.calls[2]
    assert first_answer.start == pytest.approx(1.1)  # the first turn freed after the 0.05 s


async def test_a_cancelled_wait_gives_its_turn_to_the_next():
    t = traffic(per_second=1)

    async def scene() -> None:
        first = asyncio.ensure_future(t.call(1))
        stuck = asyncio.ensure_future(t.call(2))
        after = asyncio.ensure_future(t.call(3))
        await t.time.sleep(0.5)
        stuck.cancel()
        await asyncio.gather(first, after)

    await t.time.run(scene())

    assert [(c.chat_id, c.start) for c in t.calls] == [(1, 0.0), (3, 1.0)]


# -- PacedRequest: which calls are paced, and 429 ------------------------------------------


class FakeTelegram(BaseRequest):
    """Answers like the Bot API, on virtual time; ``refuse`` answers the next calls 429."""

    def __init__(self, time: VirtualTime) -> None:
        self.time = time
        self.refuse: list[int] = []  # retry_after of each refusal to come, in order
        self.log: list[tuple[str, float, int]] = []  # (method, time, status)
        self._ids = itertools.count(1)

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        if self.refuse and name == "sendMessage":
            retry_after = self.refuse.pop(0)
            self.log.append((name, self.time.now, 429))
            body = {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            }
            return 429, json.dumps(body).encode()
        self.log.append((name, self.time.now, 200))
        await self.time.sleep(0.01)
        params = request_data.parameters if request_data else {}
        result: Any = True
        if name == "getUpdates":
            result = []
        elif name == "getMe":
            result = {"id": 1, "is_bot": True, "first_name": "Caseline", "username": "c_bot"}
        elif name == "sendMessage":
            chat = {"id": int(params["chat_id"]), "type": "private", "first_name": "W"}
            result = {"message_id": next(self._ids), "date": 0, "chat": chat, "text": "ok"}
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def times(self, method: str, status: int = 200) -> list[float]:
        return [at for name, at, code in self.log if name == method and code == status]


async def paced_bot(budget: SendBudget, inner: BaseRequest, priority: Priority) -> Bot:
    request = PacedRequest(inner, budget, priority)
    bot = Bot("1:TEST", request=request, get_updates_request=request)
    await bot.initialize()
    return bot


async def test_a_429_pauses_every_call_of_the_process_then_the_call_goes_again():
    time = VirtualTime()
    budget = SendBudget(30, clock=time.clock, sleep=time.sleep)
    telegram = FakeTelegram(time)
    answers = await time.run(paced_bot(budget, telegram, Priority.ANSWER))
    reminders = await time.run(paced_bot(budget, telegram, Priority.BACKGROUND))
    telegram.refuse = [2]

    messages = await time.run(
        asyncio.gather(
            answers.send_message(1, "first"),
            *(reminders.send_message(100 + n, "later") for n in range(5)),
        )
    )

    assert len(messages) == 6  # the refused call was tried again, and nobody saw the 429
    [refused_at] = telegram.times("sendMessage", 429)
    sent = telegram.times("sendMessage")
    assert all(at <= refused_at or at >= refused_at + 2 for at in sent)
    assert len([at for at in sent if at >= refused_at + 2]) >= 1
    assert budget_of(answers) is budget_of(reminders) is budget


async def test_429s_are_retried_a_bounded_number_of_times():
    from telegram.error import RetryAfter

    time = VirtualTime()
    budget = SendBudget(30, clock=time.clock, sleep=time.sleep)
    telegram = FakeTelegram(time)
    bot = await time.run(paced_bot(budget, telegram, Priority.ANSWER))
    telegram.refuse = [1] * (MAX_RETRIES + 5)

    with pytest.raises(RetryAfter):
        await time.run(bot.send_message(1, "never"))

    assert len(telegram.times("sendMessage", 429)) == MAX_RETRIES + 1


async def test_only_calls_that_send_or_change_messages_wait_for_a_turn():
    time = VirtualTime()
    budget = SendBudget(1, clock=time.clock, sleep=time.sleep)
    telegram = FakeTelegram(time)
    bot = await time.run(paced_bot(budget, telegram, Priority.ANSWER))
    budget.pause(60)  # a long flood wait: paced calls would all wait a minute
    paused_at = time.now

    await time.run(
        asyncio.gather(
            bot.send_chat_action(1, "typing"),
            bot.answer_callback_query("q1"),
            bot.set_my_commands([("today", "today")]),
            bot.get_updates(timeout=0),
        ),
        limit=1.0,
    )
    await time.run(bot.edit_message_text("again", chat_id=1, message_id=5))

    assert telegram.times("editMessageText") == [pytest.approx(paused_at + 60)]


async def test_chat_wait_says_when_a_chat_may_be_sent_to_next():
    t = traffic()
    assert t.budget.chat_wait(5) == 0
    await t.time.run(asyncio.gather(*(t.call(5) for _ in range(3))))
    assert t.budget.chat_wait(5) == pytest.approx(1.0)
    assert t.budget.chat_wait(6) == 0
    t.budget.pause(4)
    assert t.budget.chat_wait(6) == pytest.approx(4.0)


# -- the wiring: one budget per process, its share of Telegram's 30 -------------------------


def _budgets(application: Any) -> tuple[SendBudget | None, SendBudget | None]:
    reminders = application.bot_data["services"].reminders
    return budget_of(application.bot), budget_of(reminders.bot) if reminders else None


@pytest.mark.parametrize(
    ("env", "scheduler", "rate"),
    [
        ({}, True, 30),  # `caseline run`: answers and reminders share Telegram's 30
        ({}, False, 20),  # `caseline run --no-scheduler`: 10 are left to the scheduler
        ({"CASELINE_SEND_RATE": "12"}, True, 12),
    ],
)
async def test_answers_and_reminders_of_one_process_share_one_budget(
    devserver, db, db_url, env, scheduler, rate
):
    from bot.app import build_application
    from tests.harness import settings_for

    settings = settings_for(devserver, db_url, **env)
    application = build_application(settings, db, scheduler=scheduler)

    answers, reminders = _budgets(application)
    assert answers is not None and answers.per_second == rate
    assert reminders is (answers if scheduler else None)
    assert application.bot.rate_limiter is None  # no second limiter under the budget


async def test_uncapped_runs_are_not_paced(devserver, db, db_url):
    from bot.app import build_application
    from tests.harness import settings_for

    application = build_application(settings_for(devserver, db_url), db, rate_limiter=False)

    assert _budgets(application) == (None, None)


async def test_the_scheduler_process_takes_the_rest_of_the_budget(devserver, db_url):
    from bot.scheduler import reminders_budget
    from tests.harness import settings_for

    assert reminders_budget(settings_for(devserver, db_url)).per_second == 10
    split = settings_for(devserver, db_url, CASELINE_SEND_RATE="5")  # one of two schedulers
    assert reminders_budget(split).per_second == 5


# -- the real stack: Telegram's strict window, and nothing refused ------------------------


WRITERS = 600_000  # Telegram ids of workers who write a note
READERS = 610_000  # … of workers who only get reminders


async def test_a_burst_of_answers_and_reminders_arrives_without_a_single_429(
    devserver, db, db_url, clock
):
    """Thirty workers post a note at the same moment a tick sends sixty reminders to thirty
    others, through the real Application, against a server that refuses a 31st message in any
    second and a 4th to one chat. Everything arrives, and nothing is refused: the budget counts
    each call until a second after its answer, so this holds however fast the machine is."""
    from bot.reminders.planning import BLOCKED
    from storage import outbox
    from storage.models import client_code
    from tests.harness import BotHarness

    devserver.set_rate_limits(True, overall_per_second=30, per_chat_per_second=3)
    harness = BotHarness(server=devserver, db=db, db_url=db_url, clock=clock, rate_limiter=True)
    await harness.start()
    try:
        writers = []
        for n in range(30):
            writer = await harness.seed_worker(WRITERS + n, f"Writer {n}")
            code = client_code(await harness.seed_client(WRITERS + n, f"Client {n}"))
            writers.append((writer, code))
        readers = [await harness.seed_worker(READERS + n, f"Reader {n}") for n in range(30)]
        reader_ids = [await harness.worker_id(reader.user_id) for reader in readers]
        async with db.session() as session:
            for n, worker_id in enumerate(reader_ids):
                for k in range(2):
                    await outbox.enqueue(
                        session,
                        key=f"burst:{n}:{k}",
                        kind=BLOCKED,
                        worker_id=worker_id,
                        due_at=clock.now(),
                        now=clock.now(),
                        payload={"text": f"Reminder {k} for reader {n}"},
                    )

        for writer, code in writers:
            writer.fake.send_text(f"/note {code} phone: all well")
        await asyncio.gather(harness.tick(), harness.settle())

        for writer, code in writers:
            assert any("saved" in (m.text or "") for m in writer.messages()), code
        for n, reader in enumerate(readers):
            texts = [m.text for m in reader.messages()]
            assert texts[-2:] == [f"Reminder {k} for reader {n}" for k in range(2)]
        assert harness.state.stats["429"] == 0
    finally:
        await harness.stop()


async def test_a_429_is_waited_out_in_one_place(devserver, db, db_url, clock):
    """Through the real Application with its sending budget: an answer refused with 429
    again and again is tried MAX_RETRIES more times by the budget, which waits each out,
    and not once more by the held answers on top (which would also wait, out of turn)."""
    from tests.harness import BotHarness

    harness = BotHarness(server=devserver, db=db, db_url=db_url, clock=clock, rate_limiter=True)
    await harness.start()
    try:
        wanda = await harness.seed_worker(701, "Wanda Worker")
        harness.state.inject_fault("sendMessage", count=10, status=429, retry_after=0)
        assert await wanda.send("/help") == []
        assert harness.state.stats["429"] == MAX_RETRIES + 1
    finally:
        await harness.stop()
