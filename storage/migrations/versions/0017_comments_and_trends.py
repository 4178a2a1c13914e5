"""comments and co-signs on notes, weekly trend snapshots, the weekly trend's day

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-09

`note_comments` keeps a supervisor's comments on a note and their co-signs beside it (the
note is never changed); one co-sign per note and person, a partial unique index SQLite
and PostgreSQL both have. `trend_snapshots` keeps one row per worker and week (Monday in
the organisation's zone) of the figures that cannot be counted again later. A
supervisor's weekly trend comes on `workers.trend_weekday` (ISO, 1 = Monday, the
default for everyone; empty: off).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workers") as batch:
        batch.add_column(
            sa.Column("trend_weekday", sa.SmallInteger(), server_default="1", nullable=True)
        )
    op.create_table(
        "note_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("cosign", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"], ["notes.id"], name=op.f("fk_note_comments_note_id_notes")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["workers.id"], name=op.f("fk_note_comments_author_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_comments")),
    )
    op.create_index(op.f("ix_note_comments_note_id"), "note_comments", ["note_id"])
    op.create_index(
        "uq_note_comments_cosign",
        "note_comments",
        ["note_id", "author_id"],
        unique=True,
        sqlite_where=sa.text("cosign"),
        postgresql_where=sa.text("cosign"),
    )
    op.create_table(
        "trend_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("clients", sa.Integer(), nullable=False),
        sa.Column("seen_within_frequency", sa.Integer(), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Integer(), nullable=False),
        sa.Column("reviews_overdue", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_trend_snapshots_worker_id_workers")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_trend_snapshots_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trend_snapshots")),
        sa.UniqueConstraint("worker_id", "week_start", name=op.f("uq_trend_snapshots_worker_id")),
    )
    op.create_index("ix_trend_snapshots_week_team", "trend_snapshots", ["week_start", "team_id"])


def downgrade() -> None:
    op.drop_index("ix_trend_snapshots_week_team", table_name="trend_snapshots")
    op.drop_table("trend_snapshots")
    op.drop_index("uq_note_comments_cosign", table_name="note_comments")
    op.drop_index(op.f("ix_note_comments_note_id"), table_name="note_comments")
    op.drop_table("note_comments")
    with op.batch_alter_table("workers") as batch:
        batch.drop_column("trend_weekday")
