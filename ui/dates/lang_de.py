"""German words for the date reader (see ui/dates/__init__.py, "Deutsch").

"morgen" is tomorrow; "Morgen" is the morning only after "heute", "gestern", "morgen", "am"
or a weekday ("heute Morgen" = this morning, "morgen früh" and "morgen Morgen" = tomorrow
morning, "Montagmorgen"), and "morgens" always. "halb drei" is 2:30 (the half hour before
three), then the daytime rule.
"""

from __future__ import annotations

import re

from ui.dates.languages import (
    MONTHS,
    WEEKDAY_WORD,
    WEEKDAYS,
    Language,
    alternation,
    clock,
    duration,
    known_words,
    rule,
    slip_table,
    word_table,
    words_rule,
)

_WEEKDAY_NAMES = {
    "MONDAY": ("montag", "mo"),
    "TUESDAY": ("dienstag", "di"),
    "WEDNESDAY": ("mittwoch", "mi"),
    "THURSDAY": ("donnerstag", "do"),
    "FRIDAY": ("freitag", "fr"),
    "SATURDAY": ("samstag", "sonnabend", "sa"),
    "SUNDAY": ("sonntag", "so"),
}
_WEEKDAYS = word_table(_WEEKDAY_NAMES)
_MONTHS = word_table(
    {
        "JANUARY": ("januar", "jan", "janner", "jaenner"),
        "FEBRUARY": ("februar", "feb", "febr"),
        "MARCH": ("marz", "maerz", "mar", "mrz"),
        "APRIL": ("april", "apr"),
        "MAY": ("mai",),
        "JUNE": ("juni", "jun"),
        "JULY": ("juli", "jul"),
        "AUGUST": ("august", "aug"),
        "SEPTEMBER": ("september", "sept", "sep"),
        "OCTOBER": ("oktober", "okt"),
        "NOVEMBER": ("november", "nov"),
        "DECEMBER": ("dezember", "dez"),
    }
)
_UNITS = word_table(
    {
        "MINUTES": ("minute", "minuten", "min", "mins", "m"),
        "HOURS": ("stunde", "stunden", "std", "h"),
        "DAYS": ("tag", "tage", "tagen"),
        "WEEKS": ("woche", "wochen"),
        "MONTHS": ("monat", "monate", "monaten"),
    }
)
_ONE = ("ein", "eine", "einer", "einem", "einen")
_HOURS = {
    word: number
    for number, word in enumerate(
        "eins zwei drei vier funf sechs sieben acht neun zehn elf zwolf".split(), 1
    )
} | {"ein": 1, "fuenf": 5, "zwoelf": 12}
_MINUTES = {"funf": 5, "fuenf": 5, "zehn": 10, "zwanzig": 20, "viertel": 15}
_DAY_WORDS = {"heute": "TODAY", "gestern": "YESTERDAY", "morgen": "TOMORROW"}
_PART_WORDS = {
    "morgen": "MORNING",
    "vormittag": "MORNING",
    "fruh": "MORNING",
    "frueh": "MORNING",
    "mittag": "NOON",
    "nachmittag": "AFTERNOON",
    "abend": "EVENING",
    "nacht": "NIGHT",
}
_FILLER = (
    *("am", "um", "an", "den", "dem", "der", "die", "das", "gegen", "ca", "zum", "im"),
    *("von", "uhr"),
)

_N = r"(?P<n>\d{1,3}|ein|eine|einer|einem|einen)"
_UNIT = rf"(?P<unit>{alternation(_UNITS)})"
_HOUR = rf"(?P<hour>\d{{1,2}}|{alternation(_HOURS)})"


def _hour(m: re.Match[str]) -> int:
    return int(m["hour"]) if m["hour"].isdecimal() else _HOURS[m["hour"]]


def _minutes_phrase(m: re.Match[str]) -> str:
    """ "Viertel nach 3" → 3:15, "10 vor 3" → 2:50, "zwanzig nach drei" → 3:20."""
    minute = int(m["minute"]) if m["minute"].isdecimal() else _MINUTES[m["minute"]]
    if minute > 59:
        return m[0]
    return clock(_hour(m), minute, before=m["way"] == "vor")


def _day_part(m: re.Match[str]) -> str:
    return f"{_DAY_WORDS[m[1]]} MORNING"


def _day_month(m: re.Match[str]) -> str:
    year = f" {m['year']}" if m["year"] else ""
    return f"{m['day']} {_MONTHS[m['month']]}{year}"


_WEEKDAY_SPELLING = alternation(name for names in _WEEKDAY_NAMES.values() for name in names[:-1])
_PART_SPELLING = alternation(_PART_WORDS)

LANGUAGE = Language(
    code="de",
    rewrites=[
        # a weekday's part, written as one word or two: "Montagabend", "Freitag früh",
        # "Montag Morgen" (after a weekday, "Morgen" is the morning)
        rule(
            rf"\b({_WEEKDAY_SPELLING}) ?({_PART_SPELLING})s?\b",
            lambda m: f"{m[1]} {_PART_WORDS[m[2]]}",
        ),
        # instants
        rule(r"^(?:jetzt|sofort|jetzt gleich)$", "NOW"),
        rule(r"^(?:gerade eben|eben|soeben|gerade)$", "JUST NOW"),
        # durations: "in 2 Stunden", "vor 2 Stunden", "in einer halben Stunde"
        rule(r"\bin (?:einer )?halben stunde\b", "IN HALF AN HOUR"),
        rule(r"\bvor (?:einer )?halben stunde\b", "HALF AN HOUR AGO"),
        rule(rf"\bin {_N} ?{_UNIT}\b", duration(_UNITS, _ONE, ahead=True)),
        rule(rf"\bvor {_N} ?{_UNIT}\b", duration(_UNITS, _ONE, ahead=False)),
        # clock phrases: "halb drei" = 2:30, "Viertel nach 3", "dreiviertel 3", "10 vor 3"
        rule(rf"\bhalb {_HOUR}\b", lambda m: clock(_hour(m), 30, before=True)),
        rule(rf"\bdreiviertel {_HOUR}\b", lambda m: clock(_hour(m), 15, before=True)),
        rule(
            rf"\b(?P<minute>\d{{1,2}}|{alternation(_MINUTES)})(?: minuten)? (?P<way>nach|vor)"
            rf" {_HOUR}\b",
            _minutes_phrase,
        ),
        # 24-hour forms: "15 Uhr", "15:30 Uhr", "15.30 Uhr", "15 Uhr 30"
        rule(r"\b(\d{1,2})[:.](\d\d) ?uhr\b", r"\1h\2"),
        rule(r"\b(\d{1,2}) ?uhr(?: (\d\d)\b)?", lambda m: f"{m[1]}h{m[2] or ''}"),
        rule(rf"\b{_HOUR} uhr\b", lambda m: f"{_hour(m)}h"),
        rule(r"\bmitternacht\b", "MIDNIGHT"),
        # days and parts: "übermorgen", "heute Morgen", "morgen früh", "morgens"
        rule(r"\b(?:ubermorgen|uebermorgen)\b", "DAY AFTER TOMORROW"),
        rule(r"\bvorgestern\b", "DAY BEFORE YESTERDAY"),
        rule(r"\b(heute|gestern|morgen) (?:morgen|fruh|frueh)\b", _day_part),
        rule(r"\bheute (?:abend|nacht)\b", "TONIGHT"),
        rule(r"\b(?:(?:am|in der) morgen|morgens)\b", "MORNING"),
        rule(r"\b(?:am )?(?:nachmittags?)\b", "AFTERNOON"),
        rule(r"\b(?:am )?(?:vormittags?|fruh|frueh)\b", "MORNING"),
        rule(r"\b(?:am )?(?:mittags?)\b", "NOON"),
        rule(r"\b(?:am )?(?:abends?)\b", "EVENING"),
        rule(r"\b(?:in der )?(?:nachts?)\b", "NIGHT"),
        words_rule(_DAY_WORDS),
        # dates with a month: "3. Dezember", "3 Dez 2026", "am 3. Dezember 2026"
        rule(
            rf"\b(?P<day>\d{{1,2}})\.? ?(?P<month>{alternation(_MONTHS)})(?: (?P<year>\d{{4}}))?\b",
            _day_month,
        ),
        # "am 15.": a day of a month not named
        rule(r"(?<![\d.])(\d{1,2})\.(?=\s|$)", r"\1TH"),
        # weeks and weekdays: "nächste Woche", "nächsten Montag", "Montag nächste Woche"
        words_rule(_WEEKDAYS),
        rule(
            rf"\b({WEEKDAY_WORD}) (?:der )?(?:nachste|nachsten|naechste|naechsten|kommende"
            r"|kommenden) woche\b",
            r"\1 NEXT WEEK",
        ),
        rule(r"\b(?:nachste|nachsten|naechste|naechsten|kommende|kommenden) woche\b", "NEXT WEEK"),
        rule(
            rf"\b(?:nachsten|nachster|nachste|naechsten|naechster|kommenden|kommender)"
            rf" ({WEEKDAY_WORD})\b",
            r"NEXT \1",
        ),
        rule(
            rf"\b(?:letzten|letzter|vergangenen|vergangener|vorigen|voriger) ({WEEKDAY_WORD})\b",
            r"LAST \1",
        ),
        rule(rf"\b(?:diesen|dieser|diese) ({WEEKDAY_WORD})\b", r"THIS \1"),
        rule(rf"\b(?:{alternation(_FILLER)})\b", " "),
    ],
    known=known_words(
        _WEEKDAYS,
        _MONTHS,
        _UNITS,
        _HOURS,
        _MINUTES,
        _FILLER,
        _DAY_WORDS,
        _PART_WORDS,
        _ONE,
        "jetzt sofort gleich gerade eben soeben in vor nach halb halben dreiviertel".split(),
        "mitternacht ubermorgen uebermorgen vorgestern morgens vormittags nachmittags".split(),
        "mittags abends nachts woche nachste nachsten naechste naechsten kommende".split(),
        "kommenden nachster naechster kommender letzten letzter vergangenen vergangener".split(),
        "vorigen voriger diesen dieser diese bis".split(),
    ),
    slips=(
        _slips := slip_table(
            [
                *(names[0] for names in _WEEKDAY_NAMES.values()),
                "sonnabend",
                *"januar februar marz april juni juli august september oktober november".split(),
                "dezember",
                "heute",
                "gestern",
                "morgen",
                "ubermorgen",
                "vorgestern",
                "vormittag",
                "nachmittag",
                "abend",
                "nacht",
            ]
        )
    )[0],
    slip_order=_slips[1],
    span=re.compile(r"\bbis\b"),
)
assert all(meaning in WEEKDAYS for meaning in _WEEKDAYS.values())
assert all(meaning in MONTHS for meaning in _MONTHS.values())
