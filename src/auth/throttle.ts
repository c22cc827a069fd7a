import { sql } from '../db/sql.js';
import type { TargetRegistry } from '../db/targets.js';
import { readFirst, writeEverywhere } from './replicate.js';

/**
 * Sign-in throttling policy:
 * - per (user name as typed, client address): from the `perName`-th consecutive failure on, that address
 *   waits 2^k seconds (k = 1, 2, 3 …, capped at `maxWaitS`) before it may try that name again;
 * - per address, across all names: from the `perAddress`-th failure on, the same back-off for every name;
 * - failures older than `windowS` are forgotten (the count restarts at 1).
 * A success clears the (name, address) row; `carepool users unlock NAME` clears every row of the name.
 */
export const THROTTLE = { perName: 5, perAddress: 50, maxWaitS: 900, windowS: 3600 } as const;

/** The throttle policy's numbers (see {@link THROTTLE}); tests pass smaller ones. */
export type ThrottlePolicy = { readonly [K in keyof typeof THROTTLE]: number };

/** The pseudo user name of the per-address row. */
const ANY = '*';

/**
 * Sign-in throttling in the database (`carepool_login_throttle`), so every app instance behind one address
 * applies the same waits. Keyed by the name as typed, whether or not such a user exists: an unknown name is
 * throttled exactly like a real one, so the answer never reveals which accounts exist, and one address's
 * failures never block another address (no lockout anyone can trigger against anyone). Rows are written to
 * every target (like users) and read from the first that answers.
 */
export class SignInThrottle {
  readonly #registry: TargetRegistry;
  readonly #policy: ThrottlePolicy;

  constructor(registry: TargetRegistry, policy: ThrottlePolicy = THROTTLE) {
    this.#registry = registry;
    this.#policy = policy;
  }

  /** Seconds `client` must still wait before trying `username`, or 0 when it may try now. */
  async waitS(username: string, client: string): Promise<number> {
    const { rows } = await readFirst(this.#registry, (c) =>
      c.query<{ wait_ms: number | string | null }>(
        sql`SELECT MAX(TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(3), blocked_until)) DIV 1000 AS wait_ms
            FROM carepool_login_throttle
            WHERE client = ${key(client)} AND username IN (${key(username)}, ${ANY}) AND blocked_until > UTC_TIMESTAMP(3)`,
      ),
    );
    const ms = Number(rows[0]?.wait_ms ?? 0);
    return ms > 0 ? Math.ceil(ms / 1000) : 0;
  }

  /** Records a failed sign-in of `username` from `client` (and for the address as a whole). */
  async failed(username: string, client: string): Promise<void> {
    const p = this.#policy;
    const bump = (name: string, threshold: number) => sql`
      INSERT INTO carepool_login_throttle (username, client, failures, last_failure_at, blocked_until)
      VALUES (${name}, ${key(client)}, 1, UTC_TIMESTAMP(3), ${threshold <= 1 ? sql`UTC_TIMESTAMP(3) + INTERVAL 2 SECOND` : sql`NULL`})
      ON DUPLICATE KEY UPDATE
        failures = IF(last_failure_at < UTC_TIMESTAMP(3) - INTERVAL ${p.windowS} SECOND, 1, failures + 1),
        last_failure_at = UTC_TIMESTAMP(3),
        blocked_until = IF(failures >= ${threshold},
          UTC_TIMESTAMP(3) + INTERVAL LEAST(POW(2, failures - ${threshold} + 1), ${p.maxWaitS}) SECOND,
          blocked_until)`;
    await writeEverywhere(this.#registry, 'failed sign-in', async (tx) => {
      await tx.query(bump(key(username), p.perName));
      await tx.query(bump(ANY, p.perAddress));
    });
  }

  /** A successful sign-in: the (name, address) count starts again (the per-address count does not). */
  async succeeded(username: string, client: string): Promise<void> {
    await writeEverywhere(this.#registry, 'sign-in', async (tx) => {
      await tx.query(
        sql`DELETE FROM carepool_login_throttle WHERE username = ${key(username)} AND client = ${key(client)}`,
      );
    });
  }

  /** Clears every wait and count of `username` from every address (`carepool users unlock`). */
  async unlock(username: string): Promise<readonly string[]> {
    return writeEverywhere(this.#registry, `unlock of "${username}"`, async (tx) => {
      await tx.query(sql`DELETE FROM carepool_login_throttle WHERE username = ${key(username)}`);
    });
  }
}

/** Names and addresses as stored: lower-case names (user names are), at most 64 characters. */
function key(text: string): string {
  return text.toLowerCase().slice(0, 64);
}
