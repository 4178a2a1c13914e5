"""python-telegram-bot persistence in our own database.

PTB ships only pickle persistence, and ptbcontrib's SQL one targets SQLAlchemy 1.4.
This one stores conversation states and user data as JSON rows through `storage`, and
is written after every update (see `CaselineApplication.process_update`) rather than
once a minute, so a crash never loses a step a worker already answered.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from bot.clock import Clock
from storage import persistence_store
from storage.db import Database

log = logging.getLogger(__name__)

USER_SCOPE = "user"
CHAT_SCOPE = "chat"
# Effectively never: we flush ourselves after each update.
NO_INTERVAL = 24 * 3600


def _key(key: ConversationKey) -> str:
    return json.dumps(list(key))


def _unkey(text: str) -> ConversationKey:
    return tuple(json.loads(text))


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
        async with self.db.session() as session:
            await persistence_store.save_conversation(
                session, name, _key(key), new_state, self.clock.now()
            )

    async def update_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        await self._save(USER_SCOPE, str(user_id), data)

    async def _save(self, scope: str, key: str, data: dict[str, Any]) -> None:
        try:
            encoded = json.dumps(data, sort_keys=True)
        except TypeError:
            log.error("%s data for one key is not JSON-serialisable; not persisted", scope)
            return
        previous = self._written.get((scope, key))
        if previous == encoded or (previous is None and not data):
            # Unchanged, or empty for someone we never stored anything for (an
            # unknown user knocking must leave no row behind).
            return
        async with self.db.session() as session:
            await persistence_store.save_data(session, scope, key, data, self.clock.now())
        self._written[(scope, key)] = encoded

    async def drop_user_data(self, user_id: int) -> None:
        async with self.db.session() as session:
            await persistence_store.drop_data(session, USER_SCOPE, str(user_id))
        self._written.pop((USER_SCOPE, str(user_id)), None)

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
        return None
