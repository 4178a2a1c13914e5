"""Joining the team with an invite code, and inviting a colleague from the chat.

Both are audit events, allowed or refused ("invite.redeem", "invite.create"). Joining is
throttled per Telegram account (domain/rules/joining.py): after five failed codes in an
hour further attempts are not checked; failures are audited once per window (the first),
successful joins always.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.languages import LANGUAGES
from domain.results import AlreadySaved, Invalid, Refused, Saved
from domain.rules.joining import throttled, window_open
from domain.rules.roles import invitable_roles
from domain.work import Work
from storage import audit, invites, join_attempts
from storage.invites import RedeemStatus
from storage.kinds import Role
from storage.models import Team, Worker
from storage.names import clean_name
from storage.workers import NAME_MAX, Actor

ROLE_REFUSED = Refused("role")
# Invalid reasons of a throttled join: the first one is answered, later ones are not.
THROTTLED = "throttled"
THROTTLED_AGAIN = "throttled_again"


@dataclass(frozen=True, slots=True)
class NewInvite:
    code: str  # the only time the code exists: show it, never store it
    role: Role
    expires_at: datetime


async def join_team(
    work: Work,
    code: str,
    *,
    telegram_user_id: int,
    chat_id: int,
    display_name: str,
    language: str | None = None,
) -> Saved[Worker] | AlreadySaved[Worker] | Invalid:
    """Redeem an invite code for this Telegram account. AlreadySaved when the account
    is an active worker already; Invalid("unknown" | "expired" | "used" | "revoked")
    otherwise, or Invalid(THROTTLED | THROTTLED_AGAIN) without checking the code after too
    many failures. A deactivated worker joining again is a new worker (storage/invites.py
    `redeem`); the event names the previous worker row.

    The display name is the Telegram account's, chosen by whoever holds it: cleaned here
    (storage/names.py) before anything stores or prints it.

    `language` is their Telegram app's, when Caseline speaks it (domain/languages.py): a
    worker who joins is spoken to in it until they choose another in /settings."""
    now = work.clock.now()
    display_name = clean_name(display_name, limit=NAME_MAX) or "Colleague"
    async with work.transaction() as session:
        attempts = await join_attempts.current(session, telegram_user_id)
        if attempts is not None and not window_open(attempts.since, now):
            attempts = None
        failures = attempts.failures if attempts is not None else 0
        if attempts is not None and throttled(failures):
            await join_attempts.save(
                session,
                telegram_user_id,
                join_attempts.JoinAttempts(attempts.since, failures + 1),
                now,
            )
            return Invalid(THROTTLED if not throttled(failures - 1) else THROTTLED_AGAIN)
        result = await invites.redeem(
            session,
            code,
            telegram_user_id=telegram_user_id,
            chat_id=chat_id,
            display_name=display_name,
            now=now,
        )
        joined = result.status in (RedeemStatus.JOINED, RedeemStatus.ALREADY_MEMBER)
        if (
            result.status == RedeemStatus.JOINED
            and result.worker is not None
            and result.worker.language is None
            and language in LANGUAGES
        ):
            result.worker.language = language
        if joined:
            await join_attempts.forget(session, telegram_user_id)
        else:
            since = attempts.since if attempts is not None else now
            await join_attempts.save(
                session, telegram_user_id, join_attempts.JoinAttempts(since, failures + 1), now
            )
        if joined or failures == 0:
            detail: dict[str, object] = {"result": result.status.value}
            if result.previous_worker_id is not None:
                detail["previous_worker_id"] = result.previous_worker_id
            await audit.record(
                session,
                "invite.redeem",
                now=now,
                telegram_id=telegram_user_id,
                actor_id=result.worker.id if result.worker else None,
                allowed=result.status == RedeemStatus.JOINED,
                detail=detail,
            )
    if result.status == RedeemStatus.JOINED and result.worker is not None:
        return Saved(result.worker)
    if result.status == RedeemStatus.ALREADY_MEMBER and result.worker is not None:
        return AlreadySaved(result.worker)
    return Invalid(result.status.value)


async def invite_colleague(work: Work, actor: Actor, role: str) -> Saved[NewInvite] | Refused:
    """A one-time code for someone of `role` to join the actor's team: supervisors
    invite workers, admins anyone (domain/rules/roles.py)."""
    now = work.clock.now()
    async with work.transaction() as session:
        if role not in invitable_roles(actor.role):
            await audit.refused(
                session, "invite.create", now=now, actor_id=actor.id, role=role[:20]
            )
            return ROLE_REFUSED
        team = await session.get(Team, actor.team_id) if actor.team_id else None
        code = await invites.create_invite(
            session, role=Role(role), now=now, team=team, created_by_id=actor.id
        )
        await audit.record(
            session, "invite.create", now=now, actor_id=actor.id, detail={"role": role}
        )
    return Saved(NewInvite(code, Role(role), now + invites.DEFAULT_TTL))
