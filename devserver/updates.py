"""The per-bot update queue with Telegram's confirmation semantics.

Telegram keeps an update until the bot *confirms* it by calling ``getUpdates`` with an offset
above its id (or until a webhook answered 2xx). Modelling exactly that is what makes
redelivery-after-crash and "did the bot really consume everything" testable.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

Update = dict[str, Any]

#: Update types Telegram leaves out unless explicitly listed in ``allowed_updates``.
_OPT_IN_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def update_type(update: Update) -> str:
    return next(key for key in update if key != "update_id")


class UpdateQueue:
    def __init__(self, on_change: Callable[[], None]) -> None:
        self._on_change = on_change
        self._next_id = 1
        self._pending: list[Update] = []
        self._duplicate_next = False
        self.allowed_updates: list[str] = []

    def push(self, payload: Update) -> Update:
        """Queue a new update (``payload`` is e.g. ``{"message": {...}}``); returns it."""
        update: Update = {"update_id": self._next_id, **payload}
        self._next_id += 1
        self._pending.append(update)
        if self._duplicate_next:
            self._duplicate_next = False
            self._pending.append(copy.deepcopy(update))
        self._on_change()
        return update

    def duplicate_next(self) -> None:
        """Deliver the next queued update twice with the same ``update_id``."""
        self._duplicate_next = True

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def confirm(self, offset: int | None) -> None:
        """Apply a ``getUpdates`` offset: forget confirmed updates (negative = keep the tail)."""
        if offset is None or offset == 0:
            return
        if offset < 0:
            self._pending = self._pending[offset:]
        else:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        self._on_change()

    def batch(self, limit: int) -> list[Update]:
        """Up to ``limit`` deliverable updates, dropping ones excluded by ``allowed_updates``."""
        self._drop_unwanted()
        return self._pending[:limit]

    def head(self) -> Update | None:
        self._drop_unwanted()
        return self._pending[0] if self._pending else None

    def acknowledge(self, update: Update) -> None:
        """A webhook answered 2xx for ``update`` (which must still be at the head)."""
        if self._pending and self._pending[0] is update:
            self._pending.pop(0)
            self._on_change()

    def clear(self) -> None:
        self._pending.clear()
        self._on_change()

    def _is_wanted(self, update: Update) -> bool:
        kind = update_type(update)
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in _OPT_IN_TYPES

    def _drop_unwanted(self) -> None:
        if any(not self._is_wanted(u) for u in self._pending):
            self._pending = [u for u in self._pending if self._is_wanted(u)]
            self._on_change()
