"""`caseline resources import FILE.csv` — the resource directory from a spreadsheet.

The file:
- UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8"). Comma-separated; a
  semicolon or tab is used instead when the header line holds more of those (Excel in many
  European locales saves with semicolons).
- The first line names the columns, in any order and any case: name, category, description,
  phone, email, website, address, hours, notes, benefit. name and category are required;
  the others may be left out. An unknown or repeated column name is an error (a typo such
  as "adress" would otherwise drop a column silently); columns without a name are ignored
  as long as they hold nothing.
- benefit: yes/no (also y/n, true/false, 1/0, x, or empty for no) — a benefit program, whose
  referrals are benefits applications.
- A value may span lines inside quotes; blank lines are skipped. Line numbers in the report
  are the file's own lines (a row's first line), as a spreadsheet or editor shows them.

What happens:
1. Every row is read and validated first (storage.resources.clean: required fields, lengths,
   email and web-address shape; benefit; two rows with the same name and address). Every
   problem is reported with its line number.
2. If any row is bad, nothing is imported at all.
3. Otherwise everything is written in ONE transaction: a row with the same name and address
   (case and spacing ignored) as an entry already in the directory updates that entry
   instead of adding a second one — the report names those lines. Only the columns the file
   has are updated (an empty cell clears a value; a missing column leaves it); an archived
   entry that the file lists again is restored. A category typed in another case takes the
   spelling already in use. `progress(done, total)` is called every `every` rows and at the end.
   A failure half-way rolls the whole import back.
4. One audit event, resource.import, with the counts.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.cli_errors import schema_problem
from storage import audit, schema
from storage import resources as directory
from storage.db import Database
from storage.models import Resource
from storage.resources import Kind, Problem, ResourceData
from ui import texts

COLUMNS = (
    "name",
    "category",
    "description",
    "phone",
    "email",
    "website",
    "address",
    "hours",
    "notes",
    "benefit",
)
REQUIRED_COLUMNS = ("name", "category")
FIELD_OF = {"benefit": "is_benefit_program"}
YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0", ""}
MAX_ROWS = 20_000
MAX_BYTES = 20 * 1024 * 1024
PROGRESS_EVERY = 100


class ResourceImportError(Exception):
    """The import cannot start (file unreadable, database not ready); one line to print."""


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    restored: int = 0
    # (line, message) for every bad row; when not empty, nothing was imported.
    errors: list[tuple[int, str]] = field(default_factory=list)
    # (line, name) of rows that updated an entry already in the directory.
    updates: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    data: ResourceData
    # The fields the file has columns for: an update leaves the others as they are.
    fields: frozenset[str]


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {mark: header.count(mark) for mark in (",", ";", "\t")}
    best = max(counts, key=lambda mark: counts[mark])
    return best if counts[best] > counts[","] else ","


def _benefit(value: str | None) -> bool | None:
    text = (value or "").strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    return None


def _header(cells: list[str], report: ImportReport) -> list[str | None] | None:
    """Column names by position (None for unnamed columns), or None after reporting why not."""
    names = [cell.strip().lstrip("\ufeff").strip().lower() or None for cell in cells]
    named = [name for name in names if name]
    unknown = [name for name in named if name not in COLUMNS]
    repeated = sorted({name for name in named if named.count(name) > 1})
    missing = [name for name in REQUIRED_COLUMNS if name not in named]
    if unknown:
        report.errors.append((1, texts.import_unknown_columns(unknown)))
    if repeated:
        report.errors.append((1, texts.import_repeated_columns(repeated)))
    if missing:
        report.errors.append((1, texts.import_missing_columns(missing)))
    return None if report.errors else names


def read_rows(text: str, report: ImportReport) -> list[_Row]:
    """Parse and validate every row; problems go into `report.errors`."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[_Row] = []
    names: list[str | None] | None = None
    seen: dict[tuple[str, str], int] = {}
    end = 0
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.errors.append((reader.line_num, texts.import_unreadable(str(exc))))
            break
        end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if names is None:
            names = _header(cells, report)
            if names is None:
                return []
            continue
        report.rows += 1
        if report.rows > MAX_ROWS:
            report.errors.append((start, texts.import_too_many_rows(MAX_ROWS)))
            break
        row = _row(start, cells, names, seen, report)
        if row is not None:
            rows.append(row)
    if names is None and not report.errors:
        report.errors.append((1, texts.IMPORT_EMPTY))
    elif names is not None and not report.rows and not report.errors:
        report.errors.append((1, texts.IMPORT_NO_ROWS))
    return rows


def _row(
    line: int,
    cells: list[str],
    names: list[str | None],
    seen: dict[tuple[str, str], int],
    report: ImportReport,
) -> _Row | None:
    messages: list[str] = []
    if len(cells) > len(names):
        if any(cell.strip() for cell in cells[len(names) :]):
            messages.append(texts.import_too_many_values(len(cells), len(names)))
        cells = cells[: len(names)]
    raw: dict[str, str] = {}
    for column, (name, cell) in enumerate(zip(names, cells, strict=False), 1):
        if name is None:
            if cell.strip():
                messages.append(texts.import_unnamed_value(column))
            continue
        raw[name] = cell
    problems: list[Problem] = []
    benefit = _benefit(raw.get("benefit"))
    if benefit is None:
        problems.append(Problem("benefit", Kind.BAD_BENEFIT, value=raw["benefit"].strip()[:20]))
    data, found = directory.clean(raw, benefit=bool(benefit))
    problems = found + problems
    messages += [texts.problem(problem) for problem in problems]
    if data is not None and not messages:
        key = directory.same_key(data.name, data.address)
        if key in seen:
            messages.append(texts.import_same_as(seen[key]))
        else:
            seen[key] = line
    if messages:
        report.errors.append((line, "; ".join(dict.fromkeys(messages))))
        return None
    assert data is not None
    fields = frozenset(FIELD_OF.get(name, name) for name in names if name)
    return _Row(line, data, fields)


def _read(file: Path) -> bytes:
    try:
        if file.stat().st_size > MAX_BYTES:
            raise ResourceImportError(f"{file} is larger than {MAX_BYTES // 1024 // 1024} MB")
        return file.read_bytes()
    except OSError as exc:
        raise ResourceImportError(f"cannot read {file}: {exc.strerror or exc}") from exc


def _decode(content: bytes, report: ImportReport) -> str | None:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.errors.append((content.count(b"\n", 0, exc.start) + 1, texts.IMPORT_NOT_UTF8))
        return None


async def import_resources(
    db: Database,
    path: str | Path,
    *,
    now: datetime,
    progress: Callable[[int, int], None],
    every: int = PROGRESS_EVERY,
) -> ImportReport:
    """Validate the whole file, then import it all in one transaction — or nothing."""
    file = Path(path)
    content = await asyncio.to_thread(_read, file)
    report = ImportReport()
    text = _decode(content, report)
    rows = read_rows(text, report) if text is not None else []
    if report.errors:
        report.errors.sort(key=lambda item: item[0])
        return report
    total = len(rows)
    async with db.session() as session:
        entries = await directory.every_entry(session)
        by_key: dict[tuple[str, str], Resource] = {}
        spelling: dict[str, str] = {}
        for entry in entries:
            by_key.setdefault(directory.same_key(entry.name, entry.address), entry)
            spelling.setdefault(entry.category.casefold(), entry.category)
        for done, row in enumerate(rows, 1):
            data = row.data
            data.category = spelling.setdefault(data.category.casefold(), data.category)
            existing = by_key.get(directory.same_key(data.name, data.address))
            if existing is None:
                session.add(Resource(**data.values(), active=True))
                report.imported += 1
            else:
                changed = directory.changed_fields(existing, data, row.fields)
                if not existing.active:
                    existing.active = True
                    report.restored += 1
                    changed.append("active")
                if changed:
                    directory.apply(existing, data, row.fields)
                    report.updated += 1
                    report.updates.append((row.line, data.name))
                else:
                    report.unchanged += 1
            if done % every == 0:
                await session.flush()
                progress(done, total)
        await audit.record(
            session,
            "resource.import",
            now=now,
            subject_type="resource",
            detail={
                "file": file.name,
                "rows": report.rows,
                "imported": report.imported,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "restored": report.restored,
            },
        )
    if total % every:
        progress(total, total)
    return report


def report_lines(report: ImportReport) -> list[str]:
    """What the CLI prints after the progress lines (plain text)."""
    if report.errors:
        return [texts.import_rejected(len(report.errors))] + [
            texts.import_line(line, message) for line, message in report.errors
        ]
    lines = [texts.import_updated(line, name) for line, name in report.updates]
    lines.append(
        texts.import_done(report.imported, report.updated, report.unchanged, report.restored)
    )
    return lines


async def run_import(database_url: str, path: str, *, now: datetime, out=print) -> int:
    """The whole CLI command: 0 when imported, 1 when rows were rejected (nothing imported).
    Raises ResourceImportError for a problem to print as one line (file, schema)."""
    db = Database(database_url)
    try:
        problem = schema_problem(await schema.revisions(db))
        if problem:
            raise ResourceImportError(problem)
        report = await import_resources(
            db,
            path,
            now=now,
            progress=lambda done, total: out(texts.import_progress(done, total)),
        )
    finally:
        await db.dispose()
    for line in report_lines(report):
        out(line)
    return 0 if report.ok else 1
