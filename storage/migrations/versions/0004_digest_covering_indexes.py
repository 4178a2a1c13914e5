"""covering indexes for the team digest

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

At a million clients on SQLite a team digest took 2.7 s, most of it looking up every open
client of the team row by row (its status, contact frequency, last contact) and then its
plans. With these two indexes both counts are index-only (bench/README.md has the figures).
ix_plans_client_review starts with client_id, so it replaces ix_plans_client_id.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_clients_worker_open",
        "clients",
        ["worker_id", "status", "contact_frequency_days", "last_contact_at", "created_at"],
    )
    op.create_index("ix_plans_client_review", "plans", ["client_id", "status", "next_review_on"])
    op.drop_index("ix_plans_client_id", table_name="plans")


def downgrade() -> None:
    op.create_index("ix_plans_client_id", "plans", ["client_id"])
    op.drop_index("ix_plans_client_review", table_name="plans")
    op.drop_index("ix_clients_worker_open", table_name="clients")
