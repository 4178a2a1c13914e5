"""The bytes of a note's voice notes, photos and documents, kept by Caseline itself.

Telegram keeps a file only as long as it likes, and the agency can neither erase it there
nor hand it over to the person it is about. So every attachment is downloaded as it
arrives (bot/attachments.py, before the update's transaction: a download is a Telegram
call) and its bytes stored here, in both privacy modes.

A file arrives before its note exists: its row waits with no `attachment_id`, under the
worker who sent it and the file's `file_unique_id`; saving the note links it to the
note's attachment row (`link`), whose deletion then deletes the bytes with it (ON DELETE
CASCADE). Rows of drafts never saved are forgotten after `KEEP_UNSAVED`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import affected
from storage.models import Base, Note, NoteAttachment

# A draft kept aside is offered back for days (bot/housekeeping.py keeps saved drafts for
# 30): the bytes of one never saved wait as long, then go.
KEEP_UNSAVED = timedelta(days=30)


class AttachmentContent(Base):
    """The stored bytes of one attachment (or of one waiting for its note to be saved)."""

    __tablename__ = "attachment_contents"

    id: Mapped[int] = mapped_column(primary_key=True)
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("note_attachments.id", ondelete="CASCADE"), unique=True
    )
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    file_unique_id: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    mime_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    stored_at: Mapped[datetime] = mapped_column(index=True)


@dataclass(frozen=True, slots=True)
class FileContent:
    """A file as downloaded: what to store of it."""

    file_unique_id: str
    content: bytes
    mime_type: str


@dataclass(frozen=True, slots=True)
class StoredContent:
    """An attachment's stored bytes, for subject access and the Mini App."""

    attachment_id: int
    content: bytes
    size: int
    mime_type: str
    sha256: str


async def keep_unsaved(
    session: AsyncSession, *, worker_id: int, file: FileContent, now: datetime
) -> None:
    """Store a file that arrived for a note not yet saved."""
    session.add(
        AttachmentContent(
            worker_id=worker_id,
            file_unique_id=file.file_unique_id,
            content=file.content,
            size=len(file.content),
            mime_type=file.mime_type,
            sha256=hashlib.sha256(file.content).hexdigest(),
            stored_at=now,
        )
    )
    await session.flush()


async def link(session: AsyncSession, attachment: NoteAttachment, *, author_id: int) -> bool:
    """Give the saved `attachment` the bytes its author's file left waiting; False when
    none wait (a draft from before attachments were stored, or bytes already forgotten)."""
    if attachment.file_unique_id is None:
        return False
    waiting = await session.scalar(
        select(AttachmentContent)
        .where(
            AttachmentContent.worker_id == author_id,
            AttachmentContent.file_unique_id == attachment.file_unique_id,
            AttachmentContent.attachment_id.is_(None),
        )
        .order_by(AttachmentContent.id)
        .limit(1)
    )
    if waiting is None:
        return False
    waiting.attachment_id = attachment.id
    return True


async def stored_bytes(session: AsyncSession, attachment_id: int) -> StoredContent | None:
    """The bytes Caseline holds of a note's attachment, or None (kept by file id only)."""
    row = await session.scalar(
        select(AttachmentContent).where(AttachmentContent.attachment_id == attachment_id)
    )
    if row is None:
        return None
    return StoredContent(row.attachment_id or 0, row.content, row.size, row.mime_type, row.sha256)


async def client_of(session: AsyncSession, attachment_id: int) -> int | None:
    """The client whose note carries the attachment, or None (no such attachment)."""
    client_id: int | None = await session.scalar(
        select(Note.client_id)
        .join(NoteAttachment, NoteAttachment.note_id == Note.id)
        .where(NoteAttachment.id == attachment_id)
    )
    return client_id


async def forget_unsaved_before(session: AsyncSession, cutoff: datetime) -> int:
    """Drop the bytes of files whose note was never saved, stored before `cutoff`."""
    result = await session.execute(
        delete(AttachmentContent).where(
            AttachmentContent.attachment_id.is_(None), AttachmentContent.stored_at < cutoff
        )
    )
    return affected(result)
