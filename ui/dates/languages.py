"""Reading other languages than English: each language's words, rewritten into the grammar's.

A language (ui/dates/lang_es.py, lang_de.py, lang_fr.py) is a `Language`: its own tables of
day words, weekdays, months, parts of the day, units, instants and clock phrases, and the
patterns of its phrases ("hace 2 horas", "vor 2 Stunden", "il y a 2 heures"), each rewritten
into the words of the one grammar that reading.py reads and deciding.py decides ("2 hours
ago"). So every rule that decides the day is shared; a language only says what its words mean.

The grammar's words are written in CAPITALS by the rewrites (the typed text is lower case by
then), so a word a language's tables don't know is told from one they rewrote: it is kept
unreadable (an English "tomorrow" typed in Spanish is not read — only Spanish words are, plus
digits and the grammar's signs: "15:00", "3/12", "2026-12-03", "15h").

Slips are that language's: a word of 4 letters or more one slip (ui.typos) from exactly one of
its day, month or part words is read as it, one slip from two is asked.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from ui.typos import slip_meanings

Replacement = str | Callable[[re.Match[str]], str]

WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
MONTHS = (
    "JANUARY",
    "FEBRUARY",
    "MARCH",
    "APRIL",
    "MAY",
    "JUNE",
    "JULY",
    "AUGUST",
    "SEPTEMBER",
    "OCTOBER",
    "NOVEMBER",
    "DECEMBER",
)
PARTS = ("MORNING", "AFTERNOON", "EVENING", "NIGHT")
# Grammar words a rewrite may produce: weekday and month names, for later patterns.
WEEKDAY_WORD = "|".join(WEEKDAYS)
MONTH_WORD = "|".join(MONTHS)
PART_WORD = "|".join(PARTS)


@dataclass(frozen=True)
class Language:
    """One language's words. `rewrites` are applied in order to the typed text (lower case,
    accents taken off); `known` are its grammar words (never read as a slip of another);
    `slips` the words a slip is read as (spelling → the word put in its place, in the order
    they are asked); `span` the words between the two times of a daily span ("bis")."""

    code: str
    rewrites: list[tuple[re.Pattern[str], Replacement]]
    known: frozenset[str]
    slips: Mapping[str, str]
    span: re.Pattern[str]
    slip_order: list[str] = field(default_factory=list)


def alternation(words: Iterable[str]) -> str:
    """A regex alternation, longest first, of words that may contain spaces or hyphens."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


def word_table(table: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """{"MONDAY": ("lunes", "lun")} → {"lunes": "MONDAY", "lun": "MONDAY"}."""
    return {spelling: meaning for meaning, spellings in table.items() for spelling in spellings}


def rule(pattern: str, replacement: Replacement) -> tuple[re.Pattern[str], Replacement]:
    return re.compile(pattern), replacement


def words_rule(table: Mapping[str, str]) -> tuple[re.Pattern[str], Replacement]:
    """Every spelling in `table` (a whole word or phrase) replaced by its meaning."""
    return rule(rf"(?<![\w'])(?:{alternation(table)})(?![\w'])", lambda m: table[m[0]])


def amount(text: str, ones: Iterable[str]) -> str:
    """A duration's amount: digits as typed, "un"/"ein"/"une" → 1."""
    return text if text.isdecimal() else "1" if text in ones else text


def duration(
    units: Mapping[str, str], ones: Iterable[str], *, ahead: bool
) -> Callable[[re.Match[str]], str]:
    """A rewrite of a matched duration (groups `n` and `unit`) into the grammar's: "IN 2
    HOURS" ahead ("en 2 horas", "in 2 Stunden", "dans 2 heures"), else "2 HOURS AGO"."""

    def replace(m: re.Match[str]) -> str:
        count, unit = amount(m["n"], ones), units[m["unit"]]
        return f"IN {count} {unit}" if ahead else f"{count} {unit} AGO"

    return replace


def clock(hour: int, minutes: int, *, before: bool = False) -> str:
    """ "H:MM", the hour moved back for a time said before it ("Viertel vor 3" → 2:45): an
    hour with minutes, read by the daytime rule like "3:30"."""
    if before:
        minutes, hour = 60 - minutes, 12 if hour == 1 else (hour - 1) % 24
    return f"{hour}:{minutes:02}"


def fold(text: str) -> str:
    """Lower case, accents off ("Mañana" → "manana", "Übermorgen" → "ubermorgen"), the signs a
    phone adds made plain, and the dot after an abbreviated word dropped ("vie." → "vie")."""
    s = unicodedata.normalize("NFKD", text.strip().lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("\u2019", "'").replace("`", "'").replace("\u00b4", "'")
    s = re.sub(r"[¿¡]", " ", s)
    s = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", s)  # p.m. → pm
    s = re.sub(r"[,;]", " ", s)
    s = re.sub(r"[!?]+$", "", s).strip()
    s = re.sub(r"(?<=[a-z])\.", " ", s)
    return " ".join(s.split())


# A time written 24-hour style ("15h", "9 Uhr") next to a part of the day is a clock time on
# that part's dial: "3h de l'après-midi" and "3 Uhr nachmittags" are 15:00, as "3 in the
# afternoon" is. (reading.py keeps an exact 03:00 out of the afternoon otherwise.)
_H_BEFORE_PART = re.compile(rf"\b(\d{{1,2}})h(\d\d)? ({PART_WORD})\b")
_H_AFTER_PART = re.compile(rf"\b({PART_WORD}) (\d{{1,2}})h(\d\d)?\b")
_LEFT_OVER = re.compile(r"(?<![\w:./-])([a-z']+)(?![\w:./-])")


def _part_dial(s: str) -> str:
    s = _H_BEFORE_PART.sub(lambda m: f"{m[1]}{':' + m[2] if m[2] else ''} {m[3]}", s)
    return _H_AFTER_PART.sub(lambda m: f"{m[1]} {m[2]}{':' + m[3] if m[3] else ''}", s)


def rewrite(folded: str, language: Language) -> str:
    """The folded text in the grammar's words (lower case again). Words left that the
    language's tables don't know are marked "~word", which no reading accepts."""
    s = folded
    for pattern, replacement in language.rewrites:
        s = pattern.sub(replacement, s)
    s = _part_dial(s)
    s = _LEFT_OVER.sub(lambda m: f"~{m[1]}", s)
    return " ".join(s.split()).lower()


def spellings(
    text: str, language: Language, *, span: bool = False
) -> tuple[list[str], list[str], str]:
    """The text in the grammar's words, once per reading of its slips; the words asked (a
    word one slip from two); and the text folded (for quoting back). `span`: a daily span
    ("22 bis 7"), whose middle word becomes "-"."""
    folded = fold(text)
    if span:
        folded = language.span.sub(" - ", folded, count=1)
    choices: list[list[str]] = []
    asked: list[str] = []
    for token in folded.split():
        if len(token) >= 4 and token.isascii() and token.isalpha() and token not in language.known:
            meanings = sorted(
                slip_meanings(token, language.slips),
                key=lambda word: language.slip_order.index(word),
            )
            if meanings:
                choices.append(meanings)
                asked.extend(meanings if len(meanings) > 1 else [])
                continue
        choices.append([token])
    phrases = [" ".join(words) for words in itertools.product(*choices)][:4]
    return [rewrite(phrase, language) for phrase in phrases], asked, folded


def known_words(*groups: Iterable[str]) -> frozenset[str]:
    """Every single word of the phrases in `groups`."""
    return frozenset(
        word for group in groups for phrase in group for word in re.split(r"[\s'-]+", phrase)
    )


def slip_table(words: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """The words a slip is read as (4 letters or more, each standing for itself), in order."""
    ordered = [word for word in dict.fromkeys(words) if len(word) >= 4 and word.isalpha()]
    return {word: word for word in ordered}, ordered
