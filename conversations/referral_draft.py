"""The /refer dialog's draft, typed.

It lives in the worker's persisted user_data as plain JSON (`to_json`), in the very
layout the dict drafts of earlier versions had, so a draft kept before an upgrade loads
(`from_json`) and resumes. Keys the dialog kit adds (touched, token, kept_at …) ride
along untouched in `extra`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from conversations.pickers import ClientRef

# The draft's key in user_data; it doubles as the command named in "send /refer to pick
# it up again".
DRAFT = "refer"
# The callback-data prefix of the dialog's buttons.
PREFIX = "rf"


@dataclass(frozen=True, slots=True)
class ConsentRef:
    """The consent in force when the dialog checked (checked again on Send)."""

    id: int
    scope: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "scope": self.scope}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConsentRef:
        return cls(int(data["id"]), str(data.get("scope") or ""))


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """What the draft shows of the chosen resource (re-read on Send)."""

    id: int
    name: str
    category: str
    benefit: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "category": self.category,
            "benefit": self.benefit,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ResourceRef:
        return cls(
            int(data["id"]),
            str(data.get("name") or ""),
            str(data.get("category") or ""),
            bool(data.get("benefit")),
        )


@dataclass(frozen=True, slots=True)
class Search:
    """The resource search being paged: words typed and/or a category."""

    words: str = ""
    category: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"w": self.words, "c": self.category}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Search:
        category = data.get("c")
        return cls(str(data.get("w") or ""), str(category) if category is not None else None)


def _day(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


_KEYS = (
    "client",
    "consent",
    "resource",
    "reason",
    "follow_up",
    "applied",
    "search",
    "below",
    "referral",
    "expected",
    "to",
)


@dataclass(slots=True)
class ReferralDraft:
    """A referral being made (client → consent → resource → reason → follow-up →
    application date), or a card's move waiting for its words (`referral`, `expected`,
    `to`: a decline's reason or a completion's outcome)."""

    client: ClientRef | None = None
    consent: ConsentRef | None = None
    resource: ResourceRef | None = None
    reason: str | None = None
    follow_up: date | None = None
    applied: date | None = None
    search: Search | None = None
    # Answer under the pressed message once (entered from a client card), not in it.
    below: bool = False
    referral: int | None = None
    expected: str | None = None
    to: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.extra)
        if self.client is not None:
            data["client"] = self.client.to_json()
        if self.consent is not None:
            data["consent"] = self.consent.to_json()
        if self.resource is not None:
            data["resource"] = self.resource.to_json()
        if self.reason is not None:
            data["reason"] = self.reason
        if self.follow_up is not None:
            data["follow_up"] = self.follow_up.isoformat()
        if self.applied is not None:
            data["applied"] = self.applied.isoformat()
        if self.search is not None:
            data["search"] = self.search.to_json()
        if self.below:
            data["below"] = True
        if self.referral is not None:
            data.update(referral=self.referral, expected=self.expected, to=self.to)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ReferralDraft:
        """A draft from user_data: this class's own layout, which is also the dict
        drafts' of before; anything unreadable is simply missing (asked again)."""
        data = dict(data or {})
        extra = {key: value for key, value in data.items() if key not in _KEYS}

        def part(key: str, reader: Any) -> Any:
            value = data.get(key)
            if not isinstance(value, dict):
                return None
            try:
                return reader(value)
            except (KeyError, TypeError, ValueError):
                return None

        referral = data.get("referral")
        reason = data.get("reason")
        return cls(
            client=part("client", ClientRef.from_json),
            consent=part("consent", ConsentRef.from_json),
            resource=part("resource", ResourceRef.from_json),
            reason=str(reason) if reason else None,
            follow_up=_day(data.get("follow_up")),
            applied=_day(data.get("applied")),
            search=part("search", Search.from_json),
            below=bool(data.get("below")),
            referral=referral if isinstance(referral, int) else None,
            expected=data.get("expected"),
            to=data.get("to"),
            extra=extra,
        )

    def ready(self) -> bool:
        """Everything Send needs (the application date is checked with the resource)."""
        return None not in (self.client, self.consent, self.resource, self.reason, self.follow_up)
