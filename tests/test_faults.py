"""Telegram having a bad day, and a bot killed at the worst moment.

The local Bot API server answers 429 with retry_after, 500 and 502, stalls, drops
connections and delivers an update twice. What must hold: nothing saved is lost,
nothing is processed twice, reminders go out exactly once, and the bot keeps serving
every other chat. The interactive reply path has no retry of its own (the sending
budget, on in production, waits out a 429): a 5xx on a reply costs the worker that one
reply, and the next message works.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from storage import appointments as appointment_store
from storage import clients as client_store
from storage import migrate
from storage.db import Database
from storage.kinds import InteractionType, Program, Role
from storage.machinery import AuditEvent, OutboxMessage
from storage.models import Appointment, Client, Note, NoteAmendment
from storage.workers import create_worker
from tests.databases import fresh_database_url
from tests.harness import TOKEN, BotHarness, button_data, buttons, running
from tests.test_restart import BotProcess
from ui import texts

BERLIN = ZoneInfo("Europe/Berlin")
WANDA, WILL = 701, 704


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


async def _two_workers(harness):
    wanda = await harness.seed_worker(WANDA, "Wanda Worker", team="North")
    will = await harness.seed_worker(WILL, "Will Colleague", team="North")
    await harness.seed_client(WANDA, "Maria Gonzalez")  # C-0001
    await harness.seed_client(WILL, "Ben Okafor")  # C-0002
    return wanda, will


async def _notes(harness) -> list[Note]:
    async with harness.db.session() as session:
        return list((await session.execute(select(Note).order_by(Note.id))).scalars())


def _refused_by_telegram(harness) -> list:
    """Calls the local server refused as Telegram would (not the faults we injected, and
    not "message is not modified", which the bot expects and handles)."""
    return [
        call
        for call in harness.state.calls
        if call.status == 400 and "not modified" not in (call.error or "")
    ]


async def _compose(wanda, text: str = "Pantry empty.") -> list:
    await wanda.send("/note C-0001")
    await wanda.press(wanda.last(), "Home visit")
    return await wanda.send(text)


# ── the interactive path ───────────────────────────────────────────────────────


async def test_a_slow_answer_for_one_worker_does_not_hold_up_another(harness):
    wanda, will = await _two_workers(harness)
    card = await _compose(wanda)
    state = harness.state
    state.inject_fault("answerCallbackQuery", count=1, delay=3.0)
    wanda.fake.press(card[-1].message_id, button_data(card[-1], "Save"))
    await _until_stalled(state)
    seq = state.last_seq
    will.fake.send_text("/note C-0002 phone: booked the GP")
    [reply] = await state.wait_for_events(seq, chat_id=WILL, kinds="send", timeout=30)
    # Order, not a stopwatch: Will was answered while Wanda's call was still stalled.
    assert not [e for e in state.events(WANDA) if e.seq > seq and e.kind == "answer_callback"]
    assert "saved" in reply.params["text"]
    await harness.settle()
    assert "Note N-1 saved" in wanda.messages()[-1].text
    assert [(n.client_id, n.text) for n in await _notes(harness)] == [
        (1, "Pantry empty."),
        (2, "booked the GP"),
    ]


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 500},
        {"status": 502},
        {"drop_connection": True},
        {"status": 429, "retry_after": 1},
    ],
    ids=["500", "502", "dropped", "429"],
)
async def test_a_failed_reply_is_tried_again_and_costs_nothing(harness, errors, fault):
    """Three steps of a note each meet one failure from Telegram. Each step is committed
    before its answer goes out, so the answer is tried once more and arrives: Wanda does
    nothing twice, nothing she typed is lost, and Will is served between every step."""
    wanda, will = await _two_workers(harness)
    state = harness.state
    served = 0

    async def will_is_served() -> None:
        nonlocal served
        reply = await will.send(f"/note C-0002 phone: call {served}")
        assert reply and "saved" in reply[0].text
        served += 1

    state.inject_fault("sendMessage", count=1, **fault)
    kinds = await wanda.send("/note C-0001")
    assert "What kind of contact" in kinds[-1].text
    await will_is_served()
    state.inject_fault("answerCallbackQuery", count=1, **fault)
    card = await wanda.press(kinds[-1], "Home visit")
    assert texts.NOTE_TYPE_IT in card[-1].text
    await will_is_served()
    state.inject_fault("sendMessage", count=1, **fault)
    assert "Pantry empty." in (await wanda.send("Pantry empty."))[-1].text
    await will_is_served()
    card = await wanda.send("Second part.")
    assert "Pantry empty." in card[-1].text and "Second part." in card[-1].text
    await wanda.press(card[-1], "Save")
    await will_is_served()
    mine = [n.text for n in await _notes(harness) if n.client_id == 1]
    assert mine == ["Pantry empty.\n\nSecond part."]
    assert served == 4
    assert not _refused_by_telegram(harness)
    assert errors.failed_updates() == 0
    assert not [m for m in wanda.messages() if m.text == texts.ERROR]


async def test_a_lost_save_confirmation_leaves_the_dialog_usable(harness, errors):
    """The note is saved, then Telegram fails the answer to the Save press. The bot
    tries the confirmation once more; the dialog is over either way, so what Wanda types
    next is not swallowed by a dialog whose draft is gone."""
    wanda, _ = await _two_workers(harness)
    card = await _compose(wanda)
    harness.state.inject_fault("answerCallbackQuery", count=1, status=500)
    await wanda.press(card[-1], "Save")
    assert len(await _notes(harness)) == 1
    shown = next(m for m in wanda.messages() if m.message_id == card[-1].message_id)
    assert "Note N-1 saved" in shown.text
    for _ in range(2):
        reply = await wanda.send("Forgot: she asked about the food bank.")
        assert reply and texts.ERROR not in reply[-1].text, "every message now fails"
    await wanda.press_data(card[-1].message_id, button_data(card[-1], "Save"))  # replayed
    assert [n.text for n in await _notes(harness)] == ["Pantry empty."]
    assert not errors.failed_updates()


async def test_a_lost_confirmation_does_not_ask_for_the_note_again(harness, errors):
    """A one-line note is saved, then Telegram fails the confirmation. The bot's apology
    says "please try that step again" — which would save the note twice."""
    wanda, _ = await _two_workers(harness)
    harness.state.inject_fault("sendMessage", count=1, status=502)
    await wanda.send("/note C-0001 phone: pharmacy delivers on Friday")
    assert len(await _notes(harness)) == 1
    told = " ".join(m.text for m in wanda.messages())
    assert texts.ERROR not in told, "the worker is asked to redo what is already saved"


async def test_a_429_on_a_reply_is_waited_out_in_the_production_setup(
    devserver, db, db_url, clock, errors
):
    harness = BotHarness(server=devserver, db=db, db_url=db_url, clock=clock, rate_limiter=True)
    await harness.start()
    try:
        wanda, _ = await _two_workers(harness)
        harness.state.inject_fault("sendMessage", count=2, status=429, retry_after=1)
        started = time.monotonic()
        reply = await wanda.send("/note C-0001 phone: all well")
        assert reply and "Note N-1 saved" in reply[0].text
        assert time.monotonic() - started >= 2.0  # two retry_after waits, then delivered
        assert harness.state.stats["429"] == 2
        assert not errors.records
    finally:
        await harness.stop()


# ── updates delivered twice, polling that fails ────────────────────────────────


async def test_updates_delivered_twice_change_nothing_twice(harness):
    wanda, _ = await _two_workers(harness)
    state = harness.state
    card = await _compose(wanda)
    state.duplicate_next_update()
    await wanda.press(card[-1], "Save")
    state.duplicate_next_update()
    saved = await wanda.send("/note C-0001 office: brought the forms")
    state.duplicate_next_update()
    await wanda.press(saved[0], "Undo")
    first = next(m for m in wanda.messages() if "Note N-1 saved" in m.text)
    amend = await wanda.press(first, "Amend")
    assert "Amending note N-1" in amend[-1].text
    state.duplicate_next_update()
    await wanda.send("It was the pantry, not the fridge.")
    await wanda.send("/appt C-0001")
    await wanda.press(wanda.last(), "Tomorrow")
    card = await wanda.press(wanda.last(), "10:00")
    state.duplicate_next_update()
    await wanda.press(card[-1], "Save")
    async with harness.db.session() as session:
        notes = (await session.execute(select(Note.text, Note.retracted_at))).all()
        amendments = (await session.execute(select(func.count(NoteAmendment.id)))).scalar_one()
        appointments = (await session.execute(select(func.count(Appointment.id)))).scalar_one()
        retractions = (
            await session.execute(
                select(func.count(AuditEvent.id)).where(AuditEvent.action == "note.retract")
            )
        ).scalar_one()
    assert [(text, retracted is not None) for text, retracted in notes] == [
        ("Pantry empty.", False),
        ("brought the forms", True),
    ]
    assert (amendments, appointments, retractions) == (1, 1, 1)
    assert len([t for t in wanda.toasts() if t == texts.NOTE_SAVED_TOAST]) == 1


async def test_polling_rides_out_failed_dropped_and_limited_get_updates(harness, errors):
    wanda, _ = await _two_workers(harness)
    state = harness.state
    await state.wait_for_long_poll()
    state.inject_fault("getUpdates", count=1, status=502)
    state.inject_fault("getUpdates", count=1, drop_connection=True)
    state.inject_fault("getUpdates", count=1, status=429, retry_after=1)
    seq = state.last_seq
    for number in range(3):
        wanda.fake.send_text(f"/note C-0001 phone: call {number}")
    await state.wait_for_events(seq, count=3, chat_id=WANDA, kinds="send", timeout=30)
    await harness.settle()
    assert [n.text for n in await _notes(harness)] == ["call 0", "call 1", "call 2"]
    assert state.stats["502"] + state.stats["0"] + state.stats["429"] == 3
    assert not errors.failed_updates()


# ── the reminder drain ─────────────────────────────────────────────────────────


async def _home_visit_at_ten(harness, user_id: int, client_id: int) -> None:
    """A home visit at 10:00 Berlin on 3 March for the worker with Telegram id `user_id`."""
    worker_id = await harness.worker_id(user_id)
    async with harness.db.session() as session:
        await appointment_store.schedule(
            session,
            client=await session.get(Client, client_id),
            worker_id=worker_id,
            starts_at=berlin(2026, 3, 3, 10, 0),
            duration_minutes=60,
            kind=InteractionType.HOME_VISIT,
            zone=BERLIN,
            now=harness.clock.now(),
        )


async def test_a_storm_of_faults_during_a_reminder_drain_sends_each_reminder_once(
    harness, clock, errors
):
    """Eight workers, a reminder and a morning agenda each. Telegram answers 429, 500,
    502, drops connections and stalls while they go out; Will keeps using his caseload."""
    clock.set(berlin(2026, 3, 3, 9, 0))
    people = [await harness.seed_worker(800 + n, f"Worker {n}") for n in range(8)]
    will = await harness.seed_worker(WILL, "Will Colleague")
    await harness.seed_client(WILL, "Ben Okafor")
    for person in people:
        client_id = await harness.seed_client(person.user_id, f"Client of {person.first_name}")
        await _home_visit_at_ten(harness, person.user_id, client_id)
    listing = await will.send("/clients")
    state = harness.state
    injected = [
        {"status": 429, "retry_after": 1},
        {"status": 500},
        {"status": 502},
        {"drop_connection": True},
        {"status": 500},
        {"delay": 1.0},
        {"drop_connection": True},
        {"status": 502},
        {"delay": 0.5},
    ]
    for fault in injected:
        state.inject_fault("sendMessage", count=1, **fault)
    drain = asyncio.create_task(harness.application.bot_data["services"].reminders.tick())
    for _ in range(3):  # Will pages his caseload while the drain runs (edits, not sends)
        await will.press_data(listing[0].message_id, "cl:o:9")
        await will.press_data(listing[0].message_id, "cl:p:0")
    await drain
    for _ in range(10):
        async with harness.db.session() as session:
            pending = (
                await session.execute(
                    select(func.count(OutboxMessage.id)).where(
                        OutboxMessage.status.in_(["pending", "sending"])
                    )
                )
            ).scalar_one()
        if not pending:
            break
        clock.advance(timedelta(seconds=30))  # past every backoff
        await harness.tick()
    assert not pending
    for person in people:
        texts_seen = [m.text for m in person.messages()]
        assert len([t for t in texts_seen if t.startswith("⏰")]) == 1, texts_seen
        assert len([t for t in texts_seen if "Good morning" in t]) == 1, texts_seen
    faulted = [c for c in state.calls if c.method == "sendMessage" and c.status != 200]
    assert len(faulted) == 7  # the two stalls were slow, not failed
    assert len(will.toasts()) == 6
    assert not errors.failed_updates()


async def test_a_send_that_timed_out_after_telegram_took_it_is_sent_again(
    devserver, db, db_url, clock, backend
):
    """At least once, by design: our side gave up after the send timeout, Telegram
    delivered it a moment later. The reminder is not lost — the worker gets it twice.
    (The README names this case; the production timeout is 20 s, here 1 s.)"""
    if backend != "sqlite":
        pytest.skip("about Telegram's side only; one database is enough")
    async with running(devserver, db, db_url, clock, CASELINE_SEND_TIMEOUT_SECONDS="1") as harness:
        clock.set(berlin(2026, 3, 3, 9, 0))
        wanda, _ = await _two_workers(harness)
        await _home_visit_at_ten(harness, WANDA, 1)
        async with harness.db.session() as session:
            # No agenda: one message only.
            (await session.get(Client, 1)).last_contact_at = clock.now()
        before = harness.state.last_seq
        harness.state.inject_fault("sendMessage", count=1, delay=2.0)
        await harness.tick()
        # The stalled call lands at Telegram after our side gave up on it; the agenda, sent
        # while it stalled (nothing holds a chat's next message back), is the other send.
        await harness.state.wait_for_events(
            before, count=2, chat_id=WANDA, kinds="send", timeout=10
        )
        clock.advance(timedelta(seconds=30))
        await harness.tick()
        reminders = [m for m in wanda.messages() if m.text.startswith("⏰")]
        assert len(reminders) == 2


# ── a real process, killed between saving and saying so ────────────────────────


async def test_save_pressed_again_after_a_crash_does_not_save_the_note_twice(
    devserver, backend, tmp_path
):
    """The note is committed; Telegram is slow to take the answer to the Save press; the
    process is killed right then. After the restart Wanda sees her card unchanged — no
    confirmation — and presses Save again, as anyone would."""
    async with fresh_database_url(backend, tmp_path) as url:
        await asyncio.to_thread(migrate.upgrade, url)
        db = Database(url)
        now = datetime.now(UTC)
        async with db.session() as session:
            worker = await create_worker(session, name="Wanda Worker", role=Role.WORKER, now=now)
            worker.telegram_user_id = worker.chat_id = WANDA
            await session.flush()
            await client_store.create_client(
                session,
                name="Maria Gonzalez",
                program=Program.ELDERLY,
                contact_frequency_days=14,
                worker_id=worker.id,
                now=now,
            )
        state = devserver.bot(TOKEN)
        wanda = state.user(WANDA, first_name="Wanda")
        bot = BotProcess(devserver, url, tmp_path / "bot.log")
        try:
            await bot.start()
            kinds = await _sent(state, lambda: wanda.send_text("/note C-0001"))
            await _sent(state, lambda: wanda.press(kinds.message_id, "nt:kind:home_visit"))
            card = await _sent(state, lambda: wanda.send_text("Pantry empty."))
            assert "nt:save:" in str(card.buttons)
            await _until(db, lambda rows: rows["conversation"] == {"state": 2})
            state.inject_fault("answerCallbackQuery", count=1, delay=15.0)
            wanda.press(card.message_id, button_data(card, "Save"))
            await _until(db, lambda rows: rows["notes"] == 1)
            await bot.kill()
            await bot.start()
            shown = next(m for m in state.chat_log(WANDA) if m.message_id == card.message_id)
            assert "nt:save:" in str(shown.buttons), "no confirmation: the card is unchanged"
            await _reply(state, lambda: wanda.press(card.message_id, button_data(card, "Save")))
        finally:
            await bot.terminate()
            async with db.session() as session:
                saved = (await session.execute(select(Note.text))).scalars().all()
            await db.dispose()
        assert saved == ["Pantry empty."], f"saved {len(saved)} times"


async def _until_stalled(state) -> None:
    """Until the armed fault has been taken: the call is now stalled inside Telegram."""
    async with asyncio.timeout(5):
        while state.faults.armed:  # noqa: ASYNC110 (the server has no event for this)
            await asyncio.sleep(0.01)


async def _sent(state, act):
    """Do `act`; the new message the bot sends in reply."""
    before = state.last_seq
    act()
    [sent] = await state.wait_for_events(before, chat_id=WANDA, kinds="send", timeout=30)
    return next(m for m in state.chat_log(WANDA) if m.message_id == sent.message_id)


async def _reply(state, act) -> list:
    before = state.last_seq
    act()
    events = await state.wait_for_events(
        before, count=1, chat_id=WANDA, kinds=["send", "edit", "answer_callback"], timeout=30
    )
    ids = {event.message_id for event in events}
    return [m for m in state.chat_log(WANDA) if m.message_id in ids]


async def _until(db: Database, ready) -> None:
    from storage.machinery import ConversationState

    async with asyncio.timeout(30):
        while True:
            async with db.session() as session:
                notes = (await session.execute(select(func.count(Note.id)))).scalar_one()
                state = (
                    await session.execute(
                        select(ConversationState.state).where(ConversationState.name == "nt")
                    )
                ).scalar_one_or_none()
            if ready({"notes": notes, "conversation": state}):
                return
            await asyncio.sleep(0.02)


async def test_a_double_tap_on_snooze_is_answered_once_without_an_error(harness, clock, errors):
    """Telegram delivers both taps of an impatient thumb: two presses, two update ids.
    The second finds the buttons already gone; that is no reason for an apology."""
    clock.set(berlin(2026, 3, 3, 9, 0))
    wanda, _ = await _two_workers(harness)
    await _home_visit_at_ten(harness, WANDA, 1)
    await harness.tick()
    reminder = next(m for m in wanda.messages() if m.text.startswith("⏰"))
    data = next(d for label, d in buttons(reminder) if "1 h" in label)
    wanda.fake.press(reminder.message_id, data)
    await wanda.press_data(reminder.message_id, data)
    async with harness.db.session() as session:
        snoozed = (
            await session.execute(
                select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "snoozed")
            )
        ).scalar_one()
    assert snoozed == 1
    assert texts.ERROR not in " ".join(m.text for m in wanda.messages())
    assert not errors.failed_updates()
