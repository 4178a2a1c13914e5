"""Insert-or-update and insert-if-absent that work on SQLite and PostgreSQL alike."""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from storage.db import affected
from storage.driver import Prepared


def insert_statement(session: AsyncSession, model: type[DeclarativeBase]) -> Any:
    return dialect_insert(session.bind.dialect.name, model)


def dialect_insert(dialect: str, model: type[DeclarativeBase] | Table) -> Any:
    """The dialect's own INSERT (it has ON CONFLICT) for `model` (or its table)."""
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(model)


async def upsert(
    session: AsyncSession,
    model: type[DeclarativeBase],
    values: dict[str, Any],
    keys: list[str],
) -> None:
    """Insert `values`, or update the row with the same `keys` to them."""
    statement = _upsert(session.bind.dialect.name, model, tuple(values), tuple(keys))
    await statement.run(session, values)


@cache
def _upsert(
    dialect: str, model: type[DeclarativeBase], columns: tuple[str, ...], keys: tuple[str, ...]
) -> Prepared:
    """Built once per model and columns, its values as parameters, and sent to the driver:
    every dialog step upserts its state and its draft."""
    table = cast(Table, model.__table__)
    # On the table, not the entity: an ORM INSERT through the session is the ORM's bulk
    # insert, which neither counts rows nor is needed for a row no object stands for.
    statement = dialect_insert(dialect, table).values(
        {name: bindparam(name, type_=table.c[name].type) for name in columns}
    )
    changed = {name: statement.excluded[name] for name in columns if name not in keys}
    return Prepared(statement.on_conflict_do_update(index_elements=list(keys), set_=changed))


async def insert_if_absent(
    session: AsyncSession, model: type[DeclarativeBase], values: dict[str, Any], keys: list[str]
) -> bool:
    """Insert unless a row with the same `keys` exists. True when this call inserted it."""
    statement = insert_statement(session, model).values(**values)
    statement = statement.on_conflict_do_nothing(index_elements=keys)
    result = await session.execute(statement)
    return bool(affected(result))
