/**
 * HTTP benchmark (issue 3): carepool's web server against a bare node:http + mysql2 server on the same data
 * and the same SQL, for GET patient-with-records and the first page of the patient list. Each server runs
 * in its own child process; autocannon drives them in interleaved rounds; medians are reported.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { migrateTarget } from '../../src/migrate/index.js';
import { userUrl } from '../../src/sandbox/index.js';
import { seedTarget } from '../../src/seed/index.js';
import { median } from '../lib/measure.js';
import { machineLine, mdTable, writeSection } from '../lib/report.js';
import { startBenchServer } from '../lib/server.js';

const PATIENTS = 5000;
const HERE = import.meta.dirname;

interface Sample {
  readonly rps: number;
  readonly p99: number;
  readonly errors: number;
  /** CPU time the server process spent per request (user + system), µs; NaN where /proc is missing. */
  readonly cpuUs: number;
}

interface Server {
  readonly url: string;
  readonly pid: number;
}

/** Runs the benchmark and rewrites the HTTP section of docs/benchmarks.md. */
export async function runHttpBench(full: boolean): Promise<string> {
  const db = await startBenchServer();
  const children: ChildProcess[] = [];
  try {
    await prepare(db.url, userUrl(db.state, 'migrator', 'DISABLED'));
    const servers = {
      bare: await spawnServer(join(HERE, 'bare-server.ts'), db.url, children),
      carepool: await spawnServer(join(HERE, 'carepool-server.ts'), db.url, children),
    };
    const pids = { bare: children[0]?.pid ?? 0, carepool: children[1]?.pid ?? 0 };
    const target: Record<'bare' | 'carepool', Server> = {
      bare: { url: servers.bare, pid: pids.bare },
      carepool: { url: servers.carepool, pid: pids.carepool },
    };
    const duration = full ? 15 : 6;
    const rounds = full ? 5 : 3;
    const connections = 32;
    const routes = [
      {
        label: 'GET patient with records (random of 5,000)',
        path: () => `/api/v1/targets/bench/patients/${1 + Math.floor(Math.random() * PATIENTS)}`,
      },
      { label: 'GET patient list, first page of 25', path: () => '/api/v1/targets/bench/patients?limit=25' },
    ];
    const rows: (string | number)[][] = [];
    for (const route of routes) {
      const samples: Record<'bare' | 'carepool', Sample[]> = { bare: [], carepool: [] };
      for (const name of ['bare', 'carepool'] as const) await load(servers[name], route.path, 2, connections); // warm-up
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 ? (['carepool', 'bare'] as const) : (['bare', 'carepool'] as const);
        for (const name of order)
          samples[name].push(await measure(target[name], route.path, duration, connections));
      }
      const bare = summarise(samples.bare);
      const care = summarise(samples.carepool);
      rows.push([
        route.label,
        bare.rps,
        care.rps,
        (care.rps / bare.rps).toFixed(2),
        `${bare.p99} ms`,
        `${care.p99} ms`,
        `${bare.cpuUs} / ${care.cpuUs}`,
        bare.errors + care.errors,
      ]);
    }
    const md = [
      '## HTTP: carepool web server vs bare node:http + mysql2',
      '',
      machineLine(
        `MariaDB ${db.state.version} on loopback (plain TCP), ${PATIENTS} patients × 3 records, pool max 20 on both`,
      ),
      '',
      `autocannon, ${connections} connections, ${rounds} interleaved rounds of ${duration} s per server after a warm-up; medians of`,
      "the rounds. Both servers send the same SQL text (carepool's Kysely queries compile to exactly what the bare",
      'server hard-codes: the patient LEFT JOIN its records, plus its appointments, sent at the same time on two',
      'pooled connections; a single JSON_ARRAYAGG statement measured 4.8 ms vs 0.29 ms for the join on MariaDB;',
      "the list reads the page's ids from the name index first, a deferred join, because a plain `SELECT * …",
      'ORDER BY … LIMIT 26` is planned as a full scan + filesort once statistics are current: 4.5 ms vs 0.8 ms)',
      'and return the same JSON. carepool adds Fastify routing, JSON-schema validation and serialisation, the',
      'access-guard hook, its own pool with metrics observers and the error envelope. Goal: ratio >= 0.9.',
      'Each server is one Node process; MariaDB and autocannon share the same 2 cores, so absolute numbers are',
      'low and noisy. "server CPU µs/req" is the CPU time the server process itself spent per request',
      "(from /proc, user + system): the steadiest view of what carepool's layers cost on top of the bare server.",
      'carepool can come out ahead: it compiles its two hot statements once, and the bare server uses the',
      'mysql2/promise pool, which captures a stack trace on every query.',
      'Command: `npm run bench -- http` (`--full` for longer rounds).',
      '',
      mdTable(
        [
          'route',
          'bare req/s',
          'carepool req/s',
          'ratio',
          'bare p99',
          'carepool p99',
          'server CPU µs/req (bare / carepool)',
          'non-2xx',
        ],
        rows,
      ),
    ].join('\n');
    await writeSection('http', md);
    return md;
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? once(c, 'exit') : undefined)));
    await db.stop();
  }
}

/** Migrates and seeds the benchmark database. */
export async function prepare(appUrl: string, migrateUrl: string): Promise<void> {
  const config = loadConfig({
    env: {
      CAREPOOL_TARGETS: 'bench',
      CAREPOOL_TARGET_BENCH_URL: appUrl,
      CAREPOOL_TARGET_BENCH_MIGRATE_URL: migrateUrl,
    },
    dotenv: false,
  });
  const registry = new TargetRegistry(config);
  try {
    const target = registry.get('bench');
    const migrated = await migrateTarget(target);
    if (!migrated.ok) throw new Error(`migration failed: ${migrated.error?.code} ${migrated.error?.message}`);
    await seedTarget(target, { patients: PATIENTS, recordsPerPatient: 3, seed: 1, reset: true });
    // Settle the optimizer statistics now: InnoDB recomputes them in the background after the bulk load,
    // and a plan change in the middle of the measurement would hit whichever server runs at that moment.
    await target.sql.query(sql`ANALYZE TABLE patients, medical_records, appointments`);
  } finally {
    await registry.close(1000);
  }
}

/** Starts one server script as a child process; resolves with its base URL. */
export async function spawnServer(
  script: string,
  dbUrl: string,
  children: ChildProcess[],
  nodeArgs: readonly string[] = [],
): Promise<string> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    env: { ...process.env, BENCH_DB_URL: dbUrl, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const [chunk] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  return `http://127.0.0.1:${Number(chunk.toString().trim())}`;
}

/** One autocannon run. */
export async function load(
  base: string,
  path: () => string,
  seconds: number,
  connections: number,
): Promise<Omit<Sample, 'cpuUs'>> {
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path() }) }],
  });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.non2xx + result.errors };
}

async function measure(
  server: Server,
  path: () => string,
  seconds: number,
  connections: number,
): Promise<Sample> {
  const before = cpuMs(server.pid);
  const r = await load(server.url, path, seconds, connections);
  const requests = r.rps * seconds;
  return {
    ...r,
    cpuUs: requests > 0 ? Math.round(((cpuMs(server.pid) - before) * 1000) / requests) : Number.NaN,
  };
}

/** CPU time (user + system) of a process so far, in ms (Linux /proc; NaN elsewhere). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

function summarise(samples: readonly Sample[]): { rps: number; p99: number; errors: number; cpuUs: number } {
  return {
    rps: Math.round(median(samples.map((s) => s.rps))),
    p99: Math.round(median(samples.map((s) => s.p99)) * 10) / 10,
    errors: samples.reduce((n, s) => n + s.errors, 0),
    cpuUs: median(samples.map((s) => s.cpuUs)),
  };
}
