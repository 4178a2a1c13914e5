"""attachment_contents: the bytes of a note's voice notes, photos and documents

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07

Issue 23: attachments were kept only as Telegram file ids, which the agency can neither
erase nor hand over. Caseline now downloads each file and keeps its bytes here; a row is
deleted with its attachment (ON DELETE CASCADE), so erasure covers it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attachment_contents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("file_unique_id", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["note_attachments.id"],
            name=op.f("fk_attachment_contents_attachment_id_note_attachments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_attachment_contents_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment_contents")),
        sa.UniqueConstraint("attachment_id", name=op.f("uq_attachment_contents_attachment_id")),
    )
    with op.batch_alter_table("attachment_contents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attachment_contents_stored_at"), ["stored_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_attachment_contents_worker_id"), ["worker_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("attachment_contents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_contents_worker_id"))
        batch_op.drop_index(batch_op.f("ix_attachment_contents_stored_at"))
    op.drop_table("attachment_contents")
