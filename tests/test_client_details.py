"""Issue 18, details that can be corrected: ✏️ Edit on the client card corrects the name,
date of birth, address, phone, program, contact frequency, status (on hold with a reason
until a day) and the usual place of visits; every change is kept and shown in /history
and the export, audited "client.edit" naming the field, and only for those who may see
the client."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from domain.rules.phones import international
from storage.kinds import ClientStatus
from storage.machinery import AuditEvent
from storage.models import Client, ClientChange
from tests.harness import buttons, running
from ui import texts

BERLIN = ZoneInfo("Europe/Berlin")


async def _client(harness, client_id: int = 1) -> Client:
    async with harness.db.session() as session:
        return await session.get(Client, client_id)


async def _changes(harness) -> list[ClientChange]:
    async with harness.db.session() as session:
        rows = await session.execute(select(ClientChange).order_by(ClientChange.id))
        return list(rows.scalars())


async def _edits(harness) -> list[AuditEvent]:
    async with harness.db.session() as session:
        statement = (
            select(AuditEvent).where(AuditEvent.action == "client.edit").order_by(AuditEvent.id)
        )
        return list((await session.execute(statement)).scalars())


async def _menu(person, client_id: int = 1):
    [history] = await person.send(f"/history C-{client_id:04d}")
    [card] = await person.press(history, texts.CARD_BACK)
    [menu] = await person.press(card, texts.CARD_EDIT)
    assert menu.message_id == card.message_id
    return menu


async def _correct(person, menu, label: str, *typed: str) -> list:
    """Press a detail, then type each of `typed`; what the last one brought."""
    [ask] = await person.press(menu, label)
    assert texts.CANCEL in str(buttons(ask))
    answers: list = []
    for text in typed:
        answers = await person.send(text)
    return answers


def test_a_phone_is_written_in_international_form():
    assert international("+49 (30) 123-4567", None) == "+49 30 123 4567"
    assert international("0049 30 1234567", None) == "+49 30 1234567"
    assert international("030 1234567", "49") == "+49 30 1234567"
    assert international("(555) 123-4567", "1") == "+1 555 123 4567"
    assert international("030 1234567", None) is None
    assert international("+ +49", "49") is None


async def test_each_typed_detail_is_corrected_from_the_card(devserver, db, db_url, clock):
    async with running(devserver, db, db_url, clock, CASELINE_COUNTRY_CODE="+49") as harness:
        wanda = await harness.seed_worker(701, "Wanda Worker")
        await harness.seed_client(701)
        menu = await _menu(wanda)
        assert "✏️ Details · C-0001 · Maria Gonzalez" in menu.text
        assert "Phone: —" in menu.text and "Status: Active" in menu.text

        # Each: a value that breaks the rule is answered in the intake's words and
        # changes nothing; the good one is saved and the menu comes again.
        [short] = await _correct(wanda, menu, "Name", "M")
        assert short.text == texts.NAME_TOO_SHORT
        assert (await _client(harness)).name == "Maria Gonzalez"
        saved, menu = await wanda.send("  Maria\tGonzález ")
        assert saved.text == texts.DETAIL_SAVED_TOAST and "Name: Maria González" in menu.text

        [future] = await _correct(wanda, menu, "Date of birth", "24/12/2027")
        assert future.text == texts.BIRTH_IN_FUTURE
        [impossible] = await wanda.send("31/02/1950")
        assert impossible.text == texts.NO_SUCH_DATE
        _, menu = await wanda.send("24/12/1950")
        assert "Date of birth: Sun 24 Dec 1950" in menu.text

        [empty] = await _correct(wanda, menu, "Address", "\x07")
        assert empty.text == texts.DETAIL_EMPTY
        _, menu = await wanda.send("Kastanienallee 5, Berlin")

        [not_phone] = await _correct(wanda, menu, "Phone", "call me maybe")
        assert not_phone.text == texts.NOT_A_PHONE
        _, menu = await wanda.send("030 1234567")  # the organisation's country code
        assert "Phone: +49 30 1234567" in menu.text

        [zero] = await _correct(wanda, menu, "Contact frequency", "0")
        assert zero.text == texts.DETAIL_FREQUENCY_NUMBER
        _, menu = await wanda.send("21")
        assert "Contact frequency: every 21 days" in menu.text

        [too_long] = await _correct(wanda, menu, "Usual place", "x" * 301)
        assert "this answer can hold 300" in too_long.text
        _, menu = await wanda.send("Day centre, room 2")

        [programs] = await wanda.press(menu, "Program")
        assert "✓ Elderly at home" in str(buttons(programs))
        [menu] = await wanda.press(programs, "Hospice")
        assert wanda.toasts()[-1] == texts.DETAIL_SAVED_TOAST and "Program: Hospice" in menu.text
        # Saved again as it is: nothing to keep.
        [programs] = await wanda.press(menu, "Program")
        [menu] = await wanda.press(programs, "Hospice")
        assert wanda.toasts()[-1] == texts.DETAIL_UNCHANGED_TOAST

        client = await _client(harness)
        assert (client.name, client.date_of_birth, client.address) == (
            "Maria González",
            date(1950, 12, 24),
            "Kastanienallee 5, Berlin",
        )
        assert (client.phone, client.contact_frequency_days, client.program) == (
            "+49 30 1234567",
            21,
            "hospice",
        )
        assert client.usual_place == "Day centre, room 2"
        changes = await _changes(harness)
        assert [(c.field, c.before, c.after) for c in changes] == [
            ("name", "Maria Gonzalez", "Maria González"),
            ("born", None, "1950-12-24"),
            ("address", None, "Kastanienallee 5, Berlin"),
            ("phone", None, "+49 30 1234567"),
            ("frequency", "14", "21"),
            ("place", None, "Day centre, room 2"),
            ("program", "elderly", "hospice"),
        ]
        assert {c.worker_id for c in changes} == {await harness.worker_id(701)}
        edits = await _edits(harness)
        # The field, never the value.
        assert [(e.allowed, e.detail) for e in edits] == [
            (True, {"field": change.field}) for change in changes
        ]

        # The card shows the usual place; ◀ Back from a detail's buttons is the menu.
        [card] = await wanda.press(menu, texts.CARD_BACK)
        assert "📍 Visits usually at: Day centre, room 2" in card.text


async def test_a_phone_without_a_plus_is_asked_again_when_no_country_is_set(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    menu = await _menu(wanda)
    [plus] = await _correct(wanda, menu, "Phone", "030 1234567")
    assert plus.text == texts.DETAIL_PHONE_PLUS
    assert (await _client(harness)).phone is None
    await harness.restart()  # the question waits in the stored draft
    _, menu = await wanda.send("+49 (30) 123-4567")
    assert (await _client(harness)).phone == "+49 30 123 4567"


async def test_a_change_is_in_the_history_and_the_export(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(
        701,
        phone="+49 30 1111",
        usual_place="Day centre",
        status=ClientStatus.ON_HOLD,
        hold_reason="Hospital stay",
        hold_until=date(2026, 3, 16),
    )
    menu = await _menu(wanda)
    await _correct(wanda, menu, "Phone", "+49 30 1234567")
    [history] = await wanda.send("/history C-0001")
    assert "✏️ Phone changed by Wanda Worker: +49 30 1111 → +49 30 1234567" in history.text

    card = (await wanda.press(history, texts.CARD_BACK))[-1]
    [export] = await wanda.press(card, texts.CARD_EXPORT)
    sent = await wanda.press(export, "CSV")
    [document] = [m for m in sent if m.document]
    raw = harness.state.file_bytes(document.file_id)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    [changed] = [row for row in rows if row[1] == "Detail changed"]
    assert changed[2:4] == [
        "Wanda Worker",
        "Phone changed by Wanda Worker: +49 30 1111 → +49 30 1234567",
    ]
    sent = await wanda.press(export, "PDF")
    [document] = [m for m in sent if m.document]
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(harness.state.file_bytes(document.file_id)))
    pdf_text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Phone changed by Wanda Worker: +49 30 1111 → +49 30 1234567" in pdf_text
    assert "Usual place of visits" in pdf_text and "Day centre" in pdf_text
    assert "On hold until Mon 16 Mar 2026 — Hospital stay" in pdf_text


async def test_a_new_appointment_starts_at_the_usual_place(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, usual_place="Day centre, room 2")
    ask = await wanda.send("/appt")
    days = await wanda.press(ask[-1], "C-0001")
    times = await wanda.press(days[-1], "Tomorrow")
    card = await wanda.press(times[-1], "15:00")
    assert "Day centre, room 2" in card[-1].text
    # Still the worker's to change.
    [place] = await wanda.press(card[-1], texts.PLACE_BUTTON)
    card = await wanda.send("At home")
    assert "At home" in card[-1].text and "Day centre" not in card[-1].text


async def test_on_hold_with_a_reason_until_a_day_then_active_again(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    menu = await _menu(wanda)
    [status] = await wanda.press(menu, "Status")
    [ask] = await wanda.press(status, texts.DETAIL_ON_HOLD)
    assert "Why is the case of C-0001 on hold?" in ask.text
    [until] = await wanda.send("Hospital stay")
    assert "Until when is C-0001 on hold?" in until.text
    [past] = await wanda.send("1/3/2026")
    assert past.text == texts.HOLD_NOT_FUTURE
    assert (await _client(harness)).status == ClientStatus.ACTIVE
    _, menu = await wanda.send("16/3/2026")
    client = await _client(harness)
    assert (client.status, client.hold_reason, client.hold_until) == (
        ClientStatus.ON_HOLD,
        "Hospital stay",
        date(2026, 3, 16),
    )
    [card] = await wanda.press(menu, texts.CARD_BACK)
    assert "⏸ On hold until Mon 16 Mar 2026: Hospital stay" in card.text
    [history] = await wanda.send("/history C-0001")
    assert "Status changed by Wanda Worker: Active → On hold until Mon 16 Mar 2026" in (
        history.text
    )
    assert "Reason: Hospital stay" in history.text

    clock.set(datetime(2026, 3, 15, 22, 0, tzinfo=UTC))  # 23:00 in Berlin: not yet
    await harness.tick()
    assert (await _client(harness)).status == ClientStatus.ON_HOLD
    clock.set(datetime(2026, 3, 15, 23, 30, tzinfo=UTC))  # 00:30 on the 16th in Berlin
    await harness.tick()
    client = await _client(harness)
    assert (client.status, client.hold_reason, client.hold_until) == (
        ClientStatus.ACTIVE,
        None,
        None,
    )
    [history] = await wanda.send("/history C-0001")
    assert "Status changed automatically: On hold → Active" in history.text
    edits = await _edits(harness)
    assert edits[-1].actor_worker_id is None and edits[-1].detail == {
        "field": "status",
        "via": "hold_ended",
    }

    # Active by hand, and a closed case is not put on hold from here.
    menu = await _menu(wanda)
    [status] = await wanda.press(menu, "Status")
    [menu] = await wanda.press(status, texts.DETAIL_ACTIVE)
    assert wanda.toasts()[-1] == texts.DETAIL_UNCHANGED_TOAST
    async with harness.db.session() as session:
        (await session.get(Client, 1)).status = ClientStatus.DISCHARGED
    menu = await _menu(wanda)
    await wanda.press(menu, "Status")
    assert wanda.toasts()[-1] == texts.DETAIL_STATUS_CLOSED


async def test_a_forged_edit_of_someone_elses_client_is_refused_and_audited(harness):
    await harness.seed_worker(701, "Wanda Worker", team="North")
    sam = await harness.seed_worker(702, "Sam Southern", team="South")
    await harness.seed_client(701)
    [menu] = await sam.send("/help")
    forged = (
        "cf:edit:1",
        "cd:ask:1:name",
        "cd:prog:1",
        "cd:p:1:hospice",
        "cd:st:1",
        "cd:act:1",
        "cd:hold:1",
    )
    for data in forged:
        await sam.press_data(menu.message_id, data)
        assert "C-0001" in sam.toasts()[-1] and "Maria" not in sam.toasts()[-1]
    client = await _client(harness)
    assert (client.name, client.program) == ("Maria Gonzalez", "elderly")
    assert await _changes(harness) == []
    refused = [e for e in await _edits(harness) if not e.allowed]
    assert len(refused) == len(forged) and {e.client_id for e in refused} == {1}


async def test_an_optional_detail_is_cleared_and_the_clearing_is_kept(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, phone="+49 30 1111", usual_place="Day centre")
    menu = await _menu(wanda)
    [ask] = await wanda.press(menu, "Phone")
    assert texts.CLEAR in str(buttons(ask))
    [menu] = await wanda.press(ask, texts.CLEAR)
    assert "Phone: —" in menu.text
    client = await _client(harness)
    assert client.phone is None and client.usual_place == "Day centre"
    [change] = await _changes(harness)
    assert (change.field, change.before, change.after) == ("phone", "+49 30 1111", None)
    assert [event.detail for event in await _edits(harness)] == [{"field": "phone"}]
    [history] = await wanda.send("/history C-0001")
    assert "✏️ Phone changed by Wanda Worker: +49 30 1111 → —" in history.text

    # A detail that is not set offers nothing to clear, and a name never can be.
    [menu] = await wanda.press(history, texts.CARD_BACK)
    [menu] = await wanda.press(menu, texts.CARD_EDIT)
    [ask] = await wanda.press(menu, "Phone")
    assert texts.CLEAR not in str(buttons(ask))
    await wanda.send("/cancel")
    [ask] = await wanda.press(menu, "Name")
    assert texts.CLEAR not in str(buttons(ask))
