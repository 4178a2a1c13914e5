"""Showing times to a worker: always in their own zone, never in UTC."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)


def short_datetime(moment: datetime, zone: ZoneInfo, now: datetime | None = None) -> str:
    """`Tue 3 Dec 14:00` in the worker's zone; given `now`, a moment in another year than
    now's shows it (`Fri 3 Dec 2027 09:00`): a date that rolled into next year must say so."""
    value = moment.astimezone(zone)
    year = f" {value.year}" if now is not None and now.astimezone(zone).year != value.year else ""
    return f"{value:%a} {value.day} {value:%b}{year} {value:%H:%M}"


def short_day(day: date, today: date) -> str:
    """`Tue 10 Mar`; a day in another year than `today`'s shows it (`Fri 1 Jan 2027`)."""
    year = f" {day.year}" if day.year != today.year else ""
    return f"{day:%a} {day.day} {day:%b}{year}"


def short_date(moment: datetime, zone: ZoneInfo) -> str:
    value = moment.astimezone(zone)
    return f"{value:%a} {value.day} {value:%b %Y}"


def days_ago(moment: datetime, now: datetime, zone: ZoneInfo) -> str:
    """Calendar days in the worker's zone: a visit at 23:50 yesterday was 'yesterday'."""
    days = (now.astimezone(zone).date() - moment.astimezone(zone).date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"
