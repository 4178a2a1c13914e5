"""Which messages the bot sent into private chats, so switching a worker off can delete them.

Every call to Telegram goes through a `RecordingRequest` (a public `BaseRequest` wrapped
around PTB's `HTTPXRequest`): answers from handlers through the Application's bot, and
reminders and digests through the outbox sender's bot. When a send succeeds, the request
notes the chat and message id in a `SentLog`, in memory only.

Nothing is written to the database from inside the request: a handler may answer while its
own transaction is open (on SQLite the one write connection), and a write from there would
wait for it forever. The log is written in its own short transaction where none is open:
after an update once `FLUSH_EVERY` ids wait or the oldest has waited `FLUSH_AFTER` (bot/app.py),
before and after each outbox drain (bot/reminders/rendering.py, so a wipe finds what this
process sent) and at shutdown. Writing after every update cost each answer a transaction
(bench/README.md, session 6). A crash loses the ids noted since the last write: those few
messages are not deleted by a later wipe. That is accepted.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from datetime import datetime

from telegram.request import BaseRequest, RequestData

from domain.clock import Clock
from storage import bot_messages
from storage.db import Database, in_session
from ui.wrapped_request import Call, WrappedRequest, chat_id_of

log = logging.getLogger(__name__)

# Methods whose answer is a message (or a list of them, or of message ids) the bot sent.
_PREFIXES = ("send", "copyMessage", "forwardMessage")
# (Answers that are not messages, like sendChatAction's `true`, are ignored anyway.)
_NOT_MESSAGES = frozenset({"sendChatAction"})
# A bound on what waits for a flush: a process that never flushes must not grow forever.
MAX_PENDING = 10_000
# After an update, the log is written once this many ids wait, or the oldest has waited
# this many seconds (real time: a batching interval, not a moment of the record).
FLUSH_EVERY = 50
FLUSH_AFTER = 10.0


class SentLog:
    """Message ids sent into private chats, waiting to be written (see the module doc)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._pending: deque[tuple[int, int, datetime]] = deque(maxlen=MAX_PENDING)
        self._oldest: float | None = None  # time.monotonic() of the oldest pending id

    def __len__(self) -> int:
        return len(self._pending)

    def note(self, chat_id: int, message_id: int) -> None:
        if not self._pending:
            self._oldest = time.monotonic()
        self._pending.append((chat_id, message_id, self.clock.now()))

    def due(self) -> bool:
        """Enough waits, or it has waited long enough, to be worth a transaction."""
        if not self._pending or self._oldest is None:
            return False
        waited = time.monotonic() - self._oldest
        return len(self._pending) >= FLUSH_EVERY or waited >= FLUSH_AFTER

    async def flush_if_due(self, db: Database) -> int:
        return await self.flush(db) if self.due() else 0

    async def flush(self, db: Database) -> int:
        """Write what was noted in one short transaction; how many. Never raises: losing
        some ids only means fewer messages deleted later, never a broken answer."""
        if not self._pending:
            return 0
        if in_session():
            return 0  # a caller's transaction is open: the next flush takes them
        batch = list(self._pending)
        self._pending.clear()
        self._oldest = None
        try:
            async with db.session() as session:
                return await bot_messages.remember(session, batch)
        except Exception as error:
            log.warning("could not record %d sent ids: %s", len(batch), type(error).__name__)
            return 0


class RecordingRequest(WrappedRequest):
    """A `BaseRequest` that passes every call to `inner` and notes the messages sent."""

    def __init__(self, inner: BaseRequest, sent: SentLog) -> None:
        super().__init__(inner)
        self.sent = sent

    async def handle(
        self, name: str, request_data: RequestData | None, call: Call
    ) -> tuple[int, bytes]:
        code, payload = await call()
        if code == 200 and name.startswith(_PREFIXES) and name not in _NOT_MESSAGES:
            try:
                self._notice(payload, request_data)
            except Exception as error:  # recording must never break an answer
                log.warning("could not note a sent message: %s", type(error).__name__)
        return code, payload

    def _notice(self, payload: bytes, request_data: RequestData | None) -> None:
        result = json.loads(payload).get("result")
        for item in result if isinstance(result, list) else [result]:
            if not isinstance(item, dict) or not isinstance(item.get("message_id"), int):
                continue
            chat = item.get("chat")
            if isinstance(chat, dict):
                if chat.get("type") == "private" and isinstance(chat.get("id"), int):
                    self.sent.note(chat["id"], item["message_id"])
                continue
            # copyMessage(s) answers with the id alone: the chat is the one asked for.
            # Private chats have the user's (positive) id; groups and channels are negative.
            chat_id = chat_id_of(request_data)
            if chat_id is not None and chat_id > 0:
                self.sent.note(chat_id, item["message_id"])
