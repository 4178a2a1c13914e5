"""A note's voice notes, photos and documents are kept by Caseline itself (issue 23):
downloaded as they arrive and stored in the database, so erasure and subject access
reach them; a file Telegram will not hand over loses nothing of the note."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import delete, func, select

from bot.housekeeping import prune_update_ids
from storage import attachment_contents
from storage.attachment_contents import AttachmentContent
from storage.models import NoteAttachment
from ui import texts

PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
VOICE = b"OggS" + b"\x01voice" * 500


async def _stored(harness) -> dict[str, tuple[bytes, str, str]]:
    """kind → (bytes, mime type, file id) of every saved note's attachments."""
    async with harness.db.session() as session:
        rows = (await session.execute(select(NoteAttachment))).scalars().all()
        found = {}
        for row in rows:
            stored = await attachment_contents.stored_bytes(session, row.id)
            assert stored is not None, f"{row.kind} kept by file id only"
            found[row.kind] = (stored.content, stored.mime_type, row.file_id)
        return found


async def _note_with(harness, wanda, *acts):
    ask = await wanda.send("/note maria")
    await wanda.press(ask[-1], "Phone")
    await wanda.send("Talked about the stairs.")
    replies = []
    for act in acts:
        replies += await harness.exchange(701, act)
    card = await wanda.send("That's all.")
    return replies, card


async def test_a_photo_and_a_voice_note_are_stored_byte_for_byte(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    _, card = await _note_with(
        harness,
        wanda,
        lambda: wanda.fake.send_photo(PHOTO, caption="the stairs"),
        lambda: wanda.fake.send_voice(VOICE),
    )
    assert "2 attachments" in card[-1].text
    await wanda.press(card[-1], "Save")
    stored = await _stored(harness)
    assert set(stored) == {"photo", "voice"}
    for content, _mime, file_id in stored.values():
        assert content == harness.state.files.get(file_id).data
    assert stored["photo"][1] == "image/jpeg" and stored["voice"][1] == "audio/ogg"


async def test_a_loose_document_is_stored_with_its_note(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    data = b"%PDF-1.4 discharge letter"
    [offer] = await harness.exchange(
        701, lambda: wanda.fake.send_document(data, "letter.pdf", "application/pdf")
    )
    kinds = await wanda.press(offer, "Maria")
    card = await wanda.press(kinds[-1], "Home visit")
    await wanda.press(card[-1], "Save")
    assert (await _stored(harness))["document"][:2] == (data, "application/pdf")


async def test_a_file_over_20_mb_is_refused_kindly_and_the_note_keeps_the_rest(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    huge = b"\0" * (20 * 1024 * 1024 + 1)
    replies, card = await _note_with(
        harness, wanda, lambda: wanda.fake.send_document(huge, "scan.tiff", "image/tiff")
    )
    assert replies[-1].text == texts.FILE_TOO_LARGE
    assert "Talked about the stairs." in card[-1].text and "attachment" not in card[-1].text
    await wanda.press(card[-1], "Save")
    async with harness.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(NoteAttachment)) == 0
        assert await session.scalar(select(func.count()).select_from(AttachmentContent)) == 0


async def test_a_failed_download_loses_nothing_and_the_file_sent_again_is_kept(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    harness.state.inject_fault("getFile", count=1, status=500)
    replies, card = await _note_with(harness, wanda, lambda: wanda.fake.send_photo(PHOTO))
    assert replies[-1].text == texts.FILE_NOT_KEPT
    assert "Talked about the stairs." in card[-1].text and "attachment" not in card[-1].text
    # Sent again: kept this time, on the same draft.
    again = await harness.exchange(701, lambda: wanda.fake.send_photo(PHOTO))
    assert "1 attachment" in again[-1].text
    await wanda.press(again[-1], "Save")
    assert (await _stored(harness))["photo"][0] == PHOTO


async def test_deleting_an_attachment_deletes_its_stored_bytes(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    _, card = await _note_with(harness, wanda, lambda: wanda.fake.send_photo(PHOTO))
    await wanda.press(card[-1], "Save")
    async with harness.db.session() as session:
        await session.execute(delete(NoteAttachment))
    async with harness.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(AttachmentContent)) == 0


async def test_the_files_of_a_note_never_saved_are_forgotten_after_30_days(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    await _note_with(harness, wanda, lambda: wanda.fake.send_photo(PHOTO))
    await wanda.send("/cancel")
    services = harness.application.bot_data["services"]

    async def files_left() -> int:
        await prune_update_ids(SimpleNamespace(services=services))
        async with harness.db.session() as session:
            return await session.scalar(select(func.count()).select_from(AttachmentContent))

    clock.advance(timedelta(days=29))
    assert await files_left() == 1
    clock.advance(timedelta(days=2))
    assert await files_left() == 0
