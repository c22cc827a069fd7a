/** The traffic shapes `carepool load` can run. */
export const SCENARIOS = ['steady', 'ramp', 'spike', 'exhaust', 'sweep'] as const;

/** One of {@link SCENARIOS}. */
export type ScenarioName = (typeof SCENARIOS)[number];

/** True when `value` names a scenario. */
export function isScenarioName(value: string): value is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(value);
}

/** p50/p95/p99/max of one set of measurements (ms), with how many there were. */
export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** What the load generator saw in one sampling window. */
export interface HttpWindow {
  /** Responses completed in the window. */
  readonly requests: number;
  /** Responses per second over the window. */
  readonly rps: number;
  /** Open load-generator connections (the offered concurrency) at the end of the window. */
  readonly concurrency: number;
  /** Response times of the window (ms); null when none completed. */
  readonly latency: Percentiles | null;
  /** Responses by HTTP status (`"200"`, `"503"`). */
  readonly status: Readonly<Record<string, number>>;
  /** Failures by code: the API's `error.code` of non-2xx answers, or the client error (`ECONNRESET`, `timeout`). */
  readonly errors: Readonly<Record<string, number>>;
  /** 503 answers that carried `Retry-After`. */
  readonly retryAfter: number;
  /** Slowest 503 of the window (ms): how long a caller of a saturated target waited for its answer. */
  readonly slowest503: number | null;
  /** Every response time of the window (ms, 0.1 ms resolution), so summaries can be recomputed from the JSON. */
  readonly latencies: readonly number[];
}

/** The pool's own gauges at the end of a window. */
export interface PoolGauges {
  readonly max: number;
  readonly total: number;
  readonly active: number;
  readonly idle: number;
  readonly waiting: number;
  readonly connecting: number;
}

/** The database server's view of connections, read over a separate monitoring connection. */
export interface ServerView {
  readonly threadsConnected: number;
  readonly maxUsedConnections: number;
  readonly abortedConnects: number;
  /** Connections of the app user (PROCESSLIST, the monitor's own excluded); null when not visible. */
  readonly appUserConnections: number | null;
}

/**
 * One database server behind a target in one window: the primary and each read replica
 * (`CAREPOOL_TARGET_<NAME>_REPLICAS`), each with its own pool.
 */
export interface ServerWindow {
  /** `primary`, or the replica's name (`azure-replica-1`). */
  readonly name: string;
  /** `node`: a host of a multi-host (Galera) target, named host:port (src/galera/router.ts). */
  readonly role: 'primary' | 'replica' | 'node';
  /** The pool's open connections and those lent out, at the end of the window. */
  readonly connections: number;
  readonly active: number;
  /** Connections borrowed in the window: one per statement (or per transaction), i.e. the server's queries. */
  readonly queries: number;
  /** Replicas: the router's verdict and estimated lag (ms, null = unknown). */
  readonly state?: string;
  readonly lagMs?: number | null;
}

/** One target in one window. */
export interface TargetWindow {
  /** Null when the pool is in another process (`--url`) and its live feed could not be read. */
  readonly pool: PoolGauges | null;
  /** Acquire waits of the window (ms); null when there were none (or the pool is remote). */
  readonly acquire: Percentiles | null;
  /** Acquire timeouts in the window. */
  readonly timeouts: number;
  /** Every acquire wait of the window (ms, 0.1 ms resolution); empty for a remote pool. */
  readonly waits: readonly number[];
  /** Null when the server could not be read in this window. */
  readonly server: ServerView | null;
  /** Response times (ms) of the requests to this target in the window; absent in reports of older versions. */
  readonly responses?: readonly number[];
  /** Those responses by HTTP status. */
  readonly status?: Readonly<Record<string, number>>;
  /** Per server (primary, then each replica) when the target has read replicas and the pool is local. */
  readonly servers?: readonly ServerWindow[];
}

/** One sample, taken every ~250 ms. */
export interface LoadSample {
  /** End of the window, ms since the run started. */
  readonly t: number;
  readonly windowMs: number;
  readonly http: HttpWindow;
  readonly targets: Readonly<Record<string, TargetWindow>>;
}

/** A stretch of the run with a fixed number of load-generator connections. */
export interface Phase {
  readonly label: string;
  /** Start, seconds after the run began. */
  readonly atS: number;
  readonly durationS: number;
  readonly connections: number;
  /** Share of requests that hold a connection for `slowMs` (0 for none). */
  readonly slowShare: number;
  readonly slowMs: number;
}

/** What one target looked like before the run (for observations). */
export interface TargetInfo {
  readonly name: string;
  readonly poolMax: number;
  readonly acquireTimeoutMs: number;
  /** The server's `max_connections`, when it could be read. */
  readonly maxConnections: number | null;
  /** Who the monitor connected as, and whether it sees the app user's threads. */
  readonly monitor: 'separate user' | 'app user' | 'none';
}
