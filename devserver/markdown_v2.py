"""Telegram's MarkdownV2 parser (TDLib's ``parse_markdown_v2``, ported), for completeness.

The bot is expected to use HTML, but MarkdownV2's most common production failure, an unescaped
reserved character such as ``.`` or ``-``, is cheap to reproduce, so we do. Supported: ``*bold*``,
``_italic_``, ``__underline__``, ``~strike~``, ``||spoiler||``, ``` `code` ```, fenced ``` ``` ```
pre blocks with a language, ``[text](url)`` and ``>`` quote lines. Not modelled: ``**>``
expandable quotes and ``![emoji](tg://emoji?id=...)`` custom emoji.
"""

from __future__ import annotations

from dataclasses import dataclass

from .html_entities import Entity, EntityParseError, FormattedText, sort_entities, utf16_len

_RESERVED = "_*[]()~`>#+-=|{}.!"
_TYPE_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
}


@dataclass
class _Open:
    kind: str
    utf16_offset: int
    byte_offset: int
    text_offset: int
    language: str = ""


def parse_markdown_v2(source: str) -> FormattedText:
    """Parse MarkdownV2; raises :class:`EntityParseError` with Telegram's wording."""
    return _MarkdownV2Parser(source).parse()


class _MarkdownV2Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.out: list[str] = []
        self.text_len = 0
        self.utf16 = 0
        self.stack: list[_Open] = []
        self.entities: list[Entity] = []
        self.quote_start: int | None = None

    def _byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8", "surrogatepass"))

    def _emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.text_len += len(chunk)
        self.utf16 += utf16_len(chunk)

    def _at(self, index: int) -> str:
        return self.src[index] if index < len(self.src) else ""

    def parse(self) -> FormattedText:
        src, i = self.src, 0
        while i < len(src):
            char = src[i]
            if char == "\\" and 0 < ord(self._at(i + 1) or "\0") <= 126:
                self._emit(src[i + 1])
                i += 2
                continue
            in_code = bool(self.stack) and self.stack[-1].kind in ("code", "pre")
            if char == "\n":
                self._emit(char)
                i += 1
                if self.quote_start is not None and not src.startswith(">", i):
                    self._end_quote()
                continue
            if char == ">" and not in_code and (i == 0 or src[i - 1] == "\n"):
                if self.quote_start is None:
                    self.quote_start = self.utf16
                i += 1
                continue
            if char not in ("`" if in_code else _RESERVED):
                self._emit(char)
                i += 1
                continue
            i = self._close(i) if self._closes_top(i) else self._open(i)
        if self.stack:
            top = self.stack[-1]
            raise EntityParseError(
                f"Can't find end of {_TYPE_NAMES[top.kind]} entity at byte offset {top.byte_offset}"
            )
        if self.quote_start is not None:
            self._end_quote()
        return FormattedText("".join(self.out), sort_entities(self.entities))

    def _end_quote(self) -> None:
        assert self.quote_start is not None
        end = self.utf16 - (1 if "".join(self.out[-1:]).endswith("\n") else 0)
        if end > self.quote_start:
            self.entities.append(
                {"type": "blockquote", "offset": self.quote_start, "length": end - self.quote_start}
            )
        self.quote_start = None

    def _closes_top(self, i: int) -> bool:
        if not self.stack:
            return False
        char, nxt = self.src[i], self._at(i + 1)
        return {
            "bold": char == "*",
            "italic": char == "_" and nxt != "_",
            "underline": char == "_" and nxt == "_",
            "strikethrough": char == "~",
            "spoiler": char == "|" and nxt == "|",
            "code": char == "`",
            "pre": self.src.startswith("```", i),
            "text_link": char == "]",
        }[self.stack[-1].kind]

    def _open(self, i: int) -> int:
        src, char, begin = self.src, self.src[i], i
        language = ""
        if char == "_" and self._at(i + 1) == "_":
            kind, i = "underline", i + 2
        elif char == "|" and self._at(i + 1) == "|":
            kind, i = "spoiler", i + 2
        elif char in "*_~[":
            kind = {"*": "bold", "_": "italic", "~": "strikethrough", "[": "text_link"}[char]
            i += 1
        elif src.startswith("```", i):
            kind, i = "pre", i + 3
            end = i
            while end < len(src) and src[end] not in " \t\r\n`":
                end += 1
            if end != i and end < len(src) and src[end] != "`":
                language, i = src[i:end], end
            if src.startswith(("\r\n", "\n\r"), i):
                i += 2
            elif self._at(i) in ("\n", "\r"):
                i += 1
        elif char == "`":
            kind, i = "code", i + 1
        else:
            raise EntityParseError(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        self.stack.append(
            _Open(kind, self.utf16, self._byte_offset(begin), self.text_len, language)
        )
        return i

    def _close(self, i: int) -> int:
        top = self.stack.pop()
        entity: Entity = {"type": top.kind, "offset": top.utf16_offset}
        if top.kind in ("underline", "spoiler"):
            i += 2
        elif top.kind == "pre":
            i += 3
            if top.language:
                entity["language"] = top.language
        elif top.kind == "text_link":
            url, i = self._link_target(i + 1, top)
            if url is None:
                return i
            entity["url"] = url
        else:
            i += 1
        entity["length"] = self.utf16 - top.utf16_offset
        if entity["length"] > 0:
            self.entities.append(entity)
        return i

    def _link_target(self, i: int, top: _Open) -> tuple[str | None, int]:
        src = self.src
        if self._at(i) != "(":
            return "".join(self.out)[top.text_offset :] or None, i
        i += 1
        url_begin, chars = i, []
        while i < len(src) and src[i] != ")":
            if src[i] == "\\" and 0 < ord(self._at(i + 1) or "\0") <= 126:
                chars.append(src[i + 1])
                i += 2
                continue
            chars.append(src[i])
            i += 1
        if i >= len(src):
            raise EntityParseError(
                f"Can't find end of a URL at byte offset {self._byte_offset(url_begin)}"
            )
        url = "".join(chars).strip()
        return (url or None), i + 1
