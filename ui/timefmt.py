"""Showing times to a worker: always in their own zone, never in UTC."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)


def short_datetime(moment: datetime, zone: ZoneInfo) -> str:
    """`Tue 3 Dec 14:00` in the worker's zone."""
    value = moment.astimezone(zone)
    return f"{value:%a} {value.day} {value:%b %H:%M}"


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
