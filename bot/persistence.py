"""python-telegram-bot persistence in our own database.

PTB ships only pickle persistence, and ptbcontrib's SQL one targets SQLAlchemy 1.4.
This one stores conversation states and user data as JSON rows through `storage`, and
is written after every update (see `CaselineApplication.update_persistence`) rather than
once a minute, so a crash never loses a step a worker already answered.

PTB hands over a step's new conversation state and the user's draft as separate,
concurrently gathered calls. Written as they come, a crash between the two left a
dialog one step on with the draft a step behind (the worker's answer lost). So the
calls only stage, and `write_pending` writes everything staged in one transaction.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from domain.clock import Clock
from storage import persistence_store
from storage.db import Database, when_ended

log = logging.getLogger(__name__)

# PTB's own names for these live in a private module; the shapes are its documented ones
# (BasePersistence.get_conversations / update_conversation).
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]

USER_SCOPE = "user"
CHAT_SCOPE = "chat"
# Effectively never: we flush ourselves after each update.
NO_INTERVAL = 24 * 3600


class _Drop:
    """The type of `_DROP`, so a staged value is a user's data or this marker."""


# A staged user-data value meaning "delete the row".
_DROP = _Drop()


def _key(key: ConversationKey) -> str:
    return json.dumps(list(key))


def _unkey(text: str) -> ConversationKey:
    return tuple(json.loads(text))


def _mine(row: tuple[str, str], user_id: int) -> bool:
    """A row of this user: their data, or a conversation whose key holds their id (in a
    private chat the chat's id is the user's)."""
    scope, key = row
    if scope == USER_SCOPE:
        return key == str(user_id)
    return user_id in _unkey(key)


def _take(staged: dict[tuple[str, str], Any], user_id: int | None) -> dict[tuple[str, str], Any]:
    """Remove and return the staged rows (all, or only `user_id`'s)."""
    rows = [row for row in staged if user_id is None or _mine(row, user_id)]
    return {row: staged.pop(row) for row in rows}


class SQLPersistence(BasePersistence[dict[str, Any], dict[str, Any], dict[str, Any]]):
    def __init__(self, db: Database, clock: Clock) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=NO_INTERVAL,
        )
        self.db = db
        self.clock = clock
        # The JSON last written per row: PTB hands us every touched user's data after
        # each update, and most updates change nothing in it.
        self._written: dict[tuple[str, str], str] = {}
        # Staged since the last write, the newest value per row.
        self._conversations: dict[tuple[str, str], object | None] = {}
        self._data: dict[tuple[str, str], dict[str, Any] | _Drop] = {}
        self._write_lock = asyncio.Lock()

    async def get_user_data(self) -> dict[int, dict[str, Any]]:
        async with self.db.session() as session:
            rows = await persistence_store.load_data(session, USER_SCOPE)
        for key, data in rows.items():
            self._written[(USER_SCOPE, key)] = json.dumps(data, sort_keys=True)
        return {int(key): data for key, data in rows.items()}

    async def get_chat_data(self) -> dict[int, dict[str, Any]]:
        return {}

    async def get_bot_data(self) -> dict[str, Any]:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        async with self.db.session() as session:
            rows = await persistence_store.load_conversations(session, name)
        return {_unkey(key): state for key, state in rows.items()}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        self._conversations[(name, _key(key))] = new_state

    async def update_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        self._data[(USER_SCOPE, str(user_id))] = data

    async def drop_user_data(self, user_id: int) -> None:
        self._data[(USER_SCOPE, str(user_id))] = _DROP

    async def write_pending(self, user_id: int | None = None) -> None:
        """What is staged since the last call — only `user_id`'s rows when given (an
        update writes its own worker's, in its own transaction) — in one transaction,
        joining the caller's. Rows count as written once that transaction commits; if it
        does not (here or in the caller), they are staged again, under anything staged
        meanwhile, for the next call."""
        conversations: dict[tuple[str, str], Any] = {}
        staged: dict[tuple[str, str], Any] = {}
        data: dict[tuple[str, str], Any] = {}
        hooked = False

        def restage() -> None:
            self._conversations = {**conversations, **self._conversations}
            self._data = {**{row: staged[row] for row in data}, **self._data}

        try:
            async with self.db.transaction() as session:
                # The connection before the lock: an update's transaction holds its
                # connection while it waits here, so whoever holds the lock must already
                # have one too (with SQLite's one connection, the other order deadlocks).
                await session.connection()
                async with self._write_lock:
                    conversations = _take(self._conversations, user_id)
                    staged = _take(self._data, user_id)
                    data = {
                        row: encoded
                        for row, value in staged.items()
                        if (encoded := self._encode(row, value))
                    }
                    now = self.clock.now()
                    for (name, key), state in conversations.items():
                        await persistence_store.save_conversation(session, name, key, state, now)
                    for scope, key in data:
                        # `_encode` gave `_DROP` for exactly the staged `_DROP`s.
                        value = staged[(scope, key)]
                        if isinstance(value, _Drop):
                            await persistence_store.drop_data(session, scope, key)
                        else:
                            await persistence_store.save_data(session, scope, key, value, now)
                    if conversations or data:
                        # Nothing written, nothing to restage: no listeners to add (adding
                        # them was about a hundredth of an answer's CPU).
                        when_ended(
                            session,
                            committed=lambda: self._mark_written(data),
                            not_committed=restage,
                        )
                    hooked = True
        except BaseException:
            if not hooked:
                restage()
            raise

    def _mark_written(self, data: dict[tuple[str, str], Any]) -> None:
        for row, encoded in data.items():
            if encoded is _DROP:
                self._written.pop(row, None)
            else:
                self._written[row] = encoded

    def _encode(self, row: tuple[str, str], value: object) -> Any:
        """The JSON to write for a staged value, `_DROP` to delete the row, or None
        when there is nothing to write."""
        if value is _DROP:
            return _DROP
        try:
            encoded = json.dumps(value, sort_keys=True)
        except TypeError:
            log.error("%s data for one key is not JSON-serialisable; not persisted", row[0])
            return None
        previous = self._written.get(row)
        if previous == encoded or (previous is None and not value):
            # Unchanged, or empty for someone we never stored anything for (an
            # unknown user knocking must leave no row behind).
            return None
        return encoded

    async def update_chat_data(self, chat_id: int, data: dict[str, Any]) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def update_bot_data(self, data: dict[str, Any]) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: dict[str, Any]) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[str, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[str, Any]) -> None:
        return None

    async def flush(self) -> None:
        # The last write at shutdown; the one just before it already reported a failure.
        try:
            await self.write_pending()
        except Exception as error:
            log.error("persistence: staged rows not written at shutdown: %s", type(error).__name__)
