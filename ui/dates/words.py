"""The words, limits and result types of the date reader (see ui/dates/__init__.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import format_date, get_day_names, get_month_names

from ui import i18n
from ui.i18n import N_, t

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
    # True when the text names a day that does not exist (31 February, month 13): a
    # dialog may answer that in its own words. Not part of equality.
    no_such_day: bool = field(default=False, compare=False)


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
    "tommorow": (1, "future"),  # two slips from "tomorrow", but the commonest spelling of it
    "day after tomorrow": (2, "future"),
    "yesterday": (-1, "past"),
    "yday": (-1, "past"),
    "day before yesterday": (-2, "past"),
}
_FILLER = {"at", "on", "the", "of", "@"}

# Parts of the day with an hour ("tomorrow morning 9"): the hours each may name, [from, to).
# An hour 1–11 without am/pm is morning for "morning" and afternoon or evening otherwise.
_PARTS = {"morning": (0, 12), "afternoon": (12, 18), "evening": (17, 24), "night": (17, 24)}
_PART_EXAMPLE = {"morning": 9, "afternoon": 2, "evening": 7, "night": 8}

# Number words, read only inside a clock phrase ("half past three", "quarter to ten").
_NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        "one two three four five six seven eight nine ten eleven twelve".split(), 1
    )
}

# Typo tolerance: a word of 4 letters or more that is one slip (ui.typos) from exactly one of
# these meanings is read as it; from two, the worker is asked. Shorter words are never
# corrected ("son" is not Sunday, "mar" is March only as typed). Keys: the spellings, values:
# the word that replaces a slip.
_SLIP_WORDS: dict[str, str] = {
    **{name.lower(): name.lower() for name in _DAY_NAMES},
    **{abbr: _DAY_NAMES[day].lower() for abbr, day in _WEEKDAYS.items() if len(abbr) >= 4},
    **{name.lower(): name.lower() for name in _MONTH_NAMES if len(name) >= 4},
    "sept": "september",
    "today": "today",
    "tonight": "tonight",
    "tomorrow": "tomorrow",
    "yesterday": "yesterday",
    **{part: part for part in _PARTS},
}
# Words the grammar knows as they are: never taken for a slip of another.
_KNOWN_WORDS = {
    *_WEEKDAYS,
    *_MONTHS,
    *_UNITS,
    *(word for phrase in _DAY_WORDS for word in phrase.split()),
    *_FILLER,
    *_PARTS,
    *_NUMBER_WORDS,
    *"next last this week ago from now right just half quarter past after to in".split(),
    *"noon midday midnight am pm an a".split(),
}

UNREADABLE = N_(
    "I couldn't read that as a date. Try “tomorrow 3pm”, “fri 9:30” or “2026-12-03 14:00”."
)
TOO_LONG = N_("That's too long for a date. Try something short like “tomorrow 3pm”.")
EMPTY = N_("Please type a date or a time, like “tomorrow 3pm” or “fri 9:30”.")

# The languages whose words the reader knows; any other code reads English.
READ_LANGUAGES = ("en", "es", "de", "fr")


def reading_language(language: str | None) -> str:
    """The word tables to read with: `language`, else the reader's (ui.i18n); English for a
    language the reader has no words for."""
    code = i18n.supported(language) if language else i18n.current_language()
    return code if code in READ_LANGUAGES else "en"


# --- the pieces of a reading -----------------------------------------------------------------


@dataclass(frozen=True)
class _Ctx:
    now: datetime  # UTC
    zone: ZoneInfo
    order: DateOrder
    purpose: Purpose
    years_back: int = MAX_YEARS_AWAY  # how far back a typed year may be (a date of birth: far)
    years_ahead: int = MAX_YEARS_AWAY
    language: str = "en"  # whose words are read (ui.dates.languages)
    typed: str = ""  # the text as typed (lower case), quoted back in the worker's own words

    def year_too_far(self, year: int) -> bool:
        """The typo guard: a year more than `years_ahead` ahead or `years_back` back."""
        today = self.today.year
        return year > today + self.years_ahead or year < today - self.years_back

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
    day_of_month: int | None = None  # "the 15th": a day of a month not named
    week_of: date | None = None  # "next week": the Monday of the week; the day is asked
    wordy: bool = False  # a day word or weekday: a year can't follow, so "fri 930" is a time


# --- shared by reading and deciding ------------------------------------------------------


def format_choice(
    parsed: Parsed, *, now: datetime | None = None, language: str | None = None
) -> str:
    """A short local label for a button: "Fri 4 Dec 09:30" (date only: "Fri 4 Dec"). A time
    that happens twice on a fall-back night gets its zone abbreviation: "Sun 25 Oct 02:30 CET".
    Given `now`, a date in another year than now's shows the year: "Sat 3 Jan 2027 09:30".
    Weekday and month are named in `language` (None: the reader's, ui.i18n), by Babel's
    locale data for other languages than English ("vie 4 dic", "Fr. 4. Dez.")."""
    local = parsed.local
    label = _day_label(local.date(), language)
    if now is not None and now.astimezone(local.tzinfo).year != local.year:
        label += f" {local.year}"
    if not parsed.has_time:
        return label
    label += f" {local:%H:%M}"
    if local.tzinfo is not None and len(_instants(local.date(), local.time(), local.tzinfo)) > 1:
        label += f" {local.tzname()}"
    return label


# Babel patterns of a day for a button, per language (English keeps its own, undotted).
_DAY_PATTERN = {"es": "EEE d MMM", "de": "EEE d. MMM", "fr": "EEE d MMM"}
_DAY_MONTH_PATTERN = {"es": "d MMM", "de": "d. MMM", "fr": "d MMM"}


def _day_label(day: date, language: str | None = None) -> str:
    """ "Fri 4 Dec" in the reader's language ("vie 4 dic", "Fr. 4. Dez.", "ven. 4 déc.")."""
    code = reading_language(language)
    if code == "en":
        return f"{_DAY_ABBR[day.weekday()]} {day.day} {_MONTH_ABBR[day.month - 1]}"
    return format_date(day, _DAY_PATTERN[code], locale=code)


def _day_month(day: date, language: str | None = None) -> str:
    """ "4 Dec" in the reader's language ("4 dic", "4. Dez.")."""
    code = reading_language(language)
    if code == "en":
        return f"{day.day} {_MONTH_ABBR[day.month - 1]}"
    return format_date(day, _DAY_MONTH_PATTERN[code], locale=code)


def _weekday_name(weekday: int, language: str | None = None) -> str:
    """ "Friday", "viernes", "Freitag", "vendredi" (0 = Monday)."""
    code = reading_language(language)
    if code == "en":
        return _DAY_NAMES[weekday]
    return str(get_day_names("wide", locale=code)[weekday])


def _month_name(month: int, language: str | None = None) -> str:
    """ "February", "febrero", "Februar", "février"."""
    code = reading_language(language)
    if code == "en":
        return _MONTH_NAMES[month - 1]
    return str(get_month_names("wide", locale=code)[month])


def _daytime(hour: int) -> int:
    """The daytime rule for an hour 1–12 without am/pm: 7–12 as is, 1–6 afternoon."""
    return hour + 12 if 1 <= hour <= 6 else hour


def _no_leap_day(year: int, example: _Example) -> Invalid:
    return Invalid(
        t(
            "There is no 29 February in {year} — it isn't a leap year. Try e.g. “{example}”.",
            year=year,
            example=example(28, 2, year),
        ),
        no_such_day=True,
    )


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
