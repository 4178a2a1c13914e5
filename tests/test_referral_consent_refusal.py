"""A consent recorded for a client who moved to another team while the worker was in the
middle of /refer is refused — and, like every refusal, audited (consent.record,
allowed=False), through the real Application and the local Bot API server.
"""

from __future__ import annotations

from sqlalchemy import select

from storage.machinery import AuditEvent
from storage.models import Client, Consent
from tests.test_referrals import add_client, load_directory
from ui import texts


async def test_consent_for_a_client_moved_away_mid_dialog_is_refused_and_audited(harness, tmp_path):
    await load_directory(harness.db, tmp_path, harness.clock.now())
    wanda = await harness.seed_worker(701, "Wanda Worker", team="North")
    await harness.seed_worker(702, "Sam Southern", team="South")
    client_id = await add_client(harness, 701)

    check = await wanda.send("/refer C-0001")
    assert "no consent to share information on record" in check[-1].text
    scope = await wanda.press(check[-1], texts.CONSENT_GIVEN)
    assert "What does it cover?" in scope[-1].text
    # Meanwhile the client is transferred to Sam, in another team.
    sam_id = await harness.worker_id(702)
    async with harness.db.session() as session:
        client = await session.get(Client, client_id)
        client.worker_id = sam_id

    await wanda.press(scope[-1], texts.CONSENT_STANDARD)
    assert wanda.toasts()[-1] == texts.CLIENT_GONE
    wanda_id = await harness.worker_id(701)
    async with harness.db.session() as session:
        assert list((await session.execute(select(Consent))).scalars()) == []
        events = (
            await session.execute(select(AuditEvent).where(AuditEvent.action == "consent.record"))
        ).scalars()
        attempts = [(e.actor_worker_id, e.client_id, e.allowed) for e in events]
    assert attempts == [(wanda_id, client_id, False)]
