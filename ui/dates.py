"""Reading the dates and times case workers type on a phone.

`parse_when(text, now=…, zone=…, order=…, purpose=…)` turns free text into an aware UTC moment
(`Parsed`), a short question with 2–3 buttons (`Ambiguous`), or a friendly reason with an example
(`Invalid`) — never a silent guess. Pure functions: no Telegram, no database, and `now` is always
passed in (the system clock is never read). Wall-clock times are read in the worker's `zone` with
zoneinfo, so daylight saving is handled exactly.

Grammar (case-insensitive; extra spaces, commas, "at", "on", "the", "of", "@" and "o'clock" are
ignored; "p.m."/"3 pm" become "pm"/"3pm"; a final "!"/"?", and a final "." after a word or
after "9:30", are dropped):

    text      := instant | duration | date [time] | time [date] | time
    instant   := "now" | "right now" | "just now"
    duration  := "in" N unit | N unit "ago" | N unit "from now"        (unit: minutes or hours)
                 N := 1–3 digits | "a" | "an" | "one" | "half an" (half an hour only);
                 units: m min mins minute(s) · h hr hrs hour(s); "2h ago", "in 45min" work too
    date      := day-word | weekday | relative-days | numeric | iso | month-name
    day-word  := today | tonight | tonite | tomorrow | tmrw | tmr | yesterday | yday
                 | day after tomorrow | day before yesterday
    weekday   := ["next" | "last" | "this"] (mon | monday | tue | tues | tuesday | wed | weds
                 | wednesday | thu | thur | thurs | thursday | fri | friday | sat | saturday
                 | sun | sunday)
    relative-days := "in" N unit | N unit "ago" | N unit "from now"
                 (unit: d day(s) · w wk wks week(s) · mo mos month(s))
    numeric   := A sep B [sep YY | sep YYYY] ["."]    sep: "/" "." "-" (the same one twice);
                 A/B is day/month for DMY and month/day for MDY ("12.3." is fine)
    iso       := YYYY-M-D  (also with "/" or "."); always year-month-day, whatever the order
    month-name:= D[st|nd|rd|th] month [YYYY] | month D[st|nd|rd|th] [YYYY]
                 month: jan january feb february mar march apr april may jun june jul july
                 aug august sep sept september oct october nov november dec december
                 numeric, iso and month-name dates may start with a weekday ("fri 4 dec",
                 "friday, december 4th"); it must agree with the date
    time      := H:MM | H.MM | H:MMam/pm | Ham/pm | Hh | HhMM | noon | midday | midnight | H
                 ("2026-12-03T14:00" is read as "2026-12-03 14:00"; "12 noon" is noon).
                 A time may come after the date or before it ("3pm tomorrow"); a bare number
                 only after it ("mon 10", not "10 mon").

Decisions:

- Times. am/pm, a leading zero ("09:30", "03:30"), hour 0 or 13–23, and the "15h"/"9h30"
  form (a 24-hour convention) are read exactly as written. An hour 1–12 written with minutes
  but without am/pm ("9:30", "3:30") follows the daytime rule below, also without a date:
  case workers work daytime, so "9:30" is 09:30 and "3:30" is 15:30; night times need a
  leading zero or am/pm ("03:30", "3:30am"). "noon"/"midday" is 12:00, "12am" is 00:00,
  "12pm" is 12:00.
- The daytime rule: a bare hour after a date ("next monday 10", "tomorrow 3") and an hour
  with minutes: 7–11 → morning, 12 → noon hour, 1–6 → afternoon (13:00–18:59).
- A bare hour alone ("3", "9", "12"): both readings (03:00/15:00; 12 → 00:00/12:00) are kept
  when both are plausible for the purpose, and the worker is asked. "any": both today → ask.
  "future": the next 03:00 and the next 15:00 → ask. "past": only readings whose time has
  already come today count: both → ask, one → that one, none → Invalid. A bare 0 or 13–23 is
  that hour. Hours over 23 and minutes over 59 are Invalid.
- Four-digit times ("1400") are not read: they look like years. "1400" alone is Invalid with
  a hint to write "14:00".
- A dotted "1.12" alone could be 1 December or a time: when both readings are possible (and
  fit the purpose) the worker is asked; "14.00" (no month 0) is a time, "12.3." (trailing
  dot) is a date, "12.30" is 12:30 for DMY and asked for MDY (30 Dec?). After a date,
  "tomorrow 12.30" is a time.
- A time alone means today at that time, except: "future" and the time has already passed
  today → tomorrow (the next time the clock shows it); "past" and the time hasn't come yet
  today → Invalid ("15:00 hasn't come yet today. If you mean yesterday, type “yesterday
  15:00”.") — moving a day the worker never mentioned backwards is a guess; moving it forward
  for an appointment is what "at 9" means in the evening. The current minute counts as both
  "already come" and "still ahead" (so "14:00" typed at 14:00:30 is today).
- "midnight" after a date is the end of that day ("fri midnight" → Saturday 00:00). Alone it
  is the coming midnight for "future", the last one (today 00:00) for "past", and for "any" the
  worker is asked. "00:00"/"12am" is the start of the named day.
- "tonight" alone is today without a time (has_time False: the caller asks for the time; we
  don't invent 19:00). With a time, an hour 1–11 without am/pm is evening ("tonight 8:30" →
  20:30) and the result must be 17:00–23:59 ("tonight midnight" → the end of today); else
  Invalid.
- Weekdays. "next fri": the first Friday after today (1–7 days ahead; on a Friday, a week
  ahead). "last fri": the last Friday before today (1–7 days back). "this fri": the Friday of
  the current Monday–Sunday week (may be past or future). A bare "fri": "future" → the next
  Friday; on a Friday, today only if a time is given and it is still ahead, otherwise a week
  ahead (who says "fri" on a Friday without a time means next week). "past" → the most
  recent Friday, today included (on a Friday with a time that hasn't come yet: last week's).
  "any" → today if it is Friday, otherwise ask: last Friday or next Friday.
- Dates without a year: "future" → this year if the date is today or later, else next year;
  "past" → this year if the date is today or earlier, else last year; "any" → the nearest of
  last, this and next year (within ±6 months; an exact tie is asked). The time of day never
  moves a date to another year ("3/12 9:00" on 3 Dec at 10:00 is today, in the past). 29/2
  without a year takes the year chosen as above and is Invalid if that year has no 29 Feb.
- Two-digit years are 20YY. Years more than 10 years from now are Invalid (a typo guard).
- A weekday written before a date ("fri 4 dec") must agree with it, else Invalid ("4 Dec 2026
  is a Friday, not a Monday."); this also catches a label read back in the wrong year.
- Impossible dates say what is wrong and give an example in the organisation's order: "There
  is no 31 February. Try e.g. “28/2 14:00”." "5/13" in a DMY organisation: "There is no month
  13. Dates are written day/month here, like “13/5”."
- "in 3 days", "2 weeks ago", "in 3 months": calendar days/months in the zone, date only
  (has_time False; the caller asks for a time); a time may follow ("in 3 days 10:00"). Months
  use dateutil's relativedelta (31 Jan + 1 month = 28/29 Feb). "in 2 hours", "30 min ago":
  exact durations in UTC, not wall-clock arithmetic, and keep now's seconds.
- "now"/"right now"/"just now" are `now` exactly (in_past False).
- Purpose. Words that name the past ("yesterday", "day before yesterday", "last fri",
  "… ago", "just now") are Invalid for "future"; words that name the future ("tomorrow",
  "day after tomorrow", "next fri", "in …") are Invalid for "past". Otherwise, for "future", a
  moment in the past is returned with in_past True (the caller asks "schedule anyway?"); for
  "past", anything that hasn't happened yet is Invalid (nothing can be logged in advance).
- Date only results (has_time False): `local` is the start of that day (00:00, or the first
  minute that exists if midnight falls into a daylight-saving gap) and `in_past` means "the
  day is before today" — a date-only "today" is not in the past.
- Daylight saving. A time that doesn't exist (spring forward) is Invalid and suggests the
  same instant on the new clock ("02:30" → "03:30"). A time that happens twice (fall back) is
  asked, with both UTC instants as options; `format_choice` adds the zone abbreviation to such
  labels ("Sun 25 Oct 02:30 CEST" / "… CET") so the two buttons differ.
- Options of an `Ambiguous` are sorted earliest first, 2–3 of them, and their
  `format_choice` labels always differ.
- Texts longer than 100 characters are Invalid without being read. Only ASCII digits count.
- Arguments: a naive `now`, an unknown order or purpose raise ValueError (a programming
  error, not the worker's).
- Note for callers: Python never considers an aware datetime in a fall-back fold equal to one
  in another zone (PEP 495), so compare `Parsed.moment`, not `Parsed.local`.

Helpers: `format_choice(parsed, *, now=None)` → "Fri 4 Dec 09:30" (with `now`, the year is
added when it isn't now's year); `quick_days(now, zone, count=5)` → today, tomorrow (even on a
weekend), then weekdays only; `quick_times()` → 08:00 … 18:00 hourly (11 buttons);
`combine(day, at, zone, *, now)` → a button-built day and time with the same daylight-saving
rules (gap → Invalid, fold → Ambiguous); `now` is required because `in_past` needs it.
- Not understood (Invalid with examples): "morning", "next week", "end of month", ranges, time
  zones or UTC offsets in the text, numbers written as words (except "a", "an", "one").
"""

from __future__ import annotations

import re
from calendar import isleap, monthrange
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

__all__ = [
    "Ambiguous",
    "DateOrder",
    "Invalid",
    "Parsed",
    "Purpose",
    "combine",
    "format_choice",
    "parse_when",
    "quick_days",
    "quick_times",
]

DateOrder = Literal["DMY", "MDY"]
Purpose = Literal["past", "future", "any"]

MAX_LENGTH = 100
MAX_YEARS_AWAY = 10


@dataclass(frozen=True)
class Parsed:
    moment: datetime  # aware, UTC
    local: datetime  # aware, in the worker's zone
    has_time: bool
    in_past: bool


@dataclass(frozen=True)
class Ambiguous:
    question: str
    options: list[Parsed]


@dataclass(frozen=True)
class Invalid:
    reason: str


Result = Parsed | Ambiguous | Invalid
_Example = Callable[..., str]  # (day, month, year=None) -> an example in the style typed

# --- words -----------------------------------------------------------------------------------

_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_WEEKDAYS = {
    **dict.fromkeys(("mon", "monday"), 0),
    **dict.fromkeys(("tue", "tues", "tuesday"), 1),
    **dict.fromkeys(("wed", "weds", "wednesday"), 2),
    **dict.fromkeys(("thu", "thur", "thurs", "thursday"), 3),
    **dict.fromkeys(("fri", "friday"), 4),
    **dict.fromkeys(("sat", "saturday"), 5),
    **dict.fromkeys(("sun", "sunday"), 6),
}
_MONTHS = {
    **{name.lower(): number for number, name in enumerate(_MONTH_NAMES, 1)},
    **{name.lower(): number for number, name in enumerate(_MONTH_ABBR, 1)},
    "sept": 9,
}
_UNITS = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "minutes"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hours"),
    **dict.fromkeys(("d", "day", "days"), "days"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "weeks"),
    **dict.fromkeys(("mo", "mos", "month", "months"), "months"),
}
_DAY_WORDS: dict[str, tuple[int, Literal["past", "future"] | None]] = {
    "today": (0, None),
    "tonight": (0, None),
    "tonite": (0, None),
    "tomorrow": (1, "future"),
    "tmrw": (1, "future"),
    "tmr": (1, "future"),
    "day after tomorrow": (2, "future"),
    "yesterday": (-1, "past"),
    "yday": (-1, "past"),
    "day before yesterday": (-2, "past"),
}
_FILLER = {"at", "on", "the", "of", "@"}

UNREADABLE = "I couldn't read that as a date. Try “tomorrow 3pm”, “fri 9:30” or “2026-12-03 14:00”."
TOO_LONG = "That's too long for a date. Try something short like “tomorrow 3pm”."
EMPTY = "Please type a date or a time, like “tomorrow 3pm” or “fri 9:30”."


# --- the pieces of a reading -----------------------------------------------------------------


@dataclass(frozen=True)
class _Ctx:
    now: datetime  # UTC
    zone: ZoneInfo
    order: DateOrder
    purpose: Purpose

    @property
    def local_now(self) -> datetime:
        return self.now.astimezone(self.zone)

    @property
    def today(self) -> date:
        return self.local_now.date()

    @property
    def minute_start(self) -> datetime:
        """The start of the current minute (UTC): this minute counts as 'now' both ways."""
        return self.now.replace(second=0, microsecond=0)


@dataclass(frozen=True)
class _Time:
    """A time as typed. `kind`: exact (as written), clock (1–12 with minutes, daytime rule),
    bare (1–12 alone), midnight."""

    hour: int
    minute: int
    kind: Literal["exact", "clock", "bare", "midnight"]


@dataclass(frozen=True)
class _Date:
    """A date phrase as typed, before the purpose decides which day it is."""

    phrase: str
    day: date | None = None  # a fixed day
    weekday: int | None = None  # weekday phrases (0 = Monday)
    modifier: Literal["next", "last", "this"] | None = None
    month_day: tuple[int, int] | None = None  # a date without a year
    named_weekday: int | None = None  # "fri 4 dec": the weekday typed before a date
    wording: Literal["past", "future"] | None = None  # the words themselves name past/future
    evening: bool = False  # "tonight"


# --- public API ------------------------------------------------------------------------------


def parse_when(
    text: str,
    *,
    now: datetime,
    zone: ZoneInfo,
    order: DateOrder = "DMY",
    purpose: Purpose = "any",
) -> Parsed | Ambiguous | Invalid:
    """Read `text` typed by a worker in `zone`. See the module docstring for the grammar."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("parse_when needs an aware `now`")
    if order not in ("DMY", "MDY"):
        raise ValueError(f"unknown date order {order!r}")
    if purpose not in ("past", "future", "any"):
        raise ValueError(f"unknown purpose {purpose!r}")
    if len(text) > MAX_LENGTH:
        return Invalid(TOO_LONG)
    phrase = _normalise(text)
    if not phrase:
        return Invalid(EMPTY)
    ctx = _Ctx(now=now.astimezone(UTC), zone=zone, order=order, purpose=purpose)
    for family in (_read_instant, _read_duration):
        result = family(phrase, ctx)
        if result is not None:
            return result
    return _read_date_and_time(phrase, ctx)


def format_choice(parsed: Parsed, *, now: datetime | None = None) -> str:
    """A short local label for a button: "Fri 4 Dec 09:30" (date only: "Fri 4 Dec"). A time
    that happens twice on a fall-back night gets its zone abbreviation: "Sun 25 Oct 02:30 CET".
    Given `now`, a date in another year than now's shows the year: "Sat 3 Jan 2027 09:30"."""
    local = parsed.local
    label = f"{_DAY_ABBR[local.weekday()]} {local.day} {_MONTH_ABBR[local.month - 1]}"
    if now is not None and now.astimezone(local.tzinfo).year != local.year:
        label += f" {local.year}"
    if not parsed.has_time:
        return label
    label += f" {local:%H:%M}"
    if local.tzinfo is not None and len(_instants(local.date(), local.time(), local.tzinfo)) > 1:
        label += f" {local.tzname()}"
    return label


def quick_days(now: datetime, zone: ZoneInfo, count: int = 5) -> list[date]:
    """Days for "Today / Tomorrow / Mon / Tue …" buttons: today, tomorrow (even on a weekend),
    then the following weekdays, skipping Saturday and Sunday."""
    today = now.astimezone(zone).date()
    days = [today, today + timedelta(days=1)][: max(count, 0)]
    day = today + timedelta(days=1)
    while len(days) < count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def quick_times() -> list[time]:
    """Times for buttons: every full hour of the working day, 08:00 to 18:00 (11 buttons)."""
    return [time(hour) for hour in range(8, 19)]


def combine(day: date, at: time, zone: ZoneInfo, *, now: datetime) -> Parsed | Ambiguous | Invalid:
    """A day and a time picked with buttons, read in `zone` with the same daylight-saving rules
    as `parse_when`: a time that doesn't exist is Invalid, a time that happens twice is asked.
    `now` is needed for `in_past`. The purpose is the caller's business (check `in_past`)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("combine needs an aware `now`")
    ctx = _Ctx(now=now.astimezone(UTC), zone=zone, order="DMY", purpose="any")
    clock = at.replace(tzinfo=None, fold=0)
    instants = _instants(day, clock, zone)
    if not instants:
        return _gap(day, clock, ctx)
    return _one_or_ask([_parsed(moment, ctx) for moment in instants])


# --- normalising -----------------------------------------------------------------------------


def _normalise(text: str) -> str:
    s = text.strip().lower().replace("\u2019", "'")
    s = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", s)  # p.m. → pm
    s = re.sub(r"[,;]", " ", s)
    s = re.sub(r"[!?]+$", "", s).strip()
    s = re.sub(r"(?:(?<=[a-z])|(?<=:\d\d))\.$", "", s)  # "tomorrow.", "9:30." (not "12.3.")
    s = re.sub(r"(\d{4}-\d{1,2}-\d{1,2})t(?=\d)", r"\1 ", s)  # ISO "T"
    s = re.sub(r"(?<=\d)\s+(am|pm)\b", r"\1", s)  # "3 pm" → "3pm"
    s = re.sub(r"\b12\s+(noon|midnight)\b", r"\1", s)
    s = re.sub(r"\s*\bo'?clock\b", "", s)
    return " ".join(token for token in s.split() if token not in _FILLER)


# --- instants and durations ------------------------------------------------------------------


def _read_instant(phrase: str, ctx: _Ctx) -> Result | None:
    if phrase in ("now", "right now"):
        return _parsed(ctx.now, ctx)
    if phrase == "just now":
        return _wording_conflict(phrase, "past", ctx) or _parsed(ctx.now, ctx)
    return None


_AMOUNT = r"(?P<amount>\d{1,3}|an?|one|half an?)"
_RELATIVE = [
    (re.compile(rf"in {_AMOUNT} ?(?P<unit>[a-z]+)\.?", re.ASCII), 1),
    (re.compile(rf"{_AMOUNT} ?(?P<unit>[a-z]+)\.? from now", re.ASCII), 1),
    (re.compile(rf"{_AMOUNT} ?(?P<unit>[a-z]+)\.? ago", re.ASCII), -1),
]


def _relative(phrase: str) -> tuple[int, float, str] | None:
    """("in 2 hours") → (sign, amount, unit); None when it isn't a relative phrase."""
    for pattern, sign in _RELATIVE:
        match = pattern.fullmatch(phrase)
        if match and match["unit"] in _UNITS:
            unit = _UNITS[match["unit"]]
            amount_text = match["amount"]
            if amount_text.startswith("half"):
                if unit != "hours":
                    return None
                return sign, 0.5, unit
            amount = int(amount_text) if amount_text.isdecimal() else 1
            return sign, amount, unit
    return None


def _read_duration(phrase: str, ctx: _Ctx) -> Result | None:
    """Durations ("in 2 hours", "30 min ago"): exact, counted in UTC."""
    relative = _relative(phrase)
    if relative is None or relative[2] not in ("minutes", "hours"):
        return None
    sign, amount, unit = relative
    conflict = _wording_conflict(phrase, "future" if sign > 0 else "past", ctx)
    if conflict:
        return conflict
    return _parsed(ctx.now + sign * timedelta(**{unit: amount}), ctx)


# --- dates with or without a time ------------------------------------------------------------


def _read_date_and_time(phrase: str, ctx: _Ctx) -> Result:
    """Try every way of splitting the words into a date part and a time part."""
    tokens = phrase.split()
    # (date words, time word, time first?)
    splits: list[tuple[list[str], str | None, bool]] = [(tokens, None, False)]
    if len(tokens) == 1:
        splits.append(([], tokens[0], False))  # "14:00"
    else:
        splits.append((tokens[:-1], tokens[-1], False))  # "tomorrow 3pm"
        splits.append((tokens[1:], tokens[0], True))  # "3pm tomorrow"
    readings: list[tuple[_Date | None, _Time | None]] = []
    errors: list[Invalid] = []
    for date_tokens, time_token, time_first in splits:
        day = _read_date(date_tokens, ctx) if date_tokens else None
        at = _read_time(time_token) if time_token else None
        if (date_tokens and day is None) or (time_token and at is None):
            continue  # some words are neither a date nor a time
        if time_first and isinstance(at, _Time) and at.kind == "bare":
            continue  # a bare number is a time only after a date: "mon 10", not "10 mon"
        if isinstance(day, Invalid):
            errors.append(day)
        elif isinstance(at, Invalid):
            errors.append(at)
        else:
            readings.append((day, at))
    if not readings:
        return errors[0] if errors else Invalid(UNREADABLE)
    results = [_resolve(day, at, ctx) for day, at in readings]
    good = [result for result in results if not isinstance(result, Invalid)]
    if not good:
        return results[0]
    if len(good) == 1:
        return good[0]
    options: list[Parsed] = []
    for result in good:
        options.extend([result] if isinstance(result, Parsed) else result.options)
    return _one_or_ask(options, f"Is “{phrase}” a date or a time?")


def _resolve(day: _Date | None, at: _Time | None, ctx: _Ctx) -> Result:
    if day is None:
        assert at is not None
        return _resolve_time_alone(at, ctx)
    return _resolve_dated(day, at, ctx)


# --- reading a time --------------------------------------------------------------------------

_CLOCK = re.compile(r"(\d{1,2})[:.](\d{2})(am|pm)?", re.ASCII)  # 14:00, 9.30, 2:30pm
_H_FORM = re.compile(r"(\d{1,2})h(\d{2})?", re.ASCII)  # 15h, 15h30
_MERIDIEM = re.compile(r"(\d{1,2})(am|pm)", re.ASCII)  # 2pm
_BARE = re.compile(r"\d{1,2}", re.ASCII)  # 9
_DIGIT_RUN = re.compile(r"(\d{1,2})(\d{2})", re.ASCII)  # 1400, 930: not read


def _read_time(token: str) -> _Time | Invalid | None:
    """One word as a time; None when it doesn't look like a time at all."""
    if token in ("noon", "midday"):
        return _Time(12, 0, "exact")
    if token == "midnight":
        return _Time(0, 0, "midnight")
    if match := _CLOCK.fullmatch(token):
        return _checked_time(match[1], match[2], match[3], token, minutes_typed=True)
    if match := _H_FORM.fullmatch(token):
        return _checked_time(match[1], match[2] or "00", None, token, exact=True)
    if match := _MERIDIEM.fullmatch(token):
        return _checked_time(match[1], "00", match[2], token)
    if _BARE.fullmatch(token):
        return _checked_time(token, "00", None, token)
    if match := _DIGIT_RUN.fullmatch(token):
        if int(match[1]) <= 23 and int(match[2]) <= 59:
            return Invalid(
                f"I can't tell whether “{token}” is a time or a year. Write times with a "
                f"colon, like “{int(match[1])}:{match[2]}”."
            )
    return None


def _checked_time(
    hour_text: str,
    minute_text: str,
    meridiem: str | None,
    token: str,
    *,
    minutes_typed: bool = False,
    exact: bool = False,
) -> _Time | Invalid:
    hour, minute = int(hour_text), int(minute_text)
    if minute > 59:
        return Invalid(f"“{token}” isn't a time: minutes go up to 59. Try e.g. “{hour}:45”.")
    if meridiem:
        if not 1 <= hour <= 12:
            return Invalid(f"“{token}” isn't a time. Try e.g. “2{meridiem}” or “14:00”.")
        return _Time(hour % 12 + (12 if meridiem == "pm" else 0), minute, "exact")
    if hour > 23:
        return Invalid(f"There is no {token} — hours go from 0 to 23. Try e.g. “15:00”.")
    if exact or hour == 0 or hour >= 13 or hour_text.startswith("0"):
        return _Time(hour, minute, "exact")
    return _Time(hour, minute, "clock" if minutes_typed else "bare")


def _daytime(hour: int) -> int:
    """The daytime rule for an hour 1–12 without am/pm: 7–12 as is, 1–6 afternoon."""
    return hour + 12 if 1 <= hour <= 6 else hour


# --- reading a date --------------------------------------------------------------------------


def _read_date(tokens: list[str], ctx: _Ctx) -> _Date | Invalid | None:
    """Words as a date phrase; None when they aren't one."""
    phrase = " ".join(tokens)
    for family in (_read_day_word, _read_weekday, _read_relative_days):
        found = family(phrase, ctx)
        if found is not None:
            return found
    named = None
    if len(tokens) > 1 and tokens[0] in _WEEKDAYS:  # "fri 4 dec", "friday december 4th"
        named, tokens = _WEEKDAYS[tokens[0]], tokens[1:]
    rest = " ".join(tokens)
    for family in (_read_numeric, _read_iso, _read_month_name):
        found = family(rest, ctx)
        if isinstance(found, _Date):
            return _Date(phrase, found.day, month_day=found.month_day, named_weekday=named)
        if found is not None:
            return found
    return None


def _read_day_word(phrase: str, ctx: _Ctx) -> _Date | None:
    if phrase not in _DAY_WORDS:
        return None
    offset, wording = _DAY_WORDS[phrase]
    day = ctx.today + timedelta(days=offset)
    return _Date(phrase, day, wording=wording, evening=phrase in ("tonight", "tonite"))


_WEEKDAY_PHRASE = re.compile(r"(?:(next|last|this) )?([a-z]+)", re.ASCII)


def _read_weekday(phrase: str, ctx: _Ctx) -> _Date | None:
    match = _WEEKDAY_PHRASE.fullmatch(phrase)
    if not match or match[2] not in _WEEKDAYS:
        return None
    modifier = match[1]
    wording = {"next": "future", "last": "past"}.get(modifier or "")
    return _Date(phrase, weekday=_WEEKDAYS[match[2]], modifier=modifier, wording=wording)


def _read_relative_days(phrase: str, ctx: _Ctx) -> _Date | None:
    """Relative days ("in 3 days", "2 weeks ago", "in a month"): calendar days in the zone."""
    relative = _relative(phrase)
    if relative is None or relative[2] in ("minutes", "hours"):
        return None
    sign, amount, unit = relative
    step = relativedelta(**{unit: sign * int(amount)})
    return _Date(phrase, ctx.today + step, wording="future" if sign > 0 else "past")


_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{4}|\d{2}))?\.?", re.ASCII)
_ISO = re.compile(r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})", re.ASCII)
_MONTH_WORD = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH = re.compile(
    rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)? (?P<month>{_MONTH_WORD})\.?(?: (?P<year>\d{{4}}))?",
    re.ASCII,
)
_MONTH_DAY = re.compile(
    rf"(?P<month>{_MONTH_WORD})\.? (?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?: (?P<year>\d{{4}}))?",
    re.ASCII,
)


def _read_numeric(phrase: str, ctx: _Ctx) -> _Date | Invalid | None:
    """Numeric dates ("12/3", "12.3.", "12.03.2026", "3/12/26", "12-3") in the org's order."""
    match = _NUMERIC.fullmatch(phrase)
    if not match:
        return None
    first, second = int(match[1]), int(match[3])
    day, month = (first, second) if ctx.order == "DMY" else (second, first)
    year = None
    if match[4]:
        year = int(match[4]) + (2000 if len(match[4]) == 2 else 0)

    def example(d: int, m: int, y: int | None = None) -> str:
        text = f"{d}/{m}" if ctx.order == "DMY" else f"{m}/{d}"
        return text if y is None else f"{text}/{y}"

    return _calendar_date(phrase, year, month, day, example, ctx, order_hint=True)


def _read_iso(phrase: str, ctx: _Ctx) -> _Date | Invalid | None:
    """ISO dates ("2026-12-03", also "2026/12/03"): year-month-day whatever the order."""
    match = _ISO.fullmatch(phrase)
    if not match:
        return None

    def example(d: int, m: int, y: int | None = None) -> str:
        return f"{y or ctx.today.year}-{m:02}-{d:02}"

    return _calendar_date(phrase, int(match[1]), int(match[3]), int(match[4]), example, ctx)


def _read_month_name(phrase: str, ctx: _Ctx) -> _Date | Invalid | None:
    """Month names ("3 dec", "dec 3", "3rd december 2026", "december 3rd")."""
    match = _DAY_MONTH.fullmatch(phrase) or _MONTH_DAY.fullmatch(phrase)
    if not match:
        return None
    year = int(match["year"]) if match["year"] else None

    def example(d: int, m: int, y: int | None = None) -> str:
        return f"{d} {_MONTH_ABBR[m - 1]}" + (f" {y}" if y else "")

    return _calendar_date(phrase, year, _MONTHS[match["month"]], int(match["day"]), example, ctx)


def _calendar_date(
    phrase: str,
    year: int | None,
    month: int,
    day: int,
    example: _Example,
    ctx: _Ctx,
    *,
    order_hint: bool = False,
) -> _Date | Invalid:
    """Check a day, month and maybe year; explain what is wrong when they are impossible."""
    if not 1 <= month <= 12:
        if order_hint and 1 <= day <= 12:  # "5/13" typed month-first in a DMY organisation
            order = "day/month" if ctx.order == "DMY" else "month/day"
            swapped = example(month, day, year)
            return Invalid(
                f"There is no month {month}. Dates are written {order} here, like “{swapped}”."
            )
        return Invalid(f"There is no month {month}.{_try(example(3, 12))}")
    if day < 1:
        return Invalid(f"There is no day 0 in a month.{_try(example(1, month))}")
    longest = 29 if month == 2 else monthrange(2001, month)[1]
    if day > longest:
        last = 28 if month == 2 else longest
        return Invalid(f"There is no {day} {_MONTH_NAMES[month - 1]}.{_try(example(last, month))}")
    if year is None:
        return _Date(phrase, month_day=(month, day))
    if abs(year - ctx.today.year) > MAX_YEARS_AWAY:
        return Invalid(f"{year} is a long way off — please check the year.")
    if month == 2 and day == 29 and not isleap(year):
        return _no_leap_day(year, example)
    return _Date(phrase, date(year, month, day))


def _no_leap_day(year: int, example: _Example) -> Invalid:
    return Invalid(
        f"There is no 29 February in {year} — it isn't a leap year. "
        f"Try e.g. “{example(28, 2, year)}”."
    )


def _try(example: str) -> str:
    return f" Try e.g. “{example} 14:00”."


# --- deciding which day and moment -----------------------------------------------------------


def _resolve_time_alone(at: _Time, ctx: _Ctx) -> Result:
    """A time without a date: today, moved or refused as the purpose needs."""
    today, tomorrow = ctx.today, ctx.today + timedelta(days=1)
    if at.kind == "midnight":
        last = [_parsed(m, ctx) for m in _instants_or_first(today, time(0), ctx.zone)]
        coming = [_parsed(m, ctx) for m in _instants_or_first(tomorrow, time(0), ctx.zone)]
        if ctx.purpose == "future":
            return _one_or_ask(coming)
        if ctx.purpose == "past":
            return _one_or_ask(last)
        return _one_or_ask(last + coming, "Midnight last night or midnight tonight?")
    if at.kind == "bare":
        hours = [at.hour % 12, at.hour % 12 + 12]
    else:
        hours = [_daytime(at.hour) if at.kind == "clock" else at.hour]
    options: list[Parsed] = []
    problems: list[Invalid | _NotYet] = []
    for hour in hours:
        found = _time_today(time(hour, at.minute), ctx)
        if isinstance(found, list):
            options.extend(found)
        else:
            problems.append(found)
    if not options:
        gaps = [problem for problem in problems if isinstance(problem, Invalid)]
        if gaps:
            return gaps[0]
        shown = [f"{problem.clock:%H:%M}" for problem in problems if isinstance(problem, _NotYet)]
        if len(shown) == 2:
            return Invalid(
                f"Neither {shown[0]} nor {shown[1]} has come yet today. "
                f"If you mean yesterday, type e.g. “yesterday {shown[1]}”."
            )
        return Invalid(
            f"{shown[0]} hasn't come yet today. If you mean yesterday, type “yesterday {shown[0]}”."
        )
    times = " or ".join(dict.fromkeys(f"{o.local:%H:%M}" for o in options))
    return _one_or_ask(options, f"Do you mean {times}?")


@dataclass(frozen=True)
class _NotYet:
    """For "past": this time hasn't come yet today."""

    clock: time


def _time_today(clock: time, ctx: _Ctx) -> list[Parsed] | Invalid | _NotYet:
    """A wall-clock time on its own, by purpose (see the module docstring)."""
    today = ctx.today
    instants = _instants(today, clock, ctx.zone)
    wall = datetime.combine(today, clock)
    now_wall = ctx.local_now.replace(tzinfo=None, second=0, microsecond=0)
    if ctx.purpose == "future":
        ahead = [m for m in instants if m >= ctx.minute_start]
        if ahead:
            return [_parsed(m, ctx) for m in ahead]
        if not instants and wall >= now_wall:
            return _gap(today, clock, ctx)
        tomorrow = today + timedelta(days=1)
        instants = _instants(tomorrow, clock, ctx.zone)
        if not instants:
            return _gap(tomorrow, clock, ctx)
        return [_parsed(m, ctx) for m in instants]
    if not instants:
        if ctx.purpose == "past" and wall > now_wall:
            return _NotYet(clock)
        return _gap(today, clock, ctx)
    options = [_parsed(m, ctx) for m in instants]
    if ctx.purpose == "past":
        options = [o for o in options if _has_happened(o, ctx)]
        if not options:
            return _NotYet(clock)
    return options


def _resolve_dated(part: _Date, at: _Time | None, ctx: _Ctx) -> Result:
    """A date phrase, maybe with a time."""
    if part.wording:
        conflict = _wording_conflict(part.phrase, part.wording, ctx)
        if conflict:
            return conflict
    placed = _place_time(part, at) if at else None
    if isinstance(placed, Invalid):
        return placed
    days = _days(part, placed, ctx)
    if isinstance(days, Invalid):
        return days
    options: list[Parsed] = []
    for day in days:
        if placed is None:
            options.append(_parsed(_instants_or_first(day, time(0), ctx.zone)[0], ctx, False))
            continue
        clock, offset = placed
        on = day + timedelta(days=offset)
        instants = _instants(on, clock, ctx.zone)
        if not instants:
            return _gap(on, clock, ctx)
        options.extend(_parsed(moment, ctx) for moment in instants)
    if ctx.purpose == "past":
        happened = [o for o in options if _has_happened(o, ctx)]
        if not happened:
            label = format_choice(options[0])
            return Invalid(
                f"{label} hasn't happened yet — you can only log something that has already "
                "happened."
            )
        options = happened
    question = None
    if len(days) == 2 and len(options) == 2 and part.weekday is not None:
        name = _DAY_NAMES[part.weekday]
        last, coming = (f"{d.day} {_MONTH_ABBR[d.month - 1]}" for d in days)
        question = f"Last {name} ({last}) or next {name} ({coming})?"
    elif len(days) == 2 and len(options) == 2:  # a date without a year, exactly in between
        first, second = (f"{d.day} {_MONTH_ABBR[d.month - 1]} {d.year}" for d in days)
        question = f"Do you mean {first} or {second}?"
    return _one_or_ask(options, question)


def _place_time(part: _Date, at: _Time) -> tuple[time, int] | Invalid:
    """The wall-clock time on the named day, and a day offset (midnight is the day's end)."""
    if at.kind == "midnight":
        return time(0), 1
    hour = at.hour
    if part.evening:
        if at.kind in ("clock", "bare") and hour < 12:
            hour += 12
        if hour < 17:
            shown = f"{hour:02}:{at.minute:02}"
            return Invalid(f"{shown} isn't tonight. Try e.g. “tonight 8pm”, or “today {shown}”.")
    elif at.kind in ("clock", "bare"):
        hour = _daytime(hour)
    return time(hour, at.minute), 0


def _days(part: _Date, placed: tuple[time, int] | None, ctx: _Ctx) -> list[date] | Invalid:
    """Which day(s) the phrase names, for this purpose."""
    if part.day is not None:
        days = [part.day]
    elif part.weekday is not None:
        days = _weekday_days(part.weekday, part.modifier, placed, ctx)
    else:
        assert part.month_day is not None
        found = _year_for(*part.month_day, ctx)
        if isinstance(found, Invalid):
            return found
        days = found
    for day in days:
        if abs(day.year - ctx.today.year) > MAX_YEARS_AWAY:
            return Invalid(f"{day.year} is a long way off — please check the date.")
        if part.named_weekday is not None and day.weekday() != part.named_weekday:
            shown = f"{day.day} {_MONTH_ABBR[day.month - 1]} {day.year}"
            return Invalid(
                f"{shown} is a {_DAY_NAMES[day.weekday()]}, not a {_DAY_NAMES[part.named_weekday]}."
            )
    return days


def _weekday_days(
    weekday: int, modifier: str | None, placed: tuple[time, int] | None, ctx: _Ctx
) -> list[date]:
    today = ctx.today
    ahead = (weekday - today.weekday()) % 7
    coming = today + timedelta(days=ahead or 7)  # strictly after today
    last = today - timedelta(days=(today.weekday() - weekday) % 7 or 7)  # strictly before
    if modifier == "next":
        return [coming]
    if modifier == "last":
        return [last]
    if modifier == "this":
        return [today + timedelta(days=weekday - today.weekday())]
    if ahead != 0:  # today isn't that weekday
        return {"future": [coming], "past": [last]}.get(ctx.purpose, [last, coming])
    if ctx.purpose == "future":  # today only with a time still ahead (this minute counts)
        return [today] if placed and _wall_versus_now(today, placed, ctx) >= 0 else [coming]
    if ctx.purpose == "past":  # today unless the time hasn't come yet
        return [today] if not placed or _wall_versus_now(today, placed, ctx) <= 0 else [last]
    return [today]


def _wall_versus_now(day: date, placed: tuple[time, int], ctx: _Ctx) -> int:
    """-1, 0 or 1: this wall-clock time on `day` is before, in, or after the current minute."""
    clock, offset = placed
    wall = datetime.combine(day + timedelta(days=offset), clock)
    now_wall = ctx.local_now.replace(tzinfo=None, second=0, microsecond=0)
    return (wall > now_wall) - (wall < now_wall)


def _year_for(month: int, day: int, ctx: _Ctx) -> list[date] | Invalid:
    """The year of a date typed without one (see the module docstring)."""
    today = ctx.today

    def stand_in(year: int) -> date:  # 29/2 stands in as 28/2 while choosing the year
        return date(year, month, min(day, monthrange(year, month)[1]))

    year = today.year
    if ctx.purpose == "future":
        years = [year if stand_in(year) >= today else year + 1]
    elif ctx.purpose == "past":
        years = [year if stand_in(year) <= today else year - 1]
    else:
        distance = {y: abs((stand_in(y) - today).days) for y in (year - 1, year, year + 1)}
        nearest = min(distance.values())
        years = [y for y, d in distance.items() if d == nearest]
    valid = [y for y in years if day <= monthrange(y, month)[1]]
    if not valid:
        return _no_leap_day(years[0], lambda d, m, y: f"{d} {_MONTH_ABBR[m - 1]} {y}")
    return [date(y, month, day) for y in valid]


# --- moments ---------------------------------------------------------------------------------


def _instants(day: date, clock: time, zone: tzinfo) -> list[datetime]:
    """Every UTC instant at which the wall clock in `zone` shows `day clock`: one on most days,
    two on a fall-back night (earlier first), none in a spring-forward gap."""
    wall = datetime.combine(day, clock.replace(tzinfo=None, fold=0))
    found: list[datetime] = []
    for fold in (0, 1):
        moment = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        if moment.astimezone(zone).replace(tzinfo=None) == wall and moment not in found:
            found.append(moment)
    return sorted(found)


def _instants_or_first(day: date, clock: time, zone: tzinfo) -> list[datetime]:
    """Like `_instants`, but a time in a gap gives the first instant after the gap (for the
    start of a day whose midnight doesn't exist)."""
    instants = _instants(day, clock, zone)
    if instants:
        return instants[:1]
    return [datetime.combine(day, clock).replace(tzinfo=zone, fold=0).astimezone(UTC)]


def _parsed(moment: datetime, ctx: _Ctx, has_time: bool = True) -> Parsed:
    moment = moment.astimezone(UTC)
    local = moment.astimezone(ctx.zone)
    in_past = moment < ctx.now if has_time else local.date() < ctx.today
    return Parsed(moment=moment, local=local, has_time=has_time, in_past=in_past)


def _has_happened(parsed: Parsed, ctx: _Ctx) -> bool:
    if not parsed.has_time:
        return parsed.local.date() <= ctx.today
    return parsed.moment < ctx.minute_start + timedelta(minutes=1)


def _gap(day: date, clock: time, ctx: _Ctx) -> Invalid:
    """A wall-clock time skipped when the clocks go forward; suggest the same instant on the
    new clock (02:30 → 03:30)."""
    wall = datetime.combine(day, clock)
    # In a gap, fold=0 reads the wall time with the offset from before the change.
    moved = wall.replace(tzinfo=ctx.zone, fold=0).astimezone(UTC).astimezone(ctx.zone)
    label = f"{_DAY_ABBR[day.weekday()]} {day.day} {_MONTH_ABBR[day.month - 1]}"
    return Invalid(
        f"There is no {clock:%H:%M} on {label} — the clocks go forward that night. "
        f"Try “{label} {moved:%H:%M}”."
    )


def _wording_conflict(phrase: str, wording: str, ctx: _Ctx) -> Invalid | None:
    if ctx.purpose == "future" and wording == "past":
        return Invalid(f"“{phrase}” is in the past — an appointment needs a future time.")
    if ctx.purpose == "past" and wording == "future":
        return Invalid(
            f"“{phrase}” is in the future — you can only log something that has already happened."
        )
    return None


def _one_or_ask(options: list[Parsed], question: str | None = None) -> Parsed | Ambiguous:
    """One option is the answer; more become a question with one button each."""
    unique = list({(o.moment, o.has_time): o for o in options}.values())
    unique.sort(key=lambda o: (o.moment, o.has_time))
    if len(unique) == 1:
        return unique[0]
    first = unique[0].local
    same_wall = all(
        o.local.replace(tzinfo=None, fold=0) == first.replace(fold=0, tzinfo=None) for o in unique
    )
    if same_wall and all(o.has_time for o in unique):
        day = f"{_DAY_ABBR[first.weekday()]} {first.day} {_MONTH_ABBR[first.month - 1]}"
        zones = [o.local.tzname() for o in unique]
        question = (
            f"The clocks go back on {day}, so {first:%H:%M} happens twice. "
            f"Do you mean the first ({zones[0]}) or the second ({zones[1]})?"
        )
    elif question is None or len(unique) > 3:
        labels = [format_choice(o) for o in unique]
        question = f"Which do you mean: {', '.join(labels[:-1])} or {labels[-1]}?"
    return Ambiguous(question=question, options=unique)
