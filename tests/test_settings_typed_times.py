"""/settings: quiet hours and times typed as people type them (issue 16), read by the same
time reader as /appt (ui.dates.read_hours, read_clock), through the real stack."""

from __future__ import annotations

from datetime import time

import pytest

from storage.models import Worker
from tests.harness import buttons
from ui import texts
from ui.dates import read_hours


async def _stored(harness, user_id: int) -> Worker:
    worker_id = await harness.worker_id(user_id)
    async with harness.db.session() as session:
        worker = await session.get(Worker, worker_id)
        assert worker is not None
        return worker


async def _type_quiet_hours(wanda) -> None:
    menu = await wanda.send("/settings")
    choices = await wanda.press(menu[0], "Quiet hours")
    prompt = await wanda.press(choices[-1], "Type a time")
    assert prompt[-1].text == texts.SETTINGS_ASK_QUIET


@pytest.mark.parametrize(
    ("typed", "start", "end"),
    [
        ("7pm to 7:30am", time(19, 0), time(7, 30)),
        ("19:00 - 07:30", time(19, 0), time(7, 30)),
        ("22-7", time(22, 0), time(7, 0)),
        ("10pm-6am", time(22, 0), time(6, 0)),
    ],
)
async def test_quiet_hours_typed_as_people_type_them(harness, typed, start, end):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await _type_quiet_hours(wanda)
    menu = await wanda.send(typed)
    assert f"🌙 Quiet hours: {start:%H:%M}–{end:%H:%M}" in menu[-1].text
    worker = await _stored(harness, 701)
    assert (worker.quiet_start, worker.quiet_end) == (start, end)


async def test_quiet_hours_starting_at_10_are_asked_not_guessed(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await _type_quiet_hours(wanda)
    [question] = await wanda.send("10-6")
    assert question.text == texts.SETTINGS_QUIET_WHICH
    assert [label for label, _ in buttons(question)] == ["22:00–06:00", "10:00–06:00"]
    menu = await wanda.press(question, "22:00–06:00")
    assert "🌙 Quiet hours: 22:00–06:00" in menu[-1].text
    worker = await _stored(harness, 701)
    assert (worker.quiet_start, worker.quiet_end) == (time(22, 0), time(6, 0))


async def test_unreadable_quiet_hours_get_the_examples_and_can_be_typed_again(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await _type_quiet_hours(wanda)
    for typed in ("late at night", "22:00", "25:00-07:00"):
        answer = await wanda.send(typed)
        assert answer[-1].text == texts.SETTINGS_BAD_QUIET
    menu = await wanda.send("9pm until 7am")
    assert "🌙 Quiet hours: 21:00–07:00" in menu[-1].text


async def test_start_of_day_typed_with_am_is_read_by_the_same_reader(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    menu = await wanda.send("/settings")
    choices = await wanda.press(menu[0], "Start of day")
    await wanda.press(choices[-1], "Type a time")
    assert (await wanda.send("banana"))[-1].text == texts.SETTINGS_BAD_TIME
    menu = await wanda.send("7:30am")
    assert "07:30" in menu[-1].text
    assert (await _stored(harness, 701)).start_of_day == time(7, 30)


def test_every_example_the_bot_gives_reads_back():
    """The examples are shown with non-breaking hyphens and spaces (one line on a phone);
    copied back, they read."""
    for message in (texts.SETTINGS_ASK_QUIET, texts.SETTINGS_BAD_QUIET):
        examples = message.split("like ")[-1].split("e.g. ")[-1].rstrip(".")
        for example in examples.replace(" or ", ", ").split(", "):
            assert read_hours(example) is not None, example
