import type { PoolSettings } from '../../config/index.js';
import type { AppError } from '../../errors/index.js';
import type { RawConnection } from '../driver.js';
import type { PoolObserver } from './observer.js';

/** What a {@link Pool} needs besides its settings. */
export interface PoolOptions extends PoolSettings {
  /** Target name, used in messages and metrics labels. */
  readonly name: string;
  /** Opens one new connection (already bounded by the connect timeout). */
  readonly open: () => Promise<RawConnection>;
  /** Turns a driver error into an AppError (wrapped once at the db edge). */
  readonly wrapError: (error: unknown) => AppError;
  readonly observer?: PoolObserver;
  /** Injected clock (ms) for tests. */
  readonly now?: () => number;
  readonly random?: () => number;
  /** Consecutive failed connects that open the circuit. Default 3. */
  readonly failureThreshold?: number;
  /** First cool-down of an open circuit; doubles per failed probe up to 5 s. Default 500 ms. */
  readonly circuitCooldownMs?: number;
  /** How often the housekeeper runs. Default 1000 ms. */
  readonly housekeepingMs?: number;
  /**
   * Stops a statement the client gave up on (KILL over another connection). Best effort: the server's own
   * statement timeout normally fires first; this covers a server that stopped answering.
   */
  readonly kill?: (threadId: number) => Promise<void>;
  /** Hard cap on queued (non-urgent) callers. Default 50 × `max`. */
  readonly maxWaiting?: number;
}

/**
 * The client-side statement timer fires this long after the server-side timeout would have, so a server
 * that is merely slow answers with its own error first and the connection survives.
 */
export const CLIENT_TIMEOUT_GRACE_MS = 1000;

/** A point-in-time view of the pool, for metrics, /api/v1/targets and the load sampler. */
export interface PoolStats {
  readonly name: string;
  readonly max: number;
  readonly min: number;
  /** Open connections plus those being opened. */
  readonly total: number;
  readonly active: number;
  readonly idle: number;
  /** Callers queued for a connection. */
  readonly waiting: number;
  readonly connecting: number;
  readonly acquired: number;
  readonly created: number;
  readonly destroyed: number;
  readonly timeouts: number;
  readonly createErrors: number;
  /** Callers refused at once because the queue could not serve them within the acquire timeout. */
  readonly shed?: number;
  /** Statements abandoned by the client-side statement timer. */
  readonly statementTimeouts?: number;
  readonly circuit: 'closed' | 'open';
}
