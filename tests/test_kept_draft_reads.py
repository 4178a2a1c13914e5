"""Reads from inside a kept draft are checked again: a note draft whose client was
transferred away shows none of the client's goals, says the client is no longer the
worker's, and ends; each look at the goals, allowed or refused, is audited."""

from __future__ import annotations

from sqlalchemy import select

from storage.machinery import AuditEvent
from storage.models import Goal, Note, Plan
from tests.harness import buttons
from ui import texts

WANDA, WILL = 701, 703


async def _goal_looks(harness) -> list[tuple[bool, int | None]]:
    async with harness.db.session() as session:
        statement = select(AuditEvent).where(AuditEvent.action == "client.access")
        events = (await session.execute(statement.order_by(AuditEvent.id))).scalars()
        return [
            (e.allowed, e.actor_worker_id)
            for e in events
            if (e.detail or {}).get("via") == "note.goals"
        ]


async def test_goals_of_a_kept_note_draft_after_a_transfer_are_refused_and_the_dialog_ends(
    harness,
):
    wanda = await harness.seed_worker(WANDA, "Wanda Worker", team="North")
    await harness.seed_worker(WILL, "Will Worker", team="North")
    client_id = await harness.seed_client(WANDA)
    async with harness.db.session() as session:
        plan = Plan(client_id=client_id, version=1, created_at=harness.clock.now())
        session.add(plan)
        await session.flush()
        session.add(Goal(plan_id=plan.id, position=1, description="Eat two meals a day"))
    wanda_id = await harness.worker_id(WANDA)

    ask = await wanda.send("/note C-0001")
    card = await wanda.press(ask[-1], "Home visit")
    card = await wanda.send("Seen at home.")
    goals = await wanda.press(card[-1], "Goals")
    assert "Eat two meals" in "".join(label for label, _ in buttons(goals[-1]))
    card = await wanda.press(goals[-1], "Done")
    assert await _goal_looks(harness) == [(True, wanda_id)]

    # Sue hands Maria to Will; Will's plan gets a goal Wanda must not read.
    await harness.move_client(client_id, WILL)
    async with harness.db.session() as session:
        session.add(Goal(plan_id=plan.id, position=2, description="New secret goal"))

    replies = await wanda.press(card[-1], "Goals")
    assert [m.text for m in replies] == [texts.CLIENT_GONE]
    assert await _goal_looks(harness) == [(True, wanda_id), (False, wanda_id)]
    # The dialog ended: more text is not appended to the old draft and no card comes back.
    after = await wanda.send("And another thing.")
    assert all("Maria" not in m.text and "Note for" not in m.text for m in after)
    assert all("New secret goal" not in m.text for m in wanda.messages())
    async with harness.db.session() as session:
        assert (await session.execute(select(Note))).first() is None
