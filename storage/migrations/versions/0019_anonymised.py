"""clients.anonymised_at and anonymised_rule: retention and erasure (issue 23)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07

An anonymised client keeps its row (codes, dates, statuses and counts stay, so figures
stay right); these say when its personal data was erased and by which rule.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("anonymised_rule", sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("anonymised_rule")
        batch.drop_column("anonymised_at")
