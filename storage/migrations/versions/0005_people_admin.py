"""people admin: unreachable workers, revoked invites, covers, the bot's own messages

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

A worker who blocks the bot is now marked unreachable instead of switched off; invites can
be revoked; a supervisor can let a worker cover a colleague's caseload until a date; and the
bot keeps the ids of the messages it sent for 48 hours so that switching a worker off can
delete them from the phone.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workers") as batch:
        batch.add_column(sa.Column("unreachable_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("invites") as batch:
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_invites_revoked_by_id_workers"), "workers", ["revoked_by_id"], ["id"]
        )
    op.create_table(
        "covers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("covering_worker_id", sa.Integer(), nullable=False),
        sa.Column("covered_worker_id", sa.Integer(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["covering_worker_id"],
            ["workers.id"],
            name=op.f("fk_covers_covering_worker_id_workers"),
        ),
        sa.ForeignKeyConstraint(
            ["covered_worker_id"], ["workers.id"], name=op.f("fk_covers_covered_worker_id_workers")
        ),
        sa.ForeignKeyConstraint(
            ["granted_by_id"], ["workers.id"], name=op.f("fk_covers_granted_by_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_covers")),
    )
    op.create_index("ix_covers_covering_ends", "covers", ["covering_worker_id", "ends_at"])
    op.create_index(op.f("ix_covers_covered_worker_id"), "covers", ["covered_worker_id"])
    op.create_table(
        "bot_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_messages")),
    )
    op.create_index("ix_bot_messages_chat_sent", "bot_messages", ["chat_id", "sent_at"])
    op.create_index(op.f("ix_bot_messages_sent_at"), "bot_messages", ["sent_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_bot_messages_sent_at"), table_name="bot_messages")
    op.drop_index("ix_bot_messages_chat_sent", table_name="bot_messages")
    op.drop_table("bot_messages")
    op.drop_index(op.f("ix_covers_covered_worker_id"), table_name="covers")
    op.drop_index("ix_covers_covering_ends", table_name="covers")
    op.drop_table("covers")
    with op.batch_alter_table("invites") as batch:
        batch.drop_constraint(op.f("fk_invites_revoked_by_id_workers"), type_="foreignkey")
        batch.drop_column("revoked_by_id")
        batch.drop_column("revoked_at")
    with op.batch_alter_table("workers") as batch:
        batch.drop_column("unreachable_at")
