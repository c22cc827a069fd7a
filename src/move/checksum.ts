import { type SqlQuery, sql } from '../db/sql.js';
import { BINARY_TYPES, type MoveColumn, type MoveTable, storedColumns } from './catalog.js';
import {
  columnList,
  type Key,
  type KeyRange,
  keyOf,
  keyOrder,
  keysCondition,
  rangeCondition,
} from './keys.js';
import type { MoveSession } from './session.js';

/**
 * One column as text that means the same on every server (pt-table-checksum's `make_row_checksum`, with
 * the changes noted): text through utf8mb4 (character sets may differ between the servers); bytes as hex;
 * TIMESTAMP as UNIX_TIMESTAMP (independent of time zones); FLOAT widened to DOUBLE, because FLOAT's own text
 * form keeps 6 significant digits and would hide a changed value (pt rounds only on request); BIT as its
 * number. CHAR columns come back without trailing spaces (MySQL's PAD semantics) on both servers alike,
 * VARCHAR with them, and this text keeps them: no comparison here uses `=`, which ignores trailing spaces
 * under PAD SPACE collations.
 */
export function columnText(c: MoveColumn): SqlQuery {
  const id = sql.ident(c.name);
  if (c.dataType === 'bit') return sql`CAST(${id} AS UNSIGNED)`;
  if (BINARY_TYPES.has(c.dataType)) return sql`HEX(${id})`;
  if (c.dataType === 'float') return sql`CAST(${id} AS DOUBLE)`;
  if (c.dataType === 'timestamp') return sql`UNIX_TIMESTAMP(${id})`;
  if (/char|text|enum|set|json/.test(c.dataType)) return sql`CONVERT(${id} USING utf8mb4)`;
  return id;
}

/**
 * A column's text with its length in front (`5:hello`), so no choice of separator can make two different
 * rows hash alike (`'a#','b'` against `'a','#b'`). NULL stays NULL: the row's NULL bitmap tells it from ''.
 */
function framed(c: MoveColumn): SqlQuery {
  const text = columnText(c);
  return sql`CONCAT(CHAR_LENGTH(${text}), ':', ${text})`;
}

/**
 * The row hash: MD5 over every stored column, framed, plus a NULL bitmap (`CONCAT(ISNULL(a), ISNULL(b))`)
 * because CONCAT_WS skips NULLs (pt-table-checksum, sync-diff-inspector). MD5 rather than CRC32: CRC32
 * collides after tens of thousands of rows.
 */
export function rowHash(table: MoveTable): SqlQuery {
  const cols = storedColumns(table);
  const bitmap = sql`CONCAT(${sql.join(cols.map((c) => sql`ISNULL(${sql.ident(c.name)})`))})`;
  return sql`MD5(CONCAT_WS('#', ${sql.join([...cols.map(framed), bitmap])}))`;
}

/** One server's fold of a key range: row count and the XOR of the row hashes (two 64-bit halves). */
export interface ChunkSum {
  readonly count: number;
  readonly sum: string;
  /** Milliseconds the statement took. */
  readonly ms: number;
}

/** The {@link ChunkSum} of `range` of `table` on one server. */
export async function chunkSum(session: MoveSession, table: MoveTable, range: KeyRange): Promise<ChunkSum> {
  const started = performance.now();
  const { rows } = await session.query<{ n: number | string; x1: string | null; x2: string | null }>(
    sql`SELECT COUNT(*) AS n,
          BIT_XOR(CAST(CONV(SUBSTRING(h, 1, 16), 16, 10) AS UNSIGNED)) AS x1,
          BIT_XOR(CAST(CONV(SUBSTRING(h, 17, 16), 16, 10) AS UNSIGNED)) AS x2
        FROM (SELECT ${rowHash(table)} AS h FROM ${sql.ident(table.name)}
              WHERE ${rangeCondition(table.primaryKey, range)}) AS r`,
  );
  const row = rows[0];
  return {
    count: Number(row?.n ?? 0),
    sum: `${row?.x1 ?? 0}/${row?.x2 ?? 0}`,
    ms: performance.now() - started,
  };
}

/** Keys and row hashes of a (small) range, in key order. */
export async function rowHashes(
  session: MoveSession,
  table: MoveTable,
  range: KeyRange,
): Promise<{ key: Key; hash: string }[]> {
  const pk = table.primaryKey;
  const { rows } = await session.query<Record<string, unknown>>(
    sql`SELECT ${columnList(pk)}, ${rowHash(table)} AS carepool_row_hash FROM ${sql.ident(table.name)}
        WHERE ${rangeCondition(pk, range)} ${keyOrder(pk)}`,
  );
  return rows.map((r) => ({ key: keyOf(r, pk), hash: String(r.carepool_row_hash) }));
}

/** Each stored column's framed text for the rows with `keys`, by key text. */
export async function columnTexts(
  session: MoveSession,
  table: MoveTable,
  keys: readonly Key[],
): Promise<Map<string, Record<string, unknown>>> {
  const pk = table.primaryKey;
  const cols = storedColumns(table);
  const { rows } = await session.query<Record<string, unknown>>(
    sql`SELECT ${columnList(pk)}, ${sql.join(cols.map((c, i) => sql`${framed(c)} AS ${sql.ident(`carepool_c${i}`)}`))}
        FROM ${sql.ident(table.name)} WHERE ${keysCondition(pk, keys)}`,
  );
  const out = new Map<string, Record<string, unknown>>();
  for (const r of rows) out.set(JSON.stringify(keyOf(r, pk)), r);
  return out;
}
