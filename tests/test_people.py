"""Issue 18, the people around the client: the card's 👥 People lists the intake's contacts
and whoever is added (family, neighbours, the care team with their organisation), offers
someone already listed before adding them twice, edits one detail (a bad phone said, nothing
lost), ends a relation without deleting it; only those who may see the client see and
change them, every look and change audited by person id; the PDF lists them and the history
shows each addition and ending."""

from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from storage.intake import add_contact, set_contact_phone
from storage.machinery import AuditEvent
from storage.models import Client, ClientContact
from tests.harness import buttons, running
from tests.test_client_language import berlin
from tests.test_pseudo_locale import PSEUDO, _leaks, pseudo_locale  # noqa: F401
from tests.test_quiet_hours_vs_start_of_day import _appointment
from ui import texts

WANDA = 701
OTTO = 702


async def _intake_contact(harness, name: str = "Ana López", phone: str | None = None) -> int:
    """A contact as the intake's contacts step saves it."""
    async with harness.db.session() as session:
        client = await session.get(Client, 1)
        contact = await add_contact(
            session, client, relation="family", name=name, now=harness.clock.now()
        )
        if phone:
            await set_contact_phone(session, client, contact.id, phone, harness.clock.now())
        return contact.id


async def _people(harness) -> list[ClientContact]:
    async with harness.db.session() as session:
        statement = select(ClientContact).order_by(ClientContact.id)
        return list((await session.execute(statement)).scalars())


async def _audits(harness, prefix: str = "client.people.") -> list[AuditEvent]:
    async with harness.db.session() as session:
        statement = select(AuditEvent).where(AuditEvent.action.startswith(prefix))
        return list((await session.execute(statement.order_by(AuditEvent.id))).scalars())


async def _world(harness):
    wanda = await harness.seed_worker(WANDA, "Wanda Worker")
    await harness.seed_client(WANDA)
    return wanda


async def _people_list(person):
    [history] = await person.send("/history C-0001")
    [card] = await person.press(history, texts.CARD_BACK)
    [listed] = await person.press(card, texts.CARD_PEOPLE)
    assert listed.message_id == card.message_id
    return listed


async def _add(wanda, listed, relation: str, name: str, *, phone=None, organisation=None):
    [question] = await wanda.press(listed, texts.PEOPLE_ADD)
    assert "Who are they to the client?" in question.text
    [asked] = await wanda.press(question, relation)
    assert "Their name?" in asked.text
    [asked] = await wanda.send(name)
    assert "international format" in asked.text
    if phone is None:
        [asked] = await wanda.press(asked, texts.PEOPLE_NO_PHONE)
    else:
        [asked] = await wanda.send(phone)
    if organisation is not None:
        assert "Which organisation" in asked.text
        [asked] = await wanda.send(organisation)
    assert "consent to sharing" in asked.text
    return await wanda.press(asked, texts.PEOPLE_CONSENT_YES)


async def test_the_intake_s_contacts_are_listed_and_family_and_a_gp_are_added(harness):
    wanda = await _world(harness)
    await _intake_contact(harness, phone="+34 600 111 222")
    listed = await _people_list(wanda)
    assert "People around C-0001" in listed.text and "Ana López" in listed.text
    assert "+34 600 111 222" in listed.text and texts.PEOPLE_AROUND in listed.text

    # A neighbour with a phone: a bad one is said and asked again.
    [question] = await wanda.press(listed, texts.PEOPLE_ADD)
    [asked] = await wanda.press(question, "Neighbour")
    [asked] = await wanda.send("Herr Schmidt")
    [bad] = await wanda.send("ring the bell")
    assert bad.text == texts.NOT_A_PHONE
    [asked] = await wanda.send("+49 170 1234567")
    assert "consent to sharing" in asked.text  # no organisation outside the care team
    [listed] = await wanda.press(asked, texts.PEOPLE_CONSENT_NO)
    assert wanda.toasts()[-1] == texts.PEOPLE_ADDED_TOAST
    assert "Herr Schmidt" in listed.text and "consent to share: no" in listed.text

    [listed] = await _add(wanda, listed, "GP", "Dr. Weber", organisation="Praxis am Markt")
    assert texts.PEOPLE_CARE_TEAM in listed.text
    assert "Praxis am Markt" in listed.text.split(texts.PEOPLE_CARE_TEAM)[1]

    rows = await _people(harness)
    assert [(p.relation, p.name, p.phone, p.organisation, p.consent_to_share) for p in rows] == [
        ("family", "Ana López", "+34 600 111 222", None, None),
        ("neighbour", "Herr Schmidt", "+49 170 1234567", None, False),
        ("gp", "Dr. Weber", None, "Praxis am Markt", True),
    ]
    added = await _audits(harness, "client.people.add")
    assert [event.detail for event in added] == [{"person": 2}, {"person": 3}]
    views = await _audits(harness, "client.people.view")
    assert views and all(event.client_id == 1 and event.allowed for event in views)


async def test_someone_already_listed_is_offered_before_adding_them_twice(harness):
    wanda = await _world(harness)
    await _intake_contact(harness)
    listed = await _people_list(wanda)
    [question] = await wanda.press(listed, texts.PEOPLE_ADD)
    [asked] = await wanda.press(question, "Family")
    [asked] = await wanda.send("  ana   LOPEZ ")
    [asked] = await wanda.press(asked, texts.PEOPLE_NO_PHONE)
    [offered] = await wanda.press(asked, texts.PEOPLE_CONSENT_YES)
    assert "Already listed: Ana López (Family). Add anyway?" in offered.text
    assert len(await _people(harness)) == 1  # nothing written yet
    [listed] = await wanda.press(offered, texts.PEOPLE_ADD_ANYWAY)
    assert [p.name for p in await _people(harness)] == ["Ana López", "ana LOPEZ"]
    assert listed.text.count("(Family)") == 2


async def test_a_phone_is_edited_a_bad_one_said_and_nothing_lost(harness):
    wanda = await _world(harness)
    await _intake_contact(harness, phone="+34 600 111 222")
    listed = await _people_list(wanda)
    [page] = await wanda.press(listed, "Ana López (Family)")
    assert "📞 Phone: +34 600 111 222" in page.text and "not asked" in page.text
    [asked] = await wanda.press(page, texts.PEOPLE_EDIT_PHONE)
    assert "New phone for Ana López?" in asked.text
    [bad] = await wanda.send("call her")
    assert bad.text == texts.NOT_A_PHONE
    # Without a country, and none set for the organisation: asked with its +, as a client's.
    [no_country] = await wanda.send("0600 999 888")
    assert no_country.text == texts.DETAIL_PHONE_PLUS
    assert (await _people(harness))[0].phone == "+34 600 111 222"
    [page] = await wanda.send("0034 (600) 999-888")
    assert "📞 Phone: +34 600 999 888" in page.text
    assert (await _people(harness))[0].phone == "+34 600 999 888"
    [page] = await wanda.press(page, texts.PEOPLE_CONSENT_GIVEN)
    assert (await _people(harness))[0].consent_to_share is True
    edits = await _audits(harness, "client.people.edit")
    assert [e.detail for e in edits] == [
        {"person": 1, "field": "phone"},
        {"person": 1, "field": "consent"},
    ]


async def test_an_ended_relation_stays_under_earlier_and_the_history_shows_it(harness):
    wanda = await _world(harness)
    await _intake_contact(harness)
    listed = await _people_list(wanda)
    [listed] = await _add(wanda, listed, "Caregiver", "Beata Nowak", phone="+48 600 100 200")
    [page] = await wanda.press(listed, "Ana López (Family)")
    [ask] = await wanda.press(page, texts.PEOPLE_END)
    assert "End the relation with Ana López?" in ask.text
    [page] = await wanda.press(ask, texts.PEOPLE_END_YES)
    assert wanda.toasts()[-1] == texts.PEOPLE_ENDED_TOAST and "Relation ended" in page.text
    assert texts.PEOPLE_END not in [label for label, _ in buttons(page)]
    [listed] = await wanda.press(page, texts.PEOPLE_BACK)
    earlier = listed.text.split(texts.PEOPLE_EARLIER)[1]
    assert "Ana López" in earlier and "ended" in earlier and "Beata Nowak" not in earlier
    ana = (await _people(harness))[0]
    assert ana.ended_at == harness.clock.now()  # kept, not deleted
    # Pressed again: nothing written twice.
    await wanda.press(ask, texts.PEOPLE_END_YES)
    assert len(await _audits(harness, "client.people.end")) == 1

    [history] = await wanda.send("/history C-0001")
    assert "👥 Beata Nowak (Caregiver) added" in history.text
    assert "👥 Relation with Ana López (Family) ended" in history.text


async def test_another_team_s_worker_is_refused_and_audited(harness):
    await _world(harness)
    await _intake_contact(harness)
    otto = await harness.seed_worker(OTTO, "Otto Other", team="South")
    [anything] = await otto.send("/today")
    before = [(p.name, p.phone, p.consent_to_share, p.ended_at) for p in await _people(harness)]
    forged = ("cf:people:1", "pp:l:1", "pp:o:1:1", "pp:cs:1:1:y", "pp:end:1:1", "pp:endy:1:1")
    for data in (*forged, "pp:add:1", "pp:e:1:1:phone"):
        await otto.press_data(anything.message_id, data)
    assert all("can't find C-0001" in toast for toast in otto.toasts())
    assert len(otto.toasts()) == 8
    after = [(p.name, p.phone, p.consent_to_share, p.ended_at) for p in await _people(harness)]
    assert after == before
    refused = [e for e in await _audits(harness) if not e.allowed]
    assert {e.action for e in refused} == {
        "client.people.view",
        "client.people.edit",
        "client.people.end",
        "client.people.add",
    }
    assert all(e.subject_id == 1 and e.actor_worker_id == 2 for e in refused)
    # A person of another client, named under one's own client: refused too.
    wanda = harness.person(WANDA, "Wanda")
    await harness.seed_client(WANDA, "Other Client")
    [own] = await wanda.send("/history C-0002")
    await wanda.press_data(own.message_id, "pp:endy:2:1")
    assert (await _people(harness))[0].ended_at is None
    [last] = [e for e in await _audits(harness, "client.people.end") if e.subject_type == "person"]
    assert (last.allowed, last.subject_id, last.client_id) == (False, 1, 2)


async def test_the_export_lists_people_and_the_care_team_the_ended_marked(harness):
    wanda = await _world(harness)
    await _intake_contact(harness, phone="+34 600 111 222")
    listed = await _people_list(wanda)
    [listed] = await _add(wanda, listed, "Nurse", "Jonas Pflege", organisation="Sozialstation")
    [page] = await wanda.press(listed, "Ana López (Family)")
    [ask] = await wanda.press(page, texts.PEOPLE_END)
    await wanda.press(ask, texts.PEOPLE_END_YES)
    [history] = await wanda.send("/history C-0001")
    [card] = await wanda.press(history, texts.CARD_BACK)
    [menu] = await wanda.press(card, texts.CARD_EXPORT)
    sent = await wanda.press(menu, "PDF")
    [document] = [m for m in sent if m.document]
    reader = PdfReader(io.BytesIO(harness.state.file_bytes(document.file_id)))
    pdf_text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Care team" in pdf_text and "Nurse: Jonas Pflege, Sozialstation" in pdf_text
    assert "consent to share: yes" in pdf_text
    assert "Earlier (ended)" in pdf_text and "Family: Ana López, +34 600 111 222" in pdf_text
    sent = await wanda.press(menu, "CSV")
    [document] = [m for m in sent if m.document]
    raw = harness.state.file_bytes(document.file_id).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    kinds = [row[1] for row in rows[1:]]
    assert {"Person added", "Relation ended"} <= set(kinds)
    summaries = [row[3] for row in rows[1:]]
    assert "Jonas Pflege (Nurse) added" in summaries


@pytest.mark.usefixtures("pseudo_locale")
async def test_the_people_dialogs_come_from_the_catalogs(devserver, db, db_url, clock):
    async with running(devserver, db, db_url, clock) as harness:
        wanda = await _world(harness)
        await harness.speaks(WANDA, PSEUDO)
        await _intake_contact(harness, phone="+34 600 111 222")
        listed = await _people_list(wanda)
        [listed] = await _add(wanda, listed, "GP", "Dr. Weber", organisation="Praxis Markt")
        [question] = await wanda.press(listed, texts.PEOPLE_ADD)
        [asked] = await wanda.press(question, "Family")
        [asked] = await wanda.send("ana lopez")
        await wanda.send("12")  # not a phone
        [asked] = await wanda.press(asked, texts.PEOPLE_NO_PHONE)
        [offered] = await wanda.press(asked, texts.PEOPLE_CONSENT_NO)
        [listed] = await wanda.press(offered, texts.PEOPLE_ADD_ANYWAY)
        [page] = await wanda.press(listed, "Dr. Weber")
        [asked] = await wanda.press(page, texts.PEOPLE_EDIT_ORGANISATION)
        [page] = await wanda.send("Praxis Nord")
        [ask] = await wanda.press(page, texts.PEOPLE_END)
        [page] = await wanda.press(ask, texts.PEOPLE_END_YES)
        [listed] = await wanda.press(page, texts.PEOPLE_BACK)
        await wanda.send("/history C-0001")
        data = ["Maria Gonzalez", "Wanda Worker", "Wanda", "Ana López", "ana lopez", "Dr. Weber"]
        data += ["Praxis Markt", "Praxis Nord", "+34 600 111 222"]
        leaks = _leaks(harness, WANDA, data)
        assert not leaks, f"{len(leaks)} texts bypass the catalogs: {leaks[:8]}"


async def test_no_push_names_the_people_around_the_client(devserver, db, db_url, clock):
    """They are only in answers: the morning agenda and a reminder, pushed under private
    previews or not, name none of them."""
    async with running(devserver, db, db_url, clock, CASELINE_PRIVATE_PREVIEWS="1") as harness:
        wanda = await _world(harness)
        await _intake_contact(harness, name="Ana López", phone="+34 600 111 222")
        await _appointment(harness, WANDA, 1, berlin(2026, 3, 3, 15, 0))
        clock.set(berlin(2026, 3, 3, 14, 0))
        await harness.tick()
        pushed = [m for m in wanda.messages() if "⏰" in m.text or "Good morning" in m.text]
        assert len(pushed) == 2
        assert not [m for m in pushed if "Ana" in m.text or "600 111" in m.text]
