"""Everything the server knows about one bot token, plus the in-process test API over it.

A :class:`BotState` is created lazily the first time a token is seen. The Bot API method
handlers mutate it; tests read it (``chat_log``, ``events``, ``calls``) and drive it (fake users,
faults, waits). All waiting is event-driven through one :class:`Notifier`.
"""

from __future__ import annotations

import copy
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import count
from typing import Any

from .chats import Chat
from .config import ServerConfig
from .errors import ApiError, UserActionError
from .faults import Fault, FaultInjector
from .files import FileStore, StoredFile
from .html_entities import command_entities
from .models import CallRecord, ChatMessage, Event
from .notify import Notifier
from .rules import RateLimiter
from .updates import Update, UpdateQueue
from .users import FakeUser
from .webhook import WebhookDeliverer

EVENT_KINDS = frozenset({"send", "edit", "delete", "answer_callback", "chat_action"})
_MESSAGE_FIELDS = frozenset(
    {"text", "entities", "caption", "caption_entities", "document", "photo", "voice"}
)


@dataclass
class IssuedCallbackQuery:
    """A callback query id we handed to the bot; Telegram accepts one answer per id."""

    query_id: str
    chat_id: int
    message_id: int
    answered: bool = False


class BotState:
    """One bot token's world: users, chats, updates, files, calls, events, faults.

    Obtain it with ``server.bot(token)``; the bot itself reaches it over HTTP.
    """

    def __init__(self, token: str, bot_id: int, config: ServerConfig) -> None:
        self.token = token
        self.bot_id = bot_id
        self.config = config
        self.notifier = Notifier()
        self.updates = UpdateQueue(self.notifier.notify)
        self.webhook = WebhookDeliverer(self.updates, self.notifier, config.unix_now)
        self.files = FileStore(bot_id)
        self.faults = FaultInjector()
        self.rate_limiter = RateLimiter(config.rate_limits)
        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int, Chat] = {}
        #: Every Bot API request, in the order they were answered.
        self.calls: list[CallRecord] = []
        #: Counters: "calls", "ok" (HTTP 200) and one per other status, e.g. "429", "400".
        self.stats: Counter[str] = Counter()
        #: setMyCommands storage keyed by (canonical scope JSON, language_code).
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        #: setMyDescription / setMyShortDescription / setMyName, keyed by (kind, language_code).
        self.texts: dict[tuple[str, str], str] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.closing = False
        #: Bumped by every getUpdates call; a waiting poll that sees it change answers 409.
        self.poll_generation = 0
        #: getUpdates requests currently held open (long polling).
        self.polls_waiting = 0
        self._events: list[Event] = []
        self._callback_queries: dict[str, IssuedCallbackQuery] = {}
        self._query_counter = count(1)
        # Message ids in chats the bot is not part of (business chats, groups, channels).
        self._foreign_message_ids = count(1)

    # -- identity --------------------------------------------------------------------------

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot as a ``User`` object (the ``from`` of every bot message)."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.config.bot_first_name,
            "username": self.config.bot_username,
        }

    def get_me(self) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def now(self) -> int:
        return self.config.unix_now()

    # -- users and chats -------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> FakeUser:
        """Register (or fetch) a fake user; its private chat id equals ``user_id``."""
        existing = self.users.get(user_id)
        if existing is not None:
            return existing
        user = FakeUser(self, user_id, first_name, last_name, username, language_code)
        self.users[user_id] = user
        self.chats[user_id] = Chat(user)
        return user

    def chat(self, chat_id: Any) -> Chat:
        """The chat the bot addresses, or Telegram's ``chat not found``."""
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise ApiError.bad_request("chat not found")
        return chat

    # -- what the bot did ------------------------------------------------------------------

    def chat_log(self, chat_id: int) -> list[ChatMessage]:
        """Snapshots of the bot's messages in a chat, oldest first, edits applied."""
        chat = self.chats.get(chat_id)
        if chat is None:
            return []
        return [copy.deepcopy(m) for m in chat.messages.values() if m.from_bot]

    def transcript(self, chat_id: int) -> list[ChatMessage]:
        """Like :meth:`chat_log` but including the user's own messages."""
        chat = self.chats.get(chat_id)
        return [copy.deepcopy(m) for m in chat.messages.values()] if chat else []

    def events(self, chat_id: int | None = None) -> list[Event]:
        return [e for e in self._events if chat_id is None or e.chat_id == chat_id]

    @property
    def last_seq(self) -> int:
        return len(self._events)

    def record_event(
        self,
        kind: str,
        chat_id: int | None,
        message_id: int | None,
        method: str,
        params: dict[str, Any],
    ) -> Event:
        event = Event(
            self.last_seq + 1, kind, chat_id, message_id, method, params, time.monotonic()
        )
        self._events.append(event)
        self.notifier.notify()
        return event

    def record_call(self, call: CallRecord) -> None:
        self.calls.append(call)
        self.stats["calls"] += 1
        self.stats["ok" if call.status == 200 else str(call.status)] += 1

    async def wait_for_events(
        self,
        after_seq: int = 0,
        count: int = 1,
        chat_id: int | None = None,
        kinds: str | Iterable[str] | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 (part of the documented test API)
    ) -> list[Event]:
        """Wait until at least ``count`` matching events with ``seq > after_seq`` exist.

        Returns all matching events. On timeout raises :class:`TimeoutError` describing what did
        arrive, which is usually enough to see why a test failed.
        """
        wanted = {kinds} if isinstance(kinds, str) else set(kinds) if kinds else None
        if wanted and not wanted <= EVENT_KINDS:
            raise ValueError(f"unknown event kinds {sorted(wanted - EVENT_KINDS)}")

        def matching() -> list[Event]:
            return [
                e
                for e in self._events[after_seq:]
                if (chat_id is None or e.chat_id == chat_id) and (not wanted or e.kind in wanted)
            ]

        try:
            await self.notifier.wait_for(lambda: len(matching()) >= count, timeout)
        except TimeoutError:
            arrived = "\n  ".join(e.describe() for e in self._events[after_seq:]) or "(none)"
            raise TimeoutError(
                f"waited {timeout}s for {count} event(s) after seq {after_seq} "
                f"(chat_id={chat_id}, kinds={sorted(wanted) if wanted else 'any'}); "
                f"{len(matching())} matched. Events since then:\n  {arrived}"
            ) from None
        return matching()

    # -- updates ---------------------------------------------------------------------------

    @property
    def pending_update_count(self) -> int:
        """Updates queued but not yet confirmed by the bot (or acknowledged by its webhook)."""
        return self.updates.pending_count

    async def wait_until_delivered(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        try:
            await self.notifier.wait_for(lambda: self.updates.pending_count == 0, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"{self.updates.pending_count} update(s) still unconfirmed after {timeout}s "
                f"(webhook: {self.webhook.url or 'none'}, "
                f"last error: {self.webhook.last_error_message})"
            ) from None

    async def wait_for_long_poll(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Return once the bot has a getUpdates request parked here, waiting for updates."""
        await self.notifier.wait_for(lambda: self.polls_waiting > 0, timeout)

    def duplicate_next_update(self) -> None:
        """The next queued update is delivered twice with the same id (crash redelivery)."""
        self.updates.duplicate_next()

    # -- fault injection -------------------------------------------------------------------

    def inject_fault(
        self,
        method: str = "sendMessage",
        count: int = 1,
        status: int = 429,
        retry_after: int | None = None,
        description: str | None = None,
        delay: float = 0.0,
        drop_connection: bool = False,
    ) -> Fault:
        """Arm a fault for the next ``count`` calls of ``method`` (``"*"`` = any but getUpdates).

        See :class:`Fault` for how ``status``, ``delay`` and ``drop_connection`` combine.
        """
        return self.faults.add(
            Fault(
                method=method.lower(),
                remaining=count,
                status=status,
                retry_after=retry_after,
                description=description,
                delay=delay,
                drop_connection=drop_connection,
            )
        )

    # -- user actions (called through FakeUser) --------------------------------------------

    def post_user_message(self, user: FakeUser, fields: dict[str, Any]) -> Update:
        known = {k: v for k, v in fields.items() if k in _MESSAGE_FIELDS}
        extra = {k: v for k, v in fields.items() if k not in _MESSAGE_FIELDS}
        message = self.chat(user.id).add(
            from_bot=False, date=self.now(), method="user", extra=extra, **known
        )
        return self.updates.push({"message": self.message_to_api(message)})

    def post_user_edit(self, user: FakeUser, message_id: int, new_text: str) -> Update:
        message = self.chat(user.id).get(message_id)
        if message is None or message.from_bot or message.deleted or message.text is None:
            raise UserActionError(f"user {user.id} has no text message {message_id} to edit")
        message.text, message.entities = new_text, command_entities(new_text)
        message.edited, message.edit_date = True, self.now()
        return self.updates.push({"edited_message": self.message_to_api(message)})

    def post_user_location_edit(
        self, user: FakeUser, message_id: int, lat: float, lon: float
    ) -> Update:
        """A live location of ``user`` moved: Telegram sends its message again, edited."""
        message = self.chat(user.id).get(message_id)
        location = (message.extra.get("location") if message is not None else None) or {}
        if message is None or message.from_bot or message.deleted or "live_period" not in location:
            raise UserActionError(f"user {user.id} has no live location {message_id} to move")
        message.extra["location"] = {**location, "latitude": lat, "longitude": lon}
        message.edited, message.edit_date = True, self.now()
        return self.updates.push({"edited_message": self.message_to_api(message)})

    def post_callback_query(self, user: FakeUser, message_id: int, data: str) -> Update:
        chat = self.chat(user.id)
        message = chat.live_bot_message(message_id)
        if message is None:
            raise UserActionError(f"no live bot message {message_id} in chat {chat.id} to press")
        query_id = f"{self.bot_id}{next(self._query_counter):08d}"
        self._callback_queries[query_id] = IssuedCallbackQuery(query_id, chat.id, message_id)
        query = {
            "id": query_id,
            "from": user.to_api(),
            "message": self.message_to_api(message),
            "chat_instance": f"{self.bot_id % 100000}{chat.id}",
            "data": data,
        }
        return self.updates.push({"callback_query": query})

    # -- updates from outside the user's own chat with the bot ----------------------------
    # What Telegram delivers to a bot that did not ask for it to be left out (no
    # ``allowed_updates``): a bot must tell them from its own private chats.

    def post_business_message(
        self,
        user: FakeUser,
        *,
        chat_id: int,
        text: str,
        connection_id: str,
        outgoing: bool = True,
        other_first_name: str = "Contact",
    ) -> Update:
        """A message in a private chat between ``user``'s business account and someone else
        (chat ``chat_id``, not the bot's), as the bot connected to that account receives it:
        ``from`` is ``user`` for a message they sent (``outgoing``), else the other party."""
        other = self.users.get(chat_id)
        other_api = (
            other.to_api()
            if other is not None
            else {"id": chat_id, "is_bot": False, "first_name": other_first_name}
        )
        chat = {"id": chat_id, "type": "private", "first_name": other_api["first_name"]}
        message = {
            "message_id": next(self._foreign_message_ids),
            "from": user.to_api() if outgoing else other_api,
            "chat": chat,
            "date": self.now(),
            "business_connection_id": connection_id,
            "text": text,
            **_entities(text),
        }
        return self.updates.push({"business_message": message})

    def post_business_connection(
        self, user: FakeUser, *, connection_id: str, enabled: bool = True
    ) -> Update:
        """``user`` connected (or disconnected) the bot to their business account."""
        connection = {
            "id": connection_id,
            "user": user.to_api(),
            "user_chat_id": user.id,
            "date": self.now(),
            "rights": {"can_reply": True},
            "is_enabled": enabled,
        }
        return self.updates.push({"business_connection": connection})

    def post_group_message(
        self, user: FakeUser, *, chat_id: int, text: str, title: str = "Group"
    ) -> Update:
        """``user`` writes in a group (``chat_id`` < 0) the bot is a member of."""
        chat = {"id": chat_id, "type": "group" if chat_id > -(10**12) else "supergroup"}
        message = {
            "message_id": next(self._foreign_message_ids),
            "from": user.to_api(),
            "chat": {**chat, "title": title},
            "date": self.now(),
            "text": text,
            **_entities(text),
        }
        return self.updates.push({"message": message})

    def post_channel_post(self, *, chat_id: int, text: str, title: str = "Channel") -> Update:
        """A post in a channel the bot administers: no ``from``, the channel is the sender."""
        chat = {"id": chat_id, "type": "channel", "title": title}
        post = {
            "message_id": next(self._foreign_message_ids),
            "sender_chat": chat,
            "chat": chat,
            "date": self.now(),
            "text": text,
        }
        return self.updates.push({"channel_post": post})

    def post_inline_query(self, user: FakeUser, query: str) -> Update:
        """``user`` typed ``@bot query`` in some chat."""
        inline = {
            "id": f"{self.bot_id}{next(self._query_counter):08d}",
            "from": user.to_api(),
            "query": query,
            "offset": "",
            "chat_type": "sender",
        }
        return self.updates.push({"inline_query": inline})

    def unanswered_callback_query(self, query_id: Any) -> IssuedCallbackQuery:
        """A callback query id we issued and the bot has not answered yet, else Telegram's 400."""
        query = self._callback_queries.get(str(query_id)) if query_id else None
        if query is None or query.answered:
            raise ApiError.bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        return query

    # -- serialisation helpers -------------------------------------------------------------

    def message_to_api(self, message: ChatMessage) -> dict[str, Any]:
        chat = self.chats[message.chat_id]
        sender = self.bot_user if message.from_bot else chat.user.to_api()
        data = message.to_api(sender, chat.to_api())
        target = chat.get(message.reply_to_message_id)
        if target is not None and not target.deleted:
            target_sender = self.bot_user if target.from_bot else chat.user.to_api()
            data["reply_to_message"] = target.to_api(target_sender, chat.to_api())
        return data

    def photo_size(self, stored: StoredFile) -> dict[str, Any]:
        """A ``PhotoSize`` for a stored image; dimensions are nominal (we never decode)."""
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": 1280,
            "height": 960,
            "file_size": stored.size,
        }

    def file_bytes(self, file_id: str) -> bytes:
        """Raw bytes of a stored file (e.g. the PDF the bot sent); ``KeyError`` if unknown."""
        stored = self.files.get(file_id)
        if stored is None:
            raise KeyError(file_id)
        return stored.data

    # -- lifecycle -------------------------------------------------------------------------

    async def close(self) -> None:
        """End pending long polls (they answer ``[]``) and stop webhook delivery."""
        self.closing = True
        self.notifier.notify()
        await self.webhook.stop()


def _entities(text: str) -> dict[str, Any]:
    entities = command_entities(text)
    return {"entities": entities} if entities else {}
