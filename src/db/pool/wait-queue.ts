import { Deque } from './deque.js';

/**
 * The pool's waiters in two FIFO lanes: urgent ones (short bookkeeping writes such as audit batches, which
 * every waiting request depends on) are served before the rest, so they never queue behind the very requests
 * that wait for them. Each lane is FIFO with one shared timeout, so a lane's head expires first.
 */
export class WaitQueue<T extends { readonly deadline: number }> {
  readonly #urgent = new Deque<T>();
  readonly #normal = new Deque<T>();

  get size(): number {
    return this.#urgent.size + this.#normal.size;
  }

  /** Queues `item` in its lane. */
  push(item: T, urgent = false): void {
    (urgent ? this.#urgent : this.#normal).push(item);
  }

  /** The next waiter to serve (urgent first), removed. */
  shift(): T | undefined {
    return this.#urgent.shift() ?? this.#normal.shift();
  }

  /** The waiter whose deadline comes first, left in place. */
  peekEarliest(): T | undefined {
    return this.#earliestLane()?.peek();
  }

  /** Removes and returns the waiter whose deadline comes first. */
  shiftEarliest(): T | undefined {
    return this.#earliestLane()?.shift();
  }

  /** Removes and returns every waiter, urgent first. */
  drain(): T[] {
    return [...this.#urgent.drain(), ...this.#normal.drain()];
  }

  #earliestLane(): Deque<T> | undefined {
    const u = this.#urgent.peek();
    const n = this.#normal.peek();
    if (u === undefined) return n === undefined ? undefined : this.#normal;
    if (n === undefined) return this.#urgent;
    return u.deadline <= n.deadline ? this.#urgent : this.#normal;
  }
}
