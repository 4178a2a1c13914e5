"""visit verification (EVV): check-in and check-out positions, verification and its
exceptions, and the client's home location with every setting kept

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08

`appointments` already had check_in_at, check_out_at and the check-in's latitude and
longitude, which nothing wrote. It gains the check-in's accuracy, distance from the home
and the reason for a position outside the radius, the same for the check-out, when the
check-out was found missing, the verification (`evv_status`), its exception codes
(`evv_exceptions`, comma-separated), when it last changed (`evv_at`) and why checked-in
times were edited (`time_edit_reason`). `clients` gains its home location and who set it
when; `client_home_locations` keeps every setting with its reason. All new columns
nullable: existing visits and clients have none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APPOINTMENT_COLUMNS = (
    ("check_in_accuracy", sa.Float()),
    ("check_in_distance", sa.Integer()),
    ("check_in_reason", sa.String(length=20)),
    ("check_out_latitude", sa.Float()),
    ("check_out_longitude", sa.Float()),
    ("check_out_accuracy", sa.Float()),
    ("check_out_distance", sa.Integer()),
    ("check_out_reason", sa.String(length=20)),
    ("check_out_missed_at", sa.DateTime(timezone=True)),
    ("evv_status", sa.String(length=16)),
    ("evv_exceptions", sa.String(length=200)),
    ("evv_at", sa.DateTime(timezone=True)),
    ("time_edit_reason", sa.Text()),
)


def upgrade() -> None:
    with op.batch_alter_table("appointments") as batch:
        for name, kind in _APPOINTMENT_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    op.create_index(
        "ix_appointments_open_check_in",
        "appointments",
        ["check_out_at", "check_out_missed_at", "check_in_at"],
    )
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("home_latitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("home_longitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("home_set_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("home_set_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_clients_home_set_by_id_workers"), "workers", ["home_set_by_id"], ["id"]
        )
    op.create_table(
        "client_home_locations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("accuracy", sa.Float(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_client_home_locations_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_client_home_locations_appointment_id_appointments"),
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_client_home_locations_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_home_locations")),
    )
    op.create_index(
        "ix_client_home_locations_client_at", "client_home_locations", ["client_id", "at"]
    )


def downgrade() -> None:
    op.drop_index("ix_client_home_locations_client_at", table_name="client_home_locations")
    op.drop_table("client_home_locations")
    with op.batch_alter_table("clients") as batch:
        batch.drop_constraint(op.f("fk_clients_home_set_by_id_workers"), type_="foreignkey")
        batch.drop_column("home_set_by_id")
        batch.drop_column("home_set_at")
        batch.drop_column("home_longitude")
        batch.drop_column("home_latitude")
    op.drop_index("ix_appointments_open_check_in", table_name="appointments")
    with op.batch_alter_table("appointments") as batch:
        for name, _ in reversed(_APPOINTMENT_COLUMNS):
            batch.drop_column(name)
