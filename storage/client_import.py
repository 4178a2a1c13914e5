"""`caseline clients import FILE.csv`: an agency moving in brings its caseload.

The file has a header row; columns (any order, case and spaces ignored):

| column | required | value |
|---|---|---|
| name | yes | the client's full name (≤ 200 characters) |
| program | yes | elderly, recovery, chronic, hospice, disability or other |
| worker | yes | the name of an existing, active worker or supervisor (joined on Telegram or not) |
| contact_frequency_days | no | 1–365, default 30 |
| phone | no | ≤ 50 characters |
| address | no | free text |
| date_of_birth | no | YYYY-MM-DD |
| status | no | intake, active (default) or on_hold — only open cases are imported |
| last_contact | no | YYYY-MM-DD, not in the future (taken as noon, organisation time) |
| language | no | the preferred language, e.g. Arabic (≤ 40 characters) |
| interpreter | no | yes or no (also true/false, 1/0); empty: not asked |

Every row is checked before anything is written. One bad row and nothing is imported
(one transaction); every bad row is reported with its line number in the file. A row
with the same name and date of birth as an existing client, or as an earlier row, is
reported as a duplicate, so running an import twice adds nobody twice. Reports name
lines, columns and codes, never a value from the file: with two columns swapped, the
client's name would otherwise be printed as "not a date". Comma, semicolon or tab
separated; UTF-8 (a spreadsheet's byte-order mark is fine).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.clients import (
    FREQUENCY_RANGE,
    LANGUAGE_MAX,
    NAME_MAX,
    clean_language,
    create_client,
)
from storage.kinds import ClientStatus, Program, Role
from storage.models import OPEN_STATUSES, Client, Worker

COLUMNS = (
    "name",
    "program",
    "worker",
    "contact_frequency_days",
    "phone",
    "address",
    "date_of_birth",
    "status",
    "last_contact",
    "language",
    "interpreter",
)
REQUIRED = ("name", "program", "worker")
# Every status but discharged: a closed case is not imported.
IMPORTABLE_STATUSES = (*OPEN_STATUSES, ClientStatus.ON_HOLD)
PHONE_MAX = 50
YES_NO = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False}
YES_NO |= {"false": False, "0": False}
ADDRESS_MAX = 2000
PROGRESS_EVERY = 100
EARLIEST_BIRTH = date(1900, 1, 1)
# A guard against feeding it the wrong file (a whole database dump, say).
MAX_ROWS = 50_000

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong at a line (and a column of it); never the value found there."""

    line: int
    message: str
    column: str | None = None
    position: int | None = None  # the column's number in the file, counting from 1

    def render(self) -> str:
        if self.column is None:
            return f"line {self.line}: {self.message}"
        where = f"column {self.position} ({self.column})" if self.position else self.column
        return f"line {self.line}, {where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Sheet:
    """The file read: its rows keyed by column with their line numbers, the header's
    columns in file order, and what is wrong with the file as a whole."""

    rows: list[tuple[int, dict[str, str]]]
    problems: list[Problem]
    columns: tuple[str, ...] = ()


@dataclass(slots=True)
class ImportReport:
    rows: int = 0
    imported: list[tuple[int, str]] = field(default_factory=list)  # (line, client code)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_lines(self) -> int:
        """How many lines have a problem (a line may have several)."""
        return len({problem.line for problem in self.problems})


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    name: str
    program: Program
    worker_id: int
    frequency: int
    phone: str | None
    address: str | None
    date_of_birth: date | None
    status: ClientStatus
    last_contact: date | None
    language: str | None = None
    interpreter: bool | None = None


def decode(data: bytes) -> str:
    """The file's text; ValueError when it is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"the file is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8"
        ) from exc


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)


def read(text: str) -> Sheet:
    """Rows keyed by column, each with its line number; problems with the header."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(reader)
    except StopIteration:
        return Sheet([], [Problem(1, "the file is empty")])
    except csv.Error as exc:
        return Sheet([], [Problem(1, f"not readable as CSV ({exc})")])
    columns = [cell.strip().lower().replace(" ", "_") for cell in header]
    problems = []
    # Named by position: a file without its header row has a client's name here.
    unknown = [str(at) for at, column in enumerate(columns, start=1) if column not in COLUMNS]
    if unknown:
        problems.append(
            Problem(
                1,
                f"the header's column(s) {', '.join(unknown)} are not known (is the first "
                f"line the header?); the columns are {', '.join(COLUMNS)}",
            )
        )
    missing = [column for column in REQUIRED if column not in columns]
    if missing:
        problems.append(Problem(1, f"missing column(s) {', '.join(missing)}"))
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    if repeated:
        problems.append(Problem(1, f"column(s) given twice: {', '.join(repeated)}"))
    if problems:
        return Sheet([], problems)
    rows = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns):
                problems.append(Problem(line, f"{len(cells)} values for {len(columns)} columns"))
                continue
            cells += [""] * (len(columns) - len(cells))
            rows.append(
                (line, {column: cell.strip() for column, cell in zip(columns, cells, strict=True)})
            )
            if len(rows) > MAX_ROWS:
                return Sheet([], [Problem(line, f"more than {MAX_ROWS:,} rows; split the file")])
    except csv.Error as exc:
        problems.append(Problem(reader.line_num, f"not readable as CSV ({exc})"))
    return Sheet(rows, problems, tuple(columns))


def _day(value: str, what: str, errors: list[tuple[str, str]]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append((what, "not a date like 2026-03-01"))
        return None


async def _workers(session: AsyncSession) -> dict[str, list[Worker]]:
    found: dict[str, list[Worker]] = {}
    statement = select(Worker).where(Worker.role.in_([Role.WORKER, Role.SUPERVISOR]))
    for worker in (await session.execute(statement)).scalars():
        found.setdefault(" ".join(worker.name.split()).lower(), []).append(worker)
    return found


async def _existing(session: AsyncSession, births: set[date]) -> set[tuple[str, date]]:
    """(name, date of birth) pairs already on file, for the duplicate check."""
    known: set[tuple[str, date]] = set()
    days = sorted(births)
    for start in range(0, len(days), 500):
        rows = await session.execute(
            select(Client.name, Client.date_of_birth).where(
                Client.date_of_birth.in_(days[start : start + 500])
            )
        )
        # Lower-cased here, not in SQL: SQLite's lower() knows only ASCII.
        known.update((" ".join(name.split()).lower(), born) for name, born in rows.tuples() if born)
    return known


async def check(
    session: AsyncSession,
    rows: list[tuple[int, dict[str, str]]],
    *,
    today: date,
    progress: Progress | None = None,
    columns: tuple[str, ...] = COLUMNS,
) -> tuple[list[_Row], list[Problem]]:
    """Every row checked; a problem names its line and column, never the cell's value."""
    workers = await _workers(session)
    births: set[date] = set()
    for _, values in rows:
        try:
            births.add(date.fromisoformat(values.get("date_of_birth", "")))
        except ValueError:
            pass
    known = await _existing(session, births)
    good: list[_Row] = []
    problems: list[Problem] = []
    for count, (line, values) in enumerate(rows, start=1):
        # (column, what is wrong): any column may hold a name when two are swapped, so
        # no message repeats what the cell holds.
        errors: list[tuple[str, str]] = []
        name = " ".join(values.get("name", "").split())
        if not name:
            errors.append(("name", "missing"))
        elif len(name) < 2:
            errors.append(("name", "too short"))
        elif len(name) > NAME_MAX:
            errors.append(("name", f"longer than {NAME_MAX} characters"))
        program_text = values.get("program", "").lower()
        program = Program(program_text) if program_text in set(Program) else None
        if program is None:
            errors.append(("program", "not one of " + ", ".join(Program)))
        worker_text = " ".join(values.get("worker", "").split())
        candidates = [w for w in workers.get(worker_text.lower(), []) if w.active]
        if not worker_text:
            errors.append(("worker", "missing"))
        elif not candidates:
            errors.append(("worker", "no active worker or supervisor has this name"))
        elif len(candidates) > 1:
            errors.append(("worker", f"{len(candidates)} active workers have this name"))
        frequency_text = values.get("contact_frequency_days", "")
        frequency = 30
        if frequency_text:
            if frequency_text.isdecimal() and int(frequency_text) in FREQUENCY_RANGE:
                frequency = int(frequency_text)
            else:
                errors.append(("contact_frequency_days", "not a number of days from 1 to 365"))
        phone = values.get("phone") or None
        if phone and len(phone) > PHONE_MAX:
            errors.append(("phone", f"longer than {PHONE_MAX} characters"))
        address = values.get("address") or None
        if address and len(address) > ADDRESS_MAX:
            errors.append(("address", f"longer than {ADDRESS_MAX} characters"))
        born = _day(values.get("date_of_birth", ""), "date_of_birth", errors)
        if born is not None and not EARLIEST_BIRTH <= born <= today:
            errors.append(("date_of_birth", f"{born.isoformat()} is not a plausible birth date"))
        status_text = (values.get("status") or ClientStatus.ACTIVE).lower().replace(" ", "_")
        status = ClientStatus(status_text) if status_text in set(IMPORTABLE_STATUSES) else None
        if status is None:
            errors.append(("status", "not one of " + ", ".join(IMPORTABLE_STATUSES)))
        last_contact = _day(values.get("last_contact", ""), "last_contact", errors)
        if last_contact is not None and last_contact > today:
            errors.append(("last_contact", f"{last_contact.isoformat()} is in the future"))
        language_text = values.get("language") or ""
        language = clean_language(language_text)
        if language_text.strip() and len(language_text.strip()) > LANGUAGE_MAX:
            errors.append(("language", f"longer than {LANGUAGE_MAX} characters"))
        interpreter_text = (values.get("interpreter") or "").strip().lower()
        interpreter = YES_NO.get(interpreter_text) if interpreter_text else None
        if interpreter_text and interpreter is None:
            errors.append(("interpreter", "not yes or no"))
        if born is not None and len(name) >= 2:
            key = (name.lower(), born)
            if key in known:
                errors.append(
                    ("name", "same name and date of birth as an existing client or an earlier row")
                )
            known.add(key)
        if errors:
            problems.extend(
                Problem(line, message, column, _position(columns, column))
                for column, message in errors
            )
        else:
            assert program is not None and status is not None
            good.append(
                _Row(
                    line=line,
                    name=name,
                    program=program,
                    worker_id=candidates[0].id,
                    frequency=frequency,
                    phone=phone,
                    address=address,
                    date_of_birth=born,
                    status=status,
                    last_contact=last_contact,
                    language=language,
                    interpreter=interpreter,
                )
            )
        if progress and count % PROGRESS_EVERY == 0:
            progress(f"checked {count} of {len(rows)} rows")
    return good, problems


def _position(columns: tuple[str, ...], column: str) -> int | None:
    return columns.index(column) + 1 if column in columns else None


async def import_clients(
    session: AsyncSession,
    text: str,
    *,
    now: datetime,
    zone: ZoneInfo,
    progress: Progress | None = None,
    check_only: bool = False,
) -> ImportReport:
    """Check every row, then (when all are good and not `check_only`) add them all.

    The caller's session is the one transaction: raise or roll back and nothing stays.
    """
    sheet = read(text)
    rows = sheet.rows
    report = ImportReport(rows=len(rows), problems=sheet.problems)
    if sheet.problems:
        return report
    good, problems = await check(
        session,
        rows,
        today=now.astimezone(zone).date(),
        progress=progress,
        columns=sheet.columns,
    )
    report.problems = problems
    if progress:
        progress(f"checked {len(rows)} rows: {report.bad_lines} with problems")
    if problems or check_only:
        return report
    for count, row in enumerate(good, start=1):
        client = await create_client(
            session,
            name=row.name,
            program=row.program,
            contact_frequency_days=row.frequency,
            worker_id=row.worker_id,
            now=now,
            status=row.status,
        )
        client.phone = row.phone
        client.address = row.address
        client.date_of_birth = row.date_of_birth
        client.language = row.language
        client.interpreter = row.interpreter
        if row.last_contact is not None:
            # Noon of that day, but never after now (the import runs at 09:00 on the day
            # a contact is dated): a last contact is one that happened.
            noon = datetime.combine(row.last_contact, time(12), tzinfo=zone)
            client.last_contact_at = min(noon, now)
        await audit.record(
            session,
            "client.import",
            now=now,
            subject_type="client",
            subject_id=client.id,
            client_id=client.id,
            detail={"via": "cli", "line": row.line},
        )
        report.imported.append((row.line, client.code))
        if progress and count % PROGRESS_EVERY == 0:
            progress(f"imported {count} of {len(good)}")
    await session.flush()
    if progress:
        progress(f"imported {len(good)} clients")
    return report
