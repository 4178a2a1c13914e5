"""The client record: the full card, /history, exports (chat and CLI), transfer,
discharge and reopen, the clients import and the audit listing.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from bot import cli
from domain.settings import load_settings
from storage import agenda as agenda_store
from storage import appointments, migrate, notes
from storage.client_import import import_clients
from storage.clients import create_client
from storage.db import Database
from storage.kinds import (
    AppointmentStatus,
    ClientStatus,
    GoalStatus,
    InteractionType,
    PlanStatus,
    Program,
    ReferralStatus,
    Role,
)
from storage.machinery import AuditEvent
from storage.models import Appointment, Client, Consent, Goal, Plan, Referral, Resource, Worker
from storage.workers import create_worker, get_or_create_team
from tests.databases import fresh_database_url
from tests.harness import buttons
from ui import texts

BERLIN = ZoneInfo("Europe/Berlin")
NAME = "José Müller-Łukasiewicz"


async def _seed_client(harness, user_id: int, name: str = NAME, **fields) -> int:
    worker_id = await harness.worker_id(user_id)
    now = harness.clock.now()
    async with harness.db.session() as session:
        client = await create_client(
            session,
            name=name,
            program=Program.ELDERLY,
            contact_frequency_days=14,
            worker_id=worker_id,
            now=now - timedelta(days=60),
        )
        for key, value in fields.items():
            setattr(client, key, value)
        return client.id


async def _seed_record(harness, user_id: int, client_id: int) -> None:
    """A plan (v1 superseded, v2 active), referrals, consent, notes, visits."""
    worker_id = await harness.worker_id(user_id)
    now = harness.clock.now()
    async with harness.db.session() as session:
        client = await session.get(Client, client_id)
        session.add(
            Consent(
                client_id=client_id,
                given=True,
                scope="Share with GP and food bank",
                recorded_at=now - timedelta(days=50),
                recorded_by_id=worker_id,
            )
        )
        old = Plan(
            client_id=client_id,
            version=1,
            status=PlanStatus.SUPERSEDED,
            review_interval_days=90,
            created_at=now - timedelta(days=45),
            created_by_id=worker_id,
        )
        plan = Plan(
            client_id=client_id,
            version=2,
            status=PlanStatus.ACTIVE,
            review_interval_days=90,
            next_review_on=date(2026, 5, 1),
            interventions="Weekly shopping support",
            created_at=now - timedelta(days=20),
            created_by_id=worker_id,
        )
        session.add_all([old, plan])
        await session.flush()
        session.add_all(
            [
                Goal(plan_id=old.id, position=0, description="Old goal", status="in_progress"),
                Goal(
                    plan_id=plan.id,
                    position=0,
                    description="Eats two warm meals a day",
                    measure="meal diary",
                    status=GoalStatus.IN_PROGRESS,
                ),
                Goal(plan_id=plan.id, position=1, description="Walks to the park weekly"),
                Goal(
                    plan_id=plan.id,
                    position=2,
                    description="Gets a pendant alarm",
                    status=GoalStatus.ACHIEVED,
                ),
            ]
        )
        pantry = Resource(name="Riverside Food Bank", category="food")
        club = Resource(name="Day Club Nord", category="social")
        session.add_all([pantry, club])
        await session.flush()
        session.add_all(
            [
                Referral(
                    client_id=client_id,
                    resource_id=pantry.id,
                    worker_id=worker_id,
                    reason="Pantry nearly empty",
                    status=ReferralStatus.ACCEPTED,
                    created_at=now - timedelta(days=15),
                    responded_at=now - timedelta(days=14),
                    follow_up_on=date(2026, 3, 20),
                ),
                Referral(
                    client_id=client_id,
                    resource_id=club.id,
                    worker_id=worker_id,
                    reason="Lonely afternoons",
                    status=ReferralStatus.DECLINED,
                    decline_reason="No places until summer",
                    created_at=now - timedelta(days=12),
                    responded_at=now - timedelta(days=10),
                ),
            ]
        )
        texts = [
            "First home visit\nsecond line stays off the card",
            "Phone call <b>not bold</b> & fine",
            "Pantry restocked",
            '=HYPERLINK("http://x") typed by someone',
        ]
        for index, text in enumerate(texts):
            await notes.create_note(
                session,
                client=client,
                author_id=worker_id,
                interaction_type=InteractionType.HOME_VISIT
                if index != 1
                else InteractionType.PHONE,
                occurred_at=now - timedelta(days=8 - 2 * index),
                text=text,
                now=now - timedelta(days=8 - 2 * index),
            )
        withdrawn = await notes.create_note(
            session,
            client=client,
            author_id=worker_id,
            interaction_type=InteractionType.HOME_VISIT,
            occurred_at=now - timedelta(hours=1),
            text="Wrong client, withdrawn",
            now=now - timedelta(hours=1),
        )
        assert await notes.retract(session, withdrawn, client, now=now - timedelta(minutes=59))
        first = (await session.execute(select(func.min(notes.Note.id)))).scalar_one()
        await notes.amend(
            session,
            await notes.get_note(session, first),
            author_id=worker_id,
            text="Correction: it was the second visit",
            now=now - timedelta(days=7),
        )
        await appointments.log_visit(
            session,
            client=client,
            worker_id=worker_id,
            starts_at=now - timedelta(days=3),
            duration_minutes=45,
            kind=InteractionType.HOME_VISIT,
            status=AppointmentStatus.COMPLETED,
            now=now - timedelta(days=3),
            outcome="Fridge checked",
        )
        await appointments.schedule(
            session,
            client=client,
            worker_id=worker_id,
            starts_at=now + timedelta(days=2, hours=2),
            duration_minutes=60,
            kind=InteractionType.HOME_VISIT,
            zone=BERLIN,
            now=now,
            place="Home",
        )


async def _audits(harness, **where) -> list[AuditEvent]:
    async with harness.db.session() as session:
        statement = select(AuditEvent).order_by(AuditEvent.id)
        for key, value in where.items():
            statement = statement.where(getattr(AuditEvent, key) == value)
        return list((await session.execute(statement)).scalars())


async def _open_card(person, client_id: int):
    """/history, then 👤 Client: the full card, in place of the history."""
    [history] = await person.send(f"/history C-{client_id:04d}")
    [card] = await person.press(history, texts.CARD_BACK)
    assert card.message_id == history.message_id
    return card


async def test_the_full_card_shows_the_whole_picture_with_a_button_for_each_flow(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await _seed_client(harness, 701)
    await _seed_record(harness, 701, client_id)

    card = await _open_card(wanda, client_id)
    text = card.text
    assert text.startswith(f"C-0001 · {NAME}\nElderly at home · Active")
    assert "Worker: Wanda Worker (you)" in text
    assert "Contact: every 14 days" in text
    assert "Last contact: 2 days ago (Sat 28 Feb 2026)" in text
    assert "Next appointment: Wed 4 Mar 2026 11:00 · Home visit" in text
    assert "Next visit due: Sat 14 Mar 2026" in text and "overdue" not in text
    assert "Plan v2 · next review Fri 1 May 2026" in text
    assert "• Eats two warm meals a day" in text and "• Walks to the park weekly" in text
    assert "pendant alarm" not in text and "Old goal" not in text
    assert "Open referrals: 1" in text
    recent = text.split("Recent notes\n")[1].splitlines()
    assert recent == [
        '  Sat 28 Feb 2026 · Home visit: =HYPERLINK("http://x") typed by someone',
        "  Thu 26 Feb 2026 · Home visit: Pantry restocked",
        "  Tue 24 Feb 2026 · Phone: Phone call <b>not bold</b> & fine",  # escaped, as typed
    ]
    assert "withdrawn" not in text
    assert [data for _, data in buttons(card)] == [
        "cf:note:1",
        "cf:visit:1",
        "cf:appt:1",
        "cf:plan:1",
        "cf:review:1",
        "cf:refer:1",
        "ac:show:2",  # the next appointment, to open (issue 16)
        "cf:people:1",
        "cf:safety:1",  # issue 18: 🛟 Safety plan
        "cf:history:1",
        "cf:export:1",
        "cf:edit:1",  # issue 18: ✏️ Edit
        "cf:home:1",  # issue 19: 🏠 Home location
        "cf:lang:1",
        "cf:discharge:1",
        "cl:p:0",
    ]
    views = await _audits(harness, action="client.view")
    assert [(e.client_id, e.allowed) for e in views] == [(1, True)]

    # A supervisor of the team also gets 🔁 Transfer; an overdue visit is marked.
    sam = await harness.seed_worker(703, "Sam Supervisor", role=Role.SUPERVISOR)
    harness.clock.advance(timedelta(days=20))
    card = await _open_card(sam, client_id)
    assert "Worker: Wanda Worker\n" in card.text
    assert "Next visit due: Sat 14 Mar 2026 ⚠ overdue" in card.text
    assert "cf:transfer:1" in [data for _, data in buttons(card)]


async def test_history_is_a_paged_timeline_edited_in_place(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await _seed_client(harness, 701)
    await _seed_record(harness, 701, client_id)
    worker_id = await harness.worker_id(701)
    now = harness.clock.now()
    async with harness.db.session() as session:
        client = await session.get(Client, client_id)
        for number in range(30):
            await notes.create_note(
                session,
                client=client,
                author_id=worker_id,
                interaction_type=InteractionType.OFFICE,
                occurred_at=now - timedelta(days=30, hours=number),
                text=f"Office talk {number:02d} " + "lorem ipsum " * 25,
                now=now,
            )

    [first] = await wanda.send("/history C-0001")
    assert first.text.startswith(f"C-0001 · {NAME} · history · page 1 of ")
    pages = int(first.text.split(" of ")[1].split("\n")[0])
    assert pages >= 3
    # Newest first: the withdrawn note is left out, the amendment shown under its note.
    body = first.text
    assert "Home visit" in body and "Wrong client" not in body
    seen = [first.text]
    message = first
    for _ in range(pages - 1):
        [message] = await wanda.press(message, "▶")
        assert message.message_id == first.message_id
        seen.append(message.text)
    assert len(wanda.messages()) == 1  # every page replaced the one before
    assert all(len(page.encode("utf-16-le")) // 2 < 4096 for page in seen)
    everything = "\n".join(seen)
    for number in range(30):
        assert everything.count(f"Office talk {number:02d} ") == 1
    order = [
        everything.index(marker)
        for marker in (
            "Home visit, 45 min · completed",  # 3 days ago
            "Referral to Day Club Nord · declined",  # 10 days ago
            "Plan v2 · 3 goals",  # 20 days ago
            "Consent given",  # 50 days ago
            "Client added",  # 60 days ago
        )
    ]
    assert order == sorted(order)
    assert "— Amendment by Wanda Worker" in everything
    assert "Correction: it was the second visit" in everything
    assert "No places until summer" in everything
    assert "Phone call <b>not bold</b> & fine" in everything
    [back] = await wanda.press(message, "◀")
    assert f"page {pages - 1} of {pages}" in back.text

    # From the card's 🕘 History button too; every look is audited.
    card = await _open_card(wanda, client_id)
    [again] = await wanda.press(card, texts.CARD_HISTORY)
    assert again.message_id == card.message_id and "page 1 of" in again.text
    looks = await _audits(harness, action="client.history")
    assert len(looks) == pages + 2 + 1 and all(e.allowed and e.client_id == 1 for e in looks)


async def test_export_sends_a_pdf_case_file_and_a_csv_to_the_requester(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await _seed_client(
        harness,
        701,
        phone="+49 30 1234",
        address="Kastanienallee 5, Berlin",
        date_of_birth=date(1941, 5, 17),
        emergency_contact="Ana (daughter) +49 170 555",
        language="Arabic",
        interpreter=True,
    )
    await _seed_record(harness, 701, client_id)
    card = await _open_card(wanda, client_id)
    [menu] = await wanda.press(card, texts.CARD_EXPORT)
    assert menu.message_id == card.message_id and "PDF" in menu.text

    sent = await wanda.press(menu, "PDF")
    [document] = [m for m in sent if m.document]
    assert document.document["file_name"] == "C-0001.pdf"
    assert document.caption.startswith("🔒 C-0001 · case record (PDF)")
    data = harness.state.file_bytes(document.file_id)
    reader = PdfReader(io.BytesIO(data))
    pdf_text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Confidential — health and social care record",
        "Exported by Wanda Worker, Mon 2 Mar 2026 09:00 (Europe/Berlin)",
        f"C-0001 · {NAME}",
        "17 May 1941",
        "Kastanienallee 5, Berlin",
        "Arabic",
        "Interpreter",
        "needed",
        "Given",
        "Share with GP and food bank",
        "Plan v2",
        "Eats two warm meals a day",
        "measured by: meal diary",
        "Riverside Food Bank (food) · accepted",
        "Declined: No places until summer",
        "First home visit",
        "Correction: it was the second visit",
        "Fridge checked",
        "Page 1 of ",
    ):
        assert expected in pdf_text, expected
    assert "Wrong client, withdrawn" not in pdf_text
    assert pdf_text.index("First home visit") < pdf_text.index("Pantry restocked")  # oldest first

    sent = await wanda.press(menu, "CSV")
    [document] = [m for m in sent if m.document]
    assert document.document["file_name"] == "C-0001.csv"
    raw = harness.state.file_bytes(document.file_id)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["date", "type", "author", "summary", "text"]
    kinds = [row[1] for row in rows[1:]]
    assert kinds.count("Note") == 4 and kinds.count("Note amendment") == 1
    assert {"Visit", "Plan", "Referral", "Referral update", "Consent", "Client added"} <= set(kinds)
    dates = [row[0] for row in rows[1:]]
    assert dates == sorted(dates) and dates[0].endswith("+01:00")
    injected = [row for row in rows if "HYPERLINK" in row[4]]
    assert injected[0][4].startswith("'=HYPERLINK")  # never a live formula
    assert [row for row in rows if row[1] == "Note amendment"][0][3] == "Amendment to N-1"

    exports = await _audits(harness, action="client.export")
    assert [(e.detail["format"], e.actor_worker_id, e.allowed) for e in exports] == [
        ("pdf", await harness.worker_id(701), True),
        ("csv", await harness.worker_id(701), True),
    ]


async def test_the_cli_export_writes_a_private_file_named_after_the_client(harness, tmp_path):
    await harness.seed_worker(701, "Wanda Worker")
    client_id = await _seed_client(harness, 701)
    await _seed_record(harness, 701, client_id)
    now = harness.clock.now()

    path = await cli.export_client_file(harness.db, "c1", "pdf", now=now, zone=BERLIN, cwd=tmp_path)
    assert path == tmp_path / "C-0001.pdf"
    assert os.stat(path).st_mode & 0o777 == 0o600
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Exported by caseline CLI" in pdf_text and "Pantry restocked" in pdf_text

    output = tmp_path / "out" / "maria.csv"
    output.parent.mkdir()
    assert (
        await cli.export_client_file(harness.db, "C-0001", "csv", output, now=now, zone=BERLIN)
        == output
    )
    assert output.read_bytes().decode("utf-8-sig").startswith("date,type,author,summary,text")

    for code, problem in (("C-0099", "there is no client C-0099"), ("x", "not a client code")):
        with pytest.raises(cli.ExportError, match=problem):
            await cli.export_client_file(harness.db, code, "pdf", now=now, zone=BERLIN)
    with pytest.raises(cli.ExportError, match="no folder"):
        await cli.export_client_file(
            harness.db, "C-0001", "pdf", tmp_path / "missing" / "x.pdf", now=now, zone=BERLIN
        )
    exports = await _audits(harness, action="client.export")
    assert [(e.actor_worker_id, e.detail) for e in exports] == [
        (None, {"format": "pdf", "via": "cli"}),
        (None, {"format": "csv", "via": "cli"}),
    ]


async def test_the_pdf_writes_greek_cyrillic_and_accented_names_as_typed(harness, caplog):
    """The PDF's font (bot/fonts) covers every script a team writes names in; an emoji,
    which it lacks, is dropped without fpdf2 logging a warning that quotes the name."""
    helen = await harness.seed_worker(701, "Ελένη Παπαδοπούλου")
    client_id = await _seed_client(harness, 701, name="Дмитрий Łukasiewicz-Nguyễn 🦄")
    card = await _open_card(helen, client_id)
    [menu] = await helen.press(card, texts.CARD_EXPORT)
    [document] = [m for m in await helen.press(menu, "PDF") if m.document]
    reader = PdfReader(io.BytesIO(harness.state.file_bytes(document.file_id)))
    pdf_text = reader.pages[0].extract_text()
    lines = [line.strip() for line in pdf_text.splitlines()]
    assert "C-0001 · Дмитрий Łukasiewicz-Nguyễn" in lines  # the unicorn dropped, no "?"
    assert "Worker Ελένη Παπαδοπούλου" in lines
    assert "Exported by Ελένη Παπαδοπούλου" in pdf_text
    fonts = {
        font["/BaseFont"]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].get_object().values()
    }
    assert fonts and all("DejaVuSans" in name for name in fonts), fonts
    assert not [r for r in caplog.records if "Дмитрий" in r.getMessage()]


async def test_a_worker_of_another_team_is_refused_and_every_attempt_audited(harness):
    await harness.seed_worker(701, "Wanda Worker")
    client_id = await _seed_client(harness, 701)
    otto = await harness.seed_worker(702, "Otto Other", team="South")
    lead = await harness.seed_worker(703, "Sid South", role=Role.SUPERVISOR, team="South")

    [refusal] = await otto.send("/history C-0001")
    assert refusal.text == "I can't find C-0001 among the clients you can see."
    for data in (
        "cf:card:1",
        "cf:history:1",
        "cf:export:1",
        "ex:pdf:1",
        "ex:csv:1",
        "hi:p:1:2",
        "cf:discharge:1",
        "dc:r:1:moved",
        "cf:reopen:1",
    ):
        assert await otto.press_data(refusal.message_id, data) == []
    assert len(otto.toasts()) == 9 and all("can't find C-0001" in t for t in otto.toasts())
    [own] = await lead.send("/history C-0001")
    for data in ("cf:transfer:1", f"tr:to:1:{await harness.worker_id(702)}"):
        await lead.press_data(own.message_id, data)
    assert not [m for m in otto.messages() if m.document]

    refused = await _audits(harness, allowed=False)
    otto_id, lead_id = await harness.worker_id(702), await harness.worker_id(703)
    assert [(e.action, e.actor_worker_id, e.client_id) for e in refused] == [
        ("client.history", otto_id, 1),
        ("client.view", otto_id, 1),
        ("client.history", otto_id, 1),
        ("client.export", otto_id, 1),
        ("client.export", otto_id, 1),
        ("client.export", otto_id, 1),
        ("client.history", otto_id, 1),
        ("client.discharge", otto_id, 1),
        ("client.discharge", otto_id, 1),
        ("client.reopen", otto_id, 1),
        ("client.history", lead_id, 1),
        ("client.transfer", lead_id, 1),
        ("client.transfer", lead_id, 1),
    ]
    async with harness.db.session() as session:
        client = await session.get(Client, client_id)
    assert client.status == ClientStatus.ACTIVE and client.worker_id == await harness.worker_id(701)


async def test_a_supervisor_transfers_within_the_team_and_a_forged_target_is_refused(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    sam = await harness.seed_worker(703, "Sam Supervisor", role=Role.SUPERVISOR)
    await harness.seed_worker(704, "Walt Worker")
    await harness.seed_worker(702, "Otto Other", team="South")
    async with harness.db.session() as session:
        await create_worker(
            session,
            name="Ada Admin",
            role=Role.ADMIN,
            now=harness.clock.now(),
            team=await get_or_create_team(session, "North", harness.clock.now()),
        )
    client_id = await _seed_client(harness, 701)
    await _seed_record(harness, 701, client_id)
    walt_id, otto_id = await harness.worker_id(704), await harness.worker_id(702)

    # A case worker has no transfer button, and a forged press is refused.
    card = await _open_card(wanda, client_id)
    assert "cf:transfer:1" not in [data for _, data in buttons(card)]
    await wanda.press_data(card.message_id, "cf:transfer:1")
    assert wanda.toasts()[-1] == texts.TRANSFER_ONLY_LEADS

    card = await _open_card(sam, client_id)
    [menu] = await sam.press(card, texts.CARD_TRANSFER)
    assert "Transfer C-0001" in menu.text and "(now with Wanda Worker)" in menu.text
    assert [label for label, _ in buttons(menu)] == [
        "Sam Supervisor ★",
        "Walt Worker",
        texts.CARD_BACK,
    ]
    await sam.press_data(menu.message_id, f"tr:to:1:{otto_id}")
    assert sam.toasts()[-1] == texts.TRANSFER_NOT_ALLOWED
    [moved] = await sam.press(menu, "Walt")
    assert "Worker: Walt Worker" in moved.text
    assert sam.toasts()[-1] == "C-0001 transferred to Walt Worker."

    async with harness.db.session() as session:
        client = await session.get(Client, client_id)
        upcoming = (
            (
                await session.execute(
                    select(Appointment.worker_id).where(Appointment.starts_at > harness.clock.now())
                )
            )
            .scalars()
            .all()
        )
        past = (
            (
                await session.execute(
                    select(Appointment.worker_id).where(Appointment.starts_at < harness.clock.now())
                )
            )
            .scalars()
            .all()
        )
    assert client.worker_id == walt_id
    assert set(upcoming) == {walt_id}  # reminders follow the case
    assert set(past) == {await harness.worker_id(701)}  # what Wanda did stays hers
    transfers = await _audits(harness, action="client.transfer")
    sam_id = await harness.worker_id(703)
    assert [(e.actor_worker_id, e.allowed, e.detail.get("to")) for e in transfers] == [
        (await harness.worker_id(701), False, None),
        (sam_id, False, otto_id),
        (sam_id, True, walt_id),
    ]
    # Wanda no longer sees the client.
    [gone] = await wanda.send("/history C-0001")
    assert "can't find C-0001" in gone.text
    [history] = await sam.send("/history C-0001")
    assert "Transferred from Wanda Worker to Walt Worker" in history.text


async def test_discharge_cancels_future_appointments_mutes_the_client_and_reopen_undoes(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await _seed_client(harness, 701)
    worker_id = await harness.worker_id(701)
    now = harness.clock.now()
    async with harness.db.session() as session:
        client = await session.get(Client, client_id)
        await appointments.log_visit(
            session,
            client=client,
            worker_id=worker_id,
            starts_at=now - timedelta(days=40),
            duration_minutes=60,
            kind=InteractionType.HOME_VISIT,
            status=AppointmentStatus.COMPLETED,
            now=now - timedelta(days=40),
        )
        for ahead, kind in ((timedelta(minutes=50), "phone"), (timedelta(days=2), "home_visit")):
            await appointments.schedule(
                session,
                client=client,
                worker_id=worker_id,
                starts_at=now + ahead,
                duration_minutes=30,
                kind=InteractionType(kind),
                zone=BERLIN,
                now=now,
            )
        due_before = await agenda_store.agenda(
            session, worker_id, now.astimezone(BERLIN).date(), BERLIN
        )
    assert [visit.client.id for visit in due_before.visits] == [client_id]

    card = await _open_card(wanda, client_id)
    [ask] = await wanda.press(card, texts.CARD_DISCHARGE)
    assert (
        "Discharge C-0001" in ask.text and "2 scheduled appointments will be cancelled" in ask.text
    )
    [closed] = await wanda.press(ask, "Moved away")
    assert wanda.toasts()[-1] == "C-0001 discharged. 2 appointments cancelled."
    assert "Discharged Mon 2 Mar 2026 · Moved away" in closed.text
    assert texts.CARD_MUTED_CLOSED in closed.text and "Next visit due" not in closed.text
    assert [data for _, data in buttons(closed)] == [
        "cf:note:1",
        "cf:people:1",
        "cf:safety:1",  # issue 18: 🛟 Safety plan
        "cf:history:1",
        "cf:export:1",
        "cf:edit:1",
        "cf:home:1",
        "cf:lang:1",
        "cf:reopen:1",
        "cl:p:0",
    ]
    async with harness.db.session() as session:
        client = await session.get(Client, client_id)
        rows = (
            await session.execute(select(Appointment).order_by(Appointment.starts_at))
        ).scalars()
        states = [(a.starts_at > now, a.status, a.cancel_reason) for a in rows]
        agenda = await agenda_store.agenda(
            session, worker_id, now.astimezone(BERLIN).date(), BERLIN
        )
    assert (client.status, client.discharged_at, client.discharge_reason) == (
        ClientStatus.DISCHARGED,
        now,
        "Moved away",
    )
    assert states == [
        (False, AppointmentStatus.COMPLETED, None),
        (True, AppointmentStatus.CANCELLED, "discharged"),
        (True, AppointmentStatus.CANCELLED, "discharged"),
    ]
    assert agenda.visits == [] and agenda.appointments == []
    report = await harness.tick()
    assert report.appointments == 0  # the phone call in 50 minutes reminds nobody

    # A second discharge changes nothing; reopen clears the discharge.
    await wanda.press_data(closed.message_id, "dc:r:1:goals")
    assert wanda.toasts()[-1] == texts.DISCHARGE_ALREADY
    [opened] = await wanda.press(closed, texts.CARD_REOPEN)
    assert wanda.toasts()[-1] == "C-0001 reopened."
    assert "Elderly at home · Active" in opened.text and "Discharged" not in opened.text
    async with harness.db.session() as session:
        client = await session.get(Client, client_id)
    assert (client.status, client.discharged_at, client.discharge_reason) == (
        ClientStatus.ACTIVE,
        None,
        None,
    )

    # A reason in the worker's own words: a one-question dialog.
    harness.clock.advance(timedelta(hours=1))
    [ask] = await wanda.press(opened, texts.CARD_DISCHARGE)
    [question] = await wanda.press(ask, "Other")
    [cancelled] = await wanda.press(question, "Cancel")
    assert cancelled.text == "Cancelled. Nothing was saved."
    [ask] = await wanda.send("/history C-0001")  # not "in the middle of something"
    [card] = await wanda.press(ask, texts.CARD_BACK)
    [ask] = await wanda.press(card, texts.CARD_DISCHARGE)
    [question] = await wanda.press(ask, "Other")
    assert question.text == texts.discharge_ask_reason("C-0001")
    shown = await wanda.send("/history C-0001")  # answered; the question still waits
    assert "history" in shown[0].text
    assert shown[-1].text == texts.still_open("discharge reason", "")
    assert (await wanda.send("x" * 600))[0].text == texts.DISCHARGE_REASON_TOO_LONG
    [card] = await wanda.send("Moved in with her son <in Hamburg>")
    assert "Discharged Mon 2 Mar 2026 · Moved in with her son <in Hamburg>" in card.text
    [history] = await wanda.send("/history C-0001")
    for line in ("Discharged", "Case reopened", "Discharged · 2 appointments cancelled"):
        assert line in history.text
    assert "Moved in with her son <in Hamburg>" in history.text
    actions = [(e.action, e.detail.get("reason")) for e in await _audits(harness, client_id=1)]
    assert ("client.discharge", "moved") in actions and ("client.discharge", "other") in actions
    assert ("client.reopen", None) in actions


CLEAN = (
    "name,program,worker,contact_frequency_days,phone,address,date_of_birth,status,last_contact\n"
    'Maria Gonzalez,elderly,Wanda Worker,14,+49 30 1,"Hauptstr. 1, Berlin",1941-05-17,active,'
    "2026-02-20\n"
    "Jörg Bäcker,Recovery,  wanda worker ,,,,,intake,\n"
    "\n"
    "Li Wei,hospice,Nina Notyet,7,,,1950-01-02,on_hold,\n"
)


async def test_clients_import_reports_bad_rows_and_imports_nothing_then_a_clean_file(harness):
    await harness.seed_worker(701, "Wanda Worker")
    now = harness.clock.now()
    async with harness.db.session() as session:
        team = await get_or_create_team(session, "North", now)
        # A worker who has not joined on Telegram yet can hold a caseload.
        await create_worker(session, name="Nina Notyet", role=Role.WORKER, now=now, team=team)
    broken = (
        "\ufeffName;Program;Worker;contact_frequency_days;date_of_birth;status;last_contact\n"
        "Maria Gonzalez;elderly;Wanda Worker;14;1941-05-17;active;2026-02-20\n"
        "X;pets;Nobody Here;0;17/05/1941;discharged;2027-01-01\n"
        "Olga Petrova;chronic;Wanda Worker;30;;;2026-03-03\n"
        "Maria Gonzalez;elderly;Wanda Worker;14;1941-05-17;active;\n"
    )
    progress: list[str] = []
    async with harness.db.session() as session:
        report = await import_clients(
            session, broken, now=now, zone=BERLIN, progress=progress.append
        )
    assert not report.ok and report.imported == []
    assert sorted({problem.line for problem in report.problems}) == [3, 4, 5]
    rendered = [problem.render() for problem in report.problems]
    for part in (
        "line 3, column 1 (name): too short",
        "line 3, column 2 (program): not one of",
        "line 3, column 3 (worker): no active worker or supervisor has this name",
        "line 3, column 4 (contact_frequency_days): not a number of days from 1 to 365",
        "line 3, column 5 (date_of_birth): not a date like 2026-03-01",
        "line 3, column 6 (status): not one of",
        "line 3, column 7 (last_contact): 2027-01-01 is in the future",
        "line 4, column 7 (last_contact): 2026-03-03 is in the future",
        "line 5, column 1 (name): same name and date of birth",
    ):
        assert any(line.startswith(part) for line in rendered), part
    assert progress[-1] == "checked 4 rows: 3 with problems"
    for value in ("Maria", "pets", "Nobody", "17/05/1941", "discharged"):
        assert all(value not in line for line in rendered), value
    async with harness.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(Client))).scalar_one() == 0

    async with harness.db.session() as session:
        header_problem = await import_clients(
            session, "name,program,wrker\nA B,other,Wanda Worker\n", now=now, zone=BERLIN
        )
    assert [p.render() for p in header_problem.problems] == [
        "line 1: the header's column(s) 3 are not known (is the first line the header?); "
        "the columns are name, program, worker, contact_frequency_days, phone, address, "
        "date_of_birth, status, last_contact, language, interpreter",
        "line 1: missing column(s) worker",
    ]

    async with harness.db.session() as session:
        report = await import_clients(session, CLEAN, now=now, zone=BERLIN)
    assert report.ok and report.imported == [(2, "C-0001"), (3, "C-0002"), (5, "C-0003")]
    async with harness.db.session() as session:
        rows = (await session.execute(select(Client).order_by(Client.id))).scalars().all()
        nina = (
            await session.execute(select(Worker.id).where(Worker.name == "Nina Notyet"))
        ).scalar_one()
    wanda_id = await harness.worker_id(701)
    maria, jorg, li = rows
    assert (maria.name, maria.program, maria.worker_id, maria.contact_frequency_days) == (
        "Maria Gonzalez",
        Program.ELDERLY,
        wanda_id,
        14,
    )
    assert (maria.phone, maria.address, maria.date_of_birth) == (
        "+49 30 1",
        "Hauptstr. 1, Berlin",
        date(1941, 5, 17),
    )
    assert maria.last_contact_at == datetime(2026, 2, 20, 11, 0, tzinfo=UTC)  # noon in Berlin
    assert (jorg.program, jorg.status, jorg.contact_frequency_days, jorg.worker_id) == (
        Program.RECOVERY,
        ClientStatus.INTAKE,
        30,
        wanda_id,
    )
    assert (li.worker_id, li.status) == (nina, ClientStatus.ON_HOLD)
    imports = await _audits(harness, action="client.import")
    assert [(e.client_id, e.actor_worker_id, e.detail["via"]) for e in imports] == [
        (1, None, "cli"),
        (2, None, "cli"),
        (3, None, "cli"),
    ]

    # The same file again: the rows with a date of birth are duplicates now.
    async with harness.db.session() as session:
        again = await import_clients(session, CLEAN, now=now, zone=BERLIN)
    assert [problem.line for problem in again.problems] == [2, 5]


async def test_the_audit_listing_filters_by_client_worker_and_day_without_names(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    otto = await harness.seed_worker(702, "Otto Other", team="South")
    await _seed_client(harness, 701)
    await _seed_client(harness, 701, name="Second Person", status=ClientStatus.INTAKE)
    await _open_card(wanda, 1)
    harness.clock.advance(timedelta(days=2))
    [refusal] = await otto.send("/history C-0001")
    await otto.press_data(refusal.message_id, "ex:pdf:1")
    second = [data for _, data in buttons(await _open_card(wanda, 2))]
    assert "cf:intake:2" in second and "cf:review:2" not in second  # no plan yet

    lines = await cli.audit_listing(harness.db, client="C-0001", now=harness.clock.now())
    assert lines == [
        "2026-03-02T08:00:00Z | Wanda Worker | client.history | client:1 | C-0001 | allowed",
        "2026-03-02T08:00:00Z | Wanda Worker | client.view | client:1 | C-0001 | allowed",
        "2026-03-04T08:00:00Z | Otto Other | client.history | client:1 | C-0001 | refused",
        "2026-03-04T08:00:00Z | Otto Other | client.export | client:1 | C-0001 | refused"
        " | format=pdf",
    ]
    assert all(NAME not in line and "Second Person" not in line for line in lines)
    lines = await cli.audit_listing(harness.db, worker="otto other", now=harness.clock.now())
    assert [line.split(" | ")[2:6] for line in lines] == [
        ["client.history", "client:1", "C-0001", "refused"],
        ["client.export", "client:1", "C-0001", "refused"],
    ]
    lines = await cli.audit_listing(
        harness.db, worker="Wanda Worker", since="2026-03-03", now=harness.clock.now()
    )
    assert [line.split(" | ")[4] for line in lines] == ["C-0002", "C-0002"]
    # The listing itself is audited (with no actor: it ran from the shell).
    listed = await _audits(harness, action="audit.list")
    assert [(e.actor_worker_id, e.client_id) for e in listed] == [
        (None, 1),
        (None, None),
        (None, None),
    ]
    for bad, message in (
        ({"client": "Maria"}, "not a client code"),
        ({"worker": "Nobody"}, "no worker is called"),
        ({"since": "yesterday"}, "not a date"),
    ):
        with pytest.raises(ValueError, match=message):
            await cli.audit_listing(harness.db, **bad)


async def test_the_cli_commands_run_against_a_migrated_database(backend, tmp_path, capsys):
    async with fresh_database_url(backend, tmp_path) as url:
        await asyncio.to_thread(migrate.upgrade, url)
        db = Database(url)
        now = datetime.now(UTC)
        async with db.session() as session:
            await create_worker(session, name="Wanda Worker", role=Role.WORKER, now=now)
        await db.dispose()
        settings = load_settings(
            {"CASELINE_DATABASE_URL": url, "CASELINE_TIMEZONE": "Europe/Berlin"}
        )
        parser = argparse.ArgumentParser(prog="caseline")
        cli.add_record_commands(parser.add_subparsers(dest="command", required=True))
        source = tmp_path / "clients.csv"
        source.write_text(CLEAN.replace(",Nina Notyet,", ",Wanda Worker,"), encoding="utf-8")

        def run(*argv: str) -> str:
            cli.run_record_command(parser.parse_args(argv), settings)
            return capsys.readouterr().out

        out = await asyncio.to_thread(run, "clients", "import", str(source), "--check")
        assert "all 3 rows are fine; nothing imported (--check)" in out
        out = await asyncio.to_thread(run, "clients", "import", str(source))
        assert "imported 3 clients (C-0001 … C-0003)" in out
        target = tmp_path / "case.pdf"
        out = await asyncio.to_thread(run, "export", "--client", "C-0002", "--output", str(target))
        assert out.startswith(f"wrote {target} (") and target.read_bytes().startswith(b"%PDF")
        out = await asyncio.to_thread(run, "audit", "--client", "C-0002")
        assert out.splitlines()[-1].endswith(
            "| - | client.export | client:2 | C-0002 | allowed | format=pdf via=cli"
        )
        assert "Jörg" not in out and "Bäcker" not in out

        from bot.cli import CLIError

        with pytest.raises(CLIError, match="2 row\\(s\\) with problems"):
            await asyncio.to_thread(run, "clients", "import", str(source))
        with pytest.raises(CLIError, match="there is no client C-0042"):
            await asyncio.to_thread(run, "export", "--client", "C-0042")
