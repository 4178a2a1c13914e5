"""A note's files, kept by Caseline: who may have one downloaded, and storing its bytes.

The download itself is a Telegram call, so it happens in the shell before the update's
transaction opens (bot/attachments.py); the dialog that takes the file hands its bytes
to `keep_file`, which stores them under the worker until the note is saved
(storage/attachment_contents.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from domain.results import Refused
from domain.work import Work
from storage import attachment_contents, caseload, workers
from storage.attachment_contents import FileContent, StoredContent
from storage.workers import Actor

# Telegram lets a bot download files up to this size (getFile); larger ones stay there.
DOWNLOAD_LIMIT = 20 * 1024 * 1024
NOT_VISIBLE = Refused("client")
LOOK = "attachment.view"


@dataclass(frozen=True, slots=True)
class FileNotFetched:
    """A file the shell could not bring in: over Telegram's limit, or the download
    failed (the network, an error from Telegram). The worker is asked to send it again."""

    reason: Literal["too_large", "failed"]


FetchedFile = FileContent | FileNotFetched


async def downloads_for(work: Work, telegram_user_id: int) -> bool:
    """Whether a file this Telegram user sends is worth downloading: only an active
    worker's (a stranger's file is refused at the gate anyway)."""
    async with work.transaction() as session:
        worker = await workers.by_telegram_id(session, telegram_user_id)
    return worker is not None and worker.active


async def keep_file(work: Work, actor: Actor, file: FileContent) -> None:
    """Store the bytes of a file the worker sent for a note they are writing."""
    async with work.transaction() as session:
        await attachment_contents.keep_unsaved(
            session, worker_id=actor.id, file=file, now=work.clock.now()
        )


async def look_at_attachment(
    work: Work, actor: Actor, attachment_id: int
) -> StoredContent | Refused:
    """The stored bytes of a note's attachment, for a worker who may see the note's client
    (the card's rule, storage/caseload.py); the look is audited ("attachment.view"), and so
    is a refusal. Refused too when Caseline holds no bytes of it (kept by file id only)."""
    now = work.clock.now()
    async with work.transaction() as session:
        client_id = await attachment_contents.client_of(session, attachment_id)
        detail = {"attachment": attachment_id}
        client = await caseload.look(session, actor, client_id, LOOK, now=now, detail=detail)
        if client is None:
            return NOT_VISIBLE
        stored = await attachment_contents.stored_bytes(session, attachment_id)
    return stored if stored is not None else NOT_VISIBLE
