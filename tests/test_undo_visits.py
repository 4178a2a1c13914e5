"""A way back from a destructive tap (issue 16): 🚫 No-show and a logged visit can be
taken back with ↩ Undo for a minute; after it, the worker is told what to do instead."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.models import Appointment, AuditEvent
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
