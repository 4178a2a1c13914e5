"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite has no time zones and hands back naive datetimes; PostgreSQL hands back
    aware ones. Code above storage must never see the difference, and never store
    local time by accident, so naive values are refused on the way in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone first")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class _CommaSet(TypeDecorator[frozenset[Any]]):
    """A small set kept as comma-separated text ("6,7"), read and written as a frozenset.

    The stored form is the one the column always had, so no data migration is needed and
    older backups read back unchanged; no code above storage ever splits the text. Unknown
    parts (junk typed into the database by hand) are dropped on the way out. A plain `str`
    is refused on the way in: iterating "6,7" would store its characters.
    """

    impl = String
    cache_ok = True

    def _part(self, text: str) -> Any:
        raise NotImplementedError

    def process_bind_param(self, value: frozenset[Any] | None, dialect: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            raise TypeError(f"{type(self).__name__} takes a set, not the text {value!r}")
        return ",".join(str(part) for part in sorted(value))

    def process_result_value(self, value: str | None, dialect: Any) -> frozenset[Any] | None:
        if value is None:
            return None
        found = set()
        for raw in value.split(","):
            try:
                found.add(self._part(raw.strip()))
            except ValueError:
                continue
        return frozenset(found)


class WeekdaySet(_CommaSet):
    """ISO weekday numbers (1 = Monday … 7 = Sunday), stored as "6,7"."""

    cache_ok = True

    def _part(self, text: str) -> int:
        if not text.isdecimal() or not 1 <= int(text) <= 7:
            raise ValueError(text)
        return int(text)


class NameSet(_CommaSet):
    """Short names without commas (reminder kinds), stored as "agenda,digest"."""

    cache_ok = True

    def _part(self, text: str) -> str:
        if not text:
            raise ValueError(text)
        return text

    def process_bind_param(self, value: frozenset[Any] | None, dialect: Any) -> str | None:
        if value is not None and any("," in str(part) for part in value):
            raise ValueError(f"a name in {sorted(value)} holds a comma")
        return super().process_bind_param(value, dialect)


JSONType = JSON().with_variant(JSONB(), "postgresql")


class plus_days(FunctionElement[datetime]):  # noqa: N801 (an SQL function's name)
    """`moment + days × 24 hours` in SQL, exact to the microsecond, for a column of days:
    what Python's `moment + timedelta(days=days)` computes. SQLite and PostgreSQL share no
    way to add a column of days to a timestamp, so each dialect gets its own words."""

    type = UTCDateTime()
    inherit_cache = True
    name = "plus_days"


@compiles(plus_days)
def _plus_days_postgresql(element: plus_days, compiler: SQLCompiler, **kw: Any) -> str:
    # Hours, not days: PostgreSQL adds a day interval in the session's zone (23 or 25
    # hours across a clock change); hours are absolute.
    moment, days = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({moment} + make_interval(hours => ({days}) * 24))"


@compiles(plus_days, "sqlite")
def _plus_days_sqlite(element: plus_days, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff'. Its date arithmetic rounds to the
    # millisecond, so the whole seconds go through it and the fraction is kept as written.
    moment, days = (compiler.process(clause, **kw) for clause in element.clauses)
    return (
        f"(strftime('%Y-%m-%d %H:%M:%S', substr({moment}, 1, 19), '+' || ({days}) || ' days')"
        f" || substr({moment}, 20))"
    )


class plus_minutes(FunctionElement[datetime]):  # noqa: N801 (an SQL function's name)
    """`moment + minutes` in SQL, for a column of minutes (an appointment's duration):
    what Python's `moment + timedelta(minutes=minutes)` computes, on both dialects."""

    type = UTCDateTime()
    inherit_cache = True
    name = "plus_minutes"


@compiles(plus_minutes)
def _plus_minutes_postgresql(element: plus_minutes, compiler: SQLCompiler, **kw: Any) -> str:
    moment, minutes = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({moment} + make_interval(mins => ({minutes})))"


@compiles(plus_minutes, "sqlite")
def _plus_minutes_sqlite(element: plus_minutes, compiler: SQLCompiler, **kw: Any) -> str:
    # As plus_days: whole seconds through SQLite's date arithmetic, the fraction as written.
    moment, minutes = (compiler.process(clause, **kw) for clause in element.clauses)
    return (
        f"(strftime('%Y-%m-%d %H:%M:%S', substr({moment}, 1, 19), '+' || ({minutes}) || "
        f"' minutes') || substr({moment}, 20))"
    )
