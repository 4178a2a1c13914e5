"""saved drafts: a Save pressed twice across a crash saves once

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

The record and the note of which draft it came from commit together; the bot's own
memory of the dialog is written after. A crash in between left the draft open, and
pressing Save again saved a second copy.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saved_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("subject_type", sa.String(length=30), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_saved_drafts_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_drafts")),
        sa.UniqueConstraint("worker_id", "token", name=op.f("uq_saved_drafts_worker_id")),
    )
    op.create_index(op.f("ix_saved_drafts_saved_at"), "saved_drafts", ["saved_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_saved_drafts_saved_at"), table_name="saved_drafts")
    op.drop_table("saved_drafts")
