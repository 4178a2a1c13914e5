"""File-carrying messages (sendDocument/Photo/Voice/Audio/Video) and getFile.

All five send methods are one pipeline parameterised by a :class:`MediaKind`: resolve the input
(multipart upload, ``attach://`` reference or an existing ``file_id``), validate the caption and
keyboard, pass flood control, then store the bytes and the message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import ApiError
from ..files import StoredFile
from ..params import ApiRequest, UploadedFile
from ..rules import format_text, validate_reply_markup
from ..state import BotState
from .common import admit_send, record_send, target_chat
from .registry import api_method

Builder = Callable[[BotState, StoredFile, ApiRequest], Any]


def _file_fields(stored: StoredFile) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
    }


def _document(state: BotState, stored: StoredFile, req: ApiRequest) -> Any:
    return {
        **_file_fields(stored),
        "file_name": stored.file_name,
        "mime_type": stored.mime_type,
    }


def _photo(state: BotState, stored: StoredFile, req: ApiRequest) -> Any:
    return [state.photo_size(stored)]


def _timed(state: BotState, stored: StoredFile, req: ApiRequest) -> Any:
    """Voice, audio and video all carry a duration next to the file fields."""
    return {
        **_file_fields(stored),
        "duration": req.integer("duration", 0),
        "mime_type": stored.mime_type,
    }


def _video(state: BotState, stored: StoredFile, req: ApiRequest) -> Any:
    return {
        **_timed(state, stored, req),
        "width": req.integer("width", 640),
        "height": req.integer("height", 480),
    }


@dataclass(frozen=True)
class MediaKind:
    method: str
    field: str  # parameter name == Message field name ("document", "photo", ...)
    default_mime: str
    build: Builder

    @property
    def label(self) -> str:
        return self.field.capitalize()


DOCUMENT = MediaKind("sendDocument", "document", "application/octet-stream", _document)
PHOTO = MediaKind("sendPhoto", "photo", "image/jpeg", _photo)
VOICE = MediaKind("sendVoice", "voice", "audio/ogg", _timed)
AUDIO = MediaKind("sendAudio", "audio", "audio/mpeg", _timed)
VIDEO = MediaKind("sendVideo", "video", "video/mp4", _video)
_MESSAGE_FIELDS = ("document", "photo", "voice")


async def send_media(state: BotState, req: ApiRequest, kind: MediaKind) -> dict[str, Any]:
    chat = target_chat(state, req)
    source = _input_file(state, req, kind)
    caption_source, parse_mode = req.text("caption"), req.text("parse_mode")
    caption = format_text(caption_source, parse_mode, req.get("caption_entities"), caption=True)
    markup = validate_reply_markup(req.get("reply_markup"))
    reply_to = admit_send(state, chat, req)
    stored = (
        source
        if isinstance(source, StoredFile)
        else state.files.add(
            kind.field,
            source.body,
            source.filename if kind is DOCUMENT else None,
            source.content_type or kind.default_mime,
        )
    )
    media = kind.build(state, stored, req)
    placement = (
        {kind.field: media} if kind.field in _MESSAGE_FIELDS else {"extra": {kind.field: media}}
    )
    return record_send(
        state,
        chat,
        req,
        kind.method,
        reply_to,
        caption=caption.text or None,
        caption_entities=caption.entities,
        html=caption_source,
        parse_mode=parse_mode,
        reply_markup=markup,
        **placement,
    )


def _input_file(state: BotState, req: ApiRequest, kind: MediaKind) -> UploadedFile | StoredFile:
    upload = req.files.get(kind.field)
    reference = req.text(kind.field)
    if upload is None and reference and reference.startswith("attach://"):
        upload = req.files.get(reference.removeprefix("attach://"))
    if upload is not None:
        if not upload.body:
            raise ApiError.bad_request("file must be non-empty")
        return upload
    if not reference:
        raise ApiError.bad_request(f"there is no {kind.field} in the request")
    stored = state.files.get(reference)
    if stored is None:
        # Telegram would download http(s) URLs; the dev server deliberately has no internet.
        raise ApiError.bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind.field:
        raise ApiError.bad_request(
            f"can't use file of type {stored.kind.capitalize()} as {kind.label}"
        )
    return stored


@api_method("sendDocument")
async def send_document(state: BotState, req: ApiRequest) -> dict[str, Any]:
    return await send_media(state, req, DOCUMENT)


@api_method("sendPhoto")
async def send_photo(state: BotState, req: ApiRequest) -> dict[str, Any]:
    return await send_media(state, req, PHOTO)


@api_method("sendVoice")
async def send_voice(state: BotState, req: ApiRequest) -> dict[str, Any]:
    return await send_media(state, req, VOICE)


@api_method("sendAudio")
async def send_audio(state: BotState, req: ApiRequest) -> dict[str, Any]:
    return await send_media(state, req, AUDIO)


@api_method("sendVideo")
async def send_video(state: BotState, req: ApiRequest) -> dict[str, Any]:
    return await send_media(state, req, VIDEO)


@api_method("getFile")
async def get_file(state: BotState, req: ApiRequest) -> dict[str, Any]:
    stored = state.files.get(req.text("file_id") or "")
    if stored is None:
        raise ApiError.bad_request("invalid file_id")
    return stored.to_file()
