"""The rules of a team's weekly trend, written once (no I/O).

- A week runs Monday to Sunday in the organisation's zone; a trend shows the last
  WEEKS complete weeks (the current week, still under way, is not one of them).
- The week just ended is kept (a snapshot per worker) by the first reminder tick of the
  next week; a week the tick missed stays uncounted in the snapshot.
- A chart holds at most LINES_MAX + 1 lines: the team's and up to LINES_MAX workers'.
  A larger team shows the LINES_MAX workers with the most open clients (then by name),
  and says so.
- A supervisor's weekly trend comes on one working weekday (Monday by default) at the
  digest time, or not at all (off).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TypeVar

from storage.trends import Line, monday_of

__all__ = [
    "LINES_MAX",
    "TREND_DAYS",
    "WEEKS",
    "last_weeks",
    "monday_of",
    "shown",
    "week_to_keep",
]

WEEKS = 8
LINES_MAX = 7
# The weekdays a supervisor may choose for the weekly trend (ISO: Monday to Friday).
TREND_DAYS = (1, 2, 3, 4, 5)

L = TypeVar("L", bound=Line)


def week_to_keep(today: date) -> date:
    """The Monday of the week that ended before `today`'s week began."""
    return monday_of(today) - timedelta(days=7)


def last_weeks(today: date, count: int = WEEKS) -> list[date]:
    """The Mondays of the `count` complete weeks before `today`'s, oldest first."""
    this_week = monday_of(today)
    return [this_week - timedelta(days=7 * back) for back in range(count, 0, -1)]


def shown(lines: Sequence[L]) -> list[L]:
    """The workers a chart draws: all of them up to LINES_MAX, else the LINES_MAX with
    the most open clients; in the order given (by name)."""
    if len(lines) <= LINES_MAX:
        return list(lines)
    ranked = sorted(lines, key=lambda line: (-line.clients, line.name.casefold()))
    chosen = {id(line) for line in ranked[:LINES_MAX]}
    return [line for line in lines if id(line) in chosen]
