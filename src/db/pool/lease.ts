import type { AppError } from '../../errors/index.js';
import { type QueryResult, type RawConnection, STATEMENT_TIMEOUT_CODE } from '../driver.js';

/** A connection lent to one caller. Give it back exactly once with `release()` (or `discard()` if it is suspect). */
export interface PooledConnection {
  readonly threadId: number;
  readonly tls: boolean;
  /** Runs one statement; driver errors arrive wrapped as {@link AppError}. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  release(): void;
  /** Returns the connection and closes it (after an error that may have left the session dirty). */
  discard(): void;
}

/** @internal One pooled connection and its bookkeeping. */
export interface Slot {
  readonly conn: RawConnection;
  readonly retireAt: number;
  lastUsedAt: number;
  checkedOutAt: number;
  label: string | undefined;
  leakReported: boolean;
}

/** @internal What a {@link Lease} needs from its pool. */
export interface LeaseOwner {
  /** Client-side deadline of one statement, ms (0: none). */
  readonly statementTimeoutMs: number;
  statementTimedOut(threadId: number): void;
  giveBack(slot: Slot, discard: boolean): void;
  wrapError(error: unknown): AppError;
}

/** @internal The connection a caller borrowed: statements run with the pool's statement timeout. */
export class Lease implements PooledConnection {
  readonly #pool: LeaseOwner;
  readonly #slot: Slot;
  #done = false;

  constructor(pool: LeaseOwner, slot: Slot) {
    this.#pool = pool;
    this.#slot = slot;
  }

  get threadId(): number {
    return this.#slot.conn.threadId;
  }

  get tls(): boolean {
    return this.#slot.conn.tls;
  }

  async query<Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
    if (this.#done) throw new Error('query on a released connection');
    try {
      return await this.#slot.conn.query<Row>(sql, params, this.#pool.statementTimeoutMs);
    } catch (error) {
      if ((error as { code?: unknown }).code === STATEMENT_TIMEOUT_CODE)
        this.#pool.statementTimedOut(this.#slot.conn.threadId);
      throw this.#pool.wrapError(error);
    }
  }

  release(): void {
    if (this.#done) return;
    this.#done = true;
    this.#pool.giveBack(this.#slot, false);
  }

  discard(): void {
    if (this.#done) return;
    this.#done = true;
    this.#pool.giveBack(this.#slot, true);
  }
}

/**
 * @internal A fresh slot for a connection opened at `now`. It retires at `lifetimeMs` (0: never) minus up to
 * 2.5 % jitter, so connections opened together do not all reconnect at once.
 */
export function newSlot(conn: RawConnection, now: number, lifetimeMs: number, random: () => number): Slot {
  return {
    conn,
    retireAt:
      lifetimeMs > 0
        ? now + lifetimeMs - Math.floor(random() * lifetimeMs * 0.025)
        : Number.POSITIVE_INFINITY,
    lastUsedAt: now,
    checkedOutAt: 0,
    label: undefined,
    leakReported: false,
  };
}
