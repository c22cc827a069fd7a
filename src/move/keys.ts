import type { SqlClient } from '../db/client.js';
import { type SqlQuery, sql } from '../db/sql.js';
import type { MoveColumn, MoveTable } from './catalog.js';
import { readList } from './rows.js';

/** One primary-key value as JSON can hold it: bytes travel as `{ b64 }`. */
export type KeyPart = string | number | boolean | null | { readonly b64: string };

/** A whole primary key (one part per key column). */
export type Key = readonly KeyPart[];

/** A half-open key range `(lo, hi]`: `lo` null = from the first row, `hi` null = to the last row. */
export interface KeyRange {
  readonly lo: Key | null;
  readonly hi: Key | null;
}

/** The driver value of a key part as JSON can store it (Buffers base64-encoded). */
export function toKeyPart(value: unknown): KeyPart {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return { b64: value.toString('base64') };
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  return String(value);
}

/** A stored key part back as a statement parameter. */
export function fromKeyPart(part: KeyPart): unknown {
  if (part !== null && typeof part === 'object') return Buffer.from(part.b64, 'base64');
  return part;
}

/** A stable text form of a key, for maps and messages (`[7]`, `["a",2]`). */
export function keyText(key: Key): string {
  return JSON.stringify(key);
}

/** A back-quoted column list, `a, b`. */
export function columnList(names: readonly string[]): SqlQuery {
  return sql.join(names.map((n) => sql.ident(n)));
}

/** `(a, b)` for a composite key, `a` for a single column (the form MySQL's range optimizer likes best). */
function keyTuple(pk: readonly string[]): SqlQuery {
  return pk.length === 1 ? sql.ident(pk[0] as string) : sql`(${columnList(pk)})`;
}

function valueTuple(key: Key): SqlQuery {
  const parts = key.map((p) => sql`${fromKeyPart(p)}`);
  return parts.length === 1 ? (parts[0] as SqlQuery) : sql`(${sql.join(parts)})`;
}

/** The WHERE condition of `range` over primary key `pk` (`TRUE` for the whole table). */
export function rangeCondition(pk: readonly string[], range: KeyRange): SqlQuery {
  const parts: SqlQuery[] = [];
  // MariaDB 10.11 does not turn a row comparison `(a, b) > (?, ?)` into an index range (EXPLAIN: type
  // index, every row of the table read); the implied bound on the first column (`a >= ?`) makes it one.
  const first = pk.length > 1 ? sql.ident(pk[0] as string) : null;
  if (range.lo !== null) {
    if (first !== null) parts.push(sql`${first} >= ${fromKeyPart(range.lo[0] ?? null)}`);
    parts.push(sql`${keyTuple(pk)} > ${valueTuple(range.lo)}`);
  }
  if (range.hi !== null) {
    if (first !== null) parts.push(sql`${first} <= ${fromKeyPart(range.hi[0] ?? null)}`);
    parts.push(sql`${keyTuple(pk)} <= ${valueTuple(range.hi)}`);
  }
  return parts.length === 0 ? sql`TRUE` : sql.join(parts, ' AND ');
}

/** `ORDER BY a, b` over the key. */
export function keyOrder(pk: readonly string[]): SqlQuery {
  return sql`ORDER BY ${columnList(pk)}`;
}

/** A DECIMAL key value as the driver returns it (exact text): safe to inline as a numeric literal. */
const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

/**
 * The condition matching exactly the rows whose keys are in `keys` (`(a, b) IN ((?, ?), ...)`).
 *
 * DECIMAL key values are inlined as numeric literals, not string parameters: MariaDB 10.11 compares an IN
 * list of strings with a DECIMAL column as DOUBLEs, so `k IN ('1.000000000000000000000000000003',
 * '1.000000000000000000000000000002')` folded both into one value and matched one row (EXPLAIN: const),
 * and sync deleted a changed row it never wrote back. A single `=` or `>` converts the string exactly.
 */
export function keysCondition(table: MoveTable, keys: readonly Key[]): SqlQuery {
  const pk = table.primaryKey;
  const decimal = keyColumns(table).map((c) => c.dataType === 'decimal');
  const tuple = (key: Key): SqlQuery => {
    const parts = key.map((p, i) =>
      decimal[i] === true && typeof p === 'string' && DECIMAL_TEXT.test(p)
        ? sql.raw(p)
        : sql`${fromKeyPart(p)}`,
    );
    return parts.length === 1 ? (parts[0] as SqlQuery) : sql`(${sql.join(parts)})`;
  };
  return sql`${keyTuple(pk)} IN (${sql.join(keys.map(tuple))})`;
}

/** The primary key's columns, in key order. */
export function keyColumns(table: MoveTable): readonly MoveColumn[] {
  return table.primaryKey.map((name) => {
    const column = table.columns.find((c) => c.name === name);
    if (column === undefined)
      throw new Error(`table ${table.name}: key column ${name} is not among its columns`);
    return column;
  });
}

/**
 * What a statement selects to read key values that name their rows exactly once parsed ({@link readList}:
 * a TINYINT(1) key read as a boolean made 2, 3, ... all `false`, so the chunk walk never advanced past
 * `k > 0`; a FLOAT key read as 6-digit text matched no row by `=`).
 */
export function keySelect(table: MoveTable): SqlQuery {
  return readList(keyColumns(table));
}

/**
 * The key `step` rows after `lo` (exclusive) in key order, or null when fewer rows follow: the upper bound
 * of the next chunk (pt-table-checksum's nibbling, with a keyset `>` instead of an offset from the start).
 */
export async function keyAfter(
  client: SqlClient,
  table: MoveTable,
  lo: Key | null,
  step: number,
): Promise<Key | null> {
  const pk = table.primaryKey;
  const where = lo === null ? sql`TRUE` : rangeCondition(pk, { lo, hi: null });
  const { rows } = await client.query<Record<string, unknown>>(
    sql`SELECT ${keySelect(table)} FROM ${sql.ident(table.name)} WHERE ${where} ${keyOrder(pk)} LIMIT 1 OFFSET ${Math.max(0, step - 1)}`,
  );
  const row = rows[0];
  return row === undefined ? null : pk.map((c) => toKeyPart(row[c]));
}

/** The key of a fetched row. */
export function keyOf(row: Record<string, unknown>, pk: readonly string[]): Key {
  return pk.map((c) => toKeyPart(row[c]));
}
