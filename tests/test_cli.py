"""The `caseline` command as an operator uses it, in its own process."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from storage import appointments, clients, migrate
from storage.db import Database
from storage.kinds import InteractionType, Program, Role
from storage.workers import create_worker
from tests.databases import fresh_database_url
from tests.harness import TOKEN

ROOT = Path(__file__).resolve().parent.parent


async def caseline(*args: str, env: dict[str, str], cwd: Path | None = None) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env={**os.environ, **env},
        cwd=cwd or ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, output.decode()


async def test_upgrade_admin_invite_and_friendly_errors(tmp_path):
    env = {"CASELINE_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    code, out = await caseline("invite", "--role", "worker", env=env)
    assert code == 2 and "caseline db upgrade" in out and "Traceback" not in out
    assert (await caseline("db", "upgrade", env=env))[0] == 0
    code, out = await caseline("admin", "create", "--name", "Ada Admin", env=env)
    assert code == 0
    [line] = [line for line in out.splitlines() if line.startswith("code: ")]
    assert len(line.removeprefix("code: ")) >= 32
    code, out = await caseline("invite", "--role", "supervisor", "--team", "North", env=env)
    assert code == 0 and "code: " in out
    for bad in (
        {"CASELINE_BOT_TOKEN": "nonsense"},
        {"CASELINE_BOT_API_URL": "ftp://example"},
        {"CASELINE_TIMEZONE": "Mars/Olympus"},
        {"CASELINE_DATABASE_URL": "mysql://x/y"},
    ):
        code, out = await caseline("run", env={**env, **bad})
        assert code == 2 and len(out.strip().splitlines()) == 1 and "Traceback" not in out
    code, out = await caseline("run", env=env)
    assert code == 2 and "CASELINE_BOT_TOKEN" in out


async def test_remind_once_delivers_what_is_due_and_only_once(devserver, backend, tmp_path):
    async with fresh_database_url(backend, tmp_path) as url:
        await asyncio.to_thread(migrate.upgrade, url)
        db = Database(url)
        berlin = ZoneInfo("Europe/Berlin")
        now = datetime.now(UTC)
        async with db.session() as session:
            worker = await create_worker(session, name="Wanda", role=Role.WORKER, now=now)
            worker.telegram_user_id = worker.chat_id = 701
            worker.quiet_start = worker.quiet_end = datetime.min.time()  # never quiet
            worker.days_off = frozenset()
            client = await clients.create_client(
                session,
                name="Maria",
                program=Program.ELDERLY,
                contact_frequency_days=30,
                worker_id=worker.id,
                now=now,
            )
            await appointments.schedule(
                session,
                client=client,
                worker_id=worker.id,
                starts_at=now.replace(microsecond=0)
                + (datetime.min.replace(minute=30) - datetime.min),
                duration_minutes=60,
                kind=InteractionType.HOME_VISIT,
                zone=berlin,
                now=now,
            )
        await db.dispose()
        devserver.bot(TOKEN).user(701, first_name="Wanda")
        env = {
            "CASELINE_BOT_TOKEN": TOKEN,
            "CASELINE_DATABASE_URL": url,
            "CASELINE_BOT_API_URL": devserver.base_url,
        }
        code, out = await caseline("remind", "--once", env=env)
        assert code == 0, out
        assert "1 appointment reminders" in out
        code, out = await caseline("remind", "--once", env=env)
        assert code == 0 and "0 appointment reminders" in out
        log = devserver.bot(TOKEN).chat_log(701)
        assert len([m for m in log if m.text.startswith("⏰")]) == 1


async def test_run_sets_what_it_built_out_of_the_collectors_sight():
    """`caseline run` and `caseline scheduler` freeze what they built to start (bot.cli.
    settle_heap): a full collection then walks only what the process made since. In its own
    process, since frozen objects stay frozen."""
    code = (
        "import gc\n"
        "from bot.app import build_application\n"
        "from bot.cli import settle_heap\n"
        "from domain.settings import load_settings\n"
        "from storage.db import Database\n"
        "settings = load_settings({'CASELINE_BOT_TOKEN': '1:A'})\n"
        "application = build_application(settings, Database('sqlite+aiosqlite://'))\n"
        "gc.collect()\n"
        "alive = len(gc.get_objects())\n"
        "settle_heap()\n"
        "print(alive, gc.get_freeze_count(), len(gc.get_objects(generation=2)))\n"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    alive, frozen, left = map(int, output.split())
    assert frozen >= alive * 0.95
    assert left < alive * 0.01
