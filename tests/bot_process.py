"""`caseline run` in its own process, as an operator (or systemd) starts it, talking to the
local Bot API server."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from devserver import BotApiServer
from tests.harness import TOKEN

ROOT = Path(__file__).resolve().parent.parent


class BotProcess:
    """`caseline ARGS…` (`run` unless told) with the test's server and database; `env` adds
    settings, `prefix` comes before the interpreter (a wrapper that execs it)."""

    def __init__(
        self,
        server: BotApiServer,
        db_url: str,
        log_path: Path,
        args: Sequence[str] = ("run",),
        *,
        env: dict[str, str] | None = None,
        prefix: Sequence[str] = (),
    ) -> None:
        self.env = {
            **os.environ,
            "CASELINE_BOT_TOKEN": TOKEN,
            "CASELINE_DATABASE_URL": db_url,
            "CASELINE_BOT_API_URL": server.base_url,
            "CASELINE_BOT_FILE_API_URL": server.base_file_url,
            "CASELINE_TIMEZONE": "Europe/Berlin",
            **(env or {}),
        }
        self.command = [*prefix, sys.executable, "-m", "bot.cli", *args]
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            *self.command, env=self.env, stdout=log, stderr=log, cwd=ROOT
        )

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def terminate(self) -> None:
        if self.process and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                await self.kill()
