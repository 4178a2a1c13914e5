"""Single-use invites. The code travels once (CLI output or a chat message) and only
its SHA-256 is stored, so a database leak does not hand out accounts."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import affected
from storage.kinds import Role
from storage.models import Invite, Team, Worker
from storage.workers import create_worker

DEFAULT_TTL = timedelta(days=7)
# 32 URL-safe characters (192 bits): fits Telegram's 64-character /start payload.
CODE_BYTES = 24


class RedeemStatus(StrEnum):
    JOINED = "joined"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"
    ALREADY_MEMBER = "already_member"


@dataclass(frozen=True, slots=True)
class Redeemed:
    status: RedeemStatus
    worker: Worker | None = None
    # The deactivated worker row this Telegram account had before joining again.
    previous_worker_id: int | None = None


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


async def create_invite(
    session: AsyncSession,
    *,
    role: Role,
    now: datetime,
    team: Team | None = None,
    name: str | None = None,
    worker: Worker | None = None,
    created_by_id: int | None = None,
    ttl: timedelta = DEFAULT_TTL,
) -> str:
    """Store a new invite and return its code (the only time the code exists)."""
    code = new_code()
    session.add(
        Invite(
            code_hash=hash_code(code),
            role=role,
            team_id=team.id if team else None,
            worker_id=worker.id if worker else None,
            name=name,
            created_by_id=created_by_id,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    await session.flush()
    return code


async def redeem(
    session: AsyncSession,
    code: str,
    *,
    telegram_user_id: int,
    chat_id: int,
    display_name: str,
    now: datetime,
) -> Redeemed:
    """Bind a Telegram account through an invite. Safe against two redeemers racing:
    the invite is claimed with a conditional UPDATE, so only one of them wins.

    A re-invite never resurrects old access: a deactivated worker who joins again gets a
    NEW worker row with the invite's role and team and no clients; the old row keeps its
    history, stays deactivated and gives up the Telegram ids (`previous_worker_id`)."""
    existing = (
        await session.execute(select(Worker).where(Worker.telegram_user_id == telegram_user_id))
    ).scalar_one_or_none()
    if existing is not None and existing.active:
        return Redeemed(RedeemStatus.ALREADY_MEMBER, existing)
    invite = (
        await session.execute(select(Invite).where(Invite.code_hash == hash_code(code)))
    ).scalar_one_or_none()
    if invite is None:
        return Redeemed(RedeemStatus.UNKNOWN)
    if invite.used_at is not None:
        return Redeemed(RedeemStatus.USED)
    if invite.revoked_at is not None:
        return Redeemed(RedeemStatus.REVOKED)
    if invite.expires_at <= now:
        return Redeemed(RedeemStatus.EXPIRED)
    claimed = await session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None), Invite.revoked_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if affected(claimed) != 1:
        await session.refresh(invite)
        return Redeemed(RedeemStatus.REVOKED if invite.revoked_at else RedeemStatus.USED)
    previous_id = None
    if existing is not None and existing.id != invite.worker_id:
        previous_id = existing.id
        existing.telegram_user_id = None
        existing.chat_id = None
        await session.flush()
    if invite.worker_id is not None:
        worker = await session.get(Worker, invite.worker_id)
        assert worker is not None
    else:
        worker = await create_worker(
            session, name=invite.name or display_name, role=Role(invite.role), now=now
        )
        worker.team_id = invite.team_id
    worker.telegram_user_id = telegram_user_id
    worker.chat_id = chat_id
    worker.active = True
    worker.deactivated_at = None
    await session.flush()
    await session.execute(
        update(Invite).where(Invite.id == invite.id).values(used_by_worker_id=worker.id)
    )
    return Redeemed(RedeemStatus.JOINED, worker, previous_id)
