import { type SqlQuery, sql } from '../db/sql.js';
import type { MoveTable } from './catalog.js';
import {
  type BucketPlan,
  type BucketSum,
  bucketColumn,
  bucketRange,
  bucketSums,
  differingBuckets,
  type KeySpan,
  keySpan,
  planBuckets,
} from './buckets.js';
import { type ChunkSum, chunkSum, rangesCondition } from './checksum.js';
import { type HashBucketPlan, hashBucketCondition, hashBucketSums, planHashBuckets } from './hash-buckets.js';
import { type Key, type KeyRange, keyAfter, rangeCondition } from './keys.js';
import { rowDiff } from './row-diff.js';
import type { MoveSession } from './session.js';

/** How one row differs: absent on the destination, only on the destination, or with other column values. */
export type DifferenceKind = 'missing' | 'extra' | 'changed';

/** One differing row, named by table and primary key. */
export interface RowDifference {
  readonly table: string;
  readonly kind: DifferenceKind;
  /** Primary key column → value. */
  readonly key: Readonly<Record<string, unknown>>;
  /** The raw key (for repairs). */
  readonly keyParts: Key;
  /** For `changed`: the columns whose values differ. */
  readonly columns?: readonly string[];
}

/** Tuning of the chunk walk. */
export interface CompareOptions {
  /** Server time a chunk should take (default 0.5 s, as pt-table-checksum's --chunk-time). */
  readonly chunkTimeMs?: number;
  /** First chunk size in rows (default 1000). */
  readonly firstChunkRows?: number;
  /** Pause while either server has more running threads than this (default 25, pt's --max-load). */
  readonly maxThreadsRunning?: number;
  /**
   * Ranges of at most this many rows are compared row by row instead of bisected (default 8192: a level of
   * bisection costs two cheap server-side checksums per side, reading a range row by row costs transferring
   * and parsing every key and hash in carepool; bench/move measured leaves of 256 to 50,000 rows).
   */
  readonly leafRows?: number;
  /**
   * Rows per bucket in the first pass (default 256; 0 turns buckets off): each chunk is folded per bucket
   * in the same scan, so a difference is narrowed to its bucket without bisecting. A single integer key is
   * cut into key ranges (src/move/buckets.ts), any other key by a hash of it (src/move/hash-buckets.ts).
   */
  readonly bucketRows?: number;
  /** Injected sleep (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Counters of one table's comparison. */
export interface TableStats {
  readonly table: string;
  sourceRows: number;
  destRows: number;
  chunks: number;
  mismatchedChunks: number;
  /** Checksums of halves computed while bisecting. */
  bisections: number;
  differences: number;
  /** Times the walk paused for Threads_running. */
  pauses: number;
  /**
   * Set when the table was compared as an append-only log, by content (src/move/append-only.ts): chunks are
   * then partitions of the content hash, and `destinationOnly` counts the rows only the destination holds,
   * its own entries, which are kept and are not differences.
   */
  appendOnly?: { destinationOnly: number };
}

/** The same table on the source (`a`) and the destination (`b`, columns in the source's order). */
export interface TablePair {
  readonly a: MoveTable;
  readonly b: MoveTable;
}

/** Receives the differing rows of one compared leaf range (in key order per kind). */
export type DifferenceSink = (table: MoveTable, diffs: readonly RowDifference[]) => Promise<void>;

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function threadsRunning(s: MoveSession): Promise<number> {
  const { rows } = await s.query<{ Value: string }>(sql`SHOW GLOBAL STATUS LIKE 'Threads_running'`);
  return Number(rows[0]?.Value ?? 0);
}

/**
 * Compares `table` on two servers chunk by chunk over the same primary-key ranges, each server folding its
 * own rows (no replication between them needed). Chunk bounds come from the source; the first chunk is open
 * below and the last open above, so destination rows outside the source's key span are seen too. A chunk
 * whose count or hash differs is bisected until ranges are small, then compared row by row.
 */
export async function compareTable(
  a: MoveSession,
  b: MoveSession,
  pair: TablePair,
  sink: DifferenceSink,
  options: CompareOptions = {},
): Promise<TableStats> {
  const table = pair.a;
  const hashed = sharedNullability(pair);
  const report: DifferenceSink = (_t, diffs) => sink(table, diffs);
  const target = options.chunkTimeMs ?? 500;
  const maxLoad = options.maxThreadsRunning ?? 25;
  const leaf = options.leafRows ?? 8192;
  const sleep = options.sleep ?? defaultSleep;
  const stats: TableStats = {
    table: table.name,
    sourceRows: 0,
    destRows: 0,
    chunks: 0,
    mismatchedChunks: 0,
    bisections: 0,
    differences: 0,
    pauses: 0,
  };
  const bucketRows = options.bucketRows ?? 256;
  const column = bucketRows > 0 ? bucketColumn(table) : null;
  const span: KeySpan | null = column === null ? null : await keySpan(a, table, column);
  // pt-table-checksum's WeightedAvgRate: rows and seconds decay by 0.75 per chunk.
  let avgRows = 0;
  let avgMs = 0;
  let size = options.firstChunkRows ?? 1000;
  let lo: Key | null = null;
  for (;;) {
    while ((await Promise.all([threadsRunning(a), threadsRunning(b)])).some((n) => n > maxLoad)) {
      stats.pauses++;
      await sleep(250);
    }
    const hi = await keyAfter(a, table, lo, size);
    const range: KeyRange = { lo, hi };
    const plan = column === null || span === null ? null : planBuckets(column, range, span, size, bucketRows);
    const chunk =
      plan !== null
        ? await bucketedChunk(a, b, hashed, plan, leaf, stats, report)
        : bucketRows > 0
          ? await hashedChunk(a, b, hashed, planHashBuckets(range, size, bucketRows), leaf, stats, report)
          : await foldedChunk(a, b, hashed, range, leaf, stats, report);
    stats.chunks++;
    stats.sourceRows += chunk.rows[0];
    stats.destRows += chunk.rows[1];
    if (chunk.mismatched) stats.mismatchedChunks++;
    const spent = Math.max(chunk.ms, 0.1);
    avgRows = 0.75 * avgRows + Math.max(chunk.rows[0], chunk.rows[1], 1);
    avgMs = 0.75 * avgMs + spent;
    size = Math.max(100, Math.min(200_000, Math.round((avgRows / avgMs) * target)));
    if (hi === null) return stats;
    lo = hi;
  }
}

/**
 * The pair with every column nullable where either side's is: the row text's NULL bitmap covers the
 * nullable columns only, and both servers must hash the same text shape.
 */
export function sharedNullability(pair: TablePair): TablePair {
  const nullable = new Set(
    [...pair.a.columns, ...pair.b.columns].filter((c) => c.nullable).map((c) => c.name),
  );
  const widen = (t: MoveTable): MoveTable => ({
    ...t,
    columns: t.columns.map((c) => ({ ...c, nullable: nullable.has(c.name) })),
  });
  return { a: widen(pair.a), b: widen(pair.b) };
}

/** What comparing one chunk found and cost. */
interface ChunkOutcome {
  /** Source and destination rows. */
  readonly rows: readonly [number, number];
  readonly mismatched: boolean;
  /** Time that sizes the next chunk: the fold's, plus the bisection's for a folded chunk. */
  readonly ms: number;
}

const total = (m: ReadonlyMap<number, BucketSum>) => [...m.values()].reduce((n, s) => n + s.count, 0);

/** One fold per side over the whole chunk; a mismatch is bisected. */
async function foldedChunk(
  a: MoveSession,
  b: MoveSession,
  pair: TablePair,
  range: KeyRange,
  leaf: number,
  stats: TableStats,
  sink: DifferenceSink,
): Promise<ChunkOutcome> {
  const [sa, sb] = await Promise.all([chunkSum(a, pair.a, range), chunkSum(b, pair.b, range)]);
  const mismatched = sa.count !== sb.count || sa.sum !== sb.sum;
  const started = performance.now();
  // Differences make a chunk cost more: count that time too, so dense differences shrink the chunks and
  // bisection stays shallow (pt-table-sync's 1,000-row chunks were 3x faster than 40,000-row ones here).
  if (mismatched) await bisect(a, b, pair, range, sa, sb, leaf, stats, sink);
  return {
    rows: [sa.count, sb.count],
    mismatched,
    ms: Math.max(sa.ms, sb.ms) + performance.now() - started,
  };
}

/** One fold per bucket per side in one scan; only the differing buckets are read row by row (or bisected). */
async function bucketedChunk(
  a: MoveSession,
  b: MoveSession,
  pair: TablePair,
  plan: BucketPlan,
  leaf: number,
  stats: TableStats,
  sink: DifferenceSink,
): Promise<ChunkOutcome> {
  const started = performance.now();
  const [ba, bb] = await Promise.all([bucketSums(a, pair.a, plan), bucketSums(b, pair.b, plan)]);
  const differing = differingBuckets(ba, bb);
  const ms = performance.now() - started;
  const fold = (s: BucketSum | undefined): ChunkSum => ({ count: s?.count ?? 0, sum: s?.sum ?? '0', ms: 0 });
  // Small differing buckets are read together, up to `leaf` rows and MAX_RANGES ranges a statement (adjacent
  // ones as one range); a bucket larger than `leaf` (sparse keys, or rows outside the source's span) is bisected.
  const batch: KeyRange[] = [];
  let batchRows = 0;
  let last = -2;
  const flush = async () => {
    const ranges = batch.splice(0);
    if (ranges.length > 0)
      await reportRows(a, b, pair, (t) => rangesCondition(t.primaryKey, ranges), stats, sink);
    batchRows = 0;
  };
  for (const i of differing) {
    const [sa, sb] = [fold(ba.get(i)), fold(bb.get(i))];
    const rows = Math.max(sa.count, sb.count);
    if (rows > leaf) {
      await bisect(a, b, pair, bucketRange(plan, i), sa, sb, leaf, stats, sink);
      continue;
    }
    if (batchRows + rows > leaf || batch.length >= MAX_RANGES) await flush();
    const range = bucketRange(plan, i);
    const prev = batch.at(-1);
    if (prev !== undefined && last === i - 1) batch[batch.length - 1] = { lo: prev.lo, hi: range.hi };
    else batch.push(range);
    batchRows += rows;
    last = i;
  }
  await flush();
  // Only the fold sizes the next chunk: the cost of differences grows with the differing buckets, not with
  // the chunk, so smaller chunks would only add statements.
  return { rows: [total(ba), total(bb)], mismatched: differing.length > 0, ms };
}

/**
 * Hash buckets (keys that cannot be bucketed by range): the rows of the differing buckets are read in one
 * more scan of the chunk per side for each `leaf` rows of them; when that takes more than MAX_HASH_SCANS
 * scans (dense differences), the chunk is bisected instead, as without buckets.
 */
async function hashedChunk(
  a: MoveSession,
  b: MoveSession,
  pair: TablePair,
  plan: HashBucketPlan,
  leaf: number,
  stats: TableStats,
  sink: DifferenceSink,
): Promise<ChunkOutcome> {
  const started = performance.now();
  const [ba, bb] = await Promise.all([hashBucketSums(a, pair.a, plan), hashBucketSums(b, pair.b, plan)]);
  const rows: [number, number] = [total(ba), total(bb)];
  const differing = differingBuckets(ba, bb);
  const ms = performance.now() - started;
  if (differing.length === 0) return { rows, mismatched: false, ms };
  // Groups of differing buckets of at most `leaf` rows, each read in one more scan of the chunk.
  const groups: number[][] = [[]];
  let groupRows = 0;
  let largest = 0;
  for (const i of differing) {
    const n = Math.max(ba.get(i)?.count ?? 0, bb.get(i)?.count ?? 0);
    largest = Math.max(largest, n);
    const current = groups.at(-1) as number[];
    if (current.length > 0 && groupRows + n > leaf) {
      groups.push([i]);
      groupRows = n;
    } else {
      current.push(i);
      groupRows += n;
    }
  }
  if (groups.length <= MAX_HASH_SCANS && largest <= leaf) {
    for (const group of groups)
      await reportRows(a, b, pair, (t) => hashBucketCondition(t, plan, group), stats, sink);
    return { rows, mismatched: true, ms };
  }
  const bisected = performance.now();
  const fold = (count: number): ChunkSum => ({ count, sum: '', ms: 0 });
  await bisect(a, b, pair, plan.range, fold(rows[0]), fold(rows[1]), leaf, stats, sink);
  return { rows, mismatched: true, ms: ms + performance.now() - bisected };
}

/** More scans of one chunk than this for its differing hash buckets, and the chunk is bisected instead. */
const MAX_HASH_SCANS = 4;

/** Key ranges read in one statement at most (an OR of ranges the range optimizer seeks one by one). */
const MAX_RANGES = 64;

/** Compares the rows matching `where` row by row and hands the differing ones to the sink. */
async function reportRows(
  a: MoveSession,
  b: MoveSession,
  pair: TablePair,
  where: (table: MoveTable) => SqlQuery,
  stats: TableStats,
  sink: DifferenceSink,
): Promise<void> {
  const diffs = await rowDiff(a, b, pair, where);
  stats.differences += diffs.length;
  if (diffs.length > 0) await sink(pair.a, diffs);
}

async function bisect(
  a: MoveSession,
  b: MoveSession,
  pair: TablePair,
  range: KeyRange,
  sa: ChunkSum,
  sb: ChunkSum,
  leaf: number,
  stats: TableStats,
  sink: DifferenceSink,
): Promise<void> {
  const table = pair.a;
  if (Math.max(sa.count, sb.count) <= leaf || sa.count === 0 || sb.count === 0) {
    await reportRows(a, b, pair, (t) => rangeCondition(t.primaryKey, range), stats, sink);
    return;
  }
  // Split at the median key of the side with more rows in the range (either side's key splits the key space).
  const [side, n] = sa.count >= sb.count ? [a, sa.count] : [b, sb.count];
  const mid = await keyAfter(side, table, range.lo, Math.floor(n / 2));
  if (mid === null) {
    await reportRows(a, b, pair, (t) => rangeCondition(t.primaryKey, range), stats, sink);
    return;
  }
  for (const half of [
    { lo: range.lo, hi: mid },
    { lo: mid, hi: range.hi },
  ]) {
    const [ha, hb] = await Promise.all([chunkSum(a, pair.a, half), chunkSum(b, pair.b, half)]);
    stats.bisections++;
    if (ha.count !== hb.count || ha.sum !== hb.sum) await bisect(a, b, pair, half, ha, hb, leaf, stats, sink);
  }
}
