"""The rules of a client's safety plan (Stanley–Brown), written once (no I/O).

- Six sections, always in this order, each a short list of lines the worker types:
  warning signs, what the client can do alone, people and places for distraction,
  people to ask for help, professionals and crisis lines, a safe environment.
- A section holds at most LINES_MAX lines of at most LINE_MAX characters; a line is one
  line of text without control characters (what a worker typed, cleaned as names are).
- Every save is a new version; nothing is overwritten. A save is a review with the client
  too: the next review falls due `review_interval_days` after the day it was saved, or
  after "✅ Reviewed, no changes" (a new version with the same lines).
- A plan with nothing in any section is not saved; a save that changes nothing is not a
  new version (✅ Reviewed is the way to say it was looked at).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from storage import safety_plans as store
from storage.names import clean_name

SECTIONS = store.SECTIONS
LINE_MAX = 500
LINES_MAX = 20
REVIEW_INTERVALS = (14, 30, 90)
DEFAULT_INTERVAL_DAYS = 30
# What a version's `changed` names besides the sections.
INTERVAL = "interval"
# Bullets a worker may paste back from what the bot showed ("• stops eating").
_BULLETS = ("•", "- ", "* ", "– ")

Sections = dict[str, list[str]]


@dataclass(frozen=True, slots=True)
class TooLong:
    """Line `number` (1-based) has `length` characters, over LINE_MAX."""

    number: int
    length: int


@dataclass(frozen=True, slots=True)
class TooMany:
    """`count` lines, over LINES_MAX."""

    count: int


def section_number(key: str) -> int:
    """1 … 6, as the worker reads them."""
    return SECTIONS.index(key) + 1


def section_at(number: int | None) -> str | None:
    """The section numbered `number` (1 … 6), or None for anything else (forged)."""
    if number is None or not 1 <= number <= len(SECTIONS):
        return None
    return SECTIONS[number - 1]


def clean_line(line: str) -> str:
    """One typed line as kept: a pasted bullet dropped, control characters and runs of
    spaces gone (not cut: a line too long is said, not shortened)."""
    cleaned = clean_name(line)
    for bullet in _BULLETS:
        if cleaned.startswith(bullet):
            return clean_name(cleaned[len(bullet) :])
    return cleaned


def read_lines(typed: str) -> list[str] | TooLong | TooMany:
    """A message's lines, one entry each (empty ones dropped), or what is wrong."""
    lines = [line for line in (clean_line(raw) for raw in typed.splitlines()) if line]
    for number, line in enumerate(lines, start=1):
        if len(line) > LINE_MAX:
            return TooLong(number, len(line))
    return fits(lines)


def fits(lines: list[str]) -> list[str] | TooMany:
    return TooMany(len(lines)) if len(lines) > LINES_MAX else lines


def is_addition(typed: str) -> bool:
    """A message that starts with "+" and a space or a new line adds its lines to the
    section instead of replacing it ("+49 30 …" is a phone number, not an addition)."""
    stripped = typed.lstrip()
    return stripped.startswith("+") and (len(stripped) == 1 or stripped[1].isspace())


def without_plus(typed: str) -> str:
    return typed.lstrip()[1:]


def valid_sections(sections: Mapping[str, Sequence[str]]) -> Sections | None:
    """`sections` as stored (every key of SECTIONS, in order, lines cleaned), or None when
    they break the rules (an unknown key, too many lines, a line too long)."""
    if not set(sections) <= set(SECTIONS):
        return None
    kept: Sections = {}
    for key in SECTIONS:
        lines = [clean_line(line) for line in sections.get(key, ()) if isinstance(line, str)]
        lines = [line for line in lines if line]
        if len(lines) > LINES_MAX or any(len(line) > LINE_MAX for line in lines):
            return None
        kept[key] = lines
    return kept


def empty(sections: Mapping[str, Sequence[str]]) -> bool:
    return not any(sections.get(key) for key in SECTIONS)


def changed(before: Mapping[str, Sequence[str]], after: Mapping[str, Sequence[str]]) -> list[str]:
    """The sections whose lines differ, in the plan's order."""
    return [key for key in SECTIONS if list(before.get(key, ())) != list(after.get(key, ()))]


def next_review(today: date, interval_days: int) -> date:
    return today + timedelta(days=interval_days)
