"""the people around the client: care team organisation, consent to share, end of a relation

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-06

`client_contacts` (the intake's contacts) becomes the list of the people around the
client (the card's 👥 People): `organisation` (a care team member's practice, office or
school), `consent_to_share` (whether the client agreed to share with them; NULL: not
asked) and `ended_at` (a relation that ended stays in the record, listed under
"Earlier"). All nullable: the intake's rows stay as they were. `relation` takes more
values (neighbour, gp, nurse, …), in the same String(30).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("client_contacts") as batch:
        batch.add_column(sa.Column("organisation", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("consent_to_share", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("client_contacts") as batch:
        batch.drop_column("ended_at")
        batch.drop_column("consent_to_share")
        batch.drop_column("organisation")
