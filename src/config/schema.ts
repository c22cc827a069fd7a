import type { ReplicaConfig } from './replicas.js';
import { z } from 'zod';
import type { ConnectionSpec } from './connection-url.js';
import type { Secret } from './secret.js';

/** Pool settings: the names of the `CAREPOOL_*` variables (global and per target) and their defaults. */
export const POOL_SETTINGS = {
  max: { env: 'POOL_MAX', schema: z.coerce.number().int().min(1).max(1000), default: 20, example: '20' },
  min: { env: 'POOL_MIN', schema: z.coerce.number().int().min(0).max(1000), default: 0, example: '2' },
  connectTimeoutMs: {
    env: 'CONNECT_TIMEOUT_MS',
    schema: z.coerce.number().int().min(100).max(600_000),
    default: 3000,
    example: '3000',
  },
  acquireTimeoutMs: {
    env: 'ACQUIRE_TIMEOUT_MS',
    schema: z.coerce.number().int().min(10).max(600_000),
    default: 2000,
    example: '2000',
  },
  idleTimeoutMs: {
    env: 'IDLE_TIMEOUT_MS',
    schema: z.coerce.number().int().min(0).max(86_400_000),
    default: 180_000,
    example: '180000',
  },
  maxLifetimeMs: {
    env: 'MAX_LIFETIME_MS',
    schema: z.coerce.number().int().min(0).max(86_400_000),
    default: 1_800_000,
    example: '1800000',
  },
  keepAliveMs: {
    env: 'KEEPALIVE_MS',
    schema: z.coerce.number().int().min(0).max(7_200_000),
    default: 60_000,
    example: '60000',
  },
  validationIdleMs: {
    env: 'VALIDATION_IDLE_MS',
    schema: z.coerce.number().int().min(0).max(600_000),
    default: 500,
    example: '500',
  },
  leakDetectionMs: {
    env: 'LEAK_DETECTION_MS',
    schema: z.coerce.number().int().min(0).max(86_400_000),
    default: 30_000,
    example: '30000',
  },
  statementTimeoutMs: {
    env: 'STATEMENT_TIMEOUT_MS',
    schema: z.coerce.number().int().min(100).max(3_600_000),
    default: 5000,
    example: '5000',
  },
} as const;

/** Pool behaviour of one target. Times are milliseconds; 0 disables idle eviction, lifetime, keepalive or leak detection. */
export interface PoolSettings {
  /** Hard cap on open connections (idle + in use). Default 20, the seeds' value. */
  readonly max: number;
  /** Connections kept open even when idle. */
  readonly min: number;
  /** Bound on TCP connect + TLS + authentication of one new connection. Default 3000, the seeds' value. */
  readonly connectTimeoutMs: number;
  /** Bound on waiting for a free connection; past it the caller gets CAREPOOL_DB_POOL_TIMEOUT. */
  readonly acquireTimeoutMs: number;
  /** Idle connections above `min` are closed after this long (keep it below the server's wait_timeout). */
  readonly idleTimeoutMs: number;
  /** A connection is retired when returned after this age (jittered down by up to 2.5 %). */
  readonly maxLifetimeMs: number;
  /** TCP keepalive initial delay, well under cloud load-balancer idle limits (Azure: ~4 min). */
  readonly keepAliveMs: number;
  /** A connection idle longer than this is pinged before it is handed out. */
  readonly validationIdleMs: number;
  /** A connection held longer than this is logged as a possible leak. */
  readonly leakDetectionMs: number;
  /**
   * Deadline of one pooled statement (`CAREPOOL_STATEMENT_TIMEOUT_MS`, default 5000): enforced by the server
   * (MariaDB `max_statement_time`, MySQL `max_execution_time` for SELECTs) and by a client-side timer that
   * drops the connection and kills the query. Absent in hand-built settings: no deadline. Migrations'
   * dedicated connections never get one.
   */
  readonly statementTimeoutMs?: number;
}

/** One configured database target. */
export interface TargetConfig {
  /** Lower-case name used in CLI flags, URLs and metrics labels. */
  readonly name: string;
  /** The application connection (DML user). */
  readonly url: ConnectionSpec;
  /** The migrator connection (DDL user); falls back to `url`. */
  readonly migrateUrl?: ConnectionSpec;
  readonly pool: PoolSettings;
  /** Read replicas (`CAREPOOL_TARGET_<NAME>_REPLICAS`) and the lag bound; see src/replicas. */
  readonly replicas?: ReplicaConfig;
}

/** The web server: where it listens, how it serves, how sessions behave. */
export interface HttpConfig {
  readonly host: string;
  readonly port: number;
  /** PEM files to serve HTTPS with (`CAREPOOL_HTTPS_CERT` + `CAREPOOL_HTTPS_KEY`); plain HTTP without. */
  readonly https?: { readonly certFile: string; readonly keyFile: string };
  /**
   * Signs session cookies (`CAREPOOL_SESSION_SECRET`, at least 32 characters). Every instance behind one
   * address must share it; when unset, a random one is generated once and kept in `<home>/session-secret`.
   */
  readonly sessionSecret?: Secret;
  /** Automatic logoff after this much inactivity (`CAREPOOL_SESSION_IDLE_MINUTES`, default 15). */
  readonly sessionIdleMinutes: number;
  /** Sessions end this long after sign-in (`CAREPOOL_SESSION_MAX_HOURS`, default 12). */
  readonly sessionMaxHours: number;
  /**
   * How long an Idempotency-Key is honoured and kept before it is purged (`CAREPOOL_IDEMPOTENCY_TTL`, a
   * duration such as `24h`, `30m`, `7d`; default 24 hours, 1 s to 30 days).
   */
  readonly idempotencyTtlMs: number;
  /**
   * Load balancers whose `X-Forwarded-For` names the client (`CAREPOOL_TRUST_PROXY`, addresses or CIDR
   * ranges); absent: none, the client is the connection's address. See src/config/trust-proxy.ts.
   */
  readonly trustProxy?: readonly string[];
}

/** The whole validated configuration, read once and passed down. */
export interface CarepoolConfig {
  readonly targets: readonly TargetConfig[];
  /** Where the targets came from. */
  readonly source: 'targets' | 'database-url' | 'none';
  readonly http: HttpConfig;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Directory for carepool's own state (sandbox data, generated secrets). */
  readonly home: string;
}

/** Valid target names: they become env-var infixes, URL segments and metric labels. */
export const TARGET_NAME = /^[a-z][a-z0-9_]{0,31}$/;
