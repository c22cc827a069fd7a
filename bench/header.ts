/**
 * The header of docs/benchmarks.md: machine, versions, data sizes and commands, rewritten after every
 * successful run so it stays true to the sections below it.
 */
import { execFile } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { promisify } from 'node:util';
import { findServerBinary } from '../src/sandbox/index.js';
import { mdTable } from './lib/report.js';
import { referenceStack } from './reference/stack.js';
import {
  DRIVER_SIZES,
  HTTP_DATA,
  HTTP_SIZES,
  MIGRATE_SIZES,
  MIGRATE_TABLES,
  POOL_ACQUIRE_FACTOR,
  POOL_SIZES,
  SEED_SIZES,
} from './sizes.js';

const n = (x: number) => x.toLocaleString('en-US');
const pool = (m: (typeof POOL_SIZES)['short']) =>
  `${n(m.count)} queries (${n(m.count * POOL_ACQUIRE_FACTOR)} acquire+release) per round × ${m.rounds} rounds`;
const driver = (m: (typeof DRIVER_SIZES)['short']) => `${n(m.count)} queries per round × ${m.rounds} rounds`;
const http = (m: (typeof HTTP_SIZES)['short']) =>
  `${n(HTTP_DATA.patients)} patients + ${n(HTTP_DATA.patients * HTTP_DATA.recordsPerPatient)} records; ${m.warmSeconds} s warm-up, then ${m.rounds} rounds × ${m.seconds} s per server and workload`;
const migrate = (m: (typeof MIGRATE_SIZES)['short']) =>
  `${m.rounds} chain rounds, ${m.genRounds} autogenerate rounds after ${m.genWarmup} warm-up rounds (${MIGRATE_TABLES} tables), ${m.cliRounds} CLI rounds`;
const seed = (m: (typeof SEED_SIZES)['short']) =>
  `${n(m.patients)} patients + ${n(m.patients * m.perPatient)} records, ${m.rounds} rounds`;

/** What each benchmark compares and on how much data, short mode / `--full` (from bench/sizes.ts). */
const SIZES: readonly (readonly string[])[] = [
  [
    'pool',
    'carepool pool vs bare mysql2 pool (trace off): acquire+release, SELECT 1; 1 and 64 callers, pool max 20',
    pool(POOL_SIZES.short),
    pool(POOL_SIZES.full),
  ],
  [
    'driver',
    'mysql2 vs MariaDB connector on carepool queries',
    driver(DRIVER_SIZES.short),
    driver(DRIVER_SIZES.full),
  ],
  [
    'http',
    'API read/write/overload: carepool as deployed vs bare node:http + mysql2 (same work; and no auth/audit) vs Flask + SQLAlchemy under gunicorn',
    http(HTTP_SIZES.short),
    http(HTTP_SIZES.full),
  ],
  [
    'migrate',
    `chain up/down on 2 targets vs Alembic on 1; autogenerate on ${MIGRATE_TABLES} tables vs Alembic`,
    migrate(MIGRATE_SIZES.short),
    migrate(MIGRATE_SIZES.full),
  ],
  [
    'seed',
    'carepool seed vs LOAD DATA LOCAL INFILE vs SQLAlchemy bulk insert',
    seed(SEED_SIZES.short),
    seed(SEED_SIZES.full),
  ],
];

/** Renders the header for a run that has just finished (`startedAt`: when it began). */
export async function header(full: boolean, names: readonly string[], startedAt: Date): Promise<string> {
  const [server, stack, python] = await Promise.all([
    findServerBinary().then(
      (b) => `${b.flavor === 'mariadb' ? 'MariaDB' : 'MySQL'} ${b.version}`,
      () => 'no MySQL/MariaDB server binary found',
    ),
    referenceStack(),
    promisify(execFile)('/usr/bin/python3', ['--version']).then(
      (r) => r.stdout.trim(),
      () => 'no /usr/bin/python3',
    ),
  ]);
  return [
    '# Benchmarks',
    '',
    'Every comparison runs side by side in one run against the same local server (interleaved rounds,',
    'medians) and is reported as a ratio, because absolute numbers on a shared 2-core machine are noisy.',
    'Each section below is rewritten by its own benchmark and names its own machine line, load and data',
    'size; this header is rewritten after every run that completes (a failed run leaves it as it was).',
    'Hand-recorded profiles and A/B investigations, dated and not re-checked by any run, are in',
    '[benchmarks-history.md](benchmarks-history.md).',
    '',
    `- Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${process.platform}.`,
    `- Versions: Node ${process.version}; ${server} (the sandbox's private servers, plain TCP on loopback);`,
    `  ${python} at /usr/bin/python3; reference stack: ${stack.versions}.`,
    `- Last run: \`npm run bench -- ${[...names, ...(full ? ['--full'] : [])].join(' ')}\` from ${startedAt.toISOString().slice(0, 16)}Z to ${new Date().toISOString().slice(0, 16)}Z, completed; every section carries its own date.`,
    '- Commands: `npm run bench` (short mode), `npm run bench -- --full` (long: the sizes in the table below and the',
    '  1,000,000-record seed), `npm run bench -- seed migrate` (only those). The Python reference stack is',
    "  Debian's `python3-alembic python3-sqlalchemy python3-pymysql python3-flask gunicorn`; the run installs",
    '  it with `bench/reference/install.sh` (apt-get, root or sudo) when it is absent.',
    '',
    mdTable(['section', 'compares', 'short mode', '`--full`'], SIZES),
  ].join('\n');
}
