import type { Kysely } from 'kysely';
import type { CarepoolConfig, TargetConfig } from '../config/index.js';
import { AppError } from '../errors/index.js';
import { HostRouter, healthySpec } from '../galera/router.js';
import type { Logger } from '../log/logger.js';
import { PoolClient, type SqlClient } from './client.js';
import { connectSingle, type SingleConnection } from './connect.js';
import type { Database } from './database.js';
import { wrapDriverError } from './errors.js';
import { infileStream } from './infile.js';
import { createKysely } from './kysely.js';
import { logObserver } from './pool/log-observer.js';
import { ObserverHub, type PoolObserver } from './pool/observer.js';
import { applyStatementTimeout, killThread } from './statement-timeout.js';
import { Pool, type PoolStats } from './pool/pool.js';
import { tlsPlan } from './tls.js';
import { trackGtids } from './gtid.js';
import type { RouterOptions } from '../replicas/router-options.js';
import { ReplicaRouter } from '../replicas/router.js';

/** One configured database with its pool and query interfaces. */
export interface Target {
  readonly name: string;
  readonly config: TargetConfig;
  readonly pool: Pool;
  /** Typed queries (Kysely) over the pool. */
  readonly db: Kysely<Database>;
  /** Raw `sql`-tag statements over the pool. */
  readonly sql: SqlClient;
  /** Attach observers (metrics, logs, samplers) to the pool. */
  readonly events: ObserverHub;
  /** The hosts of the target's URL: one, or a cluster's nodes with their health and traffic (src/galera). */
  readonly hosts: HostRouter;
  /**
   * Opens a dedicated connection as the migrator user (falls back to the app user); `multipleStatements`
   * adds {@link SingleConnection.queryBatch} (catalog reads: many SHOW CREATEs in one round trip).
   */
  connectMigrator(options?: { readonly multipleStatements?: boolean }): Promise<SingleConnection>;
  /** Read routing over `CAREPOOL_TARGET_<NAME>_REPLICAS`; absent when the target has none. */
  readonly replicas?: ReplicaRouter;
}

/** Options for {@link TargetRegistry}. */
export interface TargetRegistryOptions {
  /** Observers attached to every pool from the start (e.g. metrics). */
  readonly observers?: (target: string) => readonly PoolObserver[];
  /** Logs leaks, circuit changes and failed connects of every pool. */
  readonly logger?: Logger;
  /** Tuning of the replica routers (poll interval, causal wait). */
  readonly replicas?: RouterOptions;
}

/**
 * Every configured target with its pool. Pools open connections lazily (or up to `min`), so building the
 * registry never blocks on a slow or dead server.
 */
export class TargetRegistry {
  readonly #targets: Map<string, Target>;
  #redirects: ReadonlyMap<string, string> = new Map();

  constructor(config: Pick<CarepoolConfig, 'targets'>, options: TargetRegistryOptions = {}) {
    this.#targets = new Map(config.targets.map((t) => [t.name, makeTarget(t, options)]));
  }

  /** Targets in configuration order. */
  list(): readonly Target[] {
    return [...this.#targets.values()];
  }

  /** Target names in configuration order. */
  names(): readonly string[] {
    return [...this.#targets.keys()];
  }

  /**
   * Sends every later {@link get} of a key to its value's target: a finished `carepool cutover` moved that
   * target's data (src/move/cutover-record.ts; only the web app follows cutovers). Redirects to a target not
   * configured here are ignored.
   */
  setRedirects(redirects: ReadonlyMap<string, string>): void {
    this.#redirects = new Map([...redirects].filter(([, to]) => this.#targets.has(to)));
  }

  /** The named target (or where a cutover moved it), or CAREPOOL_TARGET_UNKNOWN listing the configured ones. */
  get(name: string): Target {
    const lower = name.toLowerCase();
    const target = this.#targets.get(this.#redirects.get(lower) ?? lower);
    if (target === undefined) {
      throw new AppError(
        'CAREPOOL_TARGET_UNKNOWN',
        `unknown target "${name}"; configured: ${this.names().join(', ') || '(none)'}`,
        {
          meta: { target: name, targets: this.names() },
        },
      );
    }
    return target;
  }

  /**
   * Resolves a `--target` value: a name, a comma list, or `all`. Read-only commands default to all targets;
   * writes must say which (`required`).
   */
  select(selector: string | undefined, options: { required?: boolean } = {}): readonly Target[] {
    if (selector === undefined || selector === '') {
      if (options.required) {
        throw new AppError(
          'CAREPOOL_USAGE',
          `this command writes: name the target with --target <${this.names().join('|')}|all>`,
          {
            meta: { targets: this.names() },
          },
        );
      }
      return this.list();
    }
    if (selector === 'all') return this.list();
    return [
      ...new Set(
        selector
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ].map((n) => this.get(n));
  }

  /** Stats of every pool (replicas' pools after their target's). */
  poolStats(): readonly PoolStats[] {
    return this.list().flatMap((t) => [
      t.pool.stats(),
      ...(t.replicas?.replicas.map((r) => r.pool.stats()) ?? []),
    ]);
  }

  /** Drains and closes every pool. */
  async close(drainMs = 5000): Promise<void> {
    await Promise.all(this.list().flatMap((t) => [t.pool.close(drainMs), t.replicas?.close(drainMs)]));
  }
}

function makeTarget(config: TargetConfig, options: TargetRegistryOptions): Target {
  const spec = config.url;
  const tls = tlsPlan(spec, `CAREPOOL_TARGET_${config.name.toUpperCase()}_URL`);
  const ctx = {
    target: config.name,
    host: spec.host,
    port: spec.port,
    user: spec.user,
    password: spec.password,
  };
  const events = new ObserverHub();
  for (const observer of options.observers?.(config.name) ?? []) events.add(observer);
  if (options.logger) events.add(logObserver(options.logger, config.name));
  const statementTimeoutMs = config.pool.statementTimeoutMs ?? 0;
  const openOptions = {
    connectTimeoutMs: config.pool.connectTimeoutMs,
    keepAliveMs: config.pool.keepAliveMs,
    tls,
  };
  // Every host of the URL: a Galera cluster's nodes get connections only while Synced (src/galera/router.ts).
  const router = new HostRouter(config.name, spec, {
    ...openOptions,
    // LOAD DATA LOCAL (the seed's fast path) gets only streams carepool offered, never a file.
    infileStreamFactory: infileStream,
  });
  const pool = new Pool({
    ...config.pool,
    name: config.name,
    observer: events,
    open: () =>
      router
        .open()
        .then((conn) => applyStatementTimeout(conn, statementTimeoutMs))
        // Writes then report their GTID, for read-your-writes on the replicas (src/replicas).
        .then((conn) => (config.replicas ? trackGtids(conn) : conn)),
    // KILL goes to the node that owns the thread (thread ids are per node).
    kill: async (threadId) => {
      const at = router.killTarget(threadId);
      if (at) await killThread(at, { ...openOptions, keepAliveMs: 0 }, threadId);
    },
    wrapError: (error) => wrapDriverError(error, ctx),
  });
  const target: Target = {
    name: config.name,
    config,
    pool,
    db: createKysely<Database>(pool),
    sql: new PoolClient(pool),
    events,
    hosts: router,
    connectMigrator: async (options = {}) => {
      // Several hosts: the first reachable (on Galera: Synced) one; DDL there replicates in TOI.
      const url = config.migrateUrl ?? config.url;
      const at = await healthySpec(config.name, url, { ...openOptions, tls: tlsPlan(url) }).catch(
        (error: unknown) => {
          throw wrapDriverError(error, ctx);
        },
      );
      return connectSingle(
        config.name,
        at,
        config.pool,
        options.multipleStatements ? { multipleStatements: true } : {},
      );
    },
  };
  if (!config.replicas) return target;
  // CAREPOOL_READ_YOUR_WRITES / CAREPOOL_READ_SETTLE_MS; a caller's explicit router options (tests, bench) win.
  const fromEnv = {
    ...(config.replicas.readYourWrites ? { fleetWide: config.replicas.readYourWrites === 'fleet' } : {}),
    ...(config.replicas.settleMs !== undefined ? { settleMs: config.replicas.settleMs } : {}),
  };
  const replicas = new ReplicaRouter(target, config.replicas, (c) => makeTarget(c, options), {
    ...fromEnv,
    ...options.replicas,
  });
  return { ...target, replicas };
}
