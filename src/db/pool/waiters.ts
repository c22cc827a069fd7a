import type { PooledConnection } from './lease.js';
import { WaitQueue } from './wait-queue.js';

/** One caller queued for a connection. */
export interface Waiter {
  readonly start: number;
  readonly deadline: number;
  readonly label: string | undefined;
  resolve(lease: PooledConnection): void;
  reject(error: unknown): void;
}

/**
 * The pool's queue of callers with their acquire deadlines: one timer for the whole queue (waiters share one
 * timeout, so the earliest lane head expires first), re-armed as heads expire.
 */
export class Waiters {
  readonly #queue = new WaitQueue<Waiter>();
  readonly #now: () => number;
  readonly #expired: (waiter: Waiter, waitedMs: number) => void;
  #timer: NodeJS.Timeout | undefined;

  /** @param expired called for each waiter whose deadline passed, after it left the queue. */
  constructor(now: () => number, expired: (waiter: Waiter, waitedMs: number) => void) {
    this.#now = now;
    this.#expired = expired;
  }

  get size(): number {
    return this.#queue.size;
  }

  /** Queues a caller in its lane and makes sure its deadline is watched. */
  push(waiter: Waiter, urgent: boolean): void {
    this.#queue.push(waiter, urgent);
    this.#arm();
  }

  /** The next caller to serve (urgent first), removed; the timer stops when the queue empties. */
  shift(): Waiter | undefined {
    const waiter = this.#queue.shift();
    if (waiter !== undefined && this.#queue.size === 0) this.#stop();
    return waiter;
  }

  /** Removes every caller (urgent first) and stops the timer. */
  drain(): Waiter[] {
    this.#stop();
    return this.#queue.drain();
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    const head = this.#queue.peekEarliest();
    if (head === undefined) return;
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, head.deadline - this.#now()));
  }

  /** Fails every waiter at the head of the queue whose deadline has passed, then re-arms for the next. */
  #expire(): void {
    this.#timer = undefined;
    const now = this.#now();
    for (
      let head = this.#queue.peekEarliest();
      head !== undefined && head.deadline <= now;
      head = this.#queue.peekEarliest()
    ) {
      this.#queue.shiftEarliest();
      this.#expired(head, now - head.start);
    }
    this.#arm();
  }

  #stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * How many callers may queue: no more than the pool can serve within the acquire timeout at the recent hold
 * time `holdMs` (a FIFO queue position q waits about q × hold ÷ max), and never more than `maxWaiting`
 * (default 50 × max). A caller beyond that would only time out later while holding memory and a socket.
 */
export function waitLimit(
  max: number,
  settings: { readonly acquireTimeoutMs: number; readonly maxWaiting?: number },
  holdMs: number,
): number {
  const cap = settings.maxWaiting ?? max * 50;
  if (holdMs <= 0) return cap;
  const servable = Math.floor((max * settings.acquireTimeoutMs) / holdMs);
  return Math.min(cap, Math.max(max, servable));
}
