"""Clients and caseloads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.access import visible_clients
from storage.kinds import ClientStatus, Program
from storage.models import Client
from storage.workers import Actor

NAME_MAX = 200
LANGUAGE_MAX = 40
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
FREQUENCY_RANGE = range(1, 366)
CODE_PATTERN = re.compile(r"^\s*c-?\s*0*(\d{1,9})\s*$", re.IGNORECASE)


def clean_language(text: str | None) -> str | None:
    """A client's language as stored: one line, no control characters, single spaces, at
    most LANGUAGE_MAX characters; None when nothing is left."""
    if text is None:
        return None
    cleaned = " ".join(CONTROL_CHARACTERS.sub(" ", text).split())[:LANGUAGE_MAX].strip()
    return cleaned or None


def parse_code(text: str) -> int | None:
    """`C-0042`, `c42`, `C-42` → 42; anything else → None."""
    match = CODE_PATTERN.match(text)
    return int(match.group(1)) if match else None


@dataclass(frozen=True, slots=True)
class CaseloadPage:
    clients: list[Client]
    page: int
    pages: int
    total: int
    # The open clients whose next visit is overdue, of those on this page.
    overdue: frozenset[int] = frozenset()
    # What the list is narrowed to: "" (everyone), "overdue", a Program or a ClientStatus.
    only: str = ""


# What /clients can be narrowed to, besides a program or a status.
OVERDUE = "overdue"


async def create_client(
    session: AsyncSession,
    *,
    name: str,
    program: Program,
    contact_frequency_days: int,
    worker_id: int | None,
    now: datetime,
    status: ClientStatus = ClientStatus.ACTIVE,
    added_by_id: int | None = None,
) -> Client:
    """A new client row; `added_by_id` the worker who took the client in from the chat
    (the digest's intakes), None for an import."""
    if contact_frequency_days not in FREQUENCY_RANGE:
        raise ValueError("contact frequency must be 1 to 365 days")
    client = Client(
        name=name.strip()[:NAME_MAX],
        program=program,
        status=status,
        worker_id=worker_id,
        contact_frequency_days=contact_frequency_days,
        needs={},
        added_by_id=added_by_id,
        created_at=now,
        updated_at=now,
    )
    session.add(client)
    await session.flush()
    return client


async def get_visible(session: AsyncSession, actor: Actor, client_id: int) -> Client | None:
    """The client, if `actor` may see it; None both when absent and when forbidden."""
    statement = select(Client).where(Client.id == client_id, visible_clients(actor))
    return (await session.execute(statement)).scalar_one_or_none()


async def exists(session: AsyncSession, client_id: int) -> bool:
    return (await session.get(Client, client_id)) is not None


async def caseload_page(
    session: AsyncSession,
    actor: Actor,
    page: int,
    *,
    today: date,
    zone: ZoneInfo,
    only: str = "",
    page_size: int = 8,
) -> CaseloadPage:
    """The actor's own caseload: open clients whose visit is overdue first, then the most
    recently contacted, never-contacted last; `only` narrows it to the overdue, a program
    or a status (anything else: everyone)."""
    overdue = and_(Client.is_open, Client.visit_overdue(today, zone))
    where = [Client.worker_id == actor.id]
    if only == OVERDUE:
        where.append(overdue)
    elif only in set(Program):
        where.append(Client.program == only)
    elif only in set(ClientStatus):
        where.append(Client.status == only)
    else:
        only = ""
    total = (
        await session.execute(select(func.count()).select_from(Client).where(*where))
    ).scalar_one()
    pages = max(1, -(-total // page_size))
    page = min(max(page, 0), pages - 1)
    statement = (
        select(Client, overdue)
        .where(*where)
        .order_by(
            case((overdue, 0), else_=1),
            Client.last_contact_at.desc().nulls_last(),
            Client.id.desc(),
        )
        .offset(page * page_size)
        .limit(page_size)
    )
    rows = (await session.execute(statement)).tuples().all()
    return CaseloadPage(
        clients=[client for client, _ in rows],
        page=page,
        pages=pages,
        total=total,
        overdue=frozenset(client.id for client, late in rows if late),
        only=only,
    )


async def recent(session: AsyncSession, actor: Actor, limit: int = 6) -> list[Client]:
    """The actor's own open clients they worked with most recently (for quick buttons)."""
    statement = (
        select(Client)
        .where(Client.worker_id == actor.id, Client.status != ClientStatus.DISCHARGED)
        .order_by(Client.updated_at.desc(), Client.id.desc())
        .limit(limit)
    )
    return list((await session.execute(statement)).scalars())


async def search(session: AsyncSession, actor: Actor, text: str, limit: int = 8) -> list[Client]:
    """Clients the actor may see whose code is `text` or whose name contains it."""
    text = text.strip()[:100]
    client_id = parse_code(text)
    if client_id is not None:
        found = await get_visible(session, actor, client_id)
        return [found] if found else []
    if len(text) < 2:
        return []
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    statement = (
        select(Client)
        .where(
            visible_clients(actor),
            func.lower(Client.name).like(f"%{escaped}%", escape="\\"),
        )
        .order_by(Client.status == ClientStatus.DISCHARGED, Client.name, Client.id)
        .limit(limit)
    )
    return list((await session.execute(statement)).scalars())
