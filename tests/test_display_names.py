"""A Telegram display name is chosen by whoever holds the account: it reaches Caseline
cleaned of control and direction-override characters (a name must not reverse a
supervisor's alert line or send escapes to an operator's terminal), while letters of
every script and the joiners they need stay as typed."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.cli import audit_listing
from storage.kinds import Role
from storage.models import Worker
from tests.harness import Person

SUE = 710
EVE = 801
AMIRA = 802
# U+202E reverses what follows; ESC [31m would paint an operator's terminal red.
HOSTILE_FIRST, HOSTILE_LAST = "Eve\u202eevil", "\x1b[31mRed\x1b[0m"
CLEANED = "Eveevil [31mRed [0m"
# Arabic, Devanagari with a zero-width joiner (U+200D) inside a conjunct.
SCRIPTS_FIRST, SCRIPTS_LAST = "أميرة", "क\u094d\u200dष"


async def _join(harness, user_id: int, first: str, last: str) -> Person:
    harness.state.user(user_id, first_name=first, last_name=last)
    person = Person(harness, user_id, first)
    code = await harness.invite_code(Role.WORKER, team="North")
    reply = await person.send(f"/start {code}")
    assert "Welcome" in reply[0].text
    return person


async def test_a_hostile_display_name_is_cleaned_in_the_alert_and_the_audit_listing(harness):
    sue = await harness.seed_worker(SUE, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    eve = await _join(harness, EVE, HOSTILE_FIRST, HOSTILE_LAST)
    await _join(harness, AMIRA, SCRIPTS_FIRST, SCRIPTS_LAST)
    async with harness.db.session() as session:
        rows = await session.execute(select(Worker.telegram_user_id, Worker.name))
        names = dict(list(rows.tuples()))
    assert names[EVE] == CLEANED
    assert names[AMIRA] == f"{SCRIPTS_FIRST} {SCRIPTS_LAST}"

    await harness.seed_client(EVE)
    ask = await eve.send("/note C-0001")
    await eve.press(ask[-1], "Home visit")
    await eve.send("Seen at home.")
    await eve.press(eve.last(), "Risk")
    await eve.send("Fell twice")
    await eve.press(eve.last(), "Save")
    await harness.settle()
    await harness.state.wait_for_events(0, chat_id=SUE, kinds=["send"], timeout=10)
    alert = sue.last().text
    assert f"Risk flagged by {CLEANED} for C-0001" in alert
    assert "\u202e" not in alert and "\x1b" not in alert

    # A name stored by a version before names were cleaned is cleaned as printed.
    async with harness.db.session() as session:
        await session.execute(
            update(Worker)
            .where(Worker.telegram_user_id == EVE)
            .values(name="Old\x1b]0;pwned\x07 \u202eName")
        )
    # What `caseline audit` prints (the schema here is made without Alembic, so the
    # listing is asked of the function the command prints from).
    out = "\n".join(await audit_listing(harness.db, now=harness.clock.now()))
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    redeemed = [line for line in out.splitlines() if "invite.redeem" in line]
    assert any("| Old ]0;pwned Name | invite.redeem |" in line for line in redeemed), redeemed
    assert any(f"| {SCRIPTS_FIRST} {SCRIPTS_LAST} | invite.redeem |" in line for line in redeemed)
