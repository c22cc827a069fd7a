import type { SqlClient } from '../db/client.js';
import { type SqlQuery, sql } from '../db/sql.js';
import { AppError } from '../errors/index.js';
import { type MoveTable, storedColumns } from './catalog.js';
import { columnList, type Key, keyOf, keysCondition, keyText } from './keys.js';
import { toParam } from './rows.js';

/**
 * Bytes of one multi-row statement at most (estimated, see {@link valueBytes}); a longer row goes alone.
 * A statement over the destination's max_allowed_packet fails with error 1153, which stopped copy at a
 * 9 MB BLOB and sync at 40 rows of 600 KB (sync sent its 500-row batches as one INSERT).
 */
const STATEMENT_BYTES = 2 * 1024 * 1024;

/** Rows per INSERT at most. */
const STATEMENT_ROWS = 1000;

/** The destination's max_allowed_packet in bytes (read once per session). */
export async function packetBytes(client: SqlClient): Promise<number> {
  const { rows } = await client.query<{ p: number | string }>(sql`SELECT @@max_allowed_packet AS p`);
  return Number(rows[0]?.p ?? 0) || 1024 * 1024;
}

/**
 * Upper bound of a value's bytes in statement text: a Buffer becomes a hex literal (2 per byte), a string
 * at most 3 bytes per UTF-16 unit (UTF-8, or an ASCII character escaped with a backslash).
 */
function valueBytes(v: unknown): number {
  if (typeof v === 'string') return v.length * 3 + 2;
  if (Buffer.isBuffer(v)) return v.length * 2 + 3;
  return 24;
}

/** One statement of an {@link InsertPlan}. */
export interface PlannedStatement {
  readonly query: SqlQuery;
  /** True for the INSERT/REPLACE that adds rows (its affected rows count), false for appended pieces. */
  readonly inserts: boolean;
}

/** A long value written in pieces, and how long it must be once they are all appended. */
export interface PieceCheck {
  readonly key: Key;
  readonly column: string;
  /** Bytes of a Buffer, characters (code points) of a string. */
  readonly length: number;
  readonly binary: boolean;
}

/** The statements that write some rows, and the long values to read back afterwards. */
export interface InsertPlan {
  readonly statements: readonly PlannedStatement[];
  readonly checks: readonly PieceCheck[];
}

/** Splits `text` into pieces of about `units` UTF-16 units, never inside a surrogate pair. */
function textPieces(text: string, units: number): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length;) {
    let end = Math.min(text.length, at + units);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    out.push(text.slice(at, end));
    at = end;
  }
  return out;
}

/**
 * The statements that write `rows` (driver values) into `table` on a destination whose max_allowed_packet
 * is `packet`: multi-row `verb`s of at most 2 MiB and 1,000 rows; a longer row alone; a row too long for
 * one packet (a BLOB travels as a hex literal of twice its size) with its long values empty, then
 * `UPDATE ... SET c = CONCAT(c, ?)` appending each in pieces of under half a packet. Run them in one
 * transaction, then {@link checkPieces}. Each appended piece rewrites the value so far (and a row-based
 * binary log records it whole each time): pieces are as large as the packet allows.
 */
export function planInsert(
  table: MoveTable,
  rows: readonly Record<string, unknown>[],
  verb: 'INSERT' | 'REPLACE',
  packet: number,
): InsertPlan {
  const alone = Math.floor(packet * 0.9);
  const piece = Math.max(64 * 1024, Math.floor(packet * 0.4));
  const cols = storedColumns(table).map((c) => c.name);
  const statements: PlannedStatement[] = [];
  const checks: PieceCheck[] = [];
  const head = sql`${verb === 'REPLACE' ? sql`REPLACE` : sql`INSERT`} INTO ${sql.ident(table.name)} (${columnList(cols)}) VALUES `;
  let batch: unknown[][] = [];
  let bytes = 0;
  const flush = () => {
    if (batch.length > 0) statements.push({ query: sql`${head}${sql.rows(batch)}`, inserts: true });
    batch = [];
    bytes = 0;
  };
  for (const row of rows) {
    const values = cols.map((c) => toParam(row[c]));
    const size = values.reduce<number>((n, v) => n + valueBytes(v), 0);
    if (size <= alone) {
      if (bytes + size > STATEMENT_BYTES || batch.length >= STATEMENT_ROWS) flush();
      batch.push(values);
      bytes += size;
      continue;
    }
    flush();
    const key = keyOf(row, table.primaryKey);
    // The largest values go in pieces until the rest fits a packet with room to spare (several values of
    // a few MB each could fill one together).
    const long = new Set<string>();
    let rest = size;
    const bySize = cols.map((_c, i) => i).sort((x, y) => valueBytes(values[y]) - valueBytes(values[x]));
    for (const i of bySize) {
      const v = values[i];
      if (rest <= alone / 2 || (typeof v !== 'string' && !Buffer.isBuffer(v))) break;
      long.add(cols[i] as string);
      rest -= valueBytes(v);
    }
    const first = values.map((v, i) =>
      long.has(cols[i] as string) ? (Buffer.isBuffer(v) ? Buffer.alloc(0) : '') : v,
    );
    statements.push({ query: sql`${head}${sql.rows([first])}`, inserts: true });
    for (const [i, c] of cols.entries()) {
      if (!long.has(c)) continue;
      const v = values[i];
      const id = sql.ident(c);
      const append = (part: unknown) =>
        statements.push({
          query: sql`UPDATE ${sql.ident(table.name)} SET ${id} = CONCAT(${id}, ${part}) WHERE ${keysCondition(table, [key])}`,
          inserts: false,
        });
      if (Buffer.isBuffer(v)) {
        for (let at = 0; at < v.length; at += piece / 2) append(v.subarray(at, at + piece / 2));
        checks.push({ key, column: c, length: v.length, binary: true });
      } else {
        const text = String(v);
        for (const part of textPieces(text, Math.floor(piece / 3))) append(part);
        checks.push({ key, column: c, length: [...text].length, binary: false });
      }
    }
  }
  flush();
  return { statements, checks };
}

/**
 * Reads back the length of every value written in pieces: CONCAT returns NULL (with a warning only) once
 * its result outgrows the destination's max_allowed_packet, so a destination whose limit is below the
 * source's value would have stored NULL. That is CAREPOOL_MOVE_ROWS_LOST, naming the row and column.
 */
export async function checkPieces(
  client: SqlClient,
  table: MoveTable,
  checks: readonly PieceCheck[],
): Promise<void> {
  for (const c of checks) {
    const id = sql.ident(c.column);
    const { rows } = await client.query<{ n: number | string | null }>(
      sql`SELECT ${c.binary ? sql`LENGTH(${id})` : sql`CHAR_LENGTH(${id})`} AS n FROM ${sql.ident(table.name)}
          WHERE ${keysCondition(table, [c.key])}`,
    );
    const n = rows[0]?.n;
    if (n === null || n === undefined || Number(n) !== c.length) {
      throw new AppError(
        'CAREPOOL_MOVE_ROWS_LOST',
        `table ${table.name}, key ${keyText(c.key)}: column ${c.column} holds ${n ?? 'NULL'} of the value's ${c.length} ${c.binary ? 'bytes' : 'characters'} on the destination`,
        {
          hint: "The destination's max_allowed_packet is smaller than this value (CONCAT returns NULL beyond it): raise it to at least the source's (SET GLOBAL max_allowed_packet) and run again.",
          meta: { table: table.name, column: c.column, length: c.length },
        },
      );
    }
  }
}
