"""Server-wide knobs shared by every bot token: identity, clock and rate-limit settings.

They live in one mutable object so runtime changes (``set_time_offset``, ``set_rate_limits``,
or the matching control routes) take effect for every :class:`BotState` immediately.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class RateLimitSettings:
    """Telegram's flood limits: ~30 messages/s per bot and ~1 message/s per chat."""

    enabled: bool = False
    overall_per_second: int = 30
    per_chat_per_second: int = 1


@dataclass
class ServerConfig:
    bot_username: str = "caseline_test_bot"
    bot_first_name: str = "Caseline"
    rate_limits: RateLimitSettings = field(default_factory=RateLimitSettings)
    time_offset: float = 0.0
    #: Seconds since the epoch before the offset: the wall clock, or a test's injected clock
    #: (``BotApiServer.follow_clock``), so message dates are on the bot's own timeline.
    time_source: Callable[[], float] = time.time

    def clock(self) -> float:
        """Seconds as Telegram would stamp them (shifted by the demo time offset)."""
        return self.time_source() + self.time_offset

    def unix_now(self) -> int:
        return int(self.clock())
