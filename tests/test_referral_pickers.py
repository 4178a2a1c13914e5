"""/refer chooses its client and its dates with the shared pickers (conversations/pickers.py):
a forged client press is refused and audited as referral.create by the one client picker, and
the follow-up and application dates are read by the one date picker (ui.dates.parse_when),
so an unclear date is asked back with buttons and a wrong one gets a friendly answer.
"""

from __future__ import annotations

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
