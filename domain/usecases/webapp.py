"""Who is asking, for the Mini App (bot/webapp/): the worker behind signed init data.

The chat's gate (bot/gate.py) knows the worker from the update Telegram delivered; the Mini
App's requests come over plain HTTP, so the worker is known from the init data Telegram
signed for the page (domain/rules/webapp_auth.py), then looked up exactly as the gate does:
a known, active worker, with the colleagues they cover now. Every refusal is audited as
"webapp.refused" with its reason only — never the init data, never a name: forged, stale
and malformed init data name nobody (the user id in it is not to be believed), an unknown
or switched-off account is named by its Telegram id, as the gate names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain.rules.webapp_auth import Refusal, Verified, verify
from domain.work import Work
from storage import audit
from storage.workers import Actor, actor_by_telegram_id

REFUSED = "webapp.refused"
# An address past its budget of refusals (domain/rules/refusal_budget.py), once a window.
THROTTLED = "webapp.throttled"
# Reasons beside domain.rules.webapp_auth.Refusal's: signed, but not a worker (now).
UNKNOWN = "unknown"
DEACTIVATED = "deactivated"


@dataclass(frozen=True, slots=True)
class NotSignedIn:
    """The request is refused; `reason` is what the audit trail says."""

    reason: str


async def webapp_actor(work: Work, init_data: str) -> Actor | NotSignedIn:
    settings = work.settings
    now = work.clock.now()
    checked = verify(
        init_data,
        settings.require_token(),
        now=now,
        max_age=timedelta(minutes=settings.webapp_max_age_minutes),
    )
    async with work.transaction() as session:
        if isinstance(checked, Refusal):
            await audit.record(
                session, REFUSED, now=now, allowed=False, detail={"reason": checked.value}
            )
            return NotSignedIn(checked.value)
        assert isinstance(checked, Verified)
        telegram_id = checked.telegram_user_id
        worker, covering = await actor_by_telegram_id(session, telegram_id, now)
        if worker is not None and worker.active:
            return Actor.of(worker, covering)
        reason = DEACTIVATED if worker is not None else UNKNOWN
        await audit.record(
            session,
            REFUSED,
            now=now,
            telegram_id=telegram_id,
            actor_id=worker.id if worker is not None else None,
            allowed=False,
            detail={"reason": reason},
        )
        return NotSignedIn(reason)


async def turned_away(work: Work, address: str) -> None:
    """Audit that `address` is being answered 429 unheard: refused too often this minute."""
    async with work.transaction() as session:
        await audit.record(
            session,
            THROTTLED,
            now=work.clock.now(),
            allowed=False,
            detail={"address": address},
        )
