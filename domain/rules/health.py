"""When the reminder job counts as ticking and the outbox as late: one rule each for
`caseline doctor` and /healthz."""

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


# A reminder due now is sent within one tick (a minute by default); a morning fan-out of a
# few thousand at Telegram's 30/s takes minutes, and a message Telegram refused comes back
# later (next_attempt_at) and only then counts as due again. A message still unsent fifteen
# minutes after its time is not a queue draining: nothing is sending, or sending fails, and
# a reminder "in an hour" is by then a quarter late.
OUTBOX_LATE_AFTER = timedelta(minutes=15)


def outbox_problem(due: int, oldest_due_at: datetime | None, *, now: datetime) -> str | None:
    """None while what is due is being sent in time; otherwise how late it is."""
    if due == 0 or oldest_due_at is None:
        return None
    waited = now - oldest_due_at
    if waited <= OUTBOX_LATE_AFTER:
        return None
    minutes = int(waited.total_seconds() // 60)
    unsent = "1 due message unsent" if due == 1 else f"{due} due messages unsent"
    return f"{unsent}, the oldest {minutes} min after its time"
