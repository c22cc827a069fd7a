/**
 * Read replicas (`npx tsx bench/replicas/replicas.bench.ts [--full] [--rounds=N]`): a private sandbox primary with one
 * GTID replica on loopback.
 *
 * 1. CPU per read in this process: clinic reads through the replica router (to the replica) vs the same
 *    reads straight to the primary (a registry without REPLICAS), unaudited and audited (security on), in
 *    interleaved rounds; each path runs alone in its own registry (only its router polls, and its polling
 *    is counted), see cpu-paths.ts. Reported: medians and the quartiles of the per-round ratios. Goal:
 *    <= 1.05x.
 * 2. Read-your-writes under a write+read mix: concurrent clients each create a patient, read it, change it,
 *    read it again, with replication delayed (MASTER_DELAY) and the lag bound far above the delay so the
 *    replica stays eligible; any read that misses the client's own write is a violation. Another client's
 *    read of each new row shows the replica really is behind.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog, auditedGuard } from '../../src/audit/index.js';
import { type AccessContext, Clinic } from '../../src/clinic/index.js';
import { loadConfig } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { CarriedWrites } from '../../src/replicas/index.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { isAppError } from '../../src/errors/index.js';
import { sandboxEnv, startSandbox, stopSandbox } from '../../src/sandbox/index.js';
import { median } from '../lib/measure.js';
import { benchAdmin, seedReplicaBench } from './fixture.js';
import { measurePaths, type PathResult, type PathSpec, perRoundRatio } from './cpu-paths.js';
import { PATHS } from './paths.js';
import { machineLine, mdTable, writeSection } from '../lib/report.js';

const full = process.argv.includes('--full');
const roundsArg = process.argv.find((a) => a.startsWith('--rounds='));
const ROUNDS = roundsArg ? Number(roundsArg.slice('--rounds='.length)) : full ? 25 : 13;
/** The goal's two pairs are measured again on their own, each pair alternating, in this many rounds. */
const GOAL_ROUNDS = 2 * ROUNDS - 1;
const BROWSER_ROUNDS = 3 * GOAL_ROUNDS;
const READS = full ? 4_000 : 2_000;
const WARMUP = 400;
const CONCURRENCY = 8;
const PATIENTS = 500;
const RYW_CLIENTS = 8;
const RYW_ITERATIONS = full ? 50 : 20;

type Path = keyof typeof PATHS;

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
    const ids = await seedReplicaBench(direct, home, PATIENTS);

    // 1. CPU per read: each path in its own registry, opened and closed every round (cpu-paths.ts).
    const replicaUrl = (env.CAREPOOL_TARGET_GCP_REPLICAS ?? '').split(',')[0] ?? '';
    const adminOf = (name: string) => benchAdmin(state, name);
    const primaryAdmin = await adminOf('gcp');
    const replicaAdmin = await adminOf('gcp-replica-1');
    const began = Date.now();
    const measure = {
      paths: PATHS,
      env: { direct, routed: env, replica: { ...direct, CAREPOOL_TARGET_GCP_URL: replicaUrl } },
      home,
      ids: ids.map((r) => r.id),
      rounds: ROUNDS,
      reads: READS,
      warmup: WARMUP,
      concurrency: CONCURRENCY,
      primaryAdmin,
      replicaAdmin,
    };
    const cpu = await measurePaths({
      ...measure,
      onRound: (r) =>
        process.stderr.write(
          `round ${r + 1}/${ROUNDS} done (${((Date.now() - began) / 1000).toFixed(0)} s)\n`,
        ),
    });
    // The goal, precisely: each pair alone, alternating A B / B A round by round, so a ratio compares two
    // sections a few seconds apart (in the table above the two may be up to 8 sections apart).
    const goalPair = async <A extends Path, B extends Path>(a: A, b: B, note: string, rounds = GOAL_ROUNDS) =>
      measurePaths({
        ...measure,
        rounds,
        paths: Object.fromEntries([a, b].map((p) => [p, PATHS[p] as PathSpec])) as Record<A | B, PathSpec>,
        onRound: (r) => process.stderr.write(`${note} round ${r + 1}/${rounds} done\n`),
      });
    const goalPlain = await goalPair('straight', 'routed', 'goal (unaudited)');
    const goalAudited = await goalPair('straightAudited', 'routedAudited', 'goal (audited)');
    // The web app's own pair gets three times the rounds: its ratio is within the machine's noise of 1.
    const goalBrowser = await goalPair(
      'straightBrowser',
      'routedBrowser',
      'goal (signed-in browser)',
      BROWSER_ROUNDS,
    );
    // The router's own cost: the same two servers (reads on the replica, audit rows on the primary) without it.
    const routerAlone = await goalPair('replicaBrowser', 'routedBrowser', 'router alone');
    // What migration 0008's index (actor, action, at) buys: the audited pair without it (dropped by the
    // admin, then restored), where the check reads the actor's rows since their watermark on (actor, at).
    await primaryAdmin.query(
      sql.raw('ALTER TABLE clinic.carepool_audit DROP INDEX ix_carepool_audit_actor_action_at'),
    );
    const unindexed = await goalPair('straightAudited', 'routedAudited', 'without the index');
    await primaryAdmin.query(
      sql.raw(
        'ALTER TABLE clinic.carepool_audit ADD INDEX ix_carepool_audit_actor_action_at (actor, action, at)',
      ),
    );
    await primaryAdmin.close();
    // One check's CPU in this process, measured alone: the same query shapes, sequentially, on the primary's
    // pool (urgent acquire, as the router sends them), against a bare SELECT 1.
    const straight = open(direct);
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
    await straight.close(1000);

    // 2. Read-your-writes with replication delayed.
    const admin = replicaAdmin;
    const ryw = [];
    for (const [delay, instances, browsers] of [
      [0, 1, false],
      [1, 1, false],
      [1, 2, false],
      [1, 2, true],
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
      // A router's replica is eligible once its lag is known (it covers a primary sample the router took):
      // with MASTER_DELAY that takes about the delay after start. Measure from then, or a short run would
      // never use the replica it is meant to show.
      for (const until = Date.now() + 15_000; !(await r.statuses()).some((s) => s.eligible);) {
        if (Date.now() > until) throw new Error('the replica never became eligible within 15 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const clinic = instances === 2 ? audited(registry) : new Clinic({ registry });
      const reads = instances === 2 ? audited(second) : clinic;
      let violations = 0;
      let ownReads = 0;
      let othersStale = 0;
      await Promise.all(
        Array.from({ length: RYW_CLIENTS }, async (_, c) => {
          const id = `ryw-${delay}-${instances}-${browsers}-${c}`;
          // A signed-in browser carries its writes (the web app's cookie); an API client carries nothing.
          const me: AccessContext = browsers
            ? { actor: { ...actor(id).actor, via: 'session' }, carried: new CarriedWrites(r.carryMs) }
            : actor(id);
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
      ryw.push({ delay, instances, browsers, ownReads, violations, othersStale, counts: r.counts() });
      await registry.close(1000);
      if (second !== registry) await second.close(1000);
    }
    await admin.query(sql.raw('STOP SLAVE'));
    await admin.query(sql.raw('CHANGE MASTER TO MASTER_DELAY = 0'));
    await admin.query(sql.raw('START SLAVE'));
    await admin.close();

    const us = (v: number) => `${v.toFixed(0)} µs`;
    const baseline = (p: Path): Path | undefined => {
      if (p === 'straight' || p === 'straightAudited' || p === 'straightBrowser') return undefined;
      const spec = PATHS[p] as PathSpec;
      if (spec.reader === 'browser') return 'straightBrowser';
      return spec.audited ? 'straightAudited' : 'straight';
    };
    const ratioOf = (p: Path, base: Path) => perRoundRatio(cpu[p].cpu, cpu[base].cpu);
    const unaudited = ratioOf('routed', 'straight');
    const auditedR = ratioOf('routedAudited', 'straightAudited');
    type Pair = Record<
      | 'straight'
      | 'routed'
      | 'straightAudited'
      | 'routedAudited'
      | 'straightBrowser'
      | 'routedBrowser'
      | 'replicaBrowser',
      PathResult
    >;
    const goalOf = (r: Partial<Pair>, a: keyof Pair, b: keyof Pair) =>
      perRoundRatio((r[b] as PathResult).cpu, (r[a] as PathResult).cpu);
    const goalR = goalOf(goalPlain, 'straight', 'routed');
    const goalAuditedR = goalOf(goalAudited, 'straightAudited', 'routedAudited');
    const goalBrowserR = goalOf(goalBrowser, 'straightBrowser', 'routedBrowser');
    const routerAloneR = goalOf(routerAlone, 'replicaBrowser', 'routedBrowser');
    const unindexedR = goalOf(unindexed, 'straightAudited', 'routedAudited');
    const q = (list: readonly number[]) => median(list).toFixed(2);
    const counted = (p: Path): string => {
      const c = cpu[p].counts;
      return c
        ? `${c.fleetChecks} / ${c.fleetQueries} (${c.fleetReused} reused${c.fleetRecentWriters > 0 && p !== 'routed' && p !== 'routedNoReuse' && p !== 'routedSettle25' ? `, ${c.fleetRecentWriters} found a recent write` : ''})`
        : '';
    };
    const goal = (r: { median: number }) => (r.median <= 1.05 ? 'met' : 'NOT met');
    const md = [
      '## Read replicas: router CPU and read-your-writes',
      '',
      machineLine(
        `MariaDB ${state.servers.gcp?.version ?? '?'} primary + 1 GTID replica on loopback (sandbox, TLS optional profile, plain TCP)`,
      ),
      `Command: \`npx tsx bench/replicas/replicas.bench.ts${full ? ' --full' : ''}\`, ${started.toISOString().slice(0, 16)}Z, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')} at the end.`,
      '',
      `**Goal: CPU per read routed / straight to the primary <= 1.05x**, each pair measured on its own (the two paths alternating, ${GOAL_ROUNDS} rounds of ${READS} reads each, the browser's pair ${BROWSER_ROUNDS}; median and quartiles of the per-round ratios). **The web app with sign-in, a browser** (carries its own writes in a signed cookie, so its reads ask the primary nothing): **${goalBrowserR.median.toFixed(3)}x** (${goalBrowserR.text}; goal ${goal(goalBrowserR)}; straight ${us(median(goalBrowser.straightBrowser.cpu))}, routed ${us(median(goalBrowser.routedBrowser.cpu))}); of that, the router's own share (routed vs reads straight to the replica's URL with audit rows on the primary, no router: the same two servers, pair alone) **${routerAloneR.median.toFixed(3)}x** (${routerAloneR.text}; ${us(median(routerAlone.replicaBrowser.cpu))} vs ${us(median(routerAlone.routedBrowser.cpu))}). An API token client (audited; carries nothing, so each read joins the fleet-wide check on the primary) **${goalAuditedR.median.toFixed(3)}x** (${goalAuditedR.text}; goal ${goal(goalAuditedR)}; straight ${us(median(goalAudited.straightAudited.cpu))}, routed ${us(median(goalAudited.routedAudited.cpu))}). Without sign-in (unaudited: every read needs the primary's position) **${goalR.median.toFixed(3)}x** (${goalR.text}; goal ${goal(goalR)}; straight ${us(median(goalPlain.straight.cpu))}, routed ${us(median(goalPlain.routed.cpu))}). In the ${Object.keys(PATHS).length}-path table below (same paths, up to ${Object.keys(PATHS).length - 1} sections apart): browser ${ratioOf('routedBrowser', 'straightBrowser').median.toFixed(3)}x, API token ${auditedR.median.toFixed(3)}x, unaudited ${unaudited.median.toFixed(3)}x.`,
      '',
      `**CPU per read in carepool's process** (clinic \`getPatient\`: patient + records + appointments; ${READS} reads per path and round after ${WARMUP} warm-up reads, ${ROUNDS} interleaved rounds rotating which path goes first, ${CONCURRENCY} concurrent callers, one reader that never writes). Each path runs alone: every round opens its own registry (pools, router, audit writer), so only the router being measured polls (its 500 ms lag polling is counted), and closes it; a full garbage collection runs just before each measured section (what the previous section left is not charged to this one). User and kernel: the two parts of the CPU (kernel time is mostly the socket writes, where on loopback the sender pays for waking the server's thread). Sleeps: voluntary context switches of the process per read (each time the event loop had nothing to do and waited for the servers; on a loaded machine each wake-up also finds caches other processes used). Queries per read are each server's \`Questions\` over the measured reads (median of rounds).`,
      '',
      mdTable(
        [
          'path',
          'median CPU per read',
          'user / kernel',
          'wall per read',
          'sleeps per read',
          'ratio per round vs its straight path',
          'queries per read: primary / replica',
          'index rows read on the primary per read',
          'rounds (µs)',
        ],
        (Object.keys(PATHS) as Path[]).map((p) => {
          const base = baseline(p);
          return [
            PATHS[p].label,
            us(median(cpu[p].cpu)),
            `${median(cpu[p].user).toFixed(0)} / ${median(cpu[p].sys).toFixed(0)} µs`,
            us(median(cpu[p].wall)),
            median(cpu[p].sleeps).toFixed(2),
            base ? ratioOf(p, base).text : '(baseline)',
            `${q(cpu[p].primaryQueries)} / ${q(cpu[p].replicaQueries)}`,
            median(cpu[p].primaryRowsScanned).toFixed(1),
            cpu[p].cpu.map((v) => v.toFixed(0)).join(', '),
          ];
        }),
      ),
      '',
      `Fleet-wide read-your-writes: without audited writes every read of a named client needs the primary's GTID position; with audit on, the same query also asks whether the actor wrote within the window (since their watermark, src/replicas/writer-check.ts), and only then waits. Checks are shared: reads that begin before a check is sent join it, and (default \`settleMs\` 10, writes answering 10 ms after their commit) reads that begin at most 10 ms after a check was sent reuse it. Reads checked / check queries on the primary over the measured reads: unaudited ${counted('routed')}, audited ${counted('routedAudited')}, without reuse ${counted('routedNoReuse')}, \`settleMs\` 25 ${counted('routedSettle25')}. Router counts (audited): ${cpu.routedAudited.counts?.replicaReads ?? 0} reads on the replica, ${cpu.routedAudited.counts?.primaryReads ?? 0} on the primary.`,
      '',
      `**Without migration 0008's index** (\`(actor, action, at)\` on \`carepool_audit\`, dropped by the bench's admin, then restored: the check reads the actor's audit rows since their watermark on \`(actor, at)\`), the audited pair alone again, ${GOAL_ROUNDS} rounds: straight ${us(median(unindexed.straightAudited.cpu))}, routed ${us(median(unindexed.routedAudited.cpu))} (wall per read ${us(median(unindexed.routedAudited.wall))}, with the index ${us(median(goalAudited.routedAudited.wall))}); routed / straight **${unindexedR.median.toFixed(3)}x** (${unindexedR.text}); index rows read on the primary per read ${median(unindexed.routedAudited.primaryRowsScanned).toFixed(1)} (with it ${median(goalAudited.routedAudited.primaryRowsScanned).toFixed(1)}); checks ${unindexed.routedAudited.counts?.fleetChecks ?? 0} / ${unindexed.routedAudited.counts?.fleetQueries ?? 0} queries (with it ${goalAudited.routedAudited.counts?.fleetChecks ?? 0} / ${goalAudited.routedAudited.counts?.fleetQueries ?? 0}).`,
      '',
      `**One check's CPU in this process**, measured alone (2,000 sequential queries on the primary's pool with the urgent acquire the router uses, 3 rounds, median): bare \`SELECT 1\` ${us(median(checkCpu.select1))}, position-only check ${us(median(checkCpu.position))}, position + recent writers of one actor ${us(median(checkCpu.writers))} (rounds: ${[checkCpu.select1, checkCpu.position, checkCpu.writers].map((l) => l.map((v) => v.toFixed(0)).join('/')).join('; ')}).`,
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
          r.instances === 1
            ? '1'
            : `2 (audited; write on 1, reads on 2; ${r.browsers ? 'signed-in browsers carrying their writes' : 'API clients: fleet-wide check'})`,
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
