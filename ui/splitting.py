"""Fitting long text into Telegram messages without losing a character."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

# Telegram counts the text after HTML parsing; leave room for a header line.
MESSAGE_LIMIT = 4096
CHUNK = 3800


def utf16_length(text: str) -> int:
    """Telegram counts UTF-16 code units: an emoji outside the BMP counts two."""
    return len(text.encode("utf-16-le")) // 2


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
    pieces = split_plain(body, limit - len(header) - 20)
    pages = []
    for index, piece in enumerate(pieces):
        prefix = header if index == 0 else f"<i>(continued {index + 1}/{len(pieces)})</i>"
        pages.append(f"{prefix}\n{escape(piece)}" if piece else prefix)
    return pages


def pack_blocks(
    blocks: list[str],
    continued: Callable[[int, int], str],
    *,
    separator: str = "\n\n",
    limit: int = MESSAGE_LIMIT,
) -> list[str]:
    """Join blocks into as few messages as fit `limit`, splitting only between blocks;
    every message after the first starts with `continued(page, pages)`."""
    room = limit - utf16_length(continued(99, 99) + separator)
    pages: list[list[str]] = []
    size = 0
    for block in blocks:
        length = utf16_length(block)
        if length > room:
            raise ValueError("a block is longer than a Telegram message")
        if pages and size + utf16_length(separator) + length <= room:
            pages[-1].append(block)
            size += utf16_length(separator) + length
        else:
            pages.append([block])
            size = length
    total = len(pages)
    return [
        separator.join(page if number == 1 else [continued(number, total), *page])
        for number, page in enumerate(pages, start=1)
    ]
