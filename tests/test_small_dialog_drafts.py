"""The ✏️ Amend, discharge-for-another-reason and /newclient drafts are typed
(AmendDraft, DischargeDraft, NewClientDraft) and stored as the same dicts the dialogs
wrote before: a draft stored by the previous version, in a database the bot restarts
on, is read and the dialog carries on from its step to the saved record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.persistence import USER_SCOPE
from conversations.amend import AmendDraft
from conversations.drafts import ClientIdDraft as DischargeDraft
from conversations.newclient import NewClientDraft
from storage import persistence_store
from storage.kinds import ClientStatus, Program
from storage.models import Client, NoteAmendment
from ui import texts

BOOKKEEPING = {"touched": "2026-03-02T08:00:00+00:00", "token": "0123456789abcdef"}


def test_old_dict_drafts_load_typed_and_are_written_back_as_they_were():
    amend = {"note": 7, **BOOKKEEPING}
    assert AmendDraft.from_json(amend) == AmendDraft(
        7, "0123456789abcdef", {"touched": BOOKKEEPING["touched"]}
    )
    assert AmendDraft.from_json(amend).to_json() == amend

    discharge = {"id": 3, **BOOKKEEPING}
    assert DischargeDraft.from_json(discharge).client_id == 3
    assert DischargeDraft.from_json(discharge).to_json() == discharge

    newclient = {"name": "Rosa Parks", "program": "elderly", "frequency": 30, **BOOKKEEPING}
    draft = NewClientDraft.from_json(newclient)
    assert (draft.name, draft.program, draft.frequency, draft.token) == (
        "Rosa Parks",
        Program.ELDERLY,
        30,
        "0123456789abcdef",
    )
    assert draft.to_json() == newclient
    # The first step stores what the dialog stored before: nothing but the bookkeeping.
    for typed in (AmendDraft, DischargeDraft, NewClientDraft):
        assert typed.from_json(None).to_json() == {}
        assert typed.from_json(BOOKKEEPING).to_json() == BOOKKEEPING


def test_what_cannot_be_read_is_missing_and_asked_again():
    assert AmendDraft.from_json({"note": "7"}).note is None
    assert DischargeDraft.from_json({"id": None}).client_id is None
    broken = NewClientDraft.from_json({"name": "", "program": "pirates", "frequency": "30"})
    assert (broken.name, broken.program, broken.frequency) == (None, None, None)


async def _store_old_draft(harness: Any, user_id: int, key: str, draft: dict[str, Any]) -> None:
    """Stop the bot and write `draft` under `key` as the previous version stored it."""
    await harness.stop()
    async with harness.db.session() as session:
        data = (await persistence_store.load_data(session, USER_SCOPE))[str(user_id)]
        data[key] = {**draft, "touched": harness.clock.now().isoformat()}
        await persistence_store.save_data(
            session, USER_SCOPE, str(user_id), data, harness.clock.now()
        )
    await harness.start()


async def test_a_newclient_draft_stored_by_the_previous_version_is_resumed_and_saved(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    programs = await wanda.send("/newclient Rosa Parks")
    await wanda.press(programs[-1], "Elderly")
    old = {"name": "Rosa Louise Parks", "program": "recovery", "token": "0123456789abcdef"}
    await _store_old_draft(harness, 701, "newclient", old)
    confirm = await wanda.send("14")
    assert "Rosa Louise Parks" in confirm[-1].text and "recovery" in confirm[-1].text
    await wanda.press(confirm[-1], "Save")
    async with harness.db.session() as session:
        [client] = (await session.execute(select(Client))).scalars().all()
    assert (client.name, client.program, client.contact_frequency_days) == (
        "Rosa Louise Parks",
        "recovery",
        14,
    )


async def test_an_amend_draft_stored_by_the_previous_version_is_resumed_and_saved(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    saved = await wanda.send("/note C-0001 office: gave 3 bus tickets")
    await wanda.press(saved[0], "Amend")
    await _store_old_draft(harness, 701, "amend", {"note": 1, "token": "0123456789abcdef"})
    shown = await wanda.send("It was 2 bus tickets, not 3.")
    assert "Amendment by Wanda Worker" in shown[-1].text
    async with harness.db.session() as session:
        [amendment] = (await session.execute(select(NoteAmendment))).scalars().all()
    assert (amendment.note_id, amendment.text) == (1, "It was 2 bus tickets, not 3.")


async def test_a_discharge_draft_stored_by_the_previous_version_is_resumed_and_saved(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    [ask] = await wanda.send("/history C-0001")
    [card] = await wanda.press(ask, texts.CARD_BACK)
    [ask] = await wanda.press(card, texts.CARD_DISCHARGE)
    [question] = await wanda.press(ask, "Other")
    assert question.text == texts.discharge_ask_reason("C-0001")
    await _store_old_draft(harness, 701, "discharge", {"id": client_id})
    [card] = await wanda.send("Moved in with her son")
    assert "Moved in with her son" in card.text
    async with harness.db.session() as session:
        client = await session.get(Client, client_id)
    assert client is not None
    assert (client.status, client.discharge_reason) == (
        ClientStatus.DISCHARGED,
        "Moved in with her son",
    )
