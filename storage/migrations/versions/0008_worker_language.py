"""each worker's language and date order

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

`workers.language` is the language Caseline speaks to the worker (a code of
ui.i18n.LANGUAGES), set from their Telegram app's language when they join and changed in
/settings; `workers.date_order` is how they type all-numbers dates ("DMY" or "MDY"). Both
nullable: NULL is the organisation's (CASELINE_LANGUAGE, CASELINE_DATE_ORDER), so workers
who joined before keep what they had.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workers") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("date_order", sa.String(length=3), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workers") as batch:
        batch.drop_column("date_order")
        batch.drop_column("language")
