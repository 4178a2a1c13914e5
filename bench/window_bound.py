"""The least wait any bot inside Telegram's strict window can give its answers.

    python -m bench.window_bound [--workers 60] [--rates 10 15 20 25] [--seconds 20000]

`bench.field latency` offers ~20 updates/s from workers who think between messages
(exponential think times), under a window of 30 calls in any sliding second. Such arrivals
are bursty: some seconds hold more than 30, and a bot that never exceeds the window must
hold the excess back, however fast it is. This simulates the ideal such bot: it answers
each message the instant it arrives with one call, first come first served, as soon as the
window allows; a call counts from its start (`--rtt 0`, the ideal) or, as
`bot.pacing.SendBudget` counts it, until a second after its answer came back. No network,
no bot, no database: a discrete-event simulation over `--seconds` of simulated time, so
the tail is measured on hundreds of thousands of answers instead of a run's few hundred.

Printed per offered rate: the share of answers that must wait, and the wait's p95, p99
and p99.9. These are floors for `bench.field latency`'s p99 under the strict window: the
bot's own latency comes on top. The echo bot stays under them only by breaking the window
(its 429s).
"""

from __future__ import annotations

import argparse
import heapq
import random
from collections import deque
from dataclasses import dataclass

from bench.common import percentile, table
from domain.settings import TELEGRAM_SEND_RATE

WINDOW = 1.0


@dataclass(frozen=True)
class Bound:
    rate: float  # answers per second that went out
    waited: float  # share of answers that waited at all
    p95_ms: float
    p99_ms: float
    p999_ms: float


def simulate(
    *, workers: int, think: float, seconds: float, rtt: float, limit: int, seed: int = 15
) -> Bound:
    """Workers each send, get their answer once its call is granted (plus `rtt`), think
    Exp(`think`) seconds and send again; the calls are granted first come first served,
    each as soon as fewer than `limit` calls count against the window."""
    rng = random.Random(seed)
    arrivals = [(rng.expovariate(1 / think), worker) for worker in range(workers)]
    heapq.heapify(arrivals)
    counting: deque[float] = deque()  # when each call stops counting, oldest first
    grants: list[float] = []
    waits: list[float] = []
    last = 0.0
    while arrivals:
        arrived, worker = heapq.heappop(arrivals)
        if arrived > seconds:
            break
        granted = max(arrived, last)  # first come, first served
        while counting and counting[0] <= granted:
            counting.popleft()
        if len(counting) >= limit:
            granted = counting[len(counting) - limit]
            while counting and counting[0] <= granted:
                counting.popleft()
        last = granted
        counting.append(granted + rtt + WINDOW)
        grants.append(granted)
        waits.append(granted - arrived)
        heapq.heappush(arrivals, (granted + rtt + rng.expovariate(1 / think), worker))
    _check_window(grants, limit)
    waits_ms = [wait * 1000 for wait in waits]
    return Bound(
        rate=len(waits) / seconds,
        waited=sum(1 for wait in waits if wait > 0) / len(waits),
        p95_ms=percentile(waits_ms, 95),
        p99_ms=percentile(waits_ms, 99),
        p999_ms=percentile(waits_ms, 99.9),
    )


def _check_window(grants: list[float], limit: int) -> None:
    """The simulation's own promise: never more than `limit` starts in any second."""
    first = 0
    for last, started in enumerate(grants):
        while grants[first] <= started - WINDOW + 1e-9:  # a float's rounding, not a call
            first += 1
        assert last - first + 1 <= limit, f"{last - first + 1} calls in one second"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=60)
    parser.add_argument("--rates", type=float, nargs="+", default=[10, 15, 20, 25])
    parser.add_argument("--seconds", type=float, default=20_000)
    parser.add_argument(
        "--rtt", type=float, default=0.01, help="a call's round trip in s, besides the ideal 0"
    )
    args = parser.parse_args()
    rows = []
    for rate in args.rates:
        for rtt in (0.0, args.rtt):
            bound = simulate(
                workers=args.workers,
                think=args.workers / rate,
                seconds=args.seconds,
                rtt=rtt,
                limit=TELEGRAM_SEND_RATE,
            )
            rows.append(
                [
                    rate,
                    round(bound.rate, 1),
                    rtt * 1000,
                    f"{bound.waited * 100:.2f} %",
                    bound.p95_ms,
                    bound.p99_ms,
                    bound.p999_ms,
                ]
            )
    print(
        f"{args.workers} workers thinking exponentially, {TELEGRAM_SEND_RATE} calls in any "
        f"sliding second, {args.seconds:g} s simulated per row"
    )
    print(
        table(
            [
                "offered/s",
                "answered/s",
                "round trip ms",
                "answers that wait",
                "wait p95 ms",
                "wait p99 ms",
                "wait p99.9 ms",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
