"""Issue 18, notes that say who was there and about whom: the note's card ticks who was
there one tap each (the client ticked for a home visit, each current person on the card);
a collateral contact asks "with whom?" (one of the client's people, or someone not on the
card) and is listed on that person's page, which also starts one; the history, the note
and the exports say who was there and with whom. Only the client's current people can be
named: another client's person, forged into a button, is refused, audited and never shown.
A collateral note does not move "last contact"."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from domain.settings import load_settings
from domain.usecases import notes as usecases
from domain.usecases.notes import NewNote
from domain.work import Work
from storage.client_people import add_person
from storage.kinds import InteractionType, Role
from storage.machinery import AuditEvent
from storage.models import Client, Note, NoteAttendee, Worker
from storage.workers import Actor
from tests.harness import buttons, running
from tests.test_pseudo_locale import PSEUDO, _leaks, pseudo_locale  # noqa: F401
from ui import texts

WANDA = 701
OTTO = 702
SUE = 710
ANA = "Ana López (Family)"
WEBER = "Dr. Weber (GP)"


async def _person(harness, client_id: int, relation: str, name: str, *, ended=False) -> int:
    async with harness.db.session() as session:
        client = await session.get(Client, client_id)
        person = await add_person(
            session,
            client,
            relation=relation,
            name=name,
            phone=None,
            organisation=None,
            consent=True,
            now=harness.clock.now(),
        )
        if ended:
            person.ended_at = harness.clock.now()
        return person.id


async def _world(harness):
    """Wanda, her client Maria with Ana (daughter), Dr. Weber (GP) and a neighbour whose
    relation ended; another client of hers, with a person of their own."""
    wanda = await harness.seed_worker(WANDA, "Wanda Worker")
    await harness.seed_client(WANDA)
    ids = {
        "ana": await _person(harness, 1, "family", "Ana López"),
        "weber": await _person(harness, 1, "gp", "Dr. Weber"),
        "gone": await _person(harness, 1, "neighbour", "Herr Schmidt", ended=True),
    }
    await harness.seed_client(WANDA, "Otto Brandt")
    ids["secret"] = await _person(harness, 2, "family", "Sofia Brandt")
    return wanda, ids


async def _notes(harness) -> list[Note]:
    async with harness.db.session() as session:
        return list((await session.execute(select(Note).order_by(Note.id))).scalars())


async def _attendees(harness) -> list[tuple[int, int | None, bool]]:
    async with harness.db.session() as session:
        rows = await session.execute(select(NoteAttendee).order_by(NoteAttendee.id))
        return [(row.note_id, row.contact_id, row.is_client) for row in rows.scalars()]


async def _audits(harness, action: str) -> list[AuditEvent]:
    async with harness.db.session() as session:
        statement = select(AuditEvent).where(AuditEvent.action == action)
        return list((await session.execute(statement.order_by(AuditEvent.id))).scalars())


async def _card(wanda, kind: str = "Home visit"):
    """A new note for Maria of this kind: its card (for a collateral contact, the question
    with whom it was)."""
    ask = (await wanda.send("/note C-0001"))[-1]
    return (await wanda.press(ask, kind))[-1]


def _labels(message) -> list[str]:
    return [label for label, _ in buttons(message)]


def _bot_texts(person) -> str:
    return "\n".join(
        [m.text or "" for m in person.messages() if m.from_bot]
        + [label for m in person.messages() for label in _labels(m)]
    )


async def test_who_was_there_is_ticked_one_tap_each_and_saved(harness):
    wanda, ids = await _world(harness)
    card = await _card(wanda)
    [picker] = await wanda.press(card, texts.NOTE_WHO)
    assert picker.text.startswith("Who was there? Tap each one")
    # A home visit: the client is ticked already. The ended relation is not offered.
    assert _labels(picker) == ["✓ 👤 Maria Gonzalez", ANA, WEBER, texts.DONE]
    assert all(len(data.encode()) <= 64 for _, data in buttons(picker))
    [picker] = await wanda.press(picker, ANA)  # one tap: ticked, the question edited
    assert "✓ " + ANA in _labels(picker)
    [picker] = await wanda.press(picker, WEBER)
    [picker] = await wanda.press(picker, WEBER)  # and again: unticked
    assert WEBER in _labels(picker) and "✓ " + WEBER not in _labels(picker)
    card = (await wanda.press(picker, texts.DONE))[-1]
    assert "👥 Maria Gonzalez, Ana López (Family)" in card.text
    card = (await wanda.send("Pantry empty, Ana helps with shopping."))[-1]
    [saved] = await wanda.press(card, "Save")
    assert "Note N-1 saved" in saved.text
    assert "👥 Maria Gonzalez, Ana López (Family)" in saved.text

    assert await _attendees(harness) == [(1, None, True), (1, ids["ana"], False)]
    [note] = await _notes(harness)
    assert note.about_contact_id is None
    # Every read of the people is a look at them, audited with what the note asked.
    looks = await _audits(harness, "client.people.view")
    assert looks and all(e.allowed and e.client_id == 1 for e in looks)
    assert {e.detail["via"] for e in looks} == {"note.present"}
    assert {e.detail.get("person") for e in looks} == {None, ids["ana"], ids["weber"]}


async def test_the_client_is_not_ticked_for_supervision_and_nobody_is_recorded(harness):
    wanda, ids = await _world(harness)
    card = await _card(wanda, "Supervision")
    [picker] = await wanda.press(card, texts.NOTE_WHO)
    assert _labels(picker)[0] == "👤 Maria Gonzalez"
    # Nothing said until the worker answers: a note without the question records nobody.
    card = (await wanda.press(picker, texts.DONE))[-1]
    assert "👥 " not in card.text
    card = (await wanda.send("Case discussed."))[-1]
    await wanda.press(card, "Save")
    assert await _attendees(harness) == []


async def test_the_draft_keeps_who_was_there_across_a_restart(harness):
    wanda, ids = await _world(harness)
    card = await _card(wanda)
    [picker] = await wanda.press(card, texts.NOTE_WHO)
    [picker] = await wanda.press(picker, ANA)
    await harness.restart()
    [picker] = await wanda.press(picker, WEBER)  # the question still works after it
    assert "✓ " + ANA in _labels(picker) and "✓ " + WEBER in _labels(picker)
    card = (await wanda.press(picker, texts.DONE))[-1]
    await harness.restart()
    card = (await wanda.send("After the restart."))[-1]
    assert "👥 Maria Gonzalez, Ana López (Family), Dr. Weber (GP)" in card.text
    await wanda.press(card, "Save")
    assert await _attendees(harness) == [
        (1, None, True),
        (1, ids["ana"], False),
        (1, ids["weber"], False),
    ]


async def test_a_collateral_contact_with_ana_is_listed_on_her_page(harness):
    wanda, ids = await _world(harness)
    card = await _card(wanda, "Collateral")
    asked = wanda.last()
    assert asked.text.startswith("With whom was it?")
    assert _labels(asked) == [ANA, WEBER, texts.NOTE_NOT_ON_CARD]
    card = (await wanda.press(asked, "Ana"))[-1]
    assert "🗣 With Ana López (Family)" in card.text
    assert texts.NOTE_WITH_WHOM in _labels(card)
    card = (await wanda.send("Call about <meds> & the pharmacy"))[-1]
    [saved] = await wanda.press(card, "Save")
    assert "🗣 With Ana López (Family)" in saved.text
    [note] = await _notes(harness)
    assert (note.interaction_type, note.about_contact_id) == ("collateral", ids["ana"])
    async with harness.db.session() as session:
        # Talking with the daughter is not seeing the client (README: last contact).
        assert (await session.get(Client, 1)).last_contact_at is None

    # A home visit she attended is with her too.
    card = await _card(wanda)
    [picker] = await wanda.press(card, texts.NOTE_WHO)
    card = (await wanda.press((await wanda.press(picker, ANA))[-1], texts.DONE))[-1]
    card = (await wanda.send("Visit, Ana there."))[-1]
    await wanda.press(card, "Save")
    async with harness.db.session() as session:
        assert (await session.get(Client, 1)).last_contact_at == harness.clock.now()

    [history] = await wanda.send("/history C-0001")
    assert "Collateral · with Ana López (Family)" in history.text
    assert "Present: Maria Gonzalez, Ana López (Family)" in history.text
    [card] = await wanda.press(history, texts.CARD_BACK)
    [listed] = await wanda.press(card, texts.CARD_PEOPLE)
    [page] = await wanda.press(listed, ANA)
    assert "📝 Notes with Ana López: 2" in page.text
    lines = page.text.split("📝 Notes with Ana López: 2")[1].strip().splitlines()
    assert "Home visit: Visit, Ana there." in lines[0]
    assert "Collateral: Call about <meds> & the pharmacy" in lines[1]
    [page] = await wanda.press(listed, WEBER)
    assert "Notes with" not in page.text
    looks = [e for e in await _audits(harness, "client.people.view") if "via" not in e.detail]
    assert looks[-1].detail == {"person": ids["weber"]}


async def test_someone_not_on_the_card_and_what_is_not_a_tap(harness):
    wanda, ids = await _world(harness)
    await _card(wanda, "Collateral")
    asked = wanda.last()
    # A sticker where a tap is expected: asked to use the buttons, nothing lost.
    [answer] = await wanda.send_sticker()
    assert answer.text == texts.USE_BUTTONS_OR_CANCEL
    # Text instead of a tap is the note's text; the question can come back from the card.
    card = (await wanda.send("Spoke with the landlord."))[-1]
    assert "Spoke with the landlord." in card.text and "🗣" not in card.text.split("\n")[1]
    [again] = await wanda.press(card, texts.NOTE_WITH_WHOM)
    card = (await wanda.press(again, texts.NOTE_NOT_ON_CARD))[-1]
    assert "🗣" not in card.text
    # The question left above still answers while the draft is open.
    card = (await wanda.press(asked, "Weber"))[-1]
    assert "🗣 With Dr. Weber (GP)" in card.text
    [again] = await wanda.press(card, texts.NOTE_WITH_WHOM)
    card = (await wanda.press(again, texts.NOTE_NOT_ON_CARD))[-1]
    await wanda.press(card, "Save")
    [note] = await _notes(harness)
    assert (note.interaction_type, note.about_contact_id, note.text) == (
        "collateral",
        None,
        "Spoke with the landlord.",
    )


async def test_a_client_with_nobody_listed_is_not_asked_with_whom(harness):
    wanda = await harness.seed_worker(WANDA, "Wanda Worker")
    await harness.seed_client(WANDA)
    card = await _card(wanda, "Collateral")
    assert texts.NOTE_TYPE_IT in card.text
    [told] = await wanda.press(card, texts.NOTE_WITH_WHOM)
    assert told.text == texts.NOTE_NOBODY_LISTED
    [picker] = await wanda.press(card, texts.NOTE_WHO)
    assert _labels(picker) == ["👤 Maria Gonzalez", texts.DONE]


async def test_a_note_with_ana_starts_from_her_page(harness):
    wanda, ids = await _world(harness)
    [history] = await wanda.send("/history C-0001")
    [card] = await wanda.press(history, texts.CARD_BACK)
    [listed] = await wanda.press(card, texts.CARD_PEOPLE)
    [page] = await wanda.press(listed, ANA)
    assert "📝 Note with Ana López" in _labels(page)
    [card] = await wanda.press(page, "📝 Note with Ana López")
    assert "Collateral" in card.text and "🗣 With Ana López (Family)" in card.text
    card = (await wanda.send("Ana called: Maria sleeps badly."))[-1]
    await wanda.press(card, "Save")
    [note] = await _notes(harness)
    assert (note.interaction_type, note.about_contact_id) == ("collateral", ids["ana"])
    # Someone whose relation ended is not offered a new note.
    [page] = await wanda.press(listed, "Herr Schmidt")
    assert not [label for label in _labels(page) if "Note with" in label]
    refused = [e for e in await _audits(harness, "client.people.view") if not e.allowed]
    assert refused == []


async def test_another_client_s_person_is_refused_audited_and_never_shown(harness):
    wanda, ids = await _world(harness)
    secret = ids["secret"]
    card = await _card(wanda)
    [picker] = await wanda.press(card, texts.NOTE_WHO)
    for forged in (f"nt:att:{secret}", f"nt:att:{ids['gone']}", "nt:att:99999999999", "nt:att:x"):
        await wanda.press_data(picker.message_id, forged)
    card = (await wanda.press(picker, texts.DONE))[-1]
    assert "👥 Maria Gonzalez" in card.text
    card = (await wanda.send("Maria alone."))[-1]
    await wanda.press(card, "Save")
    asked = await _card(wanda, "Collateral")
    await wanda.press_data(asked.message_id, f"nt:wp:{secret}")
    assert wanda.toasts()[-1] == texts.STALE_BUTTON
    card = (await wanda.send("Nobody else."))[-1]
    assert "🗣" not in card.text
    await wanda.press(card, "Save")
    # A person's note forged for another client's person, or for Maria's under Otto Brandt.
    await wanda.press_data(asked.message_id, f"nt:about:1:{secret}")
    await wanda.press_data(asked.message_id, f"nt:about:2:{ids['ana']}")
    assert wanda.toasts()[-2:] == [texts.STALE_BUTTON] * 2
    assert "Sofia" not in _bot_texts(wanda) and "Schmidt" not in _bot_texts(wanda)
    refused = [e for e in await _audits(harness, "client.people.view") if not e.allowed]
    assert [(e.subject_type, e.subject_id, e.client_id) for e in refused] == [
        ("person", secret, 1),
        ("person", ids["gone"], 1),
        ("person", secret, 1),
        ("person", secret, 1),
        ("person", ids["ana"], 2),
    ]
    assert [e.detail["via"] for e in refused] == ["note.present"] * 2 + ["note.with"] * 3
    assert await _attendees(harness) == [(1, None, True)]
    assert [note.about_contact_id for note in await _notes(harness)] == [None, None]

    # A worker of another team, pressing Maria's person's note: refused as the client.
    otto = await harness.seed_worker(OTTO, "Otto Other", team="South")
    [anything] = await otto.send("/today")
    await otto.press_data(anything.message_id, f"nt:about:1:{ids['ana']}")
    assert otto.toasts()[-1] == texts.CLIENT_GONE
    assert "Ana" not in _bot_texts(otto)
    [last] = [e for e in await _audits(harness, "client.people.view") if e.actor_worker_id == 2]
    assert (last.allowed, last.subject_type, last.subject_id) == (False, "client", 1)


async def test_the_use_case_drops_a_person_who_is_not_the_client_s(harness):
    """A draft stored with another client's person (or one whose relation ended since)
    saves the note without them."""
    _, ids = await _world(harness)
    work = Work(harness.db, harness.clock, load_settings({}))
    async with harness.db.session() as session:
        actor = Actor.of(await session.get(Worker, 1))
    new = NewNote(
        client_id=1,
        kind=InteractionType.COLLATERAL,
        text="Forged.",
        client_present=True,
        attendee_ids=(ids["secret"], ids["gone"], ids["ana"]),
        about_contact_id=ids["secret"],
    )
    saved = await usecases.save_note(work, actor, new, token=None)
    assert [p.name for p in saved.value.present] == ["Ana López"]
    assert saved.value.about is None
    assert await _attendees(harness) == [(1, None, True), (1, ids["ana"], False)]
    # Not a collateral contact: with nobody, whatever the draft held.
    kept = NewNote(client_id=1, kind=InteractionType.PHONE, text="Call.", about_contact_id=1)
    saved = await usecases.save_note(work, actor, kept, token=None)
    assert saved.value.about is None and (await _notes(harness))[-1].about_contact_id is None


async def test_buttons_of_a_saved_or_changed_draft_act_on_nothing(harness):
    wanda, ids = await _world(harness)
    asked = await _card(wanda, "Collateral")
    card = (await wanda.send("Called Maria."))[-1]
    # The kind corrected to a phone call: the person goes, the question left is stale.
    [kinds] = await wanda.press(card, texts.KIND)
    card = (await wanda.press(kinds, "Phone"))[-1]
    await wanda.press(asked, "Ana")
    assert wanda.toasts()[-1] == texts.STALE_BUTTON
    [picker] = await wanda.press(card, texts.NOTE_WHO)
    card = (await wanda.press(picker, texts.DONE))[-1]
    await wanda.press(card, "Save")
    before = await _attendees(harness)
    await wanda.press(picker, ANA)  # the dialog is over
    assert wanda.toasts()[-1] == texts.STALE_BUTTON
    assert await _attendees(harness) == before == [(1, None, True)]
    [note] = await _notes(harness)
    assert (note.interaction_type, note.about_contact_id) == ("phone", None)


async def test_the_exports_say_who_was_there_and_with_whom(harness):
    wanda, ids = await _world(harness)
    [page_ask] = await wanda.send("/note C-0001")
    card = (await wanda.press(page_ask, "Collateral"))[-1]
    card = (await wanda.press(wanda.last(), "Ana"))[-1]
    [picker] = await wanda.press(card, texts.NOTE_WHO)
    [picker] = await wanda.press(picker, "Maria Gonzalez")  # at the meeting too
    [picker] = await wanda.press(picker, WEBER)
    card = (await wanda.press(picker, texts.DONE))[-1]
    card = (await wanda.send("Family meeting about the care plan."))[-1]
    await wanda.press(card, "Save")
    async with harness.db.session() as session:
        # Still a collateral contact: last contact does not move (README, Decisions).
        assert (await session.get(Client, 1)).last_contact_at is None
    [history] = await wanda.send("/history C-0001")
    [card] = await wanda.press(history, texts.CARD_BACK)
    [menu] = await wanda.press(card, texts.CARD_EXPORT)
    sent = await wanda.press(menu, "CSV")
    [document] = [m for m in sent if m.document]
    raw = harness.state.file_bytes(document.file_id).decode("utf-8-sig")
    [row] = [row for row in csv.reader(io.StringIO(raw)) if "N-1" in row[3]]
    assert row[3] == "Note N-1 · Collateral · with Ana López (Family)"
    assert row[4].startswith("Present: Maria Gonzalez, Dr. Weber (GP)\nFamily meeting")
    sent = await wanda.press(menu, "PDF")
    [document] = [m for m in sent if m.document]
    reader = PdfReader(io.BytesIO(harness.state.file_bytes(document.file_id)))
    pdf_text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "with Ana López (Family)" in pdf_text
    assert "Present: Maria Gonzalez, Dr. Weber (GP)" in pdf_text


async def test_no_push_names_the_person_of_a_collateral_note(devserver, db, db_url, clock):
    """A risk flagged on a call with the daughter alerts the supervisor; under private
    previews the alert names neither the client nor the daughter."""
    async with running(devserver, db, db_url, clock, CASELINE_PRIVATE_PREVIEWS="1") as harness:
        wanda, _ = await _world(harness)
        sue = await harness.seed_worker(SUE, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
        await _card(wanda, "Collateral")
        card = (await wanda.press(wanda.last(), "Ana"))[-1]
        await wanda.send("Ana says Maria fell.")
        await wanda.press(wanda.last(), "Risk")
        await wanda.send("Fell at night")
        await wanda.press(wanda.last(), "Save")
        assert "🗣 With Ana López (Family)" in card.text
        alert = sue.last()
        assert "C-0001 M.G." in alert.text
        assert "Ana" not in alert.text and "López" not in alert.text


@pytest.mark.usefixtures("pseudo_locale")
async def test_who_and_with_whom_come_from_the_catalogs(devserver, db, db_url, clock):
    async with running(devserver, db, db_url, clock) as harness:
        wanda, _ = await _world(harness)
        await harness.speaks(WANDA, PSEUDO)
        card = await _card(wanda, "Collateral")
        card = (await wanda.press(wanda.last(), "Ana"))[-1]
        [picker] = await wanda.press(card, "Who was there")
        [picker] = await wanda.press(picker, "Dr. Weber")
        card = (await wanda.press(picker, "Done"))[-1]
        card = (await wanda.send("Meeting"))[-1]
        await wanda.press(card, "Save")
        [history] = await wanda.send("/history C-0001")
        [card] = await wanda.press(history, "Client")
        [listed] = await wanda.press(card, "People")
        [page] = await wanda.press(listed, "Ana López")
        await wanda.press(page, "Note with")
        data = ["Maria Gonzalez", "Wanda Worker", "Wanda", "Ana López", "Dr. Weber", "Meeting"]
        data += ["Herr Schmidt", "Otto Brandt"]
        leaks = _leaks(harness, WANDA, data)
        assert not leaks, f"{len(leaks)} texts bypass the catalogs: {leaks[:8]}"


def test_the_draft_keeps_who_was_there_in_its_json():
    """Stored as JSON in user_data like the rest of the draft; a draft of an older version
    (none of it) loads as "not said"."""
    from conversations.note_draft import NoteDraft
    from conversations.pickers import ClientRef
    from domain.usecases.notes import NotePerson

    draft = NoteDraft(client=ClientRef(1, "C-0001", "Maria Gonzalez"))
    draft.set_kind(InteractionType.COLLATERAL)
    draft.about = NotePerson(3, "Ana López", "family")
    draft.toggle_present(NotePerson(4, "Dr. Weber", "gp"))
    assert (draft.client_present, draft.client_there) == (False, False)
    stored = draft.to_json()
    assert stored["present"] == [{"id": 4, "name": "Dr. Weber", "relation": "gp"}]
    again = NoteDraft.from_json(stored)
    assert (again.about, again.present, again.client_present) == (
        draft.about,
        draft.present,
        False,
    )
    assert again.to_json() == stored
    again.set_kind(InteractionType.HOME_VISIT)  # not a collateral contact: with nobody
    saved = again.to_note(saved_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    assert again.about is None and saved.about_contact_id is None
    old = NoteDraft.from_json({"client": stored["client"], "kind": "home_visit"})
    assert (old.client_present, old.present, old.about, old.client_there) == (
        None,
        [],
        None,
        True,
    )
