"""Local calendar days as UTC instants: how every query about "today" in a worker's zone
compares timestamps without date functions (the same SQL on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant a local day begins. On a day whose midnight is skipped by a clock
    change, zoneinfo resolves 00:00 to the moment the day actually starts."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def day_end(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant a local day ends: the first moment of the next local day, an
    exclusive end (`day_start(day, zone) <= t < day_end(day, zone)`). Not 24 hours after
    its start: a day with a clock change is 23 or 25 hours long."""
    return day_start(day + timedelta(days=1), zone)
