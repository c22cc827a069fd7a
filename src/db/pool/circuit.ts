/** The most an open circuit waits between probes, ms (reconnect backoff cap). */
export const MAX_COOLDOWN_MS = 5000;

/** What a failed connect did to the circuit. */
export type CircuitFailure =
  /** A connect started before the circuit opened failed late: nothing changes. */
  | 'ignored'
  /** Counted; still below the threshold. */
  | 'counted'
  /** The threshold was reached: the circuit opened; callers must fail fast until the cool-down ends. */
  | 'opened'
  /** A probe failed: the circuit stays open with a doubled cool-down. */
  | 'reopened';

/**
 * The pool's circuit breaker: after `threshold` failed connects in a row the target is considered down, and
 * only one probe connect is let through per cool-down, which doubles per failed probe up to 5 s (reconnect
 * with backoff), until a connect succeeds. Pure state: the pool decides what to do with waiters.
 */
export class Circuit {
  readonly #threshold: number;
  readonly #initialCooldownMs: number;
  #failures = 0;
  #openUntil = 0;
  #cooldownMs: number;
  #probing = false;

  constructor(threshold: number, cooldownMs: number) {
    this.#threshold = threshold;
    this.#initialCooldownMs = cooldownMs;
    this.#cooldownMs = cooldownMs;
  }

  /** True while the target is considered down. */
  get open(): boolean {
    return this.#openUntil > 0;
  }

  /** The current cool-down (how long callers are told to wait), ms. */
  get cooldownMs(): number {
    return this.#cooldownMs;
  }

  /** True when a caller must be refused at once rather than queued. */
  refuses(now: number): boolean {
    return this.open && (this.#probing || now < this.#openUntil);
  }

  /** True when the pool may start the one probe connect now (someone waits and the cool-down is over). */
  mayProbe(now: number): boolean {
    return !this.#probing && now >= this.#openUntil;
  }

  /** Marks a probe connect as started. */
  startProbe(): void {
    this.#probing = true;
  }

  /** A connect succeeded. Returns true when that closed an open circuit. */
  succeeded(probe: boolean): boolean {
    if (probe) this.#probing = false;
    this.#failures = 0;
    if (!this.open) return false;
    this.#openUntil = 0;
    this.#cooldownMs = this.#initialCooldownMs;
    return true;
  }

  /** A connect failed at `now`. */
  failed(probe: boolean, now: number): CircuitFailure {
    if (probe) this.#probing = false;
    this.#failures++;
    const wasOpen = this.open;
    if (wasOpen && !probe) return 'ignored';
    if (this.#failures < this.#threshold) return 'counted';
    // Back off only when a probe fails, not for every connect that was already in flight.
    if (wasOpen) this.#cooldownMs = Math.min(this.#cooldownMs * 2, MAX_COOLDOWN_MS);
    this.#openUntil = now + this.#cooldownMs;
    return wasOpen ? 'reopened' : 'opened';
  }
}
