/**
 * How row values read from one server are written to another. The driver returns text columns as strings,
 * DECIMAL/BIGINT/dates as strings (exact), FLOAT/DOUBLE/INT as numbers, TINYINT(1) as booleans, binary
 * columns as Buffers and MySQL JSON columns as parsed objects.
 */

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
