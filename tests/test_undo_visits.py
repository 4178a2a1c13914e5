"""A way back from a destructive tap (issue 16): 🚫 No-show and a logged visit can be
taken back with ↩ Undo for a minute; after it, the worker is told what to do instead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage.kinds import Role
from storage.machinery import AuditEvent
from storage.models import Appointment, Client, Note, NoteAmendment
from tests.harness import buttons
from ui import texts


async def _appointments(harness) -> list[Appointment]:
    async with harness.db.session() as session:
        rows = await session.execute(select(Appointment).order_by(Appointment.id))
        return list(rows.scalars())


async def _audit(harness, action: str) -> list[AuditEvent]:
    async with harness.db.session() as session:
        rows = await session.execute(select(AuditEvent).where(AuditEvent.action == action))
        return list(rows.scalars())


async def _booked_card(wanda, typed: str):
    ask = await wanda.send("/appt")
    await wanda.press(ask[-1], "C-0001")
    card = await wanda.send(typed)
    saved = await wanda.press(card[-1], "Save")
    return saved[-1]


def _has(message, label: str) -> bool:
    return any(label in text for text, _ in buttons(message))


# ── 🚫 No-show ─────────────────────────────────────────────────────────────────


async def test_a_no_show_tapped_by_mistake_is_undone_within_the_minute(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    card = await _booked_card(wanda, "today 10:00")
    clock.advance(timedelta(hours=1))
    marked = await wanda.press(card, "No-show")
    assert "Marked as no-show" in marked[-1].text and _has(marked[-1], "Undo")
    assert (await _appointments(harness))[0].status == "no_show"
    clock.advance(timedelta(seconds=50))
    back = await wanda.press(marked[-1], "Undo")
    assert wanda.toasts()[-1] == texts.NO_SHOW_UNDONE_TOAST
    assert "Scheduled" in back[-1].text and _has(back[-1], "Done")
    [appointment] = await _appointments(harness)
    assert (appointment.status, appointment.completed_at) == ("scheduled", None)
    [undone] = await _audit(harness, "appointment.no_show_undone")
    assert undone.subject_id == appointment.id and undone.allowed


async def test_after_the_minute_undo_says_what_to_do_instead(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    card = await _booked_card(wanda, "today 10:00")
    clock.advance(timedelta(hours=1))
    marked = await wanda.press(card, "No-show")
    clock.advance(timedelta(seconds=61))
    await wanda.press(marked[-1], "Undo")
    assert wanda.toasts()[-1] == texts.NO_SHOW_UNDO_TOO_LATE
    assert "/visit" in texts.NO_SHOW_UNDO_TOO_LATE
    assert (await _appointments(harness))[0].status == "no_show"
    assert not _has(wanda.last(), "Undo")  # the button goes once it cannot work
    assert await _audit(harness, "appointment.no_show_undone") == []


async def test_another_teams_forged_no_show_undo_is_refused_and_audited(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker", team="North")
    sam = await harness.seed_worker(702, "Sam Southern", team="South")
    await harness.seed_client(701)
    card = await _booked_card(wanda, "today 10:00")
    clock.advance(timedelta(hours=1))
    await wanda.press(card, "No-show")
    [appointment] = await _appointments(harness)
    hello = await sam.send("/today")
    await sam.press_data(hello[0].message_id, f"ac:undo:{appointment.id}")
    assert sam.toasts()[-1] == texts.APPOINTMENT_NOT_SCHEDULED
    assert all("Maria" not in m.text for m in sam.messages())
    assert (await _appointments(harness))[0].status == "no_show"
    [refused] = [e for e in await _audit(harness, "appointment.no_show_undo")]
    assert (refused.allowed, refused.subject_id) == (False, appointment.id)


# ── a logged visit ─────────────────────────────────────────────────────────────


async def _last_contact(harness, client_id: int) -> datetime | None:
    async with harness.db.session() as session:
        return (await session.get(Client, client_id)).last_contact_at


async def _notes(harness) -> list[Note]:
    async with harness.db.session() as session:
        return list((await session.execute(select(Note).order_by(Note.id))).scalars())


async def _logged_visit(wanda, note: str = "") -> list:
    """/visit for C-0001 two hours ago, with a note when given, saved."""
    ask = await wanda.send("/visit")
    when = await wanda.press(ask[-1], "C-0001")
    card = await wanda.press(when[-1], "2 h ago")
    if note:
        await wanda.press(card[-1], "Note")
        card = await wanda.send(note)
    return await wanda.press(card[-1], "Save")


async def test_every_field_of_a_done_card_is_corrected_then_saved_then_undone(harness, clock):
    """✅ Done, then the time, duration and place corrected on the card: the confirmation
    repeats all of it; ↩ Undo puts the appointment back as planned, withdraws the visit's
    note and gives the client back the last contact they had before."""
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    await wanda.send("/note C-0001 phone: called about meds")  # 09:00 Berlin
    before = await _last_contact(harness, client_id)
    card = await _booked_card(wanda, "today 10:00")
    [planned] = await _appointments(harness)
    clock.advance(timedelta(hours=3))  # 12:00 in Berlin
    visit = await wanda.press(card, "Done")
    assert "Mon 2 Mar 10:00 · 60 min · Home visit" in visit[-1].text
    for label in ("Save", "When", "Duration", "Kind", "Place", "Outcome", "Note"):
        assert _has(visit[-1], label), label
    ask = await wanda.press(visit[-1], "When")
    visit = await wanda.press(ask[-1], "1 h ago")
    visit = await wanda.press(visit[-1], "Duration")
    visit = await wanda.press(visit[-1], "45 min")
    await wanda.press(visit[-1], "Place")
    visit = await wanda.send("Day centre")
    assert "Mon 2 Mar 11:00 · 45 min · Home visit" in visit[-1].text
    assert "Place: Day centre" in visit[-1].text
    await wanda.press(visit[-1], "Note")
    visit = await wanda.send("All well, meds taken.")
    done = await wanda.press(visit[-1], "Save")
    shown = done[-1].text
    assert "Mon 2 Mar 11:00 · 45 min · Home visit · ✅ Completed" in shown
    assert "Place: Day centre" in shown and "All well, meds taken." in shown
    assert _has(done[-1], "Undo") and _has(done[-1], "Amend")
    [appointment] = await _appointments(harness)
    assert (appointment.starts_at, appointment.duration_minutes, appointment.place) == (
        datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
        45,
        "Day centre",
    )
    assert await _last_contact(harness, client_id) == appointment.starts_at

    clock.advance(timedelta(seconds=59))
    back = await wanda.press(done[-1], "Undo")
    assert wanda.toasts()[-1] == texts.VISIT_UNDONE_TOAST
    assert "scheduled again" in back[-1].text and _has(back[-1], "Done")
    [appointment] = await _appointments(harness)
    assert (appointment.status, appointment.completed_at) == ("scheduled", None)
    assert (appointment.starts_at, appointment.duration_minutes, appointment.place) == (
        planned.starts_at,
        60,
        None,
    )
    visit_note = (await _notes(harness))[-1]
    assert visit_note.appointment_id == appointment.id and visit_note.retracted_at is not None
    assert await _last_contact(harness, client_id) == before
    [undone] = await _audit(harness, "visit.undone")
    assert undone.subject_id == appointment.id and undone.allowed


async def test_a_visit_logged_on_its_own_is_withdrawn_by_undo(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    done = await _logged_visit(wanda)
    assert "Mon 2 Mar 07:00 · 60 min · Home visit · ✅ Completed" in done[-1].text
    assert await _last_contact(harness, client_id) is not None
    undone = await wanda.press(done[-1], "Undo")
    assert "withdrawn" in undone[-1].text and "C-0001" in undone[-1].text
    [visit] = await _appointments(harness)
    assert visit.status == "withdrawn"  # kept for the audit trail
    assert await _last_contact(harness, client_id) is None
    today = await wanda.send("/today")
    assert "07:00" not in today[0].text
    await wanda.press(done[-1], "Undo")  # a second tap changes nothing
    assert wanda.toasts()[-1] == texts.VISIT_UNDO_TOO_LATE
    assert len(await _audit(harness, "visit.undone")) == 1


async def test_after_the_minute_a_visit_is_amended_not_undone(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    done = await _logged_visit(wanda, note="Fridge empty.")
    clock.advance(timedelta(seconds=61))
    await wanda.press(done[-1], "Undo")
    assert wanda.toasts()[-1] == texts.VISIT_UNDO_TOO_LATE
    assert "Amend" in texts.VISIT_UNDO_TOO_LATE
    assert not _has(wanda.last(), "Undo") and _has(wanda.last(), "Amend")
    assert (await _appointments(harness))[0].status == "completed"
    ask = await wanda.press(wanda.last(), "Amend")
    assert "Correct the visit" in ask[-1].text and _has(ask[-1], "45 min")
    prompt = await wanda.press(ask[-1], "Correct its note")
    assert "Amending note N-1" in prompt[-1].text
    shown = await wanda.send("It lasted 45 minutes, not 60.")
    assert "Fridge empty." in shown[-1].text and "Amendment by Wanda Worker" in shown[-1].text
    [note] = await _notes(harness)
    assert note.text == "Fridge empty." and note.retracted_at is None
    async with harness.db.session() as session:
        [amendment] = (await session.execute(select(NoteAmendment))).scalars().all()
    assert amendment.text == "It lasted 45 minutes, not 60." and amendment.created_at == clock.now()


async def test_a_visits_duration_is_corrected_after_and_the_first_is_kept(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    done = await _logged_visit(wanda)
    clock.advance(timedelta(hours=1))
    ask = await wanda.press(done[-1], "Amend")
    assert "(60 min)" in ask[-1].text and not _has(ask[-1], "Correct its note")
    fixed = await wanda.press(ask[-1], "45 min")
    assert wanda.toasts()[-1] == texts.VISIT_DURATION_AMENDED_TOAST
    assert "now lasts 45 min" in fixed[-1].text
    [visit] = await _appointments(harness)
    assert (visit.status, visit.duration_minutes) == ("completed", 45)
    [amended] = await _audit(harness, "visit.amend")
    assert amended.detail == {"duration": {"from": 60, "to": 45}}
    assert (amended.actor_worker_id, amended.at) == (await harness.worker_id(701), clock.now())
    # A visit taken back takes no correction.
    again = await _logged_visit(wanda)
    await wanda.press(again[-1], "Undo")
    await wanda.press(again[-1], "Amend")
    assert wanda.toasts()[-1] == texts.VISIT_TAKEN_BACK


async def test_someone_elses_undo_of_a_visit_is_refused_and_audited(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker", team="North")
    sue = await harness.seed_worker(703, "Sue Lead", role=Role.SUPERVISOR, team="North")
    sam = await harness.seed_worker(702, "Sam Southern", team="South")
    await harness.seed_client(701)
    await _logged_visit(wanda, note="Fridge empty.")
    [visit] = await _appointments(harness)
    for person in (sue, sam):  # sees the client but did not log it; sees nothing
        hello = await person.send("/today")
        for action in ("undo", "amend", "dur"):
            arg = f"{visit.id}:45" if action == "dur" else visit.id
            await person.press_data(hello[0].message_id, f"vu:{action}:{arg}")
            assert person.toasts()[-1] == texts.NOT_ALLOWED
        assert all("Maria" not in m.text for m in person.messages())
    [visit] = await _appointments(harness)
    assert (visit.status, visit.duration_minutes) == ("completed", 60)
    assert (await _notes(harness))[0].retracted_at is None
    for action in ("visit.undo", "visit.amend"):
        refused = await _audit(harness, action)
        assert {(e.allowed, e.subject_id) for e in refused} == {(False, visit.id)}
    assert len(await _audit(harness, "visit.amend")) == 4
