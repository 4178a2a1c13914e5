"""Retention and erasure: anonymising clients past their retention period, and one client
at once when asked (GDPR art. 17), within the rules of CASELINE_RETENTION
(domain/rules/retention.py). What anonymising erases: storage/anonymise.py.

Both are the operator's (the shell, or the scheduler's daily run): no actor. Each
anonymised client is audited once, `client.anonymised`, its detail the rule (and for an
erasure the reason and whether the keep period was overridden), never a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from domain.results import Gone, Refused, Saved, Stale
from domain.rules import retention as rules
from domain.work import Work
from storage import audit
from storage.anonymise import Erased, anonymise
from storage.models import Client, client_code

ANONYMISED = "client.anonymised"
ERASURE = "erasure"


@dataclass(frozen=True, slots=True)
class Anonymised:
    code: str
    status: str
    rule: str
    erased: Erased


@dataclass(frozen=True, slots=True)
class RetentionRun:
    """The clients past their period: anonymised, or (a dry run) that would be."""

    clients: list[Anonymised]
    dry_run: bool


@dataclass(frozen=True, slots=True)
class KeptUntil:
    """Erasure refused: the client is inside its minimum keep period."""

    code: str
    until: datetime
    rule: str


async def run_retention(work: Work, *, dry_run: bool, via: str) -> RetentionRun:
    """Anonymise every client past its status's anonymise-after period (none without
    CASELINE_RETENTION); a dry run says which and changes nothing. One transaction per
    client: a first run over years of discharges holds no lock for long, and a run
    stopped half-way keeps what it did."""
    configured = work.settings.retention
    now = work.clock.now()
    statuses = [rule.status for rule in configured if rule.anonymise is not None]
    done: list[Anonymised] = []
    if not statuses:
        return RetentionRun(done, dry_run)
    async with work.transaction() as session:
        candidates = await session.execute(
            select(Client.id)
            .where(Client.status.in_(statuses), Client.anonymised_at.is_(None))
            .order_by(Client.id)
        )
        client_ids = list(candidates.scalars())
    for client_id in client_ids:
        async with work.transaction() as session:
            client = await session.get(Client, client_id)
            # Looked at again in its own transaction: it may have changed meanwhile.
            rule = rules.rule_for(configured, client) if client else None
            if client is None or rule is None or not rules.anonymise_due(rule, client, now):
                continue
            text = rule.anonymise_text
            if dry_run:
                done.append(Anonymised(client.code, client.status, text, Erased({})))
                continue
            erased = await anonymise(session, client, now=now, rule=text)
            if erased is None:
                continue  # another process's run was first
            detail = {"rule": text, "via": via, "rows": erased.total}
            await audit.record_client(
                session, ANONYMISED, now=now, actor_id=None, client_id=client.id, detail=detail
            )
            done.append(Anonymised(client.code, client.status, text, erased))
    return RetentionRun(done, dry_run)


async def erase_client(
    work: Work, client_id: int, *, reason: str, override: bool, via: str
) -> Saved[Anonymised] | Stale[str] | Gone | Refused | KeptUntil:
    """Anonymise one client at once. Inside its status's keep period it is refused
    (`KeptUntil`) unless `override`; an override needs a reason (Refused("reason"))
    and is recorded with it. Already anonymised: Stale(the code)."""
    now = work.clock.now()
    reason = reason.strip()
    async with work.transaction() as session:
        client = await session.get(Client, client_id)
        if client is None:
            return Gone()
        if client.anonymised_at is not None:
            return Stale(client.code)
        rule = rules.rule_for(work.settings.retention, client)
        until = rules.kept_until(rule, client)
        inside = until is not None and now < until
        if inside and not override:
            assert until is not None and rule is not None
            # Refused inside the keep period, and on the trail too: who tried to erase a
            # record before its time is what an auditor asks first.
            refused = {
                "rule": ERASURE,
                "reason": reason,
                "via": via,
                "refused": "kept",
                "kept_until": until.isoformat(),
            }
            await audit.record_client(
                session,
                ANONYMISED,
                now=now,
                actor_id=None,
                client_id=client_id,
                allowed=False,
                detail=refused,
            )
            return KeptUntil(client.code, until, str(rule))
        if not reason:
            return Refused("reason")
        status = client.status
        erased = await anonymise(session, client, now=now, rule=ERASURE)
        if erased is None:
            return Stale(client.code)
        detail: dict[str, object] = {"rule": ERASURE, "reason": reason, "via": via}
        if inside:
            detail["override"] = True
            detail["kept_until"] = until.isoformat() if until else None
        detail["rows"] = erased.total
        await audit.record_client(
            session, ANONYMISED, now=now, actor_id=None, client_id=client_id, detail=detail
        )
        return Saved(Anonymised(client_code(client_id), status, ERASURE, erased))
