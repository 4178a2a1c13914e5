"""When the reminder job counts as ticking: one rule for `caseline doctor` and /healthz."""

from __future__ import annotations

from datetime import datetime, timedelta

# A morning fan-out of a few thousand agendas at Telegram's 30/s keeps one tick busy for
# minutes, and the job does not start the next tick before it ends: a tick is late only
# after three intervals or five minutes, whichever is longer.
MIN_STALE_AFTER = timedelta(minutes=5)


def stale_after(tick_seconds: int) -> timedelta:
    return max(timedelta(seconds=3 * tick_seconds), MIN_STALE_AFTER)


def tick_problem(
    last_finished_at: datetime | None, error: str | None, *, now: datetime, tick_seconds: int
) -> str | None:
    """None when the job ticked recently and its last tick did not fail; otherwise why."""
    if last_finished_at is None:
        return "the reminder job has never ticked"
    late = now - last_finished_at
    if late > stale_after(tick_seconds):
        return f"the reminder job last ticked {int(late.total_seconds() // 60)} min ago"
    if error is not None:
        return f"the reminder job's last tick failed ({error})"
    return None
