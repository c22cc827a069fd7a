import type { AppError } from '../../errors/index.js';
import { AbandonedThreads } from './abandoned.js';
import { Circuit } from './circuit.js';
import { evictIdle, reportLeaks, untilOrTimeout } from './housekeeping.js';
import { Lease, newSlot, type PooledConnection, type Slot } from './lease.js';
import type { DestroyReason, PoolObserver } from './observer.js';
import { CLIENT_TIMEOUT_GRACE_MS, type PoolOptions, type PoolStats } from './pool-options.js';
import {
  poolClosedError,
  poolSaturatedError,
  poolTimeoutError,
  poolUnavailableError,
} from './pool-errors.js';
import { Waiters, waitLimit } from './waiters.js';

export { CLIENT_TIMEOUT_GRACE_MS, type PoolOptions, type PoolStats } from './pool-options.js';
export type { PooledConnection } from './lease.js';

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
  readonly #waiters: Waiters;
  readonly #circuit: Circuit;
  readonly #housekeeper: NodeJS.Timeout;
  readonly #validationTimeoutMs: number;
  /** The most connections now: the configured `max`, or less while the fleet's share is smaller. */
  #max: number;
  #connecting = 0;
  #closed = false;
  #drained: (() => void) | undefined;
  #lastError: AppError | undefined;
  /** The counters {@link stats} reports. */
  readonly #count = {
    acquired: 0,
    created: 0,
    destroyed: 0,
    timeouts: 0,
    createErrors: 0,
    shed: 0,
    statementTimeouts: 0,
  };
  /** Connections the client dropped whose server thread may still run: they count against `max`. */
  readonly #abandoned: AbandonedThreads;
  /** Moving average of how long a connection is held (ms); 0 until the first one comes back. */
  #holdMs = 0;

  constructor(options: PoolOptions) {
    this.#o = options;
    this.name = options.name;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#observer = options.observer ?? {};
    this.#max = options.max;
    this.#circuit = new Circuit(options.failureThreshold ?? 3, options.circuitCooldownMs ?? 500);
    this.#waiters = new Waiters(this.#now, (waiter, waited) => {
      this.#count.timeouts++;
      this.#observer.timedOut?.(waited);
      waiter.reject(this.#timeoutError(waited));
    });
    this.#validationTimeoutMs = Math.max(50, Math.min(1000, Math.floor(options.acquireTimeoutMs / 2)));
    this.#abandoned = new AbandonedThreads(options.kill, options.statementTimeoutMs ?? 0, () => this.#fill());
    this.#housekeeper = setInterval(() => this.#housekeep(), options.housekeepingMs ?? 1000);
    this.#housekeeper.unref();
    this.#fill();
  }

  /**
   * Changes the most connections the pool holds, clamped to 1 ..the configured `max` (the fleet's share of
   * the server's `max_connections`, src/fleet/). Shrinking closes idle connections at once and lent ones as
   * they come back; growing serves waiters at once.
   */
  resize(max: number): void {
    const next = Math.max(1, Math.min(this.#o.max, Math.floor(max)));
    if (next === this.#max || this.#closed) return;
    this.#max = next;
    while (this.#total() > this.#max && this.#idle.length > 0)
      this.#destroy(this.#idle.shift() as Slot, 'resized');
    this.#fill();
  }

  /** Current gauges and counters. */
  stats(): PoolStats {
    return {
      name: this.name,
      max: this.#max,
      min: this.#o.min,
      total: this.#total(),
      active: this.#active.size,
      idle: this.#idle.length,
      waiting: this.#waiters.size,
      connecting: this.#connecting,
      ...this.#count,
      circuit: this.#circuit.open ? 'open' : 'closed',
    };
  }

  /** The last connect error, while the circuit is open (for health views). */
  get lastError(): AppError | undefined {
    return this.#circuit.open ? this.#lastError : undefined;
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
      if (slot.conn.broken || start >= slot.retireAt) {
        this.#destroy(slot, slot.conn.broken ? 'broken' : 'lifetime');
        continue;
      }
      this.#checkout(slot, label);
      if (start - slot.lastUsedAt > this.#o.validationIdleMs)
        return this.#validate(slot, start, label, urgent);
      return Promise.resolve(this.#lend(slot, start));
    }
    if (this.#circuit.refuses(this.#now())) throw this.#unavailableError();
    if (!urgent && this.#waiters.size >= waitLimit(this.#max, this.#o, this.#holdMs)) {
      this.#count.shed++;
      throw this.#saturatedError();
    }
    return new Promise<PooledConnection>((resolve, reject) => {
      this.#waiters.push(
        { start, deadline: start + this.#o.acquireTimeoutMs, label, resolve, reject },
        urgent,
      );
      this.#fill();
    });
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
    this.#count.statementTimeouts++;
    this.#abandoned.add(threadId, this.#closed);
  }

  #lend(slot: Slot, start: number): PooledConnection {
    this.#count.acquired++;
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
    for (const waiter of this.#waiters.drain()) waiter.reject(this.#closedError());
    const closing = this.#idle.splice(0).map((slot) => this.#close(slot, 'closed'));
    if (this.#active.size > 0) await untilOrTimeout(drainMs, (done) => (this.#drained = done));
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
    if (now >= slot.retireAt || this.#total() >= this.#max) {
      this.#destroy(slot, now >= slot.retireAt ? 'lifetime' : 'resized');
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
    return this.#idle.length + this.#active.size + this.#connecting + this.#abandoned.count;
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
    this.#checkout(slot, waiter.label);
    waiter.resolve(this.#lend(slot, waiter.start));
  }

  /** Opens connections for waiters (and up to `min`), never beyond `max`. */
  #fill(): void {
    if (this.#closed) return;
    if (this.#circuit.open) {
      // One probe per cool-down while the target looks down.
      if (!this.#circuit.mayProbe(this.#now()) || this.#waiters.size === 0) return;
      this.#circuit.startProbe();
      this.#create(true);
      return;
    }
    while (
      this.#total() < this.#max &&
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
        if (this.#circuit.succeeded(probe)) this.#observer.circuit?.('closed', undefined);
        const now = this.#now();
        this.#count.created++;
        this.#observer.created?.(now - started);
        const slot = newSlot(conn, now, this.#o.maxLifetimeMs, this.#random);
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
        this.#count.createErrors++;
        const wrapped = this.#o.wrapError(error);
        this.#lastError = wrapped;
        this.#observer.createFailed?.(wrapped);
        const outcome = this.#circuit.failed(probe, this.#now());
        if (outcome === 'ignored') return; // a late failure of a connect started before the circuit opened
        if (outcome !== 'counted') {
          if (outcome === 'opened') this.#observer.circuit?.('open', wrapped);
          // The target looks down: everyone queued fails now rather than at the acquire timeout.
          for (const waiter of this.#waiters.drain()) waiter.reject(wrapped);
          return;
        }
        this.#waiters.shift()?.reject(wrapped);
        this.#fill();
      },
    );
  }

  #destroy(slot: Slot, reason: DestroyReason): void {
    this.#count.destroyed++;
    this.#observer.destroyed?.(reason);
    if (reason === 'broken' || reason === 'validation' || reason === 'discarded') slot.conn.destroy();
    else void slot.conn.close();
  }

  #close(slot: Slot, reason: DestroyReason): Promise<void> {
    this.#count.destroyed++;
    this.#observer.destroyed?.(reason);
    return slot.conn.close();
  }

  #housekeep(): void {
    const now = this.#now();
    evictIdle(this.#idle, this.#o, now, (slot, reason) => this.#destroy(slot, reason));
    reportLeaks(this.#active, this.#o.leakDetectionMs, now, this.#observer);
    this.#fill();
  }

  #timeoutError = (waitedMs: number): AppError =>
    poolTimeoutError(this.stats(), this.#o.acquireTimeoutMs, waitedMs);
  #unavailableError = (): AppError =>
    poolUnavailableError(this.name, this.#lastError, this.#circuit.cooldownMs);
  #saturatedError = (): AppError => poolSaturatedError(this.stats(), this.#holdMs, this.#o.acquireTimeoutMs);
  #closedError = (): AppError => poolClosedError(this.name);
}
