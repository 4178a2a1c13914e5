"""What a use case returns: one small family of outcomes that a dialog renders.

A use case never raises for something a worker can cause (a forged button, a record
that moved on, a double tap); it returns one of these. The dialog decides the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Saved(Generic[T]):
    """The change is committed; `value` is what it made or changed."""

    value: T


@dataclass(frozen=True, slots=True)
class AlreadySaved(Generic[T]):
    """This very draft or message was saved before (a Save pressed again after a crash,
    a one-liner sent twice): nothing new was written; `value` is the earlier record."""

    value: T


@dataclass(frozen=True, slots=True)
class Refused:
    """The actor may not do this: another team's record, a forged or replayed id. The
    attempt is audited; the answer must not say whether the record exists."""

    subject: str = "client"


@dataclass(frozen=True, slots=True)
class Gone:
    """The record moved on since the card was shown: the client was discharged or
    transferred away, the appointment was deleted."""

    subject: str = "client"


@dataclass(frozen=True, slots=True)
class Stale(Generic[T]):
    """The record is no longer in the state the card showed (already done, cancelled,
    moved): nothing was written; `current` is the record as it stands, to show."""

    current: T


@dataclass(frozen=True, slots=True)
class Invalid:
    """The input breaks a rule; `reason` is a code the dialog words."""

    reason: str


@dataclass(frozen=True, slots=True)
class Confirm(Generic[T]):
    """The use case needs the worker's decision before it writes anything (for example
    "Is this the 14:00 visit?"); `question` names the decision, `about` what it is about."""

    question: str
    about: T


@dataclass(frozen=True, slots=True)
class Several(Generic[T]):
    """What the worker typed fits more than one record they may see: they choose."""

    choices: list[T]


@dataclass(frozen=True, slots=True)
class NoneCalled:
    """What the worker typed (a name, not a code) fits no record they may see. Unlike
    Refused it names no record, so there is no attempt on one to audit."""

    typed: str


@dataclass(frozen=True, slots=True)
class Pending(Generic[T]):
    """The change waits for someone's approval (a team's setting): nothing was applied;
    `value` is the request. `already`: it was waiting before this press."""

    value: T
    already: bool = False
