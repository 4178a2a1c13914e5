"""Decoding Bot API request parameters the way Telegram does.

PTB sends form-urlencoded or multipart bodies in which every non-string value is a JSON string
(``reply_markup='{"inline_keyboard": ...}'``, ``disable_notification='true'``). Other clients
send a JSON body. Both end up here as one typed parameter dict. Free-text parameters (``text``,
``caption``, ``callback_query_id`` ...) are never JSON-decoded, so a message text like ``"123"``
or ``"[1]"`` stays exactly what the bot wrote.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .errors import ApiError

JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "link_preview_options",
        "reply_parameters",
        "media",
        "menu_button",
        "message_ids",
    }
)
INT_PARAMS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "max_connections",
        "cache_time",
        "duration",
        "reply_to_message_id",
        "message_thread_id",
        "width",
        "height",
    }
)
FLOAT_PARAMS = frozenset({"latitude", "longitude"})
BOOL_PARAMS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
        "allow_paid_broadcast",
    }
)
_TRUE = {"true", "1", "yes", "on"}


@dataclass(frozen=True)
class UploadedFile:
    """One multipart file part."""

    filename: str | None
    content_type: str | None
    body: bytes


class ApiRequest:
    """Typed access to one call's parameters and uploaded files."""

    def __init__(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> None:
        self.params = params
        self.files = files
        #: Set by the HTTP layer when the caller hung up; long polls then stop waiting.
        self.client_gone = False

    def get(self, name: str, default: Any = None) -> Any:
        value = self.params.get(name)
        return default if value is None else value

    def text(self, name: str) -> str | None:
        value = self.params.get(name)
        return None if value is None else str(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.params.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise ApiError.bad_request(f"wrong {name} specified")
        return value

    def require_int(self, name: str) -> int:
        value = self.integer(name)
        if value is None:
            raise ApiError.bad_request(f"{name} is empty")
        return value

    def flag(self, name: str) -> bool:
        return bool(self.params.get(name))

    def summary(self) -> dict[str, Any]:
        """Parameters for logs/events, with uploads reduced to name and size."""
        uploads = {
            name: {"filename": f.filename, "size": len(f.body)} for name, f in self.files.items()
        }
        return {**self.params, **uploads} if uploads else dict(self.params)


def decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Type every known parameter; unknown ones stay as sent."""
    return {name: _decode(name, value) for name, value in raw.items()}


def decode_json_body(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except ValueError:
        raise ApiError.bad_request("can't parse JSON encoded request body") from None
    if not isinstance(data, dict):
        raise ApiError.bad_request("request body must be a JSON object")
    return data


def _decode(name: str, value: Any) -> Any:
    if name in JSON_PARAMS:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise ApiError.bad_request(f"can't parse {name} JSON object") from None
        return value
    if name in INT_PARAMS:
        return _to_int(value)
    if name in FLOAT_PARAMS:
        try:
            return float(value)
        except (TypeError, ValueError):
            return value
    if name in BOOL_PARAMS:
        if isinstance(value, str):
            return value.strip().lower() in _TRUE
        return bool(value)
    return value


def _to_int(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.lstrip("-").isdigit():
            return int(stripped)
        try:
            as_float = float(stripped)
        except ValueError:
            return value  # e.g. "@channelusername": later answered with "chat not found"
        return int(as_float) if as_float.is_integer() else as_float
    return value
