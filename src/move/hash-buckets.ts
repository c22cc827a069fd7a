import { type SqlQuery, sql } from '../db/sql.js';
import type { MoveTable } from './catalog.js';
import type { BucketSum } from './buckets.js';
import { foldHash, rowText } from './checksum.js';
import { type KeyRange, rangeCondition } from './keys.js';
import type { MoveSession } from './session.js';

/** At most this many buckets per chunk (one result row each). */
const MAX_BUCKETS = 4096;

/**
 * A chunk of a table whose key cannot be bucketed by arithmetic (composite, text, beyond 2^53), cut into
 * `count` buckets by `CRC32(key text) % count`: the same on both servers, but not key ranges, so reading a
 * bucket's rows scans the chunk again (once for all differing buckets of the chunk).
 */
export interface HashBucketPlan {
  readonly range: KeyRange;
  readonly count: number;
}

/** Buckets of about `bucketRows` of the chunk's `rows` (1 to 4,096). */
export function planHashBuckets(range: KeyRange, rows: number, bucketRows: number): HashBucketPlan {
  return { range, count: Math.min(MAX_BUCKETS, Math.max(1, Math.ceil(rows / Math.max(1, bucketRows)))) };
}

/**
 * The bucket of a row: CRC32 of its key's row text (the key columns only; they are NOT NULL), which means
 * the same on both servers whatever their character sets, as the row hash does.
 */
function bucketOf(table: MoveTable, plan: HashBucketPlan): SqlQuery {
  const key = new Set(table.primaryKey);
  const keyOnly: MoveTable = {
    ...table,
    columns: table.columns.filter((c) => key.has(c.name)).map((c) => ({ ...c, nullable: false })),
  };
  return sql`CRC32(${rowText(keyOnly)}) % ${plan.count}`;
}

/** Each hash bucket's `COUNT(*)` and `BIT_XOR` of the rows' fold hash (foldHash) on one server, in one scan of the chunk. */
export async function hashBucketSums(
  session: MoveSession,
  table: MoveTable,
  plan: HashBucketPlan,
): Promise<Map<number, BucketSum>> {
  const { rows } = await session.query<{ b: number | string; n: number | string; x: number | string | null }>(
    sql`SELECT ${bucketOf(table, plan)} AS b, COUNT(*) AS n, BIT_XOR(${foldHash(table)}) AS x
        FROM ${sql.ident(table.name)} WHERE ${rangeCondition(table.primaryKey, plan.range)} GROUP BY b`,
  );
  const out = new Map<number, BucketSum>();
  for (const r of rows) out.set(Number(r.b), { count: Number(r.n), sum: String(r.x ?? 0) });
  return out;
}

/** The rows of `buckets` of the chunk. */
export function hashBucketCondition(table: MoveTable, plan: HashBucketPlan, buckets: readonly number[]): SqlQuery {
  return sql`${rangeCondition(table.primaryKey, plan.range)} AND ${bucketOf(table, plan)} IN (${sql.join(
    buckets.map((b) => sql`${b}`),
  )})`;
}
