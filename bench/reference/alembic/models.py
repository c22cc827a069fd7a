"""SQLAlchemy metadata equivalent to carepool's TypeScript models, for Alembic autogenerate.

clinic_metadata(): the schema at head of migrations/ (patients, medical_records, appointments).
synthetic_metadata(n): bench/migrate/migrate.bench.ts syntheticSchema(n), column for column: n tables of
8 columns, an index on (name, code), and an FK parent_id -> previous table's id, named as carepool names
them (ix_<table>_<cols>, fk_<table>_<col>), so a database created by either tool compares equal.
"""
import functools

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

TABLE_ARGS = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}


@functools.lru_cache(maxsize=None)  # built once per process, like carepool builds its models once
def synthetic_metadata(n):
    metadata = sa.MetaData()
    for i in range(n):
        name = f"t{i:03d}"
        args = [
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("parent_id", sa.Integer, nullable=False),
            sa.Column("name", sa.String(100), nullable=False),
            sa.Column("code", sa.CHAR(8), nullable=False),
            sa.Column("amount", sa.Numeric(10, 2), nullable=False),
            sa.Column("active", sa.Boolean(create_constraint=False), nullable=False),
            sa.Column("created", mysql.DATETIME(fsp=3), nullable=False),
            sa.Column("note", sa.Text, nullable=False),
            sa.Index(f"ix_{name}_name_code", "name", "code"),
        ]
        if i > 0:
            args.append(
                sa.ForeignKeyConstraint(
                    ["parent_id"],
                    [f"t{i - 1:03d}.id"],
                    name=f"fk_{name}_parent_id",
                    ondelete="RESTRICT",
                    onupdate="RESTRICT",
                )
            )
        sa.Table(name, metadata, *args, **TABLE_ARGS)
    return metadata


def clinic_metadata():
    metadata = sa.MetaData()
    sa.Table(
        "patients",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("first_name", sa.String(50), nullable=False),
        sa.Column("last_name", sa.String(50), nullable=False),
        sa.Column("date_of_birth", sa.Date, nullable=False),
        sa.Column("gender", sa.String(10), nullable=False),
        sa.Column("contact_number", sa.String(15), nullable=True),
        sa.Column("is_deceased", sa.Boolean(create_constraint=False), nullable=False, server_default=sa.text("0")),
        sa.Index("ix_patients_last_name_first_name", "last_name", "first_name"),
        **TABLE_ARGS,
    )
    sa.Table(
        "medical_records",
        metadata,
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
    sa.Table(
        "appointments",
        metadata,
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
        sa.Index("ix_appointments_patient_id_scheduled_at", "patient_id", "scheduled_at"),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name="fk_appointments_patient_id", ondelete="RESTRICT", onupdate="RESTRICT"
        ),
        **TABLE_ARGS,
    )
    return metadata
