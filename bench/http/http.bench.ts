/**
 * HTTP benchmark (issue 8): carepool's web server as deployed against a bare node:http + mysql2 server doing
 * the same database work per request (the practical limit), the same bare server without auth and audit,
 * and the seeds' stack (Flask + SQLAlchemy under gunicorn, Debian's packages), on one private MariaDB with
 * 10,000 patients / 30,000 records and a pool of 20 everywhere. Every server runs in its own process(es);
 * autocannon drives them in interleaved rounds (the order rotates each round); medians are reported.
 * Writes the `http` section of docs/benchmarks.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserStore } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { migrateTarget } from '../../src/migrate/index.js';
import { userUrl } from '../../src/sandbox/index.js';
import { seedTarget } from '../../src/seed/index.js';
import { mainProfile, summariseProfile } from '../lib/cpu-profile.js';
import { otherTenants } from '../lib/proc.js';
import { writeSection } from '../lib/report.js';
import { type BenchServer, startBenchServer } from '../lib/server.js';
import { referenceStack } from '../reference/stack.js';
import { HTTP_DATA, HTTP_SIZES, pick } from '../sizes.js';
import { type Candidate, type CandidateName, startCandidate } from './candidates.js';
import { type CompiledServers, compileServers } from './compile.js';
import { DbProbe } from './db-probe.js';
import { measure, type Sample, type Workload } from './load.js';
import { type Comparison, type Measured, renderHttp } from './render.js';

/** Data size: the issue's minimum. */
export const PATIENTS = HTTP_DATA.patients;
export const RECORDS_PER_PATIENT = HTTP_DATA.recordsPerPatient;

const randomId = () => 1 + Math.floor(Math.random() * PATIENTS);
const DIAGNOSES = ['Hypertension', 'Type 2 diabetes', 'Asthma', 'Pneumonia', 'Migraine', 'Fractured wrist'];
const BODIES = Array.from({ length: 64 }, (_, i) => {
  const day = 1 + (i % 28);
  const admitted = `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return JSON.stringify({
    diagnosis: DIAGNOSES[i % DIAGNOSES.length],
    treatment: i % 3 ? 'Follow-up in two weeks' : null,
    admission_date: admitted,
    discharge_date: i % 4 ? `${admitted.slice(0, 8)}${String(Math.min(day + 3, 28)).padStart(2, '0')}` : null,
  });
});
let bodyAt = 0;

export const WORKLOADS = {
  get: { method: 'GET', path: () => `/api/v1/targets/bench/patients/${randomId()}` },
  list: { method: 'GET', path: () => '/api/v1/targets/bench/patients?limit=50' },
  write: {
    method: 'POST',
    path: () => `/api/v1/targets/bench/patients/${randomId()}/records`,
    body: () => BODIES[bodyAt++ % BODIES.length] as string,
  },
} as const satisfies Record<string, Workload>;

/**
 * Every server. The variants that isolate one cost (carepool with a log line per request, the bare
 * server with one audit INSERT per request) run on GET patient only: one workload shows the effect.
 */
const ALL: readonly CandidateName[] = ['carepool', 'carepoolQuiet', 'bare', 'bareRow', 'plain', 'flask'];
/** carepool, the bare server with and without auth + audit, Flask. */
const THREE: readonly CandidateName[] = ['carepool', 'bare', 'plain', 'flask'];

/** The comparisons, in run order. */
const COMPARISONS: readonly Omit<Comparison, 'results'>[] = [
  {
    key: 'get',
    title: `API read: GET patient with records (random of ${PATIENTS.toLocaleString('en-US')})`,
    workload: 'get',
    connections: 64,
    candidates: ALL,
  },
  {
    key: 'list',
    title: 'API read: GET patient list, page of 50',
    workload: 'list',
    connections: 64,
    candidates: THREE,
  },
  {
    key: 'write',
    title: 'API write: POST a medical record (random patient)',
    workload: 'write',
    connections: 64,
    candidates: THREE,
  },
  // The concurrency sweep: each round runs every server at 20, 64 and 200 connections back to back (same
  // `sweep` group), so "overload ÷ peak" compares measurements taken under the same conditions of this shared
  // machine, not minutes apart.
  {
    key: 'atPool',
    title: 'GET patient with records at the pool size (20 connections)',
    workload: 'get',
    connections: 20,
    candidates: THREE,
  },
  {
    key: 'at64',
    title: 'GET patient with records at 64 connections (in the concurrency sweep)',
    workload: 'get',
    connections: 64,
    candidates: THREE,
  },
  {
    key: 'overload',
    title: 'Overload: GET patient with records at 10x the pool size (200 connections)',
    workload: 'get',
    connections: 200,
    candidates: THREE,
  },
];

/** Comparisons measured together, round by round (the concurrency sweep). */
const SWEEP: ReadonlySet<Comparison['key']> = new Set(['atPool', 'at64', 'overload']);

/** Runs the benchmark and rewrites the HTTP section of docs/benchmarks.md. */
export async function runHttpBench(
  full: boolean,
  timing: { seconds?: number; rounds?: number; warmSeconds?: number } = {},
): Promise<string> {
  const mode = pick(HTTP_SIZES, full);
  const seconds = timing.seconds ?? mode.seconds;
  const rounds = timing.rounds ?? mode.rounds;
  const warmSeconds = timing.warmSeconds ?? mode.warmSeconds;
  const profileDir = process.argv.includes('--profile')
    ? await mkdtemp(join(tmpdir(), 'carepool-http-profile-'))
    : undefined;
  const loadAtStart = loadavg()[0] ?? 0;
  const stack = await referenceStack();
  const db = await startBenchServer();
  const running: Candidate[] = [];
  let probe: DbProbe | undefined;
  let compiled: CompiledServers | undefined;
  try {
    // One after the other: transpiling is synchronous CPU work that would stall prepare()'s connects.
    compiled = await compileServers();
    const token = await prepare(db);
    probe = await DbProbe.open(userUrl(db.state, 'admin', 'DISABLED'), db.state.pid);
    const wanted = stack.ok ? ALL : ALL.filter((n) => n !== 'flask');
    const candidates = new Map<CandidateName, Candidate>();
    for (const name of wanted) {
      const dbUrl = await probe.createAppUser(`bench_${name.toLowerCase()}`);
      const nodeArgs =
        profileDir && name !== 'flask' ? ['--cpu-prof', '--cpu-prof-dir', join(profileDir, name)] : [];
      const candidate = await startCandidate(name, { dbUrl, nodeArgs, compiled });
      running.push(candidate);
      candidates.set(name, candidate);
    }
    // From here to the last measurement: how much CPU the machine's other processes took meanwhile.
    const tenants = otherTenants(() => [process.pid, db.state.pid]);
    const deployed = await detectCarepool(candidates.get('carepool') as Candidate, token, probe);
    const headers = { authorization: `Bearer ${token}` };
    const done: Comparison[] = [];
    const groups = [
      ...COMPARISONS.filter((c) => !SWEEP.has(c.key)).map((c) => [c]),
      COMPARISONS.filter((c) => SWEEP.has(c.key)),
    ];
    for (const group of groups) {
      const first = group[0] as (typeof group)[number];
      const names = first.candidates.filter((n) => candidates.has(n));
      process.stderr.write(
        `http: ${group.map((c) => c.title).join('; ')} (${names.length} servers × ${rounds} rounds of ${seconds} s${group.length > 1 ? ' per level' : ''})\n`,
      );
      const samples = group.map(() => new Map<CandidateName, Sample[]>(names.map((n) => [n, []])));
      const run = (comparison: (typeof group)[number], name: CandidateName, s: number) =>
        measure(
          candidates.get(name) as Candidate,
          WORKLOADS[comparison.workload],
          { connections: comparison.connections, seconds: s, headers },
          probe as DbProbe,
        );
      for (const name of names) await run(first, name, warmSeconds);
      for (let round = 0; round < rounds; round++) {
        // Rotate the order so no server always runs first (or right after the same neighbour).
        const order = names.map((_, i) => names[(i + round) % names.length] as CandidateName);
        for (const name of order) {
          for (const [i, comparison] of group.entries()) {
            samples[i]?.get(name)?.push(await run(comparison, name, seconds));
          }
        }
      }
      for (const [i, comparison] of group.entries()) {
        done.push({
          ...comparison,
          candidates: names,
          results: summarise(samples[i] as Map<CandidateName, Sample[]>, candidates),
        });
      }
    }
    const shared = tenants.stop();
    const md = renderHttp({
      comparisons: done,
      shared,
      deployed,
      stack,
      seconds,
      rounds,
      warmSeconds,
      full,
      server: `MariaDB ${db.state.version}`,
      load: [loadAtStart, loadavg()[0] ?? 0],
      profileDir,
    });
    await writeSection('http', md);
    return md;
  } finally {
    for (const c of running.reverse()) await c.stop().catch(() => undefined);
    await probe?.close().catch(() => undefined);
    await compiled?.remove();
    if (profileDir) await reportProfiles(profileDir);
    await db.stop();
  }
}

/** Prints a summary of each Node server's CPU profile (written when the server exits) to stderr. */
async function reportProfiles(dir: string): Promise<void> {
  for (const name of ALL) {
    const file = await mainProfile(join(dir, name));
    if (!file) continue;
    const lines = await summariseProfile(file);
    process.stderr.write(`\nCPU profile of ${name} (${file}):\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
  }
}

/** Migrates and seeds the benchmark database; creates the benchmark's clinician and its API token. */
export async function prepare(db: BenchServer): Promise<string> {
  const config = loadConfig({
    env: {
      CAREPOOL_TARGETS: 'bench',
      CAREPOOL_TARGET_BENCH_URL: db.url,
      CAREPOOL_TARGET_BENCH_MIGRATE_URL: userUrl(db.state, 'migrator', 'DISABLED'),
    },
    dotenv: false,
  });
  const registry = new TargetRegistry(config);
  try {
    const target = registry.get('bench');
    const migrated = await migrateTarget(target);
    if (!migrated.ok) throw new Error(`migration failed: ${migrated.error?.code} ${migrated.error?.message}`);
    await seedTarget(target, {
      patients: PATIENTS,
      recordsPerPatient: RECORDS_PER_PATIENT,
      seed: 1,
      reset: true,
    });
    // Settle the optimizer statistics now: InnoDB recomputes them in the background after the bulk load,
    // and a plan change in the middle of the measurement would hit whichever server runs at that moment.
    await target.sql.query(sql`ANALYZE TABLE patients, medical_records, appointments`);
    const users = new UserStore(registry);
    await users.upsertUser('bench', 'clinician', randomBytes(18).toString('base64url'));
    return await users.createToken('bench', 'bench');
  } finally {
    await registry.close(1000);
  }
}

/** What carepool does per request as started: whether it demands the token, and audit rows per request. */
export interface Deployed {
  readonly auth: boolean;
  readonly auditPerRequest: number;
}

async function detectCarepool(carepool: Candidate, token: string, probe: DbProbe): Promise<Deployed> {
  const path = `${carepool.url}/api/v1/targets/bench/patients/1`;
  const anonymous = await fetch(path);
  await anonymous.arrayBuffer();
  const before = await probe.counters();
  const n = 20;
  for (let i = 0; i < n; i++) {
    const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`carepool answered ${res.status} to the benchmark's token`);
  }
  await new Promise((r) => setTimeout(r, 100));
  const after = await probe.counters();
  return { auth: anonymous.status === 401, auditPerRequest: (after.auditMaxId - before.auditMaxId) / n };
}

function summarise(
  samples: ReadonlyMap<CandidateName, readonly Sample[]>,
  candidates: ReadonlyMap<CandidateName, Candidate>,
): Measured[] {
  return [...samples].map(([name, s]) => ({ name, label: candidates.get(name)?.label ?? name, samples: s }));
}
