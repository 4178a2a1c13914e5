"""Progress notes: saved once, never overwritten; corrections are amendments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Insert, Table, Update, bindparam, false, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage import attachment_contents, clients
from storage.access import Reach, shape, visibility, visible_parameters
from storage.db import affected
from storage.driver import Prepared
from storage.kinds import AppointmentStatus, InteractionType
from storage.models import (
    Appointment,
    Client,
    ClientContact,
    Goal,
    Note,
    NoteAmendment,
    NoteAttachment,
    NoteAttendee,
    NoteGoal,
)
from storage.workers import Actor

# Interactions with the client themself; collateral contacts (family, providers),
# supervision and "other" do not count as seeing the client.
CLIENT_CONTACT = frozenset(
    {
        InteractionType.HOME_VISIT,
        InteractionType.OFFICE,
        InteractionType.PHONE,
        InteractionType.VIDEO,
    }
)
TEXT_MAX = 20_000

CLIENTS = cast(Table, Client.__table__)
NOTES = cast(Table, Note.__table__)


@dataclass(frozen=True, slots=True)
class Attachment:
    kind: str
    file_id: str
    file_unique_id: str | None = None
    caption: str | None = None


async def create_note(
    session: AsyncSession,
    *,
    client: Client,
    author_id: int,
    interaction_type: InteractionType,
    occurred_at: datetime,
    text: str,
    now: datetime,
    dap: tuple[str, str, str] | None = None,
    risk_reason: str | None = None,
    goal_ids: Iterable[int] = (),
    attachments: Iterable[Attachment] = (),
    appointment_id: int | None = None,
    client_present: bool = False,
    attendee_ids: Iterable[int] = (),
    about_contact_id: int | None = None,
) -> Note:
    """A new note. Attendees and the person a collateral note is with are ids of the
    client's people the caller has checked (domain/usecases/notes.py)."""
    _within_limit(text, "note")
    note = Note(
        client_id=client.id,
        author_id=author_id,
        interaction_type=interaction_type,
        occurred_at=occurred_at,
        created_at=now,
        text=text,
        risk_flag=risk_reason is not None,
        risk_reason=risk_reason or None,
        appointment_id=appointment_id,
        about_contact_id=about_contact_id,
    )
    if dap is not None:
        note.dap_data, note.dap_assessment, note.dap_plan = dap
    if interaction_type in CLIENT_CONTACT:
        record_contact(client, occurred_at, now)
    client.updated_at = now
    session.add(note)
    await session.flush()  # the note's id, and the client's row, in one pass
    goals, files = set(goal_ids), list(attachments)
    present = list(dict.fromkeys(attendee_ids))
    if not goals and not files and not present and not client_present:
        return note
    if client_present:
        session.add(NoteAttendee(note_id=note.id, is_client=True))
    for contact_id in present:
        session.add(NoteAttendee(note_id=note.id, contact_id=contact_id, is_client=False))
    for goal_id in goals:
        session.add(NoteGoal(note_id=note.id, goal_id=goal_id))
    # An Attachment's fields are the row's: kind, file id, unique id, caption.
    rows = [NoteAttachment(note_id=note.id, **asdict(attachment)) for attachment in files]
    session.add_all(rows)
    await session.flush()
    for row in rows:
        # The bytes stored when the file arrived become this attachment's.
        await attachment_contents.link(session, row, author_id=author_id)
    await session.flush()
    return note


# "Last contact" is one rule, here: the latest contact with the client that has
# HAPPENED — a completed visit or a contact note (CLIENT_CONTACT) whose time is not after
# now. A contact dated in the future never moves it; notes arriving out of order never
# move it back. `record_contact` applies the rule to one new contact, and
# `refresh_last_contact` recomputes it from the record (after an undo or a no-show).


def _within_limit(text: str, what: str) -> None:
    """The storage layer's own guard: the use cases refuse longer text kindly first."""
    if len(text) > TEXT_MAX:
        raise ValueError(f"{what} text is over {TEXT_MAX} characters")


def record_contact(client: Client, moment: datetime, now: datetime) -> None:
    """Move the client's last contact forward to `moment` (`moved_contact`)."""
    client.last_contact_at = moved_contact(client.last_contact_at, moment, now)
    client.updated_at = now


def moved_contact(last: datetime | None, moment: datetime, now: datetime) -> datetime | None:
    """The last contact once a contact at `moment` is recorded: moved forward to it —
    never back (notes arrive out of order) and never into the future (a contact after
    `now` has not happened)."""
    if moment <= now and (last is None or moment > last):
        return moment
    return last


async def refresh_last_contact(session: AsyncSession, client: Client, *, now: datetime) -> None:
    """Recompute last contact from what remains (after an undo or a no-show): the latest
    completed visit or contact note that happened by `now`."""
    note_latest = (
        select(func.max(Note.occurred_at))
        .where(
            Note.client_id == client.id,
            Note.retracted_at.is_(None),
            Note.interaction_type.in_(list(CLIENT_CONTACT)),
            Note.occurred_at <= now,
        )
        .scalar_subquery()
    )
    visit_latest = (
        select(func.max(Appointment.starts_at))
        .where(
            Appointment.client_id == client.id,
            Appointment.status == AppointmentStatus.COMPLETED,
            Appointment.starts_at <= now,
        )
        .scalar_subquery()
    )
    notes_at, visits_at = (await session.execute(select(note_latest, visit_latest))).one()
    candidates = [moment for moment in (notes_at, visits_at) if moment is not None]
    client.last_contact_at = max(candidates) if candidates else None


async def visible_client_and_resend(
    session: AsyncSession,
    actor: Actor,
    client_id: int,
    *,
    kind: str,
    text: str,
    sent_since: datetime,
    stored_since: datetime,
) -> tuple[Any | None, Note | None]:
    """The client if `actor` may see it (clients.get_visible) as a row of what a one-liner
    needs (`id`, `name`, `last_contact_at`), and the author's note for it with exactly
    this kind and text, not withdrawn, that happened since `sent_since` or was stored
    since `stored_since`: the first copy of a message sent twice. Both times, because an
    outage pulls them apart: a copy stored before it and its resend handled after it were
    sent minutes apart but stored hours apart; a copy sent during it and its resend sent
    as the bot came back were stored minutes apart.

    One SELECT, since a one-liner asks both for every note, built once per shape of
    access (storage.access.shape) and sent to the driver; the earlier copy is loaded by a
    second one only when there is one."""
    parameters = {
        "client_id": client_id,
        "author_id": actor.id,
        "kind": kind,
        "text": text,
        "sent_since": sent_since,
        "stored_since": stored_since,
        **visible_parameters(actor),
    }
    rows = await _client_and_resend(*shape(actor)).rows(session, parameters)
    if not rows:
        return None, None
    client = rows[0]
    earlier = client.earlier_id
    return client, await session.get(Note, earlier) if earlier is not None else None


@cache
def _client_and_resend(reach: Reach, covering: bool) -> Prepared:
    """visible_client_and_resend's statement, its values as parameters: it runs for every
    one-line note (building it each time cost about 5 % of an answer's CPU)."""
    earlier = (
        select(NOTES.c.id)
        .where(
            NOTES.c.author_id == bindparam("author_id"),
            NOTES.c.client_id == CLIENTS.c.id,
            NOTES.c.interaction_type == bindparam("kind"),
            or_(
                NOTES.c.occurred_at >= bindparam("sent_since"),
                NOTES.c.created_at >= bindparam("stored_since"),
            ),
            NOTES.c.retracted_at.is_(None),
            NOTES.c.text == bindparam("text"),
        )
        .order_by(NOTES.c.id)
        .limit(1)
        .scalar_subquery()
        .label("earlier_id")
    )
    return Prepared(
        select(CLIENTS.c.id, CLIENTS.c.name, CLIENTS.c.last_contact_at, earlier).where(
            CLIENTS.c.id == bindparam("client_id"), visibility(reach, covering)
        )
    )


async def create_one_liner(
    session: AsyncSession,
    client: Any,
    *,
    author_id: int,
    interaction_type: InteractionType,
    occurred_at: datetime,
    text: str,
    now: datetime,
) -> Any:
    """A note with nothing but its text (`/note C-0042 phone: …`) for a client row of
    `visible_client_and_resend`, sent to the driver: the client's last contact
    (`moved_contact`) and the note. The note as a row: `id`, `client_id`,
    `interaction_type`, `occurred_at`, `created_at`, `text`, `risk_flag`, `risk_reason`."""
    _within_limit(text, "note")
    last = client.last_contact_at
    if interaction_type in CLIENT_CONTACT:
        last = moved_contact(last, occurred_at, now)
    touched = {"touched_id": client.id, "last": last, "now": now}
    values = {
        "client_id": client.id,
        "author_id": author_id,
        "interaction_type": interaction_type.value,
        "occurred_at": occurred_at,
        "created_at": now,
        "text": text,
    }
    if session.bind.dialect.name == "postgresql":
        # One round trip, not two: PostgreSQL runs an UPDATE inside WITH (to completion,
        # read or not); SQLite has no such WITH. A round trip to the server is the
        # largest single cost of an update (bench/README.md, session 17).
        [note] = await _touch_client_and_insert().rows(session, values | touched)
        return note
    # Apart: through the session an UPDATE would also SET a column named by a value.
    await _touch_client().run(session, touched)
    [note] = await _insert_one_liner().rows(session, values)
    return note


def _touch() -> Update:
    return (
        update(CLIENTS)
        # Not named like a column of clients: an UPDATE would SET a column so named.
        .where(CLIENTS.c.id == bindparam("touched_id"))
        .values(
            last_contact_at=bindparam("last", type_=CLIENTS.c.last_contact_at.type),
            updated_at=bindparam("now", type_=CLIENTS.c.updated_at.type),
        )
    )


def _one_liner() -> Insert:
    given = ("client_id", "author_id", "interaction_type", "occurred_at", "created_at", "text")
    return (
        insert(NOTES)
        .values(
            {name: bindparam(name, type_=NOTES.c[name].type) for name in given}
            | {"risk_flag": false()}
        )
        .returning(
            *(NOTES.c[name] for name in ("id", *given)),
            NOTES.c.risk_flag,
            NOTES.c.risk_reason,
        )
    )


@cache
def _touch_client() -> Prepared:
    return Prepared(_touch())


@cache
def _insert_one_liner() -> Prepared:
    return Prepared(_one_liner())


@cache
def _touch_client_and_insert() -> Prepared:
    return Prepared(_one_liner().add_cte(_touch().cte("touched")))


async def get_visible(
    session: AsyncSession, actor: Actor, note_id: int | None
) -> tuple[Note, Client] | None:
    """A note with its client, if `actor` may see that client."""
    note = await get_note(session, note_id) if note_id else None
    client = await clients.get_visible(session, actor, note.client_id) if note else None
    return (note, client) if note is not None and client is not None else None


async def get_note(session: AsyncSession, note_id: int) -> Note | None:
    statement = (
        select(Note)
        .where(Note.id == note_id)
        .options(selectinload(Note.amendments), selectinload(Note.attachments))
        # Re-read after an amendment in the same session, not the cached collection.
        .execution_options(populate_existing=True)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def amend(
    session: AsyncSession, note: Note, *, author_id: int, text: str, now: datetime
) -> NoteAmendment:
    _within_limit(text, "amendment")
    amendment = NoteAmendment(note_id=note.id, author_id=author_id, created_at=now, text=text)
    session.add(amendment)
    await session.flush()
    return amendment


async def retract(session: AsyncSession, note: Note, client: Client, *, now: datetime) -> bool:
    """Withdraw a note (↩ Undo; whether it still may is domain/rules/notes.py's call).
    False when it was withdrawn already, also by a concurrent press."""
    if note.retracted_at is not None:
        return False
    claimed = await session.execute(
        update(Note)
        .where(Note.id == note.id, Note.retracted_at.is_(None))
        .values(retracted_at=now)
        .execution_options(synchronize_session=False)
    )
    if affected(claimed) != 1:
        return False
    note.retracted_at = now
    await refresh_last_contact(session, client, now=now)
    return True


async def retract_saved_with(
    session: AsyncSession, appointment_id: int, *, since: datetime, now: datetime
) -> int:
    """Withdraw the notes saved with a visit (linked to it, stored since it was logged)
    when the visit is taken back with ↩ Undo; the caller recomputes last contact."""
    withdrawn = await session.execute(
        update(Note)
        .where(
            Note.appointment_id == appointment_id,
            Note.created_at >= since,
            Note.retracted_at.is_(None),
        )
        .values(retracted_at=now)
        .execution_options(synchronize_session=False)
    )
    return affected(withdrawn)


async def of_visit(session: AsyncSession, appointment_id: int) -> Note | None:
    """The note saved with a visit (the latest, not withdrawn), if it has one."""
    statement = (
        select(Note)
        .where(Note.appointment_id == appointment_id, Note.retracted_at.is_(None))
        .order_by(Note.id.desc())
        .limit(1)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def set_kind(
    session: AsyncSession, note: Note, client: Client, kind: InteractionType, *, now: datetime
) -> None:
    """Say what kind of contact a note was (whether it still may is domain/rules/notes.py's
    call); the client's last contact follows, forward or back."""
    note.interaction_type = kind
    client.updated_at = now
    await session.flush()
    await refresh_last_contact(session, client, now=now)


async def recent_for_client(session: AsyncSession, client_id: int, limit: int = 5) -> list[Note]:
    statement = (
        select(Note)
        .where(Note.client_id == client_id, Note.retracted_at.is_(None))
        .order_by(Note.occurred_at.desc(), Note.id.desc())
        .limit(limit)
        .options(selectinload(Note.amendments), selectinload(Note.attachments))
    )
    return list((await session.execute(statement)).scalars())


# ── who was there, and with whom ──────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class NotePeople:
    """Who was there at a note (the client, and people around the client in the order
    chosen) and the person a collateral note is with."""

    client_present: bool = False
    present: tuple[ClientContact, ...] = ()
    about: ClientContact | None = None


async def goals_of(
    session: AsyncSession, notes: Iterable[Note], *, client_id: int | None = None
) -> dict[int, list[str]]:
    """The plan goals each note worked on (their descriptions, in plan order), by note id
    (a note with none is left out). One SELECT; by `client_id` for a whole history."""
    listed = [note.id for note in notes]
    if not listed:
        return {}
    statement = (
        select(NoteGoal.note_id, Goal.description)
        .join(Goal, Goal.id == NoteGoal.goal_id)
        .order_by(Goal.position, Goal.id)
    )
    if client_id is None:
        statement = statement.where(NoteGoal.note_id.in_(listed))
    else:
        statement = statement.join(Note, Note.id == NoteGoal.note_id).where(
            Note.client_id == client_id
        )
    goals: dict[int, list[str]] = {}
    for note_id, description in await session.execute(statement):
        goals.setdefault(note_id, []).append(description)
    return goals


async def people_of(
    session: AsyncSession, notes: Iterable[Note], *, client_id: int | None = None
) -> dict[int, NotePeople]:
    """Each note's people, by note id (a note with none is left out). Two SELECTs; given
    the notes' `client_id` (a whole history), the attendees are found by it rather than
    by a list of every note id."""
    listed = list(notes)
    if not listed:
        return {}
    statement = select(NoteAttendee).order_by(NoteAttendee.id)
    if client_id is None:
        statement = statement.where(NoteAttendee.note_id.in_([note.id for note in listed]))
    else:
        statement = statement.join(Note, Note.id == NoteAttendee.note_id).where(
            Note.client_id == client_id
        )
    rows = list((await session.execute(statement)).scalars())
    contact_ids = {row.contact_id for row in rows if row.contact_id is not None}
    contact_ids |= {note.about_contact_id for note in listed if note.about_contact_id}
    contacts = (
        {
            contact.id: contact
            for contact in (
                await session.execute(
                    select(ClientContact).where(ClientContact.id.in_(contact_ids))
                )
            ).scalars()
        }
        if contact_ids
        else {}
    )
    by_note: dict[int, list[NoteAttendee]] = {}
    for row in rows:
        by_note.setdefault(row.note_id, []).append(row)
    found: dict[int, NotePeople] = {}
    for note in listed:
        mine = by_note.get(note.id, [])
        about = contacts.get(note.about_contact_id) if note.about_contact_id else None
        if not mine and about is None:
            continue
        found[note.id] = NotePeople(
            client_present=any(row.is_client for row in mine),
            present=tuple(
                contacts[row.contact_id]
                for row in mine
                if row.contact_id is not None and row.contact_id in contacts
            ),
            about=about,
        )
    return found


async def with_person(
    session: AsyncSession, client_id: int, person_id: int, limit: int
) -> tuple[int, list[Note]]:
    """The client's notes (not withdrawn) with one of their people: collateral notes
    about them and notes they attended — how many, and the latest `limit`."""
    attended = select(NoteAttendee.note_id).where(NoteAttendee.contact_id == person_id)
    theirs = (
        (Note.client_id == client_id)
        & Note.retracted_at.is_(None)
        & or_(Note.about_contact_id == person_id, Note.id.in_(attended))
    )
    count = (await session.execute(select(func.count()).select_from(Note).where(theirs))).scalar()
    latest = (
        select(Note)
        .where(theirs)
        .order_by(Note.occurred_at.desc(), Note.id.desc())
        .limit(limit)
        .options(selectinload(Note.amendments))
    )
    return int(count or 0), list((await session.execute(latest)).scalars())
