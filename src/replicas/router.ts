import { performance } from 'node:perf_hooks';
import type { ReplicaConfig, TargetConfig } from '../config/index.js';
import { captureGtids } from '../db/gtid.js';
import { sql } from '../db/sql.js';
import type { Target } from '../db/targets.js';
import { AppError } from '../errors/index.js';
import { FallbackGate } from './fallback-gate.js';
import { type FleetAnswer, FleetChecks, settleUntil } from './fleet-ryw.js';
import { gtidCovers } from './gtid-set.js';
import { LagMonitor, type ReplicaStatus } from './monitor.js';
import type { ReadOptions, RouteCounts, RouterOptions } from './router-options.js';
import { COMMIT_MARGIN_MS, WriterChecks } from './writer-check.js';

interface Token {
  /** GTID of the client's last write; absent when the server reported none (then: primary until `until`). */
  readonly gtid?: string;
  /** Until when (ms) this token matters: afterwards every eligible replica has applied the write. */
  readonly until: number;
}

/**
 * Routes a target's reads to its replicas within the lag bound, and keeps read-your-writes per client.
 *
 * - Reads ({@link read}) go to the least busy eligible replica ({@link LagMonitor}); none eligible: primary.
 * - Writes ({@link write}) always run on the primary; the write's GTID (session tracking) is remembered for
 *   the client. That client's next reads wait on the chosen replica for that GTID (MariaDB
 *   `MASTER_GTID_WAIT`, MySQL `WAIT_FOR_EXECUTED_GTID_SET`) for at most `waitMs`, else read the primary. A
 *   write whose GTID is unknown sends the client's reads to the primary until the token expires.
 * - A replica read that fails with a database error marks that replica down at once and the read is
 *   retried on the primary: the caller never sees a replica's failure. Application errors (not found,
 *   validation) pass through unchanged.
 *
 * - A client that carries its own writes (`carried`, the web app's signed cookie, src/replicas/carried.ts)
 *   waits on the replica for its last write's GTID, made through whichever instance; nothing else is asked.
 * - Fleet-wide (default, when the caller names the actor and carries nothing, e.g. an API token): one query
 *   on the primary tells whether the actor wrote through any instance within the write window
 *   (`carepool_audit`); if so the read waits on the replica for the primary's current GTID position.
 * - Reads that fall back to the primary are capped at a share of its pool (`fallbackShare`); beyond it they
 *   wait for a slot (first come, first served) as long as for a pool connection, then get 503
 *   CAREPOOL_REPLICA_FALLBACK_SATURATED, so writes keep connections (see docs/scale-out.md).
 */
export class ReplicaRouter {
  readonly primary: Target;
  readonly replicas: readonly Target[];
  readonly monitor: LagMonitor;
  readonly maxLagMs: number;
  readonly #waitMs: number;
  readonly #ttlMs: number;
  readonly #maxClients: number;
  readonly #tokens = new Map<string, Token>();
  #started: Promise<void> | undefined;
  #next = 0;
  readonly #fleetWide: boolean;
  readonly #fallback: FallbackGate;
  /** How far back (ms) a write by the actor makes a read wait for the primary's position. */
  readonly #writeWindowMs: number;
  readonly #settleMs: number;
  readonly #checks: FleetChecks;
  readonly #writers: WriterChecks;
  /** Per replica: a position it is known to have applied (a wait succeeded), until `until` (ms). */
  readonly #applied: ({ gtid: string; until: number } | undefined)[];
  /** Per replica: waits in flight by position, shared by the reads that need the same one. */
  readonly #waits: Map<string, Promise<boolean>>[];
  readonly #pollMs: number;
  #counts = {
    primaryReads: 0,
    replicaReads: 0,
    causalWaits: 0,
    causalWaitTimeouts: 0,
    fleetChecks: 0,
    fleetRecentWriters: 0,
    fleetQueries: 0,
    causalWaitsShared: 0,
  };

  constructor(
    primary: Target,
    config: ReplicaConfig,
    makeReplica: (config: TargetConfig) => Target,
    options: RouterOptions = {},
  ) {
    this.primary = primary;
    this.maxLagMs = config.maxLagMs;
    this.replicas = config.urls.map((url, i) =>
      makeReplica({
        name: `${primary.name}-replica-${i + 1}`,
        url,
        pool: config.pool ?? primary.config.pool,
      }),
    );
    const interval = options.pollIntervalMs ?? 500;
    this.monitor = new LagMonitor(primary, this.replicas, config.maxLagMs, interval);
    this.#waitMs = options.waitMs ?? Math.max(50, Math.min(config.maxLagMs, 500));
    // A write older than the bound plus a poll (and a minute's margin) is on every replica we would pick.
    this.#ttlMs = config.maxLagMs + interval + 60_000;
    this.#maxClients = options.maxClients ?? 100_000;
    this.#fleetWide = options.fleetWide ?? true;
    // An eligible replica had lag <= bound at a poll at most max(3 intervals, 2 s) ago, sampled at the poll
    // interval's resolution: a write older than that (plus a second) is on it.
    // A check reused `settleMs` after it ran looks back that much less far from the read: add it.
    this.#settleMs = Math.max(0, options.settleMs ?? 10);
    this.#writeWindowMs =
      config.maxLagMs + Math.max(3 * interval, 2000) + interval + COMMIT_MARGIN_MS + this.#settleMs;
    this.#writers = new WriterChecks(() => this.monitor.flavor, this.#writeWindowMs, this.#maxClients);
    this.#checks = new FleetChecks((actors, sent) => this.#checkBatch(actors, sent), this.#settleMs);
    this.#applied = this.replicas.map(() => undefined);
    this.#waits = this.replicas.map(() => new Map());
    this.#pollMs = interval;
    this.#fallback = new FallbackGate(primary, options.fallbackShare ?? 0.5);
  }

  /** Starts the lag monitor (once) and resolves after its first poll. */
  start(): Promise<void> {
    this.#started ??= this.monitor.start();
    return this.#started;
  }

  /** Every replica's status (starts the monitor on first use). */
  async statuses(): Promise<readonly ReplicaStatus[]> {
    await this.start();
    return this.monitor.statuses();
  }

  /** How long (ms) after a write a client's own record of it matters (src/replicas/carried.ts). */
  get carryMs(): number {
    return this.#ttlMs;
  }

  /** Whose writes reads honour: `fleet` (through any instance, checked on the primary) or `instance`. */
  get readYourWrites(): 'fleet' | 'instance' {
    return this.#fleetWide ? 'fleet' : 'instance';
  }

  /** Where reads went so far. */
  counts(): RouteCounts {
    return { ...this.#counts, fleetReused: this.#checks.reused, fallbackRefused: this.#fallback.refused };
  }

  /**
   * Runs the read `fn` on an eligible replica (or the primary), honouring `client`'s last write. `fn` gets the
   * Target to query; it must not write. `actor` (the `carepool_audit.actor` of the client) turns on the
   * fleet-wide check: its writes through other instances are honoured too.
   */
  async read<T>(
    client: string | undefined,
    fn: (target: Target) => Promise<T>,
    options: ReadOptions = {},
  ): Promise<T> {
    const began = performance.now();
    if (this.#started === undefined) await this.start();
    const { actor, carried } = options;
    const token = client === undefined ? undefined : this.#token(client);
    if (token && token.gtid === undefined) return this.#onPrimary(fn);
    // The client's own record of its last write here (newest of all, made through any instance).
    if (carried && carried.gtid === undefined) return this.#onPrimary(fn);
    const i = this.#pick();
    if (i === undefined) return this.#onPrimary(fn);
    const replica = this.replicas[i] as Target;
    let gtid = carried?.gtid ?? token?.gtid;
    // A client that carries its writes (`carried` given, even null) needs no check: it told us.
    if (client !== undefined && this.#fleetWide && carried === undefined) {
      // The client may have written through another instance: if so (or if that is unknown: no actor),
      // wait for all the primary has now.
      const recent = await this.#recentWrite(actor, began).catch(() => undefined);
      if (recent === undefined) return this.#onPrimary(fn);
      if (recent.wrote && recent.position !== '') gtid = recent.position;
    }
    if (gtid !== undefined && !this.#knownApplied(i, gtid)) {
      this.#counts.causalWaits++;
      if (!(await this.#sharedWait(i, gtid))) {
        this.#counts.causalWaitTimeouts++;
        this.monitor.count(i, 'failover');
        return this.#onPrimary(fn);
      }
    }
    try {
      const result = await fn(replica);
      this.#counts.replicaReads++;
      this.monitor.count(i, 'read');
      return result;
    } catch (error) {
      if (!isDatabaseFailure(error)) throw error;
      this.monitor.markDown(i, `a read failed: ${(error as Error).message}`);
      this.#applied[i] = undefined;
      this.monitor.count(i, 'failover');
      return this.#onPrimary(fn);
    }
  }

  /**
   * Runs the write `fn` on the primary and remembers its GTID for `client`'s later reads. `onCommitted`: the
   * client carries its own writes (src/replicas/carried.ts) and is told the GTID (none when a lost
   * connection leaves it unknown whether the write committed: its reads then go to the primary for a
   * while). Such a client's reads never use the fleet-wide check, so its writes answer without the settle.
   */
  async write<T>(
    client: string | undefined,
    fn: (target: Target) => Promise<T>,
    onCommitted?: (gtid: string | undefined) => void,
  ): Promise<T> {
    const settles = this.#fleetWide && onCommitted === undefined;
    let captured: Awaited<ReturnType<typeof captureGtids<T>>>;
    try {
      captured = await captureGtids(() => fn(this.primary));
    } catch (error) {
      // The write may have committed (lost connection after COMMIT): answer no sooner than a success would.
      if (isDatabaseFailure(error)) onCommitted?.(undefined);
      if (settles) await settleUntil(performance.now() + this.#settleMs);
      throw error;
    }
    const committed = performance.now();
    const { result, gtid } = captured;
    onCommitted?.(gtid);
    if (client !== undefined) {
      this.#tokens.delete(client);
      this.#tokens.set(client, { ...(gtid === undefined ? {} : { gtid }), until: Date.now() + this.#ttlMs });
      if (this.#tokens.size > this.#maxClients) {
        const oldest = this.#tokens.keys().next().value;
        if (oldest !== undefined) this.#tokens.delete(oldest);
      }
    }
    // Fleet-wide: answer `settleMs` after the commit, so reads may share checks sent that long before them.
    if (settles) await settleUntil(committed + this.#settleMs);
    return result;
  }

  /** Stops the monitor and closes the replicas' pools. */
  async close(drainMs = 5000): Promise<void> {
    this.monitor.stop();
    await Promise.all(this.replicas.map((r) => r.pool.close(drainMs)));
  }

  #token(client: string): Token | undefined {
    const token = this.#tokens.get(client);
    if (token === undefined) return undefined;
    if (token.until > Date.now()) return token;
    this.#tokens.delete(client);
    return undefined;
  }

  /** The least busy eligible replica (pool in use + queued); ties rotate. */
  #pick(): number | undefined {
    let best: number | undefined;
    let bestLoad = Number.POSITIVE_INFINITY;
    const n = this.replicas.length;
    const start = this.#next++ % n;
    for (let k = 0; k < n; k++) {
      const i = (start + k) % n;
      if (!this.monitor.isEligible(i)) continue;
      const stats = (this.replicas[i] as Target).pool.stats();
      const load = stats.active + stats.waiting;
      if (load < bestLoad) {
        best = i;
        bestLoad = load;
      }
    }
    return best;
  }

  /** Whether replica `i` has applied `gtid`: by the monitor's last sample, or a recent successful wait. */
  #knownApplied(i: number, gtid: string): boolean {
    const known = this.#applied[i];
    if (known !== undefined && known.until > Date.now()) {
      if (known.gtid === gtid || gtidCovers(this.monitor.flavor, known.gtid, gtid)) {
        this.#counts.causalWaitsShared++;
        return true;
      }
    }
    return this.monitor.hasApplied(i, gtid);
  }

  /**
   * Waits on replica `i` for `gtid`; reads needing the same position share one wait. A success is
   * remembered for a poll interval (positions only grow; the monitor re-checks the replica by then).
   */
  #sharedWait(i: number, gtid: string): Promise<boolean> {
    const waits = this.#waits[i] as Map<string, Promise<boolean>>;
    const inFlight = waits.get(gtid);
    if (inFlight !== undefined) {
      this.#counts.causalWaitsShared++;
      return inFlight;
    }
    const wait = this.#waitFor(this.replicas[i] as Target, gtid).then((ok) => {
      waits.delete(gtid);
      if (ok) this.#applied[i] = { gtid, until: Date.now() + this.#pollMs };
      return ok;
    });
    waits.set(gtid, wait);
    return wait;
  }

  async #waitFor(replica: Target, gtid: string): Promise<boolean> {
    const seconds = this.#waitMs / 1000;
    try {
      const { rows } = await replica.sql.query<{ r: number | string | null }>(
        this.monitor.flavor === 'mariadb'
          ? sql`SELECT MASTER_GTID_WAIT(${gtid}, ${seconds}) AS r`
          : sql`SELECT WAIT_FOR_EXECUTED_GTID_SET(${gtid}, ${seconds}) AS r`,
      );
      return Number(rows[0]?.r) === 0;
    } catch {
      return false;
    }
  }

  /**
   * Whether `actor` wrote (create, update, delete in `carepool_audit`, committed with the write; times in the
   * server's clock) within the write window, and the primary's GTID position. Reads share checks on the
   * primary ({@link FleetChecks}): one in flight at a time, reused for reads that began at most `settleMs`
   * after it was sent. Without an actor (writes not audited) any write may be the client's: `wrote` is true.
   */
  async #recentWrite(
    actor: string | undefined,
    began: number,
  ): Promise<{ position: string; wrote: boolean }> {
    this.#counts.fleetChecks++;
    const key = actor?.slice(0, 64);
    const { position, writers } = await this.#checks.ask(key, began);
    const wrote = key === undefined || writers.has(key);
    if (wrote) this.#counts.fleetRecentWriters++;
    return { position, wrote };
  }

  /** One query on the primary: its GTID position, and which of `actors` wrote since their watermark. */
  async #checkBatch(actors: ReadonlySet<string>, sent: () => void): Promise<FleetAnswer> {
    this.#counts.fleetQueries++;
    const { query, answer } = this.#writers.build(actors);
    // Urgent (served before queued requests, like the audit's batches): one check is in flight at a time,
    // and reads on replicas must not queue behind a saturated primary's requests for it.
    const { rows } = await this.primary.pool.withConnection(
      (conn) => {
        sent();
        return conn.query<{ g: string | null; w: string | null; s: string | null }>(query.text, query.values);
      },
      'replica read-your-writes check',
      true,
    );
    return answer(rows[0]);
  }

  /** Most reads that may fall back to the primary at once: a share of its pool, at least one. */
  fallbackCap(): number {
    return this.#fallback.cap();
  }

  #onPrimary<T>(fn: (target: Target) => Promise<T>): Promise<T> {
    return this.#fallback.run(() => {
      this.#counts.primaryReads++;
      return fn(this.primary);
    });
  }
}

/** A failure of the server or connection (retry elsewhere), not an answer about the data. */
function isDatabaseFailure(error: unknown): boolean {
  if (!(error instanceof AppError)) return true;
  return error.code.startsWith('CAREPOOL_DB_') && error.code !== 'CAREPOOL_DB_CONSTRAINT';
}
