"""patients and medical records (the seeds schema) -- migrations/0001_initial.ts as an Alembic revision

Revision ID: 0001_initial
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

TABLE_ARGS = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}


def upgrade() -> None:
    op.create_table(
        "patients",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("first_name", sa.String(50), nullable=False),
        sa.Column("last_name", sa.String(50), nullable=False),
        sa.Column("date_of_birth", sa.Date, nullable=False),
        sa.Column("gender", sa.String(10), nullable=False),
        sa.Column("contact_number", sa.String(15), nullable=True),
        **TABLE_ARGS,
    )
    op.create_index("ix_patients_last_name_first_name", "patients", ["last_name", "first_name"])
    op.create_table(
        "medical_records",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("patient_id", sa.Integer, nullable=False),
        sa.Column("diagnosis", sa.String(100), nullable=False),
        sa.Column("treatment", sa.String(200), nullable=True),
        sa.Column("admission_date", sa.Date, nullable=False),
        sa.Column("discharge_date", sa.Date, nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name="fk_medical_records_patient_id", ondelete="RESTRICT", onupdate="RESTRICT"
        ),
        **TABLE_ARGS,
    )


def downgrade() -> None:
    op.drop_table("medical_records")
    op.drop_index("ix_patients_last_name_first_name", table_name="patients")
    op.drop_table("patients")
