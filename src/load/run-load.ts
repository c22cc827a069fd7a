import type { CarepoolConfig, ConnectionSpec, Secret } from '../config/index.js';
import { AppError } from '../errors/index.js';
import { observe } from './observations.js';
import type { SlowPathFn } from './request-mix.js';
import { type RunResult, runOnce, type StartLoadServer } from './run-once.js';
import { SWEEP_POOL_SIZES, scenarioPhases } from './scenarios.js';
import { clientErrors, failedResponses } from './summarize.js';
import type { LoadSample, ScenarioName } from './types.js';

/** Options of {@link runLoad}. */
export interface LoadOptions {
  readonly scenario: ScenarioName;
  /** Targets and their pool settings (the in-process server uses them; monitors always do). */
  readonly config: Pick<CarepoolConfig, 'targets'>;
  /** Targets to send load to; default all. */
  readonly targets?: readonly string[];
  /** Seconds; a sweep splits it over its pool sizes. 1-600. */
  readonly durationS: number;
  /** Peak load-generator connections. 1-1000. */
  readonly connections: number;
  /** A running server (loopback only); default: start one in this process with `startServer`. */
  readonly url?: string;
  /** The API token for a `url` server (it needs one of a user who may read patients and metrics). */
  readonly token?: Secret;
  readonly startServer?: StartLoadServer;
  /** Overrides every target's pool maximum for the in-process server. */
  readonly poolMax?: number;
  /** How long slow requests hold their connection (ms). Default 1000. */
  readonly slowMs?: number;
  readonly slowPath: SlowPathFn;
  /** Safety bound on requests per run. Default 2 000 000. */
  readonly maxRequests?: number;
  /** A user that may read PROCESSLIST for every user (e.g. an admin URL) per target. */
  readonly monitorSpec?: (target: string) => ConnectionSpec | undefined;
  readonly sampleMs?: number;
  /** Progress: every sample, with the index of the run (sweeps have several) and how many there are. */
  readonly onSample?: (sample: LoadSample, run: { index: number; of: number; poolMax: number }) => void;
  readonly random?: () => number;
  readonly now?: () => Date;
  /** Stops the run early (Ctrl-C): the traffic stops, and the result holds what was measured so far. */
  readonly signal?: AbortSignal;
}

/** One pool size of a sweep. */
export interface SweepPoint {
  readonly poolMax: number;
  readonly rps: number;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly acquireP99: number | null;
  readonly errors: number;
}

/** Everything a load run produced: the JSON report is exactly this object. */
export interface LoadResult {
  readonly scenario: ScenarioName;
  readonly startedAt: string;
  readonly durationS: number;
  readonly connections: number;
  readonly runs: readonly RunResult[];
  /** Present for sweeps: one point per pool size. */
  readonly sweep?: readonly SweepPoint[];
  /** Written observations derived from the numbers. */
  readonly observations: readonly string[];
  /** True when the run was stopped early (Ctrl-C): the figures cover only the time it ran. */
  readonly interrupted?: boolean;
}

/** The URL without user name or password, safe for messages and reports. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}

/** True for addresses that only this machine can reach. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/**
 * Runs a scenario and derives its observations. Bounded: every run stops at its duration (plus the client
 * timeout at worst) or at `maxRequests`, and traffic only goes to loopback addresses.
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  validate(o);
  const names = o.targets ?? o.config.targets.map((t) => t.name);
  const startedAt = (o.now?.() ?? new Date()).toISOString();
  const slowMs = o.slowMs ?? 1000;
  const sizes: readonly (number | undefined)[] = o.scenario === 'sweep' ? SWEEP_POOL_SIZES : [o.poolMax];
  const perRunS = o.scenario === 'sweep' ? Math.max(2, o.durationS / sizes.length) : o.durationS;
  const runs: RunResult[] = [];
  for (const [index, size] of sizes.entries()) {
    if (o.signal?.aborted) break;
    const config = size === undefined ? o.config : withPoolMax(o.config, size);
    const poolMax = Math.max(...config.targets.filter((t) => names.includes(t.name)).map((t) => t.pool.max));
    const phases = scenarioPhases(o.scenario, {
      durationS: perRunS,
      connections: o.connections,
      poolMax,
      slowMs,
    });
    const run = await runOnce({
      config,
      targets: names,
      phases,
      url: o.url === undefined ? undefined : safeUrl(o.url),
      headers: o.token ? { authorization: `Bearer ${o.token.reveal()}` } : undefined,
      startServer: o.startServer,
      slowPath: o.slowPath,
      slowMs,
      maxRequests: o.maxRequests ?? 2_000_000,
      monitorSpec: o.monitorSpec,
      sampleMs: o.sampleMs,
      onSample: o.onSample ? (s) => o.onSample?.(s, { index, of: sizes.length, poolMax }) : undefined,
      random: o.random,
      signal: o.signal,
    });
    runs.push(run);
  }
  const sweep = o.scenario === 'sweep' ? runs.map(sweepPoint) : undefined;
  const interrupted = o.signal?.aborted === true;
  const base = {
    scenario: o.scenario,
    startedAt,
    durationS: o.durationS,
    connections: o.connections,
    runs,
    ...(sweep ? { sweep } : {}),
  };
  const observations = observe(base);
  if (!interrupted) return { ...base, observations };
  const ran = runs.reduce((t, r) => t + r.summary.durationS, 0);
  const note = `The run was interrupted (Ctrl-C) after ${Math.round(ran)} s of the ${o.durationS} s planned: the figures cover only that time.`;
  return { ...base, observations: [note, ...observations], interrupted };
}

function sweepPoint(run: RunResult): SweepPoint {
  const s = run.summary;
  const acquire = Object.values(s.targets)
    .map((t) => t.acquire?.p99 ?? null)
    .filter((v) => v !== null);
  return {
    poolMax: run.poolMax,
    rps: s.rps,
    p50: s.latency?.p50 ?? null,
    p99: s.latency?.p99 ?? null,
    acquireP99: acquire.length > 0 ? Math.max(...acquire) : null,
    errors: failedResponses(s) + clientErrors(s),
  };
}

/** The config with every target's pool maximum set to `max` (and `min` clamped under it). */
export function withPoolMax(
  config: Pick<CarepoolConfig, 'targets'>,
  max: number,
): Pick<CarepoolConfig, 'targets'> {
  return {
    targets: config.targets.map((t) => ({ ...t, pool: { ...t.pool, max, min: Math.min(t.pool.min, max) } })),
  };
}

function validate(o: LoadOptions): void {
  const bad = (message: string) => {
    throw new AppError('CAREPOOL_LOAD_OPTION_INVALID', message, { meta: { scenario: o.scenario } });
  };
  if (!Number.isFinite(o.durationS) || o.durationS < 1 || o.durationS > 600)
    bad(`--duration ${o.durationS}: give 1-600 seconds`);
  if (!Number.isInteger(o.connections) || o.connections < 1 || o.connections > 1000)
    bad(`--connections ${o.connections}: give 1-1000`);
  if (o.poolMax !== undefined && (!Number.isInteger(o.poolMax) || o.poolMax < 1 || o.poolMax > 1000))
    bad(`--pool-max ${o.poolMax}: give 1-1000`);
  if (o.url !== undefined) {
    if (!isLoopbackUrl(o.url)) {
      throw new AppError('CAREPOOL_LOAD_NOT_LOOPBACK', `--url ${safeUrl(o.url)}: not a loopback address`, {
        meta: { url: safeUrl(o.url) },
      });
    }
    if (o.scenario === 'sweep') bad('--scenario sweep restarts the pools at each size: leave out --url');
    if (o.poolMax !== undefined) bad('--pool-max applies to the in-process server: leave out --url');
  }
  const known = o.config.targets.map((t) => t.name);
  for (const t of o.targets ?? [])
    if (!known.includes(t)) bad(`unknown target "${t}"; configured: ${known.join(', ')}`);
  if (known.length === 0) bad('no targets to load');
}
