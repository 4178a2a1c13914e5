"""Callback data: short, typed, and never trusted.

A button carries `prefix:action:arg` — it names what to do and to which id, nothing
more. Handlers re-check on the server that the presser may do it. Telegram allows
at most 64 bytes; `pack` refuses anything longer instead of letting Telegram do so.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64
SEPARATOR = ":"


def pack(*parts: object) -> str:
    data = SEPARATOR.join(str(part) for part in parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data[:20]}…")
    return data


@dataclass(frozen=True, slots=True)
class Pressed:
    prefix: str
    action: str
    arg: str

    def int_arg(self) -> int | None:
        """The argument as an id, or None when it is not a sane one (forged data).
        isdecimal, not isdigit: "²" is a digit that int() refuses."""
        return int(self.arg) if self.arg.isdecimal() and len(self.arg) <= 12 else None


def unpack(data: str | None) -> Pressed:
    parts = (data or "").split(SEPARATOR, 2)
    parts += [""] * (3 - len(parts))
    return Pressed(*parts)


def pattern(prefix: str) -> str:
    """A CallbackQueryHandler pattern for one prefix."""
    return rf"^{prefix}{SEPARATOR}"
