"""the client's safety plan, versioned

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

`safety_plans` holds every version of a client's safety plan (Stanley–Brown): the six
sections' lines as JSON, what changed from the version before, the review interval and
the next review day, who and when. A version is never changed but for `superseded_at`,
set when the next one is saved (NULL: the version in effect). A new table: nothing
existing changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# JSONB on PostgreSQL, JSON text on SQLite; frozen here as in 0001.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "safety_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sections", JSON, nullable=False),
        sa.Column("changed", sa.String(length=200), nullable=True),
        sa.Column("review_interval_days", sa.Integer(), nullable=False),
        sa.Column("next_review_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_safety_plans_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["workers.id"], name=op.f("fk_safety_plans_created_by_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_plans")),
        sa.UniqueConstraint("client_id", "version", name=op.f("uq_safety_plans_client_id")),
    )
    op.create_index(op.f("ix_safety_plans_client_id"), "safety_plans", ["client_id"])
    op.create_index(
        "ix_safety_plans_current_review", "safety_plans", ["superseded_at", "next_review_on"]
    )


def downgrade() -> None:
    op.drop_index("ix_safety_plans_current_review", table_name="safety_plans")
    op.drop_index(op.f("ix_safety_plans_client_id"), table_name="safety_plans")
    op.drop_table("safety_plans")
