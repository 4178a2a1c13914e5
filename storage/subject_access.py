"""What a data subject's request for access (GDPR art. 15) adds to the case file of
storage/export.py: who looked at or changed the record (the audit trail), and the files
attached to notes. Nothing here renders or checks access: `caseline subject-access` is
the operator's (domain/usecases/subject_access.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.attachment_contents import AttachmentContent
from storage.audit_chain import write_staged
from storage.history import about_client
from storage.machinery import AuditEvent
from storage.models import Note, NoteAttachment, Worker


@dataclass(frozen=True, slots=True)
class AccessRow:
    """One audit event about the client: who (a worker, else the shell or Caseline
    itself), when, what, and whether it was allowed."""

    at: datetime
    worker_id: int | None
    worker: str | None
    via_cli: bool
    action: str
    allowed: bool


@dataclass(frozen=True, slots=True)
class AttachmentRow:
    """A file attached to a note: its Telegram file id, and the bytes Caseline stored of it
    (None for a file kept by id only, from before Caseline stored files)."""

    id: int
    note_id: int
    kind: str
    at: datetime  # when the note's contact happened
    file_id: str
    file_unique_id: str | None
    content: bytes | None = None
    mime_type: str | None = None


async def access_log(session: AsyncSession, client_id: int) -> list[AccessRow]:
    """Every audit event about the client, oldest first."""
    await write_staged(session)
    statement = (
        select(AuditEvent, Worker.name)
        .outerjoin(Worker, Worker.id == AuditEvent.actor_worker_id)
        .where(about_client(client_id))
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [
        AccessRow(
            at=event.at,
            worker_id=event.actor_worker_id,
            worker=name,
            via_cli=(event.detail or {}).get("via") == "cli",
            action=event.action,
            allowed=event.allowed,
        )
        for event, name in (await session.execute(statement)).tuples()
    ]


async def attachments_of(session: AsyncSession, client_id: int) -> list[AttachmentRow]:
    """Every file attached to the client's notes, oldest note first: the one list of a
    client's attachments (stored files, once kept, are found from these rows too)."""
    statement = (
        select(
            NoteAttachment,
            Note.occurred_at,
            AttachmentContent.content,
            AttachmentContent.mime_type,
        )
        .join(Note, Note.id == NoteAttachment.note_id)
        .outerjoin(AttachmentContent, AttachmentContent.attachment_id == NoteAttachment.id)
        .where(Note.client_id == client_id)
        .order_by(Note.occurred_at, Note.id, NoteAttachment.id)
    )
    return [
        AttachmentRow(
            id=attachment.id,
            note_id=attachment.note_id,
            kind=attachment.kind,
            at=occurred_at,
            file_id=attachment.file_id,
            file_unique_id=attachment.file_unique_id,
            content=content,
            mime_type=mime_type,
        )
        for attachment, occurred_at, content, mime_type in (
            await session.execute(statement)
        ).tuples()
    ]
