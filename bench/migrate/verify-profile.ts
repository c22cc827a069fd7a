/**
 * Where one verification's time goes (issue 16): each statement of a verification of a one-table change
 * timed on its own connection (a workspace connection whose statements are timed one at a time), what
 * `sql_log_bin = 0` saves per DDL, and whether any workspace statement reached the binary log. Measured
 * on every run, so the verification paragraph of docs/benchmarks.md never drifts from the code.
 */
import type { SingleConnection } from '../../src/db/connect.js';
import type { QueryResult } from '../../src/db/driver.js';
import { type SqlQuery, sql } from '../../src/db/sql.js';
import { leaseVerification, verifiedPlan } from '../../src/migrate/diff/verify.js';
import type { ServerInfo } from '../../src/migrate/server.js';
import type { WorkspaceHost } from '../../src/migrate/workspace/index.js';
import type { Schema } from '../../src/schema/index.js';
import { median } from '../lib/measure.js';

/** The statement kinds of a verification, in the order they run. */
const STEPS = [
  'connect',
  'version + leftovers',
  'SET sql_log_bin, FOREIGN_KEY_CHECKS',
  'CREATE DATABASE',
  'USE',
  'CREATE TABLE (the copy)',
  'ALTER TABLE (the replay)',
  'catalog read',
  'DROP DATABASE',
  'close',
] as const;
type StepName = (typeof STEPS)[number];

function stepOf(text: string): StepName {
  const s = text.trim();
  if (/^SELECT VERSION\(\)[\s\S]*SCHEMATA/i.test(s)) return 'version + leftovers';
  if (/^SET /i.test(s)) return 'SET sql_log_bin, FOREIGN_KEY_CHECKS';
  if (/^CREATE DATABASE/i.test(s)) return 'CREATE DATABASE';
  if (/^USE /i.test(s)) return 'USE';
  if (/^CREATE TABLE/i.test(s)) return 'CREATE TABLE (the copy)';
  if (/^ALTER TABLE/i.test(s)) return 'ALTER TABLE (the replay)';
  if (/^DROP DATABASE/i.test(s)) return 'DROP DATABASE';
  return 'catalog read';
}

/** A host whose connections time each statement alone (queued one at a time, as one connection runs them). */
function timingHost(inner: WorkspaceHost, seen: Map<StepName, number>, count: { n: number }): WorkspaceHost {
  const add = (step: StepName, ms: number) => seen.set(step, (seen.get(step) ?? 0) + ms);
  return {
    label: inner.label,
    async connect(): Promise<SingleConnection> {
      const t0 = performance.now();
      const conn = await inner.connect();
      add('connect', performance.now() - t0);
      let tail: Promise<unknown> = Promise.resolve();
      return {
        threadId: conn.threadId,
        tls: conn.tls,
        query<Row>(q: SqlQuery): Promise<QueryResult<Row>> {
          const run = tail.then(async () => {
            const t1 = performance.now();
            try {
              return await conn.query<Row>(q);
            } finally {
              add(stepOf(q.text), performance.now() - t1);
              count.n++;
            }
          });
          tail = run.catch(() => undefined);
          return run;
        },
        transaction: (fn) => conn.transaction(fn),
        async close() {
          const t1 = performance.now();
          await conn.close();
          add('close', performance.now() - t1);
        },
        destroy: () => conn.destroy(),
      };
    },
  };
}

/** Per-step medians of `rounds` verifications of `from` → `to` (one changed table), and statements per run. */
export async function profileVerification(
  host: WorkspaceHost,
  from: Schema,
  to: Schema,
  server: ServerInfo,
  rounds: number,
): Promise<{ readonly steps: readonly { step: StepName; ms: number }[]; readonly statements: number }> {
  const samples = new Map<StepName, number[]>();
  let statements = 0;
  for (let round = 0; round <= rounds; round++) {
    const seen = new Map<StepName, number>();
    const count = { n: 0 };
    const lease = leaseVerification(timingHost(host, seen, count), server);
    try {
      await verifiedPlan(lease, from, to, server);
    } finally {
      await lease.release();
    }
    if (round === 0) continue;
    statements = count.n;
    for (const [step, ms] of seen) samples.set(step, [...(samples.get(step) ?? []), ms]);
  }
  return {
    steps: STEPS.filter((s) => samples.has(s)).map((step) => ({ step, ms: median(samples.get(step) ?? []) })),
    statements,
  };
}

/**
 * What `sql_log_bin = 0` saves per DDL: CREATE TABLE, ALTER TABLE and DROP DATABASE in a scratch database
 * with the session logged and unlogged, rounds interleaved; and how many binary log events (every binlog
 * file of the server) name a workspace database (0 when every workspace kept out of the log).
 */
export async function binlogCost(
  conn: SingleConnection,
  rounds: number,
): Promise<{ readonly logged: number; readonly unlogged: number; readonly events: number }> {
  const runs = { logged: [] as number[], unlogged: [] as number[] };
  for (let round = 0; round < rounds * 2; round++) {
    const unlogged = round % 2 === 1;
    await conn.query(sql.raw(`SET SESSION sql_log_bin = ${unlogged ? 0 : 1}`));
    await conn.query(sql.raw('CREATE DATABASE _carepool_bench_binlog'));
    const t0 = performance.now();
    await conn.query(sql.raw('CREATE TABLE _carepool_bench_binlog.t (id INT PRIMARY KEY, a VARCHAR(20))'));
    await conn.query(sql.raw('ALTER TABLE _carepool_bench_binlog.t ADD COLUMN b VARCHAR(20) NULL'));
    await conn.query(sql.raw('DROP DATABASE _carepool_bench_binlog'));
    (unlogged ? runs.unlogged : runs.logged).push(performance.now() - t0);
  }
  await conn.query(sql.raw('SET SESSION sql_log_bin = 1'));
  let events = 0;
  const logs = await conn.query<{ Log_name: string }>(sql.raw('SHOW BINARY LOGS'));
  for (const { Log_name: file } of logs.rows) {
    const { rows } = await conn.query<{ Info?: string }>(sql`SHOW BINLOG EVENTS IN ${file}`);
    events += rows.filter((r) => String(r.Info ?? '').includes('_carepool_ws_')).length;
  }
  return { logged: median(runs.logged) / 3, unlogged: median(runs.unlogged) / 3, events };
}

/** {@link profileVerification} and {@link binlogCost} (on an admin connection of `host`) together. */
export async function measureVerification(
  host: WorkspaceHost,
  from: Schema,
  to: Schema,
  server: ServerInfo,
  rounds: number,
): Promise<{
  readonly profile: Awaited<ReturnType<typeof profileVerification>>;
  readonly binlog: Awaited<ReturnType<typeof binlogCost>>;
}> {
  const profile = await profileVerification(host, from, to, server, rounds);
  const conn = await host.connect();
  try {
    return { profile, binlog: await binlogCost(conn, rounds) };
  } finally {
    await conn.close();
  }
}

/** Milliseconds for prose: one decimal under 10 ms. */
const ms = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0));

/** The measured verification paragraph of the migrate section. */
export function verificationText(p: {
  readonly profile: Awaited<ReturnType<typeof profileVerification>>;
  readonly binlog: Awaited<ReturnType<typeof binlogCost>>;
  readonly readMs: number;
}): string {
  const at = (s: StepName) => p.profile.steps.find((x) => x.step === s)?.ms ?? 0;
  // The workspace's own session set-up, then the DDL and read-back of the verification itself.
  const early: StepName[] = STEPS.slice(0, 3);
  const late: StepName[] = STEPS.slice(3);
  const list = (names: StepName[]) => names.map((s) => `${s} ${ms(at(s))} ms`).join(', ');
  const sum = (names: StepName[]) => names.reduce((n, s) => n + at(s), 0);
  const { logged, unlogged, events } = p.binlog;
  return [
    `**Verification, measured this run** (each workspace statement timed alone, median of the rounds;`,
    `${p.profile.statements} statements per verification). After the live read (${ms(p.readMs)} ms) and`,
    `the diff: the session, ${list(early)} (${ms(sum(early))} ms, which the commands now start before the`,
    `read, so it overlaps it: startVerification), then ${list(late)}`,
    `(${ms(sum(late))} ms). The three DDL dominate: on MariaDB`,
    '10.11 each is a durable commit of its own (strace: 8-13 fdatasync each, mostly ddl_recovery.log, the',
    ".frm and the redo log; ~33 per verification), so their cost is the disk's fsync latency under whatever",
    'else the machine runs. The bench servers run the binary log with sync_binlog=0 (strace: no binlog',
    `fsync per DDL); measured per DDL, interleaved: ${ms(logged)} ms logged, ${ms(unlogged)} ms with \`sql_log_bin = 0\`.`,
    'The workspace session sets `sql_log_bin = 0` when the user may (SUPER / BINLOG ADMIN) chiefly so',
    'scratch databases never replicate; on a server with sync_binlog=1 it also saves a binlog fsync per DDL.',
    `Binary log events naming a workspace after the runs: ${events}.`,
  ].join('\n');
}

/**
 * Recorded once (issue 16, 2026-12-07) with a /tmp-style harness that loaded the verification code of
 * 950f622 (copied aside) and the new one side by side in one process; not re-measured by each run.
 */
export const VERIFY_BEFORE_AFTER = `**Verification: before/after (issue 16).** The verification of 950f622 and the current one, side by
side in one process against one bench server (200 tables, one changed), 25 interleaved rounds per run,
medians. "After the read" is what is left on the clock once the live catalog is read: the diff of the 200
tables, the render and the workspace. The first two runs used an earlier lease that also ran CREATE
DATABASE early (an unused lease then cost an empty DROP DATABASE); the last two the committed one.

| load average | autogen alone | before: after the read / total | after, leased: after the read / total | after, no lease: after the read | after, nothing to verify: total |
| --- | --- | --- | --- | --- | --- |
| ~6 | 45 ms | 31 / 73 ms | 27 / 70 ms | | 48 ms |
| ~10 | 143 ms | 216 / 361 ms | 201 / 336 ms | | 172 ms |
| ~15 | 234 ms | 274 / 447 ms | 271 / 471 ms | 258 ms | 190 ms |
| ~15 | 165 ms | 243 / 427 ms | 240 / 433 ms | 247 ms | 177 ms |

The lease takes the connect and two round trips (version + leftovers in one query, one SET for
sql_log_bin and FOREIGN_KEY_CHECKS) off the clock (CREATE DATABASE and USE wait for a change to verify):
4 ms at load 6, where a connect costs 3-5 ms; at load 10-15 the gain is inside the noise, because the three DDL that must stay on the
clock (the copy, the replay, the DROP) cost 25-85 ms each there. Not done, measured: spreading the
workspace's catalog read over 2-3 connections (4.7 ms on one, 5.1-5.3 ms on two or three: the server
serialises the information_schema work).`;

/**
 * Recorded once (issue 16, 2026-12-07) with /tmp harnesses against a bench server of 200 tables: the
 * catalog read over the warm pool with one SHOW CREATE per table (before f17ebbf), with the SHOW CREATEs
 * batched on a catalog connection, and all on it in two round trips, rounds interleaved in one process. Not re-measured by each run (the
 * profile paragraph above re-measures the transports).
 */
export const BATCH_BEFORE_AFTER = `**Catalog read in two round trips: before/after (issue 16).** The fidelity check reads SHOW CREATE TABLE
of every table. Quiet machine (load 0.1-1.6, 20 rounds): the 200 statements took 9.0 ms over the pool of
20, 18.9 ms one after another on one connection (how \`schema diff\` reads a target: one migrator
connection), 4.4 ms in one multi-statement round trip; the whole read 19.3 ms over the pool, 10.5 ms
without them. In a CPU profile of the verified round the socket writes of those statements were 16 % of
carepool's CPU, 3 % after. Load ~2.5 (30 interleaved rounds, median, per-round ratio to the pool read):
the whole read over the pool 33 ms; over the pool with the SHOW CREATEs batched on a catalog connection
opened on the clock 29 ms (0.94) and 25 ms when that connection is already open (0.82); everything on
the catalog connection in two round trips 36 ms (1.06; the server then runs the information_schema
queries one after another), 31 ms already open. The bench reads the second way. Whole rounds, before
(warm pool, one SHOW CREATE per table) and after (as the bench reads now), 25 interleaved rounds, medians
and per-round ratio after ÷ before (quartiles): at load ~1.5 autogenerate 33 → 30 ms (0.90, 0.84-1.02),
with verification 54 → 44 ms (0.85, 0.77-0.97); at load 7-8, with the two-round-trip read, 82 → 82 ms
(0.93, 0.77-1.32) and 188 → 187 ms (1.10, 0.75-1.31): there the server's work and the DDL's fsyncs, not
the round trips, set the time.`;

/**
 * Recorded once (issue 16, 2026-12-08) while the commands' path was changed; not re-measured by each run.
 */
export const COMMAND_PATH_BEFORE_AFTER = `**The commands' path: before/after (issue 16).** Until 2026-12-08 this section timed pieces (the catalog
read on one connection, the normaliser, \`verifiedPlan\` with a workspace host of the bench's admin user),
not what \`schema diff a models --sql\` runs: the command also read the objects and the version on that one
connection, diffed twice (once itself, once in verification), and connected the workspace after the read.
Timed as the command runs it (its library calls, 200 tables, one changed, 30 rounds, medians) at load
~1-2: 45-58 ms before. Now the rows above time \`compareSources\`, the command's own call: the workspace is
started beside the read (\`startVerification\`; its host checked against the live server when verification
runs), verification reuses the command's diff, the catalog is read on two migrator connections at once,
workspace connections batch their catalog read. Interleaved in one process (median of 32 rounds each):
plain diff 25.2 ms, verified with the early start 35.5 ms, verified with the workspace connected after
the read 37.0 ms at load ~2.4 (28.9 / 40.4 / 41.7 ms in a second run, load 1.0-4.4 around it): the
early start saves 1.3-1.5 ms; the rest of verification (~10 ms) is the copy's CREATE TABLE, the replayed
ALTER, the DROP DATABASE (durable DDL, fsync-bound), the workspace read and ~3 ms of client CPU. Whole
bench runs after the change, verified vs Alembic (medians; per round): 34 vs 338 ms 10.0x (9.2x) at load
2.1; 36 vs 352 ms 9.9x (8.4x) at 1.0; 45 vs 313 ms 7.0x (6.9x) at 3.8 (these three before the last small
change: the second catalog connection asking its own version, the models module imported per load);
53 vs 449 ms 8.4x (7.1x) at 2.3; 38 vs 304 ms 8.1x (8.0x) at 4.2. The goal (>= 10x with verification) is
not met reliably: Alembic's own time moved between 304 and 449 ms across these runs, carepool's between
34 and 53 ms.`;
