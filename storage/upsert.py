"""Insert-or-update and insert-if-absent that work on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from storage.db import affected


def insert_statement(session: AsyncSession, model: type[DeclarativeBase]) -> Any:
    return dialect_insert(session.bind.dialect.name, model)


def dialect_insert(dialect: str, model: type[DeclarativeBase]) -> Any:
    """The dialect's own INSERT (it has ON CONFLICT) for `model`."""
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(model)


async def upsert(
    session: AsyncSession,
    model: type[DeclarativeBase],
    values: dict[str, Any],
    keys: list[str],
) -> None:
    """Insert `values`, or update the row with the same `keys` to them."""
    statement = insert_statement(session, model).values(**values)
    changed = {name: statement.excluded[name] for name in values if name not in keys}
    await session.execute(statement.on_conflict_do_update(index_elements=keys, set_=changed))


async def insert_if_absent(
    session: AsyncSession, model: type[DeclarativeBase], values: dict[str, Any], keys: list[str]
) -> bool:
    """Insert unless a row with the same `keys` exists. True when this call inserted it."""
    statement = insert_statement(session, model).values(**values)
    statement = statement.on_conflict_do_nothing(index_elements=keys)
    result = await session.execute(statement)
    return bool(affected(result))
