"""Subject access: Maria asks what the agency holds about her. The operator runs
`caseline subject-access --client C-0001 --output maria.zip` and the zip holds her case
file (PDF and CSV, with Wanda's note), her consent, who looked at her record (Wanda, when
she opened it in the chat) and what is attached to her notes; the request is audited.
A file already there, a client who does not exist and a folder that cannot be written
are each one line."""

from __future__ import annotations

import asyncio
import csv
import io
import zipfile
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from bot import cli, cli_subject_access
from domain.work import Work
from storage import attachment_contents, consents, migrate, notes
from storage.kinds import InteractionType
from storage.machinery import AuditEvent
from storage.models import Client
from tests.databases import fresh_database_url
from tests.harness import settings_for

NOTE_TEXT = "Fridge checked, pantry restocked with Maria"

# `cli.main` points logging at a test's captured stderr: put it back after each.
pytestmark = pytest.mark.usefixtures("root_logging_kept")


PHOTO = b"\xff\xd8\xff\xe0 a photo of the broken fridge"


async def seed_record(harness, worker_id: int, client_id: int) -> None:
    now = harness.clock.now()
    async with harness.db.session() as session:
        # A photo Caseline stored as it arrived; the voice note is from before (an id only).
        await attachment_contents.keep_unsaved(
            session,
            worker_id=worker_id,
            file=attachment_contents.FileContent("uniq-2", PHOTO, "image/jpeg"),
            now=now,
        )
        client = await session.get(Client, client_id)
        await notes.create_note(
            session,
            client=client,
            author_id=worker_id,
            interaction_type=InteractionType.HOME_VISIT,
            occurred_at=now - timedelta(hours=2),
            text=NOTE_TEXT,
            now=now,
            attachments=[
                notes.Attachment("voice", "AwACAgQ-file-1", "uniq-1"),
                notes.Attachment("photo", "AgACAgQ-file-2", "uniq-2"),
            ],
        )
        await consents.record(
            session,
            client_id=client_id,
            given=True,
            scope="Share with GP and food bank",
            recorded_by_id=worker_id,
            now=now,
        )


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


async def run_command(harness, *argv: str) -> str:
    """The command as `caseline` runs it, on the harness's database and clock (its schema
    is made by the tests, so `main` would ask for `caseline db upgrade` first)."""
    args = cli.build_parser().parse_args(list(argv))
    request = cli_subject_access.request_of(args)
    work = Work(
        db=harness.db, clock=harness.clock, settings=settings_for(harness.server, harness.db_url)
    )
    return await cli_subject_access.run(request, work)


async def test_the_zip_holds_the_case_file_consents_access_log_and_attachments(harness, tmp_path):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    wanda_id = await harness.worker_id(701)
    client_id = await harness.seed_client(701, name="Maria Gonzalez")
    await seed_record(harness, wanda_id, client_id)
    [history] = await wanda.send("/history C-0001")
    assert "Fridge checked" in history.text

    output = tmp_path / "maria.zip"
    said = await run_command(
        harness, "subject-access", "--client", "C-0001", "--output", str(output)
    )
    assert said.startswith(f"wrote {output}: C-0001, case file (PDF, CSV), 1 consent(s), ")
    assert output.stat().st_mode & 0o777 == 0o600

    found = members(output)
    assert sorted(found) == [
        "README.txt",
        "access-log.csv",
        "attachments.csv",
        "attachments/N-1-2.jpg",
        "case-file.csv",
        "case-file.pdf",
        "consents.csv",
    ]
    pdf_text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(found["case-file.pdf"])).pages
    )
    assert "C-0001 · Maria Gonzalez" in pdf_text and "Fridge checked" in pdf_text
    assert any(NOTE_TEXT in row[4] for row in rows(found["case-file.csv"])[1:])

    [header, consent] = rows(found["consents.csv"])
    assert header == ["recorded_at", "given", "scope", "recorded_by", "expires_on"]
    assert consent == ["2026-03-02T09:00:00+01:00", "yes", "Share with GP and food bank",
                       "Wanda Worker", ""]  # fmt: skip

    log = rows(found["access-log.csv"])
    assert log[0] == ["when", "who", "worker_id", "action", "outcome"]
    assert ["2026-03-02T09:00:00+01:00", "Wanda Worker", str(wanda_id), "client.history",
            "allowed"] in log  # fmt: skip

    [header, voice, photo] = rows(found["attachments.csv"])
    assert header == [
        "note", "kind", "when", "file", "telegram_file_id", "telegram_file_unique_id"
    ]  # fmt: skip
    assert voice == ["N-1", "voice", "2026-03-02T07:00:00+01:00",
                     "not kept by Caseline (older file)", "AwACAgQ-file-1", "uniq-1"]  # fmt: skip
    assert photo[3] == "attachments/N-1-2.jpg"
    assert found["attachments/N-1-2.jpg"] == PHOTO

    readme = found["README.txt"].decode()
    for name in ("case-file.pdf", "case-file.csv", "consents.csv", "access-log.csv"):
        assert name in readme
    assert "Europe/Berlin" in readme

    async with harness.db.session() as session:
        statement = select(AuditEvent).where(AuditEvent.action == "client.subject_access")
        [event] = (await session.execute(statement)).scalars()
    assert (event.actor_worker_id, event.client_id, event.detail) == (None, 1, {"via": "cli"})

    # Asked again, the log shows the first request as the shell's.
    again = tmp_path / "again.zip"
    await run_command(harness, "subject-access", "--client", "C-0001", "--output", str(again))
    assert ["cli", "", "client.subject_access", "allowed"] == rows(
        members(again)["access-log.csv"]
    )[-1][1:]


@pytest.mark.parametrize(
    ("client", "output", "problem"),
    [
        ("C-0001", "taken.zip", "{tmp}/taken.zip exists: name a new file (nothing is overwritten)"),
        ("C-0042", "new.zip", "there is no client C-0042"),
        ("C-0001", "no/such/folder/new.zip", "there is no folder {tmp}/no/such/folder (--output)"),
        ("Maria", "new.zip", "not a client code: 'Maria' (use e.g. C-0042)"),
    ],
)
async def test_each_refusal_is_one_line_and_writes_nothing(
    harness, tmp_path, client, output, problem
):
    await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    (tmp_path / "taken.zip").write_bytes(b"keep me")
    with pytest.raises(cli_subject_access.SubjectAccessError) as refused:
        await run_command(
            harness, "subject-access", "--client", client, "--output", str(tmp_path / output)
        )
    assert str(refused.value) == problem.format(tmp=tmp_path)
    assert (tmp_path / "taken.zip").read_bytes() == b"keep me"
    assert not (tmp_path / "new.zip").exists()


async def test_a_name_taken_while_the_zip_was_made_is_not_overwritten(harness, tmp_path):
    await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    output = tmp_path / "m.zip"
    args = cli.build_parser().parse_args(
        ["subject-access", "--client", "C-0001", "--output", str(output)]
    )
    request = cli_subject_access.request_of(args)
    output.write_bytes(b"someone else's")
    work = Work(
        db=harness.db, clock=harness.clock, settings=settings_for(harness.server, harness.db_url)
    )
    with pytest.raises(cli_subject_access.SubjectAccessError, match="exists: name a new file"):
        await cli_subject_access.run(request, work)
    assert output.read_bytes() == b"someone else's"
    assert not list(tmp_path.glob(".caseline-*"))  # no temporary file left


async def test_at_the_shell_a_refusal_is_one_line_with_exit_status_2(
    backend, tmp_path, capsys, monkeypatch
):
    async with fresh_database_url(backend, tmp_path) as url:
        await asyncio.to_thread(migrate.upgrade, url)
        monkeypatch.setenv("CASELINE_DATABASE_URL", url)
        argv = ["subject-access", "--client", "C-0042", "--output", str(tmp_path / "x.zip")]
        assert await asyncio.to_thread(cli.main, argv) == 2
        assert capsys.readouterr().err == "caseline: there is no client C-0042\n"
        assert not (tmp_path / "x.zip").exists()
