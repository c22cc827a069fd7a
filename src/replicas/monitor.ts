import { sql } from '../db/sql.js';
import type { Target } from '../db/targets.js';
import { type GtidFlavor, gtidCovers, gtidForeignSources, gtidMissing } from './gtid-set.js';
import { readThreads } from './replica-threads.js';

/** Why a replica is or is not used for reads. */
export type ReplicaState = 'ok' | 'lagging' | 'stopped' | 'down' | 'unknown';

/** One replica as the lag monitor last saw it (what /metrics, the API, `targets` and the doctor show). */
export interface ReplicaStatus {
  readonly name: string;
  /** host:port of the replica. */
  readonly address: string;
  readonly state: ReplicaState;
  /** True when reads may go there now (state ok and lag within the bound). */
  readonly eligible: boolean;
  /** Why the replica is skipped, in words; absent when eligible. */
  readonly reason?: string;
  /** Estimated lag (ms): age of the newest primary GTID position the replica has applied; null = unknown. */
  readonly lagMs: number | null;
  readonly maxLagMs: number;
  /** `Seconds_Behind_Master` (null when the SQL thread stopped or status is not readable). */
  readonly secondsBehind: number | null;
  /**
   * `SQL_Delay`: seconds the replica is told to stay behind (`MASTER_DELAY`; MySQL `SOURCE_DELAY`), null
   * when not readable. Above the lag bound it keeps the replica lagging whenever the primary writes.
   */
  readonly delaySeconds: number | null;
  /** The replica's applied GTID position and the primary's, sampled one after the other. */
  readonly replicaGtid: string | null;
  readonly primaryGtid: string | null;
  /** Transactions of the primary's position the replica has not applied (null = unknown). */
  readonly missingTransactions: number | null;
  /** `Slave_IO_Running` / `Slave_SQL_Running` (Yes, No, Connecting), null when not readable. */
  readonly ioThread: string | null;
  readonly sqlThread: string | null;
  /** The replication error (IO or SQL) with its number, or the monitor's own connection error. */
  readonly lastError: string | null;
  /** When the last poll of this replica finished (ISO time); null before the first. */
  readonly sampledAt: string | null;
  /** Reads served by this replica, and reads it was skipped for or failed (served by the primary). */
  readonly reads: number;
  readonly failovers: number;
}

/** One primary GTID position and when it was read. */
export interface Sample {
  readonly position: string;
  readonly at: number;
}

interface Slot {
  status: ReplicaStatus;
  /** The verdict of the last poll (eligible), valid until `freshUntil` (ms): the router's per-read check. */
  eligible: boolean;
  freshUntil: number;
  /** A replica that does not answer is polled again only from this time (ms): backoff up to 5 s. */
  retryAt: number;
  backoffMs: number;
  /** Until this time (ms) the replica is skipped whatever the last poll said: a read just failed there. */
  downUntil: number;
  /** Reads served and failed over (counted here, not in `status`: no copy of the status per read). */
  reads: number;
  failovers: number;
  failure?: unknown;
  /** The primary's GTID sources (domains, UUIDs) the replica holds nothing of: it is another's replica. */
  foreign?: string | undefined;
}

/** Primary samples kept at least; more when the lag bound spans more poll intervals (see {@link LagMonitor}). */
const HISTORY = 64;

/**
 * Polls a target's primary and replicas every `intervalMs` and keeps each replica's {@link ReplicaStatus}.
 *
 * Lag: the primary's GTID position is sampled first, then each replica's applied position. When the replica
 * covers the newest primary sample its lag is 0; otherwise it is the age of the newest older sample it
 * covers (an upper bound, resolution one poll interval), and never below `Seconds_Behind_Master`. Samples
 * are kept over more than the lag bound, so a replica behind every kept sample is known to be past it: its
 * lag is then the oldest sample's age (a lower bound above the bound); while fewer samples are kept (just
 * started) it is unknown (null), not the young history's age: a replica 32 s behind read as 32 s "lag"
 * under a 60 s bound, whatever its real lag. A replica
 * whose threads are not both running, whose status cannot be read, or whose last sample is older than three
 * intervals is ineligible: NULL or unknown lag counts as too far behind.
 */
export class LagMonitor {
  readonly #primary: Target;
  readonly #replicas: readonly Target[];
  readonly #maxLagMs: number;
  readonly #intervalMs: number;
  readonly #slots: Slot[];
  readonly #history: Sample[] = [];
  readonly #historySize: number;
  #flavor: GtidFlavor | undefined;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #closed = false;
  #lastCover: { readonly have: string; readonly want: string; readonly covers: boolean } | undefined;

  constructor(primary: Target, replicas: readonly Target[], maxLagMs: number, intervalMs = 500) {
    this.#primary = primary;
    this.#replicas = replicas;
    this.#maxLagMs = maxLagMs;
    this.#intervalMs = intervalMs;
    this.#historySize = Math.max(HISTORY, Math.ceil(maxLagMs / intervalMs) + 3);
    this.#slots = replicas.map((r) => ({
      status: initial(r, maxLagMs),
      downUntil: 0,
      eligible: false,
      freshUntil: 0,
      retryAt: 0,
      backoffMs: 0,
      reads: 0,
      failovers: 0,
    }));
  }

  /** Starts polling (idempotent); the first poll runs at once. Timers never keep the process alive. */
  start(): Promise<void> {
    if (this.#timer === undefined && !this.#closed) {
      this.#timer = setInterval(() => void this.poll(), this.#intervalMs);
      this.#timer.unref();
      return this.poll();
    }
    return this.#polling ?? Promise.resolve();
  }

  /** The error of the last poll that could not query replica `index` (undefined once it answers). */
  lastFailure(index: number): unknown {
    return this.#slots[index]?.failure;
  }

  /** Stops polling. */
  stop(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** The GTID flavour of the primary once known (MariaDB until the first poll says otherwise). */
  get flavor(): GtidFlavor {
    return this.#flavor ?? 'mariadb';
  }

  /** Every replica's current status, re-judged for staleness now. */
  statuses(): readonly ReplicaStatus[] {
    return this.#slots.map((s) => this.#judge(s));
  }

  /** The status of replica `i`, re-judged now. */
  status(i: number): ReplicaStatus {
    return this.#judge(this.#slots[i] as Slot);
  }

  /**
   * True when reads may go to replica `i` now: the last poll found it eligible, that poll is still fresh and no
   * read failed there since. Cheap (no allocation): the router calls it on every read.
   */
  isEligible(i: number): boolean {
    const slot = this.#slots[i];
    if (slot === undefined || !slot.eligible) return false;
    const now = Date.now();
    return now < slot.freshUntil && now >= slot.downUntil;
  }

  /** Skips replica `i` at once (a read there failed) until a later poll finds it healthy. */
  markDown(i: number, why: string): void {
    const slot = this.#slots[i] as Slot;
    slot.downUntil = Date.now() + 2 * this.#intervalMs;
    slot.eligible = false;
    slot.status = { ...slot.status, state: 'down', eligible: false, reason: why, lastError: why };
  }

  /** Counts a read served by replica `i`, or one it could not serve (`failover`). */
  count(i: number, what: 'read' | 'failover'): void {
    const slot = this.#slots[i] as Slot;
    if (what === 'read') slot.reads++;
    else slot.failovers++;
  }

  /** True when replica `i` has applied `gtid` as of its last sample (no wait needed there). */
  hasApplied(i: number, gtid: string): boolean {
    const have = this.#slots[i]?.status.replicaGtid;
    if (have === null || have === undefined) return false;
    // Reads between two polls mostly ask about the same pair of positions: parse them once.
    const last = this.#lastCover;
    if (last !== undefined && last.have === have && last.want === gtid) return last.covers;
    const covers = gtidCovers(this.flavor, have, gtid);
    this.#lastCover = { have, want: gtid, covers };
    return covers;
  }

  /** One poll of the primary and every replica (also what a test calls to avoid waiting for the timer). */
  poll(): Promise<void> {
    this.#polling ??= this.#pollOnce().finally(() => {
      this.#polling = undefined;
    });
    return this.#polling;
  }

  async #pollOnce(): Promise<void> {
    let primary: Sample | undefined;
    try {
      const flavor = this.#flavor ?? (await detectFlavor(this.#primary));
      this.#flavor = flavor;
      const { rows } = await this.#primary.sql.query<{ g: string | null }>(
        flavor === 'mariadb'
          ? sql`SELECT @@GLOBAL.gtid_binlog_pos AS g`
          : sql`SELECT @@GLOBAL.gtid_executed AS g`,
      );
      primary = { position: rows[0]?.g ?? '', at: Date.now() };
      this.#history.push(primary);
      if (this.#history.length > this.#historySize) this.#history.shift();
    } catch {
      // Without the primary's position lag is unknown: the replicas' own samples age and become ineligible.
    }
    await Promise.all(this.#replicas.map((r, i) => this.#pollReplica(r, i, primary)));
    for (const slot of this.#slots) {
      slot.eligible = this.#judge(slot).eligible;
      slot.freshUntil = Date.parse(slot.status.sampledAt ?? '') + this.#staleMs;
    }
  }

  /** A sample older than this no longer vouches for the replica: 3 intervals, at least 2 s. */
  get #staleMs(): number {
    return Math.max(3 * this.#intervalMs, 2000);
  }

  async #pollReplica(replica: Target, i: number, primary: Sample | undefined): Promise<void> {
    const slot = this.#slots[i] as Slot;
    // A dead replica is retried with backoff, not every interval (each attempt is a failed connect, logged).
    if (Date.now() < slot.retryAt) return;
    const flavor = this.flavor;
    try {
      const { rows } = await replica.sql.query<{ g: string | null }>(
        flavor === 'mariadb'
          ? sql`SELECT @@GLOBAL.gtid_slave_pos AS g`
          : sql`SELECT @@GLOBAL.gtid_executed AS g`,
      );
      const position = rows[0]?.g ?? '';
      const threads = await readThreads(replica, flavor);
      const now = Date.now();
      const gtidLag = primary ? lagFrom(this.#history, flavor, position, now) : null;
      const secondsBehind = threads?.secondsBehind ?? null;
      // A replica of another primary has none of this one's GTID sources: its "lag" would be meaningless
      // (it never covers a sample, and Seconds_Behind_Master measures against its own primary).
      const foreign = primary ? gtidForeignSources(flavor, position, primary.position) : [];
      slot.foreign = foreign.length > 0 ? foreign.join(', ') : undefined;
      const lagMs = slot.foreign ? null : judgedLag(gtidLag, secondsBehind, this.#maxLagMs);
      slot.status = {
        ...slot.status,
        lagMs,
        secondsBehind,
        delaySeconds: threads?.delaySeconds ?? null,
        replicaGtid: position,
        primaryGtid: primary?.position ?? slot.status.primaryGtid,
        missingTransactions: primary ? gtidMissing(flavor, position, primary.position) : null,
        ioThread: threads?.io ?? null,
        sqlThread: threads?.sql ?? null,
        lastError: threads?.error ?? null,
        sampledAt: new Date(now).toISOString(),
        state: 'ok',
      };
      if (now >= slot.downUntil) slot.downUntil = 0;
      slot.failure = undefined;
      slot.backoffMs = 0;
      slot.retryAt = 0;
    } catch (error) {
      slot.failure = error;
      slot.status = {
        ...slot.status,
        state: 'down',
        lagMs: null,
        lastError: `cannot query the replica: ${(error as Error).message}`,
        sampledAt: new Date().toISOString(),
      };
      slot.backoffMs = Math.min(5000, Math.max(this.#intervalMs, slot.backoffMs * 2));
      slot.retryAt = Date.now() + slot.backoffMs;
    }
  }

  #judge(slot: Slot): ReplicaStatus {
    const s: ReplicaStatus = { ...slot.status, reads: slot.reads, failovers: slot.failovers };
    const skip = (state: ReplicaState, reason: string): ReplicaStatus => ({
      ...s,
      state,
      eligible: false,
      reason,
    });
    if (slot.downUntil > Date.now()) return skip('down', s.reason ?? 'a read there just failed');
    if (s.state === 'down') return skip('down', s.lastError ?? 'the replica does not answer');
    if (s.sampledAt === null) return skip('unknown', 'not polled yet');
    if (Date.now() - Date.parse(s.sampledAt) > this.#staleMs) return skip('unknown', 'no recent lag sample');
    if (s.ioThread !== null && s.ioThread !== 'Yes')
      return skip(
        'stopped',
        `replication IO thread is ${s.ioThread}${s.lastError ? `: ${s.lastError}` : ''}`,
      );
    if (s.sqlThread !== null && s.sqlThread !== 'Yes')
      return skip(
        'stopped',
        `replication SQL thread is ${s.sqlThread}${s.lastError ? `: ${s.lastError}` : ''}`,
      );
    if (slot.foreign)
      return skip(
        'stopped',
        `not a replica of this primary: it holds no transaction of the primary's GTID ${this.flavor === 'mysql' ? 'source' : 'domain'}(s) ${slot.foreign}`,
      );
    if (s.lagMs === null)
      return skip(
        'unknown',
        'lag unknown (the primary position could not be read, or the replica is behind every position sampled since the router started)',
      );
    if (s.lagMs > this.#maxLagMs)
      return skip(
        'lagging',
        `lag ${s.lagMs} ms is above the bound ${this.#maxLagMs} ms${s.delaySeconds ? ` (MASTER_DELAY ${s.delaySeconds} s)` : ''}`,
      );
    const { reason: _reason, ...rest } = s;
    return { ...rest, state: 'ok', eligible: true };
  }
}

function initial(replica: Target, maxLagMs: number): ReplicaStatus {
  return {
    name: replica.name,
    address: `${replica.config.url.host}:${replica.config.url.port}`,
    state: 'unknown',
    eligible: false,
    reason: 'not polled yet',
    lagMs: null,
    maxLagMs,
    secondsBehind: null,
    delaySeconds: null,
    replicaGtid: null,
    primaryGtid: null,
    missingTransactions: null,
    ioThread: null,
    sqlThread: null,
    lastError: null,
    sampledAt: null,
    reads: 0,
    failovers: 0,
  };
}

/** Age of the newest primary sample the replica covers (0 when it covers the newest); null if none is. */
/**
 * A replica's lag from the primary samples (oldest first): 0 when it covers the newest, else the age of the
 * newest sample it covers (an upper bound). Behind every sample: the oldest one's age, a lower bound
 * (`atLeast`); null without samples.
 */
export function lagFrom(
  history: readonly Sample[],
  flavor: GtidFlavor,
  position: string,
  now: number,
): { readonly ms: number; readonly atLeast: boolean } | null {
  const newest = history[history.length - 1];
  if (newest && gtidCovers(flavor, position, newest.position)) return { ms: 0, atLeast: false };
  for (let k = history.length - 2; k >= 0; k--) {
    const sample = history[k] as Sample;
    if (gtidCovers(flavor, position, sample.position)) return { ms: now - sample.at, atLeast: false };
  }
  const oldest = history[0];
  return oldest ? { ms: now - oldest.at, atLeast: true } : null;
}

/**
 * The lag a replica is judged by: the GTID estimate, never below `Seconds_Behind_Master`. A lower bound (the
 * replica behind every kept sample) counts only when it already exceeds `maxLagMs` (past the bound whatever
 * the real lag); otherwise the lag is unknown (null), never the young history's age.
 */
export function judgedLag(
  gtid: { readonly ms: number; readonly atLeast: boolean } | null,
  secondsBehind: number | null,
  maxLagMs: number,
): number | null {
  if (gtid === null) return null;
  const lag = Math.max(gtid.ms, secondsBehind === null ? 0 : secondsBehind * 1000);
  return gtid.atLeast && lag <= maxLagMs ? null : lag;
}

async function detectFlavor(target: Target): Promise<GtidFlavor> {
  const { rows } = await target.sql.query<{ v: string }>(sql`SELECT VERSION() AS v`);
  return /mariadb/i.test(rows[0]?.v ?? '') ? 'mariadb' : 'mysql';
}
