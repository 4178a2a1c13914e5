"""who took a client in (clients.added_by_id), and the indexes the digest counts desk work by

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-10

The supervisor's digest counts intakes beside visits and notes (issue 20), so a day of
desk work does not read as zero. A client row did not say who added it: `worker_id` is
whoever holds the case now, and the operator's import adds clients too. `clients` gains
`added_by_id`, set when a worker adds a client from the chat (/intake or /newclient),
with an index on (added_by_id, created_at) for the digest's count by worker and day;
`reviews` and `referrals` get the same kind of index on their worker and creation time
(plans reviewed and referrals made count too). Nullable: clients added before, and
imported ones, have none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("added_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_clients_added_by_id_workers"), "workers", ["added_by_id"], ["id"]
        )
    op.create_index("ix_clients_added_by_created", "clients", ["added_by_id", "created_at"])
    op.create_index("ix_reviews_reviewer_created", "reviews", ["reviewer_id", "created_at"])
    op.create_index("ix_referrals_worker_created", "referrals", ["worker_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_referrals_worker_created", table_name="referrals")
    op.drop_index("ix_reviews_reviewer_created", table_name="reviews")
    op.drop_index("ix_clients_added_by_created", table_name="clients")
    with op.batch_alter_table("clients") as batch:
        batch.drop_constraint(op.f("fk_clients_added_by_id_workers"), type_="foreignkey")
        batch.drop_column("added_by_id")
