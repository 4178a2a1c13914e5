"""What a client's name may be, wherever one is typed: /newclient, /intake, the Mini App's
➕ New client. One rule, so a name the chat refuses the page refuses too."""

from __future__ import annotations

import re
from typing import Literal

from storage.clients import NAME_MAX

NAME_MIN = 2
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")

NameProblem = Literal["too_short", "too_long"]


def cleaned(typed: str) -> str:
    """The name as kept: control characters and runs of spaces made one space."""
    return " ".join(_CONTROL_CHARACTERS.sub(" ", typed).split())


def problem(name: str) -> NameProblem | None:
    """Why `name` (cleaned) cannot be a client's name, or None."""
    if len(name) < NAME_MIN:
        return "too_short"
    if len(name) > NAME_MAX:
        return "too_long"
    return None
