/** Bounds of {@link retryOnConflict}. */
export interface ConflictRetryOptions {
  /** Tries in all (the first run included). Default 4. */
  readonly attempts?: number;
  /** Base of the exponential backoff, ms; each wait is uniformly jittered in [0, base * 2^n]. Default 20. */
  readonly baseMs?: number;
  /** Cap of one wait, ms. Default 250. */
  readonly maxMs?: number;
}

const retries = new Map<string, number>();
const exhausted = new Map<string, number>();

/**
 * True for a deadlock / certification conflict: MySQL error 1213 (SQLSTATE 40001). On Galera a write-set
 * that loses certification at COMMIT (another node committed a conflicting change first) or a local
 * transaction aborted by a replicated one (brute-force abort) surfaces as this error; so does an ordinary
 * InnoDB deadlock. In every case the server has rolled the whole transaction back.
 */
export function isConflict(error: unknown): boolean {
  const e = error as { errno?: number; meta?: { errno?: unknown }; cause?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.errno === 1213 || e.meta?.errno === 1213) return true;
  return e.cause !== undefined && e.cause !== error && isConflict(e.cause);
}

/**
 * Runs `transaction` (one whole transaction: BEGIN ... COMMIT inside `fn`) again when it fails with a
 * conflict ({@link isConflict}), up to `attempts` times with jittered exponential backoff, and counts the
 * retries per target for `/metrics`. Safe because a conflicting transaction was rolled back entirely and
 * every carepool write path (its idempotency key included) is one transaction. Anything else, and the last
 * conflict, is thrown unchanged.
 */
export async function retryOnConflict<T>(
  target: string,
  transaction: () => Promise<T>,
  options: ConflictRetryOptions = {},
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 4);
  const base = options.baseMs ?? 20;
  const cap = options.maxMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (!isConflict(error)) throw error;
      if (attempt >= attempts) {
        exhausted.set(target, (exhausted.get(target) ?? 0) + 1);
        throw error;
      }
      retries.set(target, (retries.get(target) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(cap, base * 2 ** (attempt - 1))));
    }
  }
}

/** Retries and give-ups so far, per target (read by the metrics at scrape time). */
export function conflictCounts(): {
  readonly retries: ReadonlyMap<string, number>;
  readonly exhausted: ReadonlyMap<string, number>;
} {
  return { retries, exhausted };
}
