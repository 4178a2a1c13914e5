"""Progress notes from a phone: the quick flow, the one-liner, undo, amendments,
attachments, risk, goals, DAP, long text, drafts that survive idling and restarts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from conversations import drafts
from conversations.note import DRAFT as NOTE_DRAFT
from storage.machinery import AuditEvent, PersistedData
from storage.models import Client, Goal, Note, NoteAmendment, NoteAttachment, NoteGoal, Plan
from tests.harness import buttons
from ui import texts


async def _note_rows(harness):
    async with harness.db.session() as session:
        return (await session.execute(select(Note).order_by(Note.id))).scalars().all()


async def test_a_note_in_three_taps_plus_the_text(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    ask = await wanda.send("/note")
    kinds = await wanda.press(ask[0], "C-0001")  # tap 1
    card = await wanda.press(kinds[-1], "Home visit")  # tap 2
    assert texts.NOTE_TYPE_IT in card[-1].text
    card = await wanda.send("Pantry empty; <b>urgent</b> & needs food bank")
    assert "Pantry empty; <b>urgent</b> & needs food bank" in card[-1].text
    saved = await wanda.press(card[-1], "Save")  # tap 3
    assert "Note N-1 saved" in saved[0].text and "Home visit" in saved[0].text

    [note] = await _note_rows(harness)
    assert (note.client_id, note.interaction_type, note.text) == (
        client_id,
        "home_visit",
        "Pantry empty; <b>urgent</b> & needs food bank",
    )
    assert note.occurred_at == harness.clock.now()
    async with harness.db.session() as session:
        client = await session.get(Client, client_id)
    assert client.last_contact_at == harness.clock.now()


async def test_a_forged_save_on_a_card_with_nothing_written_saves_nothing(harness):
    """The card offers no ✅ Save until there is text, a file or DAP; a press forged
    with its callback data is refused the same way."""
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    await wanda.send("/note C-0001")
    await wanda.press(wanda.last(), "Home visit")
    card = wanda.last()
    assert texts.NOTE_TYPE_IT in card.text and "nt:save:" not in str(card.buttons)
    # Forged with the live card's revision, read from the stored draft.
    async with harness.db.session() as session:
        stored = (await session.execute(select(PersistedData.data))).scalar_one()
    revision = stored[NOTE_DRAFT][drafts.REVISION]
    await wanda.press_data(card.message_id, f"nt:save:{revision}")
    assert wanda.toasts()[-1] == texts.NOTE_NOTHING_TO_SAVE
    assert await _note_rows(harness) == []
    card = await wanda.send("Pantry empty.")
    saved = await wanda.press(card[-1], "Save")
    assert "Note N-1 saved" in saved[0].text


async def test_a_nul_character_is_dropped_not_a_reason_to_lose_the_note(harness, errors):
    """PostgreSQL cannot store U+0000 in text or jsonb; it arrived once from the fuzzer
    in a dialog step (the draft) and failed every later write of that worker's data."""
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    saved = await wanda.send("/note C-0001 phone: pantry\x00 empty")
    assert "Note N-1 saved" in saved[0].text
    ask = await wanda.send("/note C-0001")
    await wanda.press(ask[-1], "Home visit")
    card = await wanda.send("brought\x00 the forms")
    saved = await wanda.press(card[-1], "Save")
    assert "Note N-2 saved" in saved[0].text
    assert [note.text for note in await _note_rows(harness)] == [
        "pantry empty",
        "brought the forms",
    ]
    assert not errors.failed_updates()


async def test_several_messages_voice_and_photo_make_one_note(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    ask = await wanda.send("/note maria")
    await wanda.press(ask[-1], "Phone")
    await wanda.send("First part.")
    await harness.exchange(701, lambda: wanda.fake.send_voice(b"OggS-voice"))
    await harness.exchange(701, lambda: wanda.fake.send_photo(b"\x89PNG", caption="the fridge"))
    card = await wanda.send("Second part.")
    assert "2 attachments" in card[-1].text
    # Only the newest card keeps buttons: nothing piles up to press by mistake.
    with_buttons = [m for m in wanda.messages() if buttons(m)]
    assert with_buttons[-1].message_id == card[-1].message_id
    assert all("Save" not in "".join(label for label, _ in buttons(m)) for m in with_buttons[:-1])
    await wanda.press(card[-1], "Save")
    [note] = await _note_rows(harness)
    assert note.text == "First part.\n\nSecond part."
    async with harness.db.session() as session:
        kinds = (await session.execute(select(NoteAttachment.kind, NoteAttachment.caption))).all()
    assert sorted(kinds) == [("photo", "the fridge"), ("voice", None)]


async def test_one_liner_saves_at_once_and_can_be_undone_for_a_minute(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    reply = await wanda.send("/note C-0001 Home visit, pantry empty, referred to food bank")
    assert "Note N-1 saved" in reply[0].text and "Home visit" in reply[0].text
    [note] = await _note_rows(harness)
    assert (note.interaction_type, note.text) == (
        "home_visit",
        "pantry empty, referred to food bank",
    )
    undone = await wanda.press(reply[0], "Undo")
    assert "withdrawn" in undone[0].text
    [note] = await _note_rows(harness)
    assert note.retracted_at is not None
    async with harness.db.session() as session:
        assert (await session.get(Client, client_id)).last_contact_at is None

    late = await wanda.send("/note C-0001 phone: called about meds")
    clock.advance(timedelta(seconds=61))
    await wanda.press(late[0], "Undo")
    assert wanda.toasts()[-1] == texts.UNDO_TOO_LATE
    assert (await _note_rows(harness))[-1].retracted_at is None
    assert (await _note_rows(harness))[-1].interaction_type == "phone"


async def test_the_same_one_liner_sent_again_is_kept_once(harness, clock):
    """The bot went quiet (a crash after the save, a dead network), so Wanda sends her
    one-line note again. A one-liner has no draft to recognise it by: the same text, kind
    and client within ten minutes is that resend. Later, or changed, it is a new note."""
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    first = await wanda.send("/note C-0001 phone: no answer, try tomorrow")
    assert "Note N-1 saved" in first[0].text
    clock.advance(timedelta(minutes=3))
    again = await wanda.send("/note C-0001 phone: no answer, try tomorrow")
    assert "Already saved as N-1" in again[0].text
    assert [label for label, _ in buttons(again[0])] == [texts.AMEND, texts.OPEN_CLIENT]
    other_kind = await wanda.send("/note C-0001 office: no answer, try tomorrow")
    assert "Note N-2 saved" in other_kind[0].text
    clock.advance(timedelta(minutes=11))
    later = await wanda.send("/note C-0001 phone: no answer, try tomorrow")
    assert "Note N-3 saved" in later[0].text
    assert [note.text for note in await _note_rows(harness)] == ["no answer, try tomorrow"] * 3


async def test_one_liner_for_someone_elses_client_is_refused_and_audited(harness):
    await harness.seed_worker(701, "Wanda Worker", team="North")
    sam = await harness.seed_worker(702, "Sam Southern", team="South")
    await harness.seed_client(701)
    reply = await sam.send("/note C-0001 visited")
    assert "can't find C-0001" in reply[0].text
    assert await _note_rows(harness) == []
    async with harness.db.session() as session:
        refused = (
            (await session.execute(select(AuditEvent).where(AuditEvent.allowed.is_(False))))
            .scalars()
            .all()
        )
    assert [(e.action, e.subject_id) for e in refused] == [("note.create", 1)]


async def test_a_note_or_amendment_for_a_client_moved_away_meanwhile_is_refused(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker", team="North")
    await harness.seed_worker(702, "Sam Southern", team="South")
    client_id = await harness.seed_client(701)
    saved = await wanda.send("/note C-0001 office: gave 3 bus tickets")
    await wanda.press(saved[0], "Amend")
    await harness.move_client(client_id, 702)
    refused = await wanda.send("It was 2 bus tickets, not 3.")
    assert refused[-1].text == texts.NOT_ALLOWED
    await harness.move_client(client_id, 701)
    kinds = await wanda.send("/note C-0001")
    card = await wanda.press(kinds[-1], "Home visit")
    card = await wanda.send("Pantry empty")
    await harness.move_client(client_id, 702)
    await wanda.press(card[-1], "Save")
    assert wanda.toasts()[-1] == texts.CLIENT_GONE
    assert [note.text for note in await _note_rows(harness)] == ["gave 3 bus tickets"]
    async with harness.db.session() as session:
        assert (await session.execute(select(NoteAmendment))).scalars().all() == []


async def test_amending_keeps_the_original_with_who_and_when(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    saved = await wanda.send("/note C-0001 office: gave 3 bus tickets")
    clock.advance(timedelta(hours=2))
    prompt = await wanda.press(saved[0], "Amend")
    assert "Amending note N-1" in prompt[-1].text
    shown = await wanda.send("It was 2 bus tickets, not 3.")
    assert "gave 3 bus tickets" in shown[-1].text
    assert "Amendment by Wanda Worker" in shown[-1].text
    assert "2 bus tickets, not 3" in shown[-1].text
    [note] = await _note_rows(harness)
    assert note.text == "gave 3 bus tickets"
    async with harness.db.session() as session:
        [amendment] = (await session.execute(select(NoteAmendment))).scalars().all()
    assert amendment.created_at == clock.now() and amendment.text == "It was 2 bus tickets, not 3."
    # The card's recent notes show the original line, marked as amended (issue 16).
    [card] = await wanda.send("/client C-0001")
    assert "Office · ✏️ amended: gave 3 bus tickets" in card.text


async def test_risk_goals_and_dap(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    async with harness.db.session() as session:
        plan = Plan(client_id=client_id, version=1, created_at=harness.clock.now())
        session.add(plan)
        await session.flush()
        session.add_all(
            [
                Goal(plan_id=plan.id, position=1, description="Eat two meals a day"),
                Goal(plan_id=plan.id, position=2, description="Attend GP appointment"),
            ]
        )
    ask = await wanda.send("/note C-0001")
    card = await wanda.press(ask[-1], "Home visit")
    await wanda.press(card[-1], "Risk")
    card = await wanda.send("Fell last week, lives alone")
    assert "⚠ Risk: Fell last week, lives alone" in card[-1].text
    goals = await wanda.press(card[-1], "Goals")
    goals = await wanda.press(goals[-1], "Eat two meals")
    assert "☑ 1. Eat two meals" in "".join(label for label, _ in buttons(goals[-1]))
    assert "2. Attend GP appointment" in goals[-1].text
    card = await wanda.press(goals[-1], "Done")
    await wanda.press(card[-1], "DAP")
    await wanda.send("Fridge nearly empty")
    await wanda.send("Food insecurity")
    card = await wanda.send("Refer to food bank")
    assert "1 goal" in card[-1].text and "Food insecurity" in card[-1].text
    await wanda.press(card[-1], "Save")
    [note] = await _note_rows(harness)
    assert note.risk_flag and note.risk_reason == "Fell last week, lives alone"
    assert (note.dap_data, note.dap_assessment, note.dap_plan) == (
        "Fridge nearly empty",
        "Food insecurity",
        "Refer to food bank",
    )
    async with harness.db.session() as session:
        assert len((await session.execute(select(NoteGoal))).all()) == 1


async def test_a_long_note_is_kept_whole_and_shown_split(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    ask = await wanda.send("/note C-0001")
    card = await wanda.press(ask[-1], "Home visit")
    chunk = ("word " * 800).strip()  # 3999 characters, as Telegram splits long input
    for _ in range(3):
        card = await wanda.send(chunk)
    assert "11,997 characters" in card[-1].text or "characters" in card[-1].text
    saved = await wanda.press(card[-1], "Save")
    [note] = await _note_rows(harness)
    assert note.text == "\n\n".join([chunk] * 3)
    assert len(saved) >= 4
    assert all(len(m.text) <= 4096 for m in saved)
    assert sum(m.text.count("word") for m in saved) == 2400


async def test_stickers_and_other_commands_mid_note_get_a_clear_prompt(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    assert (await wanda.send_sticker())[0].text == texts.NOT_UNDERSTOOD
    ask = await wanda.send("/note")
    assert (await wanda.send_sticker())[0].text == texts.PICK_CLIENT_TYPE
    assert "No client of yours matches" in (await wanda.send("nobody"))[0].text
    card = await wanda.press(ask[-1], "C-0001")
    card = await wanda.press(card[-1], "Video")
    assert (await wanda.send_sticker())[0].text == texts.NOTE_WHAT_WORKS
    assert (await wanda.send("/cancel"))[0].text == texts.CANCELLED
    assert await _note_rows(harness) == []
    assert "program" in (await wanda.send("/newclient Ann Other"))[0].text.lower()


async def test_a_restart_mid_note_keeps_the_draft_and_the_step(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    ask = await wanda.send("/note C-0001")
    card = await wanda.press(ask[-1], "Home visit")
    await wanda.send("Typed before the restart.")
    await harness.restart()
    card = await wanda.send("And after it.")
    await wanda.press(card[-1], "Save")
    [note] = await _note_rows(harness)
    assert note.text == "Typed before the restart.\n\nAnd after it."


async def test_an_idle_note_becomes_a_draft_offered_back_even_after_a_restart(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    ask = await wanda.send("/note C-0001")
    await wanda.press(ask[-1], "Home visit")
    await wanda.send("Started this on the doorstep.")
    clock.advance(timedelta(minutes=31))
    await harness.restart()
    kept = await wanda.send("Finished in the car.")
    assert "kept what you wrote as a draft" in kept[0].text
    assert "My caseload" in (await wanda.send("/clients"))[0].text
    offer = await wanda.send("/note")
    assert "unsaved note" in offer[0].text
    card = await wanda.press(offer[0], "Resume")
    assert "Started this on the doorstep." in card[-1].text
    await wanda.press(card[-1], "Save")
    [note] = await _note_rows(harness)
    assert note.text == "Started this on the doorstep.\n\nFinished in the car."


async def test_when_can_be_moved_into_the_past_but_not_the_future(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    ask = await wanda.send("/note C-0001")
    card = await wanda.press(ask[-1], "Home visit")
    await wanda.send("Visit this morning.")
    await wanda.press(wanda.last(), "When")
    refused = await wanda.send("tomorrow 9:00")
    assert texts.NOTE_DRAFT not in refused[0].text  # asked again, not accepted
    card = await wanda.send("2h ago")
    assert "Mon 2 Mar 07:00" in card[-1].text  # 09:00 Berlin minus two hours
    await wanda.press(card[-1], "Save")
    [note] = await _note_rows(harness)
    assert note.occurred_at == clock.now() - timedelta(hours=2)


async def test_card_buttons_start_a_flow_for_that_client_only_if_visible(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker", team="North")
    sam = await harness.seed_worker(702, "Sam Southern", team="South")
    await harness.seed_client(701)
    card = await wanda.send("/client C-0001")
    kinds = await wanda.press_data(card[0].message_id, "cf:note:1")
    assert "Note for C-0001" in kinds[-1].text
    await wanda.send("/cancel")
    hello = await sam.send("/help")
    await sam.press_data(hello[0].message_id, "cf:note:1")
    await sam.press_data(hello[0].message_id, "cf:visit:1")
    await sam.press_data(hello[0].message_id, "cf:appt:1")
    assert sam.toasts()[-3:] == [texts.CLIENT_GONE] * 3
    assert all("Maria" not in m.text for m in sam.messages())
    async with harness.db.session() as session:
        refused = (
            (await session.execute(select(AuditEvent).where(AuditEvent.allowed.is_(False))))
            .scalars()
            .all()
        )
    assert [(e.action, e.subject_id, e.actor_worker_id) for e in refused] == [
        ("client.access", 1, await harness.worker_id(702))
    ] * 3


def test_long_text_in_emoji_is_split_by_telegrams_measure():
    from ui.splitting import html_pages, utf16_length

    body = ("🙂 " * 5000).strip()
    pages = html_pages("<b>Note</b>", body)
    assert all(utf16_length(page) <= 4096 for page in pages)
    assert sum(page.count("🙂") for page in pages) == 5000


async def test_the_kind_of_contact_is_corrected_on_the_card_and_the_text_stays(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    kinds = await wanda.send("/note C-0001")
    await wanda.press(kinds[-1], "Home visit")
    card = await wanda.send("Called back about the pharmacy.")
    kinds = await wanda.press(card[-1], "Kind")
    card = await wanda.press(kinds[-1], "Phone")
    assert "Phone · now" in card[-1].text and "Called back about the pharmacy." in card[-1].text
    await wanda.press(card[-1], "Save")
    [note] = await _note_rows(harness)
    assert (note.interaction_type, note.text) == ("phone", "Called back about the pharmacy.")
