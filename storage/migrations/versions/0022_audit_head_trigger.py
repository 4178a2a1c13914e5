"""audit_head_trigger: the audit chain's head follows its last row inside the database

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07

Issue 15: every audited transaction locked the chain's head, then moved it with an UPDATE
of its own. An AFTER INSERT trigger on audit_events now moves it as each row is written
(storage/machinery.py holds the DDL, also used for create_all schemas): one statement
fewer per audited update, with the same head as before.
"""

from collections.abc import Sequence

from alembic import op

from storage.machinery import HEAD_TRIGGER_DDL, HEAD_TRIGGER_DROP

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for statement in HEAD_TRIGGER_DDL[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in HEAD_TRIGGER_DROP[op.get_bind().dialect.name]:
        op.execute(statement)
