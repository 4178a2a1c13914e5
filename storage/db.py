"""Engine and session factory: the one place that knows how to reach the database."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import CursorResult, Result, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}

# The most connections one process holds to PostgreSQL.
POOL_SIZE = 30

# A pooled PostgreSQL connection unused for this long is pinged before it is handed out.
PING_AFTER_IDLE_SECONDS = 5.0


class DatabaseURLError(ValueError):
    """The configured database URL cannot be used."""


def async_url(url: str) -> URL:
    """Normalise a database URL to its async driver (`sqlite://` → `sqlite+aiosqlite://`)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseURLError(f"not a database URL: {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend not in ASYNC_DRIVERS:
        raise DatabaseURLError(
            f"unsupported database {backend!r}: use sqlite:///FILE or postgresql://HOST/DB"
        )
    return parsed.set(drivername=ASYNC_DRIVERS[backend])


def create_engine(
    url: str, *, ping_after_idle: float = PING_AFTER_IDLE_SECONDS, **kwargs: object
) -> AsyncEngine:
    parsed = async_url(url)
    # Client names travel as SQL parameters; errors and logs must not show them.
    kwargs.setdefault("hide_parameters", True)
    kwargs.setdefault("json_serializer", lambda value: json.dumps(without_nul(value)))
    if parsed.get_backend_name() == "postgresql":
        # Thirty connections at the most, as before, but each kept once opened. An
        # "overflow" connection is closed when it is handed back to a full pool: under
        # load the pool opened and closed several a second, and each new one cost
        # PostgreSQL a backend's start and every statement prepared again (bench/README.md,
        # session 18). Connections are opened only as they are needed.
        kwargs.setdefault("pool_size", POOL_SIZE)
        kwargs.setdefault("max_overflow", 0)
    elif _one_connection(parsed):
        # SQLite has one writer. With a pool, concurrent transactions of this process
        # fight for that lock in SQLite's busy handler, which sleeps and retries: the
        # unlucky waited seconds. One connection makes them queue fairly in asyncio.
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
    if _one_connection(parsed):
        create_private(sqlite_file(parsed))
    engine = create_async_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    elif not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine, ping_after_idle)
    event.listen(engine.sync_engine, "before_cursor_execute", _scrub_parameters, retval=True)
    return engine


def _ping_when_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    """Pessimistic disconnect handling where a dead connection is likely: one that sat in
    the pool (a PostgreSQL restart, a firewall dropping idle sockets). SQLAlchemy's
    pool_pre_ping pings at every checkout, which on asyncpg is three round trips (BEGIN,
    a query, ROLLBACK) per transaction; under load connections are never idle and a
    disconnect in use still invalidates the whole pool. A failed ping raises SQLAlchemy's
    documented DisconnectionError: the pool connects anew and goes on."""
    pool = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    def stamp(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise DisconnectionError(type(error).__name__) from error

    event.listen(pool, "checkin", stamp)
    event.listen(pool, "checkout", ping)


def _one_connection(parsed: URL) -> bool:
    """A SQLite file: served by one pooled connection (see create_engine)."""
    return parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")


PRIVATE_MODE = 0o600
# SQLite gives its -wal and -shm files the mode of the database file; an older file
# may still sit beside one made before the database was private.
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def sqlite_file(url: str | URL) -> Path | None:
    """The file of a SQLite URL; None for PostgreSQL, memory or a `file:` URI."""
    parsed = make_url(url) if isinstance(url, str) else url
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or database in (None, "", ":memory:"):
        return None
    assert database is not None
    if database.startswith("file:"):
        return None
    return Path(database)


def create_private(path: Path | None) -> None:
    """Create `path` empty with mode 0600 unless it exists: case records are readable by
    the account that runs Caseline only. A missing folder is left for SQLite to report."""
    if path is None or path.exists() or not path.parent.is_dir():
        return
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    except FileExistsError:
        return
    os.close(handle)
    os.chmod(path, PRIVATE_MODE)


def tighten_private(path: Path | None) -> None:
    """Make an existing SQLite database (and its journal files) 0600: a database made
    before Caseline created it private was readable by every account on the machine."""
    if path is None:
        return
    for suffix in SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.chmod(companion, PRIVATE_MODE)


def without_nul(value: Any) -> Any:
    """`value` with every U+0000 taken out of its strings.

    PostgreSQL's text and jsonb cannot hold U+0000 and refuse the whole statement (SQLite
    would store it; both drop it, so both behave alike). Telegram's apps do not send it,
    but anything can arrive: it means nothing in a note, so it is dropped rather than a
    worker's text refused. Every statement's parameters pass here, and almost none hold
    a NUL: they are only looked through then, not copied."""
    return _scrubbed(value) if _has_nul(value) else value


def _has_nul(value: Any) -> bool:
    # Loops and a tuple of types, not any() and `list | tuple`: this runs for every value
    # of every statement, and those were half as fast.
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, (list, tuple)):
        return False
    for item in value:
        if _has_nul(item):
            return True
    return False


def _scrubbed(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_scrubbed(item) for item in value)
    return value


def _scrub_parameters(
    conn: object,
    cursor: object,
    statement: str,
    parameters: Any,
    context: object,
    executemany: bool,
) -> tuple[str, Any]:
    return statement, without_nul(parameters)


def when_ended(
    session: AsyncSession, *, committed: Callable[[], None], not_committed: Callable[[], None]
) -> None:
    """Call `committed` once the session's transaction has committed, or `not_committed`
    if it ended otherwise (rolled back, or its COMMIT failed): for what joins a caller's
    transaction and cannot know at the end of its own block whether its writes stand."""
    sync = session.sync_session
    done = False
    ok = False

    def on_commit(_session: Any) -> None:
        nonlocal ok
        ok = True

    def on_end(_session: Any, transaction: Any) -> None:
        nonlocal done
        if transaction.parent is not None or done:
            return
        done = True  # told once; the listeners go with the session
        (committed if ok else not_committed)()

    event.listen(sync, "after_commit", on_commit)
    event.listen(sync, "after_transaction_end", on_end)


# The isolation level in which each statement commits by itself (SQLAlchemy's name).
AUTOCOMMIT = "AUTOCOMMIT"


def affected(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE changed. (`AsyncSession.execute` is typed to
    return a `Result`; for those statements it is the `CursorResult` that counts them.)"""
    assert isinstance(result, CursorResult)
    return result.rowcount or 0


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # WAL lets the reminder job read while a handler writes; foreign keys are off
    # by default in SQLite and we rely on them; busy_timeout waits out short locks.
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    dbapi_connection.create_function(  # type: ignore[attr-defined]
        SQLITE_SHA256_HEX, 1, sha256_hex, deterministic=True
    )


# SQLite has no sha256; the audit chain hashes a row in its own INSERT
# (storage/audit_chain.py), so each SQLite connection is given one.
SQLITE_SHA256_HEX = "caseline_sha256_hex"


def sha256_hex(text: str) -> str:
    """sha256 of an ASCII text, as 64 hexadecimal digits: the audit chain's hash, one
    definition for the rows hashed in Python (`audit_chain.row_hash`) and in SQLite."""
    return hashlib.sha256(text.encode("ascii")).hexdigest()


# The task inside a `Database.session()` block, with its database and session: a nested
# block, a Telegram call made inside one and a use case that joins it can be told apart
# from a task merely started there (it inherits the value).
_open: ContextVar[tuple[asyncio.Task[Any] | None, Database, AsyncSession] | None] = ContextVar(
    "open_session", default=None
)


def in_session() -> bool:
    """True inside a `Database.session()` block of the current task."""
    current = _open.get()
    return current is not None and current[0] is asyncio.current_task()


# What a `Database.session()` block writes at its end, just before its COMMIT
# (`before_commit`): a dict of keys to writes, in `session.info`.
_BEFORE_COMMIT = "caseline.before_commit"


def before_commit(
    session: AsyncSession, key: str, write: Callable[[AsyncSession], Awaitable[None]]
) -> bool:
    """Have `write(session)` run once, at the end of the session's `Database.session()`
    block, just before its COMMIT (a block that fails writes nothing); once per `key`,
    however often it is asked for. False for a session of no such block: the caller
    writes now instead."""
    writes = session.info.get(_BEFORE_COMMIT)
    if writes is None:
        return False
    writes.setdefault(key, write)
    return True


class NestedSessionError(RuntimeError):
    """A session opened inside another one of the same task."""


class Database:
    """Owns the engine; hands out one session per unit of work."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = create_engine(url, **engine_kwargs)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self.single_connection = _one_connection(async_url(url)) and not engine_kwargs

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits when the block ends without error.

        Nothing inside the block may wait on Telegram: the transaction would hold a
        connection (on SQLite, the one write lock) for a network round trip."""
        if in_session() and self.single_connection:
            # It would wait for the connection its own caller holds: fail now, not in 30 s.
            raise NestedSessionError("a session inside a session on a one-connection pool")
        token = None
        try:
            async with self.sessionmaker() as session, session.begin():
                writes = session.info[_BEFORE_COMMIT] = {}
                token = _open.set((asyncio.current_task(), self, session))
                yield session
                while writes:
                    await writes.pop(next(iter(writes)))(session)
        finally:
            if token is not None:
                _open.reset(token)

    async def ping(self) -> None:
        """Raises unless the database answers a trivial query (/healthz)."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """This task's open transaction, joined (it commits when its own block ends, with
        everything else of the unit of work); else a new one that commits when this block
        ends without error."""
        current = self.open_session()
        if current is not None:
            yield current
            return
        async with self.session() as session:
            yield session

    def open_session(self) -> AsyncSession | None:
        """The session of this task's open `session()` block on this database, if any:
        what a unit of work joins instead of opening a second one (domain/work.py)."""
        current = _open.get()
        if current is None or current[0] is not asyncio.current_task() or current[1] is not self:
            return None
        return current[2]

    async def dispose(self) -> None:
        await self.engine.dispose()
