"""ui.dates: free-text dates and times, read in the worker's zone, never a silent guess.

Each table row: text, now (which also gives the zone), order, purpose → what we expect:
- "2026-12-04 09:30"          a Parsed with a time, local wall clock
- "2026-10-25 02:30 +0100"    the same, with the UTC offset checked too (DST cases)
- "2026-12-04"                a Parsed without a time (has_time False)
- ask(q, *expected)           Ambiguous: `q` is in the question, options in this order
- bad(phrase)                 Invalid: `phrase` is in the reason
Every Parsed (and every option) is also checked for the invariants: `moment` in UTC, `local`
in the zone, the same instant, and `in_past` as documented.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from ui.dates import (
    Ambiguous,
    Hours,
    Invalid,
    Parsed,
    combine,
    format_choice,
    parse_when,
    quick_days,
    quick_times,
    read_clock,
    read_hours,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def b(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# Reference moments. December 2026: Mon 30 Nov, Tue 1, Wed 2, Thu 3, Fri 4, Sat 5, Sun 6, Mon 7.
B_WED = b(2026, 12, 2, 10, 0)  # Wednesday 10:00, winter time
NY_WED = ny(2026, 12, 2, 10, 0)
B_WED_EVENING = b(2026, 12, 2, 22, 0)
B_FRI = b(2026, 12, 4, 10, 0)
B_SUN = b(2026, 12, 6, 10, 0)
B_SUMMER = b(2026, 6, 18, 16, 0)  # Thursday
NY_SUMMER = ny(2026, 6, 18, 16, 0)
B_DEC30 = b(2026, 12, 30, 10, 0)  # Wednesday; 1 Jan 2027 is a Friday
NY_DEC30 = ny(2026, 12, 30, 10, 0)
LEAP = b(2028, 1, 10, 10, 0)  # Monday, in a leap year

# Berlin: clocks go forward Sun 29 Mar 2026 02:00 → 03:00, back Sun 25 Oct 03:00 → 02:00.
B_BEFORE_SPRING = b(2026, 3, 28, 12, 0)
B_AFTER_SPRING = b(2026, 3, 29, 4, 0)  # 02:00 UTC
B_BEFORE_FALL = b(2026, 10, 24, 12, 0)
B_FALL_FIRST = utc(2026, 10, 25, 0, 45)  # 02:45 CEST, the first time round
B_FALL_SECOND = utc(2026, 10, 25, 1, 45)  # 02:45 CET, the second time round
# New York: forward Sun 8 Mar 2026 02:00 → 03:00, back Sun 1 Nov 02:00 → 01:00.
NY_BEFORE_SPRING = ny(2026, 3, 7, 12, 0)
NY_AFTER_SPRING = ny(2026, 3, 8, 4, 0)  # 08:00 UTC
NY_BEFORE_FALL = ny(2026, 10, 31, 12, 0)
NY_FALL_FIRST = utc(2026, 11, 1, 5, 45)  # 01:45 EDT
NY_FALL_SECOND = utc(2026, 11, 1, 6, 45)  # 01:45 EST


@dataclass(frozen=True)
class Ask:
    question: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class Bad:
    phrase: str


def ask(question: str, *options: str) -> Ask:
    return Ask(question, options)


def bad(phrase: str) -> Bad:
    return Bad(phrase)


Expected = str | Ask | Bad


def case(
    text: str,
    now: datetime,
    expected: Expected,
    *,
    purpose: str = "any",
    order: str = "DMY",
    zone: ZoneInfo | None = None,
):
    zone = zone or now.tzinfo  # type: ignore[assignment]
    assert isinstance(zone, ZoneInfo)
    label = f"{text!r}-{zone.key.split('/')[-1]}-{now:%m%d%H%M}-{order}-{purpose}"
    return pytest.param(text, now, zone, order, purpose, expected, id=label)


def render(parsed: Parsed, like: str) -> str:
    if len(like) == 10:
        assert not parsed.has_time, "expected a date without a time"
        return parsed.local.date().isoformat()
    assert parsed.has_time, "expected a time"
    if len(like) > 16:
        return f"{parsed.local:%Y-%m-%d %H:%M %z}"
    return f"{parsed.local:%Y-%m-%d %H:%M}"


def check_invariants(parsed: Parsed, now: datetime, zone: ZoneInfo) -> None:
    assert parsed.moment.utcoffset() == timedelta(0) and parsed.moment.tzinfo is UTC
    assert parsed.local.tzinfo == zone
    # the same instant (compared in UTC: Python never calls a time in a fold equal across zones)
    assert parsed.local.astimezone(UTC) == parsed.moment
    today = now.astimezone(zone).date()
    if parsed.has_time:
        assert parsed.in_past == (parsed.moment < now)
    else:
        assert parsed.local.time() == time(0)
        assert parsed.in_past == (parsed.local.date() < today)


def check(result: Parsed | Ambiguous | Invalid, now: datetime, zone: ZoneInfo, expected: Expected):
    if isinstance(expected, Bad):
        assert isinstance(result, Invalid), result
        assert expected.phrase in result.reason
        return
    if isinstance(expected, Ask):
        assert isinstance(result, Ambiguous), result
        assert expected.question in result.question
        # One option: a question to confirm (a date that passed lately, asked for next year).
        # Seven: "next week" offers its days.
        assert 1 <= len(result.options) <= 7
        for option in result.options:
            check_invariants(option, now, zone)
        got = [render(o, like) for o, like in zip(result.options, expected.options, strict=False)]
        assert got == list(expected.options)
        assert len(result.options) == len(expected.options)
        return
    assert isinstance(result, Parsed), result
    check_invariants(result, now, zone)
    assert render(result, expected) == expected


# --- instants and durations ------------------------------------------------------------------

INSTANTS = [
    case("now", B_WED, "2026-12-02 10:00"),
    case("  NOW ", B_WED, "2026-12-02 10:00", purpose="future"),
    case("right now", NY_WED, "2026-12-02 10:00", purpose="past"),
    case("just now", B_WED, "2026-12-02 10:00", purpose="past"),
    case("just now", NY_WED, bad("“just now” is in the past"), purpose="future"),
    case("2h ago", B_WED, "2026-12-02 08:00"),
    case("2 hours ago", NY_WED, "2026-12-02 08:00", purpose="past"),
    case("30 min ago", B_WED, "2026-12-02 09:30", purpose="past"),
    case("45m ago", NY_WED, "2026-12-02 09:15"),
    case("an hour ago", B_WED, "2026-12-02 09:00", purpose="past"),
    case("half an hour ago", NY_WED, "2026-12-02 09:30"),
    case("in 2 hours", B_WED, "2026-12-02 12:00", purpose="future"),
    case("in 2h", NY_WED, "2026-12-02 12:00"),
    case("in 45 minutes", B_WED, "2026-12-02 10:45", purpose="future"),
    case("in half an hour", NY_WED, "2026-12-02 10:30", purpose="future"),
    case("in a minute", B_WED, "2026-12-02 10:01"),
    case("2 hours from now", NY_WED, "2026-12-02 12:00"),
    case("2h ago", B_WED, bad("an appointment needs a future time"), purpose="future"),
    case("an hour ago", NY_WED, bad("“an hour ago” is in the past"), purpose="future"),
    case("in 2 hours", B_WED, bad("you can only log something that has already"), purpose="past"),
    case("in 45 minutes", NY_WED, bad("“in 45 minutes” is in the future"), purpose="past"),
]

# --- today, tomorrow, yesterday, with and without a time -------------------------------------

DAY_WORDS = [
    case("today", B_WED, "2026-12-02"),
    case("today", NY_WED, "2026-12-02", purpose="future"),  # date only: not "in the past"
    case("today", B_WED, "2026-12-02", purpose="past"),
    case("tomorrow", NY_WED, "2026-12-03"),
    case("tmrw", B_WED, "2026-12-03", purpose="future"),
    case("yesterday", NY_WED, "2026-12-01", purpose="past"),
    case("day after tomorrow", B_WED, "2026-12-04"),
    case("the day after tomorrow", NY_WED, "2026-12-04", purpose="future"),
    case("day before yesterday", B_WED, "2026-11-30", purpose="past"),
    case("today 9:30", B_WED, "2026-12-02 09:30"),
    case("today 9:30", NY_WED, "2026-12-02 09:30", purpose="future"),  # in_past: caller asks
    case("today 9:30", B_WED, "2026-12-02 09:30", purpose="past"),
    case("today 15:00", NY_WED, bad("hasn't happened yet"), purpose="past"),
    case("tomorrow 3pm", B_WED, "2026-12-03 15:00", purpose="future"),
    case("tomorrow at 15:00", NY_WED, "2026-12-03 15:00"),
    case("yesterday 14:00", B_WED, "2026-12-01 14:00", purpose="past"),
    case("yesterday 14:00", NY_WED, "2026-12-01 14:00"),
    case("tomorrow 3 pm", B_WED, "2026-12-03 15:00"),
    case("Tomorrow  at   3 P.M.", NY_WED, "2026-12-03 15:00"),
    case("tomorrow 2:30 p.m.", B_WED, "2026-12-03 14:30"),
    case("tomorrow 15h", NY_WED, "2026-12-03 15:00"),
    case("tomorrow 15h30", B_WED, "2026-12-03 15:30"),
    case("tomorrow noon", NY_WED, "2026-12-03 12:00", purpose="future"),
    case("tomorrow 12 noon", B_WED, "2026-12-03 12:00"),
    case("tomorrow midday", NY_WED, "2026-12-03 12:00"),
    case("3pm tomorrow", B_WED, "2026-12-03 15:00"),
    case("14:00 tomorrow", NY_WED, "2026-12-03 14:00"),
    case("tomorrow, 9:30.", B_WED, "2026-12-03 09:30"),
    case("tomorrow 9 o'clock", NY_WED, "2026-12-03 09:00"),
    # a bare hour after a date: 7–11 morning, 12 noon, 1–6 afternoon; 0 and 13–23 as written
    case("tomorrow 7", B_WED, "2026-12-03 07:00"),
    case("tomorrow 10", NY_WED, "2026-12-03 10:00"),
    case("tomorrow 12", B_WED, "2026-12-03 12:00"),
    case("tomorrow 1", NY_WED, "2026-12-03 13:00"),
    case("tomorrow 3", B_WED, "2026-12-03 15:00"),
    case("tomorrow 6", NY_WED, "2026-12-03 18:00"),
    case("tomorrow 0", B_WED, "2026-12-03 00:00"),
    case("tomorrow 20", NY_WED, "2026-12-03 20:00"),
    case("tomorrow 09", B_WED, "2026-12-03 09:00"),
    # minutes without am/pm follow the same daytime rule; a leading zero or am is exact
    case("tomorrow 3:30", NY_WED, "2026-12-03 15:30"),
    case("tomorrow 03:30", B_WED, "2026-12-03 03:30"),
    case("tomorrow 3:30am", NY_WED, "2026-12-03 03:30"),
    case("tomorrow 12am", B_WED, "2026-12-03 00:00"),
    case("tomorrow 12pm", NY_WED, "2026-12-03 12:00"),
    # purpose against the words
    case("yesterday", B_WED, bad("“yesterday” is in the past — an appointment"), purpose="future"),
    case("yesterday 14:00", NY_WED, bad("an appointment needs a future time"), purpose="future"),
    case("day before yesterday", B_WED, bad("is in the past"), purpose="future"),
    case("tomorrow", NY_WED, bad("“tomorrow” is in the future"), purpose="past"),
    case("tomorrow 3pm", B_WED, bad("already happened"), purpose="past"),
    case("day after tomorrow", NY_WED, bad("is in the future"), purpose="past"),
]

MIDNIGHT_AND_TONIGHT = [
    case(
        "midnight",
        B_WED,
        ask("Midnight last night or midnight tonight?", "2026-12-02 00:00", "2026-12-03 00:00"),
    ),
    case("midnight", NY_WED, "2026-12-03 00:00", purpose="future"),
    case("midnight", B_WED, "2026-12-02 00:00", purpose="past"),
    case("12 midnight", NY_WED, "2026-12-03 00:00", purpose="future"),
    case("tomorrow midnight", B_WED, "2026-12-04 00:00"),  # the end of tomorrow
    case("yesterday midnight", NY_WED, "2026-12-02 00:00", purpose="past"),
    case("today midnight", B_WED, bad("hasn't happened yet"), purpose="past"),
    case("fri midnight", NY_WED, "2026-12-05 00:00", purpose="future"),
    case("00:00", B_WED, "2026-12-02 00:00"),  # the start of the day, as written
    case("tomorrow 00:00", NY_WED, "2026-12-03 00:00"),
    case("tonight", B_WED, "2026-12-02"),  # date only: the caller asks for a time
    case("tonight", NY_WED, "2026-12-02", purpose="future"),
    case("tonight 8", B_WED, "2026-12-02 20:00", purpose="future"),
    case("tonight 8:30", NY_WED, "2026-12-02 20:30"),
    case("tonight at 21:00", B_WED, "2026-12-02 21:00"),
    case("tonight 9pm", NY_WED, "2026-12-02 21:00"),
    case("tonight 5", B_WED, "2026-12-02 17:00"),
    case("tonight midnight", NY_WED, "2026-12-03 00:00"),
    case("tonight 9am", B_WED, bad("isn't tonight")),
    case("tonight 3", NY_WED, bad("isn't tonight")),
    case("tonight 12", B_WED, bad("isn't tonight")),
    case("tonight 8", NY_WED, bad("hasn't happened yet"), purpose="past"),
    case("tonight 8", b(2026, 12, 2, 21, 0), "2026-12-02 20:00", purpose="past"),
]

# --- weekdays --------------------------------------------------------------------------------

LAST_OR_NEXT_FRIDAY = "Last Friday (27 Nov) or next Friday (4 Dec)?"

WEEKDAYS = [
    # "any": ask, unless today is that day
    case("fri", B_WED, ask(LAST_OR_NEXT_FRIDAY, "2026-11-27", "2026-12-04")),
    case("Friday", NY_WED, ask(LAST_OR_NEXT_FRIDAY, "2026-11-27", "2026-12-04")),
    case(
        "mon",
        B_WED,
        ask("Last Monday (30 Nov) or next Monday (7 Dec)?", "2026-11-30", "2026-12-07"),
    ),
    case("fri 9:30", NY_WED, ask(LAST_OR_NEXT_FRIDAY, "2026-11-27 09:30", "2026-12-04 09:30")),
    case("on friday at 3", B_WED, ask("Friday", "2026-11-27 15:00", "2026-12-04 15:00")),
    case("9:30 fri", NY_WED, ask("Friday", "2026-11-27 09:30", "2026-12-04 09:30")),
    case("wed", B_WED, "2026-12-02"),
    case("wednesday 15:00", NY_WED, "2026-12-02 15:00"),
    case("next monday 10", B_WED, "2026-12-07 10:00"),
    case("next mon", NY_WED, "2026-12-07", purpose="future"),
    case("next wed", B_WED, "2026-12-09"),  # on a Wednesday: a week ahead
    case("last friday", NY_WED, "2026-11-27"),
    case("last wed", B_WED, "2026-11-25", purpose="past"),
    case("last friday 14:00", NY_WED, "2026-11-27 14:00", purpose="past"),
    case("this friday", B_WED, "2026-12-04"),
    case("this monday", NY_WED, "2026-11-30"),  # the current Monday–Sunday week
    case("this sunday", B_WED, "2026-12-06"),
    # On a Sunday "next monday" may be tomorrow or the Monday after (issue 16): asked.
    case("next monday", B_SUN, ask("Mon 7 Dec or Mon 14 Dec?", "2026-12-07", "2026-12-14")),
    # "future": the next such day
    case("fri", B_WED, "2026-12-04", purpose="future"),
    case("mon", NY_WED, "2026-12-07", purpose="future"),
    case("fri 9:30", B_WED, "2026-12-04 09:30", purpose="future"),
    case("friday 9:30", NY_WED, "2026-12-04 09:30", purpose="future"),
    case("next monday 10", B_WED, "2026-12-07 10:00", purpose="future"),
    case("wed", NY_WED, "2026-12-09", purpose="future"),  # today, no time: next week's
    case("wed 15:00", B_WED, "2026-12-02 15:00", purpose="future"),  # later today
    case("wed 9:00", NY_WED, "2026-12-09 09:00", purpose="future"),  # passed today
    case("wed 10:00", B_WED, "2026-12-02 10:00", purpose="future"),  # this minute counts
    case("this monday", NY_WED, "2026-11-30", purpose="future"),  # in_past: caller asks
    case("last friday", B_WED, bad("“last friday” is in the past"), purpose="future"),
    case("fri", B_FRI, "2026-12-11", purpose="future"),
    case("fri 15:00", B_FRI, "2026-12-04 15:00", purpose="future"),
    case("fri 9:00", B_FRI, "2026-12-11 09:00", purpose="future"),
    # "past": the most recent such day, today included
    case("fri", B_WED, "2026-11-27", purpose="past"),
    case("mon", NY_WED, "2026-11-30", purpose="past"),
    case("fri 9:30", B_WED, "2026-11-27 09:30", purpose="past"),
    case("wed", NY_WED, "2026-12-02", purpose="past"),
    case("wed 9:00", B_WED, "2026-12-02 09:00", purpose="past"),
    case("wed 15:00", NY_WED, "2026-11-25 15:00", purpose="past"),  # not yet today
    case("this friday", B_WED, bad("hasn't happened yet"), purpose="past"),
    case("next monday", NY_WED, bad("“next monday” is in the future"), purpose="past"),
    case("fri", B_FRI, "2026-12-04"),
    case("fri", B_FRI, "2026-12-04", purpose="past"),
    case("fri 15:00", B_FRI, "2026-11-27 15:00", purpose="past"),
    case("next fri", B_FRI, "2026-12-11"),
    case("last fri", B_FRI, "2026-11-27"),
    case("this fri", B_FRI, "2026-12-04"),
]

# --- numeric, ISO and month-name dates -------------------------------------------------------

NUMERIC = [
    # without a year: future → next occurrence, past → most recent, any → nearest (±6 months)
    case("12/3", B_WED, "2027-03-12", purpose="future"),
    case("12/3", B_WED, "2026-03-12", purpose="past"),
    case("12/3", B_WED, "2027-03-12"),  # 100 days ahead beats 265 days back
    case("12/6", B_WED, "2026-06-12"),  # 173 days back beats 192 days ahead
    case("12/3 14:00", NY_WED, "2027-03-12 14:00", purpose="future"),
    case("12.3.", B_WED, "2027-03-12", purpose="future"),
    case("12-3", NY_WED, "2026-03-12", purpose="past"),
    case("3/12", B_WED, "2026-12-03"),
    case("3/12", NY_WED, "2025-12-03", purpose="past"),
    case("2/12", B_WED, "2026-12-02", purpose="future"),  # today counts
    case("2/12", NY_WED, "2026-12-02", purpose="past"),
    # 1 Dec passed yesterday: next year's is asked, not assumed (issue 16).
    case(
        "1/12",
        B_WED,
        ask("1 Dec has passed this year. Do you mean 1 Dec 2027?", "2027-12-01"),
        purpose="future",
    ),
    case("1/12 9:00", NY_WED, "2026-12-01 09:00", purpose="past"),
    # the organisation's order
    case("12/3", B_WED, "2026-12-03", order="MDY", purpose="future"),
    case("3/12", NY_WED, "2027-03-12", order="MDY", purpose="future"),
    case("12/3 14:00", NY_WED, "2026-12-03 14:00", order="MDY"),
    case("12.3.", B_WED, "2026-12-03", order="MDY"),
    # with a year
    case("12.03.2026 9:00", B_WED, "2026-03-12 09:00"),
    case("12.03.2026 9:00", NY_WED, "2026-12-03 09:00", order="MDY"),
    case("12.03.2026 9:00", B_WED, "2026-03-12 09:00", purpose="future"),  # in_past: ask
    case("3/12/26", NY_WED, "2026-12-03"),
    case("3/12/26", B_WED, "2026-03-12", order="MDY"),
    case("3/12/2026 14:00", NY_WED, "2026-12-03 14:00", purpose="future"),
    case("3-12-2026", B_WED, "2026-12-03"),
    case("3/12/2026", NY_WED, bad("hasn't happened yet"), purpose="past"),
    # ISO: always year-month-day
    case("2026-12-03", B_WED, "2026-12-03"),
    case("2026-12-03", NY_WED, "2026-12-03", order="MDY"),
    case("2026-12-03 14:00", B_WED, "2026-12-03 14:00", purpose="future"),
    case("2026-12-03T14:00", NY_WED, "2026-12-03 14:00"),
    case("2026/12/03 9:30", B_WED, "2026-12-03 09:30"),
    case("2026-11-30 14:00", NY_WED, "2026-11-30 14:00", purpose="past"),
    # ±6 months for "any", at the edge (summer: 18 Jun 2026)
    case("12/3", B_SUMMER, "2026-03-12"),
    case("12/12", NY_SUMMER, "2026-12-12"),
    case("1/1", B_SUMMER, "2026-01-01"),  # 168 days back beats 197 ahead
    case("17/12", NY_SUMMER, "2026-12-17"),  # 182 ahead beats 183 back
    case("19/12", B_SUMMER, "2025-12-19"),  # 181 back beats 184 ahead
    case("12/19", NY_SUMMER, "2025-12-19", order="MDY"),
    # an exact tie: 3 Mar 2027 and 3 Mar 2028 are both 183 days from 2 Sep 2027
    case("3/3", b(2027, 9, 2, 10, 0), ask("3 Mar 2027 or 3 Mar 2028", "2027-03-03", "2028-03-03")),
]

YEAR_ROLLOVER = [
    case("3/1", B_DEC30, "2027-01-03", purpose="future"),
    case("1/3", NY_DEC30, "2027-01-03", order="MDY", purpose="future"),
    case("3/1", B_DEC30, "2027-01-03"),
    case("3/1 9:30", NY_DEC30, "2027-01-03 09:30", purpose="future"),
    case("3/1", B_DEC30, "2026-01-03", purpose="past"),
    case("1/3", NY_DEC30, "2026-01-03", order="MDY", purpose="past"),
    case("3 jan", B_DEC30, "2027-01-03", purpose="future"),
    case("jan 3 9:30", NY_DEC30, "2027-01-03 09:30"),
    case("30/12", B_DEC30, "2026-12-30", purpose="future"),
    case(
        "29/12",
        NY_DEC30,
        ask("29 Dec has passed this year. Do you mean 29 Dec 2027?", "2027-12-29"),
        purpose="future",
    ),
    case("29/12", B_DEC30, "2026-12-29"),
    case("day after tomorrow", NY_DEC30, "2027-01-01"),
    case("fri", B_DEC30, "2027-01-01", purpose="future"),
    case("in 3 days", NY_DEC30, "2027-01-02", purpose="future"),
    case("3/1/27", B_DEC30, bad("hasn't happened yet"), purpose="past"),
]

LEAP_YEARS = [
    case("29/2", LEAP, "2028-02-29", purpose="future"),
    case("29/2/2028", B_WED, "2028-02-29"),
    case("29/2/2028 14:00", NY_WED, "2028-02-29 14:00", purpose="future"),
    case("2/29/2028", B_WED, "2028-02-29", order="MDY"),
    case("feb 29 2028", NY_WED, "2028-02-29"),
    case("2028-02-29", B_WED, "2028-02-29"),
    case("29/2/2027", B_WED, bad("There is no 29 February in 2027")),
    case("29/2/2027", NY_WED, bad("isn't a leap year")),
    case("2027-02-29", B_WED, bad("There is no 29 February in 2027")),
    case("29 feb 2027", NY_WED, bad("There is no 29 February in 2027")),
    case("29/2", B_WED, bad("There is no 29 February in 2027"), purpose="future"),
    case("29/2", NY_WED, bad("There is no 29 February in 2026"), purpose="past"),
    case("29/2", LEAP, bad("There is no 29 February in 2027"), purpose="past"),
]

MONTH_NAMES = [
    case("3 dec", B_WED, "2026-12-03"),
    case("dec 3", NY_WED, "2026-12-03", purpose="future"),
    case("3 december 14:00", B_WED, "2026-12-03 14:00"),
    case("december 3rd at 2pm", NY_WED, "2026-12-03 14:00", purpose="future"),
    case("the 3rd of december", B_WED, "2026-12-03"),
    case("Dec. 3", NY_WED, "2026-12-03"),
    case("3 Dec 2026", B_WED, "2026-12-03", order="MDY"),
    case("december 3, 2026 9:30", NY_WED, "2026-12-03 09:30"),
    case("4 dec 2027", B_WED, "2027-12-04"),
    case("sept 1", NY_WED, "2026-09-01"),  # 92 days back beats 273 ahead
    case("mar 5", B_WED, "2027-03-05", purpose="future"),
    case("may 3", NY_WED, "2026-05-03", purpose="past"),
    case("3 dec", B_WED, "2025-12-03", purpose="past"),
    case("fri 4 dec", NY_WED, "2026-12-04"),
    case("Friday, December 4th 9:30", B_WED, "2026-12-04 09:30"),
    case("fri 4/12 9:30", NY_WED, "2026-12-04 09:30"),
    case("fri 12/4", B_WED, "2026-12-04", order="MDY"),
    case("mon 4 dec", NY_WED, bad("4 Dec 2026 is a Friday, not a Monday.")),
]

# --- times alone -----------------------------------------------------------------------------

TIMES = [
    case("14:00", B_WED, "2026-12-02 14:00"),
    case("14.00", NY_WED, "2026-12-02 14:00"),
    case("2pm", B_WED, "2026-12-02 14:00"),
    case("2:30pm", NY_WED, "2026-12-02 14:30"),
    case("2:30 p.m.", B_WED, "2026-12-02 14:30"),
    case("noon", NY_WED, "2026-12-02 12:00"),
    case("9:30", B_WED, "2026-12-02 09:30"),
    case("3:30", NY_WED, "2026-12-02 15:30"),  # daytime rule
    case("03:30", B_WED, "2026-12-02 03:30"),
    case("15", NY_WED, "2026-12-02 15:00"),
    case("0", B_WED, "2026-12-02 00:00"),
    case("15h", NY_WED, "2026-12-02 15:00"),
    case("9", B_WED, ask("Do you mean 09:00 or 21:00?", "2026-12-02 09:00", "2026-12-02 21:00")),
    case("3", NY_WED, ask("03:00 or 15:00", "2026-12-02 03:00", "2026-12-02 15:00")),
    case("12", B_WED, ask("00:00 or 12:00", "2026-12-02 00:00", "2026-12-02 12:00")),
    # future: the next time the clock shows it
    case("14:00", NY_WED, "2026-12-02 14:00", purpose="future"),
    case("9:00", B_WED, "2026-12-03 09:00", purpose="future"),
    case("9:59", NY_WED, "2026-12-03 09:59", purpose="future"),
    case("10:00", B_WED, "2026-12-02 10:00", purpose="future"),  # this minute counts
    case("noon", NY_WED, "2026-12-02 12:00", purpose="future"),
    case(
        "3", B_WED, ask("03:00 or 15:00", "2026-12-02 15:00", "2026-12-03 03:00"), purpose="future"
    ),
    case(
        "9", NY_WED, ask("09:00 or 21:00", "2026-12-02 21:00", "2026-12-03 09:00"), purpose="future"
    ),
    # past: only what has already come today
    case("9:00", B_WED, "2026-12-02 09:00", purpose="past"),
    case("10:00", NY_WED, "2026-12-02 10:00", purpose="past"),
    case("14:00", B_WED, bad("14:00 hasn't come yet today"), purpose="past"),
    case("14:00", NY_WED, bad("type “yesterday 14:00”"), purpose="past"),
    case("3", B_WED, "2026-12-02 03:00", purpose="past"),
    case("9", NY_WED, "2026-12-02 09:00", purpose="past"),
    case("11", B_WED, bad("Neither 11:00 nor 23:00 has come yet today"), purpose="past"),
    case(
        "9",
        B_WED_EVENING,
        ask("09:00 or 21:00", "2026-12-02 09:00", "2026-12-02 21:00"),
        purpose="past",
    ),
    # a dotted number can be a date or a time
    case("1.12", B_WED, ask("date or a time", "2026-12-01", "2026-12-02 13:12")),
    case("12.30", NY_WED, "2026-12-02 12:30"),  # no month 30
    case("12.30", B_WED, ask("date or a time", "2026-12-02 12:30", "2026-12-30"), order="MDY"),
    case("1.12", NY_WED, "2026-12-01", purpose="past"),  # 13:12 hasn't come yet
    case("tomorrow 12.30", B_WED, "2026-12-03 12:30", order="MDY"),
]

# --- impossible and unreadable ---------------------------------------------------------------

IMPOSSIBLE = [
    case("31/2", B_WED, bad("There is no 31 February. Try e.g. “28/2 14:00”.")),
    case("2/31", NY_WED, bad("There is no 31 February. Try e.g. “2/28 14:00”."), order="MDY"),
    case("31/4", B_WED, bad("There is no 31 April")),
    case("32/1", NY_WED, bad("There is no 32 January")),
    case("31 feb", B_WED, bad("There is no 31 February")),
    case("feb 30", NY_WED, bad("There is no 30 February")),
    case("2026-02-30", B_WED, bad("There is no 30 February")),
    case("0/5", NY_WED, bad("There is no day 0")),
    case("5/0", B_WED, bad("There is no month 0")),
    case("5/13", NY_WED, bad("Dates are written day/month here, like “13/5”")),
    case("13/5", B_WED, bad("Dates are written month/day here, like “5/13”"), order="MDY"),
    case("2026-13-01", NY_WED, bad("There is no month 13")),
    case("31/2 14:00", B_WED, bad("There is no 31 February")),
    case("25:00", NY_WED, bad("There is no 25:00")),
    case("tomorrow 25:00", B_WED, bad("hours go from 0 to 23")),
    case("24:00", NY_WED, bad("hours go from 0 to 23")),
    case("14:75", B_WED, bad("minutes go up to 59")),
    case("tomorrow 9:60", NY_WED, bad("minutes go up to 59")),
    case("13pm", B_WED, bad("“13pm” isn't a time")),
    case("0am", NY_WED, bad("isn't a time")),
    case("1400", B_WED, bad("Write times with a colon, like “14:00”")),
    case("3 dec 930", NY_WED, bad("like “9:30”")),  # after a date a year may stand
    case("3/12/2040", B_WED, bad("a long way off")),
    case("in 999 months", NY_WED, bad("a long way off")),
    case("banana", B_WED, bad("I couldn't read that as a date. Try “tomorrow 3pm”")),
    case("tomorrow morning", NY_WED, bad("Add the hour, like “tomorrow morning 9”")),
    case("last week", B_WED, bad("I couldn't read that as a date")),
    case("10 mon", NY_WED, bad("I couldn't read that as a date")),
    case("3/12/2026 UTC", B_WED, bad("I couldn't read that as a date")),
    case("in 1.5 hours", NY_WED, bad("I couldn't read that as a date")),
    case("١٢/٣", B_WED, bad("I couldn't read that as a date")),  # only ASCII digits
    case("", NY_WED, bad("Please type a date or a time")),
    case("   ", B_WED, bad("Please type a date or a time")),
    case("tomorrow 3pm" + " " * 88 + "!", NY_WED, bad("too long")),  # 101 characters
]

# --- daylight saving -------------------------------------------------------------------------

BERLIN_DST = [
    # spring forward: 02:00–02:59 doesn't exist on Sun 29 Mar
    case("tomorrow 02:30", B_BEFORE_SPRING, bad("There is no 02:30 on Sun 29 Mar")),
    case("tomorrow 02:30", B_BEFORE_SPRING, bad("clocks go forward"), purpose="future"),
    case("tomorrow 02:30", B_BEFORE_SPRING, bad("Try “Sun 29 Mar 03:30”")),
    case("tomorrow 2:30am", B_BEFORE_SPRING, bad("There is no 02:30")),
    case("29/3 02:30", B_BEFORE_SPRING, bad("03:30"), purpose="future"),
    case("3/29 02:30", B_BEFORE_SPRING, bad("There is no 02:30"), order="MDY"),
    case("sun 02:30", B_BEFORE_SPRING, bad("There is no 02:30"), purpose="future"),
    case("tomorrow 02:00", B_BEFORE_SPRING, bad("Try “Sun 29 Mar 03:00”")),
    case("tomorrow 01:59", B_BEFORE_SPRING, "2026-03-29 01:59 +0100"),
    case("tomorrow 03:00", B_BEFORE_SPRING, "2026-03-29 03:00 +0200"),
    case("tomorrow 10:00", B_BEFORE_SPRING, "2026-03-29 10:00 +0200", purpose="future"),
    case("tomorrow", B_BEFORE_SPRING, "2026-03-29"),
    case("in 24 hours", B_BEFORE_SPRING, "2026-03-29 13:00 +0200"),  # exact, not wall clock
    case("2h ago", B_AFTER_SPRING, "2026-03-29 01:00 +0100", purpose="past"),
    case("3 hours ago", B_AFTER_SPRING, "2026-03-29 00:00 +0100"),
    case("yesterday 10:00", B_AFTER_SPRING, "2026-03-28 10:00 +0100", purpose="past"),
    case("02:30", B_AFTER_SPRING, bad("There is no 02:30 on Sun 29 Mar")),
    case("02:30", B_AFTER_SPRING, "2026-03-30 02:30 +0200", purpose="future"),
    case("01:30", B_AFTER_SPRING, "2026-03-29 01:30 +0100", purpose="past"),
    # fall back: 02:00–02:59 happens twice on Sun 25 Oct
    case(
        "tomorrow 02:30",
        B_BEFORE_FALL,
        ask("happens twice", "2026-10-25 02:30 +0200", "2026-10-25 02:30 +0100"),
    ),
    case(
        "tomorrow 2:30am",
        B_BEFORE_FALL,
        ask(
            "the first (CEST) or the second (CET)",
            "2026-10-25 02:30 +0200",
            "2026-10-25 02:30 +0100",
        ),
        purpose="future",
    ),
    case(
        "25/10 02:30",
        B_BEFORE_FALL,
        ask("clocks go back on Sun 25 Oct", "2026-10-25 02:30 +0200", "2026-10-25 02:30 +0100"),
    ),
    case(
        "10/25 02:30",
        B_BEFORE_FALL,
        ask("happens twice", "2026-10-25 02:30 +0200", "2026-10-25 02:30 +0100"),
        order="MDY",
    ),
    case(
        "sun 02:30",
        B_BEFORE_FALL,
        ask("happens twice", "2026-10-25 02:30 +0200", "2026-10-25 02:30 +0100"),
        purpose="future",
    ),
    case(
        "tomorrow 02:00",
        B_BEFORE_FALL,
        ask("happens twice", "2026-10-25 02:00 +0200", "2026-10-25 02:00 +0100"),
    ),
    case("tomorrow 03:00", B_BEFORE_FALL, "2026-10-25 03:00 +0100"),
    case("tomorrow 01:30", B_BEFORE_FALL, "2026-10-25 01:30 +0200"),
    case("tomorrow 12:00", B_BEFORE_FALL, "2026-10-25 12:00 +0100", purpose="future"),
    case("tomorrow", B_BEFORE_FALL, "2026-10-25"),
    case("in 24 hours", B_BEFORE_FALL, "2026-10-25 11:00 +0100"),  # exact, not wall clock
    case("02:30", B_FALL_FIRST, "2026-10-25 02:30 +0200", purpose="past", zone=BERLIN),
    case("02:30", B_FALL_FIRST, "2026-10-25 02:30 +0100", purpose="future", zone=BERLIN),
    case("in 30 min", B_FALL_FIRST, "2026-10-25 02:15 +0100", zone=BERLIN),
    case("1h ago", B_FALL_FIRST, "2026-10-25 01:45 +0200", zone=BERLIN),
    case(
        "02:30",
        B_FALL_SECOND,
        ask("happens twice", "2026-10-25 02:30 +0200", "2026-10-25 02:30 +0100"),
        purpose="past",
        zone=BERLIN,
    ),
    case("02:30", B_FALL_SECOND, "2026-10-26 02:30 +0100", purpose="future", zone=BERLIN),
    case("30 min ago", B_FALL_SECOND, "2026-10-25 02:15 +0100", zone=BERLIN),
    case("2 hours ago", B_FALL_SECOND, "2026-10-25 01:45 +0200", zone=BERLIN),
    # New York's dates don't move Berlin
    case("8/3 02:30", B_BEFORE_SPRING, "2026-03-08 02:30 +0100", purpose="past"),
]

NEW_YORK_DST = [
    # spring forward: 02:00–02:59 doesn't exist on Sun 8 Mar
    case("tomorrow 02:30", NY_BEFORE_SPRING, bad("There is no 02:30 on Sun 8 Mar")),
    case("tomorrow 2:30am", NY_BEFORE_SPRING, bad("Try “Sun 8 Mar 03:30”"), purpose="future"),
    case("3/8 02:30", NY_BEFORE_SPRING, bad("clocks go forward"), order="MDY"),
    case("8/3 02:30", NY_BEFORE_SPRING, bad("There is no 02:30")),
    case("sun 2:30am", NY_BEFORE_SPRING, bad("There is no 02:30"), purpose="future"),
    case("tomorrow 01:30", NY_BEFORE_SPRING, "2026-03-08 01:30 -0500"),
    case("tomorrow 10:00", NY_BEFORE_SPRING, "2026-03-08 10:00 -0400", purpose="future"),
    case("in 24 hours", NY_BEFORE_SPRING, "2026-03-08 13:00 -0400"),
    case("2h ago", NY_AFTER_SPRING, "2026-03-08 01:00 -0500", purpose="past"),
    case("02:30", NY_AFTER_SPRING, bad("There is no 02:30 on Sun 8 Mar")),
    case("02:30", NY_AFTER_SPRING, "2026-03-09 02:30 -0400", purpose="future"),
    # fall back: 01:00–01:59 happens twice on Sun 1 Nov
    case(
        "tomorrow 01:30",
        NY_BEFORE_FALL,
        ask(
            "the first (EDT) or the second (EST)",
            "2026-11-01 01:30 -0400",
            "2026-11-01 01:30 -0500",
        ),
    ),
    case(
        "tomorrow 1:30am",
        NY_BEFORE_FALL,
        ask("happens twice", "2026-11-01 01:30 -0400", "2026-11-01 01:30 -0500"),
        purpose="future",
    ),
    case(
        "11/1 1:30am",
        NY_BEFORE_FALL,
        ask("clocks go back on Sun 1 Nov", "2026-11-01 01:30 -0400", "2026-11-01 01:30 -0500"),
        order="MDY",
    ),
    case(
        "1/11 01:30",
        NY_BEFORE_FALL,
        ask("happens twice", "2026-11-01 01:30 -0400", "2026-11-01 01:30 -0500"),
    ),
    case(
        "sun 1:30am",
        NY_BEFORE_FALL,
        ask("happens twice", "2026-11-01 01:30 -0400", "2026-11-01 01:30 -0500"),
        purpose="future",
    ),
    case("tomorrow 02:30", NY_BEFORE_FALL, "2026-11-01 02:30 -0500"),
    case("tomorrow 00:30", NY_BEFORE_FALL, "2026-11-01 00:30 -0400"),
    case("tomorrow 10:00", NY_BEFORE_FALL, "2026-11-01 10:00 -0500", purpose="future"),
    case("in 24 hours", NY_BEFORE_FALL, "2026-11-01 11:00 -0500"),
    case("1:30am", NY_FALL_FIRST, "2026-11-01 01:30 -0400", purpose="past", zone=NEW_YORK),
    case("01:30", NY_FALL_FIRST, "2026-11-01 01:30 -0500", purpose="future", zone=NEW_YORK),
    case("30 min ago", NY_FALL_FIRST, "2026-11-01 01:15 -0400", zone=NEW_YORK),
    case("in 1 hour", NY_FALL_FIRST, "2026-11-01 01:45 -0500", zone=NEW_YORK),
    case(
        "01:30",
        NY_FALL_SECOND,
        ask("happens twice", "2026-11-01 01:30 -0400", "2026-11-01 01:30 -0500"),
        purpose="past",
        zone=NEW_YORK,
    ),
    case("01:30", NY_FALL_SECOND, "2026-11-02 01:30 -0500", purpose="future", zone=NEW_YORK),
    # Berlin's dates don't move New York
    case("29/3 02:30", NY_WED, "2027-03-29 02:30 -0400", purpose="future"),
    case("25/10 02:30", NY_WED, "2026-10-25 02:30 -0400", purpose="past"),
]

# The same instant is a different day in each zone: 23:30 UTC on Wed 2 Dec.
ZONES = [
    case("today", utc(2026, 12, 2, 23, 30), "2026-12-03", zone=BERLIN),
    case("today", utc(2026, 12, 2, 23, 30), "2026-12-02", zone=NEW_YORK),
    case("yesterday 9:00", utc(2026, 12, 2, 23, 30), "2026-12-02 09:00", zone=BERLIN),
    case("fri", utc(2026, 12, 2, 23, 30), "2026-12-04", zone=NEW_YORK, purpose="future"),
    case("thu", utc(2026, 12, 2, 23, 30), "2026-12-03", zone=BERLIN),
]


# --- as people type them (issue 16) ----------------------------------------------------------

# One slip (a letter wrong, missing, extra, two swapped) in a day or month word of 4 letters or
# more is read as that word when it is one slip from exactly one; from two, it is asked.
TYPOS = [
    case("tomorow 3pm", B_WED, "2026-12-03 15:00", purpose="future"),
    case("tommorow", NY_WED, "2026-12-03"),  # two slips, but the commonest spelling
    case("tomorow", B_WED, bad("“tomorrow” is in the future"), purpose="past"),
    case("fridya", B_WED, "2026-12-04", purpose="future"),
    case("fridya", NY_WED, "2026-11-27", purpose="past"),
    case("fridya", B_WED, ask(LAST_OR_NEXT_FRIDAY, "2026-11-27", "2026-12-04")),
    case("wendesday 11", NY_WED, "2026-12-02 11:00", purpose="future"),
    case("wendesday 9", B_WED, "2026-12-02 09:00", purpose="past"),
    case("tuseday", NY_WED, "2026-12-08", purpose="future"),
    case("tuseday", B_DEC30, "2027-01-05", purpose="future"),  # into next year
    case("tuseday 10", NY_DEC30, "2026-12-29 10:00", purpose="past"),
    case("3 decmber", B_WED, "2026-12-03"),
    case(
        "1 decmber",
        NY_WED,
        ask("1 Dec has passed this year. Do you mean 1 Dec 2027?", "2027-12-01"),
        purpose="future",
    ),
    case("1 decmber", B_WED, "2026-12-01", purpose="past"),
    case("3 janury", NY_DEC30, "2027-01-03", purpose="future"),
    case("3 janury", B_DEC30, "2026-01-03", purpose="past"),
    # one slip from two words: asked, even when only one of them makes a date
    case(
        "munday",
        B_WED,
        ask("Did you mean Monday or Sunday?", "2026-12-06", "2026-12-07"),
        purpose="future",
    ),
    case(
        "munday",
        NY_WED,
        ask("Did you mean Monday or Sunday?", "2026-11-29", "2026-11-30"),
        purpose="past",
    ),
    case(
        "jule 3",
        B_WED,
        ask("Did you mean June or July?", "2026-06-03", "2026-07-03"),
        purpose="past",
    ),
    case("jule 31", NY_WED, ask("Did you mean June or July?", "2026-07-31"), purpose="past"),
    # short words are never corrected; known words are never taken for slips
    case("son", B_WED, bad("I couldn't read that as a date")),
    case("frid", NY_WED, bad("I couldn't read that as a date")),
    case("sun", B_WED, "2026-12-06", purpose="future"),
    case("in 2 weeks", NY_WED, "2026-12-16"),
    case("maria", B_WED, bad("I couldn't read that as a date")),
]

ORDINALS = [
    case("the 15th", B_WED, "2026-12-15", purpose="future"),
    case("15th", NY_WED, "2026-11-15", purpose="past"),
    case("on the 3rd", B_WED, "2026-12-03"),
    case("3rd at 10", NY_WED, "2026-12-03 10:00", purpose="future"),
    case("the 22nd 2pm", B_WED, "2026-12-22 14:00", purpose="future"),
    case("the 22nd 2pm", NY_WED, "2026-11-22 14:00"),  # 10 days back beats 20 ahead
    case("1st of March", NY_WED, "2027-03-01", purpose="future"),
    case("March 3rd", B_WED, "2026-03-03", purpose="past"),
    case("fri the 4th", NY_WED, "2026-12-04"),
    case("mon the 4th", B_WED, bad("4 Dec 2026 is a Friday, not a Monday.")),
    case("the 32nd", NY_WED, bad("There is no 32nd day in a month")),
    # the month: future → the next that has the day, past → the most recent, any → nearer
    case("the 3rd", B_SUN, "2026-12-03", purpose="past"),
    case("the 3rd", B_SUN, "2026-12-03"),  # 3 days back beats 28 ahead
    case("the 29th", NY_DEC30, "2026-12-29"),
    case("the 31st", b(2026, 11, 5, 10, 0), "2026-12-31", purpose="future"),  # no 31 Nov
    case("the 31st", b(2026, 11, 5, 10, 0), "2026-10-31", purpose="past"),
    case("the 30th", b(2027, 2, 10, 10, 0), "2027-03-30", purpose="future"),  # no 30 Feb
    # passed lately this month: next month's is asked, not assumed
    case(
        "the 3rd",
        B_SUN,
        ask("The 3rd has passed this month. Do you mean Sun 3 Jan 2027?", "2027-01-03"),
        purpose="future",
    ),
    # year roll-over: from 30 December the 2nd is in January
    case("the 2nd", B_DEC30, "2027-01-02", purpose="future"),
    case("the 2nd 9:30", NY_DEC30, "2026-12-02 09:30", purpose="past"),
    case("the 15th 2pm", B_DEC30, "2027-01-15 14:00", purpose="future"),
]

# A clock phrase is an hour with minutes: the daytime rule reads it unless am/pm follows.
CLOCK_PHRASES = [
    case("half past three", B_WED, "2026-12-02 15:30", purpose="future"),
    case("quarter to ten", NY_WED, "2026-12-03 09:45", purpose="future"),  # 09:45 has passed
    case("quarter past 2", B_WED, "2026-12-02 14:15"),
    case("half 3", NY_WED, "2026-12-02 15:30"),  # British: half past three
    case("ten past 4", B_WED, "2026-12-02 16:10"),
    case("20 minutes to 5", NY_WED, "2026-12-02 16:40"),
    case("quarter to one", B_WED, "2026-12-02 12:45"),
    case("half past three am", NY_WED, "2026-12-02 03:30", purpose="past"),
    case("half past 15", B_WED, "2026-12-02 15:30"),
    case("tomorrow half past nine", NY_WED, "2026-12-03 09:30"),
    case("fri quarter past 11", B_WED, "2026-12-04 11:15", purpose="future"),
    case("tonight half past eight", NY_WED, "2026-12-02 20:30"),
    case("half past three yesterday", B_WED, "2026-12-01 15:30", purpose="past"),
    case("half past three", NY_WED, bad("15:30 hasn't come yet today"), purpose="past"),
    case("jan 4 half past ten", B_DEC30, "2027-01-04 10:30", purpose="future"),
]

PARTS_OF_DAY = [
    case("tomorrow morning 9", B_WED, "2026-12-03 09:00", purpose="future"),
    case("friday afternoon 2", NY_WED, "2026-12-04 14:00", purpose="future"),
    case("friday afternoon 2", B_WED, "2026-11-27 14:00", purpose="past"),
    case("this evening 7", NY_WED, "2026-12-02 19:00", purpose="future"),
    case("this morning 9", B_WED, "2026-12-02 09:00", purpose="past"),
    case("yesterday afternoon 3:30", NY_WED, "2026-12-01 15:30", purpose="past"),
    case("tomorrow evening 7:30", B_WED, "2026-12-03 19:30"),
    case("tomorrow night 11", NY_WED, "2026-12-03 23:00"),
    case("tomorrow at 9 in the morning", B_WED, "2026-12-03 09:00"),
    case("morning 8", NY_WED, "2026-12-03 08:00", purpose="future"),  # 08:00 has passed today
    case("fri afternoon 2", B_DEC30, "2027-01-01 14:00", purpose="future"),
    case("tomorrow morning 3pm", NY_WED, bad("15:00 isn't in the morning")),
    case("tomorrow evening 10am", B_WED, bad("10:00 isn't in the evening")),
    # a part of the day alone is not a time: the hour is asked for, with an example
    case("tomorrow morning", B_WED, bad("Which time in the morning?")),
    case("friday afternoon", NY_WED, bad("like “friday afternoon 2”")),
    case("this evening", B_WED, bad("like “today evening 7”")),
]

NEXT_WEEK = [
    case(
        "next week",
        B_WED,
        ask(
            "Which day next week?",
            *(f"2026-12-{day:02}" for day in range(7, 14)),
        ),
        purpose="future",
    ),
    case(
        "next week",
        NY_DEC30,
        ask("Which day next week?", *(f"2027-01-{day:02}" for day in range(4, 11))),
    ),
    case(
        "next week 10",
        B_SUN,
        ask("Which day next week?", *(f"2026-12-{day:02} 10:00" for day in range(7, 14))),
    ),
    case("next week", NY_WED, bad("“next week” is in the future"), purpose="past"),
    case("next week tue 10", B_WED, "2026-12-08 10:00", purpose="future"),
    case("tue next week", B_SUN, "2026-12-08"),
    case("next week fri 930", NY_DEC30, "2027-01-08 09:30"),
    # "next fri" while this week's Friday is still ahead, or is tomorrow: asked
    case("next fri", B_WED, ask("Fri 4 Dec or Fri 11 Dec?", "2026-12-04", "2026-12-11")),
    case(
        "next monday 10",
        NY_WED.replace(day=6),
        ask("Mon 7 Dec or Mon 14 Dec?", "2026-12-07 10:00", "2026-12-14 10:00"),
        purpose="future",
    ),
    case("next tue", B_SUN, "2026-12-08", purpose="future"),  # not tomorrow: the coming one
    case(
        "next fri",
        B_DEC30,
        ask("Fri 1 Jan 2027 or Fri 8 Jan 2027?", "2027-01-01", "2027-01-08"),
        purpose="future",
    ),
]

# "930", "1030", "1400" are times after a day word or weekday, where no year can stand.
DIGIT_TIMES = [
    case("friday 930", B_WED, "2026-12-04 09:30", purpose="future"),
    case("tomorrow 1030", NY_WED, "2026-12-03 10:30"),
    case("fri 1400", B_WED, "2026-12-04 14:00", purpose="future"),
    case("tomorrow 0930", NY_WED, "2026-12-03 09:30"),
    case("tomorrow 330", B_WED, "2026-12-03 15:30"),  # the daytime rule, like "3:30"
    case("yesterday 930", NY_WED, "2026-12-01 09:30", purpose="past"),
    case("mon 1030", B_DEC30, "2027-01-04 10:30", purpose="future"),
    case("tomorrow 2530", NY_WED, bad("hours go from 0 to 23")),
    case("1400", B_WED, bad("like “14:00”")),  # alone it may be a year
    case("3 dec 1400", NY_WED, bad("1400 is a long way off")),  # after a date: a year
]


ALL_CASES = (
    INSTANTS
    + DAY_WORDS
    + MIDNIGHT_AND_TONIGHT
    + WEEKDAYS
    + NUMERIC
    + YEAR_ROLLOVER
    + LEAP_YEARS
    + MONTH_NAMES
    + TIMES
    + IMPOSSIBLE
    + BERLIN_DST
    + NEW_YORK_DST
    + ZONES
    + TYPOS
    + ORDINALS
    + CLOCK_PHRASES
    + PARTS_OF_DAY
    + NEXT_WEEK
    + DIGIT_TIMES
)


@pytest.mark.parametrize(("text", "now", "zone", "order", "purpose", "expected"), ALL_CASES)
def test_parse_when(text, now, zone, order, purpose, expected):
    result = parse_when(text, now=now, zone=zone, order=order, purpose=purpose)
    check(result, now, zone, expected)


# --- exact durations and precision -----------------------------------------------------------

DST_NOWS = [
    B_BEFORE_SPRING,
    B_AFTER_SPRING,
    B_FALL_FIRST,
    B_FALL_SECOND,
    NY_BEFORE_SPRING,
    NY_AFTER_SPRING,
    NY_FALL_FIRST,
    NY_FALL_SECOND,
    utc(2026, 3, 29, 0, 30),  # Berlin 01:30 CET, half an hour before the change
    utc(2026, 11, 1, 5, 30),  # New York 01:30 EDT, half an hour before the change
]


@pytest.mark.parametrize("now", DST_NOWS)
@pytest.mark.parametrize("zone", [BERLIN, NEW_YORK])
@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("in 2 hours", timedelta(hours=2)),
        ("2h ago", timedelta(hours=-2)),
        ("in 90 minutes", timedelta(minutes=90)),
        ("30 min ago", timedelta(minutes=-30)),
        ("in 24 hours", timedelta(hours=24)),
    ],
)
def test_relative_times_are_exact_durations(now, zone, text, delta):
    result = parse_when(text, now=now, zone=zone)
    assert isinstance(result, Parsed)
    assert result.moment == now.astimezone(UTC) + delta  # aware + timedelta is wall-clock
    assert result.moment.tzinfo is UTC


def test_relative_times_keep_the_seconds_of_now():
    now = b(2026, 12, 2, 10, 0, 42)
    result = parse_when("in 2 hours", now=now, zone=BERLIN)
    assert isinstance(result, Parsed)
    assert result.moment == utc(2026, 12, 2, 11, 0, 42)
    assert parse_when("now", now=now, zone=BERLIN) == Parsed(
        now.astimezone(UTC), now, has_time=True, in_past=False
    )


def test_a_time_in_the_current_minute_is_today_but_flagged_in_the_past():
    now = b(2026, 12, 2, 14, 0, 30)
    result = parse_when("14:00", now=now, zone=BERLIN, purpose="future")
    assert isinstance(result, Parsed)
    assert result.local == b(2026, 12, 2, 14, 0)
    assert result.in_past  # by 30 seconds: the caller asks "schedule anyway?"


def test_tomorrow_at_ten_across_the_change_is_ten_on_the_wall_clock():
    for now, zone in ((B_BEFORE_SPRING, BERLIN), (NY_BEFORE_SPRING, NEW_YORK)):
        result = parse_when("tomorrow 10:00", now=now, zone=zone)
        assert isinstance(result, Parsed)
        assert result.moment - now.astimezone(UTC) == timedelta(hours=21)  # 22 wall hours


def test_date_only_in_a_zone_whose_midnight_is_skipped():
    # Santiago (Chile) moves its clocks forward at 00:00 → 01:00 on Sun 6 Sep 2026.
    santiago = ZoneInfo("America/Santiago")
    now = datetime(2026, 9, 4, 12, 0, tzinfo=santiago)
    result = parse_when("6/9", now=now, zone=santiago)
    assert isinstance(result, Parsed) and not result.has_time
    assert result.local.date() == date(2026, 9, 6)
    assert result.local.time() == time(1, 0)  # the first minute that exists
    assert isinstance(parse_when("6/9 00:30", now=now, zone=santiago), Invalid)


# --- arguments -------------------------------------------------------------------------------


def test_now_must_be_aware():
    with pytest.raises(ValueError):
        parse_when("today", now=datetime(2026, 12, 2, 10, 0), zone=BERLIN)


@pytest.mark.parametrize(("order", "purpose"), [("YMD", "any"), ("DMY", "soon")])
def test_unknown_order_or_purpose_is_a_programming_error(order, purpose):
    with pytest.raises(ValueError):
        parse_when("today", now=B_WED, zone=BERLIN, order=order, purpose=purpose)


def test_a_hundred_characters_are_read_and_more_are_not():
    assert isinstance(parse_when("tomorrow 3pm".ljust(100), now=B_WED, zone=BERLIN), Parsed)
    too_long = parse_when("tomorrow 3pm".ljust(101), now=B_WED, zone=BERLIN)
    assert isinstance(too_long, Invalid) and "too long" in too_long.reason


def test_results_are_frozen():
    result = parse_when("tomorrow 3pm", now=B_WED, zone=BERLIN)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.has_time = False  # type: ignore[misc]


def test_reasons_and_questions_are_short_sentences():
    texts = ["31/2", "25:00", "banana", "yesterday", "fri", "9", "tomorrow 02:30", "14:00"]
    for text in texts:
        for purpose in ("any", "future", "past"):
            for now, zone in ((B_WED, BERLIN), (B_BEFORE_SPRING, BERLIN), (NY_WED, NEW_YORK)):
                result = parse_when(text, now=now, zone=zone, purpose=purpose)
                sentence = getattr(result, "reason", None) or getattr(result, "question", None)
                if sentence is not None:
                    assert 10 < len(sentence) <= 160
                    assert sentence[0].isupper() or sentence[0].isdigit() or sentence[0] == "“"
                    assert sentence.rstrip("”").endswith((".", "?"))


# --- format_choice ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "now", "zone", "purpose", "label"),
    [
        ("fri 9:30", B_WED, BERLIN, "future", "Fri 4 Dec 09:30"),
        ("fri", NY_WED, NEW_YORK, "future", "Fri 4 Dec"),
        ("tomorrow 3pm", NY_WED, NEW_YORK, "any", "Thu 3 Dec 15:00"),
        ("in 2 hours", B_AFTER_SPRING, BERLIN, "any", "Sun 29 Mar 06:00"),
        ("3/1", B_DEC30, BERLIN, "future", "Sun 3 Jan"),
    ],
)
def test_format_choice(text, now, zone, purpose, label):
    result = parse_when(text, now=now, zone=zone, purpose=purpose)
    assert isinstance(result, Parsed)
    assert format_choice(result) == label


def test_format_choice_shows_the_year_when_asked_and_it_differs():
    result = parse_when("3/1 9:30", now=B_DEC30, zone=BERLIN, purpose="future")
    assert isinstance(result, Parsed)
    assert format_choice(result, now=B_DEC30) == "Sun 3 Jan 2027 09:30"
    same_year = parse_when("tomorrow", now=B_DEC30, zone=BERLIN)
    assert isinstance(same_year, Parsed)
    assert format_choice(same_year, now=B_DEC30) == "Thu 31 Dec"


@pytest.mark.parametrize(
    ("text", "now", "zone", "labels"),
    [
        (
            "tomorrow 02:30",
            B_BEFORE_FALL,
            BERLIN,
            ["Sun 25 Oct 02:30 CEST", "Sun 25 Oct 02:30 CET"],
        ),
        (
            "tomorrow 01:30",
            NY_BEFORE_FALL,
            NEW_YORK,
            ["Sun 1 Nov 01:30 EDT", "Sun 1 Nov 01:30 EST"],
        ),
        ("fri", B_WED, BERLIN, ["Fri 27 Nov", "Fri 4 Dec"]),
        ("3", NY_WED, NEW_YORK, ["Wed 2 Dec 03:00", "Wed 2 Dec 15:00"]),
    ],
)
def test_buttons_of_a_question_have_different_labels(text, now, zone, labels):
    result = parse_when(text, now=now, zone=zone)
    assert isinstance(result, Ambiguous)
    assert [format_choice(option) for option in result.options] == labels


@pytest.mark.parametrize(
    "text",
    ["fri 9:30", "tomorrow 3pm", "2026-12-24 18:00", "next monday 10", "in 3 days", "3/1 9:30"],
)
@pytest.mark.parametrize(("now", "zone"), [(B_WED, BERLIN), (NY_DEC30, NEW_YORK)])
def test_a_button_label_reads_back_as_the_same_moment(text, now, zone):
    first = parse_when(text, now=now, zone=zone, purpose="future")
    assert isinstance(first, Parsed)
    again = parse_when(format_choice(first, now=now), now=now, zone=zone)
    assert again == first


def test_a_weekday_that_disagrees_with_the_year_chosen_is_caught():
    # "Thu 24 Dec" on 30 Dec for an appointment: next year's 24 Dec is a Friday, so say so.
    result = parse_when("Thu 24 Dec 18:00", now=NY_DEC30, zone=NEW_YORK, purpose="future")
    assert result == Invalid("24 Dec 2027 is a Friday, not a Thursday.")


# --- quick_days, quick_times, combine --------------------------------------------------------


def _week(first: date, count: int = 7) -> list[str]:
    return [(first + timedelta(days=offset)).isoformat() for offset in range(count)]


@pytest.mark.parametrize(
    ("now", "zone", "count", "expected"),
    [
        (B_WED, BERLIN, 7, _week(date(2026, 12, 2))),  # weekends included
        (B_SUN, BERLIN, 7, _week(date(2026, 12, 6))),  # a Sunday reaches next Saturday
        (b(2026, 12, 6, 17, 59), BERLIN, 7, _week(date(2026, 12, 6))),  # 18:00 still ahead
        (b(2026, 12, 6, 18, 0), BERLIN, 7, _week(date(2026, 12, 7))),  # no time left today
        (utc(2026, 12, 2, 23, 30), BERLIN, 3, _week(date(2026, 12, 3), 3)),  # the local day
        (utc(2026, 12, 2, 16, 30), NEW_YORK, 3, _week(date(2026, 12, 2), 3)),
        (B_DEC30, BERLIN, 5, _week(date(2026, 12, 30), 5)),  # into the next year
        (B_WED, BERLIN, 1, ["2026-12-02"]),
        (B_WED, BERLIN, 0, []),
    ],
)
def test_quick_days(now, zone, count, expected):
    assert [d.isoformat() for d in quick_days(now, zone, count)] == expected


def test_quick_days_default_count_is_a_week():
    assert len(quick_days(B_SUN, BERLIN)) == 7


def test_quick_times_cover_the_working_day_hourly():
    times = quick_times()
    assert times == [time(hour) for hour in range(8, 19)]


@pytest.mark.parametrize(
    ("day", "at", "zone", "now", "expected"),
    [
        (date(2026, 12, 4), time(9, 30), BERLIN, B_WED, "2026-12-04 09:30"),
        (date(2026, 12, 1), time(9, 30), NEW_YORK, NY_WED, "2026-12-01 09:30"),
        (date(2026, 3, 29), time(2, 30), BERLIN, B_BEFORE_SPRING, bad("Try “Sun 29 Mar 03:30”")),
        (date(2026, 3, 8), time(2, 30), NEW_YORK, NY_BEFORE_SPRING, bad("There is no 02:30")),
        (
            date(2026, 10, 25),
            time(2, 30),
            BERLIN,
            B_BEFORE_FALL,
            ask("happens twice", "2026-10-25 02:30 +0200", "2026-10-25 02:30 +0100"),
        ),
        (
            date(2026, 11, 1),
            time(1, 30),
            NEW_YORK,
            NY_BEFORE_FALL,
            ask("happens twice", "2026-11-01 01:30 -0400", "2026-11-01 01:30 -0500"),
        ),
        (date(2026, 3, 29), time(3, 0), BERLIN, B_BEFORE_SPRING, "2026-03-29 03:00 +0200"),
    ],
)
def test_combine(day, at, zone, now, expected):
    check(combine(day, at, zone, now=now), now, zone, expected)


def test_combine_with_quick_buttons_never_fails_on_an_ordinary_day():
    for day in quick_days(B_WED, BERLIN):
        for at in quick_times():
            result = combine(day, at, BERLIN, now=B_WED)
            assert isinstance(result, Parsed)
            assert result.local.date() == day and result.local.time() == at


# --- times of a daily routine (settings) -----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("7pm to 7:30am", Hours(time(19), time(7, 30))),
        ("19:00 - 07:30", Hours(time(19), time(7, 30))),
        ("21:00-07:00", Hours(time(21), time(7))),
        ("22-7", Hours(time(22), time(7))),  # the end as written: 07:00, not 19:00
        ("10pm-6am", Hours(time(22), time(6))),
        ("10 p.m. – 6 a.m.", Hours(time(22), time(6))),
        ("22.00–06.00", Hours(time(22), time(6))),
        ("2200-0700", Hours(time(22), time(7))),  # no year can stand here
        ("9pm until 7am", Hours(time(21), time(7))),
        ("midnight to 6", Hours(time(0), time(6))),
        ("half past ten pm to 7", Hours(time(22, 30), time(7))),
        ("22:00-09:30", Hours(time(22), time(9, 30))),
        # a start 1–12 without am/pm: both, the night's first, for the caller to ask
        ("10-6", [Hours(time(22), time(6)), Hours(time(10), time(6))]),
        ("12-6", [Hours(time(0), time(6)), Hours(time(12), time(6))]),
        ("9:30 to 7", [Hours(time(21, 30), time(7)), Hours(time(9, 30), time(7))]),
        # not a span
        ("22:00", None),
        ("late at night", None),
        ("25:00-07:00", None),
        ("22:00-07:75", None),
        ("13pm-6am", None),
    ],
)
def test_read_hours(typed, expected):
    assert read_hours(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("7:30", time(7, 30)),  # as written: a routine has no daytime rule
        ("07:30", time(7, 30)),
        ("7", time(7)),
        ("6:30", time(6, 30)),
        ("6pm", time(18)),
        ("7h30", time(7, 30)),
        ("7.30", time(7, 30)),
        ("1900", time(19)),
        ("noon", time(12)),
        ("half past seven", time(7, 30)),
        ("25:00", None),
        ("banana", None),
        ("tomorrow 7", None),
    ],
)
def test_read_clock(typed, expected):
    assert read_clock(typed) == expected
