"""Strict mode (CASELINE_PRIVACY=strict), one renderer at a time: what each answer says in
place of the record, and where the dialogs that would ask for the record send the worker.
The whole day, and the proof that nothing identifying is sent, is tests/test_strict_day.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from storage import notes
from storage.kinds import InteractionType
from storage.models import Client
from tests.harness import buttons, running
from tests.webapp_support import STRICT, WEBAPP_URL, web_app_urls
from ui import privacy, texts

WANDA = 7201
NAME = "Zelinda Quarrington"
TEXT = "Ozymandrel hotline called: the kitchen smelled of gas, all fixed by noon."
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def everything(messages) -> str:
    """A message's text and every button's label and data."""
    return "\n".join(
        (message.text or "") + "".join(label + data for label, data in buttons(message))
        for message in messages
    )


@pytest.fixture
async def strict(devserver, db, db_url, clock):
    clock.set(NOW)
    async with running(devserver, db, db_url, clock, **STRICT) as harness:
        await harness.seed_worker(WANDA, "Wanda Worker")
        harness.client_id = await harness.seed_client(
            WANDA,
            NAME,
            date_of_birth=date(1941, 3, 17),
            address="17 Brackwaterlane",
            phone="+49 151 98765432",
            usual_place="17 Brackwaterlane",
            risk_reason="Vertiginous fall",
        )
        harness.code = f"C-{harness.client_id:04d}"
        yield harness


async def a_note(harness, clock, *, amended: bool = False) -> int:
    worker_id = await harness.worker_id(WANDA)
    async with harness.db.session() as session:
        client = await session.get(Client, harness.client_id)
        note = await notes.create_note(
            session,
            client=client,
            author_id=worker_id,
            interaction_type=InteractionType.HOME_VISIT,
            occurred_at=datetime(2026, 3, 2, 9, 35, tzinfo=UTC),
            text=TEXT,
            now=clock.now(),
        )
        if amended:
            await notes.amend(session, note, author_id=worker_id, text="Gas man again.", now=NOW)
        return note.id


def test_a_note_is_its_number_kind_time_and_length():
    assert texts.note_summary(31, "home_visit", "10:35", 240) == (
        "N-31 · Home visit · 10:35 · 240 characters"
    )
    assert texts.note_summary(7, "phone", "08:00", 1) == "N-7 · Phone · 08:00 · 1 character"


def test_a_text_that_names_the_client_keeps_the_code_alone_when_the_name_is_left_out():
    assert texts.appt_ask_day("C-0042", "").startswith("Appointment with <b>C-0042</b>. Which")
    assert texts.appt_ask_day("C-0042", "Ana").startswith("Appointment with <b>C-0042 · Ana</b>.")
    assert texts.safety_title("C-0042", "") == "🛟 <b>Safety plan · C-0042</b>"
    assert texts.card_title(name="", code="C-0042") == "<b>C-0042</b>"


async def test_the_card_names_the_client_by_code_and_counts_the_note(strict, clock):
    note_id = await a_note(strict, clock)
    (card,) = await strict.person(WANDA).send(f"/client {strict.code}")
    assert card.text.startswith(strict.code + "\n")
    assert f"N-{note_id} · Home visit · 10:35 · {len(TEXT)} characters" in card.text
    shown = everything([card])
    for secret in ("Zelinda", "Quarrington", "Z.Q.", "Brackwater", "Ozymandrel", "Vertiginous"):
        assert secret not in shown
    assert web_app_urls(card) == [f"{WEBAPP_URL}/?client={strict.client_id}"]


async def test_history_says_what_happened_and_counts_what_was_written(strict, clock):
    note_id = await a_note(strict, clock, amended=True)
    wanda = strict.person(WANDA)
    (page,) = await wanda.send(f"/history {strict.code}")
    assert page.text.startswith(f"{strict.code} · history")
    assert f"N-{note_id} · Home visit · 10:35 · {len(TEXT)} characters" in page.text
    assert "1 amendment" in page.text
    assert "Gas man" not in page.text and "Ozymandrel" not in page.text
    assert "Zelinda" not in everything([page])
    assert web_app_urls(page) == [f"{WEBAPP_URL}/?client={strict.client_id}"]


async def test_note_hands_over_to_the_mini_app_with_the_client_chosen(strict):
    wanda = strict.person(WANDA)
    (answer,) = await wanda.send(f"/note {strict.code}")
    assert "written in the Mini App" in answer.text
    assert web_app_urls(answer) == [f"{WEBAPP_URL}/?client={strict.client_id}"]
    # Chosen from the picker: the client's button is the code alone.
    (picker,) = await wanda.send("/note")
    assert [label for label, _ in buttons(picker) if label.startswith("C-")] == [strict.code]
    answer = (await wanda.press(picker, strict.code))[-1]
    assert web_app_urls(answer) == [f"{WEBAPP_URL}/?client={strict.client_id}"]
    # The dialog is over: a text now is not a note's.
    replies = await wanda.send("Anything")
    assert "written in the Mini App" not in everything(replies)


async def test_a_one_liner_is_saved_and_confirmed_by_number_and_length(strict):
    wanda = strict.person(WANDA)
    (saved,) = await wanda.send(f"/note {strict.code} Home visit, {TEXT}")
    assert saved.text.startswith("✅ Note N-")
    assert f"{strict.code}\nHome visit · " in saved.text
    assert f"{len(TEXT)} characters" in saved.text
    assert "Ozymandrel" not in everything([saved]) and "Zelinda" not in everything([saved])
    labels = [label for label, _ in buttons(saved)]
    assert "✏️ Amend" not in labels and "🗂 Open" in labels and "↩ Undo" in labels
    async with strict.db.session() as session:
        from sqlalchemy import select

        from storage.models import Note

        stored = (await session.execute(select(Note))).scalar_one()
    assert stored.text == TEXT


async def test_export_stays_out_of_the_chat(strict):
    wanda = strict.person(WANDA)
    (card,) = await wanda.send(f"/client {strict.code}")
    (answer,) = await wanda.press(card, "Export")
    assert "not sent in the chat" in answer.text
    # A 📊 CSV button from before the organisation went strict sends nothing either.
    await wanda.press_data(card.message_id, f"ex:csv:{strict.client_id}")
    assert not [call for call in strict.state.calls if call.method == "sendDocument"]


@pytest.mark.parametrize("command", ["/plan", "/refer", "/review", "/comment"])
async def test_dialogs_of_free_text_answer_that_it_is_not_typed_in_the_chat(strict, command):
    (answer,) = await strict.person(WANDA).send(f"{command} {strict.code}")
    assert "not typed in the chat" in answer.text


@pytest.mark.parametrize("flow", ["plan", "refer", "safety", "people"])
async def test_card_buttons_of_free_text_open_the_mini_app_at_the_client(strict, flow):
    wanda = strict.person(WANDA)
    (card,) = await wanda.send(f"/client {strict.code}")
    replies = await wanda.press_data(card.message_id, f"cf:{flow}:{strict.client_id}")
    answer = replies[-1]
    assert "not typed in the chat" in answer.text
    assert web_app_urls(answer) == [f"{WEBAPP_URL}/?client={strict.client_id}"]


@pytest.mark.parametrize("command", ["/newclient", "/intake"])
async def test_who_the_client_is_is_not_typed_in_the_chat(strict, command):
    (answer,) = await strict.person(WANDA).send(f"{command} Olga Brightwater")
    assert "caseline clients import" in answer.text
    async with strict.db.session() as session:
        from sqlalchemy import func, select

        assert (await session.execute(select(func.count(Client.id)))).scalar_one() == 1


async def test_the_details_menu_shows_and_asks_nothing_identifying(strict):
    wanda = strict.person(WANDA)
    (card,) = await wanda.send(f"/client {strict.code}")
    (menu,) = await wanda.press(card, "Edit")
    assert menu.text.startswith(f"✏️ Details · {strict.code}\n")
    shown = everything([menu])
    for secret in ("Zelinda", "1941", "Brackwater", "98765432"):
        assert secret not in shown
    assert [label for label, _ in buttons(menu)][:3] == ["Program", "Contact frequency", "Status"]
    # A forged or old "Name" button is refused.
    await wanda.press_data(menu.message_id, f"cd:ask:{strict.client_id}:name")
    assert "not typed in the chat" in wanda.toasts()[-1]


async def test_a_search_by_name_answers_with_codes(strict):
    other = await strict.seed_client(WANDA, "Zelinda Marsh")
    wanda = strict.person(WANDA)
    (choice,) = await wanda.send("/client Zelinda")
    assert "Zelinda" not in everything([choice])
    assert sorted(label for label, _ in buttons(choice)) == sorted([strict.code, f"C-{other:04d}"])


async def test_an_appointment_shows_its_place_locked(strict, clock):
    appointment = await strict.seed_appointment(
        WANDA, strict.client_id, NOW + timedelta(hours=2), place="17 Brackwaterlane"
    )
    wanda = strict.person(WANDA)
    (listing,) = await wanda.send("/today")
    (card,) = await wanda.press_data(listing.message_id, f"ac:show:{appointment}")
    assert "Brackwater" not in everything([card])
    assert "🔒" in card.text


def test_a_strict_bot_leaves_the_next_test_standard():
    """The switch is a context variable set when a bot is built: the strict bots of the
    tests above leave nothing behind for a renderer called afterwards."""
    assert privacy.strict() is False
    assert privacy.webapp_button(3) is None


async def test_strict_without_the_mini_app_stops_the_bot_in_one_line(tmp_path):
    """Workers could not read a note: `caseline run` refuses to start, saying why."""
    from tests.test_cli_errors import caseline, said_in_one_line

    env = {"CASELINE_PRIVACY": "strict", "CASELINE_DATABASE_URL": f"sqlite:///{tmp_path}/c.db"}
    said = said_in_one_line(await caseline("run", env=env), "CASELINE_WEBAPP_URL")
    assert said == (
        "caseline: CASELINE_PRIVACY=strict needs CASELINE_WEBAPP_URL: notes are read and "
        "written in the Mini App"
    )


async def test_the_case_file_downloads_from_the_mini_app(strict, clock):
    """What 📤 Export no longer sends into the chat: the Mini App's download, the chat's own
    use case (audited as an export), for the worker's own client only."""
    import httpx

    from tests.webapp_support import init_data

    await a_note(strict, clock)
    address = f"http://127.0.0.1:{strict.webapp_port}/api/clients/{strict.client_id}/export"
    signed = {"Authorization": f"tma {init_data(WANDA, clock.now())}"}
    async with httpx.AsyncClient() as http:
        csv = await http.get(f"{address}.csv", headers=signed, timeout=10)
        pdf = await http.get(f"{address}.pdf", headers=signed, timeout=10)
        unsigned = await http.get(f"{address}.csv", timeout=10)
    assert csv.status_code == 200 and TEXT in csv.content.decode("utf-8-sig")
    assert csv.headers["content-disposition"] == f'attachment; filename="{strict.code}.csv"'
    assert csv.headers["cache-control"] == "no-store"
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert unsigned.status_code == 401
    async with strict.db.session() as session:
        from sqlalchemy import select

        from storage.machinery import AuditEvent

        exports = (
            await session.execute(select(AuditEvent).where(AuditEvent.action == "client.export"))
        ).scalars()
        assert [event.detail["format"] for event in exports] == ["csv", "pdf"]
    assert not [call for call in strict.state.calls if call.method == "sendDocument"]
