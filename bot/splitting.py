"""Fitting long text into Telegram messages without losing a character."""

from __future__ import annotations

from html import escape

# Telegram counts the text after HTML parsing; leave room for a header line.
MESSAGE_LIMIT = 4096
CHUNK = 3800


def split_plain(text: str, limit: int = CHUNK) -> list[str]:
    """Split on paragraph, then line, then word boundaries; hard-cut only when a single
    word is longer than a message. Joining the pieces gives back the same words."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if cut < limit // 2:
            cut = limit
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
