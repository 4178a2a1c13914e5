"""Resources and referrals: the directory imported from a CSV file and searched from a
phone, admins keeping it in the chat, and referrals from consent to outcome.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.resource_import import ImportReport, ResourceImportError, import_resources
from domain.usecases import referrals
from storage import agenda as agenda_store
from storage import clients as client_store
from storage import consents
from storage import resources as directory
from storage.kinds import Program, Role
from storage.machinery import AuditEvent
from storage.models import Consent, Referral, Resource
from tests.harness import buttons
from ui import texts

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 3, 2)  # conftest.START: Monday 2 March 2026, 09:00 in Berlin

HEADER = "name,category,description,phone,email,website,address,hours,notes,benefit\n"
DIRECTORY = (
    HEADER + "Food Bank Mitte,Food,Weekly food parcels for households in need,030 111,"
    "info@foodbank.example,foodbank.example,Hauptstr. 1,Tue 10-14,<b>Bring ID</b> & proof,no\n"
    + "Soup Kitchen Nord,Food,Hot lunch every weekday,,,,Nordweg 5,Mon-Fri 12-14,,no\n"
    + "Ärztehaus Nord,Health,GP practice that takes new patients,,,,Nordweg 9,,,no\n"
    + "Housing Benefit (Wohngeld),Benefits,Help with the rent,030 999,,,Rathaus,,,yes\n"
    + "Tenant Advice,Housing,Free advice for tenants,,,,Marktplatz 3,,,no\n"
)


# ── helpers ────────────────────────────────────────────────────────────────────


def csv_file(tmp_path: Path, text: str, name: str = "resources.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


async def load_directory(db, tmp_path: Path, now) -> ImportReport:
    report = await import_resources(
        db, csv_file(tmp_path, DIRECTORY, "directory.csv"), now=now, progress=lambda *_: None
    )
    assert report.ok, report.errors
    return report


async def add_client(harness, user_id: int, name: str = "Maria Gonzalez") -> int:
    worker_id = await harness.worker_id(user_id)
    async with harness.db.session() as session:
        client = await client_store.create_client(
            session,
            name=name,
            program=Program.ELDERLY,
            contact_frequency_days=14,
            worker_id=worker_id,
            now=harness.clock.now(),
        )
        return client.id


async def give_consent(harness, client_id: int) -> int:
    async with harness.db.session() as session:
        consent = await consents.record(
            session,
            client_id=client_id,
            given=True,
            scope="Share needs with community services",
            recorded_by_id=None,
            now=harness.clock.now(),
        )
        return consent.id


async def rows(harness, model) -> list:
    async with harness.db.session() as session:
        return list((await session.execute(select(model).order_by(model.id))).scalars())


async def audit_events(harness, action: str) -> list[AuditEvent]:
    async with harness.db.session() as session:
        statement = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list((await session.execute(statement)).scalars())


def now_shown(person, message):
    """The message as the chat shows it now (after later edits)."""
    return next(m for m in person.messages() if m.message_id == message.message_id)


def labels(message) -> list[str]:
    return [label for label, _ in buttons(message)]


async def refer(person, client: str, words: str, resource: str, reason: str) -> list:
    """/refer for a client with consent on record, up to the confirmation card."""
    asked = await person.send(f"/refer {client}")
    assert "To which resource?" in asked[-1].text
    found = await person.send(words)
    reason_asked = await person.press(found[-1], resource)
    assert "What is the reason?" in reason_asked[-1].text
    follow_up = await person.send(reason)
    return await person.press(follow_up[-1], "In 1 week")


# ── the CSV import ─────────────────────────────────────────────────────────────


async def test_a_broken_file_imports_nothing_and_names_every_bad_line(db, tmp_path, clock):
    broken = (
        HEADER
        + "Food Bank Mitte,Food,,,,,Hauptstr. 1,,,no\n"  # line 2: fine
        + ",Food,no name here,,,,,,,no\n"  # line 3
        + "Lunch Club,Food,,,not-an-email,,,,,no\n"  # line 4
        + 'Night Shelter,Housing,,,,,"Am Bahnhof 2\nHinterhaus",,,no\n'  # lines 5-6: fine
        + "Debt Advice,Money,,,,,,,,maybe\n"  # line 7
        + "food bank  MITTE,Food,again,,,,hauptstr. 1,,,no\n"  # line 8: same as line 2
        + "Walk-in Clinic,,,,,ftp//nowhere,,,,no\n"  # line 9: no category, odd website
        + f"{'x' * 201},Food,,,,,,,,no\n"  # line 10: name too long
    )
    calls: list[tuple[int, int]] = []
    report = await import_resources(
        db,
        csv_file(tmp_path, broken, bom=True),
        now=clock.now(),
        progress=lambda *a: calls.append(a),
    )
    assert [line for line, _ in report.errors] == [3, 4, 7, 8, 9, 10]
    messages = dict(report.errors)
    assert messages[3] == "Name is missing"
    assert "not-an-email" in messages[4] and "email" in messages[4]
    assert "maybe" in messages[7]
    assert messages[8] == texts.import_same_as(2)
    assert "Category is missing" in messages[9] and "web address" in messages[9]
    assert "longer than 200" in messages[10]
    assert (report.imported, report.updated, calls) == (0, 0, [])
    async with db.session() as session:
        assert (await directory.every_entry(session)) == []


async def test_a_clean_file_imports_with_progress_and_updates_duplicates(db, tmp_path, clock):
    first = await import_resources(
        db, csv_file(tmp_path, DIRECTORY, bom=True), now=clock.now(), progress=lambda *_: None
    )
    assert (first.rows, first.imported, first.updated) == (5, 5, 0)
    # A semicolon file (Excel in many locales), columns in another order, categories in
    # another case: one entry is the same place again (name and address), so it is updated.
    again = (
        "Category;Name;Address;Phone;Benefit\n"
        "FOOD;food bank mitte;HAUPTSTR. 1;030 222;no\n"
        "food;Community Fridge;Parkweg 2;;no\n"
        "Health;Pharmacy Nord;Nordweg 11;;no\n"
        "Legal;Legal Aid Office;Gericht 1;;no\n"
    )
    calls: list[tuple[int, int]] = []
    report = await import_resources(
        db,
        csv_file(tmp_path, again, "again.csv"),
        now=clock.now(),
        progress=lambda *a: calls.append(a),
        every=2,
    )
    assert report.ok
    assert (report.imported, report.updated, report.unchanged) == (3, 1, 0)
    assert report.updates == [(2, "food bank mitte")]
    assert calls == [(2, 4), (4, 4)]
    async with db.session() as session:
        entries = await directory.every_entry(session)
        assert len(entries) == 8
        food_bank = entries[0]
        assert (food_bank.phone, food_bank.category) == ("030 222", "Food")
        # Columns the second file doesn't have are left as they were.
        assert food_bank.hours == "Tue 10-14" and food_bank.email == "info@foodbank.example"
        fridge = next(entry for entry in entries if entry.name == "Community Fridge")
        assert fridge.category == "Food"  # the spelling already in use
        housing_benefit = next(entry for entry in entries if entry.name.startswith("Housing"))
        assert housing_benefit.is_benefit_program
        assert [c for c, _ in await directory.categories(session)] == [
            "Benefits",
            "Food",
            "Health",
            "Housing",
            "Legal",
        ]
        *_, event = (
            (
                await session.execute(
                    select(AuditEvent).where(AuditEvent.action == "resource.import")
                )
            )
            .scalars()
            .all()
        )
    assert event.detail["imported"] == 3 and event.detail["updated"] == 1


async def test_a_failure_half_way_rolls_the_whole_import_back(db, tmp_path, clock):
    def fail(done: int, total: int) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        await import_resources(
            db, csv_file(tmp_path, DIRECTORY), now=clock.now(), progress=fail, every=2
        )
    async with db.session() as session:
        assert (await directory.every_entry(session)) == []


async def test_files_that_cannot_be_read_are_refused_whole(db, tmp_path, clock):
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(HEADER.encode() + "Café Nord,Food,,,,,,,,no\n".encode("latin-1"))
    report = await import_resources(db, latin, now=clock.now(), progress=lambda *_: None)
    assert report.errors == [(2, texts.IMPORT_NOT_UTF8)]
    typo = csv_file(tmp_path, "name,category,adress\nX,Food,Somewhere\n", "typo.csv")
    report = await import_resources(db, typo, now=clock.now(), progress=lambda *_: None)
    assert report.errors[0][0] == 1 and "adress" in report.errors[0][1]
    empty = csv_file(tmp_path, "", "empty.csv")
    report = await import_resources(db, empty, now=clock.now(), progress=lambda *_: None)
    assert report.errors == [(1, texts.IMPORT_EMPTY)]
    with pytest.raises(ResourceImportError):
        await import_resources(
            db, tmp_path / "missing.csv", now=clock.now(), progress=lambda *_: None
        )


# ── searching the directory ────────────────────────────────────────────────────


async def test_search_by_words_and_category_paged_in_place(harness, tmp_path):
    await load_directory(harness.db, tmp_path, harness.clock.now())
    async with harness.db.session() as session:
        for number in range(1, 8):
            await directory.create(
                session, directory.ResourceData(name=f"Shelter {number}", category="Housing")
            )
        # Words are ANDed, each may be in the name, description or category; any case.
        found = await directory.search(session, words="FOOD parcels")
        assert [r.name for r in found.resources] == ["Food Bank Mitte"]
        found = await directory.search(session, words="ärztehaus")
        assert [r.name for r in found.resources] == ["Ärztehaus Nord"]
        found = await directory.search(session, words="nord", category="Food")
        assert [r.name for r in found.resources] == ["Soup Kitchen Nord"]
        found = await directory.search(session, words="100%_")
        assert found.total == 0

    wanda = await harness.seed_worker(701, "Wanda Worker")
    results = await wanda.send("/resources FOOD")
    assert "“FOOD” — 2 found" in results[-1].text
    assert labels(results[-1])[:2] == ["Food Bank Mitte · Food", "Soup Kitchen Nord · Food"]
    card = await wanda.press(results[-1], "Food Bank Mitte")
    assert card[-1].message_id == results[-1].message_id  # edited in place
    # Stored text is shown escaped: the tags appear as typed, not as formatting.
    assert "<b>Bring ID</b> & proof" in card[-1].text
    assert "https://foodbank.example" in card[-1].text
    assert not any(label in labels(card[-1]) for label in (texts.EDIT, texts.ARCHIVE))
    back = await wanda.press(card[-1], "Results")
    assert "2 found" in back[-1].text

    home = await wanda.send("/resources")
    assert "12 entries in 4 categories" in home[-1].text
    assert "Housing (8)" in labels(home[-1]) and texts.ADD not in labels(home[-1])
    housing = await wanda.press(home[-1], "Housing (8)")
    assert "Housing — 8 found · page 1 of 2" in housing[-1].text
    second = await wanda.press(housing[-1], texts.NEXT)
    assert second[-1].message_id == home[-1].message_id
    assert "page 2 of 2" in second[-1].text
    assert labels(second[-1])[:2] == ["Shelter 7 · Housing", "Tenant Advice · Housing"]
    nothing = await wanda.send("/resources dentist")
    assert "Nothing in the directory matches" in nothing[-1].text


async def test_admins_add_edit_and_archive_entries_in_the_chat(harness, tmp_path):
    await load_directory(harness.db, tmp_path, harness.clock.now())
    ada = await harness.seed_worker(703, "Ada Admin", role=Role.ADMIN, team=None)
    wanda = await harness.seed_worker(701, "Wanda Worker")

    home = await ada.send("/resources")
    asked = await ada.press(home[-1], texts.ADD)
    assert "What is it called?" in asked[-1].text
    category = await ada.send("Tafel <Süd>")
    phone = await ada.press(category[-1], "Food (2)")
    address = await ada.press(phone[-1], texts.SKIP_FIELD)
    hours = await ada.send("Südallee 4")
    notes = await ada.press(hours[-1], texts.SKIP_FIELD)
    confirm = await ada.send("Bring a bag")
    assert "Name: Tafel <Süd>" in confirm[-1].text and "Category: Food" in confirm[-1].text
    card = await ada.press(confirm[-1], "Save")
    assert "Tafel <Süd>" in card[-1].text and "📍 Südallee 4" in card[-1].text
    [created] = await audit_events(harness, "resource.create")

    # The same name and address again is refused: the existing entry is shown instead.
    home = await ada.send("/resources")
    await ada.press(home[-1], texts.ADD)
    category = await ada.send("TAFEL <süd>")
    phone = await ada.send("food")
    address = await ada.press(phone[-1], texts.SKIP_FIELD)
    hours = await ada.send("südallee 4")
    notes = await ada.press(hours[-1], texts.SKIP_FIELD)
    confirm = await ada.press(notes[-1], texts.SKIP_FIELD)
    shown = await ada.press(confirm[-1], "Save")
    assert "already in the directory" in shown[-2].text
    assert len(await rows(harness, Resource)) == 6

    edit = await ada.press(shown[-1], texts.EDIT)
    assert "Now: Tafel <Süd>" in edit[-1].text
    category = await ada.press(edit[-1], texts.KEEP)
    phone = await ada.press(category[-1], texts.KEEP)
    address = await ada.send("030 555")
    hours = await ada.press(address[-1], texts.KEEP)
    notes = await ada.send("Thu 15-18")
    confirm = await ada.press(notes[-1], texts.CLEAR)
    confirm = await ada.press(confirm[-1], "Benefit program: no")
    assert "Benefit program: yes" in "".join(labels(confirm[-1]))
    card = await ada.press(confirm[-1], "Save")
    assert "📞 030 555" in card[-1].text and "🕒 Thu 15-18" in card[-1].text
    tafel = (await rows(harness, Resource))[-1]
    assert (tafel.phone, tafel.hours, tafel.notes, tafel.is_benefit_program) == (
        "030 555",
        "Thu 15-18",
        None,
        True,
    )
    [updated] = await audit_events(harness, "resource.update")
    assert set(updated.detail["fields"]) == {"phone", "hours", "notes", "is_benefit_program"}

    archived = await ada.press(card[-1], texts.ARCHIVE)
    assert texts.ARCHIVED in archived[-1].text and texts.RESTORE in labels(archived[-1])
    results = await wanda.send("/resources tafel")
    assert "Nothing in the directory matches" in results[-1].text
    # A worker cannot archive, restore or edit, whatever the button says.
    await wanda.press_data(results[-1].message_id, f"rs:rest:{tafel.id}:0:0")
    await wanda.press_data(results[-1].message_id, f"rs:edit:{tafel.id}")
    assert wanda.toasts()[-2:] == [texts.ADMINS_ONLY, texts.ADMINS_ONLY]
    refused = [e for e in await audit_events(harness, "resource.restore") if not e.allowed]
    assert [e.subject_id for e in refused] == [tafel.id]
    assert not (await rows(harness, Resource))[-1].active
    restored = await ada.press(archived[-1], texts.RESTORE)
    assert texts.ARCHIVE in labels(restored[-1])
    assert "1 found" in (await wanda.send("/resources tafel"))[-1].text
    assert created.actor_worker_id == await harness.worker_id(703)


# ── referrals ──────────────────────────────────────────────────────────────────


async def test_a_referral_waits_for_consent(harness, tmp_path):
    await load_directory(harness.db, tmp_path, harness.clock.now())
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await add_client(harness, 701)

    asked = await wanda.send("/refer")
    check = await wanda.press(asked[-1], "C-0001")
    assert "no consent to share information on record" in check[-1].text
    refused = await wanda.press(check[-1], texts.CONSENT_REFUSED)
    assert "refused consent" in refused[-1].text and "No referral" in refused[-1].text
    assert await rows(harness, Referral) == []
    # A refusal is a decision on record; the next try says so and may record a new one.
    check = await wanda.send("/refer C-0001")
    assert "refused</b>" not in check[-1].text and "refused consent on Mon 2 Mar" in check[-1].text
    scope = await wanda.press(check[-1], texts.CONSENT_GIVEN)
    asked = await wanda.send("Share address and needs with the food bank")
    assert "To which resource?" in asked[-1].text
    assert "Consent: Share address and needs with the food bank" in asked[-1].text
    assert "What does it cover?" in scope[-1].text
    food = await wanda.press(asked[-1], "Food (2)")
    await wanda.press(food[-1], "Food Bank Mitte")
    follow_up = await wanda.send("Pantry empty, missed meals")
    confirm = await wanda.press(follow_up[-1], "In 2 weeks")
    assert "Follow-up: Mon 16 Mar 2026" in confirm[-1].text
    card = await wanda.press(confirm[-1], texts.SEND_REFERRAL)
    assert "Referral R-1" in card[-1].text and "📨 Sent" in card[-1].text
    assert labels(card[-1])[:3] == ["✅ Accepted", "🚫 Declined", "↩ Withdraw"]

    refusal, given = await rows(harness, Consent)
    assert (refusal.given, given.given) == (False, True)
    [referral] = await rows(harness, Referral)
    assert (referral.client_id, referral.consent_id, referral.status) == (
        client_id,
        given.id,
        "sent",
    )
    assert referral.follow_up_on == TODAY + timedelta(days=14)
    assert referral.application_date is None
    assert [e.detail["given"] for e in await audit_events(harness, "consent.record")] == [
        False,
        True,
    ]
    [created] = await audit_events(harness, "referral.create")
    assert (created.subject_id, created.client_id, created.allowed) == (
        referral.id,
        client_id,
        True,
    )


async def test_one_referral_declined_with_a_reason_another_completed_with_its_outcome(
    harness, tmp_path
):
    await load_directory(harness.db, tmp_path, harness.clock.now())
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await add_client(harness, 701)
    await give_consent(harness, client_id)

    confirm = await refer(wanda, "C-0001", "soup", "Soup Kitchen Nord", "Needs a hot meal")
    card = await wanda.press(confirm[-1], texts.SEND_REFERRAL)
    asked = await wanda.press(card[-1], "Declined")
    assert texts.ASK_DECLINE_REASON in asked[-1].text
    declined = await wanda.send("Lives outside <their> district")
    assert "🚫 Declined" in declined[-1].text
    assert "Declined because: Lives outside <their> district" in declined[-1].text
    assert not [label for label in labels(declined[-1]) if label in texts.STATUS_BUTTONS.values()]

    confirm = await refer(wanda, "C-0001", "food bank", "Food Bank Mitte", "Pantry empty")
    await wanda.press(confirm[-1], texts.SEND_REFERRAL)
    # /refer for a client with open referrals lists them first.
    listing = await wanda.send("/refer C-0001")
    assert "has 1 open referral" in listing[-1].text and "R-2 → Food Bank Mitte" in listing[-1].text
    card = await wanda.press(listing[-1], "R-2")
    accepted = await wanda.press(card[-1], "Accepted")
    assert "✅ Accepted" in accepted[-1].text
    assert labels(accepted[-1])[:2] == ["🏁 Completed", "↩ Withdraw"]
    asked = await wanda.press(accepted[-1], "Completed")
    assert texts.ASK_OUTCOME in asked[-1].text
    done = await wanda.send("Weekly food parcels from 10 March")
    assert "🏁 Completed" in done[-1].text and "Outcome: Weekly food parcels" in done[-1].text

    first, second = await rows(harness, Referral)
    assert (first.status, first.decline_reason) == ("declined", "Lives outside <their> district")
    assert first.responded_at == harness.clock.now()
    assert (second.status, second.outcome) == ("completed", "Weekly food parcels from 10 March")
    assert second.completed_at == harness.clock.now() and second.responded_at is not None
    actions = [
        (e.action, e.subject_id, e.detail.get("from"))
        for e in await audit_events(harness, "referral.decline")
        + await audit_events(harness, "referral.accept")
        + await audit_events(harness, "referral.complete")
    ]
    assert actions == [
        ("referral.decline", 1, "sent"),
        ("referral.accept", 2, "sent"),
        ("referral.complete", 2, "accepted"),
    ]


async def test_a_benefits_application_keeps_its_date(harness, tmp_path):
    await load_directory(harness.db, tmp_path, harness.clock.now())
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await add_client(harness, 701)
    await give_consent(harness, client_id)

    # From the client card's 📨 Refer button (`cf:refer:<id>`): the card stays as it was.
    card = await wanda.send("/client C-0001")
    asked = await wanda.press_data(card[-1].message_id, f"cf:refer:{client_id}")
    assert [m.message_id for m in asked] != [card[-1].message_id]
    assert "To which resource?" in asked[-1].text
    assert now_shown(wanda, card[-1]).text == card[-1].text
    benefits = await wanda.press(asked[-1], "Benefits (1)")
    reason = await wanda.press(benefits[-1], "Housing Benefit")
    follow_up = await wanda.send("Rent arrears since January")
    applied = await wanda.send("20/3")
    assert "benefit program" in applied[-1].text and "When was it made?" in applied[-1].text
    not_yet = await wanda.send("tomorrow")
    assert "When was it made?" not in not_yet[-1].text  # a future date is refused
    confirm = await wanda.send("yesterday")
    assert "Application made: Sun 1 Mar 2026" in confirm[-1].text
    assert "Follow-up: Fri 20 Mar 2026" in confirm[-1].text
    card = await wanda.press(confirm[-1], texts.SEND_REFERRAL)
    assert "🏛 Application made: Sun 1 Mar 2026" in card[-1].text
    [referral] = await rows(harness, Referral)
    assert (referral.application_date, referral.follow_up_on) == (
        date(2026, 3, 1),
        date(2026, 3, 20),
    )
    del follow_up, reason


async def test_stale_and_forged_status_changes_are_refused(harness, tmp_path):
    await load_directory(harness.db, tmp_path, harness.clock.now())
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await add_client(harness, 701)
    await give_consent(harness, client_id)
    confirm = await refer(wanda, "C-0001", "food", "Food Bank Mitte", "Pantry empty")
    first_card = await wanda.press(confirm[-1], texts.SEND_REFERRAL)
    # A second card of the same referral, as it was when sent.
    listing = await wanda.send("/refer C-0001")
    second_card = await wanda.press(listing[-1], "R-1")

    await wanda.press(first_card[-1], "Accepted")
    # The old card still offers "Withdraw" from sent: refused, and the card is refreshed.
    refreshed = await wanda.press(second_card[-1], "Withdraw")
    assert wanda.toasts()[-1] == texts.REFERRAL_CHANGED
    assert "✅ Accepted" in refreshed[-1].text
    assert "🚫 Declined" not in "".join(labels(refreshed[-1]))
    # Forged data: a transition the diagram doesn't allow, an unknown status, a garbage id.
    message_id = first_card[-1].message_id
    for data in ("rc:acc:1:accepted", "rc:decl:1:accepted", "rc:wdy:1:bogus", "rc:acc:x:sent"):
        await wanda.press_data(message_id, data)
    assert wanda.toasts()[-4:] == [texts.REFERRAL_CHANGED] * 3 + [texts.REFERRAL_GONE]
    [referral] = await rows(harness, Referral)
    assert referral.status == "accepted"
    async with harness.db.session() as session:
        assert not await referrals.change_status(
            session, referral.id, expected="sent", to="completed", now=harness.clock.now()
        )
    refused = [e for e in await audit_events(harness, "referral.withdraw") if not e.allowed]
    assert refused and refused[0].detail["reason"] == "stale"

    # The real thing still works: withdraw asks once more, then does it.
    asked = await wanda.press(now_shown(wanda, first_card[-1]), "Withdraw")
    assert "Withdraw referral R-1?" in asked[-1].text
    withdrawn = await wanda.press(asked[-1], texts.WITHDRAW_CONFIRM)
    assert "↩ Withdrawn" in withdrawn[-1].text
    assert (await rows(harness, Referral))[0].status == "withdrawn"


async def test_a_worker_cannot_refer_another_teams_client(harness, tmp_path):
    await load_directory(harness.db, tmp_path, harness.clock.now())
    wanda = await harness.seed_worker(701, "Wanda Worker", team="North")
    sam = await harness.seed_worker(702, "Sam Southern", team="South")
    client_id = await add_client(harness, 701)
    await give_consent(harness, client_id)
    confirm = await refer(wanda, "C-0001", "food", "Food Bank Mitte", "Pantry empty")
    await wanda.press(confirm[-1], texts.SEND_REFERRAL)

    refused = await sam.send("/refer C-0001")
    assert "can't find C-0001" in refused[-1].text
    await sam.press_data(refused[-1].message_id, f"cf:refer:{client_id}")
    asked = await sam.send("/refer")
    await sam.press_data(asked[-1].message_id, f"rf:client:{client_id}")
    await sam.press_data(asked[-1].message_id, "rf:cancel:")
    await sam.press_data(asked[-1].message_id, "rc:o:1")
    await sam.press_data(asked[-1].message_id, "rc:acc:1:sent")
    assert "can't find C-0001" in sam.toasts()[0]
    assert sam.toasts()[-2:] == [texts.REFERRAL_GONE, texts.REFERRAL_GONE]

    attempts = [e for e in await audit_events(harness, "referral.create") if not e.allowed]
    sam_id = await harness.worker_id(702)
    assert [(e.actor_worker_id, e.subject_type, e.subject_id, e.client_id) for e in attempts] == [
        (sam_id, "client", client_id, client_id)
    ] * 3
    looks = [e for e in await audit_events(harness, "referral.view") if not e.allowed]
    changes = [e for e in await audit_events(harness, "referral.accept") if not e.allowed]
    assert [(e.actor_worker_id, e.client_id) for e in looks + changes] == [(sam_id, client_id)] * 2
    [referral] = await rows(harness, Referral)
    assert (referral.worker_id, referral.status) == (await harness.worker_id(701), "sent")


async def test_the_follow_up_comes_up_in_the_morning_agenda_when_due(harness, tmp_path, clock):
    await load_directory(harness.db, tmp_path, harness.clock.now())
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await add_client(harness, 701)
    await give_consent(harness, client_id)
    confirm = await refer(wanda, "C-0001", "food", "Food Bank Mitte", "Pantry empty")
    card = await wanda.press(confirm[-1], texts.SEND_REFERRAL)
    worker_id = await harness.worker_id(701)

    async def due_on(day: date) -> list[tuple[int, date, bool]]:
        async with harness.db.session() as session:
            work = await agenda_store.agenda(session, worker_id, day, BERLIN)
        return [(due.client.id, due.due_on, due.overdue) for due in work.referrals]

    follow_up = TODAY + timedelta(days=7)
    assert await due_on(TODAY) == []
    assert await due_on(TODAY + timedelta(days=6)) == []
    assert await due_on(follow_up) == [(client_id, follow_up, False)]
    # Overdue stays listed.
    assert await due_on(TODAY + timedelta(days=9)) == [(client_id, follow_up, True)]

    clock.advance(timedelta(days=7))  # Monday 9 March, 09:00 in Berlin
    await harness.tick()
    [agenda] = [m for m in wanda.messages() if m.text.startswith("☀️")]
    assert "Referral follow-ups (1)" in agenda.text and "C-0001" in agenda.text

    accepted = await wanda.press(card[-1], "Accepted")
    # Accepted: still to follow up.
    assert await due_on(follow_up) == [(client_id, follow_up, False)]
    await wanda.press(accepted[-1], "Completed")
    await wanda.send("Gets parcels weekly")
    assert await due_on(follow_up) == []


async def test_a_half_made_referral_survives_a_restart_and_an_idle_half_hour(
    harness, tmp_path, clock
):
    await load_directory(harness.db, tmp_path, harness.clock.now())
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await add_client(harness, 701)
    await give_consent(harness, client_id)
    await wanda.send("/refer maria")  # part of a name works as well as the code
    found = await wanda.send("food bank")
    await wanda.press(found[-1], "Food Bank Mitte")
    busy = await wanda.send("/today")  # answered, and the referral carries on
    assert busy[-1].text == texts.still_open("referral", "C-0001")

    await harness.restart()
    follow_up = await wanda.send("Pantry empty")  # the same step, after a restart
    assert "When will you follow up?" in follow_up[-1].text
    clock.advance(timedelta(minutes=31))
    kept = await wanda.send("next fri")
    assert texts.draft_kept("/refer") in kept[-1].text
    offer = await wanda.send("/refer")
    assert "unfinished referral for C-0001" in offer[-1].text
    resumed = await wanda.press(offer[-1], "Resume")
    assert "When will you follow up?" in resumed[-1].text
    confirm = await wanda.press(resumed[-1], "In 1 week")
    await wanda.press(confirm[-1], texts.SEND_REFERRAL)
    [referral] = await rows(harness, Referral)
    assert (referral.reason, referral.follow_up_on) == ("Pantry empty", date(2026, 3, 9))


async def test_an_empty_directory_is_said_at_once(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await add_client(harness, 701)
    await give_consent(harness, client_id)
    reply = await wanda.send("/refer C-0001")
    assert "directory is empty" in reply[-1].text
    assert "directory is empty" in (await wanda.send("/resources"))[-1].text
    assert (await wanda.send("/cancel"))[-1].text == texts.NOTHING_TO_CANCEL


async def test_the_cli_runner_prints_progress_problems_and_counts(backend, tmp_path, clock):
    import asyncio

    from bot.resource_import import run_import
    from storage import migrate
    from tests.databases import fresh_database_url

    async with fresh_database_url(backend, tmp_path) as url:
        printed: list[str] = []
        with pytest.raises(ResourceImportError, match="caseline db upgrade"):
            await run_import(url, str(csv_file(tmp_path, DIRECTORY)), now=clock.now())
        await asyncio.to_thread(migrate.upgrade, url)
        bad = csv_file(tmp_path, HEADER + ",Food,,,,,,,,no\n", "bad.csv")
        assert await run_import(url, str(bad), now=clock.now(), out=printed.append) == 1
        assert printed == [texts.import_rejected(1), "line 2: Name is missing"]
        printed.clear()
        good = csv_file(tmp_path, DIRECTORY, "good.csv")
        assert await run_import(url, str(good), now=clock.now(), out=printed.append) == 0
        assert printed == [texts.import_progress(5, 5), texts.import_done(5, 0, 0, 0)]
        printed.clear()
        assert await run_import(url, str(good), now=clock.now(), out=printed.append) == 0
        assert printed[-1] == texts.import_done(0, 0, 5, 0)
