"""Comments and co-signs on notes: written beside a note, never into it.

Plain reads and writes; who may comment, the audit and the author's notice are the use
case's (domain/usecases/note_comments.py). A co-sign is made with INSERT … ON CONFLICT
DO NOTHING against the partial unique index (one per note and person), so a double tap
or two phones co-sign once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Worker
from storage.supervision_tables import COSIGN_ONLY, NoteComment
from storage.upsert import insert_statement

# A comment's length, as typed (html-escaped only when shown).
COMMENT_MAX = 1000
NOTE_REF = re.compile(r"^\s*n-?\s*0*(\d{1,9})\s*$", re.IGNORECASE)


def parse_note_ref(typed: str) -> int | None:
    """`N-12`, `n12`, `N-0012` → 12; anything else → None."""
    match = NOTE_REF.match(typed)
    return int(match.group(1)) if match else None


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment or a co-sign as shown: who (their name now), when, what."""

    id: int
    note_id: int
    author_id: int
    author: str | None
    at: datetime
    text: str
    cosign: bool


async def add_comment(
    session: AsyncSession, *, note_id: int, author_id: int, text: str, now: datetime
) -> NoteComment:
    if not text or len(text) > COMMENT_MAX:
        raise ValueError(f"a comment holds 1 to {COMMENT_MAX} characters")
    comment = NoteComment(note_id=note_id, author_id=author_id, at=now, text=text, cosign=False)
    session.add(comment)
    await session.flush()
    return comment


async def cosign(
    session: AsyncSession, *, note_id: int, author_id: int, now: datetime
) -> NoteComment | None:
    """The person's co-sign of the note; None when they had co-signed it before."""
    values = {"note_id": note_id, "author_id": author_id, "at": now, "text": "", "cosign": True}
    statement = (
        insert_statement(session, NoteComment)
        .values(**values)
        .on_conflict_do_nothing(
            index_elements=["note_id", "author_id"], index_where=text(COSIGN_ONLY)
        )
        .returning(NoteComment.id)
    )
    added = (await session.execute(statement)).scalar_one_or_none()
    return await session.get(NoteComment, added) if added is not None else None


async def cosign_of(session: AsyncSession, note_id: int, author_id: int) -> NoteComment | None:
    statement = select(NoteComment).where(
        NoteComment.note_id == note_id,
        NoteComment.author_id == author_id,
        NoteComment.cosign.is_(True),
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def of_notes(session: AsyncSession, note_ids: Iterable[int]) -> dict[int, list[Comment]]:
    """Each note's comments and co-signs, oldest first, with their authors' names."""
    wanted = sorted(set(note_ids))
    if not wanted:
        return {}
    statement = (
        select(NoteComment, Worker.name)
        .outerjoin(Worker, Worker.id == NoteComment.author_id)
        .where(NoteComment.note_id.in_(wanted))
        .order_by(NoteComment.at, NoteComment.id)
    )
    found: dict[int, list[Comment]] = {}
    for row, name in (await session.execute(statement)).tuples():
        found.setdefault(row.note_id, []).append(
            Comment(row.id, row.note_id, row.author_id, name, row.at, row.text, row.cosign)
        )
    return found


async def get(session: AsyncSession, comment_id: int) -> NoteComment | None:
    return await session.get(NoteComment, comment_id)
