"""Issue 19, the EVV export and the paper visit sheet: an agency takes its verified and
unverified visits out — one CSV row per visit with the six federal elements and the
exception codes, in the column layout the README documents, and one client's month as a
PDF to sign. Checked-in visits come from real check-ins through the bot; the operator's
commands run in their own process, say what to fix in one line, and are audited."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pypdf import PdfReader
from sqlalchemy import select

from bot import cli_evv
from bot.evv_export import COLUMNS
from domain.rules import evv as rules
from storage import migrate
from storage.clients import create_client
from storage.db import Database
from storage.kinds import AppointmentStatus, EvvStatus, InteractionType, Program, Role
from storage.machinery import AuditEvent
from storage.models import Appointment, Client
from storage.workers import create_worker, get_or_create_team
from tests.databases import fresh_database_url
from ui import texts

ROOT = Path(__file__).resolve().parent.parent
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
HOME = (52.52000, 13.40500)
NEAR = (52.52050, 13.40520)  # about 57 m from the home
FAR = (52.53800, 13.40500)  # about 2 km north
WANDA = 701


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def new_york(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK).astimezone(UTC)


def _rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    header, *rows = list(reader)
    assert tuple(header) == COLUMNS
    return [dict(zip(header, row, strict=True)) for row in rows]


async def _audits(db: Database, action: str) -> list[AuditEvent]:
    async with db.session() as session:
        statement = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list((await session.execute(statement)).scalars())


def test_the_columns_are_the_ones_the_readme_documents():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The EVV export and the visit sheet", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)
    assert tuple(documented) == COLUMNS


def test_a_visit_is_verified_only_from_both_ends():
    start = berlin(2026, 3, 2, 10)
    assert rules.reported(None, None, ()) == rules.Reported(EvvStatus.UNVERIFIED, ["no_check_in"])
    assert rules.reported(start, None, ()).exceptions == ["no_check_out"]
    assert rules.reported(start, None, {"missing_checkout"}).exceptions == ["missing_checkout"]
    both = rules.reported(start, start + timedelta(hours=1), ())
    assert both == rules.Reported(EvvStatus.VERIFIED, [])
    odd = rules.reported(start, start, {"late_start", "no_location", "bogus"})
    assert odd.exceptions == ["no_location", "late_start"]


# ── real check-ins through the bot ─────────────────────────────────────────────


async def _home_visit(harness, client_id: int, starts_at: datetime) -> int:
    return await harness.seed_appointment(WANDA, client_id, starts_at)


async def _check_in(person, code: str, at: tuple[float, float]):
    """📍 Check in on the appointment's card from /today, then the phone's location:
    the card, and what was said."""
    today, *_ = await person.send("/today")
    [card] = await person.press(today, code)
    await person.press(card, texts.CHECK_IN)
    answers = await person.share_location(*at)
    card = next(m for m in person.messages() if m.message_id == card.message_id)
    return card, [m for m in answers if m.message_id != card.message_id]


async def test_real_check_ins_are_exported_with_the_federal_elements(harness, clock):
    clock.set(berlin(2026, 3, 2, 10, 2))
    wanda = await harness.seed_worker(WANDA, "Wanda Worker")
    home = {"home_latitude": HOME[0], "home_longitude": HOME[1]}
    maria = await harness.seed_client(WANDA, **home)
    jorge = await harness.seed_client(WANDA, "Jorge Bäcker", **home)
    first = await _home_visit(harness, maria, berlin(2026, 3, 2, 10, 0))
    second = await _home_visit(harness, jorge, berlin(2026, 3, 2, 14, 0))

    # Maria: in at 10:02 near her home, out at 11:05 at it, the visit logged.
    card, _ = await _check_in(wanda, "C-0001", NEAR)
    clock.set(berlin(2026, 3, 2, 11, 5))
    await wanda.press(card, texts.CHECK_OUT)
    _, log = await wanda.share_location(*HOME)
    await wanda.press(log, "Save")
    # Jorge: in at 14:20, 2 km away ("GPS poor"), not checked out yet.
    clock.set(berlin(2026, 3, 2, 14, 20))
    _, [_, why] = await _check_in(wanda, "C-0002", FAR)
    await wanda.press(why, "GPS poor")
    # A home visit logged with nobody checked in, an office visit, and the next day's.
    worker_id = await harness.worker_id(WANDA)
    async with harness.db.session() as session:
        unchecked, *_ = added = [
            Appointment(
                client_id=maria,
                worker_id=worker_id,
                starts_at=starts_at,
                duration_minutes=30,
                kind=kind,
                status=AppointmentStatus.COMPLETED,
                created_at=starts_at,
                completed_at=starts_at,
            )
            for starts_at, kind in (
                (berlin(2026, 3, 2, 16, 0), InteractionType.HOME_VISIT),
                (berlin(2026, 3, 2, 17, 0), InteractionType.OFFICE),
                (berlin(2026, 3, 3, 9, 0), InteractionType.HOME_VISIT),
            )
        ]
        session.add_all(added)
        await session.flush()
        unchecked_id = unchecked.id

    work = harness.application.bot_data["services"]
    request = cli_evv.ExportRequest(date(2026, 3, 2), date(2026, 3, 2), None, None)
    done = await cli_evv.run(request, work)
    assert done.summary == "exported 3 visit(s), 2 unverified, 2026-03-02 to 2026-03-02"
    verified, far, logged = _rows(done.data)
    assert verified == {
        "visit_id": str(first),
        "visit_status": "completed",
        "service_type": "home_visit",
        "program": "elderly",
        "client_code": "C-0001",
        "client_name": "Maria Gonzalez",
        "client_medicaid_id": "",
        "worker_id": str(worker_id),
        "worker_name": "Wanda Worker",
        "visit_date": "2026-03-02",
        "appointment_start_local": "2026-03-02T10:02:00+01:00",  # as the visit log set it
        "check_in_utc": "2026-03-02T09:02:00+00:00",
        "check_out_utc": "2026-03-02T10:05:00+00:00",
        "check_in_local": "2026-03-02T10:02:00+01:00",
        "check_out_local": "2026-03-02T11:05:00+01:00",
        "duration_minutes": "63",
        "check_in_latitude": "52.520500",
        "check_in_longitude": "13.405200",
        "check_in_accuracy_m": "12",
        "check_in_distance_m": "57",
        "check_in_out_of_radius_reason": "",
        "check_out_latitude": "52.520000",
        "check_out_longitude": "13.405000",
        "check_out_accuracy_m": "12",
        "check_out_distance_m": "0",
        "check_out_out_of_radius_reason": "",
        "verification": "verified",
        "exception_codes": "",
        "time_edit_reason": "",
    }
    assert (far["visit_id"], far["client_code"], far["client_name"]) == (
        str(second),
        "C-0002",
        "Jorge Bäcker",
    )
    assert far["visit_status"] == "scheduled" and far["check_out_utc"] == ""
    assert (far["check_in_local"], far["duration_minutes"]) == ("2026-03-02T14:20:00+01:00", "")
    assert (far["check_in_distance_m"], far["check_in_out_of_radius_reason"]) == (
        "2002",
        "gps_poor",
    )
    assert far["verification"] == "unverified"
    assert far["exception_codes"] == "outside_radius;late_start;no_check_out"
    assert logged["visit_id"] == str(unchecked_id) and logged["visit_status"] == "completed"
    assert logged["check_in_utc"] == logged["check_in_latitude"] == ""
    assert (logged["verification"], logged["exception_codes"]) == ("unverified", "no_check_in")

    [audited] = await _audits(harness.db, "evv.export")
    assert (audited.actor_worker_id, audited.client_id, audited.allowed) == (None, None, True)
    assert audited.detail == {
        "from": "2026-03-02",
        "to": "2026-03-02",
        "team": None,
        "rows": 3,
        "via": "cli",
    }
    # The positions are in the file, never in the audit trail.
    assert "52.52" not in str(audited.detail)


# ── the commands in their own process ──────────────────────────────────────────


async def _caseline(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, bytes, str]:
    """`caseline …` in its own process: exit status, stdout (bytes), stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out, err.decode()


async def _seed_new_york(db: Database) -> dict[str, int]:
    """North (Wanda, Maria C-0001) and South (Sam, a client whose name is a formula,
    C-0002), visits on both sides of March's edges in New York."""
    now = new_york(2026, 2, 1, 9, 0)
    ids: dict[str, int] = {}
    async with db.session() as session:
        north = await get_or_create_team(session, "North", now)
        south = await get_or_create_team(session, "South", now)
        wanda = await create_worker(
            session, name="Wanda Worker", role=Role.WORKER, now=now, team=north
        )
        sam = await create_worker(session, name="Sam South", role=Role.WORKER, now=now, team=south)
        maria = await create_client(
            session,
            name="Maria Gonzalez",
            program=Program.ELDERLY,
            contact_frequency_days=14,
            worker_id=wanda.id,
            now=now,
        )
        evil = await create_client(
            session,
            name='=HYPERLINK("http://evil.example","click")',
            program=Program.DISABILITY,
            contact_frequency_days=14,
            worker_id=sam.id,
            now=now,
        )
        await session.flush()
        ids.update(north=north.id, south=south.id, maria=maria.id, evil=evil.id)
        visits: dict[str, Appointment] = {}

        def visit(key: str, worker_id: int, client_id: int, starts_at: datetime, **fields) -> None:
            fields.setdefault("status", AppointmentStatus.COMPLETED)
            visits[key] = Appointment(
                client_id=client_id,
                worker_id=worker_id,
                starts_at=starts_at,
                duration_minutes=60,
                kind=InteractionType.HOME_VISIT,
                created_at=now,
                **fields,
            )
            session.add(visits[key])

        def checked(at: datetime, minutes: int | None, exceptions: set[str]) -> dict:
            out = at + timedelta(minutes=minutes) if minutes else None
            return {
                "check_in_at": at,
                "check_in_latitude": 40.7128,
                "check_in_longitude": -74.006,
                "check_in_accuracy": 8.5,
                "check_in_distance": 12,
                "check_out_at": out,
                "check_out_latitude": 40.71285 if out else None,
                "check_out_longitude": -74.00605 if out else None,
                "check_out_distance": 9 if out else None,
                "evv_status": "unverified" if exceptions else "verified",
                "evv_exceptions": frozenset(exceptions),
            }

        first = new_york(2026, 3, 1, 0, 10)  # 05:10 UTC on 1 March
        visit("first", wanda.id, maria.id, first, **checked(first, 50, set()))
        before = new_york(2026, 2, 28, 23, 50)  # already 1 March in UTC
        visit("before", wanda.id, maria.id, before, **checked(before, 30, set()))
        last = new_york(2026, 3, 31, 23, 30)  # already 1 April in UTC
        open_ = checked(last, None, {"missing_checkout"})
        visit("last", sam.id, evil.id, last, status=AppointmentStatus.SCHEDULED, **open_)
        after = new_york(2026, 4, 1, 0, 5)
        visit("after", sam.id, evil.id, after, **checked(after, 30, set()))
        visit("no_show", wanda.id, maria.id, new_york(2026, 3, 15, 10), status="no_show")
        visit("cancelled", wanda.id, maria.id, new_york(2026, 3, 16, 10), status="cancelled")
        await session.flush()
        return ids | {key: row.id for key, row in visits.items()}


async def test_the_export_and_the_sheet_at_the_shell(backend, tmp_path):
    async with fresh_database_url(backend, tmp_path) as url:
        await asyncio.to_thread(migrate.upgrade, url)
        db = Database(url)
        try:
            ids = await _seed_new_york(db)
            env = {"CASELINE_DATABASE_URL": url, "CASELINE_TIMEZONE": "America/New_York"}

            async def caseline(*args: str, **extra: str) -> tuple[int, bytes, str]:
                return await _caseline(*args, env={**env, **extra}, cwd=tmp_path)

            # March in New York, to stdout; what was exported on stderr.
            code, out, err = await caseline(
                "evv", "export", "--from", "2026-03-01", "--to", "2026-03-31"
            )
            assert code == 0, err
            assert err == "exported 3 visit(s), 2 unverified, 2026-03-01 to 2026-03-31\n"
            rows = _rows(out)
            assert [row["visit_id"] for row in rows] == [
                str(ids["first"]),
                str(ids["no_show"]),
                str(ids["last"]),
            ]
            first, no_show, last = rows
            assert [row["visit_date"] for row in rows] == ["2026-03-01", "2026-03-15", "2026-03-31"]
            assert first["check_in_utc"] == "2026-03-01T05:10:00+00:00"
            assert first["check_in_local"] == "2026-03-01T00:10:00-05:00"
            assert first["duration_minutes"] == "50" and first["verification"] == "verified"
            # A number stays a number: a western longitude is not a formula.
            assert (first["check_in_latitude"], first["check_in_longitude"]) == (
                "40.712800",
                "-74.006000",
            )
            assert first["check_in_accuracy_m"] == "8.5"
            assert (no_show["visit_status"], no_show["exception_codes"]) == (
                "no_show",
                "no_check_in",
            )
            assert no_show["appointment_start_local"] == "2026-03-15T10:00:00-04:00"  # DST
            assert last["check_in_utc"] == "2026-04-01T03:30:00+00:00"
            assert (last["verification"], last["exception_codes"]) == (
                "unverified",
                "missing_checkout",
            )
            # The client called =HYPERLINK(…) stays text in a spreadsheet.
            assert last["client_name"] == """'=HYPERLINK("http://evil.example","click")"""
            assert (last["program"], last["worker_name"]) == ("disability", "Sam South")

            # One team, to a file readable by its owner only.
            target = tmp_path / "south.csv"
            code, out, err = await caseline(
                "evv", "export", "--from", "2026-03-01", "--to", "2026-03-31",
                "--team", "South", "--output", str(target),
            )  # fmt: skip
            assert code == 0 and err == ""
            assert out.decode() == (
                f"wrote {target}: 1 visit(s), 1 unverified, 2026-03-01 to 2026-03-31, team South\n"
            )
            assert [row["visit_id"] for row in _rows(target.read_bytes())] == [str(ids["last"])]
            assert os.stat(target).st_mode & 0o777 == 0o600

            # The paper sheet of Maria's March, in the working directory.
            code, out, err = await caseline(
                "evv", "sheet", "--client", "C-0001", "--month", "2026-03"
            )
            sheet = tmp_path / "C-0001-2026-03-visits.pdf"
            assert code == 0 and out.decode() == f"wrote {sheet}: C-0001, 2026-03, 2 visit(s)\n"
            assert os.stat(sheet).st_mode & 0o777 == 0o600
            text = "\n".join(page.extract_text() for page in PdfReader(sheet).pages)
            assert "Confidential" in text and "Visit sheet · March 2026" in text
            assert "Client: C-0001 · Maria Gonzalez" in text and "Worker: Wanda Worker" in text
            assert "Sun 1 Mar 2026 Completed 00:10 01:00 50 Verified" in text
            assert "Sun 15 Mar 2026 No-show Unverified no check-in" in text
            assert "2 visits, 1 verified." in text
            assert "Client signature" in text and "Worker signature (Wanda Worker)" in text
            assert "not a state-certified EVV system" in text
            assert "Feb 2026" not in text and "Apr 2026" not in text
            # In the organisation's language.
            german = tmp_path / "c2.pdf"
            code, _, err = await caseline(
                "evv", "sheet", "--client", "C-0002", "--month", "2026-03",
                "--output", str(german), CASELINE_LANGUAGE="de",
            )  # fmt: skip
            assert code == 0, err
            text = "\n".join(page.extract_text() for page in PdfReader(german).pages)
            assert "Besuchsnachweis · März 2026" in text and "fehlendes Auschecken" in text
            assert '=HYPERLINK("http://evil.example","click")' in text  # on paper, as it is

            # Every mistake: one line saying what to fix, exit 2, nothing written.
            period = ("--from", "2026-03-01", "--to", "2026-03-31")
            mistakes = {
                ("export", "--from", "2026-02-30", "--to", "2026-03-31"): "--from: not a date",
                ("export", "--from", "2026-03-31", "--to", "2026-03-01"): "is after --to",
                ("export", *period, "--team", "Nowhere"): "there is no team 'Nowhere'",
                ("export", *period, "--output", str(tmp_path / "no" / "x.csv")): "no folder",
                ("export", *period, "--output", str(tmp_path)): "is a folder",
                ("sheet", "--client", "C-0001", "--month", "2026-13"): "not a month",
                ("sheet", "--client", "Maria", "--month", "2026-03"): "not a client code",
                ("sheet", "--client", "C-0099", "--month", "2026-03"): "no client C-0099",
            }
            answers = await asyncio.gather(*(caseline("evv", *args) for args in mistakes))
            for (args, expected), (code, out, err) in zip(mistakes.items(), answers, strict=True):
                assert code == 2 and out == b"", args
                assert len(err.splitlines()) == 1 and err.startswith("caseline: "), err
                assert expected in err and "Traceback" not in err, (args, err)
            assert not (tmp_path / "no").exists()

            exports = await _audits(db, "evv.export")
            march = {"from": "2026-03-01", "to": "2026-03-31", "via": "cli"}
            assert [
                (event.actor_worker_id, event.subject_id, event.detail) for event in exports
            ] == [
                (None, None, {**march, "team": None, "rows": 3}),
                (None, ids["south"], {**march, "team": ids["south"], "rows": 1}),
            ]
            sheets = await _audits(db, "evv.sheet")
            assert [(event.client_id, event.detail["rows"]) for event in sheets] == [
                (ids["maria"], 2),
                (ids["evil"], 1),
            ]
            assert all(event.actor_worker_id is None for event in sheets)
            async with db.session() as session:
                assert (await session.get(Client, ids["evil"])).name.startswith("=HYPERLINK")
        finally:
            await db.dispose()
