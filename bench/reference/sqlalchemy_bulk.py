"""The seeds' stack bulk insert: SQLAlchemy Core insert() executed with a list of rows through a Session
(executemany via PyMySQL, which rewrites it into multi-row INSERTs), one connection, one commit per table.

Reads the same rows carepool generates (LOAD DATA text files written by bench/seed/seed.bench.ts) before
the clock starts, so only the insert is timed. The database URL comes from the CAREPOOL_BENCH_DB_URL
environment variable (never argv, never printed). Input on stdin, JSON:
  {"chunk": 10000, "loads": [{"table": "patients", "columns": [...], "file": "/tmp/.../patients.tsv"}, ...]}
Output on stdout, JSON: {"rows": N, "seconds": S, "cpu": CPU seconds of this process, "sqlalchemy": "1.4.x"}.
"""
import json
import os
import sys
import time

import sqlalchemy
from sqlalchemy import Column, MetaData, Table, create_engine, insert
from sqlalchemy.orm import Session

UNESCAPE = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\", "0": "\0"}


def field(text):
    if text == "\\N":
        return None
    if "\\" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append(UNESCAPE.get(text[i + 1], text[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def read_rows(path, columns):
    with open(path, encoding="utf-8") as f:
        return [dict(zip(columns, (field(v) for v in line.rstrip("\n").split("\t")))) for line in f]


def main():
    spec = json.load(sys.stdin)
    chunk = int(spec.get("chunk", 10000))
    engine = create_engine(os.environ["CAREPOOL_BENCH_DB_URL"], future=True, pool_size=1)
    metadata = MetaData()
    tables, loads = {}, []
    for load in spec["loads"]:
        name = load["table"]
        if name not in tables:
            tables[name] = Table(name, metadata, *(Column(c) for c in load["columns"]))
        loads.append((tables[name], read_rows(load["file"], load["columns"])))
    total = 0
    with Session(engine, future=True) as session:
        session.execute(sqlalchemy.text("SELECT 1"))  # connect before the clock starts
        started = time.perf_counter()
        cpu = time.process_time()
        for table, rows in loads:
            for at in range(0, len(rows), chunk):
                session.execute(insert(table), rows[at : at + chunk])
            session.commit()
            total += len(rows)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
    engine.dispose()
    json.dump({"rows": total, "seconds": seconds, "cpu": cpu, "sqlalchemy": sqlalchemy.__version__}, sys.stdout)


if __name__ == "__main__":
    main()
