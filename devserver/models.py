"""Plain records the dev server keeps and hands to tests: messages, events and API calls.

They are dataclasses (not dicts) so assertions read well (``log[-1].text``), and each has
``to_dict``/``from_dict`` so the HTTP control API and :class:`DevServerClient` can ship the very
same objects across a process boundary.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Self

JsonDict = dict[str, Any]


class _Record:
    """JSON round-tripping shared by all records."""

    def to_dict(self) -> JsonDict:
        return dataclasses.asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls, data: JsonDict) -> Self:
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class ChatMessage(_Record):
    """One message in a private chat, in its *current* state (edits applied, deletion flagged).

    ``html`` is the text (or caption, for media) exactly as the bot sent it, before entity
    parsing; ``text``/``caption`` are what the user actually sees.
    """

    message_id: int
    chat_id: int
    date: int
    from_bot: bool
    method: str = ""
    text: str | None = None
    html: str | None = None
    parse_mode: str | None = None
    entities: list[JsonDict] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[JsonDict] = field(default_factory=list)
    reply_markup: JsonDict | None = None
    document: JsonDict | None = None
    photo: list[JsonDict] | None = None
    voice: JsonDict | None = None
    extra: JsonDict = field(default_factory=dict)
    reply_to_message_id: int | None = None
    edited: bool = False
    edit_date: int | None = None
    deleted: bool = False

    @property
    def file_id(self) -> str | None:
        """The attached file's id (largest photo size for photos), if the message has one."""
        if self.document:
            return self.document["file_id"]
        if self.photo:
            return self.photo[-1]["file_id"]
        if self.voice:
            return self.voice["file_id"]
        for key in ("audio", "video", "sticker"):
            if key in self.extra:
                return self.extra[key]["file_id"]
        return None

    @property
    def has_media(self) -> bool:
        return self.file_id is not None

    @property
    def buttons(self) -> list[JsonDict]:
        """All inline keyboard buttons, flattened row by row (empty without an inline keyboard)."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    def to_api(self, sender: JsonDict, chat: JsonDict) -> JsonDict:
        """The Bot API ``Message`` object for this message."""
        data: JsonDict = {
            "message_id": self.message_id,
            "from": sender,
            "chat": chat,
            "date": self.date,
        }
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if self.text is not None:
            data["text"] = self.text
            if self.entities:
                data["entities"] = self.entities
        for key in ("document", "photo", "voice"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        data.update(self.extra)
        if self.caption:
            data["caption"] = self.caption
            if self.caption_entities:
                data["caption_entities"] = self.caption_entities
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            # Telegram echoes only inline keyboards; reply keyboards live on the client side.
            data["reply_markup"] = self.reply_markup
        return data


@dataclass
class Event(_Record):
    """Something the bot did that a user could notice; ``seq`` is global per bot, from 1."""

    seq: int
    kind: str  # "send" | "edit" | "delete" | "answer_callback" | "chat_action"
    chat_id: int | None
    message_id: int | None
    method: str
    params: JsonDict
    time: float  # time.monotonic() when it happened

    def describe(self) -> str:
        detail = self.params.get("text") or self.params.get("caption") or ""
        detail = f" {detail!r:.60}" if detail else ""
        where = f"chat={self.chat_id} msg={self.message_id}"
        return f"#{self.seq} {self.kind} {where} {self.method}{detail}"


@dataclass
class CallRecord(_Record):
    """One Bot API request as the server saw it (including failed and faulted ones)."""

    seq: int
    method: str
    params: JsonDict
    #: HTTP status answered; 0 = connection dropped by an injected fault, 499 = the client hung
    #: up first (PTB cancelling its long poll on shutdown does this).
    status: int
    error: str | None
    time: float  # time.monotonic() when the request arrived
