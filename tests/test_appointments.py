"""Scheduling, agenda, visits: a worker's day, in their own time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.machinery import AuditEvent
from storage.models import Appointment, Client, Note
from tests.harness import buttons
from ui import texts


async def _appointments(harness) -> list[Appointment]:
    async with harness.db.session() as session:
        rows = await session.execute(select(Appointment).order_by(Appointment.starts_at))
        return list(rows.scalars())


async def _schedule(wanda, typed: str) -> list:
    ask = await wanda.send("/appt")
    await wanda.press(ask[-1], "C-0001")
    return await wanda.send(typed)


async def test_schedule_by_buttons_tomorrow_at_three(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    ask = await wanda.send("/appt")
    days = await wanda.press(ask[-1], "C-0001")
    times = await wanda.press(days[-1], "Tomorrow")
    card = await wanda.press(times[-1], "15:00")
    assert "Tue 3 Mar 15:00 · 60 min · Home visit" in card[-1].text
    saved = await wanda.press(card[-1], "Save")
    assert "Scheduled" in saved[-1].text
    [appointment] = await _appointments(harness)
    # 15:00 in Berlin (UTC+1 in March before the change) is 14:00 UTC.
    assert appointment.starts_at == datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
    assert appointment.status == "scheduled"


async def test_typed_phrases_in_the_workers_zone(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker", timezone="America/New_York")
    await harness.seed_client(701)
    card = await _schedule(wanda, "tomorrow 3pm")
    assert "Tue 3 Mar 15:00" in card[-1].text
    await wanda.press(card[-1], "Save")
    [appointment] = await _appointments(harness)
    assert appointment.starts_at == datetime(2026, 3, 3, 20, 0, tzinfo=UTC)  # EST = UTC-5


async def test_impossible_date_gets_a_question_not_a_guess(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    reply = await _schedule(wanda, "31/2 10:00")
    assert "31" in reply[-1].text and "Save" not in str(buttons(reply[-1]))
    assert await _appointments(harness) == []


async def test_a_past_time_asks_for_confirmation(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    question = await _schedule(wanda, "today 7:00")
    assert "in the past" in question[-1].text
    card = await wanda.press(question[-1], "Yes")
    assert "Mon 2 Mar 07:00" in card[-1].text


async def test_weekly_10_oclock_stays_10_across_the_dst_change(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    card = await _schedule(wanda, "2026-03-23 10:00")
    card = await wanda.press(card[-1], "Repeat")
    card = await wanda.press(card[-1], "every week")
    assert "every week" in card[-1].text
    await wanda.press(card[-1], "Save")
    rows = await _appointments(harness)
    berlin = [row.starts_at.astimezone(ZoneInfo("Europe/Berlin")) for row in rows[:3]]
    assert [(d.month, d.day, d.hour) for d in berlin] == [(3, 23, 10), (3, 30, 10), (4, 6, 10)]
    assert rows[0].starts_at.hour == 9 and rows[1].starts_at.hour == 8  # UTC moved, local did not
    assert len(rows) == 50  # a year ahead, from Mar 23 up to Mar 2 next year


async def test_today_and_week_show_local_times_and_cards(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    card = await _schedule(wanda, "today 14:30")
    await wanda.press(card[-1], "Save")
    card = await _schedule(wanda, "thursday 9:00")
    await wanda.press(card[-1], "Save")
    today = await wanda.send("/today")
    assert "14:30 · C-0001 Maria Gonzalez · Home visit, 60 min" in today[0].text
    assert "09:00" not in today[0].text
    week = await wanda.send("/week")
    assert "Thu 5 Mar" in week[0].text and "09:00 · C-0001" in week[0].text
    opened = await wanda.press(week[0], "Mon 14:30")
    # Below the list, which stays to go back to (issue 16: the card replaced it).
    assert opened[0].message_id != week[0].message_id and "Appointment" in opened[0].text
    assert "Thu 5 Mar" in wanda.messages()[-2].text


async def test_done_opens_the_visit_log_prefilled_and_moves_last_contact(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    card = await _schedule(wanda, "today 10:00")
    saved = await wanda.press(card[-1], "Save")
    clock.advance(timedelta(hours=2))
    visit = await wanda.press(saved[-1], "Done")
    assert "Mon 2 Mar 10:00 · 60 min · Home visit" in visit[-1].text
    prompt = await wanda.press(visit[-1], "Note")
    card = await wanda.send("All well, meds taken.")
    done = await wanda.press(card[-1], "Save")
    assert "Visit logged" in done[-1].text
    # It repeats what was saved: time, duration, kind, outcome and the note (issue 16).
    assert "Mon 2 Mar 10:00 · 60 min · Home visit · ✅ Completed" in done[-1].text
    assert "All well, meds taken." in done[-1].text
    [appointment] = await _appointments(harness)
    assert appointment.status == "completed"
    async with harness.db.session() as session:
        client = await session.get(Client, client_id)
        [note] = (await session.execute(select(Note))).scalars().all()
    assert client.last_contact_at == appointment.starts_at
    assert (note.text, note.appointment_id) == ("All well, meds taken.", appointment.id)
    _ = prompt


async def test_log_a_visit_that_happened(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    ask = await wanda.send("/visit")
    when = await wanda.press(ask[-1], "C-0001")
    card = await wanda.press(when[-1], "2 h ago")
    card = await wanda.press(card[-1], "Outcome")
    card = await wanda.press(card[-1], "No-show")
    await wanda.press(card[-1], "Save")
    [visit] = await _appointments(harness)
    assert visit.status == "no_show"
    async with harness.db.session() as session:
        assert (await session.get(Client, client_id)).last_contact_at is None


async def test_a_visit_for_a_client_moved_away_meanwhile_is_refused_and_nothing_saved(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker", team="North")
    await harness.seed_worker(702, "Sam Southern", team="South")
    client_id = await harness.seed_client(701)
    ask = await wanda.send("/visit")
    when = await wanda.press(ask[-1], "C-0001")
    card = await wanda.press(when[-1], "2 h ago")
    await harness.move_client(client_id, 702)
    await wanda.press(card[-1], "Save")
    assert wanda.toasts()[-1] == texts.CLIENT_GONE
    assert await _appointments(harness) == []


async def test_an_appointment_for_a_client_moved_away_meanwhile_is_refused(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker", team="North")
    await harness.seed_worker(702, "Sam Southern", team="South")
    client_id = await harness.seed_client(701)
    card = await _schedule(wanda, "tomorrow 11:00")
    await harness.move_client(client_id, 702)
    await wanda.press(card[-1], "Save")
    assert wanda.toasts()[-1] == texts.CLIENT_GONE
    assert await _appointments(harness) == []


async def test_rescheduling_an_appointment_cancelled_meanwhile_is_refused(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    card = await _schedule(wanda, "tomorrow 11:00")
    saved = await wanda.press(card[-1], "Save")
    await wanda.press(saved[-1], "Reschedule")
    async with harness.db.session() as session:
        (await session.get(Appointment, 1)).status = "cancelled"
    refused = await wanda.send("wed 16:00")
    assert refused[-1].text == texts.APPOINTMENT_NOT_SCHEDULED
    [appointment] = await _appointments(harness)
    assert appointment.starts_at == datetime(2026, 3, 3, 10, 0, tzinfo=UTC)  # not moved


async def test_cancel_with_reason_then_an_old_card_button_is_refused(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    card = await _schedule(wanda, "tomorrow 11:00")
    saved = await wanda.press(card[-1], "Save")
    reasons = await wanda.press(saved[-1], "Cancel visit")
    cancelled = await wanda.press(reasons[-1], "Client unwell")
    assert "Cancelled" in cancelled[-1].text and "Client unwell" in cancelled[-1].text
    [appointment] = await _appointments(harness)
    assert (appointment.status, appointment.cancel_reason) == ("cancelled", "Client unwell")
    # The same card as it looked before, pressed again (e.g. from another device):
    await wanda.press_data(saved[-1].message_id, f"ac:done:{appointment.id}")
    await wanda.press_data(saved[-1].message_id, f"ac:noshow:{appointment.id}")
    await wanda.press_data(saved[-1].message_id, f"ac:move:{appointment.id}")
    assert wanda.toasts()[-3:] == [texts.APPOINTMENT_NOT_SCHEDULED] * 3
    assert (await _appointments(harness))[0].status == "cancelled"


async def test_reschedule_moves_one_appointment(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    card = await _schedule(wanda, "tomorrow 11:00")
    saved = await wanda.press(card[-1], "Save")
    ask = await wanda.press(saved[-1], "Reschedule")
    moved = await wanda.send("wed 16:00")
    assert "Wed 4 Mar 16:00" in moved[-1].text
    [appointment] = await _appointments(harness)
    assert appointment.starts_at == datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
    _ = ask


async def test_another_workers_appointment_cannot_be_touched(harness):
    await harness.seed_worker(701, "Wanda Worker", team="North")
    sam = await harness.seed_worker(702, "Sam Southern", team="South")
    wanda = harness.person(701, "Wanda")
    await harness.seed_client(701)
    card = await _schedule(wanda, "tomorrow 11:00")
    await wanda.press(card[-1], "Save")
    [appointment] = await _appointments(harness)
    hello = await sam.send("/today")
    for action in ("open", "done", "noshow", "move", "cancel"):
        await sam.press_data(hello[0].message_id, f"ac:{action}:{appointment.id}")
    assert all("Maria" not in m.text for m in sam.messages())
    assert (await _appointments(harness))[0].status == "scheduled"
    async with harness.db.session() as session:
        refused = (
            (await session.execute(select(AuditEvent).where(AuditEvent.allowed.is_(False))))
            .scalars()
            .all()
        )
    assert len(refused) >= 3


async def test_a_date_that_rolled_into_next_year_shows_its_year(harness, clock):
    """Issue 16: "3/12" typed on 6 December was taken for 3 December of next year without
    a question, and the card said "Fri 3 Dec" as if it were this week's."""
    from datetime import UTC, datetime

    clock.set(datetime(2026, 12, 6, 9, 0, tzinfo=UTC))
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    [question] = await _schedule(wanda, "3/12 10:00")  # passed lately: asked, not assumed
    assert "3 Dec has passed this year. Do you mean 3 Dec 2027?" in question.text
    card = await wanda.press(question, "2027")
    assert "Fri 3 Dec 2027 10:00" in card[-1].text
    await wanda.send("/cancel")
    card = await _schedule(wanda, "8/12 10:00")  # this year's: no year shown
    assert "Tue 8 Dec 10:00" in card[-1].text


# ── correcting the draft card (issue 16) ──────────────────────────────────────


async def test_changing_the_time_on_the_draft_card_saves_the_changed_time(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    card = await _schedule(wanda, "tomorrow 15:00")
    times = await wanda.press(card[-1], "🕒 Time")
    assert times[-1].message_id == card[-1].message_id  # the card asks, in place
    back = await wanda.press(times[-1], "Back")
    assert "Tue 3 Mar 15:00" in back[-1].text  # ◀ Back: the card as it was
    times = await wanda.press(back[-1], "🕒 Time")
    card = await wanda.press(times[-1], "10:00")
    assert "Tue 3 Mar 10:00 · 60 min · Home visit" in card[-1].text
    await wanda.press(card[-1], "Save")
    [appointment] = await _appointments(harness)
    assert appointment.starts_at == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # 10:00 Berlin


async def test_changing_the_day_on_the_draft_card_keeps_its_time(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    card = await _schedule(wanda, "tomorrow 15:00")
    card = await wanda.press(card[-1], "Duration")
    card = await wanda.press(card[-1], "30 min")
    days = await wanda.press(card[-1], "📅 Day")
    card = await wanda.press(days[-1], "Fri 6 Mar")
    assert "Fri 6 Mar 15:00 · 30 min" in card[-1].text  # the time and duration stay
    await wanda.press(card[-1], "Save")
    [appointment] = await _appointments(harness)
    assert appointment.starts_at == datetime(2026, 3, 6, 14, 0, tzinfo=UTC)
    assert appointment.duration_minutes == 30


async def test_typing_a_date_or_time_at_the_card_step_changes_it(harness):
    """Issue 16: typing a new date at the card got “Please use the buttons above”."""
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    card = await _schedule(wanda, "tomorrow 15:00")
    card = older = await wanda.send("thu")  # a day alone: the time stays
    assert "Thu 5 Mar 15:00" in card[-1].text and "Save" in str(buttons(card[-1]))
    card = await wanda.send("16:30")  # a time alone: the day stays
    assert "Thu 5 Mar 16:30" in card[-1].text
    card = await wanda.send("fri 9:30")
    assert "Fri 6 Mar 09:30" in card[-1].text
    card = await wanda.send("3")  # a bare hour on the card's day: the daytime rule
    assert "Fri 6 Mar 15:00" in card[-1].text
    wrong = await wanda.send("at the office")
    assert "couldn't read" in wrong[-1].text and "tap the card's buttons" in wrong[-1].text
    redrawn = await wanda.press(older[-1], "Save")  # an older card: nothing saved …
    assert wanda.toasts()[-1] == texts.CARD_OUTDATED and await _appointments(harness) == []
    assert "Fri 6 Mar 15:00" in redrawn[-1].text  # … it shows the draft as it stands
    await wanda.press(redrawn[-1], "Save")
    [appointment] = await _appointments(harness)
    local = appointment.starts_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.day, local.hour) == (6, 15)


async def test_on_a_sunday_the_day_buttons_are_the_next_seven_days(harness, clock):
    """Issue 16: on a Sunday the day buttons stopped at Thursday."""
    clock.set(datetime(2026, 3, 8, 8, 10, tzinfo=UTC))  # Sun 8 Mar, 09:10 in Berlin
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    ask = await wanda.send("/appt")
    days = await wanda.press(ask[-1], "C-0001")
    labels = [label for label, _ in buttons(days[-1])]
    assert labels == [
        "Today",
        "Tomorrow",
        "Tue 10 Mar",
        "Wed 11 Mar",
        "Thu 12 Mar",
        "Fri 13 Mar",
        "Sat 14 Mar",
        texts.CANCEL,
    ]
    times = await wanda.press(days[-1], "Sat 14 Mar")
    card = await wanda.press(times[-1], "11:00")
    assert "Sat 14 Mar 11:00" in card[-1].text


async def test_dates_as_people_type_them(harness):
    """Issue 16: a slip, "930" after a day, a part of the day and a clock phrase are read;
    Monday 2 March 2026, 09:00 in Berlin."""
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    for typed, shown in [
        ("fridya 930", "Fri 6 Mar 09:30"),
        ("tomorrow morning 9", "Tue 3 Mar 09:00"),
        ("half past three", "Mon 2 Mar 15:30"),
        ("wendesday afternoon 2", "Wed 4 Mar 14:00"),
    ]:
        card = await _schedule(wanda, typed)
        assert shown in card[-1].text, typed
        await wanda.send("/cancel")


async def test_next_week_asks_the_day_then_the_time(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    [question] = await _schedule(wanda, "next week")
    assert question.text == "Which day next week? Tap one below."
    labels = [label for label, _ in buttons(question)]
    assert labels == [
        f"{day} {n} Mar"
        for day, n in zip(
            ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), range(9, 16), strict=True
        )
    ]
    times = await wanda.press(question, "Wed 11 Mar")
    assert "Wed 11 Mar: at what time?" in times[-1].text
    card = await wanda.press(times[-1], "10:00")
    assert "Wed 11 Mar 10:00" in card[-1].text
    await wanda.press(card[-1], "Save")
    [appointment] = await _appointments(harness)
    assert appointment.starts_at == datetime(2026, 3, 11, 9, 0, tzinfo=UTC)


async def test_next_monday_on_a_sunday_is_asked(harness, clock):
    """Issue 16: "next monday" typed on a Sunday was taken for tomorrow without a word."""
    clock.set(datetime(2026, 12, 6, 9, 0, tzinfo=UTC))
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    [question] = await _schedule(wanda, "next monday")
    assert question.text == "Mon 7 Dec or Mon 14 Dec?"
    times = await wanda.press(question, "Mon 14 Dec")
    card = await wanda.press(times[-1], "09:00")
    assert "Mon 14 Dec 09:00" in card[-1].text


async def test_a_day_asked_without_a_time_asks_the_time_not_midnight(harness, clock):
    """The reader's question about a day ("3/12" on 6 December: next year's?) offers the
    day; pressing it asks the time instead of scheduling at 00:00."""
    clock.set(datetime(2026, 12, 6, 9, 0, tzinfo=UTC))
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    [question] = await _schedule(wanda, "3/12")
    assert [label for label, _ in buttons(question)] == ["Fri 3 Dec 2027"]
    times = await wanda.press(question, "Fri 3 Dec 2027")
    assert "at what time?" in times[-1].text
    assert await _appointments(harness) == []


async def test_next_week_typed_at_the_card_asks_the_day_and_keeps_the_cards_time(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    await _schedule(wanda, "tomorrow 15:00")
    [question] = await wanda.send("next week")
    assert question.text == "Which day next week? Tap one below."
    card = await wanda.press(question, "Wed 11 Mar")
    assert "Wed 11 Mar 15:00" in card[-1].text
    await wanda.press(card[-1], "Save")
    [appointment] = await _appointments(harness)
    assert appointment.starts_at == datetime(2026, 3, 11, 14, 0, tzinfo=UTC)
