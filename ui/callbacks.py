"""Callback data: short, typed, and never trusted.

A button carries `prefix:action:arg` — it names what to do and to which id, nothing
more. Handlers re-check on the server that the presser may do it. Telegram allows
at most 64 bytes; `pack` refuses anything longer instead of letting Telegram do so.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64
SEPARATOR = ":"
# Ids are 32-bit columns on PostgreSQL: a longer forged number must be refused here,
# before it reaches SQL and overflows there.
MAX_ID = 2**31 - 1


def read_id(text: str) -> int | None:
    """A number from callback data, or None when it cannot be one of ours (forged).
    isdecimal, not isdigit: "²" is a digit that int() refuses."""
    if not text.isdecimal() or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


def read_ids(arg: str, count: int) -> list[int] | None:
    """Exactly `count` ids from an argument like "42:3"; None when any is forged."""
    parts = arg.split(SEPARATOR)
    numbers = [read_id(part) for part in parts]
    if len(parts) != count or None in numbers:
        return None
    return numbers  # type: ignore[return-value]


def leading_ids(arg: str, count: int) -> list[int] | None:
    """The first `count` ids of an argument that goes on (e.g. "42:7:s:3"); None when any
    of them is forged or missing."""
    return read_ids(SEPARATOR.join(arg.split(SEPARATOR)[:count]), count)


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
        """The argument as an id, or None when it is not a sane one (forged data)."""
        return read_id(self.arg)


def unpack(data: str | None) -> Pressed:
    parts = (data or "").split(SEPARATOR, 2)
    parts += [""] * (3 - len(parts))
    return Pressed(*parts)


def pattern(prefix: str) -> str:
    """A CallbackQueryHandler pattern for one prefix."""
    return rf"^{prefix}{SEPARATOR}"
