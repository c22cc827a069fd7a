import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { sqlClientOf } from '../db/kysely.js';
import { DEFAULT_IDEMPOTENCY_TTL_MS, gone, once } from '../idempotency/index.js';
import type { ParseOptions } from './validate.js';

/** A create request that carried an `Idempotency-Key`. */
export interface IdempotencyRequest {
  readonly key: string;
  /** What makes two requests "the same" (method, path, body): see idempotency/fingerprint. */
  readonly fingerprint: string;
  /** How long the key is honoured (`CAREPOOL_IDEMPOTENCY_TTL`); default 24 hours. */
  readonly ttlMs?: number;
  /** Called when an earlier identical request is replayed instead of writing. */
  readonly onReplay?: () => void;
}

/** Options of the create functions: input parsing plus an optional idempotency key. */
export interface WriteOptions extends ParseOptions {
  readonly idempotency?: IdempotencyRequest;
}

/** A created (or replayed) row. */
export interface Idempotent<T> {
  readonly row: T;
  /** True when the row was created by an earlier request with the same key and read back now. */
  readonly replayed: boolean;
}

/**
 * Runs `write` inside transaction `tx` at most once per idempotency key (the key and the created row's id
 * commit with the write); without a key it just runs `write`. A replay re-reads the row with `reread` in the
 * same transaction (so it shows the row as it is now, through the caller's access check and audit); a row
 * deleted since is CAREPOOL_IDEMPOTENCY_GONE, never the old data.
 * @param what the noun for messages ("patient").
 */
export async function idempotent<T extends { readonly id: number }>(
  tx: Kysely<Database>,
  request: IdempotencyRequest | undefined,
  write: () => Promise<T>,
  reread: (id: number) => Promise<T | undefined>,
  what: string,
): Promise<Idempotent<T>> {
  if (request === undefined) return { row: await write(), replayed: false };
  let created: T | undefined;
  const result = await once(
    sqlClientOf(tx),
    request.key,
    request.fingerprint,
    request.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS,
    async () => {
      created = await write();
      return { status: 201, resourceId: created.id };
    },
  );
  if (!result.replayed && created !== undefined) return { row: created, replayed: false };
  const row = await reread(result.resourceId);
  const clientKey = request.key.split(' ').at(-1) ?? request.key;
  if (row === undefined) throw gone(clientKey, `${what} ${result.resourceId}`, result.resourceId);
  request.onReplay?.();
  return { row, replayed: true };
}
