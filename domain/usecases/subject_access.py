"""`caseline subject-access`: everything Caseline holds about one client, for a data
subject's request for access (GDPR art. 15) — the case file (storage/export.py), every
consent, the access log (who looked at or changed the record, from the audit trail) and
the files attached to notes.

The operator at the shell may ask for any client. The request is itself an audit event
("client.subject_access", no actor, via=cli), and it takes a case file out, so it counts
towards the day's bulk export alert (domain/usecases/bulk_exports.py). Rendering the zip
is the caller's (bot/cli_subject_access.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.results import Gone
from domain.usecases.bulk_exports import SUBJECT_ACCESS, watch_exports
from domain.work import Work
from storage import audit
from storage.export import ClientRecord, gather
from storage.models import Client
from storage.subject_access import AccessRow, AttachmentRow, access_log, attachments_of


@dataclass(frozen=True, slots=True)
class SubjectAccess:
    record: ClientRecord
    access_log: list[AccessRow]
    attachments: list[AttachmentRow]
    at: datetime


async def subject_access(work: Work, client_id: int) -> SubjectAccess | Gone:
    """The client's whole record with its access log and attachments; Gone when there is
    no such client. The access log ends before this request's own event."""
    now = work.clock.now()
    async with work.transaction() as session:
        client = await session.get(Client, client_id)
        if client is None:
            return Gone()
        found = SubjectAccess(
            record=await gather(session, client, now),
            access_log=await access_log(session, client.id),
            attachments=await attachments_of(session, client.id),
            at=now,
        )
        await audit.record(
            session,
            SUBJECT_ACCESS,
            now=now,
            subject_type="client",
            subject_id=client.id,
            client_id=client.id,
            detail={"via": "cli"},
        )
        await watch_exports(session, work, actor_id=None, now=now)
    return found
