"""Alembic side of bench/migrate/migrate.bench.ts, in one long-lived process so that interpreter start and
imports are paid once and the rounds interleave with carepool's. One command per stdin line, one JSON
answer per stdout line:
  upgrade                 -> alembic upgrade head   (bench/reference/alembic, the same chain as migrations/)
  downgrade               -> alembic downgrade base
  autogenerate N          -> alembic revision --autogenerate against the N-table synthetic metadata
                             (reflection of the live database + compare + render of a revision file)
Answer: {"ms": wall milliseconds, "cpu": CPU seconds of this process, "ops": operations found (autogenerate)}.
The database URL comes from CAREPOOL_BENCH_DB_URL (never argv, never printed).
"""
import json
import logging
import os
import shutil
import sys
import tempfile
import time

import alembic
from alembic import command
from alembic.config import Config

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "alembic")
logging.basicConfig(level=logging.WARNING)
# Reflecting a table reflects the tables its FKs reference first, recursively: on the synthetic schema's
# 200-table FK chain that is ~5 frames per table, past Python's default limit of 1000 whenever reflection
# starts near the end of the chain (SHOW TABLES order varies), and the RecursionError, raised mid-read,
# surfaced as PyMySQL "Packet sequence number wrong". A higher limit changes nothing else.
sys.setrecursionlimit(10000)


def config(version_locations, **attributes):
    cfg = Config(stdout=sys.stderr)  # keep stdout for the JSON answers
    cfg.set_main_option("script_location", HERE)
    cfg.set_main_option("version_locations", version_locations)
    cfg.attributes.update(attributes)
    return cfg


def main():
    scratch = tempfile.mkdtemp(prefix="carepool-alembic-")
    try:
        serve(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def serve(scratch):
    print(json.dumps({"ready": True, "alembic": alembic.__version__}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        started, cpu, ops = time.perf_counter(), time.process_time(), None
        if words[0] == "upgrade":
            command.upgrade(config(os.path.join(HERE, "versions")), "head")
        elif words[0] == "downgrade":
            command.downgrade(config(os.path.join(HERE, "versions")), "base")
        elif words[0] == "autogenerate":
            cfg = config(scratch, metadata=f"synthetic:{int(words[1])}")
            command.revision(cfg, message="bench", autogenerate=True)
            ops = cfg.attributes.get("ops")
        else:
            raise SystemExit(f"unknown command {words[0]!r}")
        answer = {"ms": (time.perf_counter() - started) * 1000, "cpu": time.process_time() - cpu, "ops": ops}
        print(json.dumps(answer), flush=True)
        for name in os.listdir(scratch):
            if name.endswith(".py"):
                os.remove(os.path.join(scratch, name))


if __name__ == "__main__":
    main()
