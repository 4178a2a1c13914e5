"""`caseline audit verify [--expect HASH]`: is the audit trail as it was written?

Prints `✅ audit trail intact: N rows` and the head hash (exit 0), or one line naming the
first audit event that was changed, or that follows removed ones, and what that means
(exit 1). The chain and what it cannot show: storage/audit_chain.py, README "The audit
trail".
"""

from __future__ import annotations

import argparse
import re

from domain.usecases.audit_chain import verify_audit_trail
from domain.work import Work
from storage.audit_chain import Changed, Intact, PredecessorGone, TailGone, Verdict

VERIFY = "verify"
HASH = re.compile(r"[0-9a-f]{64}")


class VerifyError(Exception):
    """A problem with the command line the operator can fix; printed as one line."""


def add_verify_command(auditor: argparse.ArgumentParser) -> None:
    """`caseline audit verify` under `caseline audit` (whose own options list the trail)."""
    verbs = auditor.add_subparsers(
        dest="audit_command", metavar="verify", help="verify: check the trail's hash chain"
    )
    verify = verbs.add_parser(
        VERIFY,
        help="check that no audit event was changed or removed (exit 1 if one was)",
        description="Recompute the audit trail's hash chain. Note the head hash it prints "
        "(e.g. in the backup log): a chain cannot show events cut off its end together with "
        "its head; --expect finds that later.",
    )
    verify.add_argument(
        "--expect",
        metavar="HASH",
        help="a head hash printed before: it must still be in the chain",
    )


def is_verify(args: argparse.Namespace) -> bool:
    return args.command == "audit" and getattr(args, "audit_command", None) == VERIFY


def expected_hash(args: argparse.Namespace) -> str | None:
    if args.expect is None:
        return None
    expect = args.expect.strip().lower()
    if not HASH.fullmatch(expect):
        raise VerifyError("--expect: not a head hash (64 hexadecimal digits, as verify printed)")
    return expect


async def verify(work: Work, expect: str | None) -> tuple[int, list[str]]:
    """The exit status and the lines to print."""
    verdict = await verify_audit_trail(work, expect=expect)
    if isinstance(verdict, Intact) and verdict.expected_found is False:
        return 1, [
            f"❌ the head hash noted before ({expect}) is no longer in the audit trail: "
            "events were removed from its end and its head rewritten to match"
        ]
    return (0 if isinstance(verdict, Intact) else 1), said(verdict)


def said(verdict: Verdict) -> list[str]:
    if isinstance(verdict, Intact):
        return [
            f"✅ audit trail intact: {verdict.rows} rows",
            f"head hash: {verdict.head_hash} (keep it apart from the database, e.g. in the "
            "backup log; `caseline audit verify --expect HASH` checks it is still there)",
        ]
    if isinstance(verdict, Changed):
        return [
            f"❌ audit event {verdict.row_id} was changed after it was written: its fields "
            "no longer give its hash (compare it with a backup)"
        ]
    if isinstance(verdict, PredecessorGone):
        return [_predecessor_gone(verdict)]
    return [_tail_gone(verdict)]


def _predecessor_gone(verdict: PredecessorGone) -> str:
    event = f"❌ audit event {verdict.row_id}"
    if verdict.after is None:
        return f"{event} is the first left, but events before it were removed"
    if verdict.gap:
        return (
            f"{event} does not follow event {verdict.after}: the events between them were "
            f"removed (or event {verdict.after} rewritten)"
        )
    return (
        f"{event} does not follow event {verdict.after}: event {verdict.after} was rewritten "
        "with a new hash, or events between them removed"
    )


def _tail_gone(verdict: TailGone) -> str:
    if verdict.head_rows is None:
        return (
            f"❌ the audit chain's head (table audit_chain_head) was removed; its "
            f"{verdict.rows} events chain correctly, but events at the end may be gone too"
        )
    last = f"event {verdict.last_id}" if verdict.last_id is not None else "no event"
    return (
        f"❌ the audit trail ends at {last} after {verdict.rows} rows, but its head "
        f"records {verdict.head_rows} rows ending in another hash: events at its end "
        "were removed"
    )
