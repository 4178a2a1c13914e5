"""Steps shared by every method that sends or edits a message.

Order matters and mirrors Telegram: find the chat (400 ``chat not found``), refuse blocked users
(403), validate content (400), then flood control (429), and only then store the message. A call
that fails at any step leaves no trace in the chat.
"""

from __future__ import annotations

from typing import Any

from ..chats import Chat
from ..errors import ApiError
from ..models import ChatMessage
from ..params import ApiRequest
from ..state import BotState

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def target_chat(state: BotState, req: ApiRequest) -> Chat:
    """The private chat a call addresses; blocked users answer 403 like in Telegram."""
    if req.get("chat_id") is None:
        raise ApiError.bad_request("chat_id is empty")
    chat = state.chat(req.get("chat_id"))
    if chat.blocked:
        raise ApiError.forbidden("bot was blocked by the user")
    return chat


def admit_send(state: BotState, chat: Chat, req: ApiRequest) -> int | None:
    """Last checks before a message is created; returns the message id it replies to."""
    reply_to = _reply_target(chat, req)
    state.rate_limiter.acquire(chat.id)
    return reply_to


def record_send(
    state: BotState,
    chat: Chat,
    req: ApiRequest,
    method: str,
    reply_to: int | None,
    **fields: Any,
) -> dict[str, Any]:
    """Create the bot message, log a ``send`` event and return the Bot API ``Message``."""
    message = chat.add(
        from_bot=True, date=state.now(), method=method, reply_to_message_id=reply_to, **fields
    )
    state.record_event("send", chat.id, message.message_id, method, req.summary())
    return state.message_to_api(message)


def editable_message(state: BotState, req: ApiRequest) -> ChatMessage:
    """The bot message an ``editMessage*`` call targets (must exist and not be deleted)."""
    if req.get("inline_message_id") is not None:
        raise ApiError.bad_request("inline messages are not supported by the dev server")
    chat = target_chat(state, req)
    message = chat.live_bot_message(req.require_int("message_id"))
    if message is None:
        raise ApiError.bad_request("message to edit not found")
    return message


def apply_edit(
    state: BotState,
    message: ChatMessage,
    req: ApiRequest,
    method: str,
    content: dict[str, Any],
    source: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Apply visible ``content`` changes (400 if identical) plus bookkeeping ``source`` fields."""
    if all(getattr(message, key) == value for key, value in content.items()):
        raise ApiError.bad_request(NOT_MODIFIED)
    for key, value in {**content, **(source or {})}.items():
        setattr(message, key, value)
    message.edited, message.edit_date = True, state.now()
    state.record_event("edit", message.chat_id, message.message_id, method, req.summary())
    return state.message_to_api(message)


def _reply_target(chat: Chat, req: ApiRequest) -> int | None:
    parameters = req.get("reply_parameters")
    parameters = parameters if isinstance(parameters, dict) else {}
    message_id = parameters.get("message_id", req.get("reply_to_message_id"))
    if message_id is None:
        return None
    target = chat.get(message_id)
    if target is None or target.deleted:
        if parameters.get("allow_sending_without_reply") or req.flag("allow_sending_without_reply"):
            return None
        raise ApiError.bad_request("message to be replied not found")
    return target.message_id
