"""Shared helpers for the benchmarks: processes, scratch databases, statistics, tables."""

from __future__ import annotations

import asyncio
import os
import platform
import re
import resource
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Proc:
    popen: subprocess.Popen
    log: Path

    def stop(self, timeout: float = 10.0) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def spawn(args: Sequence[str], log: Path, env: dict[str, str] | None = None) -> Proc:
    handle = open(log, "wb")  # noqa: SIM115 (closed with the process)
    popen = subprocess.Popen(
        list(args),
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    return Proc(popen, log)


@contextmanager
def devserver(workdir: Path, *, rate_limits: bool = False) -> Iterator[str]:
    """``python -m devserver`` in its own process; yields the root URL (no /bot)."""
    port = free_port()
    args = [PY, "-m", "devserver", "--port", str(port)]
    if rate_limits:
        args.append("--rate-limits")
    proc = spawn(args, workdir / "devserver.log")
    try:
        deadline = time.monotonic() + 20
        while "Bot API server:" not in proc.log.read_text(errors="replace"):
            if proc.popen.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"devserver did not start: {proc.log.read_text()[-2000:]}")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.stop()


# ── databases ──────────────────────────────────────────────────────────────────


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def driverless(url: str) -> str:
    """A PostgreSQL URL as asyncpg takes it: `postgresql+asyncpg://…` → `postgresql://…`."""
    return re.sub(r"^postgresql(\+\w+)?://", "postgresql://", url)


@contextmanager
def scratch_postgres(base_url: str) -> Iterator[str]:
    """A fresh database beside ``base_url``'s (created here, dropped afterwards)."""
    import asyncpg  # noqa: PLC0415
    from sqlalchemy import make_url  # noqa: PLC0415

    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = driverless(base_url)

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    # The database's name replaced, the rest kept: a Unix socket's `?host=/var/run/…` too.
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def migrate(url: str, token: str = "1:MIGRATE") -> None:
    """``caseline db upgrade`` in a subprocess, exactly as an operator runs it."""
    env = {**os.environ, "CASELINE_DATABASE_URL": url, "CASELINE_BOT_TOKEN": token}
    subprocess.run(
        [PY, "-m", "bot.cli", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


# ── numbers ────────────────────────────────────────────────────────────────────


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def machine() -> str:
    mem = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()
    total = mem[1].split()[1] if len(mem) > 1 else "?"
    return (
        f"{time.strftime('%Y-%m-%d')}, nproc={os.cpu_count()}, RAM {total}, "
        f"Python {platform.python_version()}, {platform.machine()}"
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (readable in a terminal too)."""
    cells = [[str(c) for c in headers]] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def workdir(prefix: str) -> Path:
    path = Path(f"/tmp/caseline-{prefix}-{uuid.uuid4().hex[:6]}")
    path.mkdir(parents=True)
    return path


def cleanup(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


async def seed_field_worker(
    session: Any, team: Any, user_id: int, clients: int, *, frequency_days: int, now: Any
) -> tuple[Any, list[Any]]:
    """A worker bound to Telegram id `user_id` (living in UTC) with `clients` clients seen
    every `frequency_days`; the worker row and the client rows."""
    from storage.clients import create_client
    from storage.kinds import Program, Role
    from storage.workers import create_worker

    worker = await create_worker(
        session, name=f"Worker {user_id}", role=Role.WORKER, now=now, team=team
    )
    worker.telegram_user_id = worker.chat_id = user_id
    worker.timezone = "UTC"
    rows = [
        await create_client(
            session,
            name=f"Client {user_id}-{n}",
            program=Program.OTHER,
            contact_frequency_days=frequency_days,
            worker_id=worker.id,
            now=now,
        )
        for n in range(clients)
    ]
    return worker, rows


class ServerCPU:
    """The CPU of a PostgreSQL server on this machine, from /proc: the postmaster's, what
    it reaped of backends that ended, and its live children's (the pool's backends, the
    WAL writer, the checkpointer …). Another client of the same server would count too:
    give the benchmark a server of its own."""

    def __init__(self, postmaster: int) -> None:
        self.postmaster = postmaster

    @classmethod
    async def of_database(cls, url: str) -> ServerCPU | None:
        """The server of a PostgreSQL URL, found through one of its backends' pid; None
        if that is not a process of this machine (a remote server, a container's own pid
        space)."""
        import asyncpg  # noqa: PLC0415

        connection = await asyncpg.connect(driverless(url))
        try:
            backend_stat = _stat(await connection.fetchval("SELECT pg_backend_pid()"))
        finally:
            await connection.close()
        if backend_stat is None or backend_stat[0] != "postgres":
            return None
        postmaster = int(backend_stat[2])
        return cls(postmaster) if _stat(postmaster) is not None else None

    def now(self) -> float:
        total = 0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            stat = _stat(int(entry.name))
            if stat is None:
                continue
            if int(entry.name) == self.postmaster:
                total += sum(int(ticks) for ticks in stat[12:16])  # its own, and reaped
            elif int(stat[2]) == self.postmaster:
                total += int(stat[12]) + int(stat[13])
        return total / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (all its threads), from /proc."""
    stat = _stat(pid)
    if stat is None:
        raise ProcessLookupError(pid)
    return (int(stat[12]) + int(stat[13])) / os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    """/proc/PID/stat's fields from the state on (the name, in parentheses, can hold
    spaces): [name, state, ppid, …, utime at 12, stime, cutime, cstime]; None if gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
    except OSError:
        return None
    name = text[text.index("(") + 1 : text.rindex(")")]
    return [name, *text[text.rindex(")") + 2 :].split()]
