/**
 * Driver choice (issue 2): mysql2 against the MariaDB connector on the queries carepool runs, each with its
 * own pool of 20, on the same server. Recorded in docs/benchmarks.md; src/db/driver.ts says why mysql2.
 */
import * as mariadb from 'mariadb';
import mysql from 'mysql2/promise';
import { compareRounds, median, pairedRatios } from '../lib/measure.js';
import { machineLine, mdTable, writeSection } from '../lib/report.js';
import { startBenchServer } from '../lib/server.js';
import { DRIVER_SIZES, pick } from '../sizes.js';

const LIST_50 =
  "SELECT seq AS id, CONCAT('First', seq) AS first_name, CONCAT('Last', seq) AS last_name, DATE '1980-01-01' + INTERVAL seq DAY AS date_of_birth FROM seq_1_to_50";

export async function runDriverBench(full: boolean): Promise<string> {
  const server = await startBenchServer();
  const s = server.spec;
  const common = {
    host: s.host,
    port: s.port,
    user: s.user,
    password: s.password.reveal(),
    database: s.database,
  };
  // mysql2 as carepool runs it (src/db/driver.ts): no stack capture per query (mysql2/promise's default
  // `trace: true`), text protocol only; the mariadb connector's own `trace` is off by default.
  const m2 = mysql.createPool({
    ...common,
    connectionLimit: 20,
    dateStrings: true,
    trace: false,
    maxPreparedStatements: 1,
  });
  const mdb = mariadb.createPool({ ...common, connectionLimit: 20, dateStrings: true, acquireTimeout: 5000 });
  const { count, rounds } = pick(DRIVER_SIZES, full);
  const rows: (string | number)[][] = [];
  const ratios: number[] = [];
  try {
    for (const [label, sqlText, concurrency] of [
      ['SELECT 1', 'SELECT 1', 1],
      ['SELECT 1', 'SELECT 1', 64],
      ['50-row list', LIST_50, 1],
      ['50-row list', LIST_50, 64],
    ] as const) {
      const r = await compareRounds(
        { mysql2: () => m2.query(sqlText), mariadb: () => mdb.query(sqlText) },
        { count, concurrency, rounds },
      );
      const a = r.mysql2 as number[];
      const b = r.mariadb as number[];
      ratios.push(median(a) / median(b));
      rows.push([
        label,
        concurrency,
        Math.round(median(a)),
        Math.round(median(b)),
        (median(a) / median(b)).toFixed(2),
        pairedRatios(a, b),
      ]);
    }
  } finally {
    await m2.end();
    await mdb.end();
    await server.stop();
  }
  const md = [
    '## Driver: mysql2 vs the MariaDB connector',
    '',
    machineLine(`MariaDB ${server.state.version} on loopback, each driver's own pool of 20`),
    '',
    `${count.toLocaleString('en-US')} queries per round, ${rounds} interleaved rounds after a warm-up; medians, and the ratio per round.`,
    `In this run mysql2 served ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x the MariaDB connector's queries per second.`,
    'carepool uses mysql2 because the Cloud SQL Node.js connector supports only mysql2 and it is the most used',
    "driver, and runs its own pool over single mysql2 connections (mysql2's pool lacks acquire timeout and",
    'validation). Command: `npm run bench -- driver`.',
    '',
    mdTable(['query', 'callers', 'mysql2 ops/s', 'mariadb ops/s', 'mysql2 ÷ mariadb', 'per round'], rows),
  ].join('\n');
  await writeSection('driver', md);
  return md;
}
