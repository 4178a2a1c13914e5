"""Telegram's HTML formatting parser: markup in, plain text + MessageEntity dicts out.

Telegram does not render HTML; it *parses* a tiny tag set into plain text plus entity ranges and
rejects everything else with ``Bad Request: can't parse entities: ...``. This module mirrors
TDLib's ``parse_html`` closely (same tag set, same error wording, same attribute grammar) so a bot
that forgets to escape user input fails here exactly as it would in production. Entity offsets and
lengths are measured in UTF-16 code units, like Telegram does.

One deliberate difference: Telegram passes an unknown named reference such as ``&mdash;`` through
literally (the user then sees ``&mdash;``); we reject it, because in our bot that is always a
template bug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Entity = dict[str, Any]

_WHITESPACE = " \t\r\n\f\v\0"
_SIMPLE_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_SUPPORTED_TAGS = frozenset(_SIMPLE_TAGS) | {"a", "code", "pre", "blockquote", "tg-emoji"}
_NAMED_REFERENCES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_REFERENCE_RE = re.compile(r"&(#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z]+)(;?)")
_PLAIN_RUN_RE = re.compile(r"[^<&]+")
_NAME_TOKEN_RE = re.compile(r"[A-Za-z0-9.\-]*")
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_/<>])")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: what Telegram means by "characters" and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


class EntityParseError(ValueError):
    """Invalid markup; ``str(error)`` is Telegram's reason after ``can't parse entities:``."""


@dataclass(frozen=True)
class FormattedText:
    """Plain text plus its entities, as Telegram stores a message after parsing."""

    text: str
    entities: list[Entity] = field(default_factory=list)


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    text_offset: int


def parse_html(source: str) -> FormattedText:
    """Parse Telegram HTML; raises :class:`EntityParseError` with Telegram's wording."""
    return _HtmlParser(source).parse()


def sort_entities(entities: list[Entity]) -> list[Entity]:
    """Telegram's order: by offset, outer (longer) entities first."""
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def trim_whitespace(formatted: FormattedText) -> FormattedText:
    """Strip leading/trailing whitespace like Telegram, shifting and clipping entities."""
    text = formatted.text
    stripped = text.strip(_WHITESPACE)
    if stripped == text:
        return formatted
    if not stripped:
        return FormattedText("", [])
    shift = utf16_len(text[: len(text) - len(text.lstrip(_WHITESPACE))])
    new_len = utf16_len(stripped)
    entities: list[Entity] = []
    for entity in formatted.entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, new_len)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, entities)


def clip_entities(text: str, entities: list[Entity]) -> list[Entity]:
    """Keep well-formed caller-supplied entities that fit the text (Telegram drops the rest)."""
    total = utf16_len(text)
    kept: list[Entity] = []
    for entity in entities:
        if not isinstance(entity, dict) or not isinstance(entity.get("type"), str):
            continue
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int):
            continue
        if offset < 0 or length <= 0 or offset + length > total:
            continue
        kept.append(dict(entity))
    return sort_entities(kept)


def command_entities(text: str) -> list[Entity]:
    """The ``bot_command`` entity Telegram attaches when a user's message starts with ``/cmd``."""
    match = _COMMAND_RE.match(text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]


class _HtmlParser:
    """Single-pass scanner with a stack of open tags (TDLib's algorithm, in Python)."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.out: list[str] = []
        self.text_len = 0
        self.utf16 = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[Entity] = []

    # -- helpers -----------------------------------------------------------------------------

    def _byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8", "surrogatepass"))

    def _fail(self, message: str) -> EntityParseError:
        return EntityParseError(message)

    def _emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.text_len += len(chunk)
        self.utf16 += utf16_len(chunk)

    def _skip_spaces(self, i: int) -> int:
        while i < len(self.src) and self.src[i] in _WHITESPACE:
            i += 1
        return i

    def _decode_reference(self, i: int) -> tuple[str, int]:
        """Decode ``&...`` at ``i``; returns (text, next index). Unknown → literal ``&``."""
        match = _REFERENCE_RE.match(self.src, i)
        if match is None:
            return "&", i + 1
        body, semicolon = match.group(1), match.group(2)
        if body.startswith("#"):
            digits = body[2:] if body[1:2] in ("x", "X") else body[1:]
            base = 16 if body[1:2] in ("x", "X") else 10
            if len(match.group(0)) - len(semicolon) >= 10:
                return "&", i + 1
            code_point = int(digits, base)
            if code_point == 0 or code_point >= 0x10FFFF:
                return "&", i + 1
            if 0xD800 <= code_point <= 0xDFFF:
                raise self._fail(
                    "Text contains invalid Unicode characters after decoding HTML entities, "
                    "check for unmatched surrogate code units"
                )
            return chr(code_point), match.end()
        if body in _NAMED_REFERENCES:
            return _NAMED_REFERENCES[body], match.end()
        if semicolon:
            raise self._fail(
                f'Unsupported HTML entity "&{body};" at byte offset {self._byte_offset(i)}'
            )
        return "&", i + 1

    # -- main loop ---------------------------------------------------------------------------

    def parse(self) -> FormattedText:
        src = self.src
        while self.pos < len(src):
            char = src[self.pos]
            if char == "&":
                decoded, self.pos = self._decode_reference(self.pos)
                self._emit(decoded)
            elif char == "<":
                if src.startswith("</", self.pos):
                    self._end_tag()
                else:
                    self._start_tag()
            else:
                run = _PLAIN_RUN_RE.match(src, self.pos)
                assert run is not None
                self._emit(run.group(0))
                self.pos = run.end()
        if self.stack:
            raise self._fail(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        return FormattedText("".join(self.out), self._finish_entities())

    def _start_tag(self) -> None:
        src, begin = self.src, self.pos
        i = begin + 1
        while i < len(src) and src[i] not in _WHITESPACE and src[i] != ">":
            i += 1
        if i >= len(src):
            raise self._fail(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        tag = src[begin + 1 : i].lower()
        if tag not in _SUPPORTED_TAGS:
            raise self._fail(
                f'Unsupported start tag "{tag}" at byte offset {self._byte_offset(begin)}'
            )
        argument = ""
        while True:
            i = self._skip_spaces(i)
            if i >= len(src):
                raise self._fail(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
            if src[i] == ">":
                break
            name_start = i
            while i < len(src) and src[i] not in _WHITESPACE and src[i] not in "=>":
                i += 1
            attribute = src[name_start:i].lower()
            if not attribute:
                raise self._fail(
                    f'Empty attribute name in the tag "{tag}" at byte offset '
                    f"{self._byte_offset(begin)}"
                )
            i = self._skip_spaces(i)
            value = ""
            if i < len(src) and src[i] == "=":
                value, i = self._attribute_value(tag, begin, self._skip_spaces(i + 1))
            argument = _tag_argument(tag, attribute, value) or argument
        if tag == "span" and argument != "spoiler":
            raise self._fail(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self._byte_offset(begin)}'
            )
        if tag == "tg-emoji" and not argument.isdigit():
            raise self._fail(
                f'Tag "tg-emoji" must have a numeric "emoji-id" at byte offset '
                f"{self._byte_offset(begin)}"
            )
        self.stack.append(_OpenTag(tag, argument, self.utf16, self.text_len))
        self.pos = i + 1

    def _attribute_value(self, tag: str, begin: int, i: int) -> tuple[str, int]:
        src = self.src
        if i >= len(src):
            raise self._fail(
                f'Unclosed start tag "{tag}" at byte offset {self._byte_offset(begin)}'
            )
        if src[i] not in "'\"":
            token = _NAME_TOKEN_RE.match(src, i)
            assert token is not None
            end = token.end()
            if end < len(src) and src[end] not in _WHITESPACE and src[end] != ">":
                raise self._fail(
                    f"Unexpected end of name token at byte offset {self._byte_offset(i)}"
                )
            return token.group(0).lower(), end
        quote, i = src[i], i + 1
        pieces: list[str] = []
        while i < len(src) and src[i] != quote:
            if src[i] == "&":
                decoded, i = self._decode_reference(i)
                pieces.append(decoded)
            else:
                pieces.append(src[i])
                i += 1
        if i >= len(src):
            raise self._fail(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        return "".join(pieces), i + 1

    def _end_tag(self) -> None:
        src, begin = self.src, self.pos
        if not self.stack:
            raise self._fail(f"Unexpected end tag at byte offset {self._byte_offset(begin)}")
        i = begin + 2
        while i < len(src) and src[i] not in _WHITESPACE and src[i] != ">":
            i += 1
        end_name = src[begin + 2 : i]
        i = self._skip_spaces(i)
        if i >= len(src) or src[i] != ">":
            raise self._fail(f"Unclosed end tag at byte offset {self._byte_offset(begin)}")
        open_tag = self.stack[-1]
        if end_name and end_name != open_tag.name:
            raise self._fail(
                f"Unmatched end tag at byte offset {self._byte_offset(begin)}, "
                f'expected "</{open_tag.name}>", found "</{end_name}>"'
            )
        self.stack.pop()
        self._close(open_tag)
        self.pos = i + 1

    # -- entities ----------------------------------------------------------------------------

    def _close(self, tag: _OpenTag) -> None:
        offset, length = tag.utf16_offset, self.utf16 - tag.utf16_offset
        if length <= 0:
            return
        last = self.entities[-1] if self.entities else None
        same_range = last is not None and (last["offset"], last["length"]) == (offset, length)
        if tag.name in _SIMPLE_TAGS:
            self.entities.append(
                {"type": _SIMPLE_TAGS[tag.name], "offset": offset, "length": length}
            )
        elif tag.name == "a":
            url = _normalize_url(tag.argument or "".join(self.out)[tag.text_offset :])
            if url is not None:
                self.entities.append(
                    {"type": "text_link", "offset": offset, "length": length, "url": url}
                )
        elif tag.name == "pre":
            if same_range and last is not None and last["type"] == "code" and last.get("_lang"):
                last["type"] = "pre"
                last["language"] = last.pop("_lang")
            else:
                self.entities.append({"type": "pre", "offset": offset, "length": length})
        elif tag.name == "code":
            if same_range and last is not None and last["type"] == "pre" and tag.argument:
                last["language"] = tag.argument
            else:
                entity: Entity = {"type": "code", "offset": offset, "length": length}
                if tag.argument:
                    entity["_lang"] = tag.argument
                self.entities.append(entity)
        elif tag.name == "blockquote":
            kind = "expandable_blockquote" if tag.argument == "expandable" else "blockquote"
            self.entities.append({"type": kind, "offset": offset, "length": length})
        elif tag.name == "tg-emoji":
            self.entities.append(
                {
                    "type": "custom_emoji",
                    "offset": offset,
                    "length": length,
                    "custom_emoji_id": tag.argument,
                }
            )

    def _finish_entities(self) -> list[Entity]:
        for entity in self.entities:
            entity.pop("_lang", None)
        # Code blocks cannot carry nested formatting; Telegram drops what is inside them.
        blocks = [e for e in self.entities if e["type"] in ("code", "pre")]
        kept = [
            e
            for e in self.entities
            if not any(
                block is not e
                and block["offset"] <= e["offset"]
                and e["offset"] + e["length"] <= block["offset"] + block["length"]
                and e["type"] not in ("blockquote", "expandable_blockquote")
                for block in blocks
            )
        ]
        return sort_entities(kept)


def _tag_argument(tag: str, attribute: str, value: str) -> str:
    """The one attribute each tag cares about; every other attribute is ignored like Telegram."""
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and attribute == "class" and value == "tg-spoiler":
        return "spoiler"
    if tag == "tg-emoji" and attribute == "emoji-id":
        return value
    if tag == "blockquote" and attribute == "expandable":
        return "expandable"
    return ""


def _normalize_url(url: str) -> str | None:
    """Approximation of TDLib's ``check_url``: invalid links silently lose their entity."""
    url = url.strip()
    if not url or any(c in _WHITESPACE for c in url):
        return None
    if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", url):
        return url
    if "." not in url:
        return None
    return f"http://{url}"
