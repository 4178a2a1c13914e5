"""Server-wide knobs shared by every bot token: identity, clock and rate-limit settings.

They live in one mutable object so runtime changes (``set_time_offset``, ``set_rate_limits``,
or the matching control routes) take effect for every :class:`BotState` immediately.
"""

from __future__ import annotations

import time
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

    def clock(self) -> float:
        """Wall-clock seconds as Telegram would stamp them (shifted by the demo time offset)."""
        return time.time() + self.time_offset

    def unix_now(self) -> int:
        return int(self.clock())
