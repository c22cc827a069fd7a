/**
 * How row values read from one server are written to another. The driver returns text columns as strings,
 * DECIMAL/BIGINT/dates as strings (exact), FLOAT/DOUBLE/INT as numbers, TINYINT(1) as booleans, binary
 * columns as Buffers and MySQL JSON columns as parsed objects.
 */
import { type SqlQuery, sql } from '../db/sql.js';
import { BINARY_TYPES, type MoveColumn } from './catalog.js';

/**
 * What a reader selects for `columns` when the driver parses the values (copy's INSERTs and Node-encoded
 * lines, sync's source rows), so that writing the parsed value back stores the same value:
 * - FLOAT through `CAST(... AS DOUBLE)`: the server sends FLOAT as text of 6 significant digits
 *   (0.1234567 arrives as 0.123457, 16777217 as 16777200), a different FLOAT once written back; the
 *   DOUBLE text is the FLOAT's exact value, which the destination rounds back to the same FLOAT.
 * - TINYINT(1) through `CAST(... AS SIGNED)`: the driver reads TINYINT(1) as a boolean (src/db/driver.ts,
 *   MySQL's BOOLEAN), so 2, -1 or 255 came back as false and were written as 0.
 * - YEAR through `CONCAT(...)`: the driver reads YEAR 0000 as the number 0, which LOAD DATA's text
 *   format (a string) stores as 2000; `'0000'` stays 0000.
 * - JSON (MySQL) and LONGTEXT (MariaDB's JSON is LONGTEXT; the server marks it as JSON in the extended
 *   column metadata) through `CONCAT(...)`: the driver parses JSON into objects, and printing them again
 *   dropped the document's own spacing (`{"b": 1,  "a": [1, 2]}` → `{"b":1,"a":[1,2]}`) and would round
 *   numbers beyond 2^53. CONCAT's result carries no JSON mark, so it arrives as the stored text.
 * Every other column is selected as it is. The result columns keep the column names.
 */
export function readList(columns: readonly MoveColumn[]): SqlQuery {
  return sql.join(
    columns.map((c) => {
      const id = sql.ident(c.name);
      if (c.dataType === 'float') return sql`CAST(${id} AS DOUBLE) AS ${id}`;
      if (c.dataType === 'tinyint' && /^tinyint\(1\)/i.test(c.columnType))
        return sql`CAST(${id} AS SIGNED) AS ${id}`;
      // CONCAT of one argument returns it as it is, longer than max_allowed_packet too (MariaDB 10.11).
      if (c.dataType === 'year' || c.dataType === 'json' || c.dataType === 'longtext')
        return sql`CONCAT(${id}) AS ${id}`;
      return id;
    }),
  );
}

/** A driver value made safe as an INSERT parameter (objects from JSON columns back to JSON text). */
export function toParam(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'object' && !Buffer.isBuffer(value)) return JSON.stringify(value);
  return value;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\0': '\\0',
};

/**
 * One field in LOAD DATA's default text format (FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES
 * TERMINATED BY '\n'): `\N` for NULL, backslash escapes for backslash, tab, newline, CR and NUL
 * (https://mariadb.com/kb/en/load-data-infile/). Binary values never come here: tables with byte columns
 * are copied with INSERTs (./load.ts).
 */
export function tsvField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[\\\t\n\r\0]/.test(text) ? text.replace(/[\\\t\n\r\0]/g, (c) => ESCAPES[c] ?? c) : text;
}

/** One row as a LOAD DATA line (with its newline), columns in `columns` order. */
export function tsvLine(row: Record<string, unknown>, columns: readonly string[]): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) line += '\t';
    line += tsvField(row[columns[i] as string]);
  }
  return `${line}\n`;
}

/**
 * A value as a SQL literal, for `sync --dry-run`'s printed statements only (executed statements always
 * use parameters). Strings are quoted with backslash escapes as MySQL reads them in the default sql_mode.
 */
export function sqlLiteral(value: unknown): string {
  const v = toParam(value);
  if (v === null) return 'NULL';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'NULL';
  if (Buffer.isBuffer(v)) return `X'${v.toString('hex')}'`;
  const text = String(v);
  // The control characters are exactly the ones MySQL's string quoting escapes.
  // eslint-disable-next-line no-control-regex
  return `'${text.replace(/[\\'\0\n\r\x1a]/g, (c) =>
    c === '\0' ? '\\0' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\x1a' ? '\\Z' : `\\${c}`,
  )}'`;
}

/** Inlines parameters into statement text for printing (`?` → literal), like a client's --print. */
export function inlineParams(text: string, values: readonly unknown[]): string {
  let i = 0;
  return text.replace(/\?/g, () => sqlLiteral(values[i++]));
}

/**
 * Types whose server text is not the stored value digit for digit (FLOAT/DOUBLE print rounded in string
 * context): a table with one of them is encoded in Node from the driver's numbers ({@link tsvLine}).
 */
const NODE_ENCODED = new Set(['float', 'double', 'real']);

/**
 * Longest text value the server escapes (bytes): its REPLACE moves the rest of the string at every match,
 * quadratic in a long value full of backslashes or newlines. A longer value makes its line NULL, so its
 * chunk is encoded in Node.
 */
const SERVER_VALUE_BYTES = 4096;

/** Escapes of the LOAD DATA text format as byte pairs (hex literals: no backslash in SQL text). */
const SERVER_ESCAPES: readonly (readonly [string, string])[] = [
  ['5C', '5C5C'], // backslash first, so the escapes added next are not escaped again
  ['09', '5C74'],
  ['0A', '5C6E'],
  ['0D', '5C72'],
  ['00', '5C30'],
];

/**
 * The SELECT expression that makes the *source server* format a row as one LOAD DATA line (without its
 * newline), byte for byte what {@link tsvLine} makes from the driver's values, as a binary string: the
 * reader then passes bytes through instead of parsing every field into JavaScript values and printing
 * them again (that was most of the copy's client CPU). Text columns are converted to utf8mb4 first (the
 * LOAD DATA statement says CHARACTER SET utf8mb4). Hex literals keep the expression independent of the
 * session's sql_mode (NO_BACKSLASH_ESCAPES). The line is NULL when a text value is longer than
 * {@link SERVER_VALUE_BYTES} or the line outgrows max_allowed_packet (CONCAT returns NULL then): the caller
 * must read that chunk the Node way.
 * Null when a column cannot be formatted by the server exactly ({@link NODE_ENCODED}, byte columns).
 */
export function serverLine(columns: readonly MoveColumn[]): SqlQuery | null {
  if (columns.some((c) => NODE_ENCODED.has(c.dataType) || BINARY_TYPES.has(c.dataType))) return null;
  const fields = columns.map((c) => {
    const col = sql.ident(c.name);
    // MySQL's JSON has no character set but its text holds backslashes and newlines like any string.
    if (c.charset === null && c.dataType !== 'json') return sql`IF(${col} IS NULL, X'5C4E', ${col})`;
    let text = c.charset === 'utf8mb4' ? col : sql`CONVERT(${col} USING utf8mb4)`;
    for (const [from, to] of SERVER_ESCAPES)
      text = sql`REPLACE(${text}, ${sql.raw(`X'${from}'`)}, ${sql.raw(`X'${to}'`)})`;
    return sql`IF(${col} IS NULL, X'5C4E', IF(LENGTH(${col}) > ${sql.raw(String(SERVER_VALUE_BYTES))}, NULL, ${text}))`;
  });
  return sql`CAST(CONCAT(${sql.join(fields, ", X'09', ")}) AS BINARY)`;
}
