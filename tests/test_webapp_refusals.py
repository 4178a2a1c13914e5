"""A flood of refused Mini App requests (issue 22): each refusal is audited, so one address
refused more than ten times a minute is answered 429 unheard, audited once, and heard again
when the minute has passed. A worker signed in properly is not held up by someone else's
flood. Times come from the test's clock, never from sleeping."""

from __future__ import annotations

from datetime import timedelta

import httpx

from tests.test_webapp_api import WANDA, a_client_with_a_note, audit_events
from tests.webapp_support import api, init_data


async def test_an_address_refused_too_often_is_turned_away_unheard_then_heard_again(
    webapp_bot, db, clock
):
    client_id = await a_client_with_a_note(webapp_bot, db, clock)
    path = f"/api/clients/{client_id}"
    forged = "tma " + init_data(WANDA, clock.now(), token="654321:another-bots-token")
    answers = [(await api(webapp_bot, path, forged)).status_code for _ in range(13)]
    assert answers == [401] * 10 + [429] * 3
    assert len(await audit_events(db, "webapp.refused")) == 10
    throttled = await audit_events(db, "webapp.throttled")
    assert len(throttled) == 1 and throttled[0].detail == {"address": "127.0.0.1"}

    # Even a good signature waits out the minute from that address: it is not checked.
    signed = "tma " + init_data(WANDA, clock.now())
    turned_away = await api(webapp_bot, path, signed)
    assert turned_away.status_code == 429
    assert turned_away.headers["retry-after"] == "60"

    clock.advance(timedelta(minutes=1, seconds=1))
    assert (await api(webapp_bot, path, "tma " + init_data(WANDA, clock.now()))).status_code == 200
    assert (await api(webapp_bot, path, forged)).status_code == 401


async def test_the_refusals_of_one_address_do_not_turn_away_another(webapp_bot, db, clock):
    """Behind the reverse proxy, the address is the one nginx passes (X-Real-IP, set by
    deploy/nginx's location so a client cannot choose its own)."""
    client_id = await a_client_with_a_note(webapp_bot, db, clock)
    url = f"http://127.0.0.1:{webapp_bot.webapp_port}/api/clients/{client_id}"
    forged = "tma " + init_data(WANDA, clock.now(), token="654321:another-bots-token")
    async with httpx.AsyncClient() as client:
        flood = {"Authorization": forged, "X-Real-IP": "203.0.113.9"}
        answers = [(await client.get(url, headers=flood)).status_code for _ in range(11)]
        signed = {"Authorization": "tma " + init_data(WANDA, clock.now())}
        worker = await client.get(url, headers={**signed, "X-Real-IP": "198.51.100.7"})
    assert answers == [401] * 10 + [429]
    assert worker.status_code == 200
    assert [event.detail for event in await audit_events(db, "webapp.throttled")] == [
        {"address": "203.0.113.9"}
    ]
