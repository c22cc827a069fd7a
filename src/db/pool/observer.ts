/** Why a pooled connection was closed. */
export type DestroyReason =
  | 'broken'
  | 'validation'
  | 'lifetime'
  | 'idle'
  | 'closed'
  | 'discarded'
  /** The pool shrank (the fleet's share of the server went down). */
  | 'resized';

/**
 * Hooks the pool calls as things happen, so metrics (prom-client), logs and the load sampler can watch it
 * without the pool knowing about any of them. Every hook must be cheap: some run on every acquire.
 */
export interface PoolObserver {
  /** A caller got a connection after waiting `waitMs`. */
  acquired?(waitMs: number): void;
  /** A caller gave a connection back after holding it `heldMs`. */
  released?(heldMs: number): void;
  /** A caller gave up after the acquire timeout. */
  timedOut?(waitMs: number): void;
  /** A new connection was opened in `ms`. */
  created?(ms: number): void;
  /** Opening a connection failed. */
  createFailed?(error: unknown): void;
  destroyed?(reason: DestroyReason): void;
  /** A connection has been held longer than the leak threshold (reported once per checkout). */
  leak?(info: {
    readonly threadId: number;
    readonly heldMs: number;
    readonly label: string | undefined;
  }): void;
  /** The circuit opened (target considered down) or closed again. */
  circuit?(state: 'open' | 'closed', error: unknown): void;
}

/**
 * Fans pool events out to any number of observers (metrics, logs, a running load sampler), which can come
 * and go while the pool lives.
 */
export class ObserverHub implements PoolObserver {
  readonly #observers = new Set<PoolObserver>();

  /** Adds an observer; returns a function that removes it. */
  add(observer: PoolObserver): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  acquired(waitMs: number): void {
    for (const o of this.#observers) o.acquired?.(waitMs);
  }
  released(heldMs: number): void {
    for (const o of this.#observers) o.released?.(heldMs);
  }
  timedOut(waitMs: number): void {
    for (const o of this.#observers) o.timedOut?.(waitMs);
  }
  created(ms: number): void {
    for (const o of this.#observers) o.created?.(ms);
  }
  createFailed(error: unknown): void {
    for (const o of this.#observers) o.createFailed?.(error);
  }
  destroyed(reason: DestroyReason): void {
    for (const o of this.#observers) o.destroyed?.(reason);
  }
  leak(info: {
    readonly threadId: number;
    readonly heldMs: number;
    readonly label: string | undefined;
  }): void {
    for (const o of this.#observers) o.leak?.(info);
  }
  circuit(state: 'open' | 'closed', error: unknown): void {
    for (const o of this.#observers) o.circuit?.(state, error);
  }
}
