/** The router's tuning, per-read options and counters (src/replicas/router.ts). */
import type { CarriedWrite } from './carried.js';

/** Tuning for {@link ReplicaRouter} (defaults suit production; tests shorten them). */
export interface RouterOptions {
  /** Lag poll interval. Default 500 ms. */
  readonly pollIntervalMs?: number;
  /** Longest wait on a replica for a client's last write (MASTER_GTID_WAIT). Default min(bound, 500 ms), >= 50. */
  readonly waitMs?: number;
  /** How many clients' last writes are remembered (oldest forgotten first). Default 100,000. */
  readonly maxClients?: number;
  /**
   * Read-your-writes across a fleet of instances (default true): before a read on a replica by an actor
   * that wrote (per `carepool_audit`, through any instance) within the window, wait there for the primary's
   * current GTID position. False: only this process's memory of the client's writes counts (one instance,
   * or sticky sessions).
   */
  readonly fleetWide?: boolean;
  /**
   * Fleet-wide only: how long (ms) a write through the router waits after its commit before it answers
   * (default 10). A read may then reuse a check on the primary sent up to this long before the read began
   * (see {@link FleetChecks}): fewer checks for a little write latency. Every instance must use the same value.
   */
  readonly settleMs?: number;
  /**
   * Share of the primary's pool that reads falling back to the primary may hold at once (default 0.5, at
   * least one read): beyond it such reads wait for a slot up to the primary's acquire timeout, then get 503
   * CAREPOOL_REPLICA_FALLBACK_SATURATED, so writes keep room.
   */
  readonly fallbackShare?: number;
}

/** Who is reading, for read-your-writes. */
export interface ReadOptions {
  /** The `carepool_audit.actor` of the client: turns on the fleet-wide check (writes through other instances). */
  readonly actor?: string | undefined;
  /**
   * The client's last write on this target as the client itself carries it (src/replicas/carried.ts): the
   * read waits for its GTID on the replica (no GTID: reads the primary). `null`: the client carries its
   * writes and made none within their ttl. Either way no fleet-wide check is needed. Absent: unknown.
   */
  readonly carried?: CarriedWrite | null | undefined;
}

/** Where the router sent reads, for tests, metrics and the load view. */
export interface RouteCounts {
  /** Reads the primary served (no eligible replica, read-your-writes, or a replica failed). */
  readonly primaryReads: number;
  /** Reads a replica served. */
  readonly replicaReads: number;
  /** Reads that waited on a replica for the client's write, and waits that timed out (read on the primary). */
  readonly causalWaits: number;
  readonly causalWaitTimeouts: number;
  /** Reads that needed the fleet-wide check (batched: several share one query), and how many were by an actor that wrote recently. */
  readonly fleetChecks: number;
  readonly fleetRecentWriters: number;
  /** Queries on the primary those checks took. */
  readonly fleetQueries: number;
  /** Checks answered by a query sent before the read began (at most `settleMs` before). */
  readonly fleetReused: number;
  /** Causal waits avoided: shared with a read needing the same position, or it is known applied. */
  readonly causalWaitsShared: number;
  /** Fallback reads refused because the cap on the primary was reached (503). */
  readonly fallbackRefused: number;
}
