"""A risk flag reaches the supervisor: queued as facts with the note, worded when sent.

The note's use case stores who flagged it, for which client and why; the sender words
the alert from the client as they are named now, and with CASELINE_PRIVATE_PREVIEWS only
code and initials, and no reason, reach the lock screen. Alerts queued by an older
version (their text already worded) are still sent as they are."""

from __future__ import annotations

from sqlalchemy import select

from bot.reminders import planning
from storage import outbox
from storage.kinds import Role
from storage.machinery import OutboxMessage
from storage.models import Client
from tests.harness import buttons, running
from ui import texts

SUE = 710


async def _flag_a_risk(harness, reason: str) -> None:
    wanda = harness.person(701, "Wanda")
    ask = await wanda.send("/note C-0001")
    await wanda.press(ask[-1], "Home visit")
    await wanda.send("Seen at home.")
    await wanda.press(wanda.last(), "Risk")
    await wanda.send(reason)
    await wanda.press(wanda.last(), "Save")
    await harness.settle()
    await harness.state.wait_for_events(0, chat_id=SUE, kinds=["send"], timeout=10)


async def _alert_rows(harness) -> list[OutboxMessage]:
    async with harness.db.session() as session:
        statement = select(OutboxMessage).where(OutboxMessage.kind == planning.RISK)
        return list((await session.execute(statement)).scalars())


async def test_the_alert_is_worded_when_sent_from_the_facts_queued_with_the_note(harness):
    await harness.seed_worker(701, "Wanda Worker", team="North")
    sue = await harness.seed_worker(SUE, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    client_id = await harness.seed_client(701)
    await _flag_a_risk(harness, "Talked about <ending> it all")
    [row] = await _alert_rows(harness)
    assert "text" not in row.payload
    assert row.payload["reason"] == "Talked about <ending> it all"
    alert = sue.last()
    assert alert.text == (
        "⚠ Risk flagged by Wanda Worker for C-0001 Maria Gonzalez:\nTalked about <ending> it all"
    )
    # ✅ Acknowledge (tests/test_risk_followup.py) names the note; 👤 Client opens the card.
    assert buttons(alert) == [
        (texts.ACKNOWLEDGE, f"rk:ack:{row.subject_id}"),
        (texts.OPEN_CLIENT, f"cl:n:{client_id}"),
    ]


async def test_private_previews_name_code_and_initials_and_keep_the_reason_off(
    devserver, db, db_url, clock
):
    async with running(devserver, db, db_url, clock, CASELINE_PRIVATE_PREVIEWS="1") as harness:
        await harness.seed_worker(701, "Wanda Worker", team="North")
        sue = await harness.seed_worker(SUE, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
        await harness.seed_client(701)
        await _flag_a_risk(harness, "Maria fell twice this week")
        alert = sue.last()
        assert "C-0001 M.G." in alert.text and texts.RISK_REASON_ON_CARD in alert.text
        assert "Maria" not in alert.text and "fell twice" not in alert.text


async def test_an_alert_worded_by_an_older_version_is_sent_as_it_was(harness, clock):
    await harness.seed_worker(701, "Wanda Worker", team="North")
    sue = await harness.seed_worker(SUE, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    client_id = await harness.seed_client(701)
    worded = "⚠ <b>Risk flagged</b> by Wanda Worker for C-0001 Maria Gonzalez:\nFell again"
    sue_id = await harness.worker_id(SUE)
    async with harness.db.session() as session:
        await outbox.enqueue(
            session,
            key=f"risk:99:{sue_id}",
            kind="risk",
            worker_id=sue_id,
            due_at=clock.now(),
            now=clock.now(),
            client_id=client_id,
            subject_type="note",
            subject_id=99,
            payload={"text": worded, "client_id": client_id},
        )
        # Renamed since: the old row still says what it said when it was queued.
        (await session.get(Client, client_id)).name = "Maria Renamed"
    await harness.tick()
    alert = sue.last()
    assert alert.text == "⚠ Risk flagged by Wanda Worker for C-0001 Maria Gonzalez:\nFell again"
    assert buttons(alert) == [(texts.OPEN_CLIENT, f"cl:n:{client_id}")]
