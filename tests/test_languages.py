"""Caseline in Spanish, German and French, through the real stack: a worker who speaks the
language writes a whole guided note, schedules an appointment from a date typed in their
language, and gets the reminder and the next morning's agenda in it.

What the worker should read is looked up in the catalogs (`speaking(language)`), so the
test follows the translators' wording; that the catalogs are complete and keep their
placeholders is tests/test_catalogs.py's business.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from storage.kinds import InteractionType
from storage.models import Appointment, Note
from tests.harness import buttons
from ui import i18n, texts
from ui.views import ROW_LABEL_MAX, label_width

BERLIN = ZoneInfo("Europe/Berlin")
# "Tomorrow at 15:00" as a worker of each language types it.
TOMORROW_AT_THREE = {"es": "mañana a las 15:00", "de": "morgen 15 Uhr", "fr": "demain 15h"}
NOTE = {
    "es": "Cocina ordenada, nevera llena.",
    "de": "Küche aufgeräumt, Kühlschrank voll.",
    "fr": "Cuisine rangée, frigo rempli.",
}


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def said(language: str, name: str, *args) -> str:
    """What `texts.<name>` says in `language`."""
    with i18n.speaking(language):
        value = getattr(texts, name)
        return value(*args) if callable(value) else value


def plain(html: str) -> str:
    """A text as the worker sees it (the harness keeps messages without their tags)."""
    return re.sub(r"<[^>]+>", "", html)


def live(person):
    return [message for message in person.messages() if buttons(message)][-1]


@pytest.fixture(params=["es", "de", "fr"])
def language(request):
    return request.param


async def test_a_note_an_appointment_a_reminder_and_the_agenda_in_the_workers_language(
    harness, clock, language
):
    clock.set(berlin(2026, 3, 2, 10, 0))  # Monday
    wanda = await harness.seed_worker(
        701, "Wanda Worker", timezone="Europe/Berlin", language=language
    )
    await harness.seed_client(701, "Maria Gonzalez")

    # A whole guided note: client, kind, text, save.
    [asked] = await wanda.send("/note")
    assert asked.text.startswith(plain(said(language, "NOTE_ASK_CLIENT")))
    kind = (await wanda.press(asked, "Maria Gonzalez"))[-1]
    assert plain(said(language, "note_ask_kind", "C-0001", "Maria Gonzalez")) in kind.text
    home_visit = said(language, "INTERACTION_NAMES")[InteractionType.HOME_VISIT]
    card = (await wanda.press(kind, home_visit))[-1]
    assert said(language, "NOTE_TYPE_IT") in card.text
    card = (await wanda.send(NOTE[language]))[-1]
    [saved] = await wanda.press(card, said(language, "SAVE"))
    saved_line = said(language, "note_saved", 1, "C-0001", "Maria Gonzalez", home_visit, "")
    assert plain(saved_line.split("\n")[0]) in saved.text
    async with harness.db.session() as session:
        [note] = (await session.execute(select(Note))).scalars()
    assert note.text == NOTE[language]

    # An appointment from a date typed in the worker's language.
    await wanda.send("/appt")
    await wanda.press(live(wanda), "Maria Gonzalez")
    [card] = await wanda.send(TOMORROW_AT_THREE[language])
    assert said(language, "NEW_APPOINTMENT") in card.text
    await wanda.press(card, said(language, "SAVE"))
    assert said(language, "APPT_SAVED_TOAST") in wanda.toasts()
    async with harness.db.session() as session:
        [appointment] = (await session.execute(select(Appointment))).scalars()
    assert appointment.starts_at.replace(tzinfo=UTC) == berlin(2026, 3, 3, 15, 0)

    # The next morning's agenda, then the reminder an hour before the visit.
    clock.set(berlin(2026, 3, 3, 8, 0))
    await harness.tick()
    title = said(language, "agenda_title", "Wanda Worker", datetime(2026, 3, 3).date())
    [agenda] = [message for message in wanda.messages() if plain(title) in message.text]
    assert "15:00 · C-0001 Maria Gonzalez · " + home_visit in agenda.text
    clock.set(berlin(2026, 3, 3, 14, 0))
    await harness.tick()
    [reminder] = [message for message in wanda.messages() if message.text.startswith("⏰")]
    assert home_visit in reminder.text
    labels = [label for label, _ in buttons(reminder)]
    assert said(language, "MARK_DONE") in labels and said(language, "OPEN_CLIENT") in labels
    assert not _rows_too_narrow(harness, 701), "a row of buttons cuts a label on a phone"


def _rows_too_narrow(harness, chat_id: int) -> list[list[str]]:
    """Rows of buttons whose longest label a 390 px phone would cut."""
    narrow = []
    for event in harness.state.events():
        markup = event.params.get("reply_markup") if event.chat_id == chat_id else None
        for row in (markup or {}).get("inline_keyboard", []) if isinstance(markup, dict) else []:
            labels = [button["text"] for button in row]
            if max(label_width(label) for label in labels) > ROW_LABEL_MAX[min(len(row), 3)]:
                narrow.append(labels)
    return narrow


ONE_LINER = {
    "es": "/note C-0001 Teléfono: confirmó la cita del martes",
    "de": "/note C-0001 telefon: Termin am Dienstag bestätigt",
    "fr": "/note C-0001 téléphone : rendez-vous de mardi confirmé",
}


async def test_a_one_liner_names_its_kind_in_the_workers_language_or_in_english(harness, language):
    wanda = await harness.seed_worker(
        701, "Wanda Worker", timezone="Europe/Berlin", language=language
    )
    await harness.seed_client(701, "Maria Gonzalez")
    await wanda.send(ONE_LINER[language])
    await wanda.send("/note C-0001 video: seen on a call")
    async with harness.db.session() as session:
        notes = (await session.execute(select(Note).order_by(Note.id))).scalars().all()
    assert [note.interaction_type for note in notes] == ["phone", "video"]
    assert notes[0].text == ONE_LINER[language].split(":", 1)[1].strip()


async def test_the_case_file_is_in_the_workers_language_and_the_csv_keeps_english_codes(
    harness, language
):
    import csv
    import io

    from pypdf import PdfReader

    wanda = await harness.seed_worker(
        701, "Wanda Worker", timezone="Europe/Berlin", language=language
    )
    await harness.seed_client(701, "Maria Gonzalez", language="Arabic", interpreter=True)
    await wanda.send("/note C-0001 phone: " + NOTE[language])
    [history] = await wanda.send("/history C-0001")
    card = (await wanda.press(history, said(language, "CARD_BACK")))[-1]
    export_menu = (await wanda.press(card, said(language, "CARD_EXPORT")))[-1]

    [pdf] = [message for message in await wanda.press(export_menu, "PDF") if message.document]
    pages = PdfReader(io.BytesIO(harness.state.file_bytes(pdf.document["file_id"]))).pages
    pdf_text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    arabic = said(language, "language_name", "Arabic")
    for expected in (said(language, "PDF_INTERPRETER")[True], arabic, NOTE[language]):
        assert " ".join(expected.split()) in pdf_text
    assert arabic != "Arabic"  # a listed client language reads in the worker's language

    [table] = [message for message in await wanda.press(export_menu, "CSV") if message.document]
    rows = list(
        csv.reader(
            io.StringIO(harness.state.file_bytes(table.document["file_id"]).decode("utf-8-sig"))
        )
    )
    assert rows[0] == ["date", "type", "author", "summary", "text"]
    assert [row[1] for row in rows[1:]] == ["Client added", "Note"]
    assert rows[-1][4] == NOTE[language]


async def test_long_notes_are_confirmed_in_pages_telegram_accepts_in_every_language(
    harness, language
):
    """The longer wording of a language must still leave each page under 4096 characters:
    a one-liner as long as Telegram lets it be typed, and a draft of two such messages."""
    wanda = await harness.seed_worker(
        701, "Wanda Worker", timezone="Europe/Berlin", language=language
    )
    await harness.seed_client(701, "Maria Gonzalez")
    command = "/note C-0001 " + ONE_LINER[language].split(" ", 2)[2].split(":")[0] + ": "
    await wanda.send(command + "ü" * (4096 - len(command)))
    card = (await wanda.send("/note C-0001"))[-1]
    card = (await wanda.press(card, said(language, "INTERACTION_NAMES")["office"]))[-1]
    await wanda.send("ß" * 4096)
    card = (await wanda.send("é" * 4096))[-1]
    await wanda.press(card, said(language, "SAVE"))
    refused = [call.error for call in harness.state.calls if call.status == 400]
    assert not refused, refused
    async with harness.db.session() as session:
        texts_saved = (await session.execute(select(Note.text).order_by(Note.id))).scalars()
        assert [len(text) for text in texts_saved] == [4096 - len(command), 4096 * 2 + 2]
