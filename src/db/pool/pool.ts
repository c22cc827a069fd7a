import type { PoolSettings } from '../../config/index.js';
import type { AppError } from '../../errors/index.js';
import type { RawConnection } from '../driver.js';
import { Lease, type PooledConnection, type Slot } from './lease.js';
import {
  poolClosedError,
  poolSaturatedError,
  poolTimeoutError,
  poolUnavailableError,
} from './pool-errors.js';
import { WaitQueue } from './wait-queue.js';
import type { DestroyReason, PoolObserver } from './observer.js';

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

export type { PooledConnection } from './lease.js';

interface Waiter {
  readonly start: number;
  readonly deadline: number;
  readonly label: string | undefined;
  resolve(lease: PooledConnection): void;
  reject(error: unknown): void;
}

/**
 * A HikariCP-grade connection pool over {@link RawConnection}s.
 *
 * - never more than `max` connections (idle + in use + being opened);
 * - `acquire` fails with CAREPOOL_DB_POOL_TIMEOUT after `acquireTimeoutMs` (mysql2's pool cannot: #673);
 * - a connection idle longer than `validationIdleMs` is pinged before it is lent (mysql2 lends dead ones: #683),
 *   and one that breaks while idle (server KILL, restart) leaves the pool at once;
 * - idle connections above `min` close after `idleTimeoutMs`; connections retire at `maxLifetimeMs` minus
 *   up to 2.5 % jitter, so they do not all reconnect at once;
 * - new connections go to the longest waiter (FIFO), not to whoever triggered them;
 * - after `failureThreshold` failed connects in a row the circuit opens: callers fail fast with
 *   CAREPOOL_DB_UNAVAILABLE instead of piling up connect timeouts, and one probe connect is let through per
 *   cool-down until the server answers again;
 * - `close()` refuses new callers, lets in-flight ones finish (bounded) and closes everything.
 */
export class Pool {
  readonly name: string;
  readonly #o: PoolOptions;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #observer: PoolObserver;
  readonly #idle: Slot[] = [];
  readonly #active = new Set<Slot>();
  readonly #waiters = new WaitQueue<Waiter>();
  readonly #housekeeper: NodeJS.Timeout;
  readonly #validationTimeoutMs: number;
  /** One timer for the whole queue: waiters share one timeout, so the earliest lane head expires first. */
  #expiry: NodeJS.Timeout | undefined;
  #connecting = 0;
  #closed = false;
  #drained: (() => void) | undefined;
  #failures = 0;
  #circuitOpenUntil = 0;
  #cooldownMs: number;
  #probing = false;
  #lastError: AppError | undefined;
  #acquired = 0;
  #created = 0;
  #destroyed = 0;
  #timeouts = 0;
  #createErrors = 0;
  #shed = 0;
  #statementTimeouts = 0;
  /** KILL connections in flight. */
  #killing = 0;
  /** Connections the client dropped whose server thread may still run: they count against `max`. */
  #dying = 0;
  /** Moving average of how long a connection is held (ms); 0 until the first one comes back. */
  #holdMs = 0;

  constructor(options: PoolOptions) {
    this.#o = options;
    this.name = options.name;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#observer = options.observer ?? {};
    this.#cooldownMs = options.circuitCooldownMs ?? 500;
    this.#validationTimeoutMs = Math.max(50, Math.min(1000, Math.floor(options.acquireTimeoutMs / 2)));
    this.#housekeeper = setInterval(() => this.#housekeep(), options.housekeepingMs ?? 1000);
    this.#housekeeper.unref();
    this.#fill();
  }

  /** Current gauges and counters. */
  stats(): PoolStats {
    return {
      name: this.name,
      max: this.#o.max,
      min: this.#o.min,
      total: this.#total(),
      active: this.#active.size,
      idle: this.#idle.length,
      waiting: this.#waiters.size,
      connecting: this.#connecting,
      acquired: this.#acquired,
      created: this.#created,
      destroyed: this.#destroyed,
      timeouts: this.#timeouts,
      createErrors: this.#createErrors,
      shed: this.#shed,
      statementTimeouts: this.#statementTimeouts,
      circuit: this.#circuitOpen() ? 'open' : 'closed',
    };
  }

  /** The last connect error, while the circuit is open (for health views). */
  get lastError(): AppError | undefined {
    return this.#circuitOpen() ? this.#lastError : undefined;
  }

  /**
   * Borrows a connection. Resolves with a validated connection, or rejects with CAREPOOL_DB_POOL_TIMEOUT,
   * CAREPOOL_DB_UNAVAILABLE (circuit open), CAREPOOL_DB_POOL_CLOSED or the connect error itself.
   * @param label shown in leak warnings (e.g. the route).
   * @param urgent served before every other waiter: for short writes that queued requests depend on (the
   *   audit trail's batches), which must not wait behind those requests.
   */
  acquire(label?: string, urgent = false): Promise<PooledConnection> {
    // Not `async`: an async function returning the waiter's promise adds two promise jobs to every
    // hand-off from a released connection to a queued caller, which bench/pool measured at 64 callers.
    try {
      return this.#acquireFrom(this.#now(), label, urgent);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #acquireFrom(start: number, label: string | undefined, urgent: boolean): Promise<PooledConnection> {
    if (this.#closed) throw this.#closedError();
    while (this.#idle.length > 0) {
      const slot = this.#idle.pop() as Slot;
      if (slot.conn.broken) {
        this.#destroy(slot, 'broken');
        continue;
      }
      if (start >= slot.retireAt) {
        this.#destroy(slot, 'lifetime');
        continue;
      }
      this.#checkout(slot, label);
      if (start - slot.lastUsedAt > this.#o.validationIdleMs)
        return this.#validate(slot, start, label, urgent);
      return Promise.resolve(this.#lend(slot, start));
    }
    if (this.#circuitOpen() && this.#probing) throw this.#unavailableError();
    if (this.#circuitOpen() && this.#now() < this.#circuitOpenUntil) throw this.#unavailableError();
    if (!urgent && this.#waiters.size >= this.#waitLimit()) {
      this.#shed++;
      throw this.#saturatedError();
    }
    return new Promise<PooledConnection>((resolve, reject) => {
      this.#waiters.push(
        { start, deadline: start + this.#o.acquireTimeoutMs, label, resolve, reject },
        urgent,
      );
      this.#armExpiry();
      this.#fill();
    });
  }

  /**
   * How many callers may queue: no more than the pool can serve within the acquire timeout at the recent
   * hold time (a FIFO queue position q waits about q × hold ÷ max), and never more than `maxWaiting`. A
   * caller beyond that would only time out later while holding memory and a socket: refuse it now.
   */
  #waitLimit(): number {
    const cap = this.#o.maxWaiting ?? this.#o.max * 50;
    if (this.#holdMs <= 0) return cap;
    const servable = Math.floor((this.#o.max * this.#o.acquireTimeoutMs) / this.#holdMs);
    return Math.min(cap, Math.max(this.#o.max, servable));
  }

  /** The client-side deadline of one statement on a lent connection (0: none). */
  get statementTimeoutMs(): number {
    const ms = this.#o.statementTimeoutMs ?? 0;
    return ms > 0 ? ms + CLIENT_TIMEOUT_GRACE_MS : 0;
  }

  /**
   * @internal called by {@link Lease} when the client-side statement timer dropped a connection: the server
   * may still be running the statement, so ask it to stop (at most two KILLs in flight per pool).
   */
  statementTimedOut(threadId: number): void {
    this.#statementTimeouts++;
    // Until the server thread is gone, it still holds one of the server's connections: count it (and the
    // KILL's own connection) against `max`, so the pool never has more than `max` on the server.
    this.#dying++;
    const settled = () => {
      this.#dying--;
      this.#fill();
    };
    const kill = this.#o.kill;
    if (kill === undefined || this.#killing >= 2 || this.#closed) {
      // No KILL now: the server's own statement timeout ends it; give it that long.
      setTimeout(settled, this.#o.statementTimeoutMs ?? 0).unref();
      return;
    }
    this.#killing++;
    kill(threadId)
      .catch(() => undefined)
      .finally(() => {
        this.#killing--;
        settled();
      });
  }

  #lend(slot: Slot, start: number): PooledConnection {
    this.#acquired++;
    this.#observer.acquired?.(this.#now() - start);
    return new Lease(this, slot);
  }

  /** Pings a connection idle for longer than `validationIdleMs` before lending it; a dead one is replaced. */
  async #validate(
    slot: Slot,
    start: number,
    label: string | undefined,
    urgent: boolean,
  ): Promise<PooledConnection> {
    try {
      await slot.conn.ping(this.#validationTimeoutMs);
    } catch {
      this.#active.delete(slot);
      this.#destroy(slot, 'validation');
      if (this.#closed) throw this.#closedError();
      if (this.#now() - start >= this.#o.acquireTimeoutMs) {
        this.#fill();
        throw this.#timeoutError(this.#now() - start);
      }
      return this.#acquireFrom(start, label, urgent);
    }
    return this.#lend(slot, start);
  }

  #armExpiry(): void {
    if (this.#expiry !== undefined) return;
    const head = this.#waiters.peekEarliest();
    if (head === undefined) return;
    this.#expiry = setTimeout(() => this.#expire(), Math.max(0, head.deadline - this.#now()));
  }

  /** Fails every waiter at the head of the queue whose deadline has passed, then re-arms for the next. */
  #expire(): void {
    this.#expiry = undefined;
    const now = this.#now();
    for (
      let head = this.#waiters.peekEarliest();
      head !== undefined && head.deadline <= now;
      head = this.#waiters.peekEarliest()
    ) {
      this.#waiters.shiftEarliest();
      const waited = now - head.start;
      this.#timeouts++;
      this.#observer.timedOut?.(waited);
      head.reject(this.#timeoutError(waited));
    }
    this.#armExpiry();
  }

  #stopExpiry(): void {
    clearTimeout(this.#expiry);
    this.#expiry = undefined;
  }

  /**
   * Runs `fn` with a borrowed connection and always gives it back; a connection whose query broke it is
   * closed instead of returned.
   */
  async withConnection<T>(
    fn: (conn: PooledConnection) => Promise<T>,
    label?: string,
    urgent = false,
  ): Promise<T> {
    const conn = await this.acquire(label, urgent);
    try {
      return await fn(conn);
    } finally {
      conn.release();
    }
  }

  /**
   * Stops lending, rejects waiters, closes idle connections, waits up to `drainMs` for borrowed ones to come
   * back, then closes the rest.
   */
  async close(drainMs = 5000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#housekeeper);
    this.#stopExpiry();
    for (const waiter of this.#waiters.drain()) waiter.reject(this.#closedError());
    const closing = this.#idle.splice(0).map((slot) => this.#close(slot, 'closed'));
    if (this.#active.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, drainMs);
        timer.unref();
        this.#drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    for (const slot of [...this.#active]) {
      this.#active.delete(slot);
      this.#destroy(slot, 'closed');
    }
    await Promise.all(closing);
  }

  /** @internal called by {@link Lease}. */
  giveBack(slot: Slot, discard: boolean): void {
    if (!this.#active.delete(slot)) return;
    const now = this.#now();
    const held = now - slot.checkedOutAt;
    this.#holdMs = this.#holdMs === 0 ? held : this.#holdMs * 0.9 + held * 0.1;
    this.#observer.released?.(held);
    if (this.#closed) {
      this.#destroy(slot, 'closed');
      if (this.#active.size === 0) this.#drained?.();
      return;
    }
    if (discard || slot.conn.broken) {
      this.#destroy(slot, discard ? 'discarded' : 'broken');
      this.#fill();
      return;
    }
    if (now >= slot.retireAt) {
      this.#destroy(slot, 'lifetime');
      this.#fill();
      return;
    }
    slot.lastUsedAt = now;
    this.#offer(slot);
  }

  /** @internal */
  wrapError(error: unknown): AppError {
    return this.#o.wrapError(error);
  }

  #total(): number {
    return this.#idle.length + this.#active.size + this.#connecting + this.#dying + this.#killing;
  }

  #checkout(slot: Slot, label: string | undefined): void {
    slot.checkedOutAt = this.#now();
    slot.label = label;
    slot.leakReported = false;
    this.#active.add(slot);
  }

  #offer(slot: Slot): void {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) {
      this.#idle.push(slot);
      return;
    }
    if (this.#waiters.size === 0) this.#stopExpiry();
    this.#checkout(slot, waiter.label);
    waiter.resolve(this.#lend(slot, waiter.start));
  }

  #circuitOpen(): boolean {
    return this.#circuitOpenUntil > 0;
  }

  /** Opens connections for waiters (and up to `min`), never beyond `max`. */
  #fill(): void {
    if (this.#closed) return;
    if (this.#circuitOpen()) {
      // One probe per cool-down while the target looks down.
      if (this.#probing || this.#now() < this.#circuitOpenUntil || this.#waiters.size === 0) return;
      this.#probing = true;
      this.#create(true);
      return;
    }
    while (
      this.#total() < this.#o.max &&
      (this.#waiters.size > this.#connecting || this.#total() < this.#o.min)
    ) {
      this.#create(false);
    }
  }

  #create(probe: boolean): void {
    this.#connecting++;
    const started = this.#now();
    this.#o.open().then(
      (conn) => {
        this.#connecting--;
        if (probe) this.#probing = false;
        this.#failures = 0;
        if (this.#circuitOpen()) {
          this.#circuitOpenUntil = 0;
          this.#cooldownMs = this.#o.circuitCooldownMs ?? 500;
          this.#observer.circuit?.('closed', undefined);
        }
        const now = this.#now();
        this.#created++;
        this.#observer.created?.(now - started);
        const lifetime = this.#o.maxLifetimeMs;
        const slot: Slot = {
          conn,
          retireAt:
            lifetime > 0
              ? now + lifetime - Math.floor(this.#random() * lifetime * 0.025)
              : Number.POSITIVE_INFINITY,
          lastUsedAt: now,
          checkedOutAt: 0,
          label: undefined,
          leakReported: false,
        };
        conn.onBroken(() => {
          const at = this.#idle.indexOf(slot);
          if (at >= 0) {
            this.#idle.splice(at, 1);
            this.#destroy(slot, 'broken');
            this.#fill();
          }
        });
        if (this.#closed) {
          this.#destroy(slot, 'closed');
          return;
        }
        this.#offer(slot);
        this.#fill();
      },
      (error: unknown) => {
        this.#connecting--;
        if (probe) this.#probing = false;
        this.#createErrors++;
        this.#failures++;
        const wrapped = this.#o.wrapError(error);
        this.#lastError = wrapped;
        this.#observer.createFailed?.(wrapped);
        const threshold = this.#o.failureThreshold ?? 3;
        const wasOpen = this.#circuitOpen();
        if (wasOpen && !probe) return; // a late failure of a connect started before the circuit opened
        if (this.#failures >= threshold) {
          // Back off only when a probe fails, not for every connect that was already in flight.
          if (wasOpen) this.#cooldownMs = Math.min(this.#cooldownMs * 2, 5000);
          this.#circuitOpenUntil = this.#now() + this.#cooldownMs;
          if (!wasOpen) this.#observer.circuit?.('open', wrapped);
          // The target looks down: everyone queued fails now rather than at the acquire timeout.
          this.#stopExpiry();
          for (const waiter of this.#waiters.drain()) waiter.reject(wrapped);
          return;
        }
        this.#waiters.shift()?.reject(wrapped);
        this.#fill();
      },
    );
  }

  #destroy(slot: Slot, reason: DestroyReason): void {
    this.#destroyed++;
    this.#observer.destroyed?.(reason);
    if (reason === 'broken' || reason === 'validation' || reason === 'discarded') slot.conn.destroy();
    else void slot.conn.close();
  }

  #close(slot: Slot, reason: DestroyReason): Promise<void> {
    this.#destroyed++;
    this.#observer.destroyed?.(reason);
    return slot.conn.close();
  }

  #housekeep(): void {
    const now = this.#now();
    // LIFO lending leaves the least recently used connections at the bottom of the stack: evict from there.
    for (let i = 0; i < this.#idle.length && this.#idle.length > this.#o.min;) {
      const slot = this.#idle[i] as Slot;
      const idleTooLong = this.#o.idleTimeoutMs > 0 && now - slot.lastUsedAt > this.#o.idleTimeoutMs;
      if (idleTooLong || now >= slot.retireAt || slot.conn.broken) {
        this.#idle.splice(i, 1);
        this.#destroy(slot, slot.conn.broken ? 'broken' : idleTooLong ? 'idle' : 'lifetime');
      } else i++;
    }
    if (this.#o.leakDetectionMs > 0) {
      for (const slot of this.#active) {
        const held = now - slot.checkedOutAt;
        if (!slot.leakReported && held > this.#o.leakDetectionMs) {
          slot.leakReported = true;
          this.#observer.leak?.({ threadId: slot.conn.threadId, heldMs: held, label: slot.label });
        }
      }
    }
    this.#fill();
  }

  #timeoutError(waitedMs: number): AppError {
    return poolTimeoutError(this.stats(), this.#o.acquireTimeoutMs, waitedMs);
  }

  #unavailableError(): AppError {
    return poolUnavailableError(this.name, this.#lastError, this.#cooldownMs);
  }

  #saturatedError(): AppError {
    return poolSaturatedError(this.stats(), this.#holdMs, this.#o.acquireTimeoutMs);
  }

  #closedError(): AppError {
    return poolClosedError(this.name);
  }
}
