"""The people around a client (the card's 👥 People): list them, look at one, add, edit
one detail, end a relation.

Exactly those who may see the client see and change their people (storage/access.py
through `caseload.look`). Every look and every change is an audit event naming the
client and the person's id, never a name: client.people.view, .add, .edit (naming the
field), .end; a refusal is audited as what it was for. A person id that is not this
client's (a forged or stale button) is refused like a client the actor may not see.

Nobody is deleted: an ended relation keeps its row with `ended_at` and is listed under
"Earlier". The history shows each addition and ending (storage/history.py reads the
.add and .end events).

A person's page lists the notes with them (collateral notes about them, notes they
attended); a note's dialog names the client's current people through `people_for_note`,
a look at them audited as client.people.view with `via` saying what the note asked.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.results import Confirm, Gone, Invalid, Refused, Saved, Stale
from domain.rules.phones import international
from domain.work import Work
from storage import audit, caseload, notes
from storage import client_people as store
from storage.models import Client, ClientContact, Note
from storage.workers import Actor

VIEW = "client.people.view"
ADD = "client.people.add"
EDIT = "client.people.edit"
END = "client.people.end"

NOT_VISIBLE = Refused("client")
PERSON_REFUSED = Refused("person")

# Invalid reasons
RELATION = "relation"  # not one of store.RELATIONS
EMPTY = "empty"  # a name (or a detail) empty once cleaned
FIELD = "field"  # not a field a worker edits
PHONE_PLUS = "phone_plus"  # a phone without a country, and the organisation has none set
# Confirm question: someone of that name is already listed
ALREADY_LISTED = "already_listed"
# The notes with a person their page lists (the latest; all are counted).
NOTES_LISTED = 3


@dataclass(frozen=True, slots=True)
class People:
    """The client and their people: the current ones, and those whose relation ended."""

    client: Client
    current: list[ClientContact]
    earlier: list[ClientContact]


@dataclass(frozen=True, slots=True)
class PersonPage:
    client: Client
    person: ClientContact
    # The notes with them (collateral notes about them, notes they attended): how many,
    # and the latest NOTES_LISTED, newest first.
    notes_count: int = 0
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True, slots=True)
class PeopleForNote:
    """The client's current people, for a note to name; `chosen`: the one pressed."""

    client: Client
    current: list[ClientContact]
    chosen: ClientContact | None = None


@dataclass(frozen=True, slots=True)
class Added:
    """The person just added, and the client's people with them."""

    person: ClientContact
    people: People


@dataclass(frozen=True, slots=True)
class NewPerson:
    """What the add dialog gathered; the phone already read by the intake's reader."""

    relation: str
    name: str
    phone: str | None = None
    organisation: str | None = None
    consent: bool | None = None


async def list_people(work: Work, actor: Actor, client_id: int | None) -> People | Refused:
    async with work.transaction() as session:
        client = await caseload.look(session, actor, client_id, VIEW, now=work.clock.now())
        if client is None:
            return NOT_VISIBLE
        rows = await store.people(session, client.id)
    return _split(client, rows)


def _split(client: Client, rows: list[ClientContact]) -> People:
    return People(
        client,
        [row for row in rows if row.ended_at is None],
        [row for row in rows if row.ended_at is not None],
    )


async def look_at_person(
    work: Work, actor: Actor, client_id: int | None, person_id: int | None
) -> PersonPage | Refused:
    async with work.transaction() as session:
        found = await _person(session, work, actor, client_id, person_id, VIEW)
        if isinstance(found, Refused):
            return found
        client, person = found
        await _audit(session, work, actor, VIEW, client, person)
        return await _page(session, client, person)


async def _page(session: AsyncSession, client: Client, person: ClientContact) -> PersonPage:
    count, latest = await notes.with_person(session, client.id, person.id, NOTES_LISTED)
    return PersonPage(client, person, count, tuple(latest))


async def people_for_note(
    work: Work, actor: Actor, client_id: int, person_id: int | None = None, *, via: str
) -> PeopleForNote | Gone | Refused:
    """The client's current people, for a note (`via`: "note.present" for who was there,
    "note.with" for a collateral contact's person). Asked from a draft that may have been
    kept for days, so visibility is checked now: Gone when the client is no longer the
    actor's. `person_id` (a pressed button) must be one of them: another client's person,
    an ended relation or a forged id is refused and audited, and nothing of it is shown."""
    now = work.clock.now()
    async with work.transaction() as session:
        client = await caseload.visible(session, actor, client_id, VIEW, now=work.clock.now())
        if client is None:
            return Gone()
        current = [row for row in await store.people(session, client.id) if row.ended_at is None]
        chosen = next((row for row in current if row.id == person_id), None)
        if person_id is not None and chosen is None:
            await audit.refused(
                session,
                VIEW,
                now=now,
                actor_id=actor.id,
                subject_type="person",
                subject_id=person_id,
                client_id=client.id,
                via=via,
            )
            return PERSON_REFUSED
        detail: dict[str, object] = {"via": via}
        if chosen is not None:
            detail["person"] = chosen.id
        await audit.record_client(
            session, VIEW, now=now, actor_id=actor.id, client_id=client.id, detail=detail
        )
    return PeopleForNote(client, current, chosen)


async def may_add(work: Work, actor: Actor, client_id: int | None) -> Saved[Client] | Refused:
    """The client whose person the add dialog is about to ask for (a refusal audited as
    the addition it was for; an allowed start writes nothing, the addition is audited)."""
    async with work.transaction() as session:
        client = await caseload.visible(session, actor, client_id, ADD, now=work.clock.now())
    return NOT_VISIBLE if client is None else Saved(client)


async def add_person(
    work: Work, actor: Actor, client_id: int | None, new: NewPerson, *, anyway: bool = False
) -> Saved[Added] | Confirm[ClientContact] | Refused | Invalid:
    """Add a person; saved, the client's people as they now are (to show). Someone of the
    same name (case and accents aside) already among the client's current people is
    offered first — `Confirm(ALREADY_LISTED, them)`, nothing written — unless `anyway`.
    The organisation is kept for the care team only."""
    if new.relation not in store.RELATIONS:
        return Invalid(RELATION)
    name = store.clean_text("name", new.name)
    if name is None:
        return Invalid(EMPTY)
    phone = store.clean_text("phone", new.phone) if new.phone else None
    if phone is not None:
        phone = international(phone, work.settings.country_code)
        if phone is None:
            return Invalid(PHONE_PLUS)
    organisation = store.clean_text("organisation", new.organisation) if new.organisation else None
    now = work.clock.now()
    async with work.transaction() as session:
        client = await caseload.visible(session, actor, client_id, ADD, now=work.clock.now())
        if client is None:
            return NOT_VISIBLE
        if not anyway:
            listed = await store.same_name(session, client.id, name)
            if listed is not None:
                return Confirm(ALREADY_LISTED, listed)
        person = await store.add_person(
            session,
            client,
            relation=new.relation,
            name=name,
            phone=phone,
            organisation=organisation,
            consent=new.consent,
            now=now,
        )
        await _audit(session, work, actor, ADD, client, person)
        rows = await store.people(session, client.id)
    return Saved(Added(person, _split(client, rows)))


async def edit_person(
    work: Work,
    actor: Actor,
    client_id: int | None,
    person_id: int | None,
    field: str,
    value: str | bool,
) -> Saved[PersonPage] | Refused | Invalid:
    """Change one detail: a text field of store.TEXT_FIELDS (a phone already read by the
    intake's reader), or "consent" (a bool). Audited naming the field, never the value."""
    if field not in (*store.TEXT_FIELDS, "consent") or (field == "consent") != isinstance(
        value, bool
    ):
        return Invalid(FIELD)
    cleaned = value if isinstance(value, bool) else store.clean_text(field, value)
    if cleaned is None:
        return Invalid(EMPTY)
    if field == "phone" and isinstance(cleaned, str):
        # Kept as the client's own phone is: "+49 30 1234567" (domain/rules/phones.py).
        cleaned = international(cleaned, work.settings.country_code)
        if cleaned is None:
            return Invalid(PHONE_PLUS)
    async with work.transaction() as session:
        found = await _person(session, work, actor, client_id, person_id, EDIT, field=field)
        if isinstance(found, Refused):
            return found
        client, person = found
        if field == "consent":
            person.consent_to_share = bool(cleaned)
        else:
            setattr(person, field, cleaned)
        client.updated_at = work.clock.now()
        await _audit(session, work, actor, EDIT, client, person, field=field)
        return Saved(await _page(session, client, person))


async def end_relation(
    work: Work, actor: Actor, client_id: int | None, person_id: int | None
) -> Saved[PersonPage] | Stale[PersonPage] | Refused:
    """The relation ended today: the person stays in the record, under "Earlier".
    Ended already (a second press): Stale, nothing written."""
    now = work.clock.now()
    async with work.transaction() as session:
        found = await _person(session, work, actor, client_id, person_id, END)
        if isinstance(found, Refused):
            return found
        client, person = found
        if person.ended_at is not None:
            return Stale(await _page(session, client, person))
        person.ended_at = now
        client.updated_at = now
        await _audit(session, work, actor, END, client, person)
        return Saved(await _page(session, client, person))


async def _person(
    session: AsyncSession,
    work: Work,
    actor: Actor,
    client_id: int | None,
    person_id: int | None,
    action: str,
    **detail: object,
) -> tuple[Client, ClientContact] | Refused:
    client = await caseload.visible(session, actor, client_id, action, now=work.clock.now())
    if client is None:
        return NOT_VISIBLE
    person = await store.person(session, client.id, person_id) if person_id else None
    if person is None:
        await audit.refused(
            session,
            action,
            now=work.clock.now(),
            actor_id=actor.id,
            subject_type="person",
            subject_id=person_id,
            client_id=client.id,
            **detail,
        )
        return PERSON_REFUSED
    return client, person


async def _audit(
    session: AsyncSession,
    work: Work,
    actor: Actor,
    action: str,
    client: Client,
    person: ClientContact,
    **detail: object,
) -> None:
    await audit.record_client(
        session,
        action,
        now=work.clock.now(),
        actor_id=actor.id,
        client_id=client.id,
        detail={"person": person.id, **detail},
    )
