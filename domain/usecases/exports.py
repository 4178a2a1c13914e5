"""Taking the record out: a client's case file (PDF/CSV data) in the chat or from the
command line, and the audit listing of `caseline audit`.

Every export, allowed or refused, is an audit event ("client.export" with the format;
from the CLI with no actor and via=cli); so is every listing of the audit trail
("audit.list"). Rendering the file is the caller's (bot/export.py): these gather what it
shows, in the transaction that records the export. See domain/usecases/clients.py for
what `Refused("client")` means. Each allowed export is counted towards the day's bulk
export alert (domain/usecases/bulk_exports.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.results import Gone, Invalid, Refused
from domain.usecases.bulk_exports import EXPORT, watch_exports
from domain.work import Work
from storage import audit, caseload, clients
from storage.export import ClientRecord, gather
from storage.history import AuditLine, UnknownWorker, audit_trail
from storage.models import Client
from storage.workers import Actor

VIEW = "client.view"
NOT_VISIBLE = Refused("client")
UNKNOWN_WORKER = "unknown_worker"


async def export_choice(work: Work, actor: Actor, client_id: int | None) -> Client | Refused:
    """The client whose record the actor is about to export (the PDF/CSV question names
    them): an allowed look is audited like any other ("client.view", via=export.menu), a
    refused one as the export it was for; the export itself is audited when the format is
    chosen."""
    async with work.transaction() as session:
        client = await caseload.look(
            session,
            actor,
            client_id,
            VIEW,
            now=work.clock.now(),
            detail={"via": "export.menu"},
            refused_as=EXPORT,
        )
        return NOT_VISIBLE if client is None else client


async def export_client(
    work: Work, actor: Actor, client_id: int | None, fmt: str
) -> ClientRecord | Refused:
    """One client's whole record, for the actor's own chat; audited with the format."""
    now = work.clock.now()
    async with work.transaction() as session:
        client = await caseload.look(
            session, actor, client_id, EXPORT, now=now, detail={"format": fmt}
        )
        if client is None:
            return NOT_VISIBLE
        await watch_exports(session, work, actor_id=actor.id, now=now)
        return await gather(session, client, now)


async def export_for_operator(work: Work, client_id: int, fmt: str) -> ClientRecord | Gone:
    """`caseline export`: the operator at the shell may export any client; audited with
    no actor (via=cli). Gone when there is no such client."""
    now = work.clock.now()
    async with work.transaction() as session:
        client = await session.get(Client, client_id)
        if client is None:
            return Gone()
        record = await gather(session, client, now)
        await audit.record(
            session,
            EXPORT,
            now=now,
            subject_type="client",
            subject_id=client.id,
            client_id=client.id,
            detail={"format": fmt, "via": "cli"},
        )
        await watch_exports(session, work, actor_id=None, now=now)
    return record


@dataclass(frozen=True, slots=True)
class AuditListing:
    lines: list[AuditLine]
    more: bool  # older events matched beyond `limit`


async def audit_listing(
    work: Work,
    *,
    client_id: int | None = None,
    worker_name: str | None = None,
    since: datetime | None = None,
    limit: int = 1000,
) -> AuditListing | Invalid:
    """`caseline audit`: the latest `limit` events, oldest first; the listing itself
    is an audit event with no actor. Invalid("unknown_worker") names nobody."""
    async with work.transaction() as session:
        try:
            lines, more = await audit_trail(
                session, client_id=client_id, worker_name=worker_name, since=since, limit=limit
            )
        except UnknownWorker:
            return Invalid(UNKNOWN_WORKER)
        known = client_id is not None and await clients.exists(session, client_id)
        await audit.record(
            session,
            "audit.list",
            now=work.clock.now(),
            subject_type="client" if client_id else None,
            subject_id=client_id,
            client_id=client_id if known else None,
            detail={"via": "cli"},
        )
    return AuditListing(list(lines), more)
