"""Fault injection: make the next N calls of a method fail, stall or lose their connection.

This is how tests prove the bot survives Telegram having a bad day (429 storms, 5xx, timeouts,
half-open connections). Faults are checked before a method runs, so a faulted call never has a
side effect, exactly like a request Telegram rejected.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ApiError

#: ``"*"`` faults skip these: hitting the bot's own long poll would make tests order-dependent.
WILDCARD_EXEMPT = frozenset({"getupdates"})


@dataclass
class Fault:
    """One armed fault.

    Kinds, in priority order: ``drop_connection`` (after ``delay``) closes the socket without an
    answer; otherwise ``delay > 0`` stalls the call and then serves it normally; otherwise the
    call answers ``status`` with a Telegram-shaped error.
    """

    method: str  # lower-cased method name or "*"
    remaining: int
    status: int = 429
    retry_after: int | None = None
    description: str | None = None
    delay: float = 0.0
    drop_connection: bool = False

    def matches(self, method: str) -> bool:
        method = method.lower()
        if self.method == "*":
            return method not in WILDCARD_EXEMPT
        return self.method == method

    def error(self) -> ApiError | None:
        """The error to answer with, or ``None`` when the call should go through."""
        if self.drop_connection or self.delay > 0:
            return None
        return ApiError.for_status(self.status, self.description, self.retry_after)


class FaultInjector:
    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        if fault.remaining > 0:
            self._faults.append(fault)
        return fault

    def take(self, method: str) -> Fault | None:
        """Consume one shot of the oldest fault matching ``method``."""
        for fault in self._faults:
            if fault.matches(method):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        self._faults.clear()

    @property
    def armed(self) -> list[Fault]:
        return list(self._faults)
