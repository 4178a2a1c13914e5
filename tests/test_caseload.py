"""A worker's caseload: listing, paging, the client card, adding a client."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage import clients as client_store
from storage.kinds import Program
from storage.machinery import AuditEvent
from storage.models import Client
from tests.harness import buttons
from ui import texts


async def _seed_caseload(harness, user_id: int, count: int) -> None:
    worker_id = await harness.worker_id(user_id)
    now = harness.clock.now()
    async with harness.db.session() as session:
        for number in range(count):
            client = await client_store.create_client(
                session,
                name=f"Client {number:02d}",
                program=Program.ELDERLY,
                contact_frequency_days=30,
                worker_id=worker_id,
                now=now,
            )
            client.last_contact_at = now - timedelta(days=number)


async def test_caseload_lists_most_recent_first_and_pages_in_place(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await _seed_caseload(harness, 701, 10)
    listing = (await wanda.send("/clients"))[0]
    assert "10 clients · page 1 of 2" in listing.text
    labels = [label for label, _ in buttons(listing)]
    assert labels[0].startswith("C-0001 · Client 00 · today")
    assert labels[1].endswith("yesterday") and labels[-4] == "▶"
    assert labels[-3:] == [texts.CASELOAD_OVERDUE, texts.CASELOAD_PROGRAM, texts.CASELOAD_STATUS]

    page_two = await wanda.press(listing, "▶")
    assert [m.message_id for m in page_two] == [listing.message_id]
    assert "page 2 of 2" in page_two[0].text
    assert len(wanda.messages()) == 1  # edited in place, nothing piled up

    card = await wanda.press(page_two[0], "Client 09")
    assert card[0].message_id == listing.message_id
    assert "C-0010 · Client 09" in card[0].text
    assert "9 days ago" in card[0].text
    async with harness.db.session() as session:
        views = (await session.execute(select(AuditEvent.action, AuditEvent.client_id))).all()
    assert ("client.view", 10) in views


async def test_the_caseload_puts_overdue_visits_first_and_narrows_with_buttons(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Recent Rita", last_contact_at=clock.now() - timedelta(days=2))
    await harness.seed_client(701, "Late Lars", last_contact_at=clock.now() - timedelta(days=90))
    [listing] = await wanda.send("/clients")
    labels = [label for label, _ in buttons(listing)]
    assert labels[0].startswith("❗ C-0002 · Late Lars") and labels[1].startswith("C-0001")

    [late] = await wanda.press(listing, texts.CASELOAD_OVERDUE)
    assert "visit overdue" in late.text
    assert [label for label, _ in buttons(late)][:-1] == [labels[0]]
    [everyone] = await wanda.press(late, texts.CASELOAD_ALL)
    assert "Recent Rita" in str(buttons(everyone))
    [menu] = await wanda.press(everyone, texts.CASELOAD_STATUS)
    [active] = await wanda.press(menu, "Active")
    assert "Active" in active.text

    [typed] = await wanda.send("/clients overdue")
    assert [label for label, _ in buttons(typed)][:-1] == [labels[0]]
    [unknown] = await wanda.send("/clients purple")
    assert "is not something I can narrow your clients to" in unknown.text


async def test_an_empty_caseload_says_how_to_add_a_client(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    assert (await wanda.send("/clients"))[0].text == texts.CASELOAD_EMPTY


async def test_adding_a_client_in_a_few_taps(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    ask = await wanda.send("/newclient")
    assert ask[0].text == texts.NEWCLIENT_ASK_NAME
    programs = await wanda.send("Maria <b>Gonzalez</b> & Co")
    assert "Maria <b>Gonzalez</b> & Co" in programs[0].text  # shown escaped, as typed
    frequency = await wanda.press(programs[0], "Hospice")
    confirm = await wanda.press(frequency[0], "14 d")
    assert "every 14 days" in confirm[0].text and "Hospice" in confirm[0].text
    card = await wanda.press(confirm[0], "Save")
    assert "C-0001 · Maria <b>Gonzalez</b> & Co" in card[0].text
    assert "Saved as C-0001." in wanda.toasts()

    async with harness.db.session() as session:
        client = (await session.execute(select(Client))).scalar_one()
    assert (client.name, client.program, client.contact_frequency_days) == (
        "Maria <b>Gonzalez</b> & Co",
        "hospice",
        14,
    )
    assert client.worker_id == await harness.worker_id(701)


async def test_odd_input_while_adding_a_client_gets_a_clear_prompt(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await wanda.send("/newclient")
    assert (await wanda.send_sticker())[0].text == texts.NEWCLIENT_NAME_NOT_TEXT
    assert (await wanda.send_photo())[0].text == texts.NEWCLIENT_NAME_NOT_TEXT
    assert (await wanda.send("x"))[0].text == texts.NEWCLIENT_NAME_TOO_SHORT
    too_long = await wanda.send("A" * 5000)
    assert too_long[0].text == texts.newclient_name_too_long(client_store.NAME_MAX)
    assert (await wanda.send("/clients"))[-1].text == texts.still_open("new client", "")
    programs = await wanda.send("Ann Other")
    assert (await wanda.send("Hospice please"))[0].text == texts.USE_BUTTONS_OR_CANCEL
    await wanda.press_data(programs[0].message_id, "nc:prog:not-a-program")
    frequency = await wanda.press(programs[0], "Disability")
    assert (await wanda.send("0"))[0].text == texts.NEWCLIENT_BAD_FREQUENCY
    assert (await wanda.send("every now and then"))[0].text == texts.NEWCLIENT_BAD_FREQUENCY
    confirm = await wanda.send("21")
    assert "every 21 days" in confirm[0].text
    assert (await wanda.send("/cancel"))[0].text == texts.CANCELLED
    async with harness.db.session() as session:
        assert (await session.execute(select(Client))).first() is None
    assert (await wanda.send("/cancel"))[0].text == texts.NOTHING_TO_CANCEL
    _ = frequency


async def test_one_line_newclient_skips_the_name_question(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    programs = await wanda.send("/newclient Olga Petrova")
    assert "Olga Petrova" in programs[0].text and "Which program" in programs[0].text


async def test_help_and_unknown_text(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    assert "/newclient" in (await wanda.send("/help"))[0].text
    assert (await wanda.send("what now"))[0].text == texts.NOT_UNDERSTOOD
    assert (await wanda.send("/start"))[0].html == texts.welcome_back("Wanda Worker")


async def test_an_edited_message_is_not_taken_as_the_next_answer(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await wanda.send("/newclient")
    programs = await wanda.send("Rosa Parx")
    typed = max(m.message_id for m in wanda.messages())  # the user's message precedes it
    reply = await harness.exchange(701, lambda: wanda.fake.edit_text(typed - 1, "Rosa Parks"))
    assert reply[0].text == texts.EDIT_IGNORED
    frequency = await wanda.press(programs[0], "Elderly")
    assert frequency[0].text == texts.NEWCLIENT_ASK_FREQUENCY
