"""audit_chain: each audit event carries the previous one's hash and its own

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07

The audit trail becomes tamper-evident (issue 23): `prev_hash` and `row_hash` on every
audit event, and `audit_chain_head`, the chain's tail, which every writer locks
(storage/audit_chain.py says why). The events already there are chained in id order with
the same hash the code uses (`storage.audit_chain.row_hash`), so `caseline audit verify`
holds from the first row on.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.audit_chain import BATCH, GENESIS, row_hash
from storage.machinery import HEAD_ID
from storage.types import JSONType, UTCDateTime

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENTS = sa.table(
    "audit_events",
    sa.column("id", sa.Integer()),
    sa.column("at", UTCDateTime()),
    sa.column("actor_worker_id", sa.Integer()),
    sa.column("actor_telegram_id", sa.BigInteger()),
    sa.column("action", sa.String()),
    sa.column("subject_type", sa.String()),
    sa.column("subject_id", sa.Integer()),
    sa.column("client_id", sa.Integer()),
    sa.column("allowed", sa.Boolean()),
    sa.column("detail", JSONType),
    sa.column("prev_hash", sa.String()),
    sa.column("row_hash", sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("row_hash", sa.String(length=64), nullable=True))
    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    previous, rows = _chain_existing()
    op.bulk_insert(head, [{"id": HEAD_ID, "last_hash": previous, "rows": rows}])


def _chain_existing() -> tuple[str, int]:
    """Hash the events already there in id order, a batch at a time."""
    connection = op.get_bind()
    previous, rows, after = GENESIS, 0, 0
    while True:
        batch = connection.execute(
            sa.select(EVENTS).where(EVENTS.c.id > after).order_by(EVENTS.c.id).limit(BATCH)
        ).all()
        for event in batch:
            own = row_hash(event, previous)
            connection.execute(
                EVENTS.update()
                .where(EVENTS.c.id == event.id)
                .values(prev_hash=previous, row_hash=own)
            )
            previous, rows = own, rows + 1
        if len(batch) < BATCH:
            return previous, rows
        after = batch[-1].id


def downgrade() -> None:
    op.drop_table("audit_chain_head")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("row_hash")
        batch.drop_column("prev_hash")
