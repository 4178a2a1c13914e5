"""The `caseline` command: schema, first admin, invites, running the bot."""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlparse

from sqlalchemy.exc import DBAPIError, OperationalError
from telegram import Update

from bot import demo as demo_command
from bot import logging_setup, record
from bot.commands import invite_link
from bot.resource_import import ResourceImportError, run_import
from domain.clock import Clock
from domain.settings import ConfigError, Settings, load_settings
from storage import audit, invites, migrate, schema
from storage import backup as backup_store
from storage.db import Database
from storage.models import Role
from storage.workers import create_worker, get_or_create_team

log = logging.getLogger("caseline")


class CLIError(Exception):
    """A problem the operator can fix; printed as one line."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="caseline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="create or upgrade the schema (Alembic)")

    admin = sub.add_parser("admin", help="admins")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True)
    create = admin_sub.add_parser("create", help="create an admin and print an invite code")
    create.add_argument("--name", required=True)
    create.add_argument("--team")

    invite = sub.add_parser("invite", help="print a one-time invite code")
    invite.add_argument("--role", choices=[role.value for role in Role], required=True)
    invite.add_argument("--team")
    invite.add_argument("--name")

    run = sub.add_parser("run", help="run the bot (polling, or webhook if configured)")
    run.add_argument(
        "--no-scheduler", action="store_true", help="leave reminders to another process"
    )

    remind = sub.add_parser("remind", help="reminders")
    remind.add_argument("--once", action="store_true", required=True, help="run one tick and exit")
    sub.add_parser(
        "scheduler", help="run only the reminder scheduler (beside `run --no-scheduler`)"
    )

    backup = sub.add_parser("backup", help="an online copy of the SQLite database")
    backup.add_argument("file", type=Path)
    restore = sub.add_parser("restore", help="replace the SQLite database with a backup")
    restore.add_argument("file", type=Path)

    record.add_cli_commands(sub)
    resources = sub.add_parser("resources", help="the resource directory")
    resources_sub = resources.add_subparsers(dest="resources_command", required=True)
    load = resources_sub.add_parser(
        "import", help="import resources from a CSV file (nothing is imported if any row is bad)"
    )
    load.add_argument("file", metavar="FILE.csv")

    # Parsed by devserver itself (main() hands it the rest of the command line).
    sub.add_parser("devserver", help="run the local Telegram Bot API server", add_help=False)
    demo = sub.add_parser(
        "demo", help="try Caseline in your browser: the real bot, a seeded team, a chat page"
    )
    demo_command.add_arguments(demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["devserver"]:
        from devserver.__main__ import main as devserver_main

        return devserver_main(argv[1:])
    args = _parser().parse_args(argv)
    if args.command == "demo":
        return demo_command.run_command(args)
    try:
        settings = load_settings()
        logging_setup.configure(secrets=[settings.bot_token or ""])
        if args.command == "db":
            migrate.upgrade(settings.database_url)
            print("database schema is up to date")
        elif args.command == "admin":
            asyncio.run(_print_invite(settings, Role.ADMIN, args.team, args.name, precreate=True))
        elif args.command == "invite":
            asyncio.run(_print_invite(settings, Role(args.role), args.team, args.name))
        elif args.command == "run":
            _run(settings, scheduler=not args.no_scheduler)
        elif args.command == "remind":
            asyncio.run(_remind_once(settings))
        elif args.command == "scheduler":
            _scheduler(settings)
        elif args.command == "resources":
            try:
                return asyncio.run(run_import(settings.database_url, args.file, now=Clock().now()))
            except ResourceImportError as exc:
                raise CLIError(str(exc)) from exc
        elif args.command in record.CLI_COMMANDS:
            record.run_cli(args, settings)
        elif args.command == "backup":
            pages = backup_store.backup(settings.database_url, args.file)
            print(f"backed up {pages} pages to {args.file}")
        elif args.command == "restore":
            backup_store.restore(settings.database_url, args.file)
            print(f"restored from {args.file}; run `caseline db upgrade` if it is older")
    except (ConfigError, CLIError, backup_store.BackupError) as exc:
        print(f"caseline: {exc}", file=sys.stderr)
        return 2
    except (OperationalError, DBAPIError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        print(f"caseline: cannot use the database: {reason}", file=sys.stderr)
        return 2
    return 0


async def _require_schema(db: Database) -> None:
    if not await schema.is_current(db):
        raise CLIError("the database schema is missing or old: run `caseline db upgrade` first")


async def _print_invite(
    settings: Settings, role: Role, team_name: str | None, name: str | None, precreate: bool = False
) -> None:
    db = Database(settings.database_url)
    try:
        await _require_schema(db)
        now = Clock().now()
        async with db.session() as session:
            team = await get_or_create_team(session, team_name, now) if team_name else None
            worker = (
                await create_worker(session, name=name or "Admin", role=role, now=now, team=team)
                if precreate
                else None
            )
            code = await invites.create_invite(
                session, role=role, now=now, team=team, name=name, worker=worker
            )
            await audit.record(
                session, "invite.create", now=now, detail={"role": role.value, "via": "cli"}
            )
    finally:
        await db.dispose()
    print(f"code: {code}")
    username = await _bot_username(settings)
    link = invite_link(username, code)
    if link:
        print(f"link: {link}")
    print(f"Send /start {code} to the bot within 7 days. The code works once.")


async def _bot_username(settings: Settings) -> str | None:
    """The bot's @username, when a token is configured and Telegram answers quickly."""
    if not settings.bot_token:
        return None
    from telegram import Bot
    from telegram.error import TelegramError

    bot = Bot(settings.bot_token, base_url=settings.bot_api_url)
    try:
        async with bot:
            return bot.username
    except (TelegramError, OSError):
        return None


def _run(settings: Settings, *, scheduler: bool) -> None:
    from bot.app import build_application

    settings.require_token()
    db = Database(settings.database_url)
    asyncio.run(_check_ready(db))
    application = build_application(settings, db, scheduler=scheduler, dispose_db=True)
    if settings.webhook_url:
        log.info("Caseline starting with a webhook")
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            # The path of the public URL, so a reverse proxy can forward it unchanged.
            url_path=urlparse(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            # Telegram echoes this header on every call: only Telegram can reach us.
            secret_token=settings.webhook_secret or secrets.token_urlsafe(32),
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
        )
    else:
        log.info("Caseline starting with long polling")
        application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)


async def _remind_once(settings: Settings) -> None:
    """One tick: enqueue what is due now, deliver it, report, exit."""
    from bot.app import sender_bot
    from bot.reminders.rendering import Reminders

    token = settings.require_token()
    db = Database(settings.database_url)
    try:
        await _require_schema(db)
        bot = sender_bot(settings, token)
        async with bot:
            engine = Reminders(db, Clock(), settings, bot)
            report = await engine.tick()
            print(
                f"due: {report.appointments} appointment reminders, {report.agendas} agendas, "
                f"{report.digests} digests; delivered: {engine.last_drain.sent}, "
                f"retrying: {engine.last_drain.retried}, failed: {engine.last_drain.failed}"
            )
    finally:
        await db.dispose()


def _scheduler(settings: Settings) -> None:
    """The reminder job alone, in its own process, on PTB's JobQueue (no polling)."""
    from telegram.ext import ApplicationBuilder

    from bot.app import sender_bot
    from bot.reminders.rendering import Reminders

    token = settings.require_token()
    db = Database(settings.database_url)
    asyncio.run(_check_ready(db))

    async def tick(_context: object) -> None:
        await engine.tick()

    async def start(application: object) -> None:
        await engine.bot.initialize()

    async def stop(application: object) -> None:
        await engine.bot.shutdown()
        await db.dispose()

    engine = Reminders(db, Clock(), settings, sender_bot(settings, token))
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.bot_api_url)
        .updater(None)
        .post_init(start)
        .post_shutdown(stop)
        .build()
    )
    application.job_queue.run_repeating(tick, interval=settings.reminder_tick_seconds, first=1)
    log.info("Caseline scheduler ticking every %ss", settings.reminder_tick_seconds)
    _run_until_signal(application)


def _run_until_signal(application) -> None:
    """initialize/start the Application (its JobQueue), wait for SIGINT/SIGTERM, stop."""
    import signal

    async def main() -> None:
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopped.set)
        async with application:
            if application.post_init:
                await application.post_init(application)
            await application.start()
            await stopped.wait()
            await application.stop()
        if application.post_shutdown:
            await application.post_shutdown(application)

    asyncio.run(main())


async def _check_ready(db: Database) -> None:
    try:
        await _require_schema(db)
    finally:
        await db.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
