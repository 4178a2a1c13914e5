"""Nothing the bot sends bypasses the catalogs.

A test pseudo-locale, `qps`, translates every text of the template into itself between
⟦ and ⟧. The bot speaks it while a worker writes a guided note, schedules an appointment
from a free-text date, opens the day, the week, the caseload, a client's card and
history, the settings and help, and while the clock brings a reminder and the morning
agenda. Then every message, edit, button label and toast the bot sent is read: with the
marked parts, the worker's own data (names, codes, what they typed) and the parts that
are not words (numbers, times, emoji, commands, weekday and month names from Babel's
locale data) taken away, no word may be left. A word spelled the same in two languages
("Plan", "Team") is no false alarm this way, and a text sent around the catalogs is
caught even when it is a single word.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from babel.dates import get_day_names, get_month_names
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from storage.kinds import Role
from tests.harness import buttons, running
from tests.test_quiet_hours_vs_start_of_day import _appointment
from ui import i18n, texts, timefmt

BERLIN = ZoneInfo("Europe/Berlin")
PSEUDO = "qps"
OPEN, CLOSE = "⟦", "⟧"
MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
# Not words: commands, client codes and references, times, numbers, dates' digits.
NOT_WORDS = re.compile(r"/[a-z_]+|\b[CNR]-\d+\b|\bv\d+\b|\d+(:\d+)?")
# Weekday and month names come from Babel's locale data, not from our catalogs: the
# pseudo-locale takes Finnish's, so an English "Mon" written in code is caught too.
CALENDAR_OF_PSEUDO = "fi"
BABEL_WORDS = {
    word
    for names in (
        get_day_names("abbreviated", locale=CALENDAR_OF_PSEUDO),
        get_month_names("abbreviated", locale=CALENDAR_OF_PSEUDO),
    )
    for name in names.values()
    for word in re.findall(r"[^\W\d_]{2,}", name)
}
CLIENTS = ["Maria Gonzalez", "Otto Brandt"]
TYPED_NOTE = "Kitchen tidy, fridge stocked"


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def _pseudo_catalog(directory: Path) -> None:
    with open(i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot", "rb") as handle:
        template = read_po(handle)
    catalog = Catalog(locale="en", domain=i18n.DOMAIN)
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            string: str | tuple[str, ...] = tuple(f"{OPEN}{form}{CLOSE}" for form in message.id)
        else:
            string = f"{OPEN}{message.id}{CLOSE}"
        catalog.add(message.id, string)
    target = directory / PSEUDO / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(target / f"{i18n.DOMAIN}.mo", "wb") as handle:
        write_mo(handle, catalog)


@pytest.fixture
def pseudo_locale(tmp_path, monkeypatch):
    _pseudo_catalog(tmp_path)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    monkeypatch.setitem(timefmt._PATTERNS, PSEUDO, timefmt._PATTERNS["en"])
    english_calendar = i18n.locale_data
    monkeypatch.setattr(
        timefmt,
        "locale_data",
        lambda code: Locale.parse(CALENDAR_OF_PSEUDO) if code == PSEUDO else english_calendar(code),
    )
    i18n.forget_catalogs()
    texts.forget_translations()
    assert i18n.supported(PSEUDO) == PSEUDO
    yield
    monkeypatch.undo()
    i18n.forget_catalogs()
    texts.forget_translations()


def _sent(harness, chat_id: int) -> list[str]:
    """Every text the bot put before this person: messages, edits, captions, button
    labels and toasts."""
    seen = []
    for event in harness.state.events():
        if event.chat_id != chat_id and event.kind != "answer_callback":
            continue
        params = event.params
        for key in ("text", "caption"):
            if params.get(key):
                seen.append(params[key])
        markup = params.get("reply_markup") or {}
        if isinstance(markup, dict):
            for row in markup.get("inline_keyboard", []):
                seen.extend(button["text"] for button in row)
    return seen


def _unmarked_words(text: str, data: list[str]) -> list[str]:
    rest = text
    while MARKED.search(rest):
        rest = MARKED.sub(" ", rest)
    for value in data:
        rest = rest.replace(value, " ")
    rest = NOT_WORDS.sub(" ", re.sub(r"<[^>]+>", " ", rest))
    return [word for word in re.findall(r"[^\W\d_]{2,}", rest) if word not in BABEL_WORDS]


def _leaks(harness, chat_id: int, data: list[str]) -> list[tuple[str, list[str]]]:
    leaks = []
    for text in _sent(harness, chat_id):
        words = _unmarked_words(text, data)
        if words:
            leaks.append((text[:120], words))
    return leaks


def live(person):
    return [message for message in person.messages() if buttons(message)][-1]


async def test_every_text_a_worker_is_sent_comes_from_the_catalogs(
    pseudo_locale, devserver, db, db_url, clock
):
    clock.set(berlin(2026, 3, 2, 10, 0))  # Monday
    async with running(devserver, db, db_url, clock) as harness:
        wanda = await harness.seed_worker(
            701, "Wanda Worker", timezone="Europe/Berlin", language=PSEUDO
        )
        maria = await harness.seed_client(701, CLIENTS[0])
        await harness.seed_client(701, CLIENTS[1])

        # A guided note: client, kind, text, save.
        await wanda.send("/note")
        await wanda.press(live(wanda), CLIENTS[0])
        await wanda.press(live(wanda), "Home visit")
        await wanda.send(TYPED_NOTE)
        await wanda.press(live(wanda), "Save")

        # An appointment from a free-text date.
        await wanda.send("/appt")
        await wanda.press(live(wanda), CLIENTS[1])
        await wanda.send("tomorrow 15:00")
        await wanda.press(live(wanda), "Save")

        for command in ("/today", "/week", "/clients", "/help", "/history C-0001"):
            await wanda.send(command)
        await wanda.send("/client C-0002")
        # Each of the settings' menus.
        for menu in ("Language", "Dates", "Reminder before", "Start of day", "Quiet", "Days off"):
            await wanda.send("/settings")
            await wanda.press(live(wanda), menu)
        await wanda.send("/cancel")

        # A reminder an hour before a visit, then the next morning's agenda.
        await _appointment(harness, 701, maria, berlin(2026, 3, 2, 14, 0))
        clock.set(berlin(2026, 3, 2, 13, 0))
        await harness.tick()
        clock.set(berlin(2026, 3, 3, 8, 0))
        await harness.tick()

        sent = _sent(harness, 701)
        assert any("Good morning" in text for text in sent), "the morning agenda came"
        assert any("⏰" in text or "Reminder" in text for text in sent), "the reminder came"
        # Each language is offered by its own name, in every language.
        endonyms = list(i18n.LANGUAGES.values())
        data = [*CLIENTS, TYPED_NOTE, "Wanda", "Worker", "Europe/Berlin", *endonyms]
        leaks = _leaks(harness, 701, data)
        assert not leaks, f"{len(leaks)} texts bypass the catalogs: {leaks[:8]}"


async def test_the_supervisors_side_and_the_case_record_come_from_the_catalogs(
    pseudo_locale, devserver, db, db_url, clock
):
    clock.set(berlin(2026, 3, 2, 10, 0))
    async with running(devserver, db, db_url, clock) as harness:
        wanda = await harness.seed_worker(701, "Wanda Worker", team="North", language=PSEUDO)
        sue = await harness.seed_worker(
            710, "Sue Supervisor", role=Role.SUPERVISOR, team="North", language=PSEUDO
        )
        maria = await harness.seed_client(701, CLIENTS[0])
        # A visit left open (7:00–8:00, two hours gone): the reminder, and a digest figure.
        await _appointment(harness, 701, maria, berlin(2026, 3, 2, 7, 0))
        await harness.tick()

        # A risk flagged in a note reaches the supervisor.
        ask = await wanda.send("/note C-0001")
        await wanda.press(ask[-1], "Home visit")
        await wanda.send(TYPED_NOTE)
        await wanda.press(wanda.last(), "Risk")
        await wanda.send("Fell twice")
        await wanda.press(wanda.last(), "Save")
        await harness.settle()
        await harness.state.wait_for_events(0, chat_id=710, kinds=["send"], timeout=10)

        # The case record: a plan, a referral, the history, an intake's first steps.
        for command in ("/plan C-0001", "/refer C-0001", "/resources", "/history C-0001"):
            await wanda.send(command)
            await wanda.send("/cancel")
        await wanda.send("/intake Otto Brandt")
        await wanda.press(live(wanda), "Skip")
        await wanda.send("/cancel")

        for command in ("/digest", "/team", "/clients", "/help"):
            await sue.send(command)
        # Every figure of the digest and /team opens its list; a name, the worker's day.
        pressed = {
            (message.message_id, data)
            for message in sue.messages()
            for _, data in buttons(message)
            if data.startswith("dd:")
        }
        assert len(pressed) >= 6, pressed
        for message_id, data in sorted(pressed):
            await sue.press_data(message_id, data)
        assert any("⌛" in text for text in _sent(harness, 701)), "the reminder came"

        data = [*CLIENTS, TYPED_NOTE, "Fell twice", "Wanda Worker", "Sue Supervisor", "North"]
        data += ["Wanda", "Sue"]
        assert _sent(harness, 710), "the supervisor was answered"
        leaks = _leaks(harness, 701, data) + _leaks(harness, 710, data)
        assert not leaks, f"{len(leaks)} texts bypass the catalogs: {leaks[:8]}"


async def test_the_day_to_day_dialogs_come_from_the_catalogs(
    pseudo_locale, devserver, db, db_url, clock
):
    """The visit log, the appointment card's actions, an amendment, a discharge and the
    resource directory, in the pseudo-locale, one button after another."""
    clock.set(berlin(2026, 3, 2, 10, 0))
    async with running(devserver, db, db_url, clock) as harness:
        wanda = await harness.seed_worker(
            701, "Wanda Worker", timezone="Europe/Berlin", language=PSEUDO
        )
        maria = await harness.seed_client(701, CLIENTS[0])
        await harness.seed_client(701, CLIENTS[1])

        async def walk(*steps: str) -> None:
            for step in steps:
                if step.startswith("/") or step.startswith("="):
                    await wanda.send(step.removeprefix("="))
                else:
                    await wanda.press(live(wanda), step)

        await walk("/visit", CLIENTS[0], "1 h", "Save")
        await _appointment(harness, 701, maria, berlin(2026, 3, 3, 9, 0))
        await walk("/today", "/week", CLIENTS[0], "Reschedule", "Cancel")
        await walk("/week", CLIENTS[0], "Cancel visit", "unwell")
        await _appointment(harness, 701, maria, berlin(2026, 3, 2, 9, 0))
        await walk("/today", CLIENTS[0], "No-show", "Undo")
        await walk("/note C-0001 office: " + TYPED_NOTE, "Amend", "=" + TYPED_NOTE, "/cancel")
        await walk("/history C-0002", "Client", "Discharge", "Moved away")
        await walk("/resources", "/cancel", "/week", "/clients C-0002")

        data = [*CLIENTS, TYPED_NOTE, "Wanda", "Worker", *i18n.LANGUAGES.values()]
        leaks = _leaks(harness, 701, data)
        assert not leaks, f"{len(leaks)} texts bypass the catalogs: {leaks[:8]}"
