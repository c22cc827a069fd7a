"""Alembic environment of the benchmark (online mode only). URL from CAREPOOL_BENCH_DB_URL.

-x metadata=synthetic:N compares against the N-table synthetic schema (autogenerate benchmark); the
default is the clinic schema. carepool's own bookkeeping tables (carepool_*) are not part of either
model, exactly as carepool ignores alembic_version, so they are excluded from the comparison.
"""
import os
import sys

from alembic import context
from sqlalchemy import create_engine, pool

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import clinic_metadata, synthetic_metadata  # noqa: E402

config = context.config
x = context.get_x_argument(as_dictionary=True)
choice = x.get("metadata") or config.attributes.get("metadata") or "clinic"
target_metadata = synthetic_metadata(int(choice.split(":")[1])) if choice.startswith("synthetic:") else clinic_metadata()


def include_name(name, type_, parent_names):
    return not (type_ == "table" and name.startswith("carepool_"))


def record_ops(context_, revision, directives):
    # Lets the benchmark check that autogenerate found no difference (no false positives) on its run.
    config.attributes["ops"] = sum(len(d.upgrade_ops.ops) for d in directives)


engine = create_engine(os.environ["CAREPOOL_BENCH_DB_URL"], poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=include_name,
        compare_type=True,
        compare_server_default=True,
        process_revision_directives=record_ops,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
