/**
 * Bulk seed (issue 8, item 5): the same deterministic patients + medical records written four ways to the
 * same server, side by side: `LOAD DATA LOCAL INFILE` of pre-generated files (the server's limit),
 * `carepool seed` as shipped (streams LOAD DATA LOCAL when the server allows it), `carepool seed` forced to
 * multi-row INSERTs (the path used where `local_infile` is OFF), and SQLAlchemy bulk insert through PyMySQL
 * (the seeds' stack). Goal: carepool >= 0.5x LOAD DATA's rows/s. Writes the `seed` section.
 */
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { loadConfig } from '../../src/config/index.js';
import { openConnection } from '../../src/db/driver.js';
import { sql } from '../../src/db/sql.js';
import { type Target, TargetRegistry } from '../../src/db/targets.js';
import { tlsPlan } from '../../src/db/tls.js';
import { migrateTarget } from '../../src/migrate/index.js';
import { userUrl } from '../../src/sandbox/index.js';
import { patientAt, recordsOf, seedTarget } from '../../src/seed/index.js';
import { PATIENT_COLUMNS, patientLine, RECORD_COLUMNS, recordLine } from '../../src/seed/tsv.js';
import { median } from '../lib/measure.js';
import { machineLine, mdTable, writeSection } from '../lib/report.js';
import { type BenchServer, startBenchServer } from '../lib/server.js';
import { PYTHON, referenceStack } from '../reference/stack.js';
import { pick, SEED_SIZES } from '../sizes.js';

const SEED = 1;
/** The reference the goal is stated against (issue 8: "LOAD DATA LOCAL INFILE of the same rows"). */
const LIMIT = 'LOAD DATA LOCAL INFILE, pre-generated files, 1 connection (limit)';

/** One timed run: wall time and the client process's CPU seconds. */
interface Run {
  readonly ms: number;
  readonly clientCpu: number;
}

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

/** CPU seconds the server process has used so far (utime + stime from /proc, Linux). */
function serverCpu(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Times a carepool seed run in this process. */
async function timed(fn: () => Promise<unknown>): Promise<Run> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  return { ms: performance.now() - t0, clientCpu: cpuSeconds(process.cpuUsage(c0)) };
}

interface Size {
  readonly patients: number;
  readonly perPatient: number;
}

/** Pre-generated LOAD DATA files, split by id range into {@link PARTS} parts per table. */
interface Files {
  readonly patients: readonly string[];
  readonly records: readonly string[];
}

/** Parts per table, so the parallel LOAD DATA variant can run as many statements as carepool does. */
const PARTS = 4;

/** Writes the rows carepool seeds as LOAD DATA text files (the same generator, so the same rows). */
async function writeFiles(dir: string, size: Size): Promise<Files> {
  const names = (kind: string) => Array.from({ length: PARTS }, (_, i) => join(dir, `${kind}-${i}.tsv`));
  const files: Files = { patients: names('patients'), records: names('records') };
  const perPart = Math.ceil(size.patients / PARTS);
  for (let part = 0; part < PARTS; part++) {
    const p = createWriteStream(files.patients[part] as string);
    const r = createWriteStream(files.records[part] as string);
    let pBuf = '';
    let rBuf = '';
    const last = Math.min(size.patients, (part + 1) * perPart);
    for (let id = part * perPart + 1; id <= last; id++) {
      const patient = patientAt(SEED, id);
      pBuf += patientLine(patient);
      for (const rec of recordsOf(SEED, patient, (id - 1) * size.perPatient + 1, size.perPatient))
        rBuf += recordLine(rec);
      if (rBuf.length > 1 << 20) {
        if (!p.write(pBuf)) await new Promise<void>((ok) => p.once('drain', () => ok()));
        if (!r.write(rBuf)) await new Promise<void>((ok) => r.once('drain', () => ok()));
        pBuf = '';
        rBuf = '';
      }
    }
    p.end(pBuf);
    r.end(rBuf);
    await Promise.all([finished(p), finished(r)]);
  }
  return files;
}

async function truncate(target: Target): Promise<void> {
  const conn = await target.connectMigrator();
  try {
    await conn.query(sql`SET FOREIGN_KEY_CHECKS = 0`);
    // appointments: carepool seed writes them too (the other candidates do not), and references patients.
    for (const t of ['appointments', 'medical_records', 'patients'])
      await conn.query(sql`TRUNCATE TABLE ${sql.ident(t)}`);
  } finally {
    await conn.close();
  }
}

/** The server's `local_infile` as it is during the run (the INSERT fallback is taken when it is OFF). */
async function localInfile(target: Target): Promise<string> {
  const { rows } = await target.sql.query<{ v: number | string | boolean }>(
    sql`SELECT @@GLOBAL.local_infile AS v`,
  );
  const v = rows[0]?.v;
  return v === undefined ? 'unknown' : String(v) === '1' || v === true ? 'ON' : 'OFF';
}

async function checksum(target: Target): Promise<string> {
  const { rows } = await target.sql.query<{ Checksum: string }>(
    sql`CHECKSUM TABLE patients, medical_records`,
  );
  return rows.map((r) => String(r.Checksum)).join('/');
}

/**
 * LOAD DATA LOCAL INFILE of the pre-generated files: patients, then records, over `connections`
 * connections (1: one statement at a time, as a DBA would load a dump; 4: as many in flight as carepool).
 */
async function loadDataFiles(server: BenchServer, files: Files, connections: number): Promise<Run> {
  const conns = await Promise.all(
    Array.from({ length: connections }, () =>
      openConnection(server.spec, {
        connectTimeoutMs: 3000,
        keepAliveMs: 0,
        tls: tlsPlan(server.spec),
        infileStreamFactory: (path) => createReadStream(path, { highWaterMark: 1 << 16 }),
      }),
    ),
  );
  try {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (const [table, columns, parts] of [
      ['patients', PATIENT_COLUMNS, files.patients],
      ['medical_records', RECORD_COLUMNS, files.records],
    ] as const) {
      const queue = [...parts];
      await Promise.all(
        conns.map(async (conn) => {
          for (let file = queue.shift(); file !== undefined; file = queue.shift())
            await conn.query(
              `LOAD DATA LOCAL INFILE ? INTO TABLE ${table} CHARACTER SET utf8mb4 (${columns.join(', ')})`,
              [file],
            );
        }),
      );
    }
    return { ms: performance.now() - t0, clientCpu: cpuSeconds(process.cpuUsage(c0)) };
  } finally {
    await Promise.all(conns.map((c) => c.close()));
  }
}

/** SQLAlchemy bulk insert in a Python child; its own clock excludes interpreter start and file parsing. */
function sqlalchemyInsert(server: BenchServer, files: Files): Promise<Run> {
  const { user, password } = server.state.users.app;
  const url = `mysql+pymysql://${user}:${encodeURIComponent(password)}@127.0.0.1:${server.state.port}/${server.state.database}?charset=utf8mb4`;
  return new Promise((resolve, reject) => {
    const child = execFile(
      PYTHON,
      [join(import.meta.dirname, '..', 'reference', 'sqlalchemy_bulk.py')],
      { env: { ...process.env, CAREPOOL_BENCH_DB_URL: url }, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`SQLAlchemy bulk insert failed: ${stderr.slice(-2000)}`));
        else {
          const out = JSON.parse(stdout) as { seconds: number; cpu: number };
          resolve({ ms: out.seconds * 1000, clientCpu: out.cpu });
        }
      },
    );
    child.stdin?.end(
      JSON.stringify({
        chunk: 10_000,
        loads: [
          ...files.patients.map((file) => ({ table: 'patients', columns: PATIENT_COLUMNS, file })),
          ...files.records.map((file) => ({ table: 'medical_records', columns: RECORD_COLUMNS, file })),
        ],
      }),
    );
  });
}

/** Runs the benchmark and returns its markdown section. */
export async function runSeedBench(full: boolean): Promise<string> {
  const { rounds, ...size }: Size & { rounds: number } = pick(SEED_SIZES, full);
  const rows = size.patients * (1 + size.perPatient);
  const stack = await referenceStack();
  // A buffer pool that holds the data set and a redo log that does not force checkpoints mid-load, so
  // every candidate is measured against the same CPU-bound server rather than the sandbox's small disk cache.
  const server = await startBenchServer(['--innodb-buffer-pool-size=1G', '--innodb-log-file-size=512M']);
  const env: Record<string, string> = {
    CAREPOOL_TARGETS: 'bench',
    CAREPOOL_TARGET_BENCH_URL: server.url,
    CAREPOOL_TARGET_BENCH_MIGRATE_URL: userUrl(server.state, 'migrator', 'DISABLED'),
  };
  const registry = new TargetRegistry(loadConfig({ env, dotenv: false }));
  const target = registry.get('bench');
  const dir = await mkdtemp(join(tmpdir(), 'carepool-seed-bench-'));
  const seedOptions = {
    patients: size.patients,
    recordsPerPatient: size.perPatient,
    seed: SEED,
    reset: false,
  };
  try {
    const migrated = await migrateTarget(target);
    if (!migrated.ok) throw new Error(`migrate failed: ${JSON.stringify(migrated.error)}`);
    const files = await writeFiles(dir, size);
    const infile = await localInfile(target);
    let shippedMethod = '';
    let appointments = 0;
    const candidates: Record<string, () => Promise<Run>> = {
      [LIMIT]: () => loadDataFiles(server, files, 1),
      'LOAD DATA LOCAL INFILE, pre-generated files, 4 connections': () => loadDataFiles(server, files, PARTS),
      'carepool seed as shipped': () =>
        timed(async () => {
          const result = await seedTarget(target, seedOptions);
          shippedMethod = result.method;
          appointments = result.appointments;
        }),
      'carepool seed, INSERT path (`method: insert`)': () =>
        timed(() => seedTarget(target, { ...seedOptions, method: 'insert' })),
      ...(stack.ok
        ? {
            'SQLAlchemy bulk insert (PyMySQL executemany, 1 connection)': () =>
              sqlalchemyInsert(server, files),
          }
        : {}),
    };
    const names = Object.keys(candidates);
    const samples: Record<string, { ms: number[]; client: number[]; server: number[] }> = Object.fromEntries(
      names.map((n) => [n, { ms: [], client: [], server: [] }]),
    );
    const sums = new Set<string>();
    for (let round = 0; round < rounds; round++) {
      for (const name of round % 2 ? [...names].reverse() : names) {
        await truncate(target);
        process.stderr.write(`  seed round ${round + 1}/${rounds}: ${name}…\n`);
        const s0 = serverCpu(server.state.pid);
        const run = await (candidates[name] as () => Promise<Run>)();
        const sample = samples[name] as { ms: number[]; client: number[]; server: number[] };
        sample.ms.push(run.ms);
        sample.client.push(run.clientCpu);
        sample.server.push(serverCpu(server.state.pid) - s0);
        if (round === 0) sums.add(await checksum(target));
      }
    }
    if (sums.size !== 1)
      throw new Error(`the candidates wrote different rows: checksums ${[...sums].join(', ')}`);
    const limit = rows / (median(samples[LIMIT]?.ms ?? []) / 1000);
    const table = names.map((name) => {
      const sample = samples[name] as { ms: number[]; client: number[]; server: number[] };
      const ms = median(sample.ms);
      const rps = rows / (ms / 1000);
      return [
        name,
        (ms / 1000).toFixed(2),
        Math.round(rps).toLocaleString('en-US'),
        `**${(rps / limit).toFixed(2)}**`,
        median(sample.server).toFixed(2),
        median(sample.client).toFixed(2),
      ];
    });
    const md = [
      '## Bulk seed: carepool seed vs LOAD DATA LOCAL INFILE vs SQLAlchemy bulk insert',
      '',
      machineLine(
        `MariaDB ${server.state.version} on loopback (plain TCP, buffer pool 1 GiB), ${stack.versions}, load average ${loadavg()[0]?.toFixed(1)} at start`,
      ),
      '',
      `${size.patients.toLocaleString('en-US')} patients + ${(size.patients * size.perPatient).toLocaleString('en-US')} medical records = ${rows.toLocaleString('en-US')} rows per run`,
      `(${full ? 'this is' : 'short mode;'} \`--full\` is ${SEED_SIZES.full.patients.toLocaleString('en-US')} + ${(SEED_SIZES.full.patients * SEED_SIZES.full.perPatient).toLocaleString('en-US')}), same seed, explicit ids; tables truncated`,
      `before each run; identical CHECKSUM TABLE after every candidate. Median of ${rounds} interleaved rounds.`,
      'The LOAD DATA and SQLAlchemy clocks exclude generating and parsing the rows (their files are written',
      "beforehand); carepool's includes generating them. carepool as shipped used",
      `\`${shippedMethod}\` (the server reported \`local_infile=${infile}\`), 4 statements in flight. CPU columns are the`,
      'server process and the client process (Node, or Python for SQLAlchemy) during the run: on a shared',
      '2-core machine they are steadier than wall time. Goal: carepool >= 0.5x LOAD DATA.',
      `carepool seed also writes each patient's appointments (${appointments.toLocaleString('en-US')} rows in this run, plain INSERTs) that the other`,
      'candidates do not write: its clock includes them, its rows/s counts only patients + records.',
      'Command: `npm run bench -- seed` (`npm run bench -- seed --full` for 1M records).',
      '',
      mdTable(
        ['candidate', 'seconds', 'rows/s', '÷ LOAD DATA (rows/s)', 'server CPU s', 'client CPU s'],
        table,
      ),
      ...(stack.ok ? [] : ['', `SQLAlchemy was not run: ${stack.reason}`]),
      '',
      'The profile that led to the LOAD DATA path (2026-11-22, not re-measured by this run) is in',
      '[benchmarks-history.md](benchmarks-history.md).',
    ].join('\n');
    await writeSection('seed', md);
    return md;
  } finally {
    await registry.close(500);
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
