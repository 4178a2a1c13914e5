"""Erasing one client's personal data, as storage/personal_data.py declares it.

What stays is what figures are made of: the client's row and code, every row's dates,
kinds, statuses, ids and counts (a note stays a note of that kind on that day, a visit
keeps its verification and distance), so the digest, the trends and the EVV export count
the same before and after. What goes: the name (replaced by "Anonymised C-0042"), the
birth date, phone, address, places and positions (nulled), and every free text about the
client (set to ERASED where there was any). Home locations and note attachments are
deleted whole (a stored attachment's bytes go with its row).

Copies in the machinery are found so: reminder_outbox rows by their client_id; inbox
payloads (updates not handled yet) and persisted dialog data (drafts in progress) by
reading them all, small as they are, for the client's name or a draft about the client
(a dict whose client_id is theirs). The audit trail is never touched: it holds no names.

Runs in the caller's transaction; the caller audits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.machinery import InboxUpdate, OutboxMessage, PersistedData
from storage.models import Base, Client, ClientChange, client_code
from storage.personal_data import CODE_FIELDS, Category, Erase, Table, client_tables

ERASED = "[erased]"
# Shorter names are not looked for in copies: "Al" would match half the text there is.
SHORTEST_NEEDLE = 4


def anonymised_name(client_id: int) -> str:
    return f"Anonymised {client_code(client_id)}"


@dataclass(frozen=True, slots=True)
class Erased:
    """Rows changed or deleted, by table (tables with none left out)."""

    rows: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def rows_where(table_name: str, tables: Mapping[str, Table], client_id: int) -> Any:
    """The condition picking `table_name`'s rows of the client: its reach, followed up to
    the client (a review item's review's plan's client_id)."""
    reach = tables[table_name].reach
    assert reach is not None
    column = Base.metadata.tables[table_name].c[reach.column]
    if reach.via is None:
        return column == client_id
    parent = Base.metadata.tables[reach.via]
    return column.in_(select(parent.c.id).where(rows_where(reach.via, tables, client_id)))


def _is_long_text(column: Column[Any]) -> bool:
    return isinstance(getattr(column.type, "impl", column.type), Text)


def _is_json(column: Column[Any]) -> bool:
    return isinstance(getattr(column.type, "impl", column.type), JSON)


def _erased_value(column: Column[Any], category: Category) -> Any:
    """What a personal column holds afterwards: {} for JSON; ERASED for free text (so a
    reader sees something was there) and for a column that must hold a value; else NULL
    (a date, a position, a phone, a preferred language)."""
    if _is_json(column):
        return {}
    if column.nullable and (category != Category.HEALTH_SOCIAL or not _is_long_text(column)):
        return None
    return ERASED


async def _erase_columns(
    session: AsyncSession, name: str, table: Table, tables: Mapping[str, Table], client_id: int
) -> int:
    assert table.reach is not None
    sql_table = Base.metadata.tables[name]
    values = {
        column: _erased_value(sql_table.c[column], category)
        for column, category in table.personal.items()
    }
    if not values:
        return 0
    where = rows_where(name, tables, client_id)
    if name == "clients":
        values["name"] = anonymised_name(client_id)
    # Free text is ERASED only where there was some: an empty note stays empty.
    plain = {key: value for key, value in values.items() if value != ERASED}
    count = 0
    if plain:
        count = _affected(await session.execute(update(sql_table).where(where).values(plain)))
    for key in (key for key, value in values.items() if value == ERASED):
        column = sql_table.c[key]
        only = [where, column.is_not(None), column != "", column != ERASED]
        if name == "client_changes" and key in ("before", "after"):
            # Codes (a status, a program) are kept: the history of statuses stays right.
            only.append(ClientChange.field.not_in(CODE_FIELDS))
        changed = await session.execute(update(sql_table).where(*only).values({key: ERASED}))
        count = max(count, _affected(changed))
    return count


def _affected(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def scrub(value: Any, client_id: int, needle: str | None) -> tuple[Any, bool]:
    """`value` (JSON) with the client taken out: a string naming them becomes ERASED, a
    dict about them (its client_id is theirs) loses every string in it. Whether anything
    changed."""
    if isinstance(value, str):
        if needle and needle in value.casefold():
            return ERASED, True
        return value, False
    if isinstance(value, list):
        items = [scrub(item, client_id, needle) for item in value]
        return [item for item, _ in items], any(changed for _, changed in items)
    if isinstance(value, dict):
        if value.get("client_id") == client_id:
            return _all_strings_erased(value), True
        pairs = {key: scrub(item, client_id, needle) for key, item in value.items()}
        return {key: item for key, (item, _) in pairs.items()}, any(
            changed for _, changed in pairs.values()
        )
    return value, False


def _all_strings_erased(value: Any) -> Any:
    if isinstance(value, str):
        return ERASED
    if isinstance(value, list):
        return [_all_strings_erased(item) for item in value]
    if isinstance(value, dict):
        return {
            key: item if key == "client_id" else _all_strings_erased(item)
            for key, item in value.items()
        }
    return value


def _needle(name: str) -> str | None:
    folded = name.strip().casefold()
    return folded if len(folded) >= SHORTEST_NEEDLE else None


async def _scrub_copies(session: AsyncSession, client_id: int, name: str) -> dict[str, int]:
    needle = _needle(name)
    counts = {"reminder_outbox": 0, "inbox": 0, "persisted_data": 0}
    outbox = await session.execute(
        select(OutboxMessage).where(OutboxMessage.client_id == client_id)
    )
    for message in outbox.scalars():
        payload, changed = scrub(message.payload, client_id, needle)
        if changed:
            message.payload = payload
            counts["reminder_outbox"] += 1
    pending = await session.execute(select(InboxUpdate).where(InboxUpdate.payload.is_not(None)))
    for row in pending.scalars():
        payload, changed = scrub(row.payload, client_id, needle)
        if changed:
            row.payload = payload
            counts["inbox"] += 1
    for data in (await session.execute(select(PersistedData))).scalars():
        kept: dict[str, Any] = {}
        for key, item in data.data.items():
            _, about = scrub(item, client_id, needle)
            if not about:
                kept[key] = item
        # A draft about the client is dropped whole: a dialog finds no draft (and starts
        # again) rather than one with holes in it.
        if len(kept) != len(data.data):
            data.data = kept
            counts["persisted_data"] += 1
    return counts


async def anonymise(
    session: AsyncSession, client: Client, *, now: datetime, rule: str
) -> Erased | None:
    """Erase `client`'s personal data (see the module's words) and mark it anonymised;
    None when it already was (two schedulers on one database: the mark is claimed first,
    in one conditional UPDATE, so only one of them erases and audits)."""
    name, client_id = client.name, client.id
    claimed = await session.execute(
        update(Client)
        .where(Client.id == client_id, Client.anonymised_at.is_(None))
        .values(anonymised_at=now, anonymised_rule=rule[:60])
    )
    if _affected(claimed) != 1:
        return None
    tables = client_tables()
    counts: dict[str, int] = {}
    # Children first: a row deleted goes before what it hangs on is changed.
    for table_name in reversed(list(tables)):
        table = tables[table_name]
        if table.erase == Erase.ROWS and table.reach is not None:
            where = rows_where(table_name, tables, client_id)
            sql_table = Base.metadata.tables[table_name]
            counts[table_name] = _affected(await session.execute(delete(sql_table).where(where)))
        elif table.erase == Erase.COLUMNS and table.reach is not None:
            counts[table_name] = await _erase_columns(session, table_name, table, tables, client_id)
    counts.update(await _scrub_copies(session, client_id, name))
    await session.refresh(client)
    return Erased({table: count for table, count in counts.items() if count})
