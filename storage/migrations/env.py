"""Alembic environment: runs migrations over the async engine of `storage.db`."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from storage.db import create_engine
from storage.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLite alters a table by rebuilding it (batch mode); with foreign keys enforced,
        # dropping the old copy of a table that other rows point to (clients) fails. SQLite's
        # own procedure for it turns them off around the change and checks them after.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"the migration broke {len(broken)} foreign keys: {broken[:3]}")
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


async def _run_async() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "storage/migrate.py sets sqlalchemy.url"
    engine = create_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `caseline db upgrade`")

asyncio.run(_run_async())
