import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { sqlClientOf } from '../db/kysely.js';
import { once } from '../idempotency/index.js';
import type { ParseOptions } from './validate.js';

/** A create request that carried an `Idempotency-Key`. */
export interface IdempotencyRequest {
  readonly key: string;
  /** What makes two requests "the same" (method, path, body): see idempotency/fingerprint. */
  readonly fingerprint: string;
  /** Called when the stored response of an earlier identical request is returned instead of writing. */
  readonly onReplay?: () => void;
}

/** Options of the create functions: input parsing plus an optional idempotency key. */
export interface WriteOptions extends ParseOptions {
  readonly idempotency?: IdempotencyRequest;
}

/**
 * Runs `write` inside transaction `tx` at most once per idempotency key (the key and the response commit with
 * the write); without a key it just runs `write`.
 */
export async function idempotent<T>(
  tx: Kysely<Database>,
  request: IdempotencyRequest | undefined,
  write: () => Promise<T>,
): Promise<T> {
  if (request === undefined) return write();
  const result = await once(sqlClientOf(tx), request.key, request.fingerprint, async () => ({
    status: 201,
    body: await write(),
  }));
  if (result.replayed) request.onReplay?.();
  return result.body;
}
