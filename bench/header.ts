/**
 * The header of docs/benchmarks.md: machine, versions, data sizes and commands, rewritten on every run so
 * it stays true to the sections below it.
 */
import { execFile } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { promisify } from 'node:util';
import { findServerBinary } from '../src/sandbox/index.js';
import { mdTable } from './lib/report.js';
import { referenceStack } from './reference/stack.js';

/** What each benchmark compares and on how much data, short mode / `--full`. */
const SIZES: readonly (readonly string[])[] = [
  [
    'pool',
    'carepool pool vs bare mysql2 pool: acquire+release, SELECT 1; 1 and 64 callers, pool max 20',
    '5,000-20,000 ops × 5 rounds',
    '20,000-80,000 ops × 7 rounds',
  ],
  [
    'driver',
    'mysql2 vs MariaDB connector on carepool queries',
    '4,000 ops × 3 rounds',
    '20,000 ops × 7 rounds',
  ],
  [
    'http',
    'API read/write/overload: carepool as deployed vs bare node:http + mysql2 (same work; and no auth/audit) vs Flask + SQLAlchemy under gunicorn',
    '10,000 patients + 30,000 records; 3 rounds × 3 s per server and workload',
    'same data; 5 rounds × 10 s',
  ],
  [
    'migrate',
    'chain up/down on 2 targets vs Alembic on 1; autogenerate on 200 tables vs Alembic',
    '3 rounds',
    '7 rounds',
  ],
  [
    'seed',
    'carepool seed vs LOAD DATA LOCAL INFILE vs SQLAlchemy bulk insert',
    '20,000 patients + 200,000 records, 2 rounds',
    '100,000 patients + 1,000,000 records, 3 rounds',
  ],
];

/** Renders the header for the run that is about to start. */
export async function header(full: boolean, names: readonly string[]): Promise<string> {
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
    'size; this header is rewritten on every run.',
    '',
    `- Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${process.platform}.`,
    `- Versions: Node ${process.version}; ${server} (the sandbox's private servers, plain TCP on loopback);`,
    `  ${python} at /usr/bin/python3; reference stack: ${stack.versions}.`,
    `- Last run: \`npm run bench -- ${[...names, ...(full ? ['--full'] : [])].join(' ')}\` at ${new Date().toISOString().slice(0, 16)}Z; every section carries its own date.`,
    '- Commands: `npm run bench` (short: a few minutes on 2 cores), `npm run bench -- --full` (long: the',
    '  1,000,000-record seed), `npm run bench -- seed migrate` (only those). The Python reference stack is',
    "  Debian's `python3-alembic python3-sqlalchemy python3-pymysql python3-flask gunicorn`; the run installs",
    '  it with `bench/reference/install.sh` (apt-get, root or sudo) when it is absent.',
    '',
    mdTable(['section', 'compares', 'short mode', '`--full`'], SIZES),
  ].join('\n');
}
