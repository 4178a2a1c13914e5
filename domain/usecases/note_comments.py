"""A supervisor's comments on a note, and their co-sign: beside the note, never in it.

Who: supervisors and admins (domain/rules/roles.may_comment) on the notes of clients
they may see — their team's (storage/access.py). Anyone else, a note withdrawn with
Undo, another team's note or a forged id: refused, and the attempt audited
(`note.comment` / `note.cosign`, by ids). Reading one note with its comments (the note's
page) is for whoever may see the client, audited `note.view`.

A comment (1 to 1000 characters) and a co-sign (once per note and person: a second one
says when the first was) are audited by ids, never words, and the note's author is told
(not when they wrote it themselves): the push holds facts only (the comment's id) and is
worded when sent (bot/reminders/comments.py), when the author's quiet hours allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.results import AlreadySaved, Invalid, Refused, Saved
from domain.rules import roles
from domain.rules.routine import ReminderKind
from domain.usecases.approval_requests import free_at
from domain.usecases.notes import NoteRef
from domain.work import Work
from storage import audit, clients, history, note_comments, notes, outbox, saved_drafts
from storage.history import Event
from storage.models import Client, Note, Worker
from storage.note_comments import COMMENT_MAX, Comment
from storage.supervision_tables import NoteComment
from storage.workers import Actor

VIEW = "note.view"
COMMENT = "note.comment"
COSIGN = "note.cosign"
# What saved_drafts calls the record a comment's draft becomes.
COMMENT_RECEIPT = "note_comment"


@dataclass(frozen=True, slots=True)
class NotePage:
    """One note as its page shows it (the history's event of the note: who was there, the
    text, amendments, comments and co-signs), with what the reader may do."""

    event: Event
    client_id: int
    client_code: str
    client_name: str
    # The reader may comment and co-sign; they co-signed it already.
    may_comment: bool = False
    cosigned: bool = False

    @property
    def id(self) -> int:
        return self.event.ref or 0


@dataclass(frozen=True, slots=True)
class Told:
    """A comment or co-sign, as its push to the note's author says it."""

    comment: Comment
    note_id: int
    note_kind: str
    note_at: datetime
    client: Client


async def note_page(work: Work, actor: Actor, note_id: int | None) -> Saved[NotePage] | Refused:
    """A note with its amendments and comments, for whoever may see the client."""
    now = work.clock.now()
    async with work.transaction() as session:
        found = await notes.get_visible(session, actor, note_id)
        if found is None or found[0].retracted_at is not None:
            await _refuse(session, actor, VIEW, note_id, found, now)
            return Refused("note")
        note, client = found
        await audit.record(
            session,
            VIEW,
            now=now,
            actor_id=actor.id,
            subject_type="note",
            subject_id=note.id,
            client_id=client.id,
        )
        return Saved(await _page(session, note, client, actor))


async def note_to_comment(work: Work, actor: Actor, note_id: int | None) -> NoteRef | Refused:
    """💬 Comment pressed: the note, if the actor may comment on it (else audited)."""
    async with work.transaction() as session:
        found = await _commentable(session, actor, note_id, COMMENT, work.clock.now())
        if isinstance(found, Refused):
            return found
        return NoteRef(found[0].id, found[1].code)


async def comment_on_note(
    work: Work, actor: Actor, note_id: int | None, text: str, *, token: str | None = None
) -> Saved[NotePage] | AlreadySaved[NotePage] | Refused | Invalid:
    """Add a comment to a note (Invalid "empty" or "too_long" first); once per draft
    (`token`): sent again after a crash, the note is shown as it stands."""
    text = text.strip()
    if not text:
        return Invalid("empty")
    if len(text) > COMMENT_MAX:
        return Invalid("too_long")
    now = work.clock.now()
    async with work.transaction() as session:
        found = await _commentable(session, actor, note_id, COMMENT, now)
        if isinstance(found, Refused):
            return found
        note, client = found
        if await saved_drafts.saved_as(session, actor.id, token, COMMENT_RECEIPT) is not None:
            return AlreadySaved(await _page(session, note, client, actor))
        comment = await note_comments.add_comment(
            session, note_id=note.id, author_id=actor.id, text=text, now=now
        )
        saved_drafts.remember(session, actor.id, token, COMMENT_RECEIPT, comment.id, now)
        await _audited_and_told(session, work, actor, note, client, comment, COMMENT, now)
        return Saved(await _page(session, note, client, actor))


async def cosign_note(
    work: Work, actor: Actor, note_id: int | None
) -> Saved[NotePage] | AlreadySaved[NotePage] | Refused:
    """✍️ Co-sign: the actor reviewed the note and co-signs it, once (AlreadySaved: they
    had; the page shows when)."""
    now = work.clock.now()
    async with work.transaction() as session:
        found = await _commentable(session, actor, note_id, COSIGN, now)
        if isinstance(found, Refused):
            return found
        note, client = found
        made = await note_comments.cosign(session, note_id=note.id, author_id=actor.id, now=now)
        if made is None:
            return AlreadySaved(await _page(session, note, client, actor))
        await _audited_and_told(session, work, actor, note, client, made, COSIGN, now)
        return Saved(await _page(session, note, client, actor))


async def told(session: AsyncSession, comment_id: int, reader: Actor) -> Told | None:
    """What a push to the note's author says, if the comment is there and the author
    (`reader`) may still see the client; None otherwise (nothing is pushed)."""
    comment = await note_comments.get(session, comment_id)
    note = await notes.get_note(session, comment.note_id) if comment is not None else None
    if comment is None or note is None or note.retracted_at is not None:
        return None
    client = await clients.get_visible(session, reader, note.client_id)
    if client is None:
        return None
    found = (await note_comments.of_notes(session, [note.id])).get(note.id, [])
    shown = next((item for item in found if item.id == comment.id), None)
    if shown is None:
        return None
    return Told(shown, note.id, note.interaction_type, note.occurred_at, client)


# ── pieces ─────────────────────────────────────────────────────────────────────


async def _commentable(
    session: AsyncSession, actor: Actor, note_id: int | None, action: str, now: datetime
) -> tuple[Note, Client] | Refused:
    """The note and its client if the actor may comment on it; else the attempt at
    `action` is audited and refused."""
    found = await notes.get_visible(session, actor, note_id)
    if found is None or found[0].retracted_at is not None:
        await _refuse(session, actor, action, note_id, found, now)
        return Refused("note")
    if not roles.may_comment(actor.role):
        await _refuse(session, actor, action, note_id, found, now)
        return Refused("role")
    return found


async def _refuse(
    session: AsyncSession,
    actor: Actor,
    action: str,
    note_id: int | None,
    found: tuple[Note, Client] | None,
    now: datetime,
) -> None:
    await audit.refused(
        session,
        action,
        now=now,
        actor_id=actor.id,
        subject_type="note",
        subject_id=note_id,
        client_id=found[1].id if found is not None else None,
    )


async def _audited_and_told(
    session: AsyncSession,
    work: Work,
    actor: Actor,
    note: Note,
    client: Client,
    comment: NoteComment,
    action: str,
    now: datetime,
) -> None:
    """The audit event (by ids) and the note's author's push (facts only; not to someone
    commenting on their own note, nor to someone switched off)."""
    await audit.record(
        session,
        action,
        now=now,
        actor_id=actor.id,
        subject_type="note",
        subject_id=note.id,
        client_id=client.id,
        detail={"comment": comment.id},
    )
    author = await session.get(Worker, note.author_id)
    if author is None or author.id == actor.id or not author.active:
        return
    await outbox.enqueue(
        session,
        key=f"{ReminderKind.NOTE_COMMENT}:{comment.id}",
        kind=ReminderKind.NOTE_COMMENT,
        worker_id=author.id,
        due_at=now,
        now=now,
        client_id=client.id,
        subject_type="note_comment",
        subject_id=comment.id,
        payload={"comment_id": comment.id},
        not_before=free_at(work, author, now),
    )


async def _page(session: AsyncSession, note: Note, client: Client, reader: Actor) -> NotePage:
    note = await notes.get_note(session, note.id) or note  # with its amendments, re-read
    event = await history.note_event(session, client, note)
    return NotePage(
        event=event,
        client_id=client.id,
        client_code=client.code,
        client_name=client.name,
        may_comment=roles.may_comment(reader.role),
        cosigned=any(item.cosign and item.author_id == reader.id for item in event.comments),
    )
