import { percentiles } from './percentiles.js';
import type { LoadSample, Percentiles } from './types.js';

/** What the load generator saw of one target's requests over a whole run. */
export interface TargetHttp {
  readonly requests: number;
  readonly rps: number;
  readonly latency: Percentiles | null;
  /** Responses with a status of 400 or more. */
  readonly failed: number;
}

/** Per-target figures of a whole run. */
export interface TargetSummary {
  /** Requests, throughput and response times of this target alone. */
  readonly http: TargetHttp;
  readonly poolMax: number | null;
  readonly peakTotal: number | null;
  readonly peakActive: number | null;
  readonly peakWaiting: number | null;
  readonly acquire: Percentiles | null;
  /** The worst window's acquire p99: the only figure a remote pool (live feed, no raw waits) allows. */
  readonly worstAcquireP99: number | null;
  readonly timeouts: number;
  /** Highest PROCESSLIST count of the app user seen; null when never visible. */
  readonly peakAppUserConnections: number | null;
  readonly peakThreadsConnected: number | null;
  /** `Max_used_connections` at the end (a server-wide high-water mark since the server started). */
  readonly maxUsedConnections: number | null;
  /** `Aborted_connects` growth during the run. */
  readonly abortedConnects: number | null;
}

/** The figures of a whole run, all derived from its samples by {@link summarize}. */
export interface LoadSummary {
  readonly durationS: number;
  readonly requests: number;
  /** Mean responses per second over the run. */
  readonly rps: number;
  /** Best window's responses per second. */
  readonly peakRps: number;
  readonly latency: Percentiles | null;
  readonly status: Readonly<Record<string, number>>;
  readonly errors: Readonly<Record<string, number>>;
  readonly retryAfter: number;
  /** Slowest 503 of the run (ms); null when there was none. */
  readonly slowest503: number | null;
  readonly peakConcurrency: number;
  readonly targets: Readonly<Record<string, TargetSummary>>;
}

const add = (into: Record<string, number>, from: Readonly<Record<string, number>>) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
};

const peak = (values: readonly (number | null | undefined)[]): number | null => {
  const seen = values.filter((v): v is number => typeof v === 'number');
  return seen.length === 0 ? null : Math.max(...seen);
};

/**
 * Whole-run figures from the raw samples. Pure, and the only place they are computed: the report, the
 * terminal summary and the tests (which recompute from the JSON) all go through it.
 */
export function summarize(samples: readonly LoadSample[]): LoadSummary {
  const status: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const latencies: number[] = [];
  let requests = 0;
  let retryAfter = 0;
  for (const s of samples) {
    requests += s.http.requests;
    retryAfter += s.http.retryAfter;
    add(status, s.http.status);
    add(errors, s.http.errors);
    for (const l of s.http.latencies) latencies.push(l);
  }
  const durationS = (samples.at(-1)?.t ?? 0) / 1000;
  const names = [...new Set(samples.flatMap((s) => Object.keys(s.targets)))];
  return {
    durationS,
    requests,
    rps: durationS > 0 ? Math.round((requests / durationS) * 10) / 10 : 0,
    peakRps: peak(samples.map((s) => s.http.rps)) ?? 0,
    latency: percentiles(latencies),
    status,
    errors,
    retryAfter,
    slowest503: peak(samples.map((s) => s.http.slowest503)),
    peakConcurrency: peak(samples.map((s) => s.http.concurrency)) ?? 0,
    targets: Object.fromEntries(names.map((n) => [n, summarizeTarget(samples, n, durationS)])),
  };
}

function summarizeTarget(samples: readonly LoadSample[], name: string, durationS: number): TargetSummary {
  const windows = samples.map((s) => s.targets[name]).filter((w) => w !== undefined);
  const latencies = windows.flatMap((w) => w.responses ?? []);
  const status: Record<string, number> = {};
  for (const w of windows) add(status, w.status ?? {});
  const servers = windows.map((w) => w.server).filter((v) => v !== null);
  const first = servers[0];
  const last = servers.at(-1);
  return {
    http: {
      requests: latencies.length,
      rps: durationS > 0 ? Math.round((latencies.length / durationS) * 10) / 10 : 0,
      latency: percentiles(latencies),
      failed: failedResponses({ status }),
    },
    poolMax: peak(windows.map((w) => w.pool?.max)),
    peakTotal: peak(windows.map((w) => w.pool?.total)),
    peakActive: peak(windows.map((w) => w.pool?.active)),
    peakWaiting: peak(windows.map((w) => w.pool?.waiting)),
    acquire: percentiles(windows.flatMap((w) => w.waits)),
    worstAcquireP99: peak(windows.map((w) => w.acquire?.p99)),
    timeouts: windows.reduce((n, w) => n + w.timeouts, 0),
    peakAppUserConnections: peak(servers.map((v) => v.appUserConnections)),
    peakThreadsConnected: peak(servers.map((v) => v.threadsConnected)),
    maxUsedConnections: last?.maxUsedConnections ?? null,
    abortedConnects: first && last ? last.abortedConnects - first.abortedConnects : null,
  };
}

/** Responses with a status of 400 or more. */
export function failedResponses(summary: Pick<LoadSummary, 'status'>): number {
  return Object.entries(summary.status).reduce((n, [k, v]) => (Number(k) >= 400 ? n + v : n), 0);
}

/** True for an error key that is the client's own failure (no HTTP answer), not an API error code. */
export function isClientError(key: string): boolean {
  return !key.startsWith('CAREPOOL_') && !key.startsWith('HTTP_');
}

/** Requests that got no HTTP answer (connection errors, client timeouts). */
export function clientErrors(summary: Pick<LoadSummary, 'errors'>): number {
  return Object.entries(summary.errors).reduce((n, [k, v]) => (isClientError(k) ? n + v : n), 0);
}
