"""The rule that says whether the reminder job is ticking (domain/rules/health.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.rules.health import OUTBOX_LATE_AFTER, outbox_problem, stale_after, tick_problem

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


def test_never_ticked_is_a_problem():
    assert tick_problem(None, None, now=NOW, tick_seconds=60) == "the reminder job has never ticked"


def test_a_recent_tick_is_fine_and_a_late_one_says_how_late():
    assert tick_problem(NOW - timedelta(minutes=4), None, now=NOW, tick_seconds=60) is None
    late = tick_problem(NOW - timedelta(minutes=7), None, now=NOW, tick_seconds=60)
    assert late == "the reminder job last ticked 7 min ago"


def test_the_window_grows_with_a_long_interval():
    assert stale_after(60) == timedelta(minutes=5)
    assert stale_after(600) == timedelta(minutes=30)
    assert tick_problem(NOW - timedelta(minutes=20), None, now=NOW, tick_seconds=600) is None


def test_a_failed_last_tick_is_named_by_its_error_class():
    problem = tick_problem(NOW, "OperationalError", now=NOW, tick_seconds=60)
    assert problem == "the reminder job's last tick failed (OperationalError)"


def test_an_outbox_draining_in_time_is_no_problem():
    assert outbox_problem(0, None, now=NOW) is None
    assert outbox_problem(3, NOW - OUTBOX_LATE_AFTER, now=NOW) is None


def test_a_message_unsent_past_its_time_is_a_problem():
    late = outbox_problem(1, NOW - OUTBOX_LATE_AFTER - timedelta(minutes=1), now=NOW)
    assert late == "1 due message unsent, the oldest 16 min after its time"
    assert outbox_problem(4, NOW - timedelta(hours=1), now=NOW) == (
        "4 due messages unsent, the oldest 60 min after its time"
    )
