"""A referral's life: which status may follow which, written once.

    sent ──► accepted ──► completed (outcome)
      │          └──────► withdrawn
      ├──► declined (reason)
      └──► withdrawn

A referral is open while it may still move (sent, accepted); the morning agenda lists
the open ones whose follow-up has come. The move itself is one conditional UPDATE
(`storage.referrals.change_status`) that names the status the worker saw and the
statuses `to` may follow (`sources`), so a stale card, a forged move or two presses at
once change nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from storage.kinds import ReferralStatus

NEXT: Mapping[str, tuple[ReferralStatus, ...]] = {
    ReferralStatus.SENT: (
        ReferralStatus.ACCEPTED,
        ReferralStatus.DECLINED,
        ReferralStatus.WITHDRAWN,
    ),
    ReferralStatus.ACCEPTED: (ReferralStatus.COMPLETED, ReferralStatus.WITHDRAWN),
}
# Open = not final: a status that may still move.
OPEN: tuple[ReferralStatus, ...] = tuple(ReferralStatus(status) for status in NEXT)
# The moves that need words: why it was declined, what came of it.
NEEDS_TEXT: frozenset[ReferralStatus] = frozenset(
    {ReferralStatus.DECLINED, ReferralStatus.COMPLETED}
)


def allowed(current: str, to: str) -> bool:
    """Whether a referral in status `current` may move to `to`."""
    return to in NEXT.get(current, ())


def next_moves(current: str) -> tuple[ReferralStatus, ...]:
    """The statuses a referral in `current` may move to, in the card's order."""
    return NEXT.get(current, ())


def sources(to: str) -> tuple[str, ...]:
    """The statuses a referral may be in to move to `to`."""
    return tuple(current for current, moves in NEXT.items() if to in moves)


def is_open(status: str) -> bool:
    return status in NEXT
