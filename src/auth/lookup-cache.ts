/** Options of {@link LookupCache}. */
export interface LookupCacheOptions {
  /** How long a looked-up value is trusted, counted from the moment its lookup started. */
  readonly ttlMs: number;
  readonly now?: () => number;
  /** Entries kept at most; past it the cache starts afresh (a crude bound against unbounded keys). */
  readonly maxEntries?: number;
}

interface Entry<V> {
  readonly value: V;
  readonly until: number;
}

/**
 * A short-lived cache of identity lookups (token → principal, user name → user row) that keeps sign-in
 * checks off the database hot path, also under load:
 * - a value is trusted for `ttlMs` from the start of the lookup that produced it, never longer, so a
 *   revocation written elsewhere takes effect within `ttlMs`;
 * - concurrent misses of one key share one lookup: when an entry expires under load, one query runs, not
 *   one per waiting request (a stampede that queued hundreds of lookups behind a saturated pool);
 * - a hit in the last fifth of an entry's life starts a refresh in the background, so steady traffic never
 *   waits for a lookup at all.
 * Written here because it is a few lines tied to these semantics: lru-cache's `fetchMethod` shares
 * concurrent fetches, but starts a value's TTL when the value arrives and refreshes only once it is stale
 * (serving it past its TTL with `allowStale`), which would stretch the revocation bound.
 */
export class LookupCache<V> {
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #max: number;
  readonly #entries = new Map<string, Entry<V>>();
  readonly #inflight = new Map<string, Promise<V>>();

  constructor(options: LookupCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
    this.#max = options.maxEntries ?? 10_000;
  }

  /** The cached value of `key`, or the result of `load()` (shared with concurrent callers of the same key). */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.#now();
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.until > now) {
      if (entry.until - now < this.#ttlMs / 5 && !this.#inflight.has(key)) {
        // Background refresh; if it fails the entry simply expires and the next caller looks up again.
        this.#load(key, load).catch(() => undefined);
      }
      return Promise.resolve(entry.value);
    }
    return this.#inflight.get(key) ?? this.#load(key, load);
  }

  /** Forgets `key`, including a lookup in flight (its answer may predate the change that called this). */
  delete(key: string): void {
    this.#entries.delete(key);
    this.#inflight.delete(key);
  }

  /** Forgets everything, including lookups in flight. */
  clear(): void {
    this.#entries.clear();
    this.#inflight.clear();
  }

  #load(key: string, load: () => Promise<V>): Promise<V> {
    const started = this.#now();
    const pending = load().then(
      (value) => {
        if (this.#inflight.get(key) === pending) {
          this.#inflight.delete(key);
          if (this.#entries.size >= this.#max) this.#entries.clear();
          this.#entries.set(key, { value, until: started + this.#ttlMs });
        }
        return value;
      },
      (error: unknown) => {
        if (this.#inflight.get(key) === pending) this.#inflight.delete(key);
        throw error;
      },
    );
    this.#inflight.set(key, pending);
    return pending;
  }
}
