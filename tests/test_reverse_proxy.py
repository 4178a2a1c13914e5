"""Webhook mode behind the nginx configuration that ships (deploy/nginx/): Debian's real
nginx, as this user on loopback, in front of a real `caseline run` started as
deploy/caseline.service starts it, with the local Bot API server calling the webhook as
Telegram does.

A worker's /start travels Bot API server → nginx → bot and is answered. A forged update —
no secret, a wrong one, the right one over plain HTTP, a body too big, another path — is
refused by nginx and never reaches the bot; sent to the bot directly, past nginx, the bot
refuses it too.

The bot runs with no writable-and-executable memory, as caseline.service's
MemoryDenyWriteExecute=yes has it (tests/mdwe_exec.py, on Linux 6.3 and later).

nginx serves caseline.conf itself, with its own locations file included unchanged; only
what a loopback test cannot have differs: ports, no IPv6, no certificate (the TLS part is
checked by `nginx -t` below). Without nginx at /usr/sbin/nginx the tests are skipped,
saying so; under CI (CI=true) they fail instead, since `.ci/run` installs it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pwd
import re
import secrets
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from storage import migrate
from storage.db import Database
from storage.invites import create_invite
from storage.kinds import Role
from storage.machinery import InboxUpdate
from storage.workers import get_or_create_team
from tests.bot_process import ROOT, BotProcess
from tests.ci import require
from tests.databases import fresh_database_url
from tests.deploy_files import (
    DEPLOY,
    LOCATIONS,
    SITE,
    caseline_args,
    replace_once,
    unit_settings,
    upstream_address,
    webhook_path,
)
from tests.harness import TOKEN

NGINX = Path("/usr/sbin/nginx")
OPENSSL = Path("/usr/bin/openssl")
BOT_UNIT = DEPLOY / "caseline.service"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WAIT = 30.0
# Update ids far above the local server's own.
FORGED, PAST_NGINX = 900_000_001, 900_000_002
SNIPPET_INCLUDE = "include /etc/nginx/snippets/caseline-locations.conf;"


@pytest.fixture
def nginx_binary() -> Path:
    missing = [] if NGINX.exists() else [f"no nginx at {NGINX} (apt-get install nginx)"]
    require(missing, "the reverse proxy test")
    return NGINX


def _metrics_on(args: list[str], port: int) -> list[str]:
    """The unit's arguments with its --metrics-port moved to a free port (tests run beside
    other processes; the unit's own 9464 may be taken)."""
    at = args.index("--metrics-port") + 1
    return [*args[:at], str(port), *args[at + 1 :]]


def _free_ports(count: int) -> list[int]:
    """Ports nothing listens on, all different (each probe is held until all are chosen)."""
    with contextlib.ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]


def served_site(
    *, http_port: int, https_port: int, bot_port: int, secret: str, webapp_port: int = 0
) -> str:
    """caseline.conf as this test serves it: its two server blocks on loopback ports,
    without IPv6 and TLS, proxying to the test's bot, with the test's secret."""
    site = SITE.read_text()
    site = replace_once(site, f"server {upstream_address()};", f"server 127.0.0.1:{bot_port};")
    if webapp_port:
        webapp = upstream_address("caseline_webapp")
        site = replace_once(site, f"server {webapp};", f"server 127.0.0.1:{webapp_port};")
    site = replace_once(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = replace_once(site, "listen 443 ssl;", f"listen 127.0.0.1:{https_port};")
    site = replace_once(site, '"CHANGE-ME"', f'"{secret}"')
    site = replace_once(site, SNIPPET_INCLUDE, f"include {LOCATIONS};")
    kept = [line for line in site.splitlines() if not re.match(r"\s*(listen \[::\]|ssl_)", line)]
    return "\n".join(kept) + "\n"


def main_config(home: Path, site: Path) -> str:
    """Debian's /etc/nginx/nginx.conf reduced to what the site needs, every path in `home`;
    the access log says which requests reached the bot ($upstream_status)."""
    # Started as root, nginx's workers would switch to `nobody`, who cannot enter tmp_path.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    return f"""{user}daemon off;
worker_processes 1;
pid {home}/nginx.pid;
error_log {home}/error.log notice;
events {{
    worker_connections 64;
}}
http {{
    log_format proxied '$request_method $request_uri $status $upstream_status';
    access_log {home}/access.log proxied;
    client_body_temp_path {home}/body;
    proxy_temp_path {home}/proxy;
    fastcgi_temp_path {home}/fastcgi;
    uwsgi_temp_path {home}/uwsgi;
    scgi_temp_path {home}/scgi;
    include {site};
}}
"""


def write_config(home: Path, site: str) -> Path:
    home.mkdir()
    (home / "caseline.conf").write_text(site)
    config = home / "nginx.conf"
    config.write_text(main_config(home, home / "caseline.conf"))
    return config


async def _listening(port: int, process: asyncio.subprocess.Process, name: str) -> None:
    """Until `port` accepts connections (a readiness poll), or the process ended."""
    async with asyncio.timeout(WAIT):
        while True:
            if process.returncode is not None:
                raise AssertionError(f"{name} exited with {process.returncode} before listening")
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.02)
                continue
            writer.close()
            await writer.wait_closed()
            return


@asynccontextmanager
async def nginx_serving(home: Path, site: str, ports: list[int]) -> AsyncIterator[Path]:
    config = write_config(home, site)
    with (home / "stderr.log").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            str(NGINX), "-p", str(home), "-c", str(config), "-e", str(home / "error.log"),
            stdout=log, stderr=log,
        )  # fmt: skip
    try:
        try:
            for port in ports:
                await _listening(port, process, "nginx")
        except AssertionError as error:
            raise AssertionError(f"{error}: {(home / 'error.log').read_text()}") from None
        yield home
    finally:
        if process.returncode is None:
            # A graceful stop: what is still being read or answered is finished and logged.
            process.send_signal(signal.SIGQUIT)
            await asyncio.wait_for(process.wait(), WAIT)


def _update(update_id: int, user_id: int, name: str, text: str) -> bytes:
    """What Telegram would POST for a private message: the shape a forger would copy."""
    person = {"id": user_id, "is_bot": False, "first_name": name}
    message = {
        "message_id": 1,
        "date": int(datetime.now(UTC).timestamp()),
        "chat": {"id": user_id, "type": "private", "first_name": name},
        "from": person,
        "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
    }
    return json.dumps({"update_id": update_id, "message": message}).encode()


async def _invite(url: str) -> str:
    db = Database(url)
    try:
        async with db.session() as session:
            now = datetime.now(UTC)
            team = await get_or_create_team(session, "North", now)
            return await create_invite(session, role=Role.WORKER, now=now, team=team)
    finally:
        await db.dispose()


async def _inbox(url: str) -> list[int]:
    db = Database(url)
    try:
        async with db.session() as session:
            return list((await session.execute(select(InboxUpdate.update_id))).scalars())
    finally:
        await db.dispose()


def _prefix() -> list[str]:
    """caseline.service's MemoryDenyWriteExecute=yes, as the kernel enforces it."""
    service = dict(unit_settings(BOT_UNIT)["Service"])
    if service.get("MemoryDenyWriteExecute") == "yes":
        return [sys.executable, str(ROOT / "tests" / "mdwe_exec.py")]
    return []


async def test_telegram_reaches_the_bot_through_nginx_and_forgers_are_refused_there(
    nginx_binary, devserver, backend, tmp_path
):
    http_port, https_port, bot_port, metrics_port = _free_ports(4)
    secret = secrets.token_urlsafe(32)
    path = webhook_path()
    site = served_site(http_port=http_port, https_port=https_port, bot_port=bot_port, secret=secret)
    async with fresh_database_url(backend, tmp_path) as url:
        await asyncio.to_thread(migrate.upgrade, url)
        code = await _invite(url)
        state = devserver.bot(TOKEN)
        maria = state.user(501, first_name="Maria")
        bot = BotProcess(
            devserver,
            url,
            tmp_path / "bot.log",
            _metrics_on(caseline_args(BOT_UNIT), metrics_port),
            env={
                "CASELINE_WEBHOOK_URL": f"http://127.0.0.1:{https_port}{path}",
                "CASELINE_WEBHOOK_LISTEN": "127.0.0.1",
                "CASELINE_WEBHOOK_PORT": str(bot_port),
                "CASELINE_WEBHOOK_SECRET": secret,
            },
            prefix=_prefix(),
        )
        async with nginx_serving(tmp_path / "nginx", site, [http_port, https_port]) as home:
            try:
                await bot.start()
                assert bot.process is not None
                await _listening(bot_port, bot.process, "caseline run")
                await state.notifier.wait_for(lambda: state.webhook.url, WAIT)
                assert state.webhook.url == f"http://127.0.0.1:{https_port}{path}"

                before = state.last_seq
                joined = maria.send_text(f"/start {code}")
                await state.wait_for_events(before, chat_id=501, kinds="send", timeout=WAIT)
                assert "Welcome to Caseline" in state.chat_log(501)[-1].text

                forged = _update(FORGED, 666, "Mallory", f"/start {code}")
                proxy = f"http://127.0.0.1:{https_port}"
                async with httpx.AsyncClient(timeout=WAIT) as client:

                    async def post(url: str, body: bytes = forged, **headers: str) -> int:
                        headers["Content-Type"] = "application/json"
                        response = await client.post(url, content=body, headers=headers)
                        return response.status_code

                    refused_by_nginx = {
                        "no secret": await post(proxy + path),
                        "a wrong secret": await post(
                            proxy + path, **{SECRET_HEADER: secret[:-1] + "x"}
                        ),
                        "an empty secret": await post(proxy + path, **{SECRET_HEADER: ""}),
                        "a GET": (
                            await client.get(proxy + path, headers={SECRET_HEADER: secret})
                        ).status_code,
                        "2 MB": await post(
                            proxy + path, forged + b" " * 2_000_000, **{SECRET_HEADER: secret}
                        ),
                        "another path": await post(proxy + "/metrics", **{SECRET_HEADER: secret}),
                        "plain HTTP": await post(
                            f"http://127.0.0.1:{http_port}{path}", **{SECRET_HEADER: secret}
                        ),
                    }
                    bot_url = f"http://127.0.0.1:{bot_port}{path}"
                    refused_by_the_bot = {
                        "no secret": await post(bot_url),
                        "a wrong secret": await post(bot_url, **{SECRET_HEADER: "wrong"}),
                    }
                    # The same body with the secret is taken: it was the secret they lacked.
                    genuine = _update(PAST_NGINX, 501, "Maria", "/help")
                    assert await post(bot_url, genuine, **{SECRET_HEADER: secret}) == 200
                    # The unit's health port, on loopback beside the proxy, not through it.
                    health = await client.get(f"http://127.0.0.1:{metrics_port}/healthz")
                    assert (health.status_code, health.text.split()[0]) == (200, "ok")
            finally:
                await bot.terminate()
                # Shown by pytest only when the test failed.
                print("bot:", (tmp_path / "bot.log").read_text(), sep="\n")
                print("nginx:", (home / "error.log").read_text(), sep="\n")
        access_log = (home / "access.log").read_text().splitlines()

        assert refused_by_nginx == {
            "no secret": 403,
            "a wrong secret": 403,
            "an empty secret": 403,
            "a GET": 403,
            "2 MB": 413,
            "another path": 404,
            "plain HTTP": 301,
        }
        assert refused_by_the_bot == {"no secret": 403, "a wrong secret": 403}
        # Only Telegram's own POST went on to the bot: nginx refused the others itself
        # ($upstream_status "-"), not by passing on the bot's answer. (Sorted: the 413 is
        # logged once nginx has read away the body, maybe after the next request.)
        assert sorted(access_log) == sorted(
            [
                f"POST {path} 200 200",
                f"POST {path} 403 -",
                f"POST {path} 403 -",
                f"POST {path} 403 -",
                f"GET {path} 403 -",
                f"POST {path} 413 -",
                "POST /metrics 404 -",
                f"POST {path} 301 -",
            ]
        )
        # Maria's /start and the genuine update sent past nginx; no forged one.
        assert sorted(await _inbox(url)) == sorted([joined["update_id"], PAST_NGINX])
        log_text = (tmp_path / "bot.log").read_text()
        assert TOKEN not in log_text and secret not in log_text


def _self_signed(folder: Path) -> None:
    folder.mkdir(parents=True)
    subprocess.run(
        [
            str(OPENSSL), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=bot.example.org",
            "-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem"),
        ],
        check=True, capture_output=True,
    )  # fmt: skip


def _config_test(home: Path, site: str) -> subprocess.CompletedProcess[str]:
    config = write_config(home, site)
    return subprocess.run(
        [str(NGINX), "-t", "-p", str(home), "-c", str(config), "-e", str(home / "error.log")],
        capture_output=True,
        text=True,
    )


def test_the_shipped_site_with_its_tls_passes_nginx_t(nginx_binary, tmp_path):
    """caseline.conf as installed — ports 80 and 443, IPv6, TLS with certbot's paths (a
    self-signed certificate there) — is a configuration nginx accepts; without the secret's
    `set` line it is refused, so a forgotten secret cannot mean "no check"."""
    require([] if OPENSSL.exists() else [f"no openssl at {OPENSSL}"], "the TLS config test")
    certificates = tmp_path / "letsencrypt" / "live" / "bot.example.org"
    _self_signed(certificates)
    site = SITE.read_text().replace("/etc/letsencrypt/live/bot.example.org", str(certificates))
    site = replace_once(site, SNIPPET_INCLUDE, f"include {LOCATIONS};")

    accepted = _config_test(tmp_path / "as-shipped", site)
    assert accepted.returncode == 0, accepted.stderr

    [secret_line] = [line for line in site.splitlines() if "$caseline_webhook_secret" in line]
    refused = _config_test(tmp_path / "no-secret", site.replace(secret_line, ""))
    assert refused.returncode != 0
    assert 'unknown "caseline_webhook_secret" variable' in refused.stderr


async def test_the_mini_app_is_served_through_nginx_at_its_path(
    nginx_binary, devserver, backend, tmp_path
):
    http_port, https_port, bot_port, webapp_port = _free_ports(4)
    site = served_site(
        http_port=http_port,
        https_port=https_port,
        bot_port=bot_port,
        secret="unused",
        webapp_port=webapp_port,
    )
    proxy = f"http://127.0.0.1:{https_port}"
    async with fresh_database_url(backend, tmp_path) as url:
        await asyncio.to_thread(migrate.upgrade, url)
        bot = BotProcess(
            devserver,
            url,
            tmp_path / "bot.log",
            caseline_args(BOT_UNIT),
            env={
                "CASELINE_WEBAPP_URL": f"http://127.0.0.1:{https_port}/app",
                "CASELINE_WEBAPP_PORT": str(webapp_port),
            },
            prefix=_prefix(),
        )
        async with nginx_serving(tmp_path / "nginx", site, [https_port]) as home:
            try:
                await bot.start()
                assert bot.process is not None
                await _listening(webapp_port, bot.process, "caseline run")
                async with httpx.AsyncClient(timeout=WAIT) as client:
                    page = await client.get(f"{proxy}/app/")
                    script = await client.get(f"{proxy}/app/app.js")
                    unsigned = await client.get(f"{proxy}/app/api/clients/1")
                    posted = await client.post(f"{proxy}/app/api/clients/1/notes", content=b"{}")
                    put = await client.put(f"{proxy}/app/api/clients/1/notes", content=b"{}")
            finally:
                await bot.terminate()
                print("bot:", (tmp_path / "bot.log").read_text(), sep="\n")
                print("nginx:", (home / "error.log").read_text(), sep="\n")
        access_log = (home / "access.log").read_text().splitlines()

    assert page.status_code == 200 and 'src="app.js"' in page.text
    assert script.status_code == 200
    # The API is the bot's: without Telegram's signed init data it answers 401 itself.
    assert (unsigned.status_code, unsigned.json()) == (401, {"error": "sign_in"})
    assert posted.status_code == 401  # a note, unsigned: the bot refuses it
    assert put.status_code == 403  # nginx lets only GET and POST through
    assert sorted(access_log) == sorted(
        [
            "GET /app/ 200 200",
            "GET /app/app.js 200 200",
            "GET /app/api/clients/1 401 401",
            "POST /app/api/clients/1/notes 401 401",
            "PUT /app/api/clients/1/notes 403 -",
        ]
    )
