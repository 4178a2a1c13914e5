"""Telegram's HTML/MarkdownV2 parsing rules, checked directly on the parser functions."""

from __future__ import annotations

import pytest

from devserver.html_entities import (
    EntityParseError,
    FormattedText,
    command_entities,
    parse_html,
    trim_whitespace,
    utf16_len,
)
from devserver.markdown_v2 import parse_markdown_v2


def test_utf16_length() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("😀") == 2
    assert utf16_len("é") == 1


def test_tags_become_entities() -> None:
    parsed = parse_html(
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        '<strike>k</strike><del>d</del><span class="tg-spoiler">p</span><tg-spoiler>q</tg-spoiler>'
    )
    assert parsed.text == "bsieunskdpq"
    assert [e["type"] for e in parsed.entities] == [
        "bold",
        "bold",
        "italic",
        "italic",
        "underline",
        "underline",
        "strikethrough",
        "strikethrough",
        "strikethrough",
        "spoiler",
        "spoiler",
    ]


def test_nested_entities_are_sorted_outer_first() -> None:
    parsed = parse_html("😀 <b>bold <i>both</i></b>")
    assert parsed.text == "😀 bold both"
    assert parsed.entities == [
        {"type": "bold", "offset": 3, "length": 9},
        {"type": "italic", "offset": 8, "length": 4},
    ]


def test_pre_with_language_and_blockquotes() -> None:
    parsed = parse_html(
        '<pre><code class="language-python">x = 1</code></pre>'
        "<blockquote>q</blockquote><blockquote expandable>e</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji><code><b>c</b></code>'
    )
    assert parsed.text == "x = 1qe👍c"
    assert parsed.entities == [
        {"type": "pre", "offset": 0, "length": 5, "language": "python"},
        {"type": "blockquote", "offset": 5, "length": 1},
        {"type": "expandable_blockquote", "offset": 6, "length": 1},
        {
            "type": "custom_emoji",
            "offset": 7,
            "length": 2,
            "custom_emoji_id": "5368324170671202286",
        },
        {"type": "code", "offset": 9, "length": 1},  # bold inside code is dropped
    ]


def test_character_references() -> None:
    assert parse_html("&lt;&gt;&amp;&quot;&#65;&#x42;&lt").text == '<>&"AB<'
    assert parse_html("R&D & co").text == "R&D & co"


@pytest.mark.parametrize(
    ("markup", "reason"),
    [
        ("a <foo> b", 'Unsupported start tag "foo" at byte offset 2'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("é <b", "Unclosed start tag at byte offset 3"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("&nbsp;", 'Unsupported HTML entity "&nbsp;" at byte offset 0'),
    ],
)
def test_html_errors(markup: str, reason: str) -> None:
    with pytest.raises(EntityParseError) as caught:
        parse_html(markup)
    assert str(caught.value) == reason


def test_links() -> None:
    parsed = parse_html('<a href="https://example.com/?a=1&amp;b=2">x</a> <a href="">y</a>')
    assert parsed.entities[0]["url"] == "https://example.com/?a=1&b=2"
    assert len(parsed.entities) == 1  # an empty href with a non-URL text yields no entity


def test_trim_shifts_entities() -> None:
    trimmed = trim_whitespace(
        FormattedText("  <b>\n", [{"type": "bold", "offset": 0, "length": 5}])
    )
    assert trimmed == FormattedText("<b>", [{"type": "bold", "offset": 0, "length": 3}])


def test_bot_command_entity() -> None:
    assert command_entities("/start@caseline_bot now") == [
        {"type": "bot_command", "offset": 0, "length": 19}
    ]
    assert command_entities("no /start") == []


def test_markdown_v2() -> None:
    parsed = parse_markdown_v2("*bold* _it_ __u__ ~s~ ||sp|| `c` [l](https://t.me) 1\\.5")
    assert parsed.text == "bold it u s sp c l 1.5"
    assert [e["type"] for e in parsed.entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "text_link",
    ]
    with pytest.raises(EntityParseError, match="Character '.' is reserved"):
        parse_markdown_v2("Version 1.5")
    with pytest.raises(EntityParseError, match="Can't find end of Bold entity"):
        parse_markdown_v2("*open")
