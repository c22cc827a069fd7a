/**
 * CPU per read along each path of bench/replicas, like with like: every round opens each path's own
 * registry (its pools, its router and lag monitor, its audit writer), warms it up, measures, and closes it,
 * so only the routers of the path being measured poll during its reads. Paths go in a rotating order.
 * Besides CPU, each measured section counts the queries each server answered (SHOW GLOBAL STATUS
 * 'Questions', minus the status query itself) and the router's check counters.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AuditLog, auditedGuard } from '../../src/audit/index.js';
import { type AccessContext, Clinic } from '../../src/clinic/index.js';
import { loadConfig } from '../../src/config/index.js';
import type { SqlClient } from '../../src/db/client.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { CarriedWrites, type RouteCounts, type RouterOptions } from '../../src/replicas/index.js';

/** One way of reading: which servers, with or without the router, audited or not. */
export interface PathSpec {
  readonly label: string;
  /** `direct`: the primary alone; `routed`: primary + replica through the router; `replica`: the replica's URL as a plain target. */
  readonly servers: 'direct' | 'routed' | 'replica';
  readonly router?: RouterOptions;
  /** As the web app runs with security on: every access audited (reads through the group-committed writer). */
  readonly audited?: boolean;
  /**
   * `browser`: the reader is a signed-in browser, which carries its own writes (the web app's signed cookie;
   * it has none, so each read gets an empty record, as the web app makes one per request). Default: an API
   * token, which carries nothing.
   */
  readonly reader?: 'browser';
  /**
   * Audited paths on `replica`: audit rows go to the primary (a second registry), reads to the replica with
   * no router: the two-server topology alone, the router's own cost being the difference to a routed path.
   */
  readonly auditOnPrimary?: boolean;
}

/** What a path measured over all rounds. */
export interface PathResult {
  /** CPU per read (µs) of this process, one entry per round; and its user and system (kernel) parts. */
  readonly cpu: number[];
  readonly user: number[];
  readonly sys: number[];
  /** Wall time per read (µs) of the measured section, per round. */
  readonly wall: number[];
  /** Times per read the process went to sleep waiting (voluntary context switches), per round. */
  readonly sleeps: number[];
  /** Queries per read on the primary and on the replica, one entry per round. */
  readonly primaryQueries: number[];
  readonly replicaQueries: number[];
  /** Index entries the primary read in order per read (`Handler_read_next`: the checks' range scans), per round. */
  readonly primaryRowsScanned: number[];
  /** The router's counters summed over the measured sections (routed paths). */
  counts: Record<keyof RouteCounts, number> | undefined;
}

/** Everything a measurement needs. */
export interface MeasureOptions<P extends string> {
  readonly paths: Readonly<Record<P, PathSpec>>;
  /** Environments: primary only, primary + replicas, the replica as the primary. */
  readonly env: {
    readonly direct: Record<string, string>;
    readonly routed: Record<string, string>;
    readonly replica: Record<string, string>;
  };
  readonly home: string;
  readonly ids: readonly number[];
  readonly rounds: number;
  readonly reads: number;
  readonly warmup: number;
  readonly concurrency: number;
  /** Admin sessions on the primary and the replica (for SHOW GLOBAL STATUS). */
  readonly primaryAdmin: SqlClient;
  readonly replicaAdmin: SqlClient;
  readonly onRound?: (round: number) => void;
}

// A full collection before each measured section: garbage the previous path (or this one's registry setup
// and warm-up) left is not charged to the reads measured next; each section still pays its own collections.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const READER: AccessContext = {
  actor: { id: 'bench-reader', name: 'bench-reader', role: 'admin', via: 'token' },
};

/** The server's statement count, and index entries read in order (rows a range scan went through). */
async function serverStatus(admin: SqlClient): Promise<{ questions: number; readNext: number }> {
  const { rows } = await admin.query<{ Variable_name: string; Value: string }>(
    sql`SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Handler_read_next')`,
  );
  const get = (name: string) => Number(rows.find((r) => r.Variable_name === name)?.Value ?? Number.NaN);
  return { questions: get('Questions'), readNext: get('Handler_read_next') };
}

/** Measures every path `rounds` times (see the module comment); per round the order rotates. */
export async function measurePaths<P extends string>(o: MeasureOptions<P>): Promise<Record<P, PathResult>> {
  const names = Object.keys(o.paths) as P[];
  const results = Object.fromEntries(names.map((p) => [p, emptyResult()])) as Record<P, PathResult>;
  // One round first that is not kept: the JIT and the servers' caches warm up on every path (the first
  // path of the first round measured up to 3x its later rounds).
  const discard = Object.fromEntries(names.map((p) => [p, emptyResult()])) as Record<P, PathResult>;
  for (const name of names) await measureOnce(o, o.paths[name], discard[name]);
  for (let round = 0; round < o.rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length] as P;
      await measureOnce(o, o.paths[name], results[name]);
    }
    o.onRound?.(round);
  }
  return results;
}

async function measureOnce<P extends string>(
  o: MeasureOptions<P>,
  spec: PathSpec,
  into: PathResult,
): Promise<void> {
  const registry = new TargetRegistry(
    loadConfig({ env: { ...o.env[spec.servers] }, dotenv: false, cwd: o.home }),
    { replicas: { ...spec.router } },
  );
  const auditRegistry = spec.auditOnPrimary
    ? new TargetRegistry(loadConfig({ env: { ...o.env.direct }, dotenv: false, cwd: o.home }))
    : registry;
  const audit = spec.audited ? new AuditLog(auditRegistry) : undefined;
  try {
    const router = registry.get('gcp').replicas;
    await router?.start();
    const clinic = audit
      ? new Clinic({ registry, guard: auditedGuard(audit), auditsWrites: true })
      : new Clinic({ registry });
    const carryMs = router?.carryMs;
    const reader =
      spec.reader === 'browser'
        ? (): AccessContext => ({
            actor: { ...READER.actor, via: 'session' },
            ...(carryMs === undefined ? {} : { carried: new CarriedWrites(carryMs) }),
          })
        : () => READER;
    const run = async (count: number): Promise<void> => {
      let next = 0;
      await Promise.all(
        Array.from({ length: o.concurrency }, async () => {
          while (next < count) {
            const i = next++;
            await clinic.getPatient(reader(), 'gcp', o.ids[i % o.ids.length] as number);
          }
        }),
      );
    };
    await run(o.warmup);
    const before = router?.counts();
    const [p0, r0] = [await serverStatus(o.primaryAdmin), await serverStatus(o.replicaAdmin)];
    collectGarbage();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const sleeps0 = process.resourceUsage().voluntaryContextSwitches;
    await run(o.reads);
    const cpu = process.cpuUsage(cpu0);
    into.wall.push((1000 * (performance.now() - wall0)) / o.reads);
    into.sleeps.push((process.resourceUsage().voluntaryContextSwitches - sleeps0) / o.reads);
    const [p1, r1] = [await serverStatus(o.primaryAdmin), await serverStatus(o.replicaAdmin)];
    into.cpu.push((cpu.user + cpu.system) / o.reads);
    into.user.push(cpu.user / o.reads);
    into.sys.push(cpu.system / o.reads);
    // Each server also answered one status query of ours between the two samples.
    into.primaryQueries.push((p1.questions - p0.questions - 1) / o.reads);
    into.replicaQueries.push((r1.questions - r0.questions - 1) / o.reads);
    into.primaryRowsScanned.push((p1.readNext - p0.readNext) / o.reads);
    const after = router?.counts();
    if (before && after) {
      const sum = into.counts ?? zeroCounts(after);
      for (const key of Object.keys(sum) as (keyof RouteCounts)[]) sum[key] += after[key] - before[key];
      into.counts = sum;
    }
  } finally {
    await audit?.close();
    await registry.close(1000);
    if (auditRegistry !== registry) await auditRegistry.close(1000);
  }
}

function emptyResult(): PathResult {
  return {
    cpu: [],
    user: [],
    sys: [],
    wall: [],
    sleeps: [],
    primaryQueries: [],
    replicaQueries: [],
    primaryRowsScanned: [],
    counts: undefined,
  };
}

function zeroCounts(like: RouteCounts): Record<keyof RouteCounts, number> {
  return Object.fromEntries(Object.keys(like).map((k) => [k, 0])) as Record<keyof RouteCounts, number>;
}

/** `median 1.02x, quartiles 0.95-1.10x` of `a[i] / b[i]`, round by round. */
export function perRoundRatio(a: readonly number[], b: readonly number[]): { median: number; text: string } {
  const r = a
    .map((x, i) => x / (b[i] ?? Number.NaN))
    .filter(Number.isFinite)
    .sort((x, y) => x - y);
  const at = (q: number): number => {
    // Linear interpolation between the closest ranks.
    const pos = q * (r.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return (r[lo] ?? Number.NaN) + ((r[hi] ?? Number.NaN) - (r[lo] ?? Number.NaN)) * (pos - lo);
  };
  const median = at(0.5);
  return {
    median,
    text: `median ${median.toFixed(3)}x, quartiles ${at(0.25).toFixed(3)}-${at(0.75).toFixed(3)}x over ${r.length} rounds`,
  };
}
