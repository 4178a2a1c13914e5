"""The statements every update runs, sent straight to the driver inside the session's
transaction.

Each update runs the same few statements (the gate's claim, the audit chain's insert …).
Through an `AsyncSession` a Core statement costs ~170 µs of CPU on top of the driver's own
~40 µs (bench/README.md, sessions 15 and 16): the execution context, the result's
metadata and a greenlet switch each way. A `Prepared` statement is compiled once per
dialect; on PostgreSQL its parameters go through the same type processors SQLAlchemy
would apply (so a UTC timestamp, a JSON detail and the NUL scrub are as before) and
asyncpg runs it on the connection the session holds, in the session's transaction.
SQLite keeps to the session: its driver runs in a thread, and a greenlet switch is not
what it costs.

The session's transaction must be open on the server before a statement reaches the
driver, or that statement would commit by itself: SQLAlchemy's asyncpg adapter sends
BEGIN lazily, with its own first statement, so `_driver` asks the adapter to begin when it
has not yet (an adapter attribute of SQLAlchemy 2.0, pinned below 2.1 in pyproject.toml;
tests/test_driver.py proves a raw statement rolls back with its session). A failure is
raised as SQLAlchemy raises its own, a lost connection invalidated with its pool
(tests/test_db_reconnect.py). `alone` is the one write outside a session: the inbox's
batch, a transaction by itself.

Sent this way: the inbox's batch (storage/updates.keep), the gate's claim
(updates.claim_for), the one-liner's client, last contact and note
(storage/notes.py), the audit chain's link (storage/audit_chain.chain), the dialog
state's upserts (storage/upsert.upsert) and the day's agenda (storage/agenda.py: /today
and each morning agenda). Everything else goes through the session.
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import Executable
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_dbapi as AsyncAdapt_dbapi
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.sql.compiler import SQLCompiler

from storage.db import AUTOCOMMIT, affected, without_nul

_COUNT = re.compile(r"(?:SELECT|UPDATE|DELETE|INSERT \d+) (\d+)$")


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A statement as asyncpg takes it: its SQL, and how to turn named values into its
    positional arguments and its records into rows."""

    sql: str
    names: tuple[str, ...]
    defaults: dict[str, Any]
    binds: tuple[Callable[[Any], Any] | None, ...]
    results: tuple[Callable[[Any], Any] | None, ...]

    def arguments(self, parameters: dict[str, Any]) -> list[Any]:
        values = []
        for name, process in zip(self.names, self.binds, strict=True):
            value = parameters[name] if name in parameters else self.defaults[name]
            if process is not None:
                value = process(value)
            # A str is looked at here, not in a second walk over the list: this runs for
            # every value of every statement of every update.
            values.append(value.replace("\x00", "") if type(value) is str else without_nul(value))
        return values


class Prepared:
    """A Core statement (a Select, or an Insert, Update or Delete, with or without
    RETURNING) that runs for every update: `rows` for what it returns, `run` for how many
    rows it changed. Its values are given as parameters (`bindparam`) when it runs."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: _Compiled | None = None
        self._session_only = False
        self._row: Any = None

    async def rows(self, session: AsyncSession, parameters: dict[str, Any]) -> Sequence[Any]:
        """The rows it returns; each reads by column name (`row.id`) and by position."""
        compiled = self._compile(session)
        if compiled is None:
            return (await session.execute(self.statement, parameters)).all()
        records = await _sent(session, "fetch", compiled.sql, compiled.arguments(parameters))
        if not records:
            return []
        if self._row is None:
            self._row = namedtuple("Row", list(records[0].keys()))  # type: ignore[misc]
        row, results = self._row, compiled.results
        return [
            row._make(
                value if process is None else process(value)
                for value, process in zip(record, results, strict=True)
            )
            for record in records
        ]

    async def run(self, session: AsyncSession, parameters: dict[str, Any]) -> int:
        """How many rows it changed (an INSERT … SELECT: how many it inserted)."""
        compiled = self._compile(session)
        if compiled is None:
            return affected(await session.execute(self.statement, parameters))
        status = await _sent(session, "execute", compiled.sql, compiled.arguments(parameters))
        counted = _COUNT.match(status or "")
        return int(counted.group(1)) if counted else 0

    async def alone(self, engine: AsyncEngine, rows: Sequence[dict[str, Any]]) -> None:
        """The statement once for each row's values, all of it a transaction by itself
        (autocommit): for a write that needs no BEGIN and COMMIT round trips around it
        (the inbox's batch). On PostgreSQL one round trip, however many rows."""
        compiled = self._compile_for(engine.dialect)
        async with engine.connect() as connection:
            if compiled is None:
                await connection.execution_options(isolation_level=AUTOCOMMIT)
                await connection.execute(self.statement, list(rows))
                return
            # Nothing is sent through SQLAlchemy, so its adapter never begins: the driver's
            # statements commit by themselves, and the pool's reset finds nothing to undo.
            raw = await connection.get_raw_connection()
            driver: Any = raw.driver_connection
            arguments = [compiled.arguments(row) for row in rows]
            try:
                await driver.executemany(compiled.sql, arguments)
            except _DRIVER_ERRORS as error:
                raise await _as_sqlalchemy_raises(connection, error) from error

    def _compile(self, session: AsyncSession) -> _Compiled | None:
        return self._compile_for(session.bind.dialect)

    def _compile_for(self, dialect: Dialect) -> _Compiled | None:
        """The statement for asyncpg; None where it runs through SQLAlchemy: on SQLite,
        and for a list of values given when it runs (`IN`, expanding: rendered anew for
        each length, as the access rule of someone covering a colleague has it). A list
        written into the statement (a rule's `status IN (…)`) is expanded once, here."""
        if dialect.driver != "asyncpg" or self._session_only:
            return None
        if self._compiled is None:
            compiled = self.statement.compile(dialect=dialect)  # type: ignore[attr-defined]
            assert isinstance(compiled, SQLCompiler)
            if any(bind.required or bind.callable for bind in compiled.post_compile_params):
                self._session_only = True
                return None
            self._compiled = _for_the_driver(compiled, self.statement, dialect)
        return self._compiled


def _for_the_driver(compiled: SQLCompiler, statement: Executable, dialect: Dialect) -> _Compiled:
    # Column defaults are filled in by SQLAlchemy's execution, which the driver skips: a
    # Prepared INSERT or UPDATE names every value it sets.
    assert not compiled.insert_prefetch and not compiled.update_prefetch, statement
    assert compiled.positiontup is not None
    sql, names = str(compiled), tuple(compiled.positiontup)
    # The elements of a list written into the statement, each a parameter of its own.
    listed: dict[str, Any] = {}
    listed_processors: Mapping[str, Callable[[Any], Any]] = {}
    if compiled.post_compile_params:
        given_later = {name: None for name, bind in compiled.binds.items() if bind.required}
        expanded = compiled.construct_expanded_state(given_later)
        assert expanded.positiontup is not None
        sql, names = expanded.statement, tuple(expanded.positiontup)
        listed = {name: expanded.parameters[name] for name in names if name not in compiled.binds}
        listed_processors = expanded.processors
    binds = {name: compiled.binds[name] for name in names if name in compiled.binds}
    returned = getattr(statement, "exported_columns", ())
    return _Compiled(
        sql=sql,
        names=names,
        defaults={name: bind.effective_value for name, bind in binds.items() if not bind.required}
        | listed,
        binds=tuple(
            listed_processors.get(name)
            if name in listed
            else binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in names
        ),
        results=tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in returned
        ),
    )


# What the driver raises (the adapter's own errors: from its BEGIN), and the errors of a
# connection whose protocol state is lost, which is no use any more: a terminated
# backend's notice can meet a statement half-way ("cannot switch to state …").
_DRIVER_ERRORS = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    OSError,
    AsyncAdapt_dbapi.Error,
)


async def _sent(session: AsyncSession, method: str, sql: str, arguments: list[Any]) -> Any:
    """`sql` run by the driver's `method` (fetch, execute) in the session's transaction;
    what fails there raised as SQLAlchemy raises a failure of its own statements."""
    try:
        driver = await _driver(session)
        return await getattr(driver, method)(sql, *arguments)
    except _DRIVER_ERRORS as error:
        raise await _as_sqlalchemy_raises(await session.connection(), error) from error


async def _as_sqlalchemy_raises(connection: AsyncConnection, error: Exception) -> DBAPIError:
    """`error` as SQLAlchemy would raise it: a DBAPIError around the DB-API error (what
    `bot.cli` and the error handler read), the parameters hidden; and a lost connection
    invalidated together with the pool it came from, so that a server restart costs one
    failed unit of work, not one per pooled connection (tests/test_db_reconnect.py)."""
    dialect = connection.dialect
    raw = await connection.get_raw_connection()
    broken = isinstance(error, asyncpg.InternalClientError)
    try:
        raw.dbapi_connection._handle_exception(error)  # type: ignore[union-attr]
    except Exception as translated:
        error = translated
    lost = broken or dialect.is_disconnect(cast(Any, error), raw.dbapi_connection, None)
    if lost and raw.is_valid:
        connection.sync_engine.pool._invalidate(raw, error)  # what SQLAlchemy itself does
        await connection.invalidate(error)
    return cast(
        DBAPIError,
        DBAPIError.instance(
            None,
            None,
            error,
            dialect.loaded_dbapi.Error,
            hide_parameters=True,
            connection_invalidated=lost,
            dialect=dialect,
        ),
    )


# Where a session keeps its transaction's driver connection (`session.info`).
_KEPT = "caseline.driver"


async def _driver(session: AsyncSession) -> Any:
    """The asyncpg connection under the session's, its transaction begun. Kept with the
    session for as long as its transaction lasts: finding it again through SQLAlchemy is
    two greenlet switches (~25 µs of CPU) each time."""
    transaction = session.sync_session.get_transaction()
    kept = session.info.get(_KEPT)
    if kept is not None and transaction is not None and kept[0] is transaction:
        return kept[1]
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    adapter = raw.dbapi_connection
    if not adapter._started:  # type: ignore[union-attr]
        await adapter._start_transaction()  # type: ignore[union-attr]
    session.info[_KEPT] = (session.sync_session.get_transaction(), raw.driver_connection)
    return raw.driver_connection
