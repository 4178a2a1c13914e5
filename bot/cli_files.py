"""Files the `caseline` commands write (a case file, an EVV export, a visit sheet, a
subject access zip): checked before any work is done, written whole and readable by their
owner only."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def unwritable(path: Path) -> str | None:
    """Why `path` cannot be written, in words that say what to fix; None when it can."""
    if path.is_dir():
        return f"{path} is a folder: name a file to write"
    folder = path.parent
    if not folder.is_dir():
        return f"there is no folder {folder}"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot write in the folder {folder} (permission denied): choose another"
    return None


def write_private(path: Path, data: bytes) -> None:
    """Write next to `path` with mode 0600, then move into place (never half a file)."""
    temporary = _beside(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_new(path: Path, data: bytes) -> None:
    """Like write_private, but linked into place: FileExistsError if something has the
    name (checked when the file is put there, so nothing is ever overwritten)."""
    temporary = _beside(path, data)
    try:
        os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _beside(path: Path, data: bytes) -> Path:
    """`data` in a new file next to `path`, mode 0600."""
    handle, temporary = tempfile.mkstemp(prefix=".caseline-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o600)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)
