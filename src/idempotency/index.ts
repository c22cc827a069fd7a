import { createHash } from 'node:crypto';
import type { SqlClient } from '../db/client.js';
import { sql } from '../db/sql.js';
import { AppError, isAppError } from '../errors/index.js';

/** A write's response, as stored for replay. */
export interface StoredResponse<T> {
  readonly status: number;
  readonly body: T;
  /** True when this is a replay of an earlier request with the same key. */
  readonly replayed: boolean;
}

/** Valid keys: what clients usually send (UUIDs, ULIDs, random strings). */
const KEY = /^[A-Za-z0-9._:-]{8,255}$/;

/** SHA-256 of what makes two requests "the same": method, path and body. */
export function fingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');
}

/** Checks an `Idempotency-Key` header value; CAREPOOL_VALIDATION when malformed. */
export function checkKey(key: string): string {
  if (!KEY.test(key)) {
    throw new AppError('CAREPOOL_VALIDATION', 'the Idempotency-Key header is malformed', {
      fields: { 'Idempotency-Key': '8-255 characters: letters, digits, . _ : -' },
    });
  }
  return key;
}

/**
 * Runs a write at most once per key. Inside `tx` (the write's own transaction): a stored response for the
 * key is replayed (a different request under the same key is refused with CAREPOOL_IDEMPOTENCY_MISMATCH);
 * otherwise `write` runs and its response is stored in the same transaction, so the write and its key
 * commit together or not at all. Two concurrent requests with one key collide on the unique key: the loser
 * gets CAREPOOL_IDEMPOTENCY_IN_PROGRESS (retry it, and it replays).
 */
export async function once<T>(
  tx: SqlClient,
  key: string,
  print: string,
  write: () => Promise<{ status: number; body: T }>,
): Promise<StoredResponse<T>> {
  const { rows } = await tx.query<{ fingerprint: string; status: number; body: string }>(
    sql`SELECT fingerprint, status, body FROM carepool_idempotency WHERE idem_key = ${key}`,
  );
  const stored = rows[0];
  if (stored) {
    if (stored.fingerprint !== print) {
      throw new AppError(
        'CAREPOOL_IDEMPOTENCY_MISMATCH',
        `Idempotency-Key "${key}" was already used for a different request`,
        {
          meta: { key },
        },
      );
    }
    return { status: stored.status, body: JSON.parse(stored.body) as T, replayed: true };
  }
  const result = await write();
  try {
    await tx.query(
      sql`INSERT INTO carepool_idempotency (idem_key, fingerprint, status, body) VALUES (${key}, ${print}, ${result.status}, ${JSON.stringify(result.body)})`,
    );
  } catch (error) {
    if (isAppError(error, 'CAREPOOL_DB_CONSTRAINT')) {
      throw new AppError(
        'CAREPOOL_IDEMPOTENCY_IN_PROGRESS',
        `another request with Idempotency-Key "${key}" is being processed`,
        {
          meta: { key, retryAfterS: 1 },
          cause: error,
        },
      );
    }
    throw error;
  }
  return { ...result, replayed: false };
}
