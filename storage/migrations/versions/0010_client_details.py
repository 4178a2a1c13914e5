"""details that can be corrected: the usual place of visits, an on-hold's reason and end,
and every change kept

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-06

`clients.usual_place` is where a new appointment's place starts; `clients.hold_reason`
and `clients.hold_until` say why a case is on hold and the day it is active again.
`client_changes` keeps each corrected detail (field, before, after, who, when) for the
client's history and export. All new columns nullable: existing clients have none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("usual_place", sa.Text(), nullable=True))
        batch.add_column(sa.Column("hold_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("hold_until", sa.Date(), nullable=True))
    op.create_table(
        "client_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=30), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_client_changes_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_client_changes_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_changes")),
    )
    op.create_index("ix_client_changes_client_at", "client_changes", ["client_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_client_changes_client_at", table_name="client_changes")
    op.drop_table("client_changes")
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("hold_until")
        batch.drop_column("hold_reason")
        batch.drop_column("usual_place")
