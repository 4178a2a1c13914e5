"""Is the database at the schema this code expects?"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from storage.db import Database
from storage.migrate import current_head


async def revision(db: Database) -> str | None:
    """The database's Alembic revision, or None when it has no schema yet."""
    async with db.engine.connect() as connection:
        try:
            result = await connection.execute(text("SELECT version_num FROM alembic_version"))
        except DBAPIError:
            return None
        return result.scalar_one_or_none()


async def is_current(db: Database) -> bool:
    return await revision(db) == current_head()
