"""indexes for the supervisor digest

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

The digest counts each worker's notes per day and looks for each worker's latest
logged visit; without these a team's digest reads every note the team ever wrote.
The composite (author_id, created_at) index replaces the plain author_id one.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notes") as batch:
        batch.drop_index("ix_notes_author_id")
        batch.create_index("ix_notes_author_created", ["author_id", "created_at"])
    op.create_index(
        "ix_appointments_worker_completed", "appointments", ["worker_id", "completed_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_appointments_worker_completed", table_name="appointments")
    with op.batch_alter_table("notes") as batch:
        batch.drop_index("ix_notes_author_created")
        batch.create_index("ix_notes_author_id", ["author_id"])
