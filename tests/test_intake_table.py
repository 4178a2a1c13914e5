"""The intake's questions are one table: each row says what it asks, how an answer is
read and where it is stored, and the table agrees with what the record can hold
(`storage.intake.answered` rebuilds an intake's place from exactly these keys).
"""

from __future__ import annotations

from datetime import date

from conversations.intake_steps import (
    NEEDS,
    STEP_OF,
    STEPS,
    TABLE,
    Begin,
    Go,
    Phase,
    Reading,
    Save,
    Say,
    Skip,
)
from domain.usecases.intake import (
    ConsentAnswer,
    ContactAnswer,
    ContactPhoneAnswer,
    FieldAnswer,
    NeedAnswer,
)
from storage import intake as store
from storage.kinds import Program
from storage.models import Client
from ui import texts

TODAY = date(2026, 3, 2)


def reading(step: str, phase: str = "", sub: Phase | None = None, client: bool = True) -> Reading:
    return Reading(step, phase, sub or Phase(), client, TODAY, "DMY")


def test_one_row_per_question_in_the_order_asked_and_each_says_where_it_is_stored():
    assert len(STEPS) == len(set(STEPS)) == len(TABLE)
    assert STEPS[0] == "name" and STEPS[-2:] == ("contacts", "consent")
    assert NEEDS == tuple(f"need.{domain}" for domain in store.NEED_DOMAINS)
    for row in TABLE:
        assert row.title and row.stored_in, row.key
    # A client who answered everything: the record names exactly the table's keys.
    client = Client(
        name="Maria Gonzalez",
        date_of_birth=date(1950, 12, 24),
        phone="030 1234",
        address="Hauptstr. 1",
        emergency_contact="Ana, 030 5678",
        language="Arabic",
        interpreter=True,
        program=Program.ELDERLY,
        living_situation="alone",
        needs={domain: {"level": "none", "note": ""} for domain in store.NEED_DOMAINS},
    )
    assert store.answered(client, contact_count=1, has_consent=True) == set(STEPS)


def test_each_row_reads_its_answer_into_the_place_it_is_stored():
    assert STEP_OF["name"].reads(reading("name", client=False), "Maria") == Begin("Maria")
    assert STEP_OF["name"].reads(reading("name"), "M") == Say(texts.NAME_TOO_SHORT)
    born = STEP_OF["date_of_birth"].reads(reading("date_of_birth"), "24/12/1950")
    assert isinstance(born, Save) and born.answer == FieldAnswer(
        "date_of_birth", date(1950, 12, 24)
    )
    assert STEP_OF["phone"].reads(reading("phone"), "call me") == Say(texts.NOT_A_PHONE)
    address = STEP_OF["address"].reads(reading("address"), "Hauptstr. 1")
    assert isinstance(address, Save) and address.answer == FieldAnswer("address", "Hauptstr. 1")
    assert STEP_OF["program"].chooses(reading("program"), "bogus") is None
    note = STEP_OF["need.housing"].reads(reading("need.housing", "note"), "Rent arrears")
    assert isinstance(note, Save) and note.answer == NeedAnswer("housing", note="Rent arrears")
    level = STEP_OF["need.housing"].chooses(reading("need.housing"), "urgent")
    assert isinstance(level, Save) and level.then.phase == "note"

    contacts = STEP_OF["contacts"]
    name = contacts.reads(reading("contacts", "name", Phase(relation="family")), "Ana")
    assert isinstance(name, Save) and name.answer == ContactAnswer("family", "Ana")
    assert name.then.phase == "phone"
    phone = contacts.reads(reading("contacts", "phone", Phase(contact_id=7)), "030 5678")
    assert isinstance(phone, Save) and phone.answer == ContactPhoneAnswer(7, "030 5678")
    assert contacts.chooses(reading("contacts"), "done") == Go(toast="", done=True)

    consent = STEP_OF["consent"]
    assert consent.chooses(reading("consent"), "later") == Skip()
    given = Phase(given=True, scope="Share with services")
    expiry = consent.chooses(reading("consent", "expiry", given), "1y")
    assert isinstance(expiry, Save)
    assert expiry.answer == ConsentAnswer(True, "Share with services", date(2027, 3, 2))
    refused = consent.reads(reading("consent", "scope", Phase(given=False)), "Nothing")
    assert isinstance(refused, Save) and refused.answer == ConsentAnswer(False, "Nothing", None)
    # Text only where the row takes it, with the row's limit.
    assert not STEP_OF["program"].takes_text("")
    assert STEP_OF["consent"].texts_in == {"scope": 500, "expiry": 40}
