"""How many refused Mini App requests one address may make before it is turned away unheard.

Each refused request (forged, stale or malformed init data, an unknown account) is audited
(domain/usecases/webapp.py). Without a bound, a script could fill the audit trail and keep
the database busy checking forgeries; with one, an address past its budget is answered 429
without a database round trip, and the turning away is audited once per window. A worker
whose page is merely stale is refused once or twice and reopens it: far inside the budget.

Pure: the clock is passed in. Kept in the process's memory (one bot process serves the Mini
App); the reverse proxy's `limit_req` (deploy/nginx) bounds the request rate before it.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

# Ten refusals a minute from one address: a person reopening a page never comes near it.
ALLOWED = 10
WINDOW = timedelta(minutes=1)
# Addresses remembered at most; past it the oldest is forgotten (memory stays bounded
# whatever a flood of addresses does).
MAX_ADDRESSES = 10_000


class RefusalBudget:
    def __init__(self, allowed: int = ALLOWED, window: timedelta = WINDOW) -> None:
        self.allowed = allowed
        self.window = window
        self._refused: dict[str, deque[datetime]] = {}
        self._warned: dict[str, datetime] = {}

    def _recent(self, address: str, now: datetime) -> deque[datetime]:
        times = self._refused.get(address)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._refused[address]
        return times

    def exhausted(self, address: str, now: datetime) -> bool:
        return len(self._recent(address, now)) >= self.allowed

    def first_turned_away(self, address: str, now: datetime) -> bool:
        """True once per window for an exhausted address: the moment to audit it."""
        warned = self._warned.get(address)
        if warned is not None and warned > now - self.window:
            return False
        self._warned[address] = now
        if len(self._warned) > MAX_ADDRESSES:
            del self._warned[next(iter(self._warned))]
        return True

    def spend(self, address: str, now: datetime) -> None:
        times = self._recent(address, now)
        if address not in self._refused:
            if len(self._refused) >= MAX_ADDRESSES:
                del self._refused[next(iter(self._refused))]
            self._refused[address] = times
        times.append(now)
