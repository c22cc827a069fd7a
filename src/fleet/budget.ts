/** One live instance as the heartbeat table shows it. */
export interface LiveInstance {
  readonly instanceId: string;
  /** The pool size it uses on this server now. */
  readonly poolMax: number;
}

/** What {@link poolShare} needs. */
export interface ShareInput {
  /** The server's `max_connections`. */
  readonly maxConnections: number;
  /** Connections kept free for migrator, admin, doctor and KILLs (`CAREPOOL_FLEET_HEADROOM`). */
  readonly headroom: number;
  /** The configured pool size (`CAREPOOL_POOL_MAX`): a share never exceeds it. */
  readonly poolMax: number;
  /** This instance's id. */
  readonly self: string;
  /** Live rows of the heartbeat table (this instance's own row may be among them). */
  readonly live: readonly LiveInstance[];
}

/** The connections of one server the app instances may hold together: `max_connections − headroom`. */
export function fleetBudget(maxConnections: number, headroom: number): number {
  return Math.max(1, maxConnections - headroom);
}

/**
 * This instance's pool size on one server:
 * `min(POOL_MAX, ⌊budget ÷ live instances⌋, budget − Σ pool of the others)`, at least 1.
 *
 * The last term keeps the sum under the budget while the fleet changes: a newcomer takes only the room the
 * others have not claimed yet and grows as they shrink to their new fair share at their next beat; when an
 * instance leaves (or its row goes stale), the others grow at theirs. Every instance computes the same fair
 * share from the same rows, so in steady state all pools are equal.
 */
export function poolShare(input: ShareInput): number {
  const budget = fleetBudget(input.maxConnections, input.headroom);
  const others = input.live.filter((i) => i.instanceId !== input.self);
  const fair = Math.floor(budget / (others.length + 1));
  const free = budget - others.reduce((sum, i) => sum + i.poolMax, 0);
  return Math.max(1, Math.min(input.poolMax, fair, free));
}

/**
 * A read replica's pool size for this instance. Replicas are read-only, so instances cannot register there:
 * the live instances are those of the primary's heartbeat table, and the fair share is
 * `min(POOL_MAX, ⌊replica budget ÷ live instances⌋)`. Others record no replica sizes, so growth waits one
 * beat: a newcomer (`joined`: no earlier beat) takes 1 connection; while the count has just grown (`grown`),
 * a member only shrinks to the fair share (`current` is its size now); once a beat has seen the same count
 * before, everyone takes the fair share. The total stays within the budget plus one connection per
 * newcomer, for one beat.
 */
export function replicaShare(input: {
  readonly maxConnections: number;
  readonly headroom: number;
  readonly poolMax: number;
  readonly instances: number;
  readonly current: number;
  readonly phase: 'joined' | 'grown' | 'settled';
}): number {
  const fair = Math.max(
    1,
    Math.min(
      input.poolMax,
      Math.floor(fleetBudget(input.maxConnections, input.headroom) / Math.max(1, input.instances)),
    ),
  );
  if (input.phase === 'settled' || input.instances <= 1) return fair;
  return input.phase === 'joined' ? 1 : Math.min(input.current, fair);
}

/** What the doctor reports about one server's budget (src/doctor). */
export interface BudgetCheck {
  readonly maxConnections: number;
  readonly headroom: number;
  readonly instances: number;
  /** Σ pool_max of the live instances (what they may open together). */
  readonly demand: number;
  /** True when `demand + headroom > max_connections`. */
  readonly over: boolean;
}

/** Checks that the live instances' pools plus headroom fit under `max_connections`. */
export function checkBudget(
  maxConnections: number,
  headroom: number,
  live: readonly LiveInstance[],
): BudgetCheck {
  const demand = live.reduce((sum, i) => sum + i.poolMax, 0);
  return {
    maxConnections,
    headroom,
    instances: live.length,
    demand,
    over: demand + headroom > maxConnections,
  };
}
