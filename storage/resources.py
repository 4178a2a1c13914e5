"""The resource directory: agencies, benefit programs, support groups, community services.

- **Cleaning and validation** (`clean`) is shared by the CSV import and the chat editor:
  one-line fields (name, category, phone, email, website) have their whitespace collapsed,
  free-text fields (description, address, hours, notes) keep their line breaks; control
  characters go. Name and category are required; every field has a length limit; an email
  must look like `someone@example.org`; a website like `https://example.org/…` (a bare
  `example.org/…` is accepted and stored with `https://`). Problems come back as
  `Problem`s (field, kind, limit) that the bot puts into words — no user text lives here.
- **Categories** are free text, but one spelling per category: a new entry whose category
  matches an existing one case-insensitively takes the existing spelling (`canonical_category`),
  so the category buttons never show "Food" and "food". A button names a category by a short
  stable key (`category_key`, 8 hex digits of a hash) to stay far under Telegram's 64 bytes.
- **Duplicates** are entries with the same name and address, compared case- and
  whitespace-insensitively (`same_key`). The import updates such an entry instead of adding a
  second one; the chat editor refuses to create one.
- **Search** (`search`): every typed word must appear in the name, the description or the
  category (words ANDed, fields ORed), case-insensitively, ordered by name. Archived entries
  (`active` false) are left out unless asked for (admins see them, marked).
  Case folding is `lower()` on both sides. PostgreSQL's `lower()` folds every letter;
  SQLite's folds ASCII only, so on SQLite the same Python `str.lower` is registered on the
  connection as `caseline_lower` and used instead: "ärztehaus" finds "ÄRZTEHAUS" on both.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Resource

NAME_MAX = 200
CATEGORY_MAX = 50
LIMITS = {
    "name": NAME_MAX,
    "category": CATEGORY_MAX,
    "description": 2000,
    "phone": 50,
    "email": 200,
    "website": 300,
    "address": 500,
    "hours": 500,
    "notes": 2000,
}
ONE_LINE = ("name", "category", "phone", "email", "website")
FREE_TEXT = ("description", "address", "hours", "notes")
REQUIRED = ("name", "category")
SEARCH_WORDS_MAX = 8
SEARCH_TEXT_MAX = 100

EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;.]{2,}$")
WEBSITE = re.compile(
    r"^(?:https?://)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?::\d{1,5})?(?:[/?#]\S*)?$",
    re.IGNORECASE,
)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class Kind:
    """What is wrong with a field (the bot words it: see ui/texts/)."""

    MISSING = "missing"
    TOO_LONG = "too_long"
    BAD_EMAIL = "bad_email"
    BAD_WEBSITE = "bad_website"
    BAD_BENEFIT = "bad_benefit"


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    kind: str
    limit: int = 0
    value: str = ""


@dataclass(slots=True)
class ResourceData:
    """A cleaned, valid directory entry, not yet stored."""

    name: str
    category: str
    description: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    address: str | None = None
    hours: str | None = None
    notes: str | None = None
    is_benefit_program: bool = False

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "category": self.category,
            "description": self.description,
            "phone": self.phone,
            "email": self.email,
            "website": self.website,
            "address": self.address,
            "hours": self.hours,
            "notes": self.notes,
            "is_benefit_program": self.is_benefit_program,
        }


def one_line(text: str | None) -> str:
    return " ".join(CONTROL.sub(" ", text or "").split())


def free_text(text: str | None) -> str:
    lines = [" ".join(line.split()) for line in CONTROL.sub(" ", text or "").splitlines()]
    return "\n".join(lines).strip()


def clean(
    raw: Mapping[str, str | None], *, benefit: bool = False
) -> tuple[ResourceData | None, list[Problem]]:
    """Raw field texts → a `ResourceData`, or None with every problem found (not just the first)."""
    values: dict[str, str | None] = {}
    problems: list[Problem] = []
    for name, limit in LIMITS.items():
        text = one_line(raw.get(name)) if name in ONE_LINE else free_text(raw.get(name))
        if not text:
            if name in REQUIRED:
                problems.append(Problem(name, Kind.MISSING))
            values[name] = None
            continue
        if len(text) > limit:
            problems.append(Problem(name, Kind.TOO_LONG, limit=limit))
        values[name] = text
    email = values.get("email")
    if email and not EMAIL.match(email):
        problems.append(Problem("email", Kind.BAD_EMAIL, value=email[:60]))
    website = values.get("website")
    if website:
        if WEBSITE.match(website):
            if not website.lower().startswith(("http://", "https://")):
                values["website"] = f"https://{website}"
        else:
            problems.append(Problem("website", Kind.BAD_WEBSITE, value=website[:60]))
    if problems:
        return None, problems
    return ResourceData(
        name=values["name"] or "",
        category=values["category"] or "",
        description=values["description"],
        phone=values["phone"],
        email=values["email"],
        website=values["website"],
        address=values["address"],
        hours=values["hours"],
        notes=values["notes"],
        is_benefit_program=benefit,
    ), []


def same_key(name: str | None, address: str | None) -> tuple[str, str]:
    """What makes two entries the same: name and address, ignoring case and spacing."""
    return (one_line(name).casefold(), one_line(address).casefold())


def category_key(category: str) -> str:
    """A short, stable name for a category in callback data."""
    return hashlib.sha1(category.casefold().encode()).hexdigest()[:8]


# ── case folding that agrees on SQLite and PostgreSQL ─────────────────────────


def _python_lower(text: str | None) -> str | None:
    return text.lower() if text is not None else None


def _register_lower(sync_connection: Any) -> None:
    sync_connection.connection.dbapi_connection.create_function(
        "caseline_lower", 1, _python_lower, deterministic=True
    )


async def _lower(session: AsyncSession) -> Any:
    """The SQL function that folds case like Python's `str.lower` on this database."""
    if session.bind.dialect.name != "sqlite":
        return func.lower
    connection = await session.connection()
    await connection.run_sync(_register_lower)
    return func.caseline_lower


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def words_of(text: str) -> list[str]:
    return [word.lower() for word in one_line(text)[:SEARCH_TEXT_MAX].split()][:SEARCH_WORDS_MAX]


# ── reading ────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class ResourcePage:
    resources: list[Resource]
    page: int
    pages: int
    total: int
    words: str = ""
    category: str | None = None


async def get(session: AsyncSession, resource_id: int) -> Resource | None:
    return await session.get(Resource, resource_id)


async def categories(session: AsyncSession) -> list[tuple[str, int]]:
    """Categories of active entries with how many each holds, alphabetically."""
    lower = await _lower(session)
    statement = (
        select(Resource.category, func.count())
        .where(Resource.active.is_(True))
        .group_by(Resource.category)
        .order_by(lower(Resource.category))
    )
    return [(row[0], row[1]) for row in (await session.execute(statement)).all()]


async def category_by_key(session: AsyncSession, key: str) -> str | None:
    for category, _count in await categories(session):
        if category_key(category) == key:
            return category
    return None


async def canonical_category(session: AsyncSession, typed: str) -> str:
    """The existing spelling of a category typed in another case, else the typed one."""
    typed = one_line(typed)
    lower = await _lower(session)
    statement = (
        select(Resource.category)
        .where(lower(Resource.category) == typed.lower())
        .order_by(Resource.id)
        .limit(1)
    )
    existing = (await session.execute(statement)).scalar_one_or_none()
    return existing or typed


async def search(
    session: AsyncSession,
    *,
    words: str = "",
    category: str | None = None,
    page: int = 0,
    page_size: int = 6,
    include_archived: bool = False,
) -> ResourcePage:
    lower = await _lower(session)
    conditions: list[ColumnElement[bool]] = []
    if not include_archived:
        conditions.append(Resource.active.is_(True))
    if category is not None:
        conditions.append(Resource.category == category)
    for word in words_of(words):
        pattern = _like(word)
        conditions.append(
            or_(
                lower(Resource.name).like(pattern, escape="\\"),
                lower(func.coalesce(Resource.description, "")).like(pattern, escape="\\"),
                lower(Resource.category).like(pattern, escape="\\"),
            )
        )
    where = and_(*conditions) if conditions else None
    count = select(func.count()).select_from(Resource)
    listing = select(Resource).order_by(lower(Resource.name), Resource.id)
    if where is not None:
        count = count.where(where)
        listing = listing.where(where)
    total = (await session.execute(count)).scalar_one()
    pages = max(1, -(-total // page_size))
    page = min(max(page, 0), pages - 1)
    found = (await session.execute(listing.offset(page * page_size).limit(page_size))).scalars()
    return ResourcePage(list(found), page, pages, total, words=words, category=category)


async def find_same(
    session: AsyncSession, name: str, address: str | None, *, exclude_id: int | None = None
) -> Resource | None:
    """An entry (active or archived) with the same name and address, if any."""
    lower = await _lower(session)
    key = same_key(name, address)
    statement = (
        select(Resource).where(lower(Resource.name) == one_line(name).lower()).order_by(Resource.id)
    )
    for resource in (await session.execute(statement)).scalars():
        if resource.id != exclude_id and same_key(resource.name, resource.address) == key:
            return resource
    return None


async def every_entry(session: AsyncSession) -> list[Resource]:
    """The whole directory, archived entries included, oldest first (for the import)."""
    return list((await session.execute(select(Resource).order_by(Resource.id))).scalars())


# ── writing ────────────────────────────────────────────────────────────────────


async def create(session: AsyncSession, data: ResourceData) -> Resource:
    resource = Resource(**data.values(), active=True)
    session.add(resource)
    await session.flush()
    return resource


def apply(resource: Resource, data: ResourceData, only: frozenset[str] | None = None) -> None:
    """Copy `data` onto `resource` (only the fields named in `only`, when given)."""
    for name, value in data.values().items():
        if only is None or name in only:
            setattr(resource, name, value)


def changed_fields(
    resource: Resource, data: ResourceData, only: frozenset[str] | None = None
) -> list[str]:
    """What `apply` would change, for the audit trail (field names only, never values)."""
    return [
        name
        for name, value in data.values().items()
        if (only is None or name in only) and getattr(resource, name) != value
    ]
