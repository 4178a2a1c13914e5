"""A note refused because its client moved away meanwhile leaves its trace in the audit
trail, like every other refusal: the ✅ Save of a /note card and the text of an ✏️ Amend
(before, both answered the worker and wrote nothing down)."""

from __future__ import annotations

from sqlalchemy import select

from storage.machinery import AuditEvent
from storage.models import Note, NoteAmendment
from ui import texts


async def _refusals(harness) -> list[tuple[str, str | None, int | None]]:
    async with harness.db.session() as session:
        statement = select(AuditEvent).where(AuditEvent.allowed.is_(False)).order_by(AuditEvent.id)
        events = (await session.execute(statement)).scalars().all()
    return [(e.action, e.subject_type, e.subject_id) for e in events]


async def test_a_save_for_a_client_moved_away_meanwhile_is_refused_and_audited(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker", team="North")
    await harness.seed_worker(702, "Sam Southern", team="South")
    client_id = await harness.seed_client(701)
    kinds = await wanda.send("/note C-0001")
    await wanda.press(kinds[-1], "Home visit")
    card = await wanda.send("Pantry empty")
    await harness.move_client(client_id, 702)
    await wanda.press(card[-1], "Save")
    assert wanda.toasts()[-1] == texts.CLIENT_GONE
    async with harness.db.session() as session:
        assert (await session.execute(select(Note))).scalars().all() == []
    assert await _refusals(harness) == [("note.create", "client", client_id)]


async def test_an_amendment_to_a_note_whose_client_moved_away_is_refused_and_audited(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker", team="North")
    await harness.seed_worker(702, "Sam Southern", team="South")
    client_id = await harness.seed_client(701)
    saved = await wanda.send("/note C-0001 office: gave 3 bus tickets")
    await wanda.press(saved[0], "Amend")
    await harness.move_client(client_id, 702)
    refused = await wanda.send("It was 2 bus tickets, not 3.")
    assert refused[-1].text == texts.NOT_ALLOWED
    async with harness.db.session() as session:
        assert (await session.execute(select(NoteAmendment))).scalars().all() == []
    assert await _refusals(harness) == [("note.amend", "note", 1)]
