"""`caseline evv export` and `caseline evv sheet`: visit verification for the agency's
files, at the shell.

    caseline evv export --from 2026-03-01 --to 2026-03-31 [--team North] [--output F.csv]
    caseline evv sheet --client C-0042 --month 2026-03 [--output F.pdf]

The export is a CSV (bot/evv_export.py, columns in the README) of every visit that began
in the period, both days included, in the organisation's zone; without --output it goes
to stdout, and what was exported is said on stderr. The sheet is one client's month as a
PDF to print and sign (default `C-0042-2026-03-visits.pdf` here). Each runs one use case
of domain/usecases/evv_exports.py as the operator (audited "evv.export" / "evv.sheet",
no actor, via=cli). The arguments and the output file are checked before the database is
opened; a problem is one line saying what to fix (EvvCommandError, exit 2 in bot/cli.py).
Files are written whole, readable by their owner only (bot/cli_files.py).
"""

from __future__ import annotations

import argparse
import asyncio
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from bot import cli_files
from bot.evv_export import render_csv, render_sheet
from domain.results import Gone, Invalid
from domain.usecases.evv_exports import export_visits, visit_sheet
from domain.work import Work
from storage.clients import parse_code
from storage.models import client_code
from storage.names import clean_name
from ui import texts

EVV_COMMAND = "evv"
MONTH = re.compile(r"\d{4}-\d{2}")


class EvvCommandError(Exception):
    """A problem the operator can fix; printed as one line."""


def add_evv_commands(sub: Any) -> None:
    """`caseline evv export|sheet`."""
    evv = sub.add_parser(EVV_COMMAND, help="visit verification: the EVV export, visit sheets")
    evv_sub = evv.add_subparsers(dest="evv_command", required=True, help="what to do")
    export = evv_sub.add_parser(
        "export",
        help="a CSV of every verified and unverified visit in a period (organisation's "
        "zone, both days included); stdout unless --output",
    )
    export.add_argument(
        "--from", dest="first", required=True, metavar="YYYY-MM-DD", help="the first day"
    )
    export.add_argument(
        "--to", dest="last", required=True, metavar="YYYY-MM-DD", help="the last day (included)"
    )
    export.add_argument("--team", help="only the visits of this team's workers")
    export.add_argument(
        "--output", metavar="FILE.csv", help="the file to write (default: standard output)"
    )
    sheet = evv_sub.add_parser(
        "sheet", help="one client's visits in a month as a PDF to print and sign"
    )
    sheet.add_argument("--client", required=True, help="the client's code, e.g. C-0042")
    sheet.add_argument("--month", required=True, metavar="YYYY-MM", help="the month, e.g. 2026-03")
    sheet.add_argument(
        "--output", metavar="FILE.pdf", help="default: <code>-<month>-visits.pdf here"
    )


@dataclass(frozen=True, slots=True)
class ExportRequest:
    first_day: date
    last_day: date
    team: str | None
    output: Path | None


@dataclass(frozen=True, slots=True)
class SheetRequest:
    client_id: int
    month: date
    output: Path


@dataclass(frozen=True, slots=True)
class Done:
    """What to say, and the CSV when it goes to stdout."""

    summary: str
    data: bytes | None = None


def _shown(text: str) -> str:
    """What the operator typed, safe to print back."""
    return repr(clean_name(text, limit=40))


def _day(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise EvvCommandError(f"{flag}: not a date: {_shown(text)} (use YYYY-MM-DD)") from None


def _month(text: str) -> date:
    text = text.strip()
    try:
        if not MONTH.fullmatch(text):
            raise ValueError(text)
        return date(int(text[:4]), int(text[5:]), 1)
    except ValueError:
        raise EvvCommandError(
            f"--month: not a month: {_shown(text)} (use YYYY-MM, e.g. 2026-03)"
        ) from None


def _writable(path: Path) -> Path:
    problem = cli_files.unwritable(path)
    if problem:
        raise EvvCommandError(f"{problem} (--output)")
    return path


def request_of(args: argparse.Namespace, cwd: Path | None = None) -> ExportRequest | SheetRequest:
    """The command line checked: dates, client, month, where to write."""
    if args.evv_command == "export":
        first, last = _day(args.first, "--from"), _day(args.last, "--to")
        if last < first:
            raise EvvCommandError(_reversed(first, last))
        output = _writable(Path(args.output)) if args.output else None
        return ExportRequest(first, last, args.team, output)
    client_id = parse_code(args.client)
    if client_id is None:
        raise EvvCommandError(f"not a client code: {_shown(args.client)} (use e.g. C-0042)")
    month = _month(args.month)
    default = (cwd or Path.cwd()) / f"{client_code(client_id)}-{month:%Y-%m}-visits.pdf"
    return SheetRequest(client_id, month, _writable(Path(args.output) if args.output else default))


def _reversed(first: date, last: date) -> str:
    return f"--from {first} is after --to {last}: swap them"


async def run(request: ExportRequest | SheetRequest, work: Work) -> Done:
    """Run the use case, render, write the file (or hand the CSV back for stdout)."""
    if isinstance(request, SheetRequest):
        return await _sheet(request, work)
    found = await export_visits(work, request.first_day, request.last_day, request.team)
    if isinstance(found, Invalid):
        raise EvvCommandError(_reversed(request.first_day, request.last_day))
    if isinstance(found, Gone):
        raise EvvCommandError(
            f"there is no team {_shown(request.team or '')} (`caseline team list` shows them)"
        )
    data = await asyncio.to_thread(render_csv, found)
    unverified = sum(1 for item in found.visits if item.status != "verified")
    team = f", team {clean_name(found.team)}" if found.team else ""
    what = (
        f"{len(found.visits)} visit(s), {unverified} unverified, "
        f"{request.first_day} to {request.last_day}{team}"
    )
    if request.output is None:
        return Done(f"exported {what}", data)
    await _write(request.output, data)
    return Done(f"wrote {request.output}: {what}")


async def _sheet(request: SheetRequest, work: Work) -> Done:
    found = await visit_sheet(work, request.client_id, request.month)
    if isinstance(found, Gone):
        raise EvvCommandError(f"there is no client {client_code(request.client_id)}")
    data = await asyncio.to_thread(
        render_sheet, found, exported_by=texts.PDF_CLI, at=work.clock.now()
    )
    await _write(request.output, data)
    return Done(
        f"wrote {request.output}: {found.code}, {request.month:%Y-%m}, {len(found.visits)} visit(s)"
    )


async def _write(path: Path, data: bytes) -> None:
    try:
        await asyncio.to_thread(cli_files.write_private, path, data)
    except OSError as exc:
        raise EvvCommandError(f"cannot write {path}: {exc.strerror or exc}") from None


def emit(done: Done, out: TextIO, err: TextIO) -> None:
    """The CSV to `out` (bytes, as rendered) and the summary to `err`; or, once a file
    was written, the summary to `out`."""
    if done.data is None:
        print(done.summary, file=out)
        return
    out.flush()
    out.buffer.write(done.data)
    out.flush()
    print(done.summary, file=err)
