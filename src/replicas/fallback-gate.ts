import type { Target } from '../db/targets.js';
import { AppError } from '../errors/index.js';

/**
 * The cap on reads that fall back to the primary (every replica skipped, a read-your-writes wait timed
 * out, a replica read failed): at most `share` of the primary's pool at once (at least one), so writes keep
 * the rest. A read beyond the cap waits for a slot, first come first served, as long as it would wait for a
 * pool connection (the primary's acquire timeout), then gets 503 CAREPOOL_REPLICA_FALLBACK_SATURATED: the
 * primary queues a burst as it would without replicas, instead of refusing it the moment they die.
 */
export class FallbackGate {
  readonly #primary: Target;
  readonly #share: number;
  #held = 0;
  readonly #waiters: (() => void)[] = [];
  /** Reads refused because no slot freed in time. */
  refused = 0;

  constructor(primary: Target, share: number) {
    this.#primary = primary;
    this.#share = Math.min(1, Math.max(0, share));
  }

  /** Most fallback reads at once: the share of the primary's pool as sized now, at least one. */
  cap(): number {
    return Math.max(1, Math.floor(this.#primary.pool.stats().max * this.#share));
  }

  /** Runs `fn` holding a slot (waiting for one if the cap is reached). */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#held >= this.cap()) await this.#slotFreed();
    else this.#held++;
    try {
      return await fn();
    } finally {
      // Handed over, not freed: a newcomer must not take the slot before the read that waited for it.
      const next = this.#waiters.shift();
      if (next) next();
      else this.#held--;
    }
  }

  #slotFreed(): Promise<void> {
    const waitMs = this.#primary.config.pool.acquireTimeoutMs;
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const at = this.#waiters.indexOf(grant);
        if (at >= 0) this.#waiters.splice(at, 1);
        this.refused++;
        const { name } = this.#primary;
        const cap = this.cap();
        reject(
          new AppError(
            'CAREPOOL_REPLICA_FALLBACK_SATURATED',
            `target "${name}": ${this.#held} reads already fall back to the primary (cap ${cap} of its ${this.#primary.pool.stats().max} connections) and none finished within ${waitMs} ms: no replica could serve this one`,
            { meta: { target: name, fallbacks: this.#held, cap, retryAfterS: 1 } },
          ),
        );
      }, waitMs);
      this.#waiters.push(grant);
    });
  }
}
