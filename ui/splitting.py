"""Fitting long text into Telegram messages without losing a character: the one place
that measures a message and splits it.

Telegram's limit (4096) counts the text AFTER HTML parsing, in UTF-16 code units: tags
count nothing, `&lt;` counts one, an emoji outside the BMP (😀) counts two. `len()`
counts that emoji as one, so text measured with it can overflow; `telegram_length`
measures what Telegram measures, and every splitter here uses it:

- `pack_blocks`: whole blocks (lines, paragraphs, a worker's figures) into as few
  messages as fit — the digest, the agenda, /history's pages, a plan's versions;
- `split_plain` / `html_pages`: a worker's own long text, cut between words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape, unescape

from ui import texts

# Telegram counts the text after HTML parsing; leave room for a header line.
MESSAGE_LIMIT = 4096
CHUNK = 3800

# Our HTML escapes every user text, so a "<" outside a tag never reaches this.
_TAG = re.compile(r"<[^>]*>")


def utf16_length(text: str) -> int:
    """Telegram counts UTF-16 code units: an emoji outside the BMP counts two."""
    return len(text.encode("utf-16-le")) // 2


def telegram_length(html_text: str) -> int:
    """What Telegram counts against its limits for an HTML message: UTF-16 code units of
    the text after parsing (tags dropped, entities such as `&amp;` decoded)."""
    return utf16_length(unescape(_TAG.sub("", html_text)))


def _fitting(text: str, limit: int) -> str:
    """The longest prefix of `text` within `limit` UTF-16 units."""
    window = text[:limit]
    while (excess := utf16_length(window) - limit) > 0:
        window = window[: len(window) - max(1, excess // 2)]
    return window


def split_plain(text: str, limit: int = CHUNK) -> list[str]:
    """Split on paragraph, then line, then word boundaries; hard-cut only when a single
    word is longer than a message. Joining the pieces gives back the same words.
    `limit` is in UTF-16 units, as Telegram measures."""
    chunks: list[str] = []
    rest = text
    while utf16_length(rest) > limit:
        window = _fitting(rest, limit)
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if cut < len(window) // 2:
            cut = len(window)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not chunks:
        chunks.append(rest)
    return chunks


def html_pages(header: str, body: str, limit: int = CHUNK) -> list[str]:
    """`header` (already HTML) on the first page, `body` (user text) escaped, split so
    each page stays under Telegram's limit."""
    pieces = split_plain(body, limit - telegram_length(header) - 20)
    pages = []
    for index, piece in enumerate(pieces):
        prefix = header if index == 0 else texts.continued(index + 1, len(pieces))
        pages.append(f"{prefix}\n{escape(piece)}" if piece else prefix)
    return pages


def pack_blocks(
    blocks: list[str],
    continued: Callable[[int, int], str] | None = None,
    *,
    separator: str = "\n\n",
    limit: int = MESSAGE_LIMIT,
    measure: Callable[[str], int] = telegram_length,
) -> list[str]:
    """Join HTML blocks into as few messages as fit `limit`, splitting only between
    blocks, so a block's tags stay balanced; every message after the first starts with
    `continued(page, pages)` when given. Sizes are what Telegram counts; a caller that
    promises more (the digest keeps even its raw HTML under the limit) passes
    `measure=utf16_length`, which is never below it. A block longer than a whole message
    goes on as plain text cut between words: every character kept, its tags dropped
    (cutting inside a tag would break the HTML)."""
    gap = measure(separator)
    room = limit - (measure(continued(99, 99)) + gap if continued else 0)
    pages: list[list[str]] = []
    size = 0
    for block in _fitted(blocks, room, measure):
        length = measure(block)
        if pages and size + gap + length <= room:
            pages[-1].append(block)
            size += gap + length
        else:
            pages.append([block])
            size = length
    total = len(pages)
    return [
        separator.join(
            page if number == 1 or continued is None else [continued(number, total), *page]
        )
        for number, page in enumerate(pages, start=1)
    ]


def _fitted(blocks: list[str], room: int, measure: Callable[[str], int]) -> list[str]:
    """The blocks, each one longer than `room` replaced by plain-text pieces that fit."""
    fitted: list[str] = []
    for block in blocks:
        if measure(block) <= room:
            fitted.append(block)
            continue
        plain = unescape(_TAG.sub("", block))
        cut = room
        while True:
            pieces = [escape(piece, quote=False) for piece in split_plain(plain, cut)]
            if all(measure(piece) <= room for piece in pieces) or cut <= 1:
                break
            cut //= 2
        fitted += pieces
    return fitted
