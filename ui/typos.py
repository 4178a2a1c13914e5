"""Reading a word typed with one slip: a letter wrong, missing, extra, or two swapped.

Small enough to keep here rather than add a fuzzy-matching library: the callers want
"exactly one candidate within one slip", never a ranked guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

V = TypeVar("V")


def one_slip_apart(typed: str, word: str) -> bool:
    """True when `typed` is `word` with one letter wrong, missing, extra, or two adjacent
    letters swapped (not when they are equal)."""
    if typed == word or abs(len(typed) - len(word)) > 1:
        return False
    if len(typed) == len(word):
        diffs = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
        if len(diffs) == 1:
            return True
        first, last = diffs[0], diffs[-1]
        return (
            len(diffs) == 2
            and last == first + 1
            and (typed[first], typed[last]) == (word[last], word[first])
        )
    shorter, longer = (typed, word) if len(typed) < len(word) else (word, typed)
    for index in range(len(longer)):
        if longer[:index] + longer[index + 1 :] == shorter:
            return True
    return False


def slip_meanings(typed: str, words: Mapping[str, V]) -> set[V]:
    """The values of every word `typed` is one slip from (empty: none is that close)."""
    typed = typed.casefold()
    return {value for word, value in words.items() if one_slip_apart(typed, word)}


def read_slip(typed: str, words: Mapping[str, V]) -> V | None:
    """The value of the one meaning `typed` is a slip for: the words within one slip of
    it must all mean the same value (e.g. "cal" and "phne" → phone), else None."""
    meanings = slip_meanings(typed, words)
    return meanings.pop() if len(meanings) == 1 else None
