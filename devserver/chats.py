"""A private chat between the bot and one fake user: message ids, history and block status.

Telegram numbers messages per private chat with one counter shared by both sides, so the chat
(not the bot) owns the counter and the full history, including the user's own messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .models import ChatMessage

if TYPE_CHECKING:
    from .users import FakeUser


class Chat:
    def __init__(self, user: FakeUser) -> None:
        self.user = user
        self.messages: dict[int, ChatMessage] = {}
        self.blocked = False
        self._next_message_id = 1

    @property
    def id(self) -> int:
        return self.user.id

    def to_api(self) -> dict[str, Any]:
        """The Bot API ``Chat`` object (private chats mirror the user's names)."""
        chat: dict[str, Any] = {
            "id": self.id,
            "type": "private",
            "first_name": self.user.first_name,
        }
        if self.user.last_name:
            chat["last_name"] = self.user.last_name
        if self.user.username:
            chat["username"] = self.user.username
        return chat

    def add(self, *, from_bot: bool, date: int, method: str, **fields: Any) -> ChatMessage:
        message = ChatMessage(
            message_id=self._next_message_id,
            chat_id=self.id,
            date=date,
            from_bot=from_bot,
            method=method,
            **fields,
        )
        self._next_message_id += 1
        self.messages[message.message_id] = message
        return message

    def get(self, message_id: Any) -> ChatMessage | None:
        return self.messages.get(message_id) if isinstance(message_id, int) else None

    def reply_keyboard(self) -> dict[str, Any] | None:
        """The reply keyboard a Telegram client shows now: the latest one the bot sent,
        until a message removes it (``remove_keyboard``); a ``one_time_keyboard`` hides
        once the user has sent something after it."""
        current: dict[str, Any] | None = None
        answered = False
        for message in self.messages.values():
            if message.deleted:
                continue
            markup = message.reply_markup or {}
            if message.from_bot and "keyboard" in markup:
                current, answered = markup, False
            elif message.from_bot and markup.get("remove_keyboard"):
                current = None
            elif not message.from_bot and current is not None:
                answered = True
        if current is None or (current.get("one_time_keyboard") and answered):
            return None
        return current

    @staticmethod
    def location_button(keyboard: dict[str, Any]) -> str | None:
        """The label of a reply keyboard's ``request_location`` button, if it has one."""
        for row in keyboard.get("keyboard", []):
            for button in row:
                if isinstance(button, dict) and button.get("request_location"):
                    return str(button.get("text", ""))
        return None

    def live_bot_message(self, message_id: Any) -> ChatMessage | None:
        """A bot message that still exists (what edits and button presses may target)."""
        message = self.get(message_id)
        if message is None or message.deleted or not message.from_bot:
            return None
        return message
