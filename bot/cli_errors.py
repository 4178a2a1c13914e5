"""What `caseline` says when the database or Telegram is not there: one line naming the fix.

The README promises that a failing command says what to fix in one line. The problems an
operator meets first are outside Caseline: a PostgreSQL database or role that does not
exist, a server that does not answer, a bot token Telegram rejects, a Bot API that cannot be
reached. Each is turned into one line here; none of them shows the database URL's password
or the bot token (PTB's own "The token `…` was rejected" message is never printed).

The same lines are `caseline doctor`'s (bot/cli_doctor.py) when its checks fail.

`run` and `scheduler` wait for the Bot API (getMe, backoff 1, 2, 4 … 60 s, one log line per
attempt, until SIGINT/SIGTERM); one-shot commands try once. The wait is a parameter, so
tests drive the retries without sleeping.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.logging_setup import REDACTED, RedactTokenFilter
from domain.settings import Settings
from storage.schema import Revisions

log = logging.getLogger("caseline")

TOKEN_REJECTED = "the Bot API refused CASELINE_BOT_TOKEN: copy it again from @BotFather"
FIRST_WAIT, LONGEST_WAIT = 1.0, 60.0

# Waits up to the given seconds; True when the process was asked to stop meanwhile.
Wait = Callable[[float], Awaitable[bool]]


class StartupProblem(Exception):
    """Something outside Caseline the operator has to fix; printed as one line, exit 2."""


class TokenRejected(StartupProblem):
    def __init__(self) -> None:
        super().__init__(TOKEN_REJECTED)


class BotApiUnreachable(StartupProblem):
    """Telegram's Bot API did not answer (one-shot commands give up at once)."""


# -- the database ---------------------------------------------------------------------------


def database_problem(exc: BaseException, url: str) -> str | None:
    """One line for a failure to reach the database at `url`, or None when `exc` is not one.

    Server messages such as `database "x" does not exist` name the database or role but
    never the password; the URL itself is shown as host:port only."""
    where = _where(url)
    for cause in _causes(exc):
        line = _postgres_line(cause, where)
        if line is not None:
            return line
        if isinstance(cause, ConnectionRefusedError):
            return (
                f"nothing answers at {where} (connection refused): start PostgreSQL "
                "or fix CASELINE_DATABASE_URL"
            )
        if isinstance(cause, socket.gaierror):
            return (
                f"cannot find the database server {where} (unknown host): fix CASELINE_DATABASE_URL"
            )
        if isinstance(cause, TimeoutError):
            return (
                f"the database at {where} did not answer in time: check that it runs and "
                "can be reached, or fix CASELINE_DATABASE_URL"
            )
    return None


def check_sqlite_folder(url: str) -> None:
    """A SQLite file's folder must exist before anything connects: SQLite would only say
    "unable to open database file" (and aiosqlite's thread would print a traceback after
    the event loop closed)."""
    if not url.startswith("sqlite") or "///" not in url:
        return
    database = url.split("///", 1)[1].split("?", 1)[0]
    if database in ("", ":memory:"):
        return
    folder = Path(database).expanduser().parent
    if not folder.is_dir():
        raise StartupProblem(
            f"there is no folder {folder} for the SQLite database: create it "
            "or fix CASELINE_DATABASE_URL"
        )


def schema_problem(found: Revisions) -> str | None:
    """None when the database is at this code's newest revision; else what to do."""
    if found.at_head:
        return None
    if found.current is None:
        return "the database has no schema yet: run `caseline db upgrade`"
    if found.ahead:
        return (
            f"the database schema is at {found.current}, which this Caseline does not know "
            f"(its newest is {found.head}): run the newer Caseline that upgraded it"
        )
    return (
        f"the database schema is at {found.current}, this Caseline needs {found.head}: "
        "run `caseline db upgrade`"
    )


def database_label(url: str) -> str:
    """A database URL as an operator may see it: the kind, server and database name, or
    the SQLite file; never the user or password."""
    if url.startswith("sqlite"):
        return f"sqlite {_where(url)}"
    name = urlsplit(url).path.lstrip("/") or "(default database)"
    return f"{url.split(':', 1)[0].split('+', 1)[0]} {_where(url)}/{name}"


def first_line(exc: BaseException) -> str:
    """What an exception says, in one line: a wrapped DB-API error's own message rather than
    SQLAlchemy's wrapper (which would add the statement)."""
    said = str(getattr(exc, "orig", None) or exc)
    return said.splitlines()[0] if said.strip() else type(exc).__name__


def _postgres_line(cause: BaseException, where: str) -> str | None:
    try:
        import asyncpg  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return None
    if not isinstance(cause, asyncpg.PostgresError):
        return None
    reason = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
    if isinstance(cause, asyncpg.InvalidCatalogNameError):
        return f"{reason} on {where}: create it or fix CASELINE_DATABASE_URL"
    if isinstance(cause, asyncpg.InvalidPasswordError):
        return f"{reason} on {where}: fix the password in CASELINE_DATABASE_URL"
    if isinstance(cause, asyncpg.InvalidAuthorizationSpecificationError):
        # `role "x" does not exist`, or no pg_hba.conf entry for this user and database.
        return f"{reason} on {where}: create the role, allow it, or fix CASELINE_DATABASE_URL"
    return f"the database on {where} refused: {reason}"


def _where(url: str) -> str:
    """host:port of a PostgreSQL URL (never its user or password); the file for SQLite."""
    if url.startswith("sqlite"):
        return url.split("///", 1)[-1].split("?", 1)[0] or "an in-memory SQLite database"
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return "the configured database server"
    return f"{host or 'the local socket'}:{port or 5432}"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, then what SQLAlchemy wrapped (`orig`) and what it was raised from."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        cause = todo.pop(0)
        if cause is None or id(cause) in seen:
            continue
        seen.add(id(cause))
        yield cause
        orig = getattr(cause, "orig", None)
        todo += [orig if isinstance(orig, BaseException) else None]
        todo += [cause.__cause__, cause.__context__]


# -- Telegram -------------------------------------------------------------------------------


def backoff(first: float = FIRST_WAIT, longest: float = LONGEST_WAIT) -> Iterator[float]:
    """1, 2, 4 … seconds, then `longest` for ever."""
    delay = first
    while True:
        yield min(delay, longest)
        delay *= 2


def _probe(settings: Settings, token: str) -> Bot:
    return Bot(token, base_url=settings.bot_api_url, base_file_url=settings.bot_file_api_url)


def _reason(exc: BaseException, token: str) -> str:
    """Why Telegram could not be asked, in a few words (the token masked, to be sure)."""
    if isinstance(exc, TimedOut):
        reason = "no answer in time"
    elif any(isinstance(cause, ConnectionRefusedError) for cause in _causes(exc)):
        reason = "connection refused"
    elif any(isinstance(cause, socket.gaierror) for cause in _causes(exc)):
        reason = "unknown host"
    else:
        reason = str(exc).splitlines()[0].removeprefix("httpx.") if str(exc) else repr(exc)
    return reason.replace(token, REDACTED)


def unreachable(settings: Settings, exc: BaseException, token: str) -> str:
    return (
        f"cannot reach the Bot API at {settings.bot_api_url} ({_reason(exc, token)}): "
        "check the network and CASELINE_BOT_API_URL"
    )


@asynccontextmanager
async def answering_bot(settings: Settings, token: str) -> AsyncIterator[Bot]:
    """A Bot whose getMe answered (its `username` known), shut down after the block;
    TokenRejected or BotApiUnreachable (one line each) when getMe fails."""
    bot = _probe(settings, token)
    try:
        try:
            await bot.initialize()
        except InvalidToken:
            raise TokenRejected from None
        except (NetworkError, OSError) as exc:
            raise BotApiUnreachable(unreachable(settings, exc, token)) from None
        yield bot
    finally:
        await bot.shutdown()


async def check_bot_token(settings: Settings, token: str) -> None:
    """getMe once: TokenRejected or BotApiUnreachable (one line each) unless it answers."""
    async with answering_bot(settings, token):
        pass


async def wait_for_bot_api(
    settings: Settings,
    token: str,
    wait: Wait,
    delays: Iterator[float] | None = None,
) -> bool:
    """getMe until Telegram answers (True), logging one line per failed attempt and waiting
    `delays` (default: backoff()) between them; False once `wait` reports a stop signal.
    A rejected token raises TokenRejected at once: waiting would not fix it."""
    delays = delays or backoff()
    bot = _probe(settings, token)
    try:
        for attempt, delay in enumerate(delays, start=1):
            try:
                await bot.initialize()
                return True
            except InvalidToken:
                raise TokenRejected from None
            except RetryAfter as exc:
                asked = exc.retry_after
                seconds = asked.total_seconds() if isinstance(asked, timedelta) else float(asked)
                delay, reason = max(delay, seconds), "Telegram asks to wait"
            except (NetworkError, OSError) as exc:
                reason = _reason(exc, token)
            log.warning(
                "cannot reach the Bot API at %s (%s): attempt %d, trying again in %g s",
                settings.bot_api_url,
                reason,
                attempt,
                delay,
            )
            if await wait(delay):
                return False
        return False
    finally:
        await bot.shutdown()


def wait_for_bot_api_until_signal(settings: Settings, token: str) -> bool:
    """`run` and `scheduler` before they start: wait_for_bot_api with real waits that end
    early on SIGINT/SIGTERM (then False: the caller exits cleanly)."""

    async def main() -> bool:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)

        async def wait(seconds: float) -> bool:
            try:
                await asyncio.wait_for(stop.wait(), seconds)
            except TimeoutError:
                pass
            return stop.is_set()

        try:
            answered = await wait_for_bot_api(settings, token, wait)
            return answered and not stop.is_set()
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)

    return asyncio.run(main())


def telegram_problem(exc: BaseException, settings: Settings) -> str | None:
    """One line for a Telegram error that reached `main` (e.g. PTB's own start-up getMe
    failing after ours passed), or None when `exc` is not one."""
    if isinstance(exc, InvalidToken):
        return TOKEN_REJECTED
    if isinstance(exc, NetworkError):
        return unreachable(settings, exc, settings.bot_token or "")
    if isinstance(exc, TelegramError):
        return f"Telegram answered: {_reason(exc, settings.bot_token or '')}"
    return None


def print_unexpected(exc: BaseException, secrets: list[str], stream: TextIO) -> None:
    """A bug's traceback, for whoever reports it, with every secret masked."""
    text = "".join(traceback.format_exception(exc))
    for secret in RedactTokenFilter(secrets).secrets:
        text = text.replace(secret, REDACTED)
    stream.write(text)
