import { ConnectionClient, type SqlClient } from '../db/client.js';
import type { Target, TargetRegistry } from '../db/targets.js';
import { AppError } from '../errors/index.js';

/**
 * Users and tokens are copied to every target, so that sign-in works while any one target answers. Writes
 * go to all targets and report which failed; reads take the first target (in configuration order) that
 * answers.
 */

/** Applies `write` on every target; throws CAREPOOL_AUTH_PARTIAL_WRITE naming the targets that failed. */
export async function writeEverywhere(
  registry: TargetRegistry,
  what: string,
  write: (tx: SqlClient, target: Target) => Promise<void>,
): Promise<readonly string[]> {
  const targets = registry.list();
  const results = await Promise.allSettled(targets.map((t) => t.sql.transaction((tx) => write(tx, t))));
  const failed = results.flatMap((r, i) =>
    r.status === 'rejected' ? [{ target: targets[i]?.name ?? '?', error: r.reason }] : [],
  );
  const done = targets.filter((_, i) => results[i]?.status === 'fulfilled').map((t) => t.name);
  if (failed.length > 0) {
    const first = failed[0]?.error;
    throw new AppError(
      'CAREPOOL_AUTH_PARTIAL_WRITE',
      `${what}: written to ${done.join(', ') || 'no target'}; failed on ${failed.map((f) => `${f.target} (${f.error instanceof AppError ? f.error.code : 'error'})`).join(', ')}`,
      { meta: { written: done, failed: failed.map((f) => f.target) }, cause: first },
    );
  }
  return done;
}

/**
 * Runs `read` on the first target that answers.
 * @param urgent borrow the connection in the pool's urgent lane: for the sign-in checks every request waits
 *   on, which must not queue behind the data requests of a saturated pool.
 */
export async function readFirst<T>(
  registry: TargetRegistry,
  read: (client: SqlClient) => Promise<T>,
  urgent = false,
): Promise<T> {
  let last: unknown;
  for (const target of registry.list()) {
    try {
      return urgent
        ? await target.pool.withConnection((conn) => read(new ConnectionClient(conn)), 'auth', true)
        : await read(target.sql);
    } catch (error) {
      last = error;
    }
  }
  throw new AppError(
    'CAREPOOL_AUTH_STORE_UNAVAILABLE',
    `no target answered (${registry.names().join(', ')})`,
    {
      cause: last,
      ...(last instanceof AppError ? { meta: { cause: last.code } } : {}),
    },
  );
}
