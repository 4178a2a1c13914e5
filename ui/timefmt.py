"""Showing times to a worker: always in their own zone, never in UTC, and in their language.

Weekday and month names come from Babel's locale data (CLDR) for the reader's language
(ui.i18n); the order of the parts is ours, one pattern per language, so every screen writes
a day the same way: `Tue 3 Dec` (en), `mar 3 dic` (es), `Di. 3. Dez.` (de), `mar. 3 déc.` (fr).
Times are on the 24-hour clock in every language.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, get_day_names

from ui.i18n import current_language, gettext, locale_data, tn

# Per language: a weekday, a day, a day with its year, a date without weekday (a birthday),
# a day of the month without weekday or year (a week on a chart's axis).
_PATTERNS: dict[str, dict[str, str]] = {
    "en": {
        "weekday": "EEE",
        "day": "EEE d MMM",
        "year": "EEE d MMM y",
        "date": "d MMM y",
        "month": "d MMM",
    },
    "es": {
        "weekday": "EEE",
        "day": "EEE d MMM",
        "year": "EEE d MMM y",
        "date": "d MMM y",
        "month": "d MMM",
    },
    "de": {
        "weekday": "EEE",
        "day": "EEE d. MMM",
        "year": "EEE d. MMM y",
        "date": "d. MMM y",
        "month": "d. MMM",
    },
    "fr": {
        "weekday": "EEE",
        "day": "EEE d MMM",
        "year": "EEE d MMM y",
        "date": "d MMM y",
        "month": "d MMM",
    },
}


def _format(day: date, kind: str) -> str:
    return _formatted(day, kind, current_language())


@lru_cache(maxsize=1024)
def _formatted(day: date, kind: str, code: str) -> str:
    # Kept: a day's label is asked for again and again (every /today's title, every
    # agenda line), and Babel looks its locale data up anew each time.
    pattern = _PATTERNS.get(code, _PATTERNS["en"])[kind]
    return format_date(day, pattern, locale=locale_data(code))


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)


def weekday(day: date) -> str:
    """`Tue`."""
    return _format(day, "weekday")


def day_label(day: date) -> str:
    """`Tue 3 Dec`, whatever the year."""
    return _format(day, "day")


def day_with_year(day: date) -> str:
    """`Tue 3 Dec 2026`."""
    return _format(day, "year")


def plain_date(day: date) -> str:
    """`3 Dec 1950`: a date where the weekday says nothing (a date of birth)."""
    return _format(day, "date")


def month_with_year(day: date) -> str:
    """`March 2026`, `marzo 2026`, `März 2026`, `mars 2026`: the month a day is in."""
    return format_date(day, "LLLL y", locale=locale_data(current_language()))


def month_day(day: date) -> str:
    """`3 Dec`: a chart's week (its Monday), where the weekday would always be the same."""
    return _format(day, "month")


def weekday_names() -> list[str]:
    """Monday to Sunday, abbreviated: `Mon` … `Sun`, `lun` … `dom`, `Mo.` … `So.`."""
    names = get_day_names("abbreviated", locale=locale_data(current_language()))
    return [names[index] for index in range(7)]


def weekday_time(moment: datetime) -> str:
    """`Tue 14:00` of an already local moment."""
    return f"{weekday(moment.date())} {moment:%H:%M}"


def short_datetime(moment: datetime, zone: ZoneInfo, now: datetime | None = None) -> str:
    """`Tue 3 Dec 14:00` in the worker's zone; given `now`, a moment in another year than
    now's shows it (`Fri 3 Dec 2027 09:00`): a date that rolled into next year must say so."""
    value = moment.astimezone(zone)
    other_year = now is not None and now.astimezone(zone).year != value.year
    day = day_with_year(value.date()) if other_year else day_label(value.date())
    return f"{day} {value:%H:%M}"


def short_day(day: date, today: date) -> str:
    """`Tue 10 Mar`; a day in another year than `today`'s shows it (`Fri 1 Jan 2027`)."""
    return day_with_year(day) if day.year != today.year else day_label(day)


def short_date(moment: datetime, zone: ZoneInfo) -> str:
    return day_with_year(moment.astimezone(zone).date())


def days_ago(moment: datetime, now: datetime, zone: ZoneInfo) -> str:
    """Calendar days in the worker's zone: a visit at 23:50 yesterday was 'yesterday'."""
    days = (now.astimezone(zone).date() - moment.astimezone(zone).date()).days
    if days <= 0:
        return gettext("today")
    if days == 1:
        return gettext("yesterday")
    return tn("{count} day ago", "{count} days ago", days)
