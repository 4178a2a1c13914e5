"""People's names as stored and printed: no control or direction-override characters.

A display name comes from the Telegram account and is printed in supervisors' alerts,
digests and `caseline` output. A control character could inject terminal escapes into an
operator's shell; a bidirectional override (U+202E) could reverse the rest of an alert line.
Letters of every script stay, and so do the joiners (U+200C, U+200D) that Persian, Hindi or
emoji sequences need.
"""

from __future__ import annotations

import unicodedata

# Bidirectional marks, embeddings, overrides and isolates (the Arabic letter mark too).
_BIDI = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def _replacement(char: str) -> str:
    """Direction marks vanish; a control character (a newline, an escape) separates."""
    if ord(char) in _BIDI:
        return ""
    return " " if unicodedata.category(char) == "Cc" else char


def clean_name(text: str, *, limit: int | None = None) -> str:
    """`text` without control (Cc) or bidirectional-control characters, whitespace runs as
    one space, trimmed (to `limit` characters when given)."""
    spaced = "".join(map(_replacement, text))
    cleaned = " ".join(spaced.split())
    return cleaned[:limit].strip() if limit is not None else cleaned
