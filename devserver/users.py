"""Fake Telegram users: the test's hands on the keyboard.

Every method produces the Update a real client action would (a message, an edit, a button
press) and queues it for the bot. They are synchronous on purpose: posting never waits for the
bot. To observe the bot's reaction, use :meth:`BotState.wait_for_events`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import UserActionError
from .html_entities import command_entities

if TYPE_CHECKING:
    from .models import ChatMessage
    from .state import BotState

Update = dict[str, Any]

# Tiny but recognisable payloads so "a photo" is still a file with bytes to download.
DEFAULT_PHOTO = b"\xff\xd8\xff\xe0fake-jpeg\xff\xd9"
DEFAULT_VOICE = b"OggS\x00fake-opus-voice"
DEFAULT_STICKER = b"RIFF\x00\x00\x00\x00WEBPfake"


class FakeUser:
    def __init__(
        self,
        state: BotState,
        user_id: int,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> None:
        self._state = state
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code

    def __repr__(self) -> str:
        return f"FakeUser(id={self.id}, first_name={self.first_name!r})"

    @property
    def chat_id(self) -> int:
        """Private chat id == user id, as in Telegram."""
        return self.id

    def to_api(self) -> dict[str, Any]:
        """The Bot API ``User`` object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value:
                user[key] = value
        return user

    # -- messages --------------------------------------------------------------------------

    def send_message(self, **fields: Any) -> Update:
        """Send a message with arbitrary Bot API ``Message`` fields (text, location, ...)."""
        return self._state.post_user_message(self, fields)

    def send_text(self, text: str, entities: list[dict[str, Any]] | None = None) -> Update:
        """Send text; a leading ``/command`` gets its ``bot_command`` entity like in Telegram."""
        return self.send_message(
            text=text, entities=entities if entities is not None else command_entities(text)
        )

    def send_sticker(self, emoji: str = "👍") -> Update:
        stored = self._state.files.add("sticker", DEFAULT_STICKER, mime_type="image/webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": stored.size,
        }
        return self.send_message(sticker=sticker)

    def send_photo(self, data: bytes = DEFAULT_PHOTO, caption: str | None = None) -> Update:
        stored = self._state.files.add("photo", data, mime_type="image/jpeg")
        photo = [self._state.photo_size(stored)]
        return self.send_message(photo=photo, **_caption(caption))

    def send_voice(self, data: bytes = DEFAULT_VOICE, duration: int = 3) -> Update:
        stored = self._state.files.add("voice", data, mime_type="audio/ogg")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": stored.size,
        }
        return self.send_message(voice=voice)

    def send_document(
        self,
        data: bytes,
        file_name: str = "document.bin",
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
    ) -> Update:
        stored = self._state.files.add("document", data, file_name, mime_type)
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": stored.size,
        }
        return self.send_message(document=document, **_caption(caption))

    def send_location(
        self,
        lat: float,
        lon: float,
        *,
        horizontal_accuracy: float | None = None,
        live_period: int | None = None,
    ) -> Update:
        """A location from the attachment menu (a pin, or where the phone is). With
        ``live_period`` it is a live location: its moves come as edits
        (:meth:`move_live_location`)."""
        return self.send_message(location=_location(lat, lon, horizontal_accuracy, live_period))

    def share_location(
        self, lat: float, lon: float, *, horizontal_accuracy: float | None = None
    ) -> Update:
        """Tap the ``request_location`` button of the reply keyboard the bot shows now
        (and confirm): the phone's position is sent as a location message. Like a real
        client, only when such a button is on screen."""
        chat = self._state.chat(self.id)
        keyboard = chat.reply_keyboard()
        if keyboard is None or chat.location_button(keyboard) is None:
            raise UserActionError(f"no request_location button is shown in chat {self.id}")
        return self.send_location(lat, lon, horizontal_accuracy=horizontal_accuracy)

    def send_venue(self, lat: float, lon: float, title: str, address: str) -> Update:
        """A place picked from the list under the map: a venue (with its location)."""
        venue = {"location": _location(lat, lon), "title": title, "address": address}
        return self.send_message(location=_location(lat, lon), venue=venue)

    def forward_location(self, lat: float, lon: float, from_name: str = "Someone") -> Update:
        """A location forwarded from another chat: it carries its ``forward_origin``."""
        origin = {"type": "hidden_user", "sender_user_name": from_name, "date": self._state.now()}
        return self.send_message(location=_location(lat, lon), forward_origin=origin)

    def move_live_location(self, message_id: int, lat: float, lon: float) -> Update:
        """A live location moved → an ``edited_message`` with the new position."""
        return self._state.post_user_location_edit(self, message_id, lat, lon)

    def send_contact(self, phone: str, first_name: str) -> Update:
        return self.send_message(contact={"phone_number": phone, "first_name": first_name})

    def edit_text(self, message_id: int, new_text: str) -> Update:
        """Edit one of this user's own text messages → an ``edited_message`` update."""
        return self._state.post_user_edit(self, message_id, new_text)

    def press(self, message_id: int, data: str) -> Update:
        """Press an inline button on a bot message → a ``callback_query`` update.

        ``data`` is not checked against the keyboard: tests may forge stale or hostile data.
        """
        return self._state.post_callback_query(self, message_id, data)

    # -- outside the private chat with the bot ---------------------------------------------

    def send_business_message(
        self,
        text: str,
        *,
        chat_id: int,
        connection_id: str | None = None,
        outgoing: bool = True,
    ) -> Update:
        """Write (``outgoing``) or receive a message in this user's business chat with
        ``chat_id``: the bot connected to their business account gets a ``business_message``."""
        return self._state.post_business_message(
            self,
            chat_id=chat_id,
            text=text,
            connection_id=connection_id or f"biz-{self.id}",
            outgoing=outgoing,
        )

    def connect_business(self, connection_id: str | None = None, enabled: bool = True) -> Update:
        """Connect the bot to this user's business account → a ``business_connection``."""
        return self._state.post_business_connection(
            self, connection_id=connection_id or f"biz-{self.id}", enabled=enabled
        )

    def send_group_message(self, text: str, *, chat_id: int = -1001) -> Update:
        """Write in a group the bot is in (``chat_id`` < 0)."""
        return self._state.post_group_message(self, chat_id=chat_id, text=text)

    def inline_query(self, query: str) -> Update:
        """Type ``@bot query`` in any chat → an ``inline_query``."""
        return self._state.post_inline_query(self, query)

    # -- relationship ----------------------------------------------------------------------

    def block(self) -> None:
        """From now on the bot gets ``403 Forbidden: bot was blocked by the user``."""
        self._state.chat(self.id).blocked = True

    def unblock(self) -> None:
        self._state.chat(self.id).blocked = False

    @property
    def blocked(self) -> bool:
        return self._state.chat(self.id).blocked

    def chat_log(self) -> list[ChatMessage]:
        """The bot's messages in this user's chat (see :meth:`BotState.chat_log`)."""
        return self._state.chat_log(self.id)


def _location(
    lat: float,
    lon: float,
    horizontal_accuracy: float | None = None,
    live_period: int | None = None,
) -> dict[str, Any]:
    """A Bot API ``Location``."""
    location: dict[str, Any] = {"latitude": lat, "longitude": lon}
    if horizontal_accuracy is not None:
        location["horizontal_accuracy"] = horizontal_accuracy
    if live_period is not None:
        location["live_period"] = live_period
    return location


def _caption(caption: str | None) -> dict[str, Any]:
    return {"caption": caption} if caption else {}
