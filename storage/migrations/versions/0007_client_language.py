"""the client's language: the preferred language and whether an interpreter is needed

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

Asked at intake and editable from the client card; shown on the card, and on the agenda
and the appointment reminder when an interpreter is needed. Both nullable: NULL is "not
asked yet" (an interpreter False is "asked: not needed").
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("language", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("interpreter", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("interpreter")
        batch.drop_column("language")
