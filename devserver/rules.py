"""Telegram's validation rules and flood control, as pure functions and one small limiter class.

Each rule raises :class:`ApiError` with the description Telegram uses, so the bot sees precisely
the ``BadRequest``/``RetryAfter`` it would get in production.
"""

from __future__ import annotations

import math
import re
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from .config import RateLimitSettings
from .errors import ApiError
from .html_entities import (
    EntityParseError,
    FormattedText,
    clip_entities,
    parse_html,
    trim_whitespace,
    utf16_len,
)
from .markdown_v2 import parse_markdown_v2

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100
MAX_COMMANDS = 100

MESSAGE_CREATING_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendVoice",
        "sendAudio",
        "sendVideo",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
    }
)

_INLINE_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_URL_RE = re.compile(r"^(https?|tg)://\S+$", re.IGNORECASE)
# A Mini App button's page: Telegram opens only https; this local server also lets a page
# on this machine be opened over plain http (the demo's Mini App, tests).
_WEB_APP_URL_RE = re.compile(
    r"^(https://\S+|http://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(/\S*)?)$", re.IGNORECASE
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


# -- text ------------------------------------------------------------------------------------


def format_text(
    source: str | None,
    parse_mode: str | None,
    entities: Any,
    *,
    caption: bool = False,
) -> FormattedText:
    """Parse a text/caption the way Telegram does and enforce its length rules.

    Explicit ``entities`` win over ``parse_mode`` (Telegram ignores the mode then). Lengths are
    checked *after* parsing and whitespace trimming, in UTF-16 code units.
    """
    source = source or ""
    if entities is not None and not isinstance(entities, list):
        raise ApiError.bad_request("can't parse entities JSON object")
    if entities:
        formatted = FormattedText(source, clip_entities(source, entities))
    else:
        formatted = _parse(source, parse_mode)
    formatted = trim_whitespace(formatted)
    length = utf16_len(formatted.text)
    if caption:
        if length > MAX_CAPTION_LENGTH:
            raise ApiError.bad_request("message caption is too long")
    elif length == 0:
        raise ApiError.bad_request("message text is empty")
    elif length > MAX_TEXT_LENGTH:
        raise ApiError.bad_request("message is too long")
    return formatted


def _parse(source: str, parse_mode: str | None) -> FormattedText:
    mode = (parse_mode or "").strip().lower()
    try:
        if mode == "":
            return FormattedText(source, [])
        if mode == "html":
            return parse_html(source)
        if mode == "markdownv2":
            return parse_markdown_v2(source)
        if mode == "markdown":
            # Legacy Markdown is deprecated and not modelled: shown as plain text.
            return FormattedText(source, [])
    except EntityParseError as error:
        raise ApiError.bad_request(f"can't parse entities: {error}") from None
    raise ApiError.bad_request("unsupported parse_mode")


# -- keyboards -------------------------------------------------------------------------------


def validate_reply_markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    """Check a ``reply_markup`` object; returns it unchanged (or ``None``) when valid."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError.bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _validate_inline_keyboard(markup["inline_keyboard"])
        return markup
    if inline_only:
        raise ApiError.bad_request("inline keyboard expected")
    if "keyboard" in markup:
        _validate_reply_keyboard(markup["keyboard"])
        return markup
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise ApiError.bad_request("can't parse reply keyboard markup JSON object")


def _rows(rows: Any, what: str) -> list[list[Any]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError.bad_request(f'field "{what}" must be an Array of Arrays')
    return rows


def _validate_inline_keyboard(rows: Any) -> None:
    buttons = [button for row in _rows(rows, "inline_keyboard") for button in row]
    if len(buttons) > MAX_INLINE_BUTTONS:
        raise ApiError.bad_request("BUTTONS_TOO_MUCH")
    for button in buttons:
        if not isinstance(button, dict):
            raise ApiError.bad_request("can't parse inline keyboard button: Object expected")
        if not isinstance(button.get("text"), str) or not button["text"]:
            raise ApiError.bad_request(
                "can't parse inline keyboard button: Text must be a non-empty string"
            )
        actions = [key for key in _INLINE_BUTTON_ACTIONS if key in button]
        if not actions:
            raise ApiError.bad_request("text buttons are unallowed in the inline keyboard")
        if len(actions) > 1:
            raise ApiError.bad_request(
                "can't parse inline keyboard button: exactly one of the optional fields "
                "must be used"
            )
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise ApiError.bad_request("BUTTON_DATA_INVALID")
        if "url" in button and not (
            isinstance(button["url"], str) and _URL_RE.match(button["url"])
        ):
            raise ApiError.bad_request("BUTTON_URL_INVALID")
        if "web_app" in button:
            web_app = button["web_app"]
            url = web_app.get("url") if isinstance(web_app, dict) else None
            if not isinstance(url, str) or not _WEB_APP_URL_RE.match(url):
                raise ApiError.bad_request("BUTTON_URL_INVALID")


# What a reply keyboard button may ask the user's client for, besides sending its text.
_REPLY_BUTTON_REQUESTS = (
    "request_users",
    "request_chat",
    "request_contact",
    "request_location",
    "request_poll",
    "web_app",
)


def _validate_reply_keyboard(rows: Any) -> None:
    for button in (button for row in _rows(rows, "keyboard") for button in row):
        text = button if isinstance(button, str) else (button or {}).get("text")
        if not isinstance(text, str) or not text:
            raise ApiError.bad_request(
                "can't parse keyboard button: Text must be a non-empty string"
            )
        if not isinstance(button, dict):
            continue
        requests = [key for key in _REPLY_BUTTON_REQUESTS if key in button]
        if len(requests) > 1:
            raise ApiError.bad_request(
                "can't parse keyboard button: only one of the optional fields can be used"
            )
        for flag in ("request_contact", "request_location"):
            if flag in button and not isinstance(button[flag], bool):
                raise ApiError.bad_request(
                    f'can\'t parse keyboard button: Field "{flag}" must be of type Boolean'
                )


# -- commands, callbacks, actions ------------------------------------------------------------


def validate_commands(commands: Any) -> list[dict[str, str]]:
    if not isinstance(commands, list):
        raise ApiError.bad_request("can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise ApiError.bad_request("BOT_COMMANDS_TOO_MUCH")
    result: list[dict[str, str]] = []
    for item in commands:
        if not isinstance(item, dict):
            raise ApiError.bad_request("can't parse BotCommand JSON object")
        command, description = item.get("command"), item.get("description")
        if not isinstance(command, str) or not _COMMAND_RE.match(command):
            raise ApiError.bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise ApiError.bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        result.append({"command": command, "description": description})
    return result


def validate_callback_answer_text(text: str | None) -> None:
    if text and utf16_len(text) > MAX_CALLBACK_ANSWER_LENGTH:
        raise ApiError.bad_request("MESSAGE_TOO_LONG")


def validate_chat_action(action: str | None) -> str:
    if action not in CHAT_ACTIONS:
        raise ApiError.bad_request("wrong parameter action in request")
    return action


# -- flood control ---------------------------------------------------------------------------


class RateLimiter:
    """Sliding one-second windows per bot and per chat, like Telegram's flood control.

    Sends are always recorded (so turning limits on mid-run judges real recent traffic) but
    only refused while ``settings.enabled``. Uses ``time.monotonic`` so clock jumps in the demo
    never affect flood control.
    """

    WINDOW = 1.0

    def __init__(
        self, settings: RateLimitSettings, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._overall: deque[float] = deque()
        self._per_chat: dict[int, deque[float]] = {}

    def acquire(self, chat_id: int) -> None:
        """Account one message to ``chat_id`` or raise a 429 with the seconds to wait."""
        now = self._clock()
        overall = self._prune(self._overall, now)
        chat = self._prune(self._per_chat.setdefault(chat_id, deque()), now)
        if self._settings.enabled:
            wait = max(
                self._wait(overall, self._settings.overall_per_second, now),
                self._wait(chat, self._settings.per_chat_per_second, now),
            )
            if wait > 0:
                raise ApiError.too_many_requests(max(1, math.ceil(wait)))
        overall.append(now)
        chat.append(now)

    def _prune(self, window: deque[float], now: float) -> deque[float]:
        while window and window[0] <= now - self.WINDOW:
            window.popleft()
        return window

    def _wait(self, window: deque[float], limit: int, now: float) -> float:
        if limit <= 0 or len(window) < limit:
            return 0.0
        return window[-limit] + self.WINDOW - now
