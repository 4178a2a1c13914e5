"""Reading the pieces of a typed date: normalising, instants and durations, a time, a date."""

from __future__ import annotations

import re
from calendar import isleap, monthrange
from datetime import date, timedelta
from typing import Literal, cast

from dateutil.relativedelta import relativedelta

from ui.dates.deciding import (
    _one_or_ask,
    _parsed,
    _resolve_dated,
    _resolve_time_alone,
    _wording_conflict,
)
from ui.dates.words import (
    _DAY_WORDS,
    _FILLER,
    _MONTH_ABBR,
    _MONTH_NAMES,
    _MONTHS,
    _UNITS,
    _WEEKDAYS,
    UNREADABLE,
    Invalid,
    Parsed,
    Result,
    _Ctx,
    _Date,
    _Example,
    _no_leap_day,
    _Time,
    _try,
)

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
    for reader in (_read_numeric, _read_iso, _read_month_name):
        read = reader(rest, ctx)
        if isinstance(read, _Date):
            return _Date(phrase, read.day, month_day=read.month_day, named_weekday=named)
        if read is not None:
            return read
    return None


def _read_day_word(phrase: str, ctx: _Ctx) -> _Date | None:
    if phrase not in _DAY_WORDS:
        return None
    offset, wording = _DAY_WORDS[phrase]
    day = ctx.today + timedelta(days=offset)
    return _Date(phrase, day, wording=wording, evening=phrase in ("tonight", "tonite"))


_WEEKDAY_PHRASE = re.compile(r"(?:(next|last|this) )?([a-z]+)", re.ASCII)
_MODIFIER_WORDING: dict[str, Literal["past", "future"]] = {"next": "future", "last": "past"}


def _read_weekday(phrase: str, ctx: _Ctx) -> _Date | None:
    match = _WEEKDAY_PHRASE.fullmatch(phrase)
    if not match or match[2] not in _WEEKDAYS:
        return None
    # The pattern's first group is one of these words, or absent.
    modifier = cast(Literal["next", "last", "this"] | None, match[1])
    wording = _MODIFIER_WORDING.get(modifier or "")
    return _Date(phrase, weekday=_WEEKDAYS[match[2]], modifier=modifier, wording=wording)


def _read_relative_days(phrase: str, ctx: _Ctx) -> _Date | None:
    """Relative days ("in 3 days", "2 weeks ago", "in a month"): calendar days in the zone."""
    relative = _relative(phrase)
    if relative is None or relative[2] in ("minutes", "hours"):
        return None
    sign, amount, unit = relative
    count = sign * int(amount)
    # `unit` is days, weeks or months here (minutes and hours were turned away above).
    if unit == "months":
        step = relativedelta(months=count)
    elif unit == "weeks":
        step = relativedelta(weeks=count)
    else:
        step = relativedelta(days=count)
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
                f"There is no month {month}. Dates are written {order} here, like “{swapped}”.",
                no_such_day=True,
            )
        return Invalid(f"There is no month {month}.{_try(example(3, 12))}", no_such_day=True)
    if day < 1:
        return Invalid(f"There is no day 0 in a month.{_try(example(1, month))}", no_such_day=True)
    longest = 29 if month == 2 else monthrange(2001, month)[1]
    if day > longest:
        last = 28 if month == 2 else longest
        return Invalid(
            f"There is no {day} {_MONTH_NAMES[month - 1]}.{_try(example(last, month))}",
            no_such_day=True,
        )
    if year is None:
        return _Date(phrase, month_day=(month, day))
    if ctx.year_too_far(year):
        return Invalid(f"{year} is a long way off — please check the year.")
    if month == 2 and day == 29 and not isleap(year):
        return _no_leap_day(year, example)
    return _Date(phrase, date(year, month, day))
