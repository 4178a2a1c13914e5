"""Reading the pieces of a typed date: normalising, instants and durations, a time, a date."""

from __future__ import annotations

import dataclasses
import itertools
import re
from calendar import isleap, monthrange
from datetime import date, timedelta
from typing import Literal, cast

from dateutil.relativedelta import relativedelta

from ui.dates import lang_de, lang_es, lang_fr
from ui.dates.deciding import (
    _one_or_ask,
    _ordinal,
    _parsed,
    _resolve_dated,
    _resolve_time_alone,
    _wording_conflict,
)
from ui.dates.languages import Language
from ui.dates.languages import spellings as _language_spellings
from ui.dates.words import (
    _DAY_WORDS,
    _FILLER,
    _KNOWN_WORDS,
    _MONTHS,
    _NUMBER_WORDS,
    _PART_EXAMPLE,
    _PARTS,
    _SLIP_WORDS,
    _UNITS,
    _WEEKDAYS,
    UNREADABLE,
    Invalid,
    Parsed,
    Result,
    _Ctx,
    _Date,
    _day_month,
    _Example,
    _month_name,
    _no_leap_day,
    _Time,
)
from ui.i18n import N_, gettext, t
from ui.typos import slip_meanings

# The languages read besides English, each by its own words (ui/dates/languages.py).
LANGUAGES: dict[str, Language] = {
    language.code: language for language in (lang_es.LANGUAGE, lang_de.LANGUAGE, lang_fr.LANGUAGE)
}


def _phrases(text: str, language: str, *, span: bool = False) -> tuple[list[str], list[str]]:
    """The text normalised into the grammar's words, once per reading of a slip, and the
    words asked about (see `_spellings`); empty when nothing is typed. English is the
    grammar's own; another language is rewritten by its words first."""
    if language not in LANGUAGES:
        phrase = _normalise(text)
        return _spellings(phrase) if phrase else ([], [])
    rewritten, asked, _ = _language_spellings(text, LANGUAGES[language], span=span)
    phrases = [_normalise(phrase) for phrase in rewritten]
    return (phrases, asked) if all(phrases) else ([], [])


def _quoted(phrase: str, ctx: _Ctx) -> str:
    """Words of the phrase to quote back: English as read, another language as typed."""
    return phrase if ctx.language == "en" else ctx.typed


# --- normalising -----------------------------------------------------------------------------


def _normalise(text: str) -> str:
    s = text.strip().lower().replace("\u2019", "'")
    s = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", s)  # p.m. → pm
    s = re.sub(r"[,;]", " ", s)
    s = re.sub(r"[!?]+$", "", s).strip()
    s = re.sub(r"(?:(?<=[a-z])|(?<=:\d\d))\.$", "", s)  # "tomorrow.", "9:30." (not "12.3.")
    s = re.sub(r"(\d{4}-\d{1,2}-\d{1,2})t(?=\d)", r"\1 ", s)  # ISO "T"
    s = _CLOCK_PHRASE.sub(_clock_phrase, s)  # "half past three" → "3:30"
    s = re.sub(r"(?<=\d)\s+(am|pm)\b", r"\1", s)  # "3 pm" → "3pm"
    s = re.sub(r"\b12\s+(noon|midnight)\b", r"\1", s)
    s = re.sub(r"\s*\bo'?clock\b", "", s)
    return " ".join(token for token in s.split() if token not in _FILLER)


_HOUR_WORD = "|".join([r"\d{1,2}", *sorted(_NUMBER_WORDS, key=len, reverse=True)])
_MINUTE_WORDS = {"five": 5, "ten": 10, "twenty": 20, "twenty-five": 25, "twenty five": 25}
_MINUTE_WORD = "|".join(sorted(_MINUTE_WORDS, key=len, reverse=True))
_CLOCK_PHRASE = re.compile(
    r"\b(?:"
    r"(?P<half>half|quarter) (?P<way>past|after|to)"
    rf"|(?P<words>{_MINUTE_WORD})(?: minutes?| mins?)? (?P<way2>past|after|to)"
    r"|(?P<digits>\d{1,2}) (?:(?:minutes?|mins?) (?P<way3>past|after|to)|(?P<way4>past|after))"
    r"|(?P<british>half)"
    rf") (?P<hour>{_HOUR_WORD})\b",
    re.ASCII,
)


def _clock_phrase(match: re.Match[str]) -> str:
    """ "half past three" → "3:30", "quarter to ten" → "9:45", "10 past 2" → "2:15",
    "half 3" (British) → "3:30". The result is an hour with minutes, so the daytime rule
    reads it (3:30 → 15:30) unless am/pm follows. Digits before "to" need "minutes"
    ("10 minutes to 6"): "10 to 6" may be a range of hours."""
    hour_text = match["hour"]
    hour = int(hour_text) if hour_text.isdecimal() else _NUMBER_WORDS[hour_text]
    if match["british"]:
        return f"{hour}:30"
    if match["half"]:
        minutes = 30 if match["half"] == "half" else 15
    elif match["words"]:
        minutes = _MINUTE_WORDS[match["words"]]
    else:
        minutes = int(match["digits"])
    way = match["way"] or match["way2"] or match["way3"] or match["way4"]
    if minutes > 59:
        return match[0]  # not a clock phrase the reader knows; left to fail as it is
    if way == "to":
        minutes, hour = 60 - minutes, 12 if hour == 1 else (hour - 1) % 24
    return f"{hour}:{minutes:02}"


_SLIP_ORDER = list(dict.fromkeys(_SLIP_WORDS.values()))  # calendar order, for the question


def _spellings(phrase: str) -> tuple[list[str], list[str]]:
    """The phrase with its slips read (ui.typos: one letter wrong, missing, extra, or two
    swapped): a word of 4 letters or more the grammar doesn't know, one slip from exactly one
    day, month or part-of-day word, is read as that word. A word one slip from two of them
    ("munday": Monday or Sunday) gives one phrase for each, and the words for the question."""
    choices: list[list[str]] = []
    asked: list[str] = []
    for token in phrase.split():
        if len(token) >= 4 and token.isascii() and token.isalpha() and token not in _KNOWN_WORDS:
            meanings = sorted(slip_meanings(token, _SLIP_WORDS), key=_SLIP_ORDER.index)
            if meanings:
                choices.append(meanings)
                asked.extend(meanings if len(meanings) > 1 else [])
                continue
        choices.append([token])
    phrases = [" ".join(words) for words in itertools.product(*choices)]
    return phrases[:4], asked


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
    part, tokens = _part_of_day(phrase.split())
    if part is not None and not tokens:
        return _part_alone(part, tokens, ctx)
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
        after_day = isinstance(day, _Date) and day.wordy and not time_first
        at = _read_time(time_token, digit_runs=after_day) if time_token else None
        if (date_tokens and day is None) or (time_token and at is None):
            continue  # some words are neither a date nor a time
        if time_first and isinstance(at, _Time) and at.kind == "bare":
            continue  # a bare number is a time only after a date: "mon 10", not "10 mon"
        if part is not None and at is None:
            continue  # "tomorrow morning" names no hour
        if part is not None and isinstance(at, _Time):
            at = _in_part(at, part)
        if isinstance(day, Invalid):
            errors.append(day)
        elif isinstance(at, Invalid):
            errors.append(at)
        else:
            readings.append((day, at))
    if not readings:
        if errors:
            return errors[0]
        if part is not None:
            return _part_alone(part, tokens, ctx)
        return Invalid(gettext(UNREADABLE))
    results = [_resolve(day, at, ctx) for day, at in readings]
    good = [result for result in results if not isinstance(result, Invalid)]
    if not good:
        return results[0]
    if len(good) == 1:
        return good[0]
    options: list[Parsed] = []
    for result in good:
        options.extend([result] if isinstance(result, Parsed) else result.options)
    return _one_or_ask(options, t("Is “{phrase}” a date or a time?", phrase=_quoted(phrase, ctx)))


def _part_of_day(tokens: list[str]) -> tuple[str | None, list[str]]:
    """A part of the day ("morning") taken out of the words: "this morning" is today, "in the
    morning" the same as "morning". Only one part is read; two are left to fail."""
    found = [index for index, token in enumerate(tokens) if token in _PARTS]
    if len(found) != 1:
        return None, tokens
    index = found[0]
    part = tokens[index]
    before = tokens[:index]
    if before and before[-1] == "in":
        before = before[:-1]
    elif before and before[-1] == "this":
        before = [*before[:-1], "today"]
    return part, before + tokens[index + 1 :]


_WHICH_TIME = {
    "morning": N_("Which time in the morning? Add the hour, like “{example}”."),
    "afternoon": N_("Which time in the afternoon? Add the hour, like “{example}”."),
    "evening": N_("Which time in the evening? Add the hour, like “{example}”."),
    "night": N_("Which time in the night? Add the hour, like “{example}”."),
}
_NOT_IN_PART = {
    "morning": N_("{time} isn't in the morning. Try e.g. “morning 9”."),
    "afternoon": N_("{time} isn't in the afternoon. Try e.g. “afternoon 2”."),
    "evening": N_("{time} isn't in the evening. Try e.g. “evening 7”."),
    "night": N_("{time} isn't in the night. Try e.g. “night 8”."),
}


def _part_alone(part: str, tokens: list[str], ctx: _Ctx) -> Invalid:
    """A part of the day is not a time: ask for the hour, with an example in the words typed
    (another language's: the text as typed, with the hour added)."""
    if ctx.language == "en":
        words = " ".join([*(tokens or ["tomorrow"]), part, str(_PART_EXAMPLE[part])])
    else:
        words = f"{ctx.typed} {_PART_EXAMPLE[part]}"
    return Invalid(gettext(_WHICH_TIME[part]).format(example=words))


def _in_part(at: _Time, part: str) -> _Time | Invalid:
    """A time said with a part of the day: "morning 9" is 09:00, "afternoon 2" 14:00,
    "evening 7" 19:00; a time outside that part is refused rather than moved."""
    start, end = _PARTS[part]
    hour = at.hour
    if at.kind in ("clock", "bare") and part != "morning" and hour < 12:
        hour += 12
    if at.kind == "midnight" or not start <= hour < end:
        shown = t("midnight") if at.kind == "midnight" else f"{hour:02}:{at.minute:02}"
        return Invalid(gettext(_NOT_IN_PART[part]).format(time=shown))
    return _Time(hour, at.minute, "exact")


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


def _read_time(token: str, *, digit_runs: bool = False) -> _Time | Invalid | None:
    """One word as a time; None when it doesn't look like a time at all. `digit_runs`: the
    word stands where a year can't (after a day word or weekday, in a daily routine), so
    "930" and "1400" are times (09:30, 14:00); elsewhere they may be years and are not read."""
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
        if digit_runs:
            return _checked_time(match[1], match[2], None, token, minutes_typed=True)
        if int(match[1]) <= 23 and int(match[2]) <= 59:
            return Invalid(
                t(
                    "I can't tell whether “{token}” is a time or a year. Write times with a "
                    "colon, like “{example}”.",
                    token=token,
                    example=":".join((str(int(match[1])), match[2])),
                )
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
        return Invalid(
            t(
                "“{token}” isn't a time: minutes go up to 59. Try e.g. “{example}”.",
                token=token,
                example=str(hour) + ":45",
            )
        )
    if meridiem:
        if not 1 <= hour <= 12:
            return Invalid(
                t(
                    "“{token}” isn't a time. Try e.g. “{example}” or “14:00”.",
                    token=token,
                    example="2" + meridiem,
                )
            )
        return _Time(hour % 12 + (12 if meridiem == "pm" else 0), minute, "exact")
    if hour > 23:
        return Invalid(
            t("There is no {token} — hours go from 0 to 23. Try e.g. “15:00”.", token=token)
        )
    if exact or hour == 0 or hour >= 13 or hour_text.startswith("0"):
        return _Time(hour, minute, "exact")
    return _Time(hour, minute, "clock" if minutes_typed else "bare")


# --- times of a daily routine (settings) ------------------------------------------------------

# Separators: hyphen, non-breaking hyphen (as the settings examples show it), en and em dash.
_SPAN = re.compile(
    r"(?P<start>.+?) ?(?:[-\u2011\u2013\u2014]|\bto\b|\buntil\b|\btill\b) ?(?P<end>.+)"
)


def _routine_phrase(text: str, language: str, *, span: bool = False) -> str | None:
    """A routine's text in the grammar's words: English as it always was (no slips: no time
    is a slip of a word), another language rewritten by its words (a slip asked: None)."""
    if language not in LANGUAGES:
        return _normalise(text)
    phrases, asked = _phrases(text, language, span=span)
    return phrases[0] if len(phrases) == 1 and not asked else None


def _routine_time(text: str, language: str = "en", *, read: bool = False) -> _Time | None:
    """One time of a routine, by the same reader as a moment's time; None if it isn't one.
    `read`: `text` is already in the grammar's words."""
    phrase = text if read else _routine_phrase(text, language)
    words = (phrase or "").split()
    if len(words) != 1:
        return None
    at = _read_time(words[0], digit_runs=True)
    return at if isinstance(at, _Time) else None


def _routine_span(text: str, language: str = "en") -> tuple[_Time, _Time] | None:
    """ "A-B", "A to B", "A until B" (quiet hours) as two times; None if it isn't a span.
    Another language's words between the times ("bis", "à", "hasta") count as "to"."""
    match = _SPAN.fullmatch(_routine_phrase(text, language, span=True) or "")
    if not match:
        return None
    start = _routine_time(match["start"], language, read=language in LANGUAGES)
    end = _routine_time(match["end"], language, read=language in LANGUAGES)
    return (start, end) if start is not None and end is not None else None


# --- reading a date --------------------------------------------------------------------------


def _read_date(tokens: list[str], ctx: _Ctx) -> _Date | Invalid | None:
    """Words as a date phrase; None when they aren't one."""
    phrase = " ".join(tokens)
    for family in (_read_day_word, _read_weekday, _read_relative_days, _read_week):
        found = family(phrase, ctx)
        if found is not None:
            return dataclasses.replace(found, wordy=True)
    named = None
    if len(tokens) > 1 and tokens[0] in _WEEKDAYS:  # "fri 4 dec", "friday december 4th"
        named, tokens = _WEEKDAYS[tokens[0]], tokens[1:]
    rest = " ".join(tokens)
    for reader in (_read_numeric, _read_iso, _read_month_name, _read_ordinal):
        read = reader(rest, ctx)
        if isinstance(read, _Date):
            return dataclasses.replace(read, phrase=phrase, named_weekday=named)
        if read is not None:
            return read
    return None


_WEEK_PHRASE = re.compile(r"next week(?: (?P<after>[a-z]+))?|(?P<before>[a-z]+) next week")


def _read_week(phrase: str, ctx: _Ctx) -> _Date | None:
    """ "next week" (the day is asked), "next week tue" / "tue next week": that day of the
    Monday–Sunday week after this one."""
    match = _WEEK_PHRASE.fullmatch(phrase)
    if not match:
        return None
    monday = ctx.today + timedelta(days=7 - ctx.today.weekday())
    name = match["after"] or match["before"]
    if name is None:
        return _Date(phrase, week_of=monday, wording="future")
    if name not in _WEEKDAYS:
        return None
    return _Date(phrase, monday + timedelta(days=_WEEKDAYS[name]), wording="future")


_ORDINAL = re.compile(r"(\d{1,2})(?:st|nd|rd|th)", re.ASCII)


def _read_ordinal(phrase: str, ctx: _Ctx) -> _Date | Invalid | None:
    """A day of the month without the month ("the 15th", "3rd"): the month is decided later."""
    match = _ORDINAL.fullmatch(phrase)
    if not match:
        return None
    number = int(match[1])
    if not 1 <= number <= 31:
        return Invalid(
            t(
                "There is no {phrase} day in a month. Try e.g. “the 15th”.",
                phrase=phrase if ctx.language == "en" else _ordinal(number, ctx.language),
            )
        )
    return _Date(phrase, day_of_month=number)


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
        return _day_month(date(y or 2000, m, d)) + (f" {y}" if y else "")

    return _calendar_date(phrase, year, _MONTHS[match["month"]], int(match["day"]), example, ctx)


_WRITTEN_DMY = N_("There is no month {month}. Dates are written day/month here, like “{example}”.")
_WRITTEN_MDY = N_("There is no month {month}. Dates are written month/day here, like “{example}”.")


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
            swapped = example(month, day, year)
            written = _WRITTEN_DMY if ctx.order == "DMY" else _WRITTEN_MDY
            return Invalid(gettext(written).format(month=month, example=swapped), no_such_day=True)
        return Invalid(
            t(
                "There is no month {month}. Try e.g. “{example} 14:00”.",
                month=month,
                example=example(3, 12),
            ),
            no_such_day=True,
        )
    if day < 1:
        return Invalid(
            t(
                "There is no day 0 in a month. Try e.g. “{example} 14:00”.",
                example=example(1, month),
            ),
            no_such_day=True,
        )
    longest = 29 if month == 2 else monthrange(2001, month)[1]
    if day > longest:
        last = 28 if month == 2 else longest
        return Invalid(
            t(
                "There is no {day} {month}. Try e.g. “{example} 14:00”.",
                day=day,
                month=_month_name(month),
                example=example(last, month),
            ),
            no_such_day=True,
        )
    if year is None:
        return _Date(phrase, month_day=(month, day))
    if ctx.year_too_far(year):
        return Invalid(t("{year} is a long way off — please check the year.", year=year))
    if month == 2 and day == 29 and not isleap(year):
        return _no_leap_day(year, example)
    return _Date(phrase, date(year, month, day))
