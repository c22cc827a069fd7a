"""appointments and patients.is_deceased -- migrations/0002_appointments.ts as an Alembic revision

Revision ID: 0002_appointments
Revises: 0001_initial
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0002_appointments"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("patient_id", sa.Integer, nullable=False),
        sa.Column("scheduled_at", mysql.DATETIME(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column(
            "status",
            sa.Enum("scheduled", "completed", "cancelled", "no_show"),
            nullable=False,
            server_default="scheduled",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name="fk_appointments_patient_id", ondelete="RESTRICT", onupdate="RESTRICT"
        ),
        mysql_engine="InnoDB",
        mysql_charset="utf8mb4",
    )
    op.create_index("ix_appointments_patient_id_scheduled_at", "appointments", ["patient_id", "scheduled_at"])
    op.add_column(
        "patients",
        sa.Column("is_deceased", sa.Boolean(create_constraint=False), nullable=False, server_default=sa.text("0")),
    )


def downgrade() -> None:
    op.drop_column("patients", "is_deceased")
    op.drop_table("appointments")
