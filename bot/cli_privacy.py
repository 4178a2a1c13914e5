"""`caseline retention run`, `caseline erase` and `caseline privacy report`: retention,
erasure and the record of processing, at the shell (issue 23).

    caseline retention run [--dry-run]
    caseline erase --client C-0042 --reason TEXT [--override]
    caseline privacy report

What they print names clients by code and counts rows, never a name. Each anonymisation
is audited by domain/usecases/retention.py (no actor, via=cli). A problem is one line
saying what to fix (PrivacyCommandError, exit 2 in bot/cli.py).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

from bot import privacy_report
from domain.results import Gone, Refused, Saved, Stale
from domain.settings import Settings
from domain.usecases.retention import Anonymised, KeptUntil, erase_client, run_retention
from domain.work import Work
from storage.clients import parse_code
from storage.names import clean_name

RETENTION, ERASE, PRIVACY = "retention", "erase", "privacy"
VIA = "cli"
EMPTY_REASON = "--reason is empty: say why the client is erased"


class PrivacyCommandError(Exception):
    """A problem the operator can fix; printed as one line."""


def add_privacy_commands(sub: Any) -> None:
    retention = sub.add_parser(
        RETENTION, help="anonymise the clients past their retention period (CASELINE_RETENTION)"
    )
    verbs = retention.add_subparsers(dest="retention_command", required=True, help="what to do")
    run = verbs.add_parser("run", help="anonymise what is past its period and say what (codes)")
    run.add_argument("--dry-run", action="store_true", help="say what would be, change nothing")
    erase = sub.add_parser(
        ERASE, help="anonymise one client now (erasure), within the retention rules"
    )
    erase.add_argument("--client", required=True, help="the client's code, e.g. C-0042")
    erase.add_argument("--reason", required=True, help="why (kept in the audit trail)")
    erase.add_argument(
        "--override",
        action="store_true",
        help="erase even inside the minimum keep period (the reason is recorded with it)",
    )
    privacy = sub.add_parser(
        PRIVACY, help="the record of processing for the data-protection officer"
    )
    privacy_verbs = privacy.add_subparsers(dest="privacy_command", required=True, help="what to do")
    privacy_verbs.add_parser("report", help="print it as Markdown (from the models' declarations)")


def is_privacy_command(args: argparse.Namespace) -> bool:
    return args.command in (RETENTION, ERASE, PRIVACY)


def _erased_rows(item: Anonymised) -> str:
    rows = item.erased.rows
    return f"{item.erased.total} row(s) in {len(rows)} table(s)"


def retention_lines(found: list[Anonymised], *, dry_run: bool, configured: bool) -> list[str]:
    if not configured:
        return ["no retention rule is configured (CASELINE_RETENTION): nothing is anonymised"]
    if dry_run:
        lines = [f"would anonymise {item.code} ({item.rule})" for item in found]
        return [*lines, f"dry run: {len(found)} client(s) past their period, nothing changed"]
    lines = [f"anonymised {item.code} ({item.rule}): {_erased_rows(item)}" for item in found]
    return [*lines, f"{len(found)} client(s) anonymised"]


@dataclass(frozen=True, slots=True)
class Request:
    """The command line checked: a retention run (`client_id` None) or an erasure."""

    client_id: int | None
    typed: str = ""
    reason: str = ""
    override: bool = False
    dry_run: bool = False


def request_of(args: argparse.Namespace) -> Request:
    """`retention run` or `erase`, checked before the database is opened."""
    if args.command == RETENTION:
        return Request(None, dry_run=bool(args.dry_run))
    client_id = parse_code(args.client)
    if client_id is None:
        shown = repr(clean_name(args.client, limit=40))
        raise PrivacyCommandError(f"not a client code: {shown} (use e.g. C-0042)")
    if not args.reason.strip():
        raise PrivacyCommandError(EMPTY_REASON)
    return Request(client_id, args.client, args.reason, bool(args.override))


def report(settings: Settings) -> str:
    """`caseline privacy report`: no database needed."""
    return privacy_report.render(settings)


async def run(request: Request, work: Work) -> list[str]:
    """The command's lines to print; PrivacyCommandError for what the operator must fix."""
    if request.client_id is None:
        done = await run_retention(work, dry_run=request.dry_run, via=VIA)
        configured = any(rule.anonymise for rule in work.settings.retention)
        return retention_lines(done.clients, dry_run=request.dry_run, configured=configured)
    erased = await erase_client(
        work, request.client_id, reason=request.reason, override=request.override, via=VIA
    )
    return _erasure_lines(erased, request.typed)


def _erasure_lines(
    result: Saved[Anonymised] | Stale[str] | Gone | Refused | KeptUntil, typed: str
) -> list[str]:
    if isinstance(result, Saved):
        return [f"anonymised {result.value.code} (erasure): {_erased_rows(result.value)}"]
    if isinstance(result, Stale):
        return [f"{result.current} is already anonymised: nothing to do"]
    if isinstance(result, KeptUntil):
        raise PrivacyCommandError(
            f"{result.code} is kept until {result.until:%Y-%m-%d} ({result.rule}): "
            "add --override to erase it now (the --reason is recorded)"
        )
    if isinstance(result, Refused):
        raise PrivacyCommandError(EMPTY_REASON)
    raise PrivacyCommandError(f"there is no client {clean_name(typed, limit=40)}")
