/**
 * Read replicas (`npx tsx bench/replicas/replicas.bench.ts [--full]`): a private sandbox primary with one
 * GTID replica on loopback.
 *
 * 1. CPU per read in this process: clinic reads through the replica router (to the replica) vs the same
 *    reads straight to the primary (a registry without REPLICAS), interleaved rounds (rotating which path goes first), medians. The router's
 *    lag polling runs during its rounds and is counted. Goal: <= 1.05x.
 * 2. Read-your-writes under a write+read mix: concurrent clients each create a patient, read it, change it,
 *    read it again, with replication delayed (MASTER_DELAY) and the lag bound far above the delay so the
 *    replica stays eligible; any read that misses the client's own write is a violation. Another client's
 *    read of each new row shows the replica really is behind.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog, auditedGuard } from '../../src/audit/index.js';
import { type AccessContext, Clinic } from '../../src/clinic/index.js';
import { loadConfig, parseConnectionUrl } from '../../src/config/index.js';
import { connectSingle } from '../../src/db/connect.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { isAppError } from '../../src/errors/index.js';
import { migrateFleet } from '../../src/migrate/index.js';
import { type ServerState, sandboxEnv, startSandbox, stopSandbox, userUrl } from '../../src/sandbox/index.js';
import { median } from '../lib/measure.js';
import { machineLine, mdTable, writeSection } from '../lib/report.js';

const full = process.argv.includes('--full');
const ROUNDS = full ? 11 : 7;
const READS = full ? 10_000 : 3_000;
const CONCURRENCY = 8;
const PATIENTS = 500;
const RYW_CLIENTS = 8;
const RYW_ITERATIONS = full ? 50 : 20;

const actor = (id: string): AccessContext => ({ actor: { id, name: id, role: 'admin', via: 'token' } });

async function main(): Promise<void> {
  const started = new Date();
  const home = await mkdtemp(join(tmpdir(), 'carepool-bench-replicas-'));
  try {
    const state = await startSandbox({ home, ports: 'free', profiles: ['gcp'], replicas: 1 });
    const env = sandboxEnv(state);
    const { CAREPOOL_TARGET_GCP_REPLICAS: _replicas, ...direct } = env;
    const open = (extra: Record<string, string>, fleetWide = true, settleMs?: number) =>
      new TargetRegistry(loadConfig({ env: { ...extra }, dotenv: false, cwd: home }), {
        replicas: { fleetWide, ...(settleMs === undefined ? {} : { settleMs }) },
      });
    // As the web app builds it with security on: every access audited, which fleet-wide RYW reads.
    const audited = (registry: TargetRegistry) =>
      new Clinic({ registry, guard: auditedGuard(new AuditLog(registry)), auditsWrites: true });
    const setup = open(direct);
    await migrateFleet(setup.list(), {
      to: 'head',
      migrationsDir: join(import.meta.dirname, '..', '..', 'migrations'),
    });
    const rows = Array.from({ length: PATIENTS }, (_, i) => [
      `Bench${i}`,
      `Replica${i}`,
      '1980-01-01',
      'Other',
    ]);
    await setup
      .get('gcp')
      .sql.query(
        sql`INSERT INTO patients (first_name, last_name, date_of_birth, gender) VALUES ${sql.rows(rows)}`,
      );
    const { rows: ids } = await setup
      .get('gcp')
      .sql.query<{ id: number }>(sql`SELECT id FROM patients ORDER BY id DESC LIMIT ${PATIENTS}`);
    await setup.close(1000);

    // 1. CPU per read.
    const straight = open(direct);
    const routed = open(env);
    // The replica itself as a plain target (no router): separates the router's cost from the server's.
    const replicaUrl = (env.CAREPOOL_TARGET_GCP_REPLICAS ?? '').split(',')[0] ?? '';
    const plainReplica = open({ ...direct, CAREPOOL_TARGET_GCP_URL: replicaUrl });
    // The same router with per-instance read-your-writes only (no check on the primary per read).
    const routedLocal = open(env, false);
    // Fleet-wide without reusing checks (settleMs 0: every check covers only reads that began before it).
    const routedNoReuse = open(env, true, 0);
    // A longer window (writes would answer 25 ms after their commit): how far more sharing goes.
    const routedSettle25 = open(env, true, 25);
    const routedAudited = open(env);
    const straightAudited = open(direct);
    const router = routed.get('gcp').replicas;
    const localRouter = routedLocal.get('gcp').replicas;
    const auditedRouter = routedAudited.get('gcp').replicas;
    const noReuseRouter = routedNoReuse.get('gcp').replicas;
    const settle25Router = routedSettle25.get('gcp').replicas;
    if (!router || !localRouter || !auditedRouter || !noReuseRouter || !settle25Router)
      throw new Error('no router');
    await Promise.all(
      [router, localRouter, auditedRouter, noReuseRouter, settle25Router].map((r) => r.start()),
    );
    const clinics = {
      straight: new Clinic({ registry: straight }),
      routed: new Clinic({ registry: routed }),
      routedLocal: new Clinic({ registry: routedLocal }),
      routedNoReuse: new Clinic({ registry: routedNoReuse }),
      routedSettle25: new Clinic({ registry: routedSettle25 }),
      replica: new Clinic({ registry: plainReplica }),
      straightAudited: audited(straightAudited),
      routedAudited: audited(routedAudited),
    };
    const reader = actor('bench-reader');
    const runReads = async (clinic: Clinic): Promise<number> => {
      let next = 0;
      const before = process.cpuUsage();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < READS) {
            const i = next++;
            await clinic.getPatient(reader, 'gcp', (ids[i % ids.length] as { id: number }).id);
          }
        }),
      );
      const used = process.cpuUsage(before);
      return (used.user + used.system) / READS;
    };
    const paths = [
      'straight',
      'routed',
      'routedLocal',
      'routedNoReuse',
      'routedSettle25',
      'replica',
      'straightAudited',
      'routedAudited',
    ] as const;
    for (const path of paths) await runReads(clinics[path]);
    const cpu = Object.fromEntries(paths.map((p) => [p, [] as number[]])) as Record<
      (typeof paths)[number],
      number[]
    >;
    for (let r = 0; r < ROUNDS; r++) {
      // Rotate which path goes first, so a machine that slows down or speeds up favours none.
      for (let k = 0; k < paths.length; k++) {
        const path = paths[(k + r) % paths.length] as (typeof paths)[number];
        cpu[path].push(await runReads(clinics[path]));
      }
    }
    const counts = router.counts();
    const auditedCounts = auditedRouter.counts();
    const noReuseCounts = noReuseRouter.counts();
    const noReuseRatio = median(cpu.routedNoReuse) / median(cpu.straight);
    const settle25Counts = settle25Router.counts();
    const settle25Ratio = median(cpu.routedSettle25) / median(cpu.straight);
    // One check's CPU in this process, measured alone: the same query shapes, sequentially, on the primary's
    // pool (urgent acquire, as the router sends them), against a bare SELECT 1.
    const primaryPool = straight.get('gcp').pool;
    const perQuery = async (text: string, values: unknown[]): Promise<number> => {
      const n = 2000;
      const before = process.cpuUsage();
      for (let k = 0; k < n; k++)
        await primaryPool.withConnection((c) => c.query(text, values), 'bench', true);
      const used = process.cpuUsage(before);
      return (used.user + used.system) / n;
    };
    const positionQ = sql`SELECT @@GLOBAL.gtid_binlog_pos AS g, NULL AS w`;
    const writersQ = sql`SELECT @@GLOBAL.gtid_binlog_pos AS g, (SELECT GROUP_CONCAT(DISTINCT actor SEPARATOR '\n')
      FROM carepool_audit WHERE actor IN (${'bench-reader'}) AND at >= NOW(3) - INTERVAL ${6_000_000} MICROSECOND
      AND action IN ('create', 'update', 'delete')) AS w`;
    const checkCpu = { select1: [] as number[], position: [] as number[], writers: [] as number[] };
    for (let r = 0; r < 3; r++) {
      checkCpu.select1.push(await perQuery('SELECT 1 AS one', []));
      checkCpu.position.push(await perQuery(positionQ.text, [...positionQ.values]));
      checkCpu.writers.push(await perQuery(writersQ.text, [...writersQ.values]));
    }
    const ratio = median(cpu.routed) / median(cpu.straight);
    const localRatio = median(cpu.routedLocal) / median(cpu.straight);
    const auditedRatio = median(cpu.routedAudited) / median(cpu.straightAudited);
    const routerOnly = median(cpu.routed) / median(cpu.replica);
    await Promise.all(
      [
        plainReplica,
        straight,
        routed,
        routedLocal,
        routedNoReuse,
        routedSettle25,
        routedAudited,
        straightAudited,
      ].map((r) => r.close(1000)),
    );

    // 2. Read-your-writes with replication delayed.
    const replica = state.servers['gcp-replica-1'] as ServerState;
    const admin = await connectSingle('replica', parseConnectionUrl('admin', userUrl(replica, 'admin')), {
      connectTimeoutMs: 5000,
      keepAliveMs: 0,
    });
    const ryw = [];
    for (const [delay, instances] of [
      [0, 1],
      [1, 1],
      [1, 2],
    ] as const) {
      await admin.query(sql.raw('STOP SLAVE'));
      await admin.query(sql.raw(`CHANGE MASTER TO MASTER_DELAY = ${delay}`));
      await admin.query(sql.raw('START SLAVE'));
      const registry = open({ ...env, CAREPOOL_READ_MAX_LAG_MS: '600000' });
      // Two instances: writes through the first, reads through the second (no sticky sessions), audited.
      const second = instances === 2 ? open({ ...env, CAREPOOL_READ_MAX_LAG_MS: '600000' }) : registry;
      const r = second.get('gcp').replicas;
      if (!r) throw new Error('no router');
      await r.start();
      const clinic = instances === 2 ? audited(registry) : new Clinic({ registry });
      const reads = instances === 2 ? audited(second) : clinic;
      let violations = 0;
      let ownReads = 0;
      let othersStale = 0;
      await Promise.all(
        Array.from({ length: RYW_CLIENTS }, async (_, c) => {
          const me = actor(`ryw-${delay}-${instances}-${c}`);
          for (let i = 0; i < RYW_ITERATIONS; i++) {
            const row = await clinic.createPatient(me, 'gcp', {
              first_name: 'Ryw',
              last_name: `C${c}I${i}`,
              date_of_birth: '1990-01-01',
              gender: 'Other',
            });
            const check = async (want: string | null) => {
              ownReads++;
              try {
                const got = await reads.getPatient(me, 'gcp', row.id);
                if (got.contact_number !== want) violations++;
              } catch (error) {
                if (isAppError(error, 'CAREPOOL_NOT_FOUND')) violations++;
                else throw error;
              }
            };
            await check(null);
            await reads
              .getPatient(actor(`other-${delay}-${instances}-${c}`), 'gcp', row.id)
              .catch((e: unknown) =>
                isAppError(e, 'CAREPOOL_NOT_FOUND') ? othersStale++ : Promise.reject(e),
              );
            await clinic.updatePatient(me, 'gcp', row.id, { contact_number: `555-${i}` });
            await check(`555-${i}`);
          }
        }),
      );
      ryw.push({ delay, instances, ownReads, violations, othersStale, counts: r.counts() });
      await registry.close(1000);
      if (second !== registry) await second.close(1000);
    }
    await admin.query(sql.raw('STOP SLAVE'));
    await admin.query(sql.raw('CHANGE MASTER TO MASTER_DELAY = 0'));
    await admin.query(sql.raw('START SLAVE'));
    await admin.close();

    const us = (v: number) => `${v.toFixed(0)} µs`;
    /** A row of the CPU table: the path, its median CPU per read and every round's figure. */
    const cpuRow = (path: string, rounds: readonly number[]): string[] => [
      path,
      us(median(rounds)),
      rounds.map((v) => v.toFixed(0)).join(', '),
    ];
    const md = [
      '## Read replicas: router CPU and read-your-writes',
      '',
      machineLine(
        `MariaDB ${state.servers.gcp?.version ?? '?'} primary + 1 GTID replica on loopback (sandbox, TLS optional profile, plain TCP)`,
      ),
      `Command: \`npx tsx bench/replicas/replicas.bench.ts${full ? ' --full' : ''}\`, ${started.toISOString().slice(0, 16)}Z.`,
      '',
      `**CPU per read in carepool's process** (clinic \`getPatient\`: patient + records + appointments, ${READS} reads × ${ROUNDS} interleaved rounds (rotating which path goes first), ${CONCURRENCY} concurrent callers, one reader that never writes; the router's 500 ms lag polling included):`,
      '',
      mdTable(
        ['path', 'median CPU per read', 'rounds'],
        [
          cpuRow('straight to the primary (no REPLICAS)', cpu.straight),
          cpuRow('through the router, served by the replica', cpu.routed),
          cpuRow(
            'through the router, per-instance read-your-writes only (`fleetWide: false`)',
            cpu.routedLocal,
          ),
          cpuRow(
            'through the router, fleet-wide without reusing checks (`settleMs: 0`, the previous behaviour)',
            cpu.routedNoReuse,
          ),
          cpuRow(
            'through the router, fleet-wide, `settleMs: 25` (writes would answer 25 ms after commit)',
            cpu.routedSettle25,
          ),
          cpuRow('straight to the replica (its URL as a plain target, no router)', cpu.replica),
          cpuRow('audited (security on): straight to the primary', cpu.straightAudited),
          cpuRow('audited (security on): through the router, fleet-wide check per read', cpu.routedAudited),
        ],
      ),
      '',
      `Fleet-wide read-your-writes: without audited writes (the first routed row) every read of a named client needs the primary's GTID position; with audit on, the same query also asks whether the actor wrote in the window, and only then waits. Checks are shared: reads that begin before a check is sent join it, and (default \`settleMs\` 10, writes answering 10 ms after their commit) reads that begin at most 10 ms after a check was sent reuse it. Ratios: routed / straight **${ratio.toFixed(3)}x** (fleet-wide, unaudited), **${localRatio.toFixed(3)}x** (per-instance only), **${noReuseRatio.toFixed(3)}x** (fleet-wide without reuse), **${settle25Ratio.toFixed(3)}x** (fleet-wide, \`settleMs\` 25), **${auditedRatio.toFixed(3)}x** (audited, fleet-wide). Reads checked / queries on the primary: unaudited ${counts.fleetChecks} / ${counts.fleetQueries} (${counts.fleetReused} reused a check sent before them), audited ${auditedCounts.fleetChecks} / ${auditedCounts.fleetQueries} (${auditedCounts.fleetReused} reused; ${auditedCounts.fleetRecentWriters} found a recent write), without reuse ${noReuseCounts.fleetChecks} / ${noReuseCounts.fleetQueries}, \`settleMs\` 25 ${settle25Counts.fleetChecks} / ${settle25Counts.fleetQueries}.`,
      '',
      `**One check's CPU in this process**, measured alone (2,000 sequential queries on the primary's pool with the urgent acquire the router uses, 3 rounds, median): bare \`SELECT 1\` ${us(median(checkCpu.select1))}, position-only check ${us(median(checkCpu.position))}, position + recent writers of one actor ${us(median(checkCpu.writers))} (rounds: ${[checkCpu.select1, checkCpu.position, checkCpu.writers].map((l) => l.map((v) => v.toFixed(0)).join('/')).join('; ')}).`,
      '',
      `Ratio routed / straight: **${ratio.toFixed(3)}x** (goal <= 1.05x: ${ratio <= 1.05 ? 'met' : 'NOT met'}). Routed / straight to the same replica (the router's own cost): **${routerOnly.toFixed(3)}x**. Router counts over the rounds: ${counts.replicaReads} reads on the replica, ${counts.primaryReads} on the primary.`,
      '',
      `**Read-your-writes** (${RYW_CLIENTS} clients × ${RYW_ITERATIONS} iterations of create → read own → update → read own, plus another client's read of each new row; lag bound 600 s so the delayed replica stays eligible):`,
      '',
      mdTable(
        [
          'replication delay',
          'instances (write → read)',
          'own reads',
          'violations',
          'causal waits',
          'waits timed out → primary',
          'reads on replica',
          'reads on primary',
          "other clients' reads that missed the new row",
        ],
        ryw.map((r) => [
          r.delay === 0 ? 'none' : `MASTER_DELAY=${r.delay} s`,
          r.instances === 1 ? '1' : '2 (audited; write on 1, reads on 2)',
          r.ownReads,
          r.violations,
          r.counts.causalWaits,
          r.counts.causalWaitTimeouts,
          r.counts.replicaReads,
          r.counts.primaryReads,
          r.othersStale,
        ]),
      ),
      '',
      "A violation is an own read that returned 404 or the value before the client's update. The last column shows the replica really served stale data to clients that had not written.",
    ].join('\n');
    await writeSection('replicas', md);
    process.stdout.write(`${md}\n`);
  } finally {
    await stopSandbox(home).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  }
}

await main();
