import type { Target } from '../db/targets.js';
import { AppError } from '../errors/index.js';
import { appendOnlyPlan, compareAppendOnly } from './append-only.js';
import {
  alignColumns,
  assertSameShape,
  type MoveTable,
  readMoveCatalog,
  selectTables,
  type ShapeUse,
} from './catalog.js';
import {
  type CompareOptions,
  compareTable,
  type DifferenceSink,
  type RowDifference,
  type TableStats,
} from './compare.js';
import { assertDifferentTargets } from './copy-plan.js';
import { type MoveSession, moveSpec, withMoveSession } from './session.js';
import { prepareSession } from './snapshot.js';

/** Options of {@link verifyTables}. */
export interface VerifyOptions extends CompareOptions {
  /** Table names (default: every base table of the source). */
  readonly tables?: readonly string[];
  /** Differing rows kept in the result (default 10,000); counts are always complete. */
  readonly limit?: number;
  /**
   * Tables that are append-only logs, besides carepool's own `carepool_audit`: compared by content, the
   * rows only the destination holds kept (src/move/append-only.ts).
   */
  readonly appendOnly?: readonly string[];
}

/** What {@link verifyTables} found. */
export interface VerifyResult {
  readonly from: string;
  readonly to: string;
  readonly identical: boolean;
  readonly tables: readonly TableStats[];
  /** Differing rows, at most `limit` of them. */
  readonly differences: readonly RowDifference[];
  /** Differing rows in all (may exceed `differences.length`). */
  readonly differenceCount: number;
  readonly ms: number;
  /** Source rows checked per second. */
  readonly rowsPerSecond: number;
}

/**
 * The tables both sides must have, by name, in the source's FK-safe order; every one needs a primary key
 * (rows are named and repaired by it) and the same stored columns on both sides.
 */
export async function comparablePairs(
  from: Target,
  a: MoveSession,
  to: Target,
  b: MoveSession,
  names: readonly string[] | undefined,
  use: ShapeUse = 'compare',
): Promise<{ a: MoveTable; b: MoveTable }[]> {
  const [source, dest] = await Promise.all([
    readMoveCatalog(a, moveSpec(from).database),
    readMoveCatalog(b, moveSpec(to).database),
  ]);
  const tables = selectTables(source, names, from.name);
  const keyless = tables.filter((t) => t.primaryKey.length === 0).map((t) => t.name);
  if (keyless.length > 0) {
    throw new AppError(
      'CAREPOOL_MOVE_NO_PRIMARY_KEY',
      `table${keyless.length > 1 ? 's' : ''} ${keyless.join(', ')} on "${from.name}" ha${keyless.length > 1 ? 've' : 's'} no primary key: rows cannot be compared one by one`,
      { meta: { target: from.name, tables: keyless } },
    );
  }
  const destByName = new Map(dest.tables.map((t) => [t.name, t]));
  const absent = tables.filter((t) => !destByName.has(t.name)).map((t) => t.name);
  if (absent.length > 0) {
    throw new AppError(
      'CAREPOOL_MOVE_SCHEMA_MISMATCH',
      `target "${to.name}" has no table ${absent.join(', ')}`,
      {
        hint: `Create them first: carepool copy --from ${from.name} --to ${to.name} --tables ${absent.join(',')} creates missing tables and copies their rows.`,
        meta: { from: from.name, to: to.name, tables: absent },
      },
    );
  }
  const pairs = tables.map((t) => ({ a: t, b: destByName.get(t.name) as MoveTable }));
  assertSameShape(pairs, from.name, to.name, use, source.server.flavor === dest.server.flavor);
  return pairs.map((p) => ({ a: p.a, b: alignColumns(p.a, p.b) }));
}

/**
 * Proves two targets hold the same rows, or names every row that differs (by table and primary key: missing
 * on the destination, extra there, or which columns differ). Each server checksums its own rows over the
 * same key ranges, so no replication or data transfer between them is needed; only differing ranges are
 * bisected and read row by row. Reads are not in one snapshot: rows written during the run may show up as
 * differences (run it on a quiet destination, or again to confirm). Append-only logs (`carepool_audit`,
 * `options.appendOnly`) are compared by content instead: each source row must be on the destination under
 * any id; the destination's own rows are counted, not differences.
 */
export async function verifyTables(
  from: Target,
  to: Target,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  assertDifferentTargets(from, to);
  const started = Date.now();
  const limit = options.limit ?? 10_000;
  const differences: RowDifference[] = [];
  let count = 0;
  const sink: DifferenceSink = async (_table, diffs) => {
    count += diffs.length;
    for (const d of diffs) if (differences.length < limit) differences.push(d);
  };
  const stats = await withMoveSession(from, (a) =>
    withMoveSession(to, async (b) => {
      await Promise.all([prepareSession(a), prepareSession(b)]);
      const pairs = await comparablePairs(from, a, to, b, options.tables);
      const logs = appendOnlyPlan(pairs, options.appendOnly, from.name, to.name);
      const out: TableStats[] = [];
      for (const p of pairs) {
        const log = logs.get(p.a.name);
        out.push(log ? await compareAppendOnly(a, b, log, sink) : await compareTable(a, b, p, sink, options));
      }
      return out;
    }),
  );
  const ms = Date.now() - started;
  const rows = stats.reduce((n, s) => n + s.sourceRows, 0);
  return {
    from: from.name,
    to: to.name,
    identical: count === 0,
    tables: stats,
    differences,
    differenceCount: count,
    ms,
    rowsPerSecond: Math.round(rows / Math.max(ms / 1000, 0.001)),
  };
}
