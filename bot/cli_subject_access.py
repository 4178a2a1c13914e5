"""`caseline subject-access --client C-0042 --output FILE.zip`: everything Caseline holds
about one client, for a data subject's request for access (GDPR art. 15).

The zip holds the case file as PDF and CSV (bot/export.py's own renderers), consents.csv,
access-log.csv (who looked at or changed the record, from the audit trail),
attachments.csv (what is attached to notes), the stored files themselves (attachments/) and
README.txt saying what each file is. The
use case (domain/usecases/subject_access.py) gathers and audits; this module checks the
command line, renders and writes. The output is checked before the database is opened,
never overwritten (it is written beside, then linked into place only if the name is still
free), and readable by its owner only. A problem is one line (SubjectAccessError, exit 2).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import mimetypes
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot import cli_files
from bot.export import csv_file, iso_time, render_csv, render_pdf
from domain.results import Gone
from domain.usecases.subject_access import SubjectAccess, subject_access
from domain.work import Work
from storage.clients import parse_code
from storage.models import client_code
from storage.names import clean_name
from storage.subject_access import AccessRow, AttachmentRow
from ui import texts

COMMAND = "subject-access"
CASE_FILE_PDF = "case-file.pdf"
CASE_FILE_CSV = "case-file.csv"
CONSENTS = "consents.csv"
ACCESS_LOG = "access-log.csv"
ATTACHMENTS = "attachments.csv"
# The stored files themselves, one a note's attachment (named in attachments.csv).
ATTACHMENT_FOLDER = "attachments"
README = "README.txt"


class SubjectAccessError(Exception):
    """A problem the operator can fix; printed as one line."""


def add_command(sub: Any) -> None:
    parser = sub.add_parser(
        COMMAND,
        help="everything held about one client, as a zip, for their request for access "
        "(GDPR art. 15); audited",
    )
    parser.add_argument("--client", required=True, help="the client's code, e.g. C-0042")
    parser.add_argument(
        "--output", required=True, metavar="FILE.zip", help="the zip to write (never overwritten)"
    )


@dataclass(frozen=True, slots=True)
class Request:
    client_id: int
    output: Path


def request_of(args: argparse.Namespace) -> Request:
    """The command line checked before the database is opened."""
    client_id = parse_code(args.client)
    if client_id is None:
        shown = repr(clean_name(args.client, limit=40))
        raise SubjectAccessError(f"not a client code: {shown} (use e.g. C-0042)")
    output = Path(args.output)
    if output.exists() or output.is_symlink():
        raise SubjectAccessError(f"{output} exists: name a new file (nothing is overwritten)")
    problem = cli_files.unwritable(output)
    if problem:
        raise SubjectAccessError(f"{problem} (--output)")
    return Request(client_id, output)


async def run(request: Request, work: Work) -> str:
    """Gather (audited), render, write; the line to print."""
    found = await subject_access(work, request.client_id)
    if isinstance(found, Gone):
        raise SubjectAccessError(f"there is no client {client_code(request.client_id)}")
    zone = ZoneInfo(work.settings.timezone)
    data = await asyncio.to_thread(render_zip, found, zone)
    try:
        await asyncio.to_thread(cli_files.write_new, request.output, data)
    except FileExistsError:
        raise SubjectAccessError(
            f"{request.output} exists: name a new file (nothing is overwritten)"
        ) from None
    except OSError as exc:
        raise SubjectAccessError(f"cannot write {request.output}: {exc.strerror or exc}") from None
    return (
        f"wrote {request.output}: {found.record.identity.code}, case file (PDF, CSV), "
        f"{len(found.record.consents)} consent(s), {len(found.access_log)} access-log "
        f"row(s), {len(found.attachments)} attachment(s)"
    )


def render_zip(found: SubjectAccess, zone: ZoneInfo) -> bytes:
    record = found.record
    members = {
        README: readme(found, zone).encode("utf-8"),
        CASE_FILE_PDF: render_pdf(record, exported_by=texts.PDF_CLI, at=found.at, zone=zone),
        CASE_FILE_CSV: render_csv(record, zone),
        CONSENTS: csv_file(
            ["recorded_at", "given", "scope", "recorded_by", "expires_on"],
            [
                [
                    iso_time(row.recorded_at, zone),
                    "yes" if row.given else "no",
                    row.scope,
                    row.recorded_by or "",
                    row.expires_on.isoformat() if row.expires_on else "",
                ]
                for row in record.consents
            ],
        ),
        ACCESS_LOG: csv_file(
            ["when", "who", "worker_id", "action", "outcome"],
            [_access_cells(row, zone) for row in found.access_log],
        ),
        ATTACHMENTS: csv_file(
            ["note", "kind", "when", "file", "telegram_file_id", "telegram_file_unique_id"],
            [_attachment_cells(row, zone) for row in found.attachments],
        ),
    }
    for row in found.attachments:
        if row.content is not None:
            members[stored_name(row)] = row.content
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, _zip_time(found.at, zone)), data)
    return buffer.getvalue()


def _access_cells(row: AccessRow, zone: ZoneInfo) -> list[str]:
    if row.worker_id is not None:
        who = clean_name(row.worker or "") or "?"
    else:
        who = "cli" if row.via_cli else "caseline"
    return [
        iso_time(row.at, zone),
        who,
        str(row.worker_id or ""),
        row.action,
        "allowed" if row.allowed else "refused",
    ]


def stored_name(row: AttachmentRow) -> str:
    """Where a stored file is in the zip: attachments/N-31-7.jpg (note, attachment id)."""
    extension = mimetypes.guess_extension(row.mime_type or "") or ".bin"
    return f"{ATTACHMENT_FOLDER}/N-{row.note_id}-{row.id}{extension}"


def _attachment_cells(row: AttachmentRow, zone: ZoneInfo) -> list[str]:
    return [
        f"N-{row.note_id}",
        row.kind,
        iso_time(row.at, zone),
        stored_name(row) if row.content is not None else "not kept by Caseline (older file)",
        row.file_id,
        row.file_unique_id or "",
    ]


def _zip_time(at: datetime, zone: ZoneInfo) -> tuple[int, int, int, int, int, int]:
    local = at.astimezone(zone)
    return (local.year, local.month, local.day, local.hour, local.minute, local.second)


def readme(found: SubjectAccess, zone: ZoneInfo) -> str:
    code = found.record.identity.code
    return f"""\
Subject access: {code}
Made {iso_time(found.at, zone)} with `caseline subject-access` (times below are in {zone.key}).

{CASE_FILE_PDF}   The case file to read: details, people, consents, plan, referrals,
                safety plan and every note, visit and change, oldest first.
{CASE_FILE_CSV}   The same record's timeline as a spreadsheet (one row per event,
                amendment and comment).
{CONSENTS}    Every consent or refusal to share information recorded for {code}:
                when, given or not, for what, who recorded it, until when.
{ACCESS_LOG}  Who looked at or changed this record, from the audit trail: when,
                who (a worker's name and id; "cli" for the operator at the
                command line; "caseline" for the system itself, e.g. a reminder),
                the action (e.g. client.view, note.create, client.export) and
                whether it was allowed or refused.
{ATTACHMENTS} Files attached to notes (voice notes, photos, documents): the
                note, the kind of file, when the note's contact was, where the
                file is in this zip, and Telegram's id for it.
{ATTACHMENT_FOLDER}/     The files themselves, as Caseline stored them (a file
                sent before Caseline stored files is named in the list only).
"""
