import { sql } from '../db/sql.js';
import type { Target } from '../db/targets.js';
import { isAppError } from '../errors/index.js';
import { type LiveInstance, poolShare, replicaShare } from './budget.js';

/** Errors of a server that answered but refused the beat (as opposed to one that could not be reached). */
const REFUSALS = new Set<string>(['CAREPOOL_DB_QUERY_FAILED', 'CAREPOOL_DB_CONSTRAINT']);

/** Who this process is, written into the heartbeat row. */
export interface Identity {
  readonly instanceId: string;
  readonly host: string;
  readonly pid: number;
}

/** Where a member stands on its target. */
export type MemberState =
  /** Not beaten yet: the pool is held at 1 connection until the first beat sizes it. */
  | 'starting'
  /** Sized from the heartbeat table. */
  | 'sized'
  /** The table is missing (migration 0007 not applied): the configured pool size applies, unchecked. */
  | 'no-table'
  /**
   * The server answered the beat with an error (no INSERT privilege, a read-only server…): the configured
   * pool size applies, unchecked, and `error` says why.
   */
  | 'refused'
  /** The last beat failed (target down): the pool keeps its last size. */
  | 'unreachable';

/** A snapshot of one member, for logs, tests and the doctor. */
export interface MemberStatus {
  readonly target: string;
  readonly state: MemberState;
  readonly poolMax: number;
  readonly instances: number;
  readonly maxConnections: number | undefined;
  /** The server's refusal, in state `refused`. */
  readonly error?: string;
  /** The target's read replicas: pool size for this instance and each one's `max_connections` (unknown: null). */
  readonly replicas: readonly { name: string; poolMax: number; maxConnections: number | null }[];
}

/**
 * This instance's membership in one target's heartbeat table (`carepool_instances`, migration 0007). Each
 * beat, on one connection of the target's pool (urgent: it never queues behind requests): refresh the own
 * row, delete stale rows, read the live ones and `@@max_connections`, resize the pool to
 * {@link poolShare}, and record that size. Times are the server's clock.
 */
export class FleetMember {
  readonly #target: Target;
  readonly #me: Identity;
  readonly #headroom: number;
  readonly #staleMs: number;
  readonly #configuredMax: number;
  #state: MemberState = 'starting';
  #instances = 0;
  #maxConnections: number | undefined;
  #draining = false;
  #error: string | undefined;
  /** Live instances at the previous sized beat (replica shares grow only once the others saw the count). */
  #previousInstances = 0;
  readonly #replicaMax = new Map<string, number | null>();

  constructor(target: Target, me: Identity, settings: { headroom: number; staleMs: number }) {
    this.#target = target;
    this.#me = me;
    this.#headroom = settings.headroom;
    this.#staleMs = settings.staleMs;
    this.#configuredMax = target.config.pool.max;
    // Claim almost nothing until the first beat has seen the others: a newcomer never pushes the fleet
    // over the server's limit, it grows into the room the others leave.
    target.pool.resize(1);
    for (const replica of target.replicas?.replicas ?? []) replica.pool.resize(1);
  }

  /** Current state and size. */
  status(): MemberStatus {
    return {
      target: this.#target.name,
      state: this.#state,
      poolMax: this.#target.pool.stats().max,
      instances: this.#instances,
      maxConnections: this.#maxConnections,
      ...(this.#state === 'refused' && this.#error ? { error: this.#error } : {}),
      replicas: (this.#target.replicas?.replicas ?? []).map((r) => ({
        name: r.name,
        poolMax: r.pool.stats().max,
        maxConnections: this.#replicaMax.get(r.name) ?? null,
      })),
    };
  }

  /** One heartbeat; never throws (a failed beat leaves the pool as it is, or at its configured size). */
  async beat(): Promise<void> {
    try {
      await this.#target.pool.withConnection(
        async (conn) => {
          const claim = this.#target.pool.stats().max;
          await conn.query(
            `INSERT INTO carepool_instances (instance_id, host, pid, pool_max, draining, started_at, last_beat)
             VALUES (?, ?, ?, ?, ?, NOW(3), NOW(3))
             ON DUPLICATE KEY UPDATE pool_max = VALUES(pool_max), draining = VALUES(draining), last_beat = NOW(3)`,
            [this.#me.instanceId, this.#me.host.slice(0, 255), this.#me.pid, claim, this.#draining],
          );
          await conn.query(
            'DELETE FROM carepool_instances WHERE last_beat < NOW(3) - INTERVAL ? MICROSECOND',
            [this.#staleMs * 1000],
          );
          const { rows } = await conn.query<{ instance_id: string; pool_max: number; mc: number | string }>(
            'SELECT instance_id, pool_max, @@max_connections AS mc FROM carepool_instances',
          );
          const live: LiveInstance[] = rows.map((r) => ({
            instanceId: r.instance_id,
            poolMax: Number(r.pool_max),
          }));
          const maxConnections = Number(rows[0]?.mc ?? 0);
          const share = poolShare({
            maxConnections,
            headroom: this.#headroom,
            poolMax: this.#configuredMax,
            self: this.#me.instanceId,
            live,
          });
          this.#target.pool.resize(share);
          await this.#sizeReplicas(live.length);
          this.#instances = live.length;
          this.#maxConnections = maxConnections;
          this.#state = 'sized';
          if (share !== claim) {
            await conn.query('UPDATE carepool_instances SET pool_max = ? WHERE instance_id = ?', [
              share,
              this.#me.instanceId,
            ]);
          }
        },
        'fleet heartbeat',
        true,
      );
    } catch (error) {
      if (isAppError(error) && error.code === 'CAREPOOL_SCHEMA_MISSING') {
        this.#state = 'no-table';
        this.#unsized();
      } else if (isAppError(error) && REFUSALS.has(error.code)) {
        // The server is there but will not keep the row: do not hold the pool at one connection for that.
        this.#state = 'refused';
        this.#error = error.message;
        this.#unsized();
      } else if (this.#state !== 'starting') {
        this.#state = 'unreachable';
      }
    }
  }

  /**
   * Sizes each read replica's pool to {@link replicaShare} of that replica's `max_connections`, counting the
   * instances of the primary's table. A replica that does not answer keeps its size (the router skips it).
   */
  async #sizeReplicas(instances: number): Promise<void> {
    const previous = this.#previousInstances;
    const phase = previous === 0 ? 'joined' : previous < instances ? 'grown' : 'settled';
    this.#previousInstances = instances;
    await Promise.all(
      (this.#target.replicas?.replicas ?? []).map(async (replica) => {
        try {
          const { rows } = await replica.pool.withConnection(
            (conn) => conn.query<{ mc: number | string }>('SELECT @@max_connections AS mc'),
            'fleet heartbeat',
            true,
          );
          const maxConnections = Number(rows[0]?.mc ?? 0);
          this.#replicaMax.set(replica.name, maxConnections);
          replica.pool.resize(
            replicaShare({
              maxConnections,
              headroom: this.#headroom,
              poolMax: replica.config.pool.max,
              instances,
              current: replica.pool.stats().max,
              phase,
            }),
          );
        } catch {
          // Down or refusing: the router skips it; its pool keeps its size until a beat reaches it.
        }
      }),
    );
  }

  /** No heartbeat table or a refused beat: every pool of the target at its configured size, unchecked. */
  #unsized(): void {
    this.#target.pool.resize(this.#configuredMax);
    for (const r of this.#target.replicas?.replicas ?? []) r.pool.resize(r.config.pool.max);
  }

  /** Marks the row as draining (the next beat writes it; this one is written now, best effort). */
  async drain(): Promise<void> {
    this.#draining = true;
    await this.beat();
  }

  /** Deletes the own row (best effort) so the others grow at their next beat instead of after the stale bound. */
  async leave(): Promise<void> {
    await this.#target.sql
      .query(sql`DELETE FROM carepool_instances WHERE instance_id = ${this.#me.instanceId}`)
      .catch(() => undefined);
  }
}
