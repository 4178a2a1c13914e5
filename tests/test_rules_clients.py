"""The rules about a client, written once as hybrids on storage.models.Client, say the
same thing in Python (the card, the agenda, the short card) and in SQL (the digest, the
agenda's query) on SQLite and PostgreSQL: open or muted, next visit due, overdue, seen
within frequency — around midnights and clock changes, to the microsecond."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import hypothesis
import hypothesis.strategies as st
from sqlalchemy import delete, select

from storage.kinds import ClientStatus, Program
from storage.localtime import day_start
from storage.models import MUTED_STATUSES, OPEN_STATUSES, Client

ZONES = (
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Sao_Paulo",  # clocks changed at midnight until 2019: a day without 00:00
    "Australia/Lord_Howe",  # a 30-minute change
    "Pacific/Chatham",  # +12:45 / +13:45
    "Asia/Kathmandu",  # +05:45, no change
    "America/St_Johns",  # -03:30 / -02:30
)
# Days next to clock changes of the zones above, and a few ordinary ones.
DAYS = (
    date(2018, 11, 4),  # São Paulo springs forward at midnight
    date(2019, 2, 17),  # São Paulo falls back
    date(2026, 3, 8),  # New York
    date(2026, 3, 29),  # Berlin
    date(2026, 4, 5),  # Lord Howe, Chatham
    date(2026, 9, 27),  # Chatham
    date(2026, 10, 4),  # Lord Howe
    date(2026, 10, 25),  # Berlin
    date(2026, 11, 1),  # New York, St John's
    date(2026, 12, 31),
    date(2028, 2, 29),
)
NEAR = timedelta(hours=3)


def _settings():
    return hypothesis.settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
    )


@st.composite
def cases(draw):
    """A client whose next visit falls due within a few hours of a local midnight, and a
    `now` within a few hours of that moment (exactly on it now and then)."""
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    today = draw(st.sampled_from(DAYS)) + timedelta(days=draw(st.integers(-2, 2)))
    frequency = draw(st.integers(1, 365))
    near = st.one_of(st.just(timedelta(0)), st.timedeltas(-NEAR, NEAR))
    due = day_start(today + timedelta(days=draw(st.integers(-1, 1))), zone) + draw(near)
    since = due - timedelta(days=frequency)
    contacted = draw(st.booleans())
    created = since - draw(st.timedeltas(timedelta(0), timedelta(days=400))) if contacted else since
    return {
        "zone": zone,
        "today": today,
        "now": due + draw(near),
        "status": draw(st.sampled_from(list(ClientStatus))),
        "frequency": frequency,
        "last_contact_at": since if contacted else None,
        "created_at": created,
    }


def _client(case) -> Client:
    return Client(
        name="Maria Gonzalez",
        program=Program.ELDERLY,
        status=case["status"],
        contact_frequency_days=case["frequency"],
        last_contact_at=case["last_contact_at"],
        created_at=case["created_at"],
        updated_at=case["created_at"],
        needs={},
        risk_level=0,
    )


@_settings()
@hypothesis.given(case=cases())
async def test_python_and_sql_agree_on_every_client_rule(db, case):
    zone, today, now = case["zone"], case["today"], case["now"]
    client = _client(case)
    python = (
        client.visit_due_at,
        client.is_open,
        client.is_muted,
        client.visit_overdue(today, zone),
        client.visit_due_by(today, zone),
        client.seen_within_frequency(now),
    )
    async with db.session() as session:
        session.add(client)
        await session.flush()
        row = (
            await session.execute(
                select(
                    Client.visit_due_at,
                    Client.is_open,
                    Client.is_muted,
                    Client.visit_overdue(today, zone),
                    Client.visit_due_by(today, zone),
                    Client.seen_within_frequency(now),
                ).where(Client.id == client.id)
            )
        ).one()
        await session.execute(delete(Client).where(Client.id == client.id))
    sql = (row[0], *(bool(value) for value in row[1:]))
    assert sql == python
    # The local day shown to workers says the same as the instant compared in SQL.
    due_on = client.visit_due_on(zone)
    assert client.visit_overdue(today, zone) == (due_on < today)
    assert client.visit_due_by(today, zone) == (due_on <= today)


async def test_the_same_rules_filter_rows_in_sql(db):
    """Where-clauses (as the digest and the agenda use them) pick exactly the clients the
    Python rules pick."""
    zone = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 3, 29, 8, 0, tzinfo=UTC)  # the morning after Berlin's change
    today = now.astimezone(zone).date()
    start = day_start(today, zone)
    clients = []
    long_ago = now - timedelta(days=60)
    for status, contact, frequency, created in [
        (ClientStatus.ACTIVE, start - timedelta(days=7, microseconds=1), 7, long_ago),  # overdue
        (ClientStatus.ACTIVE, start - timedelta(days=7), 7, long_ago),  # due at midnight
        (ClientStatus.INTAKE, None, 30, now - timedelta(days=1)),  # new: due in 29 days
        (ClientStatus.ON_HOLD, start - timedelta(days=90), 7, long_ago),  # muted
        (ClientStatus.DISCHARGED, None, 1, long_ago),  # muted
        (ClientStatus.ACTIVE, now - timedelta(days=14), 14, long_ago),  # due right now
    ]:
        clients.append(
            _client(
                {
                    "status": status,
                    "frequency": frequency,
                    "last_contact_at": contact,
                    "created_at": created,
                }
            )
        )
    async with db.session() as session:
        session.add_all(clients)
        await session.flush()
        ids = [client.id for client in clients]

        async def chosen(*conditions) -> list[int]:
            statement = select(Client.id).where(Client.id.in_(ids), *conditions)
            return sorted((await session.execute(statement)).scalars())

        assert await chosen(Client.is_open) == [c.id for c in clients if c.is_open]
        assert await chosen(Client.is_muted) == [c.id for c in clients if c.is_muted]
        overdue = Client.visit_overdue(today, zone)
        assert await chosen(Client.is_open, overdue) == [ids[0]]
        due_today = Client.visit_due_by(today, zone)
        assert await chosen(Client.is_open, due_today) == [ids[0], ids[1], ids[5]]
        seen = Client.seen_within_frequency(now)
        assert await chosen(Client.is_open, seen) == [ids[2], ids[5]]
    assert {status for status in ClientStatus} == {*OPEN_STATUSES, *MUTED_STATUSES}
    assert not set(OPEN_STATUSES) & set(MUTED_STATUSES)
