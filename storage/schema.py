"""Is the database at the schema this code expects?"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from storage.db import Database
from storage.migrate import current_head, known_revisions


@dataclass(frozen=True)
class Revisions:
    """The database's Alembic revision (None: no schema yet) beside this code's newest."""

    current: str | None
    head: str | None

    @property
    def at_head(self) -> bool:
        return self.current == self.head

    @property
    def ahead(self) -> bool:
        """The database was upgraded by a newer Caseline: this code does not know its revision."""
        return self.current is not None and self.current not in known_revisions()


async def revision(db: Database) -> str | None:
    """The database's Alembic revision, or None when it has no schema yet."""
    async with db.engine.connect() as connection:
        try:
            result = await connection.execute(text("SELECT version_num FROM alembic_version"))
        except DBAPIError:
            return None
        return result.scalar_one_or_none()


async def revisions(db: Database) -> Revisions:
    return Revisions(current=await revision(db), head=current_head())


async def is_current(db: Database) -> bool:
    return (await revisions(db)).at_head
