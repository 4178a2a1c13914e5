"""Issue 14, "a re-invited worker takes her old caseload into another team": Wanda of
North is let go, South's supervisor invites her, she joins. A re-invite never resurrects
old access: she is a new person in South with no clients, and what she held stays with
North. Driven through the real bot and the local Bot API server.
"""

from __future__ import annotations

from sqlalchemy import func, select

from domain.results import Saved
from domain.settings import load_settings
from domain.usecases import people
from domain.work import Work
from storage.kinds import ClientStatus, Role
from storage.machinery import AuditEvent
from storage.models import Client, Note, Worker
from tests.harness import button_data, settings_for
from ui import texts
from ui.callbacks import pack

WANDA, NORA, SAM = 701, 702, 703


def _work(harness) -> Work:
    settings = settings_for(harness.server, harness.db_url)
    return Work(db=harness.db, clock=harness.clock, settings=settings or load_settings({}))


async def test_a_reinvited_worker_does_not_take_her_old_caseload_into_another_team(harness):
    wanda = await harness.seed_worker(WANDA, "Wanda Worker", team="North")
    nora = await harness.seed_worker(NORA, "Nora North", Role.SUPERVISOR, team="North")
    sam = await harness.seed_worker(SAM, "Sam South", Role.SUPERVISOR, team="South")
    open_case = await harness.seed_client(WANDA, "Maria Gonzalez")  # C-0001
    closed_case = await harness.seed_client(
        WANDA, "Otto Closed", status=ClientStatus.DISCHARGED
    )  # C-0002: a closed case stays on her (old) record
    wanda_before = await harness.worker_id(WANDA)

    # North lets her go; her open client goes to North's supervisor first.
    gone = await people.deactivate(_work(harness), None, wanda_before, clients_to="supervisor")
    assert isinstance(gone, Saved)
    assert [m.text for m in await wanda.send("/clients")] == [texts.DEACTIVATED_USER]

    # South's supervisor invites her, and she joins.
    code = await harness.invite_code(Role.WORKER, team="South")
    [welcome] = await wanda.send(f"/start {code}")
    assert "Welcome" in welcome.text

    wanda_now = await harness.worker_id(WANDA)
    async with harness.db.session() as session:
        assert wanda_now != wanda_before
        old = await session.get(Worker, wanda_before)
        assert not old.active and old.telegram_user_id is None and old.chat_id is None
        [joined] = (
            await session.execute(
                select(AuditEvent).where(
                    AuditEvent.action == "invite.redeem", AuditEvent.allowed.is_(True)
                )
            )
        ).scalars()
        assert joined.actor_worker_id == wanda_now
        assert joined.detail["previous_worker_id"] == wanda_before
        assert (await session.get(Client, closed_case)).worker_id == wanda_before

    for case in (open_case, closed_case):
        # Wanda sees neither case: not on /clients, not as a card, not as an export.
        [card] = await wanda.send(f"/client C-{case:04d}")
        assert "can't find" in card.text and "Maria" not in card.text
        listing = await wanda.send("/clients")
        assert all("Maria" not in m.text and "Otto" not in m.text for m in listing)
        await wanda.press_data(listing[0].message_id, pack("ex", "csv", case))
        assert not [m for m in wanda.messages() if m.document]
        # Nor does South's supervisor.
        [card] = await sam.send(f"/client C-{case:04d}")
        assert "can't find" in card.text
        # North's supervisor still does.
        [card] = await nora.send(f"/client C-{case:04d}")
        assert f"C-{case:04d}" in card.text and "can't find" not in card.text


async def test_a_kept_draft_cannot_be_saved_after_deactivation(harness):
    """Wanda is at her note's card when she is switched off: her ✅ Save is refused at the
    gate and nothing is written."""
    wanda = await harness.seed_worker(WANDA, "Wanda Worker", team="North")
    await harness.seed_worker(NORA, "Nora North", Role.SUPERVISOR, team="North")
    await harness.seed_client(WANDA)
    ask = await wanda.send("/note")
    kinds = await wanda.press(ask[0], "C-0001")
    await wanda.press(kinds[-1], "Home visit")
    card = await wanda.send("Pantry empty")
    gone = await people.deactivate(
        _work(harness), None, await harness.worker_id(WANDA), clients_to="supervisor"
    )
    assert isinstance(gone, Saved)
    await wanda.press_data(card[-1].message_id, button_data(card[-1], "Save"))
    assert texts.DEACTIVATED_USER in wanda.toasts()[-1]
    async with harness.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(Note))).scalar_one() == 0

    # Switched on again (her client stayed with Nora), she comes back to no open dialog:
    # the old card's Save does not reopen the note, and a message is not its next step.
    back = await people.reactivate(_work(harness), None, await harness.worker_id(WANDA))
    assert isinstance(back, Saved)
    await wanda.press_data(card[-1].message_id, button_data(card[-1], "Save"))
    assert texts.STALE_BUTTON in wanda.toasts()[-1]
    assert [m.text for m in await wanda.send("more text")] == [texts.NOT_UNDERSTOOD]
    async with harness.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(Note))).scalar_one() == 0


async def test_switched_off_and_on_again_unseen_she_comes_back_to_no_open_dialog(harness):
    """Wanda never wrote while she was switched off: her note draft from before, about a
    client handed to Nora meanwhile, still does not come back."""
    wanda = await harness.seed_worker(WANDA, "Wanda Worker", team="North")
    await harness.seed_worker(NORA, "Nora North", Role.SUPERVISOR, team="North")
    await harness.seed_client(WANDA)
    ask = await wanda.send("/note")
    kinds = await wanda.press(ask[0], "C-0001")
    await wanda.press(kinds[-1], "Home visit")
    card = await wanda.send("Pantry empty")
    wanda_id = await harness.worker_id(WANDA)
    assert isinstance(
        await people.deactivate(_work(harness), None, wanda_id, clients_to="supervisor"), Saved
    )
    assert isinstance(await people.reactivate(_work(harness), None, wanda_id), Saved)
    await wanda.press_data(card[-1].message_id, button_data(card[-1], "Save"))
    assert texts.STALE_BUTTON in wanda.toasts()[-1]
    assert [m.text for m in await wanda.send("more text")] == [texts.NOT_UNDERSTOOD]
    async with harness.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(Note))).scalar_one() == 0
