"""Text messages: send, edit, delete, copy/forward, chat actions."""

from __future__ import annotations

import copy
from typing import Any

from ..errors import ApiError
from ..params import ApiRequest
from ..rules import format_text, validate_chat_action, validate_reply_markup
from ..state import BotState
from .common import admit_send, apply_edit, editable_message, record_send, target_chat
from .registry import api_method

_DELETE_WINDOW_SECONDS = 48 * 3600


@api_method("sendMessage")
async def send_message(state: BotState, req: ApiRequest) -> dict[str, Any]:
    chat = target_chat(state, req)
    source, parse_mode = req.text("text"), req.text("parse_mode")
    formatted = format_text(source, parse_mode, req.get("entities"))
    markup = validate_reply_markup(req.get("reply_markup"))
    reply_to = admit_send(state, chat, req)
    return record_send(
        state,
        chat,
        req,
        "sendMessage",
        reply_to,
        text=formatted.text,
        entities=formatted.entities,
        html=source,
        parse_mode=parse_mode,
        reply_markup=markup,
    )


@api_method("editMessageText")
async def edit_message_text(state: BotState, req: ApiRequest) -> dict[str, Any]:
    message = editable_message(state, req)
    if message.text is None:
        raise ApiError.bad_request("there is no text in the message to edit")
    source, parse_mode = req.text("text"), req.text("parse_mode")
    formatted = format_text(source, parse_mode, req.get("entities"))
    markup = validate_reply_markup(req.get("reply_markup"), inline_only=True)
    return apply_edit(
        state,
        message,
        req,
        "editMessageText",
        content={"text": formatted.text, "entities": formatted.entities, "reply_markup": markup},
        source={"html": source, "parse_mode": parse_mode},
    )


@api_method("editMessageReplyMarkup")
async def edit_message_reply_markup(state: BotState, req: ApiRequest) -> dict[str, Any]:
    message = editable_message(state, req)
    markup = validate_reply_markup(req.get("reply_markup"), inline_only=True)
    return apply_edit(state, message, req, "editMessageReplyMarkup", {"reply_markup": markup})


@api_method("editMessageCaption")
async def edit_message_caption(state: BotState, req: ApiRequest) -> dict[str, Any]:
    message = editable_message(state, req)
    if not message.has_media:
        raise ApiError.bad_request("there is no caption in the message to edit")
    source, parse_mode = req.text("caption"), req.text("parse_mode")
    formatted = format_text(source, parse_mode, req.get("caption_entities"), caption=True)
    markup = validate_reply_markup(req.get("reply_markup"), inline_only=True)
    return apply_edit(
        state,
        message,
        req,
        "editMessageCaption",
        content={
            "caption": formatted.text or None,
            "caption_entities": formatted.entities,
            "reply_markup": markup,
        },
        source={"html": source, "parse_mode": parse_mode},
    )


@api_method("deleteMessage")
async def delete_message(state: BotState, req: ApiRequest) -> bool:
    chat = target_chat(state, req)
    message = chat.get(req.require_int("message_id"))
    if message is None or message.deleted:
        raise ApiError.bad_request("message to delete not found")
    if state.now() - message.date > _DELETE_WINDOW_SECONDS:
        raise ApiError.bad_request("message can't be deleted for everyone")
    message.deleted = True
    state.record_event("delete", chat.id, message.message_id, "deleteMessage", req.summary())
    return True


@api_method("deleteMessages")
async def delete_messages(state: BotState, req: ApiRequest) -> bool:
    """Bulk delete; like Telegram, ids that cannot be deleted are skipped silently."""
    chat = target_chat(state, req)
    ids = req.get("message_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise ApiError.bad_request("message_ids must be a non-empty list of at most 100 ids")
    for message_id in ids:
        message = chat.get(message_id)
        if message is None or message.deleted:
            continue
        if state.now() - message.date > _DELETE_WINDOW_SECONDS:
            continue
        message.deleted = True
        state.record_event("delete", chat.id, message.message_id, "deleteMessages", req.summary())
    return True


@api_method("sendChatAction")
async def send_chat_action(state: BotState, req: ApiRequest) -> bool:
    chat = target_chat(state, req)
    validate_chat_action(req.text("action"))
    state.record_event("chat_action", chat.id, None, "sendChatAction", req.summary())
    return True


@api_method("copyMessage")
async def copy_message(state: BotState, req: ApiRequest) -> dict[str, Any]:
    result = await _duplicate(state, req, "copyMessage")
    return {"message_id": result["message_id"]}


@api_method("forwardMessage")
async def forward_message(state: BotState, req: ApiRequest) -> dict[str, Any]:
    return await _duplicate(state, req, "forwardMessage")


async def _duplicate(state: BotState, req: ApiRequest, method: str) -> dict[str, Any]:
    """copyMessage/forwardMessage: re-send an existing message's content into a chat."""
    chat = target_chat(state, req)
    source_chat = state.chat(req.get("from_chat_id"))
    original = source_chat.get(req.require_int("message_id"))
    if original is None or original.deleted:
        verb = "copy" if method == "copyMessage" else "forward"
        raise ApiError.bad_request(f"message to {verb} not found")
    fields: dict[str, Any] = {
        key: copy.deepcopy(getattr(original, key))
        for key in ("text", "entities", "caption", "caption_entities", "document", "photo")
    }
    fields["voice"] = copy.deepcopy(original.voice)
    fields["extra"] = copy.deepcopy(original.extra)
    if method == "copyMessage":
        fields["reply_markup"] = validate_reply_markup(req.get("reply_markup"))
        if req.get("caption") is not None:
            caption = format_text(
                req.text("caption"),
                req.text("parse_mode"),
                req.get("caption_entities"),
                caption=True,
            )
            fields["caption"], fields["caption_entities"] = caption.text or None, caption.entities
    else:
        sender = state.bot_user if original.from_bot else source_chat.user.to_api()
        fields["extra"]["forward_origin"] = {
            "type": "user",
            "sender_user": sender,
            "date": original.date,
        }
    reply_to = admit_send(state, chat, req)
    return record_send(state, chat, req, method, reply_to, **fields)
