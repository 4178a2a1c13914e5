"""Strict mode takes what a worker sends out of the chat once Caseline has stored it
(issue 23); standard mode leaves the chat as it is."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage import attachment_contents
from storage.models import Note, NoteAttachment
from tests.harness import running
from tests.webapp_support import WEBAPP_URL
from ui import texts

PHOTO = b"\x89PNG\r\n\x1a\n" + b"stairs" * 100


@pytest.fixture
async def strict(devserver, db, db_url, clock):
    async with running(
        devserver, db, db_url, clock, CASELINE_PRIVACY="strict", CASELINE_WEBAPP_URL=WEBAPP_URL
    ) as bot:
        yield bot


def _worker_messages(harness, user_id: int) -> dict[str, bool]:
    """What the worker sent (text, or the kind of file) → deleted from the chat?"""
    found = {}
    for message in harness.state.transcript(user_id):
        if message.from_bot:
            continue
        what = message.text or ("photo" if message.photo else "voice" if message.voice else "?")
        found[what] = message.deleted
    return found


async def _write_a_note(harness, wanda) -> None:
    ask = await wanda.send("/note maria")
    await wanda.press(ask[-1], "Phone")
    await wanda.send("Talked about the stairs.")
    await harness.exchange(701, lambda: wanda.fake.send_photo(PHOTO))
    card = await harness.exchange(701, lambda: wanda.fake.send_voice(b"OggS-voice"))
    await wanda.press(card[-1], "Save")


async def _a_loose_file(harness, wanda, send) -> None:
    """A file sent with no dialog open: offered as a note; in strict mode, saved at once
    when the client is chosen (the note's words and kind are added in the Mini App), so
    what leaves the chat is kept."""
    [offer] = await harness.exchange(701, send)
    saved = await wanda.press(offer, "C-0001")
    labels = [b["text"] for row in saved[-1].reply_markup["inline_keyboard"] for b in row]
    assert "🗂 Open" in labels


async def test_strict_mode_deletes_what_the_worker_sent_once_it_is_stored(strict):
    wanda = await strict.seed_worker(701, "Wanda Worker")
    await strict.seed_client(701, "Maria Gonzalez")
    await wanda.send("/agenda")
    await wanda.send("/client maria")
    await _a_loose_file(strict, wanda, lambda: wanda.fake.send_photo(PHOTO))
    await _a_loose_file(strict, wanda, lambda: wanda.fake.send_voice(b"OggS-voice"))
    [offer] = await wanda.send("Mrs G. fell, bruised hip")  # a loose message, offered as a note
    await wanda.press(offer, "C-0001")
    assert _worker_messages(strict, 701) == {
        "/agenda": False,  # a bare command says nothing about anyone
        "/client maria": True,
        "photo": True,
        "voice": True,
        "Mrs G. fell, bruised hip": True,
    }
    # Deleted from the chat, kept by Caseline.
    async with strict.db.session() as session:
        files = (await session.execute(select(NoteAttachment))).scalars().all()
        stored = [await attachment_contents.stored_bytes(session, row.id) for row in files]
        texts_kept = [note.text for note in (await session.execute(select(Note))).scalars()]
    assert sorted(row.kind for row in files) == ["photo", "voice"] and all(stored)
    assert PHOTO in [found.content for found in stored if found is not None]
    assert "Mrs G. fell, bruised hip" in texts_kept


async def test_strict_mode_leaves_a_file_it_could_not_keep(strict):
    wanda = await strict.seed_worker(701, "Wanda Worker")
    await strict.seed_client(701, "Maria Gonzalez")
    strict.state.inject_fault("getFile", count=1, status=500)
    replies = await strict.exchange(701, lambda: wanda.fake.send_photo(PHOTO))
    assert replies[-1].text == texts.FILE_NOT_KEPT
    assert _worker_messages(strict, 701)["photo"] is False  # the worker's only copy


async def test_a_delete_telegram_refuses_breaks_nothing(strict, errors):
    wanda = await strict.seed_worker(701, "Wanda Worker")
    await strict.seed_client(701, "Maria Gonzalez")
    strict.state.inject_fault("deleteMessage", count=1, status=400, description="Bad Request")
    await wanda.send("/client maria")
    await wanda.send("/client C-0001")
    assert _worker_messages(strict, 701) == {"/client maria": False, "/client C-0001": True}
    assert not errors.failed_updates()


async def test_standard_mode_deletes_nothing_the_worker_sent(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    await _write_a_note(harness, wanda)
    assert not any(_worker_messages(harness, 701).values())
    assert not [event for event in harness.state.events() if event.kind == "delete"]
