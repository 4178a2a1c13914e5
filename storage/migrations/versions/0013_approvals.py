"""approvals: a team's setting that a worker's plan activation or discharge waits for a
supervisor, and the requests themselves

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

`teams.approve_plans` and `teams.approve_discharges` (false: off, as every team was);
`approvals` holds each request (plan activation or discharge), its client, plan or
reason, who asked and when, and what became of it (approved, returned with a comment,
withdrawn). At most one pending request per client and kind: a partial unique index,
which SQLite and PostgreSQL both have.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("teams") as batch:
        batch.add_column(
            sa.Column("approve_plans", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column("approve_discharges", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("reason_code", sa.String(length=30), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_approvals_client_id_clients")
        ),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_approvals_plan_id_plans")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_approvals_team_id_teams")),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["workers.id"],
            name=op.f("fk_approvals_requested_by_id_workers"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["workers.id"], name=op.f("fk_approvals_decided_by_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approvals")),
    )
    op.create_index(
        "uq_approvals_pending",
        "approvals",
        ["client_id", "kind"],
        unique=True,
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index("ix_approvals_status_team", "approvals", ["status", "team_id"])
    op.create_index("ix_approvals_client", "approvals", ["client_id"])


def downgrade() -> None:
    op.drop_index("ix_approvals_client", table_name="approvals")
    op.drop_index("ix_approvals_status_team", table_name="approvals")
    op.drop_index("uq_approvals_pending", table_name="approvals")
    op.drop_table("approvals")
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("approve_discharges")
        batch.drop_column("approve_plans")
