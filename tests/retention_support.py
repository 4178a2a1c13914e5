"""A client whose record fills every table storage/personal_data.py declares, for the
retention, erasure and anonymisation tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.anonymise import rows_where
from storage.clients import create_client
from storage.kinds import AppointmentStatus, ClientStatus, Program
from storage.machinery import InboxUpdate, OutboxMessage, PersistedData
from storage.models import (
    Appointment,
    Base,
    Client,
    ClientChange,
    ClientContact,
    ClientHomeLocation,
    Consent,
    Goal,
    Note,
    NoteAmendment,
    NoteAttachment,
    NoteAttendee,
    NoteGoal,
    Plan,
    Referral,
    Resource,
    Review,
    ReviewItem,
    SafetyPlan,
    Worker,
)
from storage.personal_data import client_tables
from storage.supervision_tables import Approval, NoteComment


@dataclass(frozen=True)
class Filled:
    client_id: int
    name: str
    note_text: str


async def fill_client(
    session: AsyncSession,
    worker: Worker,
    name: str,
    now: datetime,
    *,
    status: ClientStatus = ClientStatus.ACTIVE,
    update_id: int | None = 1,
) -> Filled:
    """A client named `name` with a row in every table that can hold their data (an
    update not handled yet naming them too, unless `update_id` is None: a running bot
    would handle it)."""
    client = await create_client(
        session,
        name=name,
        program=Program.ELDERLY,
        contact_frequency_days=7,
        worker_id=worker.id,
        now=now,
        status=status,
    )
    word = name.split()[0]
    client.date_of_birth = date(1950, 5, 17)
    client.phone = "+49 30 1234567"
    client.address = f"{word}strasse 5, Berlin"
    client.emergency_contact = f"{word}'s son, +49 30 7654321"
    client.living_situation = f"{word} lives alone"
    client.language = "Polish"
    client.needs = {"medical": f"{word} has diabetes"}
    client.risk_reason = f"{word} spoke of a fall"
    client.risk_level = 2
    client.risk_since = now
    client.usual_place = "at home"
    client.home_latitude, client.home_longitude = 52.52, 13.405
    client.last_contact_at = now
    if status == ClientStatus.DISCHARGED:
        client.discharged_at = now
        client.discharge_reason = f"{word} moved to a care home"
    await session.flush()
    cid = client.id
    contact = ClientContact(
        client_id=cid,
        relation="daughter",
        name=f"Eva {word}",
        phone="+49 1",
        notes="visits Sundays",
        organisation="none",
    )
    resource = Resource(name=f"Food bank {cid}", category="food")
    session.add_all(
        [
            contact,
            resource,
            ClientChange(
                client_id=cid,
                field="name",
                before=f"{word} Old",
                after=name,
                worker_id=worker.id,
                at=now,
            ),
            ClientChange(
                client_id=cid,
                field="status",
                before="active",
                after="on_hold",
                reason="in hospital",
                worker_id=worker.id,
                at=now,
            ),
            ClientHomeLocation(
                client_id=cid,
                latitude=52.52,
                longitude=13.405,
                accuracy=10.0,
                source="pin",
                reason="moved",
                worker_id=worker.id,
                at=now,
            ),
            Consent(client_id=cid, given=True, scope=f"share with {word}'s GP", recorded_at=now),
            SafetyPlan(
                client_id=cid,
                version=1,
                kind="saved",
                sections={"warning_signs": [f"{word} stops eating"]},
                review_interval_days=30,
                next_review_on=now.date(),
                created_at=now,
            ),
        ]
    )
    await session.flush()
    appointment = Appointment(
        client_id=cid,
        worker_id=worker.id,
        starts_at=now - timedelta(hours=3),
        place=f"{word}'s flat",
        status=AppointmentStatus.COMPLETED,
        outcome=f"{word} was well",
        check_in_at=now - timedelta(hours=3),
        check_in_latitude=52.52,
        check_in_longitude=13.405,
        check_in_distance=12,
        evv_status="verified",
        created_at=now,
        completed_at=now - timedelta(hours=2),
    )
    plan = Plan(
        client_id=cid, interventions=f"meals for {word}", created_at=now, next_review_on=now.date()
    )
    session.add_all([appointment, plan])
    await session.flush()
    goal = Goal(
        plan_id=plan.id,
        description=f"{word} cooks again",
        measure="twice a week",
        routine="Mondays",
    )
    note_text = f"{word} was tired today and spoke about her late husband"
    note = Note(
        client_id=cid,
        author_id=worker.id,
        interaction_type="home_visit",
        occurred_at=now - timedelta(hours=3),
        created_at=now,
        text=note_text,
        dap_data="data",
        dap_assessment="assessment",
        dap_plan="plan",
        risk_flag=True,
        risk_reason="fall",
        appointment_id=appointment.id,
        about_contact_id=contact.id,
    )
    session.add_all([goal, note])
    await session.flush()
    review = Review(
        plan_id=plan.id, reviewer_id=worker.id, created_at=now, summary=f"{word} improved"
    )
    session.add_all(
        [
            review,
            NoteGoal(note_id=note.id, goal_id=goal.id),
            NoteAttendee(note_id=note.id, contact_id=contact.id),
            NoteAttachment(
                note_id=note.id,
                kind="voice",
                file_id="AwADBAAD-voice",
                file_unique_id="u1",
                caption=f"{word} singing",
            ),
            NoteAmendment(
                note_id=note.id,
                author_id=worker.id,
                created_at=now,
                text=f"{word} also asked for help",
            ),
            NoteComment(note_id=note.id, author_id=worker.id, at=now, text=f"check on {word}"),
            Referral(
                client_id=cid,
                resource_id=resource.id,
                worker_id=worker.id,
                reason=f"{word} is hungry",
                created_at=now,
                outcome="accepted",
            ),
            Approval(
                kind="discharge",
                client_id=cid,
                reason=f"{word} moves",
                requested_by_id=worker.id,
                requested_at=now,
                status="approved",
            ),
            OutboxMessage(
                key=f"risk:{cid}",
                kind="risk",
                status="sent",  # delivered: a running bot's tick leaves it alone
                worker_id=worker.id,
                client_id=cid,
                due_at=now,
                payload={"by": worker.name, "client_id": cid, "about": f"{name} fell"},
                created_at=now,
                next_attempt_at=now,
            ),
            PersistedData(
                scope="user_data",
                key=str(1000 + cid),
                data={"note": {"client_id": cid, "text": note_text}, "lang": "en"},
                updated_at=now,
            ),
        ]
    )
    if update_id is not None:
        session.add(
            InboxUpdate(
                update_id=update_id,
                payload={"update_id": update_id, "message": {"text": f"note for {name}: fine"}},
                received_at=now,
            )
        )
    await session.flush()
    session.add(
        ReviewItem(
            review_id=review.id, goal_id=goal.id, status="in_progress", comment=f"{word} tries"
        )
    )
    await session.flush()
    return Filled(cid, name, note_text)


async def rows_of(session: AsyncSession, client_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row of the client in every client table, as plain dicts (ids and all)."""

    tables = client_tables()
    found: dict[str, list[dict[str, Any]]] = {}
    for name, table in tables.items():
        if table.reach is None:
            continue
        sql_table = Base.metadata.tables[name]
        result = await session.execute(select(sql_table).where(rows_where(name, tables, client_id)))
        found[name] = [dict(row._mapping) for row in result]
    return found


async def client_row(session: AsyncSession, client_id: int) -> Client:
    client = await session.get(Client, client_id, populate_existing=True)
    assert client is not None
    return client
