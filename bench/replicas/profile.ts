/**
 * Where a replica-router read's CPU goes (`npx tsx bench/replicas/profile.ts [path ...]`): one sandbox
 * primary + GTID replica; each path in turn gets its own registry (only that path's router runs), warm-up,
 * then ROUNDS × READS reads of `getPatient` by 8 concurrent callers, with per read: CPU, GC time, queries
 * on the primary and on the replica (SHOW GLOBAL STATUS 'Questions', minus our own status queries), audit
 * INSERTs, and the router's check counts. With PROFILE=dir, a V8 CPU profile of each path's measured reads
 * is written there and summarised. ACTORS=n spreads the callers over n actors; NOINDEX=1 drops migration
 * 0008's (actor, action, at) index first (the check as before it: diagnosis). Paths: see ALL (replica: its URL as a plain target; replicaAuditedOnPrimary:
 * reads there, audit rows to the primary, no router).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { AuditLog, auditedGuard } from '../../src/audit/index.js';
import { type AccessContext, Clinic } from '../../src/clinic/index.js';
import { loadConfig, parseConnectionUrl } from '../../src/config/index.js';
import { connectSingle } from '../../src/db/connect.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { type ServerState, sandboxEnv, startSandbox, stopSandbox, userUrl } from '../../src/sandbox/index.js';
import { summariseProfile } from '../lib/cpu-profile.js';
import { median } from '../lib/measure.js';
import { seedReplicaBench } from './fixture.js';

const READS = Number(process.env.READS ?? 3000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CONCURRENCY = 8;
const PATIENTS = 500;
const PROFILE = process.env.PROFILE;
const ALL = [
  'straight',
  'routed',
  'replica',
  'straightAudited',
  'routedAudited',
  'routedAuditedLocal',
  'replicaAuditedOnPrimary',
] as const;
type PathName = (typeof ALL)[number];
const chosen = process.argv.slice(2).filter((a): a is PathName => (ALL as readonly string[]).includes(a));
const paths: readonly PathName[] = chosen.length > 0 ? chosen : ALL;

/** ACTORS=n: caller k reads as actor k % n (default 1: one reader for all callers). */
const ACTORS = Number(process.env.ACTORS ?? 1);
const readers: AccessContext[] = Array.from({ length: ACTORS }, (_, k) => ({
  actor: { id: `bench-reader-${k}`, name: 'r', role: 'admin', via: 'token' },
}));

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

async function main(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'carepool-bench-replicas-profile-'));
  try {
    const state = await startSandbox({ home, ports: 'free', profiles: ['gcp'], replicas: 1 });
    const env = sandboxEnv(state);
    const { CAREPOOL_TARGET_GCP_REPLICAS: _replicas, ...direct } = env;
    const open = (extra: Record<string, string>, fleetWide = true) =>
      new TargetRegistry(loadConfig({ env: { ...extra }, dotenv: false, cwd: home }), {
        replicas: { fleetWide },
      });
    const ids = await seedReplicaBench(direct, home, PATIENTS);
    const admin = async (name: string) =>
      connectSingle(name, parseConnectionUrl('admin', userUrl(state.servers[name] as ServerState, 'admin')), {
        connectTimeoutMs: 5000,
        keepAliveMs: 0,
      });
    const primaryAdmin = await admin('gcp');
    const replicaAdmin = await admin('gcp-replica-1');
    // Diagnosis only: NOINDEX=1 drops the index that answers the check's writers subquery from write rows.
    if (process.env.NOINDEX)
      await primaryAdmin.query(
        sql.raw('ALTER TABLE clinic.carepool_audit DROP INDEX ix_carepool_audit_actor_action_at'),
      );
    const status = async (conn: typeof primaryAdmin) => {
      const { rows: r } = await conn.query<{ Variable_name: string; Value: string }>(
        sql.raw(
          "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_insert', 'Com_select', 'Handler_read_next', 'Handler_read_rnd_next', 'Innodb_rows_read')",
        ),
      );
      return Object.fromEntries(r.map((x) => [x.Variable_name, Number(x.Value)]));
    };
    const session = new Session();
    session.connect();
    if (PROFILE) {
      await mkdir(PROFILE, { recursive: true });
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
    }

    for (const path of paths) {
      // routedAuditedLocal: the router with per-instance read-your-writes only (no fleet-wide check).
      const routedPath = path === 'routed' || path.startsWith('routedAudited');
      // replicaAuditedOnPrimary: reads straight from the replica (no router), audit rows to the primary.
      const split = path === 'replicaAuditedOnPrimary';
      const onReplica = split || path === 'replica';
      const replicaUrl = (env.CAREPOOL_TARGET_GCP_REPLICAS ?? '').split(',')[0] ?? '';
      const registry = open(
        routedPath ? env : onReplica ? { ...direct, CAREPOOL_TARGET_GCP_URL: replicaUrl } : direct,
        path !== 'routedAuditedLocal',
      );
      const auditRegistry = split ? open(direct) : registry;
      const router = registry.get('gcp').replicas;
      if (routedPath && !router) throw new Error('no router');
      await router?.start();
      const audit = new AuditLog(auditRegistry);
      const clinic =
        path.includes('Audited') || split
          ? new Clinic({ registry, guard: auditedGuard(audit), auditsWrites: true })
          : new Clinic({ registry });
      const runReads = async (): Promise<number> => {
        let next = 0;
        const before = process.cpuUsage();
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async (_, k) => {
            const reader = readers[k % ACTORS] as AccessContext;
            while (next < READS) {
              const i = next++;
              await clinic.getPatient(reader, 'gcp', (ids[i % ids.length] as { id: number }).id);
            }
          }),
        );
        const used = process.cpuUsage(before);
        return (used.user + used.system) / READS;
      };
      await runReads();
      const c0 = router?.counts();
      const p0 = await status(primaryAdmin);
      const r0 = await status(replicaAdmin);
      const gc0 = gcMs;
      const t0 = performance.now();
      if (PROFILE) await session.post('Profiler.start');
      const cpu: number[] = [];
      for (let r = 0; r < ROUNDS; r++) cpu.push(await runReads());
      if (PROFILE) {
        const { profile } = await session.post('Profiler.stop');
        const file = join(PROFILE, `${path}.cpuprofile`);
        await writeFile(file, JSON.stringify(profile));
      }
      const wall = performance.now() - t0;
      const p1 = await status(primaryAdmin);
      const r1 = await status(replicaAdmin);
      const c1 = router?.counts();
      const n = READS * ROUNDS;
      const per = (a: Record<string, number>, b: Record<string, number>, k: string, own = 0) =>
        (((b[k] ?? 0) - (a[k] ?? 0) - own) / n).toFixed(3);
      const line = [
        `${path}: cpu/read ${median(cpu).toFixed(0)} µs (${cpu.map((v) => v.toFixed(0)).join(', ')})`,
        `wall/read ${((1000 * wall) / n).toFixed(0)} µs`,
        `gc/read ${((1000 * (gcMs - gc0)) / n).toFixed(1)} µs`,
        // One status query of ours lands between the samples on each server.
        `primary q/read ${per(p0, p1, 'Questions', 1)} (insert ${per(p0, p1, 'Com_insert')}, select ${per(p0, p1, 'Com_select')})`,
        `replica q/read ${per(r0, r1, 'Questions', 1)}`,
        `primary read_next/read ${per(p0, p1, 'Handler_read_next')} rows_read/read ${per(p0, p1, 'Innodb_rows_read')}`,
      ];
      if (c0 && c1)
        line.push(
          `checks ${c1.fleetChecks - c0.fleetChecks} queries ${c1.fleetQueries - c0.fleetQueries} reused ${c1.fleetReused - c0.fleetReused} replicaReads ${c1.replicaReads - c0.replicaReads} primaryReads ${c1.primaryReads - c0.primaryReads}`,
        );
      process.stdout.write(`${line.join('; ')}\n`);
      if (PROFILE)
        process.stdout.write(
          `${(await summariseProfile(join(PROFILE, `${path}.cpuprofile`), 25)).join('\n')}\n\n`,
        );
      await audit.close();
      await registry.close(1000);
      if (split) await auditRegistry.close(1000);
    }
    session.disconnect();
    await primaryAdmin.close();
    await replicaAdmin.close();
  } finally {
    await stopSandbox(home).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  }
}

await main();
