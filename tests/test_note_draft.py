"""The /note draft is typed (conversations/note_draft.NoteDraft) and stored as the same
JSON as the dict drafts before it: a draft kept by the older version, in a database that
is upgraded under it, is offered back, resumed and saved."""

from __future__ import annotations

from sqlalchemy import select

from bot.persistence import USER_SCOPE
from conversations.note_draft import NoteDraft
from storage import persistence_store
from storage.models import Note, NoteAttachment
from storage.notes import Attachment

# What the dict draft of the previous version held after a few steps, as stored.
OLD_DRAFT = {
    "client": {"id": 1, "code": "C-0001", "name": "Maria Gonzalez"},
    "kind": "phone",
    "parts": ["Started this on the doorstep.", "Pantry empty."],
    "when": "2026-03-02T07:30:00+00:00",
    "risk": "Lives alone",
    "attachments": [{"kind": "voice", "file_id": "F1", "file_unique_id": "U1", "caption": None}],
    "dap": ["Fridge nearly empty", "Food insecurity", "Refer to food bank"],
    "card": 7,
    "token": "0123456789abcdef",
    "revision": 4,
    "touched": "2026-03-02T07:40:00+00:00",
    "kept_at": "2026-03-02T08:20:00+00:00",
}


def test_an_old_dict_draft_loads_and_is_stored_back_as_it_was():
    draft = NoteDraft.from_json(OLD_DRAFT)
    assert draft.client is not None and draft.client.code == "C-0001"
    assert draft.text == "Started this on the doorstep.\n\nPantry empty."
    assert draft.attachments == [Attachment("voice", "F1", "U1", None)]
    assert draft.dap == ("Fridge nearly empty", "Food insecurity", "Refer to food bank")
    assert draft.ready and draft.shows(4) and not draft.shows(3)
    assert draft.to_json() == OLD_DRAFT
    assert NoteDraft.from_json(None).to_json() == {}


async def test_a_draft_kept_by_the_older_version_is_offered_back_and_saved(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    await harness.stop()
    async with harness.db.session() as session:
        await persistence_store.save_data(
            session, USER_SCOPE, "701", {"kept_drafts": {"note": OLD_DRAFT}}, harness.clock.now()
        )
    await harness.start()
    offer = await wanda.send("/note")
    assert "unsaved note" in offer[0].text
    card = await wanda.press(offer[0], "Resume")
    assert "Pantry empty." in card[-1].text and "Lives alone" in card[-1].text
    await wanda.press(card[-1], "Save")
    async with harness.db.session() as session:
        [note] = (await session.execute(select(Note))).scalars().all()
        attachments = (await session.execute(select(NoteAttachment.file_id))).scalars().all()
    assert note.text == "Started this on the doorstep.\n\nPantry empty."
    assert (note.interaction_type, note.risk_reason, note.dap_plan) == (
        "phone",
        "Lives alone",
        "Refer to food bank",
    )
    assert note.occurred_at.isoformat().startswith("2026-03-02T07:30")
    assert attachments == ["F1"]
