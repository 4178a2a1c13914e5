"""Files both ways: what the bot uploads can be downloaded, what users send can be fetched."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest

from devserver import BotState, FakeUser

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF"


async def test_document_upload_roundtrip(bot: Bot, state: BotState, user: FakeUser) -> None:
    sent = await bot.send_document(
        user.id, PDF, filename="case-notes.pdf", caption="<b>Export</b>", parse_mode="HTML"
    )
    assert sent.document and sent.document.file_name == "case-notes.pdf"
    assert sent.document.mime_type == "application/pdf"
    assert sent.caption == "Export"

    telegram_file = await bot.get_file(sent.document.file_id)
    assert bytes(await telegram_file.download_as_bytearray()) == PDF

    [message] = state.chat_log(user.id)
    assert message.document and message.document["file_size"] == len(PDF)
    assert state.file_bytes(message.file_id or "") == PDF

    resent = await bot.send_document(user.id, sent.document.file_id)  # reuse by file_id
    assert resent.document and resent.document.file_unique_id == sent.document.file_unique_id


async def test_media_caption_and_file_id_rules(bot: Bot, user: FakeUser) -> None:
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_document(user.id, PDF, filename="a.pdf", caption="x" * 1025)
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_document(user.id, "no-such-file-id")
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("no-such-file-id")


async def test_photo_and_voice_from_user(bot: Bot, state: BotState, user: FakeUser) -> None:
    user.send_photo(b"\xff\xd8jpeg-bytes\xff\xd9", caption="front door")
    user.send_voice(b"OggS-voice-bytes", duration=4)
    photo_update, voice_update = await bot.get_updates(timeout=0)
    assert photo_update.message and voice_update.message
    assert photo_update.message.caption == "front door"

    photo = await bot.get_file(photo_update.message.photo[-1].file_id)
    assert bytes(await photo.download_as_bytearray()) == b"\xff\xd8jpeg-bytes\xff\xd9"
    voice = voice_update.message.voice
    assert voice and voice.to_dict()["duration"] == 4
    assert bytes(await (await voice.get_file()).download_as_bytearray()) == b"OggS-voice-bytes"


async def test_bot_sends_photo_and_voice(bot: Bot, state: BotState, user: FakeUser) -> None:
    photo = await bot.send_photo(user.id, b"\x89PNG fake", caption="map")
    voice = await bot.send_voice(user.id, b"OggS reply", duration=2)
    assert photo.photo and voice.voice
    log = state.chat_log(user.id)
    assert [m.method for m in log] == ["sendPhoto", "sendVoice"]
    assert log[0].caption == "map" and log[1].voice and log[1].voice["duration"] == 2
    with pytest.raises(BadRequest, match="(?i)can't use file of type photo as voice"):
        await bot.send_voice(user.id, photo.photo[-1].file_id)
