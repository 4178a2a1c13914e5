"""The people around a client: family, caregivers, neighbours and the care team, as
`ClientContact` rows (the intake adds them too: storage/intake.py).

A relation that ends keeps its row with `ended_at`; nothing here deletes. No Telegram and
no parsing of what a worker typed: callers hand in values their dialog read (a phone
through the intake's reader); names and free text are cleaned here, as names are.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.intake import CONTACT_NAME_MAX, PHONE_MAX
from storage.models import Client, ClientContact
from storage.names import clean_name

# Who a person is to the client. The intake offers family, caregiver, provider, other;
# the card's 👥 People offers them all. The care team's "provider" is any other
# professional.
PERSONAL = ("family", "caregiver", "neighbour", "other")
CARE_TEAM = ("gp", "nurse", "therapist", "pharmacist", "social_security", "school", "provider")
RELATIONS = PERSONAL + CARE_TEAM

ORGANISATION_MAX = 200
NOTES_MAX = 500
# What a worker edits of a person, one at a time.
TEXT_FIELDS = ("name", "phone", "organisation", "notes")
FIELD_MAX = {
    "name": CONTACT_NAME_MAX,
    "phone": PHONE_MAX,
    "organisation": ORGANISATION_MAX,
    "notes": NOTES_MAX,
}


def in_care_team(relation: str) -> bool:
    return relation in CARE_TEAM


def same_person_key(name: str) -> str:
    """What two names must share to be taken for the same person: case, accents and
    spacing do not count ("Ana  Lopez" is "ana lópez")."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.split())


def clean_text(field: str, value: str) -> str | None:
    """`value` as stored in `field`: one line without control characters, cut to the
    field's limit (notes keep their lines); None when nothing is left."""
    limit = FIELD_MAX[field]
    if field == "notes":
        lines = [clean_name(line) for line in value.splitlines()]
        cleaned = "\n".join(line for line in lines if line)[:limit].strip()
    else:
        cleaned = clean_name(value, limit=limit)
    return cleaned or None


async def people(session: AsyncSession, client_id: int) -> list[ClientContact]:
    """Everyone ever listed for the client, in the order they were added."""
    statement = (
        select(ClientContact).where(ClientContact.client_id == client_id).order_by(ClientContact.id)
    )
    return list((await session.execute(statement)).scalars())


async def person(session: AsyncSession, client_id: int, person_id: int) -> ClientContact | None:
    """The person if they are this client's (a forged or stale id: None)."""
    row = await session.get(ClientContact, person_id)
    return row if row is not None and row.client_id == client_id else None


async def same_name(session: AsyncSession, client_id: int, name: str) -> ClientContact | None:
    """A current person of the client called `name` (see `same_person_key`), if any."""
    key = same_person_key(name)
    # Compared here, not in SQL: SQLite's lower() knows only ASCII, and neither folds accents.
    for row in await people(session, client_id):
        if row.ended_at is None and same_person_key(row.name) == key:
            return row
    return None


async def add_person(
    session: AsyncSession,
    client: Client,
    *,
    relation: str,
    name: str,
    phone: str | None,
    organisation: str | None,
    consent: bool | None,
    now: datetime,
) -> ClientContact:
    if relation not in RELATIONS:
        raise ValueError(f"unknown relation: {relation}")
    row = ClientContact(
        client_id=client.id,
        relation=relation,
        name=name,
        phone=phone,
        organisation=organisation if in_care_team(relation) else None,
        consent_to_share=consent,
    )
    session.add(row)
    client.updated_at = now
    await session.flush()
    return row
