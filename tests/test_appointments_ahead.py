"""Every future appointment can be opened (issue 16): /week pages to any week ahead, and
the client card lists the client's upcoming appointments, so a weekly series' later weeks
can be cancelled or moved."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.machinery import AuditEvent
from storage.models import Appointment
from tests.harness import buttons
from ui import texts

BERLIN = ZoneInfo("Europe/Berlin")


async def _weekly_from_tomorrow(wanda) -> None:
    """Every Tuesday at 10:00 from Tue 3 Mar (the clock says Mon 2 Mar 09:00 in Berlin)."""
    ask = await wanda.send("/appt")
    await wanda.press(ask[-1], "C-0001")
    card = await wanda.send("tomorrow 10:00")
    card = await wanda.press(card[-1], "Repeat")
    card = await wanda.press(card[-1], "every week")
    await wanda.press(card[-1], "Save")


async def _on(harness, day: int, month: int = 3) -> Appointment:
    async with harness.db.session() as session:
        rows = (await session.execute(select(Appointment))).scalars().all()
    return next(a for a in rows if a.starts_at.astimezone(BERLIN).timetuple()[1:3] == (month, day))


async def test_an_appointment_three_weeks_ahead_is_opened_from_the_weeks_pages_and_cancelled(
    harness,
):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    await _weekly_from_tomorrow(wanda)
    [week] = await wanda.send("/week")
    assert week.text.startswith(texts.WEEK_TITLE) and "Tue 3 Mar" in week.text
    assert [label for label, _ in buttons(week)][-1] == texts.WEEK_AFTER  # no ◀ before today
    page = week
    for _ in range(3):
        [page] = await wanda.press(page, "Next week")
        assert page.message_id == week.message_id  # paged in place
    assert page.text.startswith("Week Mon 23 Mar – Sun 29 Mar")
    assert "Tue 24 Mar" in page.text and "10:00 · C-0001 Maria Gonzalez" in page.text
    [earlier] = await wanda.press(page, "Week before")
    assert earlier.text.startswith("Week Mon 16 Mar – Sun 22 Mar")
    [page] = await wanda.press(earlier, "Next week")
    [card] = await wanda.press(page, "Tue 10:00")
    assert card.message_id != week.message_id  # below: the week stays to go back to
    assert "Tue 24 Mar 10:00" in card.text and texts.PART_OF_SERIES in card.text
    reasons = await wanda.press(card, "Cancel visit")
    cancelled = await wanda.press(reasons[-1], "Client unwell")
    assert "Cancelled" in cancelled[-1].text
    assert (await _on(harness, 24)).status == "cancelled"
    assert (await _on(harness, 17)).status == "scheduled"
    assert (await _on(harness, 31)).status == "scheduled"
    # The week's look names the week it showed.
    async with harness.db.session() as session:
        looks = (
            (await session.execute(select(AuditEvent).where(AuditEvent.action == "agenda.view")))
            .scalars()
            .all()
        )
    assert looks[-1].detail["from"] == "2026-03-23"


async def test_the_client_card_lists_every_upcoming_appointment_to_open_and_move(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    await _weekly_from_tomorrow(wanda)
    [card] = await wanda.send("/client C-0001")
    labels = [label for label, _ in buttons(card)]
    assert "📅 Tue 3 Mar 10:00 · Home visit 🔁" in labels
    assert "📅 Tue 17 Mar 10:00 · Home visit 🔁" in labels
    assert "📅 Tue 24 Mar 10:00 · Home visit 🔁" not in labels  # three on the card …
    [listing] = await wanda.press(card, texts.ALL_UPCOMING)  # … and all of them below
    assert listing.message_id != card.message_id
    assert "Upcoming · C-0001 · Maria Gonzalez" in listing.text
    labels = [label for label, _ in buttons(listing)]
    assert "Tue 31 Mar 10:00 · Home visit 🔁" in labels  # the 5th week
    assert len(labels) == 9 and labels[-1] == texts.LATER  # 8 a page, and Later ▶
    [later] = await wanda.press(listing, "Later")
    labels = [label for label, _ in buttons(later)]
    assert later.message_id == listing.message_id and labels[0].startswith("Tue 28 Apr")
    assert labels[-2:] == [texts.EARLIER, texts.LATER]  # a year of Tuesdays: more pages
    [listing] = await wanda.press(later, "Earlier")
    [opened] = await wanda.press(listing, "Tue 31 Mar")
    assert "Tue 31 Mar 10:00" in opened.text
    await wanda.press(opened, "Reschedule")
    moved = await wanda.send("wed 1/4 11:00")
    assert "Wed 1 Apr 11:00" in moved[-1].text
    fifth = await _on(harness, 1, 4)
    assert (fifth.status, fifth.starts_at) == ("scheduled", datetime(2026, 4, 1, 9, 0, tzinfo=UTC))


async def test_another_workers_forged_presses_on_a_far_appointment_are_refused(harness):
    await harness.seed_worker(701, "Wanda Worker", team="North")
    sam = await harness.seed_worker(702, "Sam Southern", team="South")
    wanda = harness.person(701, "Wanda")
    client_id = await harness.seed_client(701)
    await _weekly_from_tomorrow(wanda)
    far = await _on(harness, 24)
    [hello] = await sam.send("/week")
    for data in (
        f"ac:open:{far.id}",
        f"ac:show:{far.id}",
        f"ag:up:{client_id}:0",
        f"ag:pg:{client_id}:1",
    ):
        await sam.press_data(hello.message_id, data)
    assert all("Maria" not in m.text for m in sam.messages())
    assert (
        sam.toasts()[-4:]
        == [texts.APPOINTMENT_NOT_SCHEDULED] * 2
        + [texts.client_not_found(f"C-{client_id:04d}")] * 2
    )
    await sam.press_data(hello.message_id, "ag:wk:9999")  # beyond a year: forged
    assert sam.toasts()[-1] == texts.STALE_BUTTON
    refused = await harness.refused_subjects()
    assert refused[-4:] == [far.id, far.id, client_id, client_id]
