"""Fetching the file a worker's message carries, before the update's transaction.

A download is a Telegram call (getFile, then the file itself), and no Telegram call may
wait inside a transaction (on SQLite it holds the one write connection). So the
Application fetches the file here, first, and hands the bytes to the update's handlers
(`ui.held_answers.incoming_file`); the dialog that takes the file stores them through a
use case (domain/usecases/attachments.py). A file over Telegram's 20 MB or a download
that fails becomes a `FileNotFetched`: the dialog says so and the draft stays as it was.
Only an active worker's files are fetched.
"""

from __future__ import annotations

import logging

from telegram import Bot, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from domain.usecases.attachments import (
    DOWNLOAD_LIMIT,
    FetchedFile,
    FileNotFetched,
    downloads_for,
)
from domain.work import Work
from storage.attachment_contents import FileContent

log = logging.getLogger(__name__)


async def fetch(bot: Bot, update: Update, work: Work) -> FetchedFile | None:
    """The bytes of the voice note, audio, document or photo (its largest size) the
    update's message carries, or why not; None when it carries none worth fetching."""
    message = update.message
    if message is None or message.chat.type != ChatType.PRIVATE or message.from_user is None:
        return None
    media = message.voice or message.audio or message.document or (message.photo or [None])[-1]
    if media is None:
        return None
    if not await downloads_for(work, message.from_user.id):
        return None
    if media.file_size is not None and media.file_size > DOWNLOAD_LIMIT:
        return FileNotFetched("too_large")
    mime_type = getattr(media, "mime_type", None) or (
        "image/jpeg" if message.photo else "application/octet-stream"
    )
    try:
        file = await bot.get_file(media.file_id)
        if file.file_size is not None and file.file_size > DOWNLOAD_LIMIT:
            return FileNotFetched("too_large")
        content = bytes(await file.download_as_bytearray())
    except TelegramError as error:
        # Telegram's own answer for a file over its limit; anything else failed.
        too_big = "too big" in str(error).lower()
        log.warning("file not fetched: %s", type(error).__name__)
        return FileNotFetched("too_large" if too_big else "failed")
    except OSError as error:
        log.warning("file not fetched: %s", type(error).__name__)
        return FileNotFetched("failed")
    return FileContent(media.file_unique_id, content, mime_type)
