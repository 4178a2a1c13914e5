"""In-memory file storage: what users upload and what the bot sends, addressable like Telegram.

Telegram gives every file a ``file_id`` (reusable in later sends), a ``file_unique_id`` and, via
``getFile``, a ``file_path`` that is downloaded from ``/file/bot<token>/<file_path>``. Tests use
this to fetch, say, the PDF our bot exported and compare bytes.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass, field
from itertools import count

_DIRECTORIES = {
    "document": "documents",
    "photo": "photos",
    "voice": "voice",
    "audio": "music",
    "video": "videos",
    "sticker": "stickers",
}


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str  # "document" | "photo" | "voice" | "audio" | "video" | "sticker"
    data: bytes = field(repr=False)
    file_name: str | None
    mime_type: str | None
    file_path: str

    @property
    def size(self) -> int:
        return len(self.data)

    def to_file(self) -> dict[str, object]:
        """The Bot API ``File`` object returned by ``getFile``."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


class FileStore:
    """Files of one bot (Telegram file ids are bot-specific)."""

    def __init__(self, bot_id: int) -> None:
        self._bot_id = bot_id
        self._counter = count(1)
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}

    def add(
        self, kind: str, data: bytes, file_name: str | None = None, mime_type: str | None = None
    ) -> StoredFile:
        number = next(self._counter)
        digest = hashlib.sha1(data + str(number).encode()).hexdigest()
        extension = _extension(file_name, mime_type, kind)
        stored = StoredFile(
            file_id=f"{kind[:3].upper()}{self._bot_id}-{number}-{digest[:16]}",
            file_unique_id=f"U{number}{digest[:8]}",
            kind=kind,
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            file_path=f"{_DIRECTORIES.get(kind, 'files')}/file_{number}{extension}",
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)


def _extension(file_name: str | None, mime_type: str | None, kind: str) -> str:
    if file_name and "." in file_name:
        return "." + file_name.rsplit(".", 1)[1]
    defaults = {"photo": ".jpg", "voice": ".oga", "sticker": ".webp"}
    if kind in defaults:
        return defaults[kind]
    return (mimetypes.guess_extension(mime_type) if mime_type else None) or ""
