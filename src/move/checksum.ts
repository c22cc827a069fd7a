import { type SqlQuery, sql } from '../db/sql.js';
import { BINARY_TYPES, type MoveColumn, type MoveTable, storedColumns } from './catalog.js';
import {
  type Key,
  type KeyRange,
  keyOf,
  keyOrder,
  keysCondition,
  keySelect,
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
  // Converting utf8mb4 to utf8mb4 costs time for nothing; the other side converts if its charset differs.
  if (c.charset !== null && c.charset !== 'utf8mb4') return sql`CONVERT(${id} USING utf8mb4)`;
  return id;
}

/**
 * A column's text with its length in characters in front (`5:hello`), so no choice of separator can make
 * two different rows hash alike (`'a#','b'` against `'a','#b'`). NULL stays NULL: the row's NULL bitmap
 * tells it from ''.
 */
function framed(c: MoveColumn): SqlQuery {
  return sql`CONCAT(CHAR_LENGTH(${sql.ident(c.name)}), ':', ${columnText(c)})`;
}

/**
 * Types whose {@link columnText} never holds the separator `#` (digits, signs, points, exponents, date and
 * time punctuation, hex): their length need not be part of the row text.
 */
const UNFRAMED_TYPES = new Set([
  'tinyint',
  'smallint',
  'mediumint',
  'int',
  'bigint',
  'decimal',
  'float',
  'double',
  'date',
  'datetime',
  'time',
  'year',
  'timestamp',
  ...BINARY_TYPES,
]);

/** Nullable columns per bitmap number (2^30 stays far inside BIGINT). */
const BITMAP_WIDTH = 30;

/**
 * The text every row hash is taken of: `CONCAT_WS('#', columns..., lengths..., bitmaps...)`, where the
 * lengths are the character lengths of the text-like columns and the bitmaps number the nullable columns'
 * NULLs (`ISNULL(a) + 2 * ISNULL(b) + ...`; CONCAT_WS skips NULLs, so NULL and '' differ by the bitmap).
 * It decodes one way only, read from the end: the bitmap numbers (their count is fixed) say which columns
 * are present, hence how many lengths precede them; then each text column is its length long and every
 * other column runs to the next `#`. pt-table-checksum puts a length-free `CONCAT_WS` and an ISNULL string
 * here; framing each text column in place (`5:hello`) and a bitmap of every column cost 2x the server time
 * of this form on medical_records (MariaDB 10.11, bench/move), which is most of verify's time.
 * Both sides must be handed columns with the same `nullable` flags (compare.ts passes the union of both
 * servers'), or the bitmaps would differ.
 */
export function rowText(table: MoveTable): SqlQuery {
  const cols = storedColumns(table);
  const texts = cols.filter((c) => !UNFRAMED_TYPES.has(c.dataType));
  const nullable = cols.filter((c) => c.nullable);
  const bitmaps: SqlQuery[] = [];
  for (let i = 0; i < nullable.length; i += BITMAP_WIDTH) {
    const group = nullable.slice(i, i + BITMAP_WIDTH);
    bitmaps.push(sql.join(group.map((c, bit) => sql`${2 ** bit} * ISNULL(${sql.ident(c.name)})`), ' + '));
  }
  return sql`CONCAT_WS('#', ${sql.join([
    ...cols.map(columnText),
    ...texts.map((c) => sql`CHAR_LENGTH(${sql.ident(c.name)})`),
    ...bitmaps,
  ])})`;
}

/**
 * The row hash: CRC32 of the row text plus its length. The same function folds chunks (below) and names rows
 * in small ranges; MD5 cost 2-4x more per row on MariaDB 10.11 here (bench/move), and a changed row keeps its
 * CRC32 and length with odds of about 2^-32, pt-table-checksum's trade-off too.
 */
export function rowHash(table: MoveTable): SqlQuery {
  const text = rowText(table);
  return sql`CONCAT(CRC32(${text}), '.', LENGTH(${text}))`;
}

/**
 * The per-row value chunks and buckets are folded with (`BIT_XOR`): CRC32 of the SHA1 of the row text.
 *
 * Why not CRC32 of the row text, as pt-table-checksum folds by default: CRC32 is affine over XOR, so for
 * rows of the same length `CRC32(a ^ d) = CRC32(a) ^ K(d)`. When an even number of rows in a range change
 * the same way at the same place (an `UPDATE ... SET status = 'closed'` over rows that all said 'open',
 * ids of one width), their K(d) cancel in the XOR and the fold, and the count, stay the same: the change
 * is invisible, whatever the odds of a random collision. That happened here (sync left 32 changed rows of
 * one id range unfixed; test/move/fold.test.ts). SHA1 is not linear, so such changes no longer cancel
 * (a change is missed with odds of about 2^-32 per range, as a random one was); it cost about 12% more
 * than CRC32 alone per row on MariaDB 10.11 here, MD5 about 2x.
 */
export function foldHash(table: MoveTable): SqlQuery {
  return sql`CRC32(SHA1(${rowText(table)}))`;
}

/** One server's fold of a key range: row count and the XOR of the rows' {@link foldHash}. */
export interface ChunkSum {
  readonly count: number;
  readonly sum: string;
  /** Milliseconds the statement took. */
  readonly ms: number;
}

/**
 * The {@link ChunkSum} of `range` of `table` on one server: `COUNT(*)` and `BIT_XOR` of {@link foldHash}, the
 * way pt-table-checksum and sync-diff-inspector fold chunks but with a hash that is not linear. A changed
 * chunk keeps the same fold with odds of about 2^-32; ranges that differ are then compared row by row.
 */
export async function chunkSum(session: MoveSession, table: MoveTable, range: KeyRange): Promise<ChunkSum> {
  const started = performance.now();
  const { rows } = await session.query<{ n: number | string; x: string | number | null }>(
    sql`SELECT COUNT(*) AS n, BIT_XOR(${foldHash(table)}) AS x FROM ${sql.ident(table.name)}
        WHERE ${rangeCondition(table.primaryKey, range)}`,
  );
  const row = rows[0];
  return { count: Number(row?.n ?? 0), sum: String(row?.x ?? 0), ms: performance.now() - started };
}

/** Keys and row hashes of the (few) rows matching `where`, in key order. */
export async function rowHashes(
  session: MoveSession,
  table: MoveTable,
  where: SqlQuery,
): Promise<{ key: Key; hash: string }[]> {
  const pk = table.primaryKey;
  const { rows } = await session.query<Record<string, unknown>>(
    sql`SELECT ${keySelect(table)}, ${rowHash(table)} AS carepool_row_hash FROM ${sql.ident(table.name)}
        WHERE ${where} ${keyOrder(pk)}`,
  );
  return rows.map((r) => ({ key: keyOf(r, pk), hash: String(r.carepool_row_hash) }));
}

/** The condition of rows in any of `ranges` over primary key `pk`. */
export function rangesCondition(pk: readonly string[], ranges: readonly KeyRange[]): SqlQuery {
  return sql.join(
    ranges.map((r) => sql`(${rangeCondition(pk, r)})`),
    ' OR ',
  );
}

/**
 * Each stored column's framed text, as its SHA1, for the rows with `keys`, by key text (NULL stays NULL).
 * The hash, not the text: these are up to 8,192 changed rows per side, and a table of multi-MB documents
 * would otherwise bring every changed document into carepool's memory just to name the column.
 */
export async function columnTexts(
  session: MoveSession,
  table: MoveTable,
  keys: readonly Key[],
): Promise<Map<string, Record<string, unknown>>> {
  const pk = table.primaryKey;
  const cols = storedColumns(table);
  const { rows } = await session.query<Record<string, unknown>>(
    sql`SELECT ${keySelect(table)}, ${sql.join(cols.map((c, i) => sql`SHA1(${framed(c)}) AS ${sql.ident(`carepool_c${i}`)}`))}
        FROM ${sql.ident(table.name)} WHERE ${keysCondition(table, keys)}`,
  );
  const out = new Map<string, Record<string, unknown>>();
  for (const r of rows) out.set(JSON.stringify(keyOf(r, pk)), r);
  return out;
}
