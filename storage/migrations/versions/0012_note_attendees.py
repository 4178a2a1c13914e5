"""who was there at a note, and the person a collateral note is with

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

`note_attendees` records who was present at a note: the client (`is_client`, no contact)
or one of the people around the client (`contact_id` → `client_contacts`).
`notes.about_contact_id` links a collateral contact (a call with the daughter, a talk
with the GP) to that person; NULL for every note before it and for someone not on the
card. The old free-text `notes.attendees` stays as it was (never filled).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notes") as batch:
        batch.add_column(sa.Column("about_contact_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_notes_about_contact_id_client_contacts"),
            "client_contacts",
            ["about_contact_id"],
            ["id"],
        )
        batch.create_index(op.f("ix_notes_about_contact_id"), ["about_contact_id"])
    op.create_table(
        "note_attendees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("is_client", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"], ["notes.id"], name=op.f("fk_note_attendees_note_id_notes")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["client_contacts.id"],
            name=op.f("fk_note_attendees_contact_id_client_contacts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_attendees")),
    )
    op.create_index(op.f("ix_note_attendees_note_id"), "note_attendees", ["note_id"])
    op.create_index(op.f("ix_note_attendees_contact_id"), "note_attendees", ["contact_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_note_attendees_contact_id"), table_name="note_attendees")
    op.drop_index(op.f("ix_note_attendees_note_id"), table_name="note_attendees")
    op.drop_table("note_attendees")
    with op.batch_alter_table("notes") as batch:
        batch.drop_index(op.f("ix_notes_about_contact_id"))
        batch.drop_constraint(op.f("fk_notes_about_contact_id_client_contacts"), type_="foreignkey")
        batch.drop_column("about_contact_id")
