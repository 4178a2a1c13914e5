"""Trying the bot without Telegram: `caseline devserver say|press|show|chat` plays a user of
the running devserver from the shell, against the real bot and a real database."""

from __future__ import annotations

import asyncio
import io
import socket
from urllib.parse import parse_qs

import httpx
import pytest
from sqlalchemy import select

from bot import cli
from storage.kinds import Program, Role
from storage.models import Client, Worker
from tests.harness import TOKEN

ANN = 4242


@pytest.fixture
def shell(devserver, monkeypatch, capsys):
    """`caseline …` as typed at a shell with the bot's two settings exported; returns the
    exit status, what was printed and what was said on stderr."""
    monkeypatch.setenv("CASELINE_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("CASELINE_BOT_API_URL", devserver.base_url)

    async def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = await asyncio.to_thread(cli.main, list(argv))
        printed = capsys.readouterr()
        return status, printed.out, printed.err

    return run


async def test_a_new_user_joins_and_adds_a_client_from_the_shell(harness, shell):
    code = await harness.invite_code(Role.WORKER)
    # As the README has it, one quoted argument: a code may begin with "-" (it is URL-safe
    # base64), which on its own argparse would read as an option.
    status, out, err = await shell(
        "devserver", "say", "--user", str(ANN), "--name", "Ann", f"/start {code}"
    )
    assert (status, err) == (0, "")
    assert out.startswith("── #") and "Welcome to Caseline, Ann!" in out

    status, out, _ = await shell(
        "devserver", "say", "--user", str(ANN), "/newclient Maria Gonzalez"
    )
    assert status == 0
    assert "Which program?" in out
    assert "  [1] Elderly at home" in out and "✖ Cancel" in out

    # A label (or a part of it), then a number as printed.
    status, out, _ = await shell("devserver", "press", "--user", str(ANN), "elderly")
    assert status == 0 and out.startswith("(pressed [1] Elderly at home on #")
    assert "(edited)" in out and "[2] 14 d" in out
    status, out, _ = await shell("devserver", "press", "--user", str(ANN), "2")
    assert "(pressed [2] 14 d" in out and "Save this client?" in out
    status, out, _ = await shell("devserver", "press", "--user", str(ANN), "✅ Save")
    assert status == 0 and "(toast: Saved as C-0001.)" in out and "C-0001 · Maria Gonzalez" in out

    async with harness.db.session() as session:
        [client] = (await session.execute(select(Client))).scalars()
        ann = (
            await session.execute(select(Worker).where(Worker.telegram_user_id == ANN))
        ).scalar_one()
    assert (client.name, client.program, client.worker_id) == (
        "Maria Gonzalez",
        Program.ELDERLY,
        ann.id,
    )

    status, out, _ = await shell("devserver", "show", "--user", str(ANN), "--last", "2")
    assert status == 0 and out.count("── ") == 2 and "C-0001 · Maria Gonzalez" in out


async def test_an_interactive_chat_sends_lines_and_presses_with_a_mark(harness, shell, monkeypatch):
    await harness.seed_worker(ANN, "Ann Worker")
    monkeypatch.setattr("sys.stdin", io.StringIO("/newclient Tomasz Nowak\n!Hospice\n!nope\n"))
    status, out, err = await shell("devserver", "chat", "--user", str(ANN))
    assert status == 0
    assert "Which program?" in out and "(pressed [4] Hospice on #" in out
    assert "How often" in out
    # A wrong button is one line, and the chat goes on to the end of its input.
    assert err.startswith("caseline devserver: no button 'nope' on #") and err.count("\n") == 1


async def test_what_to_fix_is_one_line(harness, shell, monkeypatch):
    status, _, err = await shell("devserver", "press", "--user", "77", "1")
    assert status == 2 and err == (
        "caseline devserver: user 77 has no chat with the bot yet: start with "
        "`caseline devserver say --user 77 /start`\n"
    )
    await harness.seed_worker(ANN, "Ann Worker")
    await shell("devserver", "say", "--user", str(ANN), "/help")
    status, _, err = await shell("devserver", "press", "--user", str(ANN), "Save")
    assert (
        status == 2
        and err == f"caseline devserver: no message in user {ANN}'s chat has buttons now\n"
    )

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        idle = f"http://127.0.0.1:{probe.getsockname()[1]}"
    status, _, err = await shell("devserver", "say", "--user", "1", "--url", idle, "hi")
    assert status == 2 and err == (
        f"caseline devserver: nothing answers at {idle}: start `caseline devserver` "
        "(or pass --url)\n"
    )
    status, _, err = await shell(
        "devserver", "say", "--user", "1", "--url", "http://10.1.1.1", "hi"
    )
    assert status == 2 and "runs on loopback" in err and err.count("\n") == 1

    # A token no bot polls with: the devserver knows no bot there.
    monkeypatch.setenv("CASELINE_BOT_TOKEN", "999:another-bot")
    status, _, err = await shell("devserver", "say", "--user", "1", "--wait", "0.5", "hi")
    assert status == 2 and "no bot has called" in err and "the same token" in err
    monkeypatch.delenv("CASELINE_BOT_TOKEN")
    status, _, err = await shell("devserver", "say", "--user", "1", "hi")
    assert status == 2 and err.startswith("caseline devserver: CASELINE_BOT_TOKEN is not set")


async def test_the_bot_stopped_is_named_after_the_wait(harness, shell):
    await harness.seed_worker(ANN, "Ann Worker")
    await shell("devserver", "say", "--user", str(ANN), "/help")
    await harness.stop()
    status, _, err = await shell("devserver", "say", "--user", str(ANN), "--wait", "0.5", "/help")
    assert status == 2 and "the bot did not fetch it within 0.5 s" in err


async def test_pressing_open_prints_the_mini_apps_address_signed_for_the_user(
    webapp_bot, db, clock, monkeypatch, capsys
):
    """A web-app button opens a page, not an answer: the shell prints the address with the
    init data Telegram would sign, which the bot's Mini App then accepts as this worker."""
    monkeypatch.setenv("CASELINE_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("CASELINE_BOT_API_URL", webapp_bot.server.base_url)
    await webapp_bot.seed_worker(ANN, "Ann Worker")
    client_id = await webapp_bot.seed_client(ANN, "Maria Gonzalez")

    async def shell(*argv: str) -> tuple[int, str]:
        capsys.readouterr()
        status = await asyncio.to_thread(cli.main, list(argv), clock=clock)
        return status, capsys.readouterr().out

    status, out = await shell("devserver", "say", "--user", str(ANN), f"/client C-{client_id:04d}")
    assert status == 0 and "🗂 Open ↗ Mini App" in out
    status, out = await shell("devserver", "press", "--user", str(ANN), "🗂 Open")
    assert status == 0 and "it opens the Mini App" in out
    address = out.strip().splitlines()[-1]
    page, _, fragment = address.partition("#")
    assert page == f"http://127.0.0.1:8090/?client={client_id}"
    signed = parse_qs(fragment)["tgWebAppData"][0]
    async with httpx.AsyncClient() as http:
        card = await http.get(
            f"http://127.0.0.1:{webapp_bot.webapp_port}/api/clients/{client_id}",
            headers={"Authorization": f"tma {signed}"},
        )
    assert card.status_code == 200 and card.json()["client"]["name"] == "Maria Gonzalez"
