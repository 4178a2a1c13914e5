"""job_ticks: when the reminder job last ran, readable by any process

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06

`caseline doctor` and /healthz (issue 21) report whether the reminder job is ticking. The
job may run in `caseline run` or in a `caseline scheduler` process of its own, so its
last tick is kept in the database, one row per job, written at the end of every tick.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_ticks",
        sa.Column("job", sa.String(length=40), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("ticked_by", sa.String(length=120), nullable=False),
        sa.Column("error", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("job", name=op.f("pk_job_ticks")),
    )


def downgrade() -> None:
    op.drop_table("job_ticks")
