"""The audit trail as a hash chain: a row changed or removed with database access shows.

Each audit event carries `prev_hash`, the hash of the event before it (by id), and
`row_hash`, sha256 over a canonical serialisation of its own fields and `prev_hash`
(`row_hash` below is the one definition; migration 0020 chained the rows already there
with it). `walk` recomputes the chain: a changed row no longer matches its hash, a removed
row leaves its successor pointing at a hash no row before it has.

One chain, even with concurrent writers. On PostgreSQL ids come from a sequence in the
order rows are inserted, not the order their transactions commit: two transactions that
each read "the latest hash" and insert would both chain to it, and the chain would fork.
So every transaction that writes an audit event locks the chain's tail, the one row of
`audit_chain_head` (`FOR UPDATE`), and keeps it until it commits: the next writer waits,
reads the hash the first one left there, and its rows get later ids. The lock, the read,
the hash and the row are one statement (`_link`: an INSERT … SELECT from the head that
hashes the row in the database), and an AFTER INSERT trigger moves the head
(storage/machinery.py): an audited update pays one round trip for its chain. A row lock
rather than `pg_advisory_xact_lock` because the head row also holds what the chain should
end in (the last hash and the count), which is how `walk` notices rows removed from the
end, and it works alike on both databases. SQLite needs no lock (one writer at a time, and
Caseline's one connection per process); `FOR UPDATE` is simply not rendered there.
The price: transactions that write audit events commit one after another from their
first chained event on. So a unit of work (`Database.session()`) chains its events at its
very end, just before its COMMIT (`chain` stages them; storage.db.before_commit): the head
is held for that one statement and the COMMIT, not for the rest of the update (its answer
rendered, its dialog state written). Held longer, under load every update queued on the
head behind one whose next statement waited for a busy event loop (bench/README.md,
session 18). It also fixes the lock order: a transaction's own rows first, the head last,
so two transactions cannot each hold what the other waits for. A read of the audit trail
in the same transaction chains what is staged first (`write_staged`).

What a chain cannot show: its own tail cut off together with the head row rewritten to
match (or the whole chain recomputed by someone who can run this code). `caseline audit
verify` prints the head hash so an operator can keep it elsewhere (the backup log) and
compare later (`--expect`).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import String, Table, bindparam, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from storage.db import SQLITE_SHA256_HEX, before_commit, sha256_hex, without_nul
from storage.driver import Prepared
from storage.machinery import HEAD_ID, AuditChainHead, AuditEvent
from storage.upsert import insert_if_absent

# What the first row links to.
GENESIS = "0" * 64
BATCH = 2000


def row_hash(event: Any, prev_hash: str) -> str:
    """sha256 of the event's own fields and the previous hash, as stored: the detail as the
    database gives it back (JSON, keys sorted, NULs dropped as on the way in), the time in
    UTC to the microsecond. Not the id: it is not known before the row is inserted."""
    before, after = canonical_around_prev_hash(event)
    return sha256_hex(before + prev_hash + after)


def canonical_around_prev_hash(event: Any) -> tuple[str, str]:
    """The event's canonical serialisation — JSON, keys sorted, no spaces, ASCII — cut
    where the previous hash goes: what is hashed is `before + prev_hash + after`. Cut, so
    that the database can hash a new row with the hash it reads under the head's lock, in
    the row's own INSERT (`chain`)."""
    fields = {
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "action": event.action,
        "actor_worker_id": event.actor_worker_id,
        "actor_telegram_id": event.actor_telegram_id,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "client_id": event.client_id,
        "allowed": bool(event.allowed),
        "detail": json.loads(json.dumps(without_nul(event.detail or {}))),
    }
    # json.dumps of the whole dict with sort_keys gives exactly these members in this order.
    members = {key: f"{json.dumps(key)}:{_canonical(value)}" for key, value in fields.items()}
    members[PREV_HASH] = f'"{PREV_HASH}":"'
    ordered = [members[key] for key in sorted(members)]
    cut = ordered.index(members[PREV_HASH])
    before = "{" + "".join(member + "," for member in ordered[:cut]) + ordered[cut]
    after = '"' + "".join("," + member for member in ordered[cut + 1 :]) + "}"
    return before, after


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


async def chain(session: AsyncSession, event: NewEvent) -> None:
    """Add `event` to the chain. In a unit of work (`Database.session()`) it is written
    at the end, just before the COMMIT, with the transaction's other events in the order
    they came: the head stays locked from that write to the COMMIT only, not from the use
    case's audit to the end of the update (its answer, the dialog's state), and the order
    is always the transaction's rows first, then the head. Anything that reads the audit
    trail writes what is staged first (`write_staged`). Elsewhere it is written now."""
    staged = session.info.get(_STAGED)
    if staged is None:
        if not before_commit(session, _STAGED, write_staged):
            await _link(session, event)
            return
        staged = session.info[_STAGED] = []
    staged.append(event)


async def write_staged(session: AsyncSession) -> None:
    """The events this transaction staged, linked to the chain now, in order: what a read
    of the audit trail in the same transaction must see."""
    for event in session.info.pop(_STAGED, ()):
        await _link(session, event)


# The events a unit of work staged for the chain (`session.info`).
_STAGED = "caseline.audit_staged"


async def _link(session: AsyncSession, event: NewEvent) -> None:
    """Write `event` linked to the tail, in one statement: the INSERT reads the tail's hash
    under its lock (FOR UPDATE) and hashes the row with it in the database; the trigger
    moves the tail (storage/machinery.py). A later event of the same transaction so reads
    this one's hash."""
    before, after = canonical_around_prev_hash(event)
    values = {column: getattr(event, column) for column in _LINKED}
    parameters = {**values, "canonical_before": before, "canonical_after": after}
    if await _linked_insert().run(session, parameters) == 1:
        return
    # A schema made without the migration (tests' create_all) starts with no head: begin
    # it. Two first writers racing insert one row (the second waits on the key).
    await insert_if_absent(
        session, AuditChainHead, {"id": HEAD_ID, "last_hash": GENESIS, "rows": 0}, ["id"]
    )
    await _linked_insert().run(session, parameters)


PREV_HASH = "prev_hash"


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An audit event to write: its own columns (what `row_hash` reads), not an ORM
    object, since it is only ever inserted by `chain`."""

    at: datetime
    action: str
    actor_worker_id: int | None
    actor_telegram_id: int | None
    subject_type: str | None
    subject_id: int | None
    client_id: int | None
    allowed: bool
    detail: dict[str, Any]


_LINKED = tuple(field.name for field in fields(NewEvent))


@cache
def _linked_insert() -> Prepared:
    """INSERT … SELECT from the locked head, built once and sent to the driver (every
    audited update runs it)."""
    events = cast(Table, AuditEvent.__table__)
    head = cast(Table, AuditChainHead.__table__)
    own = [bindparam(name, type_=events.c[name].type) for name in _LINKED]
    canonical = bindparam("canonical_before", type_=String()) + head.c.last_hash
    hashed = Sha256Hex(canonical + bindparam("canonical_after", type_=String()))
    linked = select(*own, head.c.last_hash, hashed).where(head.c.id == HEAD_ID).with_for_update()
    return Prepared(insert(events).from_select([*_LINKED, "prev_hash", "row_hash"], linked))


class Sha256Hex(FunctionElement[str]):
    """sha256 of an ASCII text, as 64 hexadecimal digits: PostgreSQL's own function;
    SQLite has none, so Caseline gives each SQLite connection one (storage/db.py)."""

    type = String()
    inherit_cache = True
    name = "sha256_hex"


@compiles(Sha256Hex, "postgresql")
def _sha256_hex_postgresql(element: Sha256Hex, compiler: Any, **kw: Any) -> str:
    return f"encode(sha256(convert_to({compiler.process(element.clauses, **kw)}, 'UTF8')), 'hex')"


@compiles(Sha256Hex, "sqlite")
def _sha256_hex_sqlite(element: Sha256Hex, compiler: Any, **kw: Any) -> str:
    return f"{SQLITE_SHA256_HEX}({compiler.process(element.clauses, **kw)})"


# ── verification ───────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Intact:
    rows: int
    head_hash: str
    expected_found: bool | None  # the --expect hash is in the chain (None: none given)


@dataclass(frozen=True, slots=True)
class Changed:
    """This row's fields no longer give its hash: changed after it was written."""

    row_id: int


@dataclass(frozen=True, slots=True)
class PredecessorGone:
    """This row links to a hash no row before it has: rows before it removed (`after`:
    the id of the row it now follows, None when it is first) or the one before rewritten."""

    row_id: int
    after: int | None
    gap: bool  # ids are missing between `after` and this row


@dataclass(frozen=True, slots=True)
class TailGone:
    """The chain ends sooner than its head says: rows at its end were removed."""

    rows: int
    head_rows: int | None  # None: the head row itself is gone
    last_id: int | None


Verdict = Intact | Changed | PredecessorGone | TailGone


async def walk(session: AsyncSession, *, expect: str | None = None) -> Verdict:
    """Recompute the whole chain in id order; the first break found, or Intact. Run it in
    a transaction of its own: on PostgreSQL it reads one snapshot (repeatable read), so
    writers meanwhile neither hide nor add rows half-way."""
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
    head = await session.get(AuditChainHead, HEAD_ID)
    head_rows, head_hash = (head.rows, head.last_hash) if head is not None else (None, None)
    previous, previous_id, count, found = GENESIS, None, 0, False
    async for event in _in_id_order(session):
        if event.row_hash != row_hash(event, event.prev_hash or ""):
            return Changed(event.id)
        if event.prev_hash != previous:
            gap = event.id != (previous_id or 0) + 1
            return PredecessorGone(event.id, previous_id, gap)
        previous, previous_id, count = event.row_hash, event.id, count + 1
        found = found or event.row_hash == expect
    if (head_rows, head_hash) != (count, previous) and (head_rows is not None or count):
        return TailGone(count, head_rows, previous_id)
    return Intact(count, previous, None if expect is None else found)


async def _in_id_order(session: AsyncSession) -> AsyncIterator[AuditEvent]:
    """Every audit event, a batch at a time (the trail may hold millions)."""
    after = 0
    while True:
        statement = select(AuditEvent).where(AuditEvent.id > after).order_by(AuditEvent.id)
        batch = list((await session.execute(statement.limit(BATCH))).scalars())
        for event in batch:
            yield event
        if len(batch) < BATCH:
            return
        after = batch[-1].id
        session.expunge_all()
