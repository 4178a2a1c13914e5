"""/refer chooses its client and its dates with the shared pickers (conversations/pickers.py):
a forged client press is refused and audited as referral.create by the one client picker, and
the follow-up and application dates are read by the one date picker (ui.dates.parse_when),
so an unclear date is asked back with buttons and a wrong one gets a friendly answer.
"""

from __future__ import annotations

from datetime import date

from domain.usecases.clients import CLIENT_ACCESS
from storage.models import Referral
from tests.test_referrals import (
    add_client,
    audit_events,
    give_consent,
    labels,
    load_directory,
    rows,
)
from ui import texts


async def test_a_forged_client_press_in_refer_is_refused_and_audited_as_referral_create(
    harness, tmp_path
):
    await load_directory(harness.db, tmp_path, harness.clock.now())
    await harness.seed_worker(701, "Wanda Worker", team="North")
    sam = await harness.seed_worker(702, "Sam Southern", team="South")
    wandas = await add_client(harness, 701)
    sams = await add_client(harness, 702, "Sid Other")
    await give_consent(harness, sams)

    asked = await sam.send("/refer")
    assert labels(asked[-1])[0] == "C-0002 · Sid Other"
    await sam.press_data(asked[-1].message_id, f"rf:client:{wandas}")
    assert sam.toasts()[-1] == texts.CLIENT_GONE
    assert all("Maria" not in m.text for m in sam.messages())

    # The picker still works after the refusal: a typed name, then a button.
    typed = await sam.send("Sid")
    assert "To which resource?" in typed[-1].text
    await sam.send("/cancel")
    again = await sam.send("/refer")
    pressed = await sam.press(again[-1], "Sid Other")
    assert "To which resource?" in pressed[-1].text

    [attempt] = [e for e in await audit_events(harness, "referral.create") if not e.allowed]
    assert (
        attempt.actor_worker_id,
        attempt.subject_type,
        attempt.subject_id,
        attempt.client_id,
        attempt.detail,
    ) == (await harness.worker_id(702), "client", wandas, wandas, {"via": "rf"})
    assert await audit_events(harness, CLIENT_ACCESS) == []
    assert await rows(harness, Referral) == []


async def _at_follow_up(harness, tmp_path, resource: str = "Food Bank Mitte"):
    await load_directory(harness.db, tmp_path, harness.clock.now())
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await give_consent(harness, await add_client(harness, 701))
    asked = await wanda.send("/refer C-0001")
    words = "benefit" if resource.startswith("Housing") else "food"
    found = await wanda.send(words)
    await wanda.press(found[-1], resource)
    follow_up = await wanda.send("Pantry empty")
    assert "When will you follow up?" in follow_up[-1].text, asked
    return wanda


async def test_an_unclear_follow_up_date_in_refer_is_asked_back_with_buttons(harness, tmp_path):
    wanda = await _at_follow_up(harness, tmp_path)  # Monday 2 March 2026, 09:00

    # "1.12" is 1 December or 01:12: the picker asks, with one button per reading.
    unclear = await wanda.send("1.12")
    options = labels(unclear[-1])
    assert len(options) == 2 and any("1 Dec" in label for label in options), options
    confirm = await wanda.press(unclear[-1], next(o for o in options if "1 Dec" in o))
    assert "Follow-up: Tue 1 Dec 2026" in confirm[-1].text
    await wanda.press(confirm[-1], texts.SEND_REFERRAL)
    [referral] = await rows(harness, Referral)
    assert referral.follow_up_on == date(2026, 12, 1)


async def test_a_wrong_follow_up_date_in_refer_gets_a_friendly_answer(harness, tmp_path):
    wanda = await _at_follow_up(harness, tmp_path)

    no_such = await wanda.send("31/2")
    assert "There is no 31 February" in no_such[-1].text
    past = await wanda.send("yesterday")
    assert "When will you follow up?" not in past[-1].text and not labels(past[-1])
    # A forged option press is stale, and the question still stands.
    await wanda.press_data(past[-1].message_id, "rf:at:99999999999")
    assert wanda.toasts()[-1] == texts.STALE_BUTTON
    confirm = await wanda.send("20/3")
    assert "Follow-up: Fri 20 Mar 2026" in confirm[-1].text
    assert await rows(harness, Referral) == []


async def test_the_application_date_of_a_benefit_is_read_by_the_same_picker(harness, tmp_path):
    wanda = await _at_follow_up(harness, tmp_path, "Housing Benefit")
    applied = await wanda.send("in 2 weeks")
    assert "When was it made?" in applied[-1].text

    # "fri" alone is the last Friday for a past date: no question, no guess ahead.
    future = await wanda.send("tomorrow")
    assert "When was it made?" not in future[-1].text
    confirm = await wanda.send("fri")
    assert "Application made: Fri 27 Feb 2026" in confirm[-1].text
    assert "Follow-up: Mon 16 Mar 2026" in confirm[-1].text
