"""Bulk exports alert the admins: Wanda exports a third case file today with the limit set
to 2, and each admin's phone shows who and how many — never a client — once that day;
the shell's `caseline export` counts as one person too."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot import cli
from storage.kinds import Role
from storage.machinery import AuditEvent
from tests.harness import running, settings_for
from ui import texts

BERLIN = ZoneInfo("Europe/Berlin")
ALERT = "📤 Bulk export: Wanda Worker exported 3 case files today, more than 2."


async def export_pdf(person, client_id: int) -> None:
    [history] = await person.send(f"/history C-{client_id:04d}")
    [card] = await person.press(history, texts.CARD_BACK)
    [menu] = await person.press(card, texts.CARD_EXPORT)
    sent = await person.press(menu, "PDF")
    assert [m for m in sent if m.document]


def alerts(person) -> list[str]:
    return [m.text for m in person.messages() if m.text and m.text.startswith("📤 Bulk export")]


async def bulk_events(harness) -> list[AuditEvent]:
    async with harness.db.session() as session:
        statement = select(AuditEvent).where(AuditEvent.action == "export.bulk")
        return list((await session.execute(statement.order_by(AuditEvent.id))).scalars())


async def test_more_exports_than_the_limit_in_a_day_alert_each_admin_once(
    devserver, db, db_url, clock
):
    async with running(
        devserver,
        db,
        db_url,
        clock,
        CASELINE_BULK_EXPORT_LIMIT="2",
        CASELINE_PRIVATE_PREVIEWS="1",
    ) as harness:
        wanda = await harness.seed_worker(701, "Wanda Worker")
        ada = await harness.seed_worker(801, "Ada Admin", Role.ADMIN, team=None)
        alan = await harness.seed_worker(802, "Alan Admin", Role.ADMIN, team=None)
        sam = await harness.seed_worker(803, "Sam Supervisor", Role.SUPERVISOR)
        clients = [
            await harness.seed_client(701, name=f"Maria Gonzalez{n}") for n in ("", "a", "b", "c")
        ]

        await export_pdf(wanda, clients[0])
        await export_pdf(wanda, clients[1])
        await harness.tick()
        assert alerts(ada) == [] and alerts(alan) == []

        await export_pdf(wanda, clients[2])
        await harness.tick()
        for admin in (ada, alan):
            [alert] = alerts(admin)
            assert alert.startswith(ALERT), alert
            assert "Maria" not in alert and "Gonzalez" not in alert and "C-000" not in alert
        assert alerts(sam) == [] and alerts(wanda) == []
        [event] = await bulk_events(harness)
        assert event.subject_id == await harness.worker_id(701)
        assert event.detail["count"] == 3 and event.detail["limit"] == 2

        # A fourth export the same day alerts nobody again.
        await export_pdf(wanda, clients[3])
        await harness.tick()
        assert len(alerts(ada)) == 1 and len(await bulk_events(harness)) == 1

        # The organisation's next day starts the count again.
        clock.advance(timedelta(days=1))
        for client_id in clients[:3]:
            await export_pdf(wanda, client_id)
        await harness.tick()
        assert len(alerts(ada)) == 2 and len(await bulk_events(harness)) == 2


async def test_the_shell_counts_as_one_exporter(devserver, db, db_url, clock, tmp_path):
    async with running(devserver, db, db_url, clock, CASELINE_BULK_EXPORT_LIMIT="2") as harness:
        await harness.seed_worker(701, "Wanda Worker")
        ada = await harness.seed_worker(801, "Ada Admin", Role.ADMIN, team=None)
        client_id = await harness.seed_client(701)
        for number in range(3):
            await cli.export_client_file(
                harness.db,
                f"C-{client_id:04d}",
                "csv",
                tmp_path / f"{number}.csv",
                now=clock.now(),
                zone=BERLIN,
                settings=settings_for(devserver, db_url, CASELINE_BULK_EXPORT_LIMIT="2"),
            )
        await harness.tick()
        [alert] = alerts(ada)
        assert alert.startswith("📤 Bulk export: caseline CLI exported 3 case files today")
