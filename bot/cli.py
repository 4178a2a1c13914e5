"""The `caseline` command: schema, first admin, invites, running the bot."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.exc import DBAPIError, OperationalError

from bot import (
    cli_audit_chain,
    cli_devserver,
    cli_doctor,
    cli_errors,
    cli_evv,
    cli_files,
    cli_people,
    cli_privacy,
    cli_subject_access,
    fonts,
    logging_setup,
)
from bot import demo as demo_command
from bot.commands import invite_link
from bot.env_vars import help_epilog
from bot.export import FORMATS, render
from bot.resource_import import ResourceImportError, run_import
from domain.clock import Clock, FixedClock
from domain.results import Confirm, Gone, Invalid
from domain.settings import ConfigError, Settings, load_settings
from domain.usecases.clients import RowsInvalid, import_client_rows
from domain.usecases.exports import audit_listing as list_audit_trail
from domain.usecases.exports import export_for_operator
from domain.work import Work
from storage import audit, invites, migrate, schema
from storage import backup as backup_store
from storage.client_import import ImportReport, decode
from storage.clients import parse_code
from storage.db import Database
from storage.history import parse_since
from storage.kinds import Role
from storage.models import client_code
from storage.workers import create_worker, get_or_create_team
from ui import i18n, privacy, texts

log = logging.getLogger("caseline")


DESCRIPTION = """\
Caseline, a Telegram bot for case managers: the schema, people and invites, the bot and its
reminder job, imports and exports, and the local Bot API server to try it without Telegram.
`caseline COMMAND --help` tells more about a command."""


Operated = TypeVar("Operated")


class CLIError(Exception):
    """A problem the operator can fix; printed as one line."""


def build_parser() -> argparse.ArgumentParser:
    """Every command and option; the environment variables in the epilog (bot/env_vars.py)."""
    parser = argparse.ArgumentParser(
        prog="caseline",
        description=DESCRIPTION,
        epilog=help_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(
        dest="command",
        required=True,
        metavar="COMMAND",
        help="one of those below (each has its own --help)",
    )

    db = sub.add_parser("db", help="the database schema: create or upgrade it")
    db_sub = db.add_subparsers(dest="db_command", required=True, help="what to do")
    db_sub.add_parser("upgrade", help="create or upgrade the schema (Alembic)")

    admin = sub.add_parser("admin", help="create an admin (the first one, or another)")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True, help="what to do")
    create = admin_sub.add_parser("create", help="create an admin and print an invite code")
    create.add_argument("--name", required=True, help="the admin's name, as colleagues see it")
    create.add_argument("--team", help="the admin's team (made when it does not exist yet)")

    invite = sub.add_parser(
        "invite", help="print a one-time invite code (--role …), or list or revoke invites"
    )
    invite.add_argument(
        "--role", choices=[role.value for role in Role], help="what the person joins as"
    )
    invite.add_argument("--team", help="the team they join (made when it does not exist yet)")
    invite.add_argument(
        "--name", help="their name in Caseline (default: the name of their Telegram account)"
    )
    cli_people.add_invite_commands(invite)
    cli_people.add_worker_commands(sub)
    cli_people.add_team_commands(sub)

    run = sub.add_parser("run", help="run the bot (polling, or webhook if configured)")
    run.add_argument(
        "--no-scheduler",
        action="store_true",
        help="leave reminders to another process; this one then sends at most 20 messages/s "
        "and the scheduler 10 (Telegram allows 30 per bot; CASELINE_SEND_RATE changes it)",
    )
    _add_metrics_port(run)

    remind = sub.add_parser(
        "remind",
        help="one reminder tick, then exit (sends at most 10 messages/s, or CASELINE_SEND_RATE)",
    )
    remind.add_argument("--once", action="store_true", required=True, help="run one tick and exit")
    scheduler = sub.add_parser(
        "scheduler",
        help="run only the reminder scheduler (beside `run --no-scheduler`); sends at most "
        "10 messages/s, or CASELINE_SEND_RATE (several schedulers: split it so all sum to 30)",
    )
    _add_metrics_port(scheduler)

    cli_doctor.add_doctor_command(sub)

    backup = sub.add_parser("backup", help="an online copy of the SQLite database")
    backup.add_argument("file", type=Path, metavar="FILE", help="the copy to write")
    restore = sub.add_parser("restore", help="replace the SQLite database with a backup")
    restore.add_argument(
        "file", type=Path, metavar="FILE", help="a copy `caseline backup` wrote (bot stopped)"
    )

    add_record_commands(sub)
    cli_subject_access.add_command(sub)
    cli_evv.add_evv_commands(sub)
    cli_privacy.add_privacy_commands(sub)
    add_import_command(sub, "resources", "import the resource directory from a CSV file")

    cli_devserver.add_devserver_command(sub)
    demo = sub.add_parser(
        "demo", help="try Caseline in your browser: the real bot, a seeded team, a chat page"
    )
    demo_command.add_arguments(demo)
    return parser


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number (1-65535): {text!r}")
    return int(text)


def _add_metrics_port(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--metrics-port",
        type=_port,
        metavar="PORT",
        help="serve /healthz and /metrics on this port (default: CASELINE_METRICS_PORT; "
        "unset: not served), on CASELINE_METRICS_LISTEN (127.0.0.1); give `run` and "
        "`scheduler` on one host different ports",
    )


def _with_metrics_port(settings: Settings, args: argparse.Namespace) -> Settings:
    """--metrics-port wins over CASELINE_METRICS_PORT."""
    if args.metrics_port is None:
        return settings
    return dataclasses.replace(settings, metrics_port=args.metrics_port)


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    """`caseline …`; its exit status. `clock`: the time `doctor`, `retention run` and
    `erase` read and the devserver's shell signs a Mini App's init data at (tests)."""
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "demo":
        return demo_command.run_command(args)
    if args.command == "devserver":
        return cli_devserver.run_command(args, clock=clock or Clock())
    if args.command == cli_doctor.DOCTOR_COMMAND:
        # Before the settings are read: that they parse is the doctor's first check.
        return cli_doctor.run_command(clock or Clock(), sys.stdout)
    settings: Settings | None = None
    try:
        settings = load_settings()
        # CASELINE_LANGUAGE, for every process: the bot, the scheduler, `remind --once`.
        i18n.set_default_language(settings.language)
        privacy.set_privacy(settings.strict, settings.webapp_url)
        logging_setup.configure(
            secrets=[settings.bot_token or ""], json=settings.log_format == "json"
        )
        cli_errors.check_sqlite_folder(settings.database_url)
        if args.command == "db":
            migrate.upgrade(settings.database_url)
            print("database schema is up to date")
        elif args.command == "admin":
            asyncio.run(_print_invite(settings, Role.ADMIN, args.team, args.name, precreate=True))
        elif cli_people.is_people_command(args):
            for line in asyncio.run(_people_command(settings, args)):
                print(line)
        elif args.command == "invite":
            if args.role is None:
                raise CLIError("say which invite: --role ROLE, or `invite list` / `invite revoke`")
            asyncio.run(_print_invite(settings, Role(args.role), args.team, args.name))
        elif args.command == "run":
            _run(_with_metrics_port(settings, args), scheduler=not args.no_scheduler)
        elif args.command == "remind":
            asyncio.run(_remind_once(settings))
        elif args.command == "scheduler":
            _scheduler(_with_metrics_port(settings, args))
        elif args.command == "resources":
            try:
                return asyncio.run(run_import(settings.database_url, args.file, now=Clock().now()))
            except ResourceImportError as exc:
                raise CLIError(str(exc)) from exc
        elif cli_audit_chain.is_verify(args):
            return _audit_verify(settings, args)
        elif args.command in RECORD_COMMANDS:
            run_record_command(args, settings)
        elif args.command == cli_subject_access.COMMAND:
            print(_subject_access(settings, args))
        elif args.command == cli_evv.EVV_COMMAND:
            _evv_command(settings, args)
        elif cli_privacy.is_privacy_command(args):
            _privacy_command(settings, args, clock or Clock())
        elif args.command == "backup":
            pages = backup_store.backup(settings.database_url, args.file)
            print(f"backed up {pages} pages to {args.file}")
        elif args.command == "restore":
            backup_store.restore(settings.database_url, args.file)
            print(f"restored from {args.file}; run `caseline db upgrade` if it is older")
    except (
        ConfigError,
        CLIError,
        cli_people.CommandError,
        cli_evv.EvvCommandError,
        cli_audit_chain.VerifyError,
        cli_subject_access.SubjectAccessError,
        cli_privacy.PrivacyCommandError,
        backup_store.BackupError,
        cli_errors.StartupProblem,
        fonts.FontMissing,
    ) as exc:
        print(f"caseline: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        return _explain(exc, settings)
    return 0


def _explain(exc: Exception, settings: Settings | None) -> int:
    """One line for a database or Telegram that is not there (exit 2); anything else is a
    bug: its traceback, the token masked (exit 1). Never the token, never a password."""
    line = None
    if settings is not None:
        line = cli_errors.database_problem(
            exc, settings.database_url
        ) or cli_errors.telegram_problem(exc, settings)
    if line is None and isinstance(exc, OperationalError | DBAPIError | OSError):
        line = f"cannot use the database: {cli_errors.first_line(exc)}"
    if line:
        print(f"caseline: {line}", file=sys.stderr)
        return 2
    token = settings.bot_token if settings else os.environ.get("CASELINE_BOT_TOKEN", "")
    cli_errors.print_unexpected(exc, [token or ""], sys.stderr)
    return 1


async def _require_schema(db: Database) -> None:
    problem = cli_errors.schema_problem(await schema.revisions(db))
    if problem:
        raise CLIError(problem)


async def _people_command(settings: Settings, args: argparse.Namespace) -> list[str]:
    """`caseline worker …`, `caseline invite list|revoke` (bot/cli_people.py)."""
    db = Database(settings.database_url)
    try:
        await _require_schema(db)
        return await cli_people.run(args, _operator_work(db, settings, None))
    finally:
        await db.dispose()


def _evv_command(settings: Settings, args: argparse.Namespace) -> None:
    """`caseline evv export|sheet` (bot/cli_evv.py): the arguments are checked before the
    database is opened; a CSV without --output goes to stdout, what was done to stderr."""
    request = cli_evv.request_of(args)

    async def run() -> cli_evv.Done:
        db = Database(settings.database_url)
        try:
            await _require_schema(db)
            return await cli_evv.run(request, _operator_work(db, settings, None))
        finally:
            await db.dispose()

    cli_evv.emit(asyncio.run(run()), sys.stdout, sys.stderr)


def _subject_access(settings: Settings, args: argparse.Namespace) -> str:
    """`caseline subject-access` (bot/cli_subject_access.py): the line to print."""
    request = cli_subject_access.request_of(args)
    return asyncio.run(_as_operator(settings, lambda work: cli_subject_access.run(request, work)))


def _audit_verify(settings: Settings, args: argparse.Namespace) -> int:
    """`caseline audit verify` (bot/cli_audit_chain.py): 0 intact, 1 broken."""
    expect = cli_audit_chain.expected_hash(args)
    status, lines = asyncio.run(
        _as_operator(settings, lambda work: cli_audit_chain.verify(work, expect))
    )
    for line in lines:
        print(line)
    return status


async def _as_operator(settings: Settings, act: Callable[[Work], Awaitable[Operated]]) -> Operated:
    """`act` as the operator at the shell, on a schema that is up to date."""
    db = Database(settings.database_url)
    try:
        await _require_schema(db)
        return await act(_operator_work(db, settings, None))
    finally:
        await db.dispose()


def _privacy_command(settings: Settings, args: argparse.Namespace, clock: Clock) -> None:
    """`caseline retention run`, `erase`, `privacy report` (bot/cli_privacy.py)."""
    if args.command == cli_privacy.PRIVACY:
        print(cli_privacy.report(settings))
        return
    request = cli_privacy.request_of(args)

    async def run() -> list[str]:
        db = Database(settings.database_url)
        try:
            await _require_schema(db)
            return await cli_privacy.run(request, Work(db=db, clock=clock, settings=settings))
        finally:
            await db.dispose()

    for line in asyncio.run(run()):
        print(line)


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


def settle_heap() -> None:
    """Set what was built to start a long-lived process (modules, mappers, handlers,
    catalogs: ~160,000 objects) out of the garbage collector's sight. Every full collection
    walked all of it, stalling every update in flight for 50–120 ms about twice a minute;
    frozen, those collections take a few ms (bench/README.md, session 15). They live as long
    as the process anyway."""
    gc.collect()
    gc.freeze()


def _run(settings: Settings, *, scheduler: bool) -> None:
    from bot.app import build_application
    from bot.inbox import run_polling, run_webhook

    fonts.font_files()  # the charts' and exports' font: a lost one says so now, in one line
    token = settings.require_token()
    db = Database(settings.database_url)
    asyncio.run(_check_ready(db))
    if not cli_errors.wait_for_bot_api_until_signal(settings, token):
        log.info("stopped before the Bot API answered")
        return
    application = build_application(settings, db, scheduler=scheduler, dispose_db=True)
    settle_heap()
    if settings.webhook_url:
        log.info("Caseline starting with a webhook")
        # PTB's webhook, whose 200 waits for the inbox (bot/inbox.InboxQueue).
        run_webhook(application, db, settings)
    else:
        log.info("Caseline starting with long polling")
        # Our loop, not PTB's Updater: a batch is in the inbox before its offset moves.
        run_polling(application, db, application.bot_data["services"].clock)


async def _remind_once(settings: Settings) -> None:
    """One tick: enqueue what is due now, deliver it, report, exit."""
    from bot.app import sender_bot
    from bot.reminders.rendering import Reminders
    from bot.scheduler import reminders_budget
    from bot.sent_messages import SentLog

    token = settings.require_token()
    db = Database(settings.database_url)
    try:
        await _require_schema(db)
        await cli_errors.check_bot_token(settings, token)
        clock = Clock()
        sent = SentLog(clock)
        bot = sender_bot(settings, token, sent, reminders_budget(settings))
        async with bot:
            engine = Reminders(db, clock, settings, bot, sent=sent)
            report = await engine.tick()
            print(
                f"due: {report.appointments} appointment reminders, {report.agendas} agendas, "
                f"{report.digests} digests; delivered: {engine.last_drain.sent}, "
                f"retrying: {engine.last_drain.retried}, failed: {engine.last_drain.failed}"
            )
    finally:
        await db.dispose()


def _scheduler(settings: Settings) -> None:
    """The reminder job alone, in its own process (bot/scheduler.py)."""
    from bot.scheduler import build_scheduler

    fonts.font_files()  # the digest's chart
    settings.require_token()
    db = Database(settings.database_url)
    asyncio.run(_check_ready(db))
    if not cli_errors.wait_for_bot_api_until_signal(settings, settings.require_token()):
        log.info("stopped before the Bot API answered")
        return
    application = build_scheduler(settings, db)
    settle_heap()
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


# ---------------------------------------------------------------------------------------
# The client record: `caseline export`, `caseline clients import`, `caseline audit`.
# Each runs one use case (domain/usecases/clients.py, exports.py) as the operator: no
# actor, and every event says via=cli.

RECORD_COMMANDS = ("export", "clients", "audit")


class ExportError(CLIError):
    """Something the operator can fix (a wrong code, a folder that is not there)."""


def add_record_commands(sub: Any) -> None:
    """Add the record's subcommands to `caseline`'s argparse subparsers."""
    exporter = sub.add_parser("export", help="export one client's record as a PDF or CSV file")
    exporter.add_argument("--client", required=True, help="the client's code, e.g. C-0042")
    exporter.add_argument(
        "--format",
        choices=FORMATS,
        default="pdf",
        help="pdf to read, csv for machines (default pdf)",
    )
    exporter.add_argument("--output", help="the file to write (default: <code>.<format> here)")

    importer = add_import_command(sub, "clients", "import a caseload from a CSV file")
    importer.add_argument("--check", action="store_true", help="check every row, import nothing")

    auditor = sub.add_parser(
        "audit", help="list the audit trail (no client names); `audit verify` checks its chain"
    )
    auditor.add_argument("--client", help="only events about this client, e.g. C-0042")
    auditor.add_argument("--worker", help="only what this worker did (their name)")
    auditor.add_argument("--since", help="from this day (YYYY-MM-DD, UTC) or ISO time on")
    auditor.add_argument("--limit", type=int, default=1000, help="at most this many (latest)")
    cli_audit_chain.add_verify_command(auditor)


def add_import_command(sub: Any, what: str, summary: str) -> argparse.ArgumentParser:
    """`caseline clients|resources import FILE.csv`, alike for both: the import's parser."""
    parser = sub.add_parser(what, help=summary)
    verbs = parser.add_subparsers(dest=f"{what}_command", required=True, help="what to do")
    importer: argparse.ArgumentParser = verbs.add_parser(
        "import", help=f"import {what} from a CSV file (nothing is imported if any row is bad)"
    )
    importer.add_argument(
        "file",
        metavar="FILE.csv",
        help="a header row naming the columns, then a row each (README: Importing)",
    )
    return importer


def run_record_command(args: argparse.Namespace, settings: Settings) -> None:
    """Run one of RECORD_COMMANDS; problems the operator can fix raise CLIError."""
    if args.command == "export":
        print(asyncio.run(cli_export(settings, args.client, args.format, args.output)))
    elif args.command == "clients" and args.clients_command == "import":
        asyncio.run(cli_import_clients(settings, Path(args.file), check_only=args.check))
    elif args.command == "audit":
        for line in asyncio.run(
            cli_audit(
                settings,
                client=args.client,
                worker=args.worker,
                since=args.since,
                limit=args.limit,
            )
        ):
            print(line)


def _operator_work(db: Database, settings: Settings | None, now: datetime | None) -> Work:
    """The unit of work of a command run at the shell."""
    return Work(
        db=db,
        clock=FixedClock(now) if now is not None else Clock(),
        settings=settings or load_settings({"CASELINE_DATABASE_URL": db.url}),
    )


async def cli_import_clients(
    settings: Settings, path: Path, *, check_only: bool = False, out: TextIO | None = None
) -> ImportReport:
    """`caseline clients import FILE.csv`: progress and problems printed, the report
    returned; any bad row raises CLIError after listing them (nothing imported)."""
    stream = out or sys.stdout
    try:
        text = decode(await asyncio.to_thread(path.read_bytes))
    except OSError as exc:
        raise CLIError(f"cannot read {path}: {exc.strerror}") from exc
    except ValueError as exc:
        raise CLIError(str(exc)) from exc
    db = Database(settings.database_url)
    try:
        await _require_schema(db)
        result = await import_client_rows(
            _operator_work(db, settings, None),
            text,
            zone=ZoneInfo(settings.timezone),
            progress=lambda line: print(line, file=stream, flush=True),
            check_only=check_only,
        )
    finally:
        await db.dispose()
    if isinstance(result, RowsInvalid):
        for problem in result.problems:
            print(problem.render(), file=stream)
        raise CLIError(
            f"{result.bad_lines} row(s) with problems in {path.name}; nothing was imported"
        )
    report = result.about if isinstance(result, Confirm) else result.value
    if check_only:
        print(f"all {report.rows} rows are fine; nothing imported (--check)", file=stream)
    else:
        first = report.imported[0][1] if report.imported else "-"
        last = report.imported[-1][1] if report.imported else "-"
        print(f"imported {len(report.imported)} clients ({first} … {last})", file=stream)
    return report


async def cli_audit(
    settings: Settings,
    *,
    client: str | None = None,
    worker: str | None = None,
    since: str | None = None,
    limit: int = 1000,
) -> list[str]:
    """`caseline audit`: one line per event, oldest first; the listing is audited too."""
    db = Database(settings.database_url)
    try:
        await _require_schema(db)
        return await audit_listing(
            db, client=client, worker=worker, since=since, limit=limit, settings=settings
        )
    except ValueError as exc:
        raise CLIError(str(exc)) from exc
    finally:
        await db.dispose()


async def audit_listing(
    db: Database,
    *,
    client: str | None = None,
    worker: str | None = None,
    since: str | None = None,
    limit: int = 1000,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> list[str]:
    """The lines `caseline audit` prints. ValueError for a bad code, name or date."""
    client_id = None
    if client is not None:
        client_id = parse_code(client)
        if client_id is None:
            raise ValueError(f"not a client code: {client[:20]!r} (use e.g. C-0042)")
    since_at = parse_since(since) if since else None
    if limit < 1:
        raise ValueError("--limit must be at least 1")
    listing = await list_audit_trail(
        _operator_work(db, settings, now),
        client_id=client_id,
        worker_name=worker,
        since=since_at,
        limit=limit,
    )
    if isinstance(listing, Invalid):
        raise ValueError(f"no worker is called {worker!r}")
    if listing.more:
        print(
            f"(only the latest {limit} events; narrow with --since or raise --limit)",
            file=sys.stderr,
        )
    return [line.render() for line in listing.lines]


async def export_client_file(
    db: Database,
    code: str,
    fmt: str,
    output: str | os.PathLike[str] | None = None,
    *,
    now: datetime,
    zone: ZoneInfo,
    cwd: Path | None = None,
    settings: Settings | None = None,
) -> Path:
    """Write one client's record to a file (default `<code>.<fmt>` in `cwd`), audited
    with no actor (via=cli). The file is readable by its owner only."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use pdf or csv")
    client_id = parse_code(code)
    if client_id is None:
        raise ExportError(f"not a client code: {code[:20]!r} (use e.g. C-0042)")
    path = Path(output) if output else (cwd or Path.cwd()) / f"{client_code(client_id)}.{fmt}"
    problem = cli_files.unwritable(path)
    if problem:
        raise ExportError(problem)
    record = await export_for_operator(_operator_work(db, settings, now), client_id, fmt)
    if isinstance(record, Gone):
        raise ExportError(f"there is no client C-{client_id:04d}")
    data = await asyncio.to_thread(
        render, record, fmt, exported_by=texts.PDF_CLI, at=now, zone=zone
    )
    await asyncio.to_thread(cli_files.write_private, path, data)
    return path


async def cli_export(settings: Settings, code: str, fmt: str, output: str | None) -> str:
    """`caseline export --client C-0042 --format pdf|csv [--output FILE]`: the line to print."""
    db = Database(settings.database_url)
    try:
        await _require_schema(db)
        path = await export_client_file(
            db,
            code,
            fmt,
            output,
            now=Clock().now(),
            zone=ZoneInfo(settings.timezone),
            settings=settings,
        )
    finally:
        await db.dispose()
    return f"wrote {path} ({path.stat().st_size:,} bytes)"


if __name__ == "__main__":
    raise SystemExit(main())
