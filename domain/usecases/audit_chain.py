"""`caseline audit verify`: recompute the audit trail's hash chain (storage/audit_chain.py).

Not itself an audit event: it shows nothing of the record, and a row written by the check
would move the head hash the operator is about to note down.
"""

from __future__ import annotations

from domain.work import Work
from storage.audit_chain import Verdict, walk


async def verify_audit_trail(work: Work, *, expect: str | None = None) -> Verdict:
    """The first break in the chain, or Intact with its length and head hash; `expect`, a
    head hash noted earlier, must be somewhere in the chain."""
    async with work.transaction() as session:
        return await walk(session, expect=expect)
