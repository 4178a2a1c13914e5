"""`caseline worker …` and `caseline invite list|revoke` as an operator runs them: exit
code, output, what the database holds afterwards and the audit (via=cli)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.cli import main
from storage import invites, migrate
from storage.clients import create_client
from storage.db import Database
from storage.kinds import Program, Role
from storage.machinery import AuditEvent
from storage.models import Client, Invite, Worker
from storage.workers import create_worker, get_or_create_team
from tests.databases import fresh_database_url


@pytest.fixture
async def shell(backend, tmp_path, monkeypatch):
    """A migrated database with North (Ada admin, Wanda and two Wills, Sue supervisor)
    and South (Sam supervisor); Wanda holds one client. `run(*args)` runs `caseline`."""
    async with fresh_database_url(backend, tmp_path) as url:
        await asyncio.to_thread(migrate.upgrade, url)
        monkeypatch.setenv("CASELINE_DATABASE_URL", url)
        monkeypatch.delenv("CASELINE_BOT_TOKEN", raising=False)
        db = Database(url)
        now = datetime.now(UTC)
        ids = {}
        async with db.session() as session:
            north = await get_or_create_team(session, "North", now)
            south = await get_or_create_team(session, "South", now)
            for key, name, role, team in (
                ("ada", "Ada Admin", Role.ADMIN, north),
                ("wanda", "Wanda \u202eWorker", Role.WORKER, north),
                ("will", "Will Weber", Role.WORKER, north),
                ("will2", "Will Wolf", Role.WORKER, north),
                ("sue", "Sue Supervisor", Role.SUPERVISOR, north),
                ("sam", "Sam South", Role.SUPERVISOR, south),
            ):
                worker = await create_worker(session, name=name, role=role, now=now, team=team)
                ids[key] = worker.id
            client = await create_client(
                session,
                name="Maria Gonzalez",
                program=Program.ELDERLY,
                contact_frequency_days=14,
                worker_id=ids["wanda"],
                now=now,
            )
            ids["client"] = client.id
        root = logging.getLogger()
        handlers, level = root.handlers[:], root.level
        try:
            yield db, ids
        finally:
            # main() points logging at the captured stderr of this test: put it back.
            root.handlers[:] = handlers
            root.setLevel(level)
            await db.dispose()


async def run(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = await asyncio.to_thread(main, list(args))
    out, err = capsys.readouterr()
    return code, out, err


async def _events(db: Database, action: str) -> list[AuditEvent]:
    async with db.session() as session:
        statement = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list((await session.execute(statement)).scalars())


async def test_worker_list_shows_everyone_with_clean_names(shell, capsys):
    db, ids = shell
    code, out, err = await run(capsys, "worker", "list")
    assert code == 0 and not err
    assert "\u202e" not in out and "Wanda Worker" in out
    wanda = next(line for line in out.splitlines() if "Wanda" in line)
    assert "worker" in wanda and "North" in wanda and "active" in wanda and wanda.endswith("1")
    [event] = await _events(db, "people.list")
    assert event.actor_worker_id is None and event.detail == {"via": "cli"}


async def test_deactivate_needs_clients_to_then_hands_over_and_switches_off(shell, capsys):
    db, ids = shell
    code, out, err = await run(capsys, "worker", "deactivate", "wanda")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "1 client" in err and "--clients-to" in err
    code, out, err = await run(capsys, "worker", "deactivate", "wanda", "--clients-to", "will")
    assert code == 2 and "fits several people" in err
    assert f"{ids['will']}" in err and f"{ids['will2']}" in err
    code, out, err = await run(capsys, "worker", "deactivate", "wanda", "--clients-to", "Sam South")
    assert code == 2 and "--clients-to must be" in err
    code, out, err = await run(
        capsys, "worker", "deactivate", "Wanda Worker", "--clients-to", "supervisor"
    )
    assert code == 0 and not err
    assert "deactivated" in out and "1 client(s) handed to Sue Supervisor" in out
    async with db.session() as session:
        wanda = await session.get(Worker, ids["wanda"])
        client = await session.get(Client, ids["client"])
        assert not wanda.active and wanda.deactivated_at is not None
        assert client.worker_id == ids["sue"]
    [event] = await _events(db, "worker.deactivate")
    assert event.subject_id == ids["wanda"] and event.detail["via"] == "cli"
    assert event.detail["clients_to"] == ids["sue"]
    [transfer] = await _events(db, "client.transfer")
    assert transfer.client_id == ids["client"] and transfer.detail["via"] == "cli"

    code, out, err = await run(capsys, "worker", "reactivate", str(ids["wanda"]))
    assert code == 0 and "reactivated" in out
    assert len(await _events(db, "worker.reactivate")) == 1


async def test_the_last_admin_cannot_be_switched_off_or_demoted(shell, capsys):
    db, ids = shell
    for args in (("deactivate", "Ada"), ("role", "Ada", "--role", "worker")):
        code, out, err = await run(capsys, "worker", *args)
        assert code == 2 and "last active admin" in err and len(err.splitlines()) == 1
    code, out, err = await run(capsys, "worker", "role", "Sue", "--role", "admin")
    assert code == 0 and "now admin" in out
    [event] = await _events(db, "worker.role")
    assert event.detail == {
        "before": {"role": "supervisor"},
        "after": {"role": "admin"},
        "via": "cli",
    }


async def test_move_keeps_the_clients_in_the_old_team(shell, capsys):
    db, ids = shell
    code, out, err = await run(
        capsys, "worker", "move", "Wanda", "--team", "East", "--clients-to", "Will Weber"
    )
    assert code == 0, err
    async with db.session() as session:
        client = await session.get(Client, ids["client"])
        wanda = await session.get(Worker, ids["wanda"])
        assert client.worker_id == ids["will"]
        team = wanda.team_id
    [event] = await _events(db, "worker.move")
    assert event.detail["before"] == {"team": "North"} and event.detail["after"] == {"team": "East"}
    assert team is not None
    code, out, err = await run(capsys, "worker", "move", "nobody-here", "--team", "East")
    assert code == 2 and "no worker matches" in err


async def test_invite_list_and_revoke_and_the_old_invite_command(shell, capsys):
    db, ids = shell
    code, out, err = await run(capsys, "invite", "--role", "worker", "--team", "North")
    assert code == 0 and "code: " in out
    secret = next(line for line in out.splitlines() if line.startswith("code: "))[6:]
    code, out, err = await run(capsys, "invite")
    assert code == 2 and "--role" in err
    code, out, err = await run(capsys, "invite", "list")
    assert code == 0 and secret not in out
    header, line = out.splitlines()
    assert header.split()[:3] == ["id", "role", "team"]
    invite_id = int(line.split()[0])
    assert "worker" in line and "North" in line
    code, out, err = await run(capsys, "invite", "revoke", str(invite_id))
    assert code == 0 and "revoked" in out
    code, out, err = await run(capsys, "invite", "revoke", str(invite_id))
    assert code == 2 and len(err.splitlines()) == 1
    code, out, err = await run(capsys, "invite", "revoke", "999")
    assert code == 2 and "no invite 999" in err
    code, out, err = await run(capsys, "invite", "list")
    assert out.strip() == "no unused invites"
    async with db.session() as session:
        invite = await session.get(Invite, invite_id)
        assert invite.revoked_at is not None and invite.revoked_by_id is None
        redeemed = await invites.redeem(
            session,
            secret,
            telegram_user_id=77,
            chat_id=77,
            display_name="X",
            now=datetime.now(UTC),
        )
    assert redeemed.status == invites.RedeemStatus.REVOKED
    [event] = await _events(db, "invite.revoke")
    assert event.allowed and event.detail["via"] == "cli"
