"""Files the `caseline` commands write (a case file, an EVV export, a visit sheet): checked
before any work is done, written whole and readable by their owner only."""

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
    handle, temporary = tempfile.mkstemp(prefix=".caseline-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
