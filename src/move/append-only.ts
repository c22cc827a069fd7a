import { sql } from '../db/sql.js';
import { AppError } from '../errors/index.js';
import { type MoveTable, storedColumns } from './catalog.js';
import { rowText } from './checksum.js';
import {
  type DifferenceSink,
  type RowDifference,
  sharedNullability,
  type TablePair,
  type TableStats,
} from './compare.js';
import { type Key, keyOf, keysCondition } from './keys.js';
import { readList } from './rows.js';
import type { MoveSession } from './session.js';

/**
 * Tables carepool itself knows to be append-only logs: `carepool_audit`, each server's PHI audit trail
 * (migration 0003_security's triggers refuse its UPDATE and DELETE). Every server that ran the app has
 * its own trail, numbered by its own AUTO_INCREMENT, so the same id names different accesses on two
 * servers: compared by id, every row of both trails differed, and sync's DELETE of the destination's own
 * rows was refused by the trigger on every run.
 */
export const APPEND_ONLY_TABLES: readonly string[] = ['carepool_audit'];

/**
 * Partitions of the content hash (its first 3 hex digits): each side folds every partition in one scan, and
 * only partitions whose folds differ are read row by row.
 */
const PARTITION_DIGITS = 3;
/** Rows (of the larger side) read per group of differing partitions: one scan of each side per group. */
const GROUP_ROWS = 50_000;

/** How an append-only table is compared: by the content of its rows, the numbering key left out. */
export interface AppendOnlyTable {
  /** The table, with the nullability both servers share (as the fold needs). */
  readonly table: MoveTable;
  /** The AUTO_INCREMENT primary key column each server numbers its own rows with. */
  readonly idColumn: string;
  /** The table without its id column: what a row says, and what sync writes (the destination numbers it). */
  readonly content: MoveTable;
}

/**
 * The plan for comparing `pair` as an append-only log, or a refusal (CAREPOOL_MOVE_APPEND_ONLY_KEY) when its
 * rows are not numbered by a one-column AUTO_INCREMENT primary key on both sides: without one, a row cannot
 * be appended under a number of the destination's own.
 */
export function appendOnlyTable(pair: TablePair, from: string, to: string): AppendOnlyTable {
  const { a, b } = sharedNullability(pair);
  const id = a.primaryKey.length === 1 ? a.primaryKey[0] : undefined;
  const numbered = (t: MoveTable) =>
    t.primaryKey.length === 1 &&
    t.primaryKey[0] === id &&
    t.columns.some((c) => c.name === id && c.autoIncrement === true);
  if (id === undefined || !numbered(a) || !numbered(b)) {
    throw new AppError(
      'CAREPOOL_MOVE_APPEND_ONLY_KEY',
      `table ${a.name} cannot be merged as an append-only log between "${from}" and "${to}": its primary key is not one AUTO_INCREMENT column on both (${a.primaryKey.join(', ') || 'no primary key'} on "${from}", ${b.primaryKey.join(', ') || 'no primary key'} on "${to}")`,
      {
        hint: `Append-only merging compares rows by content and lets the destination number the rows it appends. Compare ${a.name} by its key instead: leave it out of --append-only.`,
        meta: { table: a.name, from, to },
      },
    );
  }
  return { table: a, idColumn: id, content: { ...a, columns: a.columns.filter((c) => c.name !== id) } };
}

interface Partition {
  readonly count: number;
  readonly sum: string;
}

/** The content hash of a row (SHA1 of the row text without the id), as 40 hex digits. */
function contentHash(t: AppendOnlyTable) {
  return sql`SHA1(${rowText(t.content)})`;
}

/** Per partition of the content hash: row count and the sum of 48 bits of each row's hash. */
async function partitions(s: MoveSession, t: AppendOnlyTable): Promise<Map<string, Partition>> {
  // A sum, not BIT_XOR: the same content twice must not cancel (a log can hold equal rows).
  const h = contentHash(t);
  const { rows } = await s.query<{ p: string; n: number | string; s: string | number }>(
    sql`SELECT LEFT(${h}, ${PARTITION_DIGITS}) AS p, COUNT(*) AS n,
          SUM(CAST(CONV(SUBSTRING(${h}, ${PARTITION_DIGITS + 1}, 12), 16, 10) AS UNSIGNED)) AS s
        FROM ${sql.ident(t.table.name)} GROUP BY p`,
  );
  return new Map(rows.map((r) => [String(r.p), { count: Number(r.n), sum: String(r.s) }]));
}

/** Ids and content hashes of the rows in `parts` (partition prefixes), in id order. */
async function hashes(
  s: MoveSession,
  t: AppendOnlyTable,
  parts: readonly string[],
): Promise<{ id: Key; hash: string }[]> {
  const id = sql.ident(t.idColumn);
  const { rows } = await s.query<Record<string, unknown>>(
    sql`SELECT ${id}, h FROM (SELECT ${id}, ${contentHash(t)} AS h FROM ${sql.ident(t.table.name)}) AS x
        WHERE LEFT(h, ${PARTITION_DIGITS}) IN (${sql.join(parts.map((p) => sql`${p}`))}) ORDER BY ${id}`,
  );
  return rows.map((r) => ({ id: keyOf(r, [t.idColumn]), hash: String(r.h) }));
}

/**
 * Compares an append-only log by content: every source row must be on the destination with the same values
 * in every column but the id (as many times as the source has it); rows only the destination has are its
 * own entries, counted in `appendOnly.destinationOnly` and left alone. Each side folds its rows per
 * partition of their content hash in one scan; rows of differing partitions are read as (id, hash) in
 * groups of about {@link GROUP_ROWS}. The source rows missing on the destination go to `sink` as `missing`
 * differences named by their source id, in id order (sync appends them in that order).
 */
export async function compareAppendOnly(
  a: MoveSession,
  b: MoveSession,
  t: AppendOnlyTable,
  sink: DifferenceSink,
): Promise<TableStats> {
  const [pa, pb] = await Promise.all([partitions(a, t), partitions(b, t)]);
  const count = (m: Map<string, Partition>) => [...m.values()].reduce((n, p) => n + p.count, 0);
  const stats = {
    table: t.table.name,
    sourceRows: count(pa),
    destRows: count(pb),
    chunks: 0,
    mismatchedChunks: 0,
    bisections: 0,
    differences: 0,
    pauses: 0,
    appendOnly: { destinationOnly: 0 },
  } satisfies TableStats;
  const differing: { part: string; rows: number }[] = [];
  for (const part of new Set([...pa.keys(), ...pb.keys()])) {
    const x = pa.get(part);
    const y = pb.get(part);
    stats.chunks++;
    if (x !== undefined && y !== undefined && x.count === y.count && x.sum === y.sum) continue;
    stats.mismatchedChunks++;
    differing.push({ part, rows: Math.max(x?.count ?? 0, y?.count ?? 0) });
  }
  const missing: Key[] = [];
  for (let i = 0; i < differing.length;) {
    const group: string[] = [];
    let rows = 0;
    while (i < differing.length && (group.length === 0 || rows + (differing[i]?.rows ?? 0) <= GROUP_ROWS)) {
      const d = differing[i++] as { part: string; rows: number };
      group.push(d.part);
      rows += d.rows;
    }
    const [src, dst] = await Promise.all([hashes(a, t, group), hashes(b, t, group)]);
    const held = new Map<string, number>();
    for (const r of dst) held.set(r.hash, (held.get(r.hash) ?? 0) + 1);
    for (const r of src) {
      const n = held.get(r.hash) ?? 0;
      if (n > 0) held.set(r.hash, n - 1);
      else missing.push(r.id);
    }
    for (const n of held.values()) stats.appendOnly.destinationOnly += n;
  }
  missing.sort(compareIds);
  stats.differences = missing.length;
  const diffs: RowDifference[] = missing.map((k) => ({
    table: t.table.name,
    kind: 'missing',
    key: { [t.idColumn]: k[0] },
    keyParts: k,
  }));
  for (let i = 0; i < diffs.length; i += 10_000) await sink(t.table, diffs.slice(i, i + 10_000));
  return stats;
}

/** Ids in numeric order (they arrive as numbers, or as digit strings past 2^53). */
function compareIds(x: Key, y: Key): number {
  const p = BigInt(String(x[0]));
  const q = BigInt(String(y[0]));
  return p < q ? -1 : p > q ? 1 : 0;
}

/** The source rows with `keys` (every stored column but the id), in id order: what sync appends. */
export async function appendRows(
  a: MoveSession,
  t: AppendOnlyTable,
  keys: readonly Key[],
): Promise<Record<string, unknown>[]> {
  const { rows } = await a.query<Record<string, unknown>>(
    sql`SELECT ${readList(storedColumns(t.content))} FROM ${sql.ident(t.table.name)}
        WHERE ${keysCondition(t.table, keys)} ORDER BY ${sql.ident(t.idColumn)}`,
  );
  return rows;
}

/**
 * The compared tables that are append-only logs: carepool's own ({@link APPEND_ONLY_TABLES}) and those the
 * user named (`--append-only`), each checked to be numbered by one AUTO_INCREMENT column. A named table
 * that is not among the compared ones is refused (CAREPOOL_MOVE_UNKNOWN_TABLE): a misspelt name would
 * otherwise leave a log compared by key.
 */
export function appendOnlyPlan(
  pairs: readonly TablePair[],
  declared: readonly string[] | undefined,
  from: string,
  to: string,
): Map<string, AppendOnlyTable> {
  const compared = new Set(pairs.map((p) => p.a.name));
  const unknown = (declared ?? []).filter((n) => !compared.has(n));
  if (unknown.length > 0) {
    throw new AppError(
      'CAREPOOL_MOVE_UNKNOWN_TABLE',
      `--append-only names ${unknown.map((n) => `"${n}"`).join(', ')}, not among the tables compared between "${from}" and "${to}": ${[...compared].join(', ') || '(none)'}`,
      {
        hint: 'Name tables both targets have (and that --tables includes, when given).',
        meta: { tables: unknown },
      },
    );
  }
  const names = new Set([...APPEND_ONLY_TABLES, ...(declared ?? [])]);
  const plan = new Map<string, AppendOnlyTable>();
  for (const p of pairs) if (names.has(p.a.name)) plan.set(p.a.name, appendOnlyTable(p, from, to));
  return plan;
}
