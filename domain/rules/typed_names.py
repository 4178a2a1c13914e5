"""Which clients a typed name means, and when two names are the same.

`storage.clients.search` finds the actor's clients whose name contains what was typed;
people type the start of a first or last name, so those win: "ma" is Maria, not Jamal
or Tomasz, unless no name has a word starting with it. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from storage.models import Client

C = TypeVar("C", bound=Client)


def best_matches(typed: str, found: Sequence[C]) -> list[C]:
    """The clients of `found` with a word of their name starting with `typed` (a phrase:
    its first word starts a word, the rest follow), or all of `found` if none has."""
    wanted = typed.casefold().split()
    if not wanted:
        return list(found)

    def starts_a_word(name: str) -> bool:
        words = name.casefold().split()
        return any(
            " ".join(words[index:]).startswith(" ".join(wanted)) for index in range(len(words))
        )

    starting = [client for client in found if starts_a_word(client.name)]
    return starting or list(found)


def same_name_key(name: str) -> str:
    """What two names must share to be the same name: case and spacing do not count."""
    return " ".join(name.casefold().split())
