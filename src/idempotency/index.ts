import { createHash } from 'node:crypto';
import type { SqlClient } from '../db/client.js';
import { sql } from '../db/sql.js';
import { AppError, isAppError } from '../errors/index.js';

/** How long a key is kept and honoured when nothing is configured (`CAREPOOL_IDEMPOTENCY_TTL`): 24 hours. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

/** What a key remembers of its write: never the response body (it held PHI). */
export interface StoredWrite {
  readonly status: number;
  /** The id of the row the write created. */
  readonly resourceId: number;
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

const seconds = (ttlMs: number) => Math.max(1, Math.round(ttlMs / 1000));

/**
 * Runs a create at most once per key within `ttlMs`. Inside `tx` (the write's own transaction): a live key
 * answers with its stored status and row id (a different request under the same key is refused with
 * CAREPOOL_IDEMPOTENCY_MISMATCH); the caller re-reads that row through its normal access check. An expired
 * key is deleted and the write runs as new. Otherwise `write` runs and the key is stored in the same
 * transaction, so the write and its key commit together or not at all. Two concurrent requests with one key
 * collide on the unique key: the loser gets CAREPOOL_IDEMPOTENCY_IN_PROGRESS (retry it, and it replays).
 */
export async function once(
  tx: SqlClient,
  key: string,
  print: string,
  ttlMs: number,
  write: () => Promise<{ status: number; resourceId: number }>,
): Promise<StoredWrite> {
  const ttl = seconds(ttlMs);
  // A plain (non-locking) read first: under REPEATABLE READ a locking statement on a key that does not exist
  // (the old purge-at-use DELETE) takes a gap lock on the unique index, and two creates whose new keys fall
  // in the same gap then deadlock on their INSERTs (error 1213, seen under load in
  // test/reliability/failover.test.ts). Only an existing, expired key is deleted, which locks just that row.
  const { rows } = await tx.query<{
    fingerprint: string;
    status: number;
    resource_id: number | null;
    expired: number | string;
  }>(
    sql`SELECT fingerprint, status, resource_id, created_at < CURRENT_TIMESTAMP - INTERVAL ${ttl} SECOND AS expired FROM carepool_idempotency WHERE idem_key = ${key}`,
  );
  // Purge at use: an expired key is forgotten before it is looked up, so it can never replay.
  if (rows[0] && Number(rows[0].expired) === 1) {
    await tx.query(
      sql`DELETE FROM carepool_idempotency WHERE idem_key = ${key} AND created_at < CURRENT_TIMESTAMP - INTERVAL ${ttl} SECOND`,
    );
    rows.length = 0;
  }
  const stored = rows[0];
  if (stored) {
    if (stored.fingerprint !== print) {
      throw new AppError(
        'CAREPOOL_IDEMPOTENCY_MISMATCH',
        `Idempotency-Key "${key}" was already used for a different request`,
        { meta: { key } },
      );
    }
    if (stored.resource_id === null) throw gone(key, null, null);
    return { status: stored.status, resourceId: stored.resource_id, replayed: true };
  }
  const result = await write();
  try {
    await tx.query(
      sql`INSERT INTO carepool_idempotency (idem_key, fingerprint, status, resource_id) VALUES (${key}, ${print}, ${result.status}, ${result.resourceId})`,
    );
  } catch (error) {
    if (isAppError(error, 'CAREPOOL_DB_CONSTRAINT')) {
      throw new AppError(
        'CAREPOOL_IDEMPOTENCY_IN_PROGRESS',
        `another request with Idempotency-Key "${key}" is being processed`,
        { meta: { key, retryAfterS: 1 }, cause: error },
      );
    }
    throw error;
  }
  return { ...result, replayed: false };
}

/**
 * CAREPOOL_IDEMPOTENCY_GONE: the key's write happened, but the row it created no longer exists (deleted
 * since), so there is nothing to replay. The key itself stays used until it expires.
 */
export function gone(key: string, what: string | null, resourceId: number | null): AppError {
  return new AppError(
    'CAREPOOL_IDEMPOTENCY_GONE',
    `Idempotency-Key "${key}" already created ${what ?? 'a row'}, which has since been deleted`,
    { meta: { key, ...(resourceId === null ? {} : { resourceId }) } },
  );
}

/** Deletes keys older than `ttlMs` (at most `limit` per call); returns how many went. */
export async function purgeExpired(client: SqlClient, ttlMs: number, limit = 5000): Promise<number> {
  const result = await client.query(
    sql`DELETE FROM carepool_idempotency WHERE created_at < CURRENT_TIMESTAMP - INTERVAL ${seconds(ttlMs)} SECOND LIMIT ${limit}`,
  );
  return result.affectedRows;
}
