"""The intake reads its dates (date of birth, consent until …) with the shared date picker's
reader (conversations.pickers.read_day on ui.dates.parse_when), its own rules passed as
parameters: a year in four digits, a birth date in the past and at most 120 years ago, a
consent that holds beyond today and for at most 10 years, its own words for a day that
doesn't exist. So what the reader understands elsewhere ("24 December 1950", "2 Mar 2027")
is understood here too.
"""

from __future__ import annotations

from datetime import date

from conversations import intake
from conversations.pickers import read_day
from storage.models import Client
from ui import texts

TODAY = date(2026, 3, 2)  # conftest.START


def test_a_birth_date_may_be_written_as_the_reader_reads_dates_anywhere():
    for typed in ("24 December 1950", "Dec 24th 1950", "24/12/1950", "1950-12-24", "24-12-1950"):
        assert intake.read_birth_date(typed, "DMY", TODAY) == date(1950, 12, 24), typed
    assert intake.read_birth_date("12/24/1950", "MDY", TODAY) == date(1950, 12, 24)


def test_the_intakes_rules_are_parameters_of_the_one_reader():
    # A day named without a four-digit year is never guessed for a birth date.
    for typed in ("24/12", "24 dec", "24/12/50", "yesterday"):
        assert intake.read_birth_date(typed, "DMY", TODAY) == texts.bad_date("DMY"), typed
    # A day that doesn't exist, in the intake's words.
    for typed in ("29/2/1951", "31 April 1960", "5/13/1950"):
        assert intake.read_birth_date(typed, "DMY", TODAY) == texts.NO_SUCH_DATE, typed
    assert intake.read_birth_date("1/1/1880", "DMY", TODAY) == texts.TOO_OLD
    # The consent: a written-out date, beyond today, within ten years.
    assert intake.read_expiry("2 Mar 2027", "DMY", TODAY) == date(2027, 3, 2)
    assert intake.read_expiry("2/3/2026", "DMY", TODAY) == texts.EXPIRY_NOT_FUTURE
    assert intake.read_expiry("1/1/2037", "DMY", TODAY) == texts.EXPIRY_TOO_FAR
    # Other dialogs keep the reader's own friendly words.
    assert "There is no 31 February" in str(read_day("31/2", today=TODAY, order="DMY"))


async def test_a_birth_date_written_out_is_saved_through_the_intake(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await wanda.send("/intake Maria Gonzalez")
    await wanda.send("24 December 1950")
    async with harness.db.session() as session:
        client = await session.get(Client, 1)
    assert client.date_of_birth == date(1950, 12, 24)
