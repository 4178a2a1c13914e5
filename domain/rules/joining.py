"""How often someone may try an invite code: five failures an hour, then a pause.

A code is 32 random characters, so guessing is hopeless anyway; the throttle keeps a
script from using the bot (and its audit trail) as a sounding board.
"""

from __future__ import annotations

from datetime import datetime, timedelta

JOIN_WINDOW = timedelta(hours=1)
JOIN_FAILURES_ALLOWED = 5


def window_open(since: datetime, now: datetime) -> bool:
    """The failures counted since `since` still count at `now`."""
    return now - since < JOIN_WINDOW


def throttled(failures: int) -> bool:
    """Further attempts are not checked once this many failed within the window."""
    return failures >= JOIN_FAILURES_ALLOWED
