"""A failing `caseline` command says what to fix in one line, as the README promises: no
traceback, never the bot token, never the database password.

Each case runs the command in its own process as an operator would; PostgreSQL cases ask
the test server (CASELINE_TEST_POSTGRES_URL) for a database or a role that does not exist,
a rejected token is one the local Bot API server revoked (401, as Telegram answers), an
unreachable Bot API is a closed loopback port."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot import cli_errors
from devserver.faults import Fault
from domain.settings import load_settings
from storage import migrate
from tests.databases import postgres_url

ROOT = Path(__file__).resolve().parent.parent
# Well-formed, so the settings accept it and only Telegram can reject it.
TOKEN = "4242424242:AAH-never_printed-Zq8x1Vb7Kk3Lp0Ww5Rr2"
SECRET = TOKEN.split(":")[1]
PASSWORD = "pw-never-printed-7f3a"

needs_postgres = pytest.mark.skipif(
    postgres_url() is None, reason="set CASELINE_TEST_POSTGRES_URL to run PostgreSQL cases"
)


async def caseline(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env={**os.environ, "CASELINE_BOT_TOKEN": TOKEN, **env},
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def said_in_one_line(result: tuple[int, str, str], *fragments: str) -> str:
    """The command failed (exit 2) with at most two lines on stderr, no traceback, no
    secret anywhere; returns what it said."""
    code, out, err = result
    printed = out + err
    assert code == 2, printed
    assert len(err.strip().splitlines()) <= 2, err
    assert "Traceback" not in printed
    for secret in (TOKEN, SECRET, PASSWORD):
        assert secret not in printed
    for fragment in fragments:
        assert fragment in err, err
    return err.strip()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def sqlite_env(tmp_path: Path) -> dict[str, str]:
    """An up-to-date SQLite database, so the Telegram cases get past the schema check."""
    url = f"sqlite:///{tmp_path / 'caseline.db'}"
    migrate.upgrade(url)
    return {"CASELINE_DATABASE_URL": url}


def _postgres(**parts: str) -> str:
    url = make_url(postgres_url()).set(drivername="postgresql", password=PASSWORD, **parts)
    return url.render_as_string(hide_password=False)


# -- the database -----------------------------------------------------------------------------


@needs_postgres
async def test_a_database_that_does_not_exist_is_named_with_its_fix():
    name = f"caseline_missing_{uuid.uuid4().hex[:8]}"
    env = {"CASELINE_DATABASE_URL": _postgres(database=name)}
    for command in (["db", "upgrade"], ["run"], ["remind", "--once"], ["scheduler"]):
        line = said_in_one_line(
            await caseline(*command, env=env),
            f'database "{name}" does not exist',
            "create it or fix CASELINE_DATABASE_URL",
        )
        assert line.startswith("caseline: ")


@needs_postgres
async def test_a_role_that_does_not_exist_is_named_with_its_fix():
    role = f"caseline_nobody_{uuid.uuid4().hex[:8]}"
    env = {"CASELINE_DATABASE_URL": _postgres(username=role)}
    for command in (["db", "upgrade"], ["run"]):
        said_in_one_line(
            await caseline(*command, env=env),
            f'role "{role}" does not exist',
            "CASELINE_DATABASE_URL",
        )


async def test_a_database_server_that_does_not_answer():
    port = closed_port()
    env = {"CASELINE_DATABASE_URL": f"postgresql://caseline:{PASSWORD}@127.0.0.1:{port}/x"}
    for command in (["db", "upgrade"], ["remind", "--once"], ["invite", "--role", "worker"]):
        said_in_one_line(
            await caseline(*command, env=env),
            f"nothing answers at 127.0.0.1:{port} (connection refused)",
            "CASELINE_DATABASE_URL",
        )


async def test_a_sqlite_folder_that_does_not_exist(tmp_path: Path):
    env = {"CASELINE_DATABASE_URL": f"sqlite:///{tmp_path / 'no' / 'such' / 'c.db'}"}
    said_in_one_line(
        await caseline("db", "upgrade", env=env), f"there is no folder {tmp_path / 'no'}"
    )


# -- Telegram ---------------------------------------------------------------------------------


async def test_a_token_telegram_rejects_is_never_printed(devserver, sqlite_env):
    devserver.revoke(TOKEN)
    env = {
        **sqlite_env,
        "CASELINE_BOT_API_URL": devserver.base_url,
        "CASELINE_BOT_FILE_API_URL": devserver.base_file_url,
    }
    for command in (["run"], ["scheduler"], ["remind", "--once"]):
        line = said_in_one_line(await caseline(*command, env=env))
        assert line == (
            "caseline: the Bot API refused CASELINE_BOT_TOKEN: copy it again from @BotFather"
        )


async def test_remind_once_with_the_bot_api_unreachable(sqlite_env):
    port = closed_port()
    env = {**sqlite_env, "CASELINE_BOT_API_URL": f"http://127.0.0.1:{port}/bot"}
    said_in_one_line(
        await caseline("remind", "--once", env=env),
        f"cannot reach the Bot API at http://127.0.0.1:{port}/bot (connection refused)",
        "CASELINE_BOT_API_URL",
    )


@pytest.mark.parametrize("command", ["run", "scheduler"])
async def test_run_waits_for_the_bot_api_and_stops_cleanly_on_sigterm(command, sqlite_env):
    port = closed_port()
    env = {**sqlite_env, "CASELINE_BOT_API_URL": f"http://127.0.0.1:{port}/bot"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        command,
        env={**os.environ, "CASELINE_BOT_TOKEN": TOKEN, **env},
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    try:
        first = await asyncio.wait_for(process.stderr.readline(), 60)
    finally:
        process.send_signal(signal.SIGTERM)
    out, rest = await asyncio.wait_for(process.communicate(), 60)
    printed = first.decode() + rest.decode() + out.decode()
    assert "cannot reach the Bot API" in first.decode() and "attempt 1" in first.decode()
    assert process.returncode == 0, printed
    assert "stopped before the Bot API answered" in printed
    assert "Traceback" not in printed and TOKEN not in printed and SECRET not in printed


# -- the wait itself, with no real sleep --------------------------------------------------------


def _settings(base_url: str):
    return load_settings(
        {"CASELINE_BOT_TOKEN": TOKEN, "CASELINE_BOT_API_URL": base_url, "CASELINE_DATABASE_URL": ""}
    )


class Waits:
    """The injected wait: records each delay, reports a stop signal after `stop_after`."""

    def __init__(self, stop_after: int) -> None:
        self.delays: list[float] = []
        self.stop_after = stop_after

    async def __call__(self, seconds: float) -> bool:
        self.delays.append(seconds)
        return len(self.delays) >= self.stop_after


async def test_the_wait_backs_off_to_a_minute_and_ends_on_a_stop_signal(caplog):
    settings = _settings(f"http://127.0.0.1:{closed_port()}/bot")
    waits = Waits(stop_after=9)
    assert await cli_errors.wait_for_bot_api(settings, TOKEN, waits) is False
    assert waits.delays == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    attempts = [r.getMessage() for r in caplog.records if "cannot reach" in r.getMessage()]
    assert len(attempts) == 9 and "attempt 9, trying again in 60 s" in attempts[-1]


async def test_the_wait_ends_when_telegram_answers(devserver):
    state = devserver.bot(TOKEN)
    state.faults.add(Fault("getme", remaining=2, drop_connection=True))
    state.faults.add(Fault("getme", remaining=1, status=429, retry_after=7))
    waits = Waits(stop_after=100)
    assert await cli_errors.wait_for_bot_api(_settings(devserver.base_url), TOKEN, waits)
    # Two dropped connections back off 1 s, 2 s; Telegram's "retry after 7" is obeyed.
    assert waits.delays == [1, 2, 7]


async def test_the_wait_gives_up_at_once_on_a_rejected_token(devserver):
    devserver.revoke(TOKEN)
    waits = Waits(stop_after=100)
    with pytest.raises(cli_errors.TokenRejected) as raised:
        await cli_errors.wait_for_bot_api(_settings(devserver.base_url), TOKEN, waits)
    assert waits.delays == [] and TOKEN not in str(raised.value)


async def test_a_running_bot_never_logs_its_token(devserver, sqlite_env):
    """httpx names every request URL (/bot<token>/…) and PTB logs polling errors with
    their exception: none of it may show the token, also when polling fails."""
    state = devserver.bot(TOKEN)
    env = {
        **sqlite_env,
        "CASELINE_BOT_API_URL": devserver.base_url,
        "CASELINE_BOT_FILE_API_URL": devserver.base_file_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        env={**os.environ, "CASELINE_BOT_TOKEN": TOKEN, **env},
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await state.wait_for_long_poll(timeout=60)
        state.faults.add(Fault("getupdates", remaining=1, status=502, description="Bad Gateway"))
        state.user(901, first_name="Stranger").send_text("/start")
        await state.wait_until_delivered(timeout=60)
    finally:
        process.send_signal(signal.SIGTERM)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    printed = out.decode() + err.decode()
    assert process.returncode == 0, printed
    assert "Caseline starting" in printed and "Bad Gateway" in printed  # the error was logged
    assert TOKEN not in printed and SECRET not in printed


def test_a_bugs_traceback_is_printed_with_the_token_masked():
    """Anything not foreseen still prints its traceback (someone has to fix it), but PTB
    and httpx messages name the token, plain or URL-encoded: both are masked."""
    from io import StringIO
    from urllib.parse import quote

    stream = StringIO()
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected; url /bot{quote(TOKEN)}/getMe")
    except RuntimeError as exc:
        cli_errors.print_unexpected(exc, [TOKEN], stream)
    text = stream.getvalue()
    assert "Traceback" in text and "RuntimeError" in text
    assert TOKEN not in text and SECRET not in text and text.count("<token>") == 2
