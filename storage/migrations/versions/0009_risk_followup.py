"""risk that is followed up: the client's open risk, its acknowledgement and escalation

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

A ⚠ Risk on a note now sets the client's risk level (the column existed, always 0) with
the reason, since when and who flagged it; the supervisors' alert can be acknowledged
(who, when), and an alert nobody acknowledged in time is escalated once (when). Lowering
the level takes a note. All nullable: NULL while the client has no open risk.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("risk_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("risk_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("risk_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("risk_note_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("risk_acknowledged_by_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("risk_acknowledged_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("risk_escalated_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            op.f("fk_clients_risk_by_id_workers"), "workers", ["risk_by_id"], ["id"]
        )
        batch.create_foreign_key(
            op.f("fk_clients_risk_acknowledged_by_id_workers"),
            "workers",
            ["risk_acknowledged_by_id"],
            ["id"],
        )
        batch.create_index("ix_clients_risk_level_since", ["risk_level", "risk_since"])


def downgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.drop_index("ix_clients_risk_level_since")
        batch.drop_constraint(
            op.f("fk_clients_risk_acknowledged_by_id_workers"), type_="foreignkey"
        )
        batch.drop_constraint(op.f("fk_clients_risk_by_id_workers"), type_="foreignkey")
        batch.drop_column("risk_escalated_at")
        batch.drop_column("risk_acknowledged_at")
        batch.drop_column("risk_acknowledged_by_id")
        batch.drop_column("risk_note_id")
        batch.drop_column("risk_by_id")
        batch.drop_column("risk_since")
        batch.drop_column("risk_reason")
