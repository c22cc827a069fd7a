import { is, SQL } from 'drizzle-orm';
import { CasingCache } from 'drizzle-orm/casing';
import {
  MySqlColumnWithAutoIncrement,
  MySqlEnumColumn,
  MySqlEnumObjectColumn,
  type MySqlColumn,
} from 'drizzle-orm/mysql-core';
import type { Column, ColumnDefault, ColumnType } from '../../schema/index.js';
import { canonicalExpression } from '../diff/canonical.js';
import { parseColumnType, UnsupportedType } from '../introspect/parse-type.js';

/**
 * One Drizzle mysql-core column as carepool's {@link Column}. What Drizzle can say and the model cannot hold
 * exactly is pushed to `problems` (named by `where`, e.g. `patients.name`), never replaced by a neighbour.
 */

/** A column as carepool models it, plus what the table must add for it (SERIAL's implied UNIQUE key). */
export interface ConvertedColumn {
  readonly column: Column;
  /** SERIAL = BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE: the server adds a unique key named after it. */
  readonly serialKey: boolean;
}

/** Reads a property Drizzle keeps on its column classes (precision, scale, fsp, …) without its typings. */
const prop = (column: MySqlColumn, key: string): unknown =>
  (column as unknown as Record<string, unknown>)[key];

/**
 * `sql` template text as the server reads it: names in backquotes (not table-qualified: the clause lives in
 * its own table), values inlined as literals. A placeholder has no value to inline: refused.
 */
export function sqlText(value: SQL): string {
  return value.toQuery({
    casing: new CasingCache(),
    escapeName: (name) => `\`${name.replaceAll('`', '``')}\``,
    escapeParam: () => {
      throw new Error('a placeholder (sql.placeholder) has no value to put in a schema');
    },
    escapeString: (s) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`,
    inlineParams: true,
    invokeSource: 'indexes',
  }).sql;
}

/** {@link sqlText}, or undefined after naming why in `problems` (a placeholder). */
export function textOf(value: SQL, where: string, problems: string[]): string | undefined {
  try {
    return sqlText(value);
  } catch (error) {
    problems.push(`${where}: ${(error as Error).message}`);
    return undefined;
  }
}

/** Drizzle's generated-column expression: a string, an `sql` template or a function returning one. */
function generatedText(as: unknown, where: string, problems: string[]): string | undefined {
  const value: unknown = typeof as === 'function' ? (as as () => unknown)() : as;
  if (typeof value === 'string') return value;
  if (is(value, SQL)) return textOf(value, where, problems);
  problems.push(`${where}: generated expression is neither text nor sql`);
  return undefined;
}

/** The column's type, or undefined after naming why in `problems`. */
function typeOf(column: MySqlColumn, where: string, problems: string[]): ColumnType | undefined {
  // Drizzle prints ENUM members unescaped (`'it's'` breaks its own DDL); the members themselves are exact.
  if (is(column, MySqlEnumColumn) || is(column, MySqlEnumObjectColumn))
    return { kind: 'enum', values: [...(column.enumValues ?? [])] };
  const sqlType = column.getSQLType().trim().toLowerCase();
  const refuse = (why: string) => {
    problems.push(`${where}: ${why}`);
    return undefined;
  };
  if (sqlType === 'boolean') return { kind: 'boolean' }; // BOOLEAN is TINYINT(1) on both servers
  if (sqlType === 'serial') return { kind: 'bigint', unsigned: true };
  if (/^real\b/.test(sqlType))
    return refuse(
      `REAL is DOUBLE or FLOAT depending on the server's sql_mode (REAL_AS_FLOAT); use double() or float()`,
    );
  if (
    /^decimal\b/.test(sqlType) &&
    prop(column, 'precision') === undefined &&
    prop(column, 'scale') !== undefined
  )
    return refuse(
      `decimal({ scale }) without precision is DECIMAL(10,0) in Drizzle's DDL: give precision too`,
    );
  if (/^(varchar|varbinary)$/.test(sqlType)) return refuse(`${sqlType} needs a length`);
  if (/^(float|double)\(\d+\)/.test(sqlType))
    return refuse(`${sqlType}: a single precision is FLOAT or DOUBLE by its size; write float() or double()`);
  const spelled = sqlType
    .replace(/^decimal(?=$|\s)/, 'decimal(10,0)') // Drizzle leaves DECIMAL(10,0), the default, unwritten
    .replace(/^decimal\((\d+)\)/, 'decimal($1,0)')
    .replace(/^(char|binary)(?=$|\s)/, '$1(1)'); // CHAR = CHAR(1), BINARY = BINARY(1)
  try {
    return parseColumnType(spelled, spelled);
  } catch (error) {
    if (error instanceof UnsupportedType)
      return refuse(`type "${column.getSQLType()}" is not in carepool's model`);
    throw error;
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A JavaScript Date default as the server stores it for the column's type (UTC, as drizzle-kit writes it). */
function dateLiteral(d: Date, type: ColumnType): string | undefined {
  if (Number.isNaN(d.getTime())) return undefined;
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (type.kind === 'date') return date;
  if (type.kind !== 'datetime' && type.kind !== 'timestamp') return undefined;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const fsp = type.fsp ?? 0;
  const ms = d.getUTCMilliseconds();
  if (ms !== 0 && fsp < 3 && ms % 10 ** (3 - fsp) !== 0) return undefined; // the server would round it
  return fsp === 0 ? `${date} ${time}` : `${date} ${time}.${pad(ms, 3).padEnd(fsp, '0').slice(0, fsp)}`;
}

/**
 * An `sql` default: a bare number or quoted string (sql`0`, sql`'n/a'`) is a literal to the server (drizzle-kit
 * writes `DEFAULT 0`, stored as the value), anything else an expression.
 */
function sqlDefault(text: string): ColumnDefault {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(t)) return { kind: 'literal', value: t };
  const quoted = /^'((?:[^'\\]|'')*)'$/s.exec(t);
  if (quoted) return { kind: 'literal', value: (quoted[1] ?? '').replaceAll("''", "'") };
  return { kind: 'expression', sql: t };
}

/** The column default: a literal, an `sql` expression (`.defaultNow()` is `now()`), or none. */
function defaultOf(
  column: MySqlColumn,
  type: ColumnType,
  where: string,
  problems: string[],
): ColumnDefault | undefined {
  const d: unknown = column.default;
  if (d === undefined) return undefined;
  if (is(d, SQL)) {
    const text = textOf(d, `${where} default`, problems);
    return text === undefined ? undefined : sqlDefault(text);
  }
  if (d === null) {
    if (column.notNull) problems.push(`${where}: DEFAULT NULL on a NOT NULL column`);
    return undefined;
  }
  if (typeof d === 'string' || typeof d === 'number' || typeof d === 'boolean')
    return { kind: 'literal', value: d };
  if (typeof d === 'bigint') return { kind: 'literal', value: String(d) };
  if (d instanceof Date) {
    const text = dateLiteral(d, type);
    if (text !== undefined) return { kind: 'literal', value: text };
    problems.push(`${where}: the Date default ${d.toISOString()} does not fit a ${type.kind} column exactly`);
    return undefined;
  }
  if (type.kind === 'json') return { kind: 'literal', value: JSON.stringify(d) };
  problems.push(`${where}: a default of type ${typeof d} on a ${type.kind} column`);
  return undefined;
}

/**
 * CURRENT_TIMESTAMP (`.defaultNow()`, `.onUpdateNow()`, sql`now()`) on a column with fractional seconds must
 * name the same precision: MySQL rejects `TIMESTAMP(3) … ON UPDATE CURRENT_TIMESTAMP` (error 1294, "the same
 * value must be used throughout the column definition", manual 13.2.5) and MariaDB silently stores
 * CURRENT_TIMESTAMP(3) for it, so what Drizzle's DDL gives depends on the server. Drizzle cannot write the
 * precision for `.defaultNow()`/`.onUpdateNow()`; `.default(sql\`CURRENT_TIMESTAMP(3)\`)` can.
 */
function precisionMismatch(type: ColumnType, sql: string | undefined): string | undefined {
  if (sql === undefined || (type.kind !== 'timestamp' && type.kind !== 'datetime')) return undefined;
  const now = /^CURRENT_TIMESTAMP(?:\((\d*)\))?$/.exec(canonicalExpression(sql));
  const fsp = type.fsp ?? 0;
  if (!now || Number(now[1] ?? 0) === fsp) return undefined;
  return `${sql} on ${type.kind.toUpperCase()}(${fsp}): the precision differs (MySQL refuses it, MariaDB changes it); write sql\`CURRENT_TIMESTAMP(${fsp})\` as the default (Drizzle has no way to write ON UPDATE CURRENT_TIMESTAMP(${fsp}))`;
}

/**
 * Converts one Drizzle column. `inPrimaryKey`: MySQL and MariaDB make every PRIMARY KEY column NOT NULL
 * (Drizzle's DDL does not write NULL, so the server does this silently); the model says what the server holds.
 */
export function convertColumn(
  column: MySqlColumn,
  table: string,
  inPrimaryKey: boolean,
  problems: string[],
): ConvertedColumn | undefined {
  const where = `${table}.${column.name}`;
  const type = typeOf(column, where, problems);
  if (!type) return undefined;
  const serial = column.getSQLType().trim().toLowerCase() === 'serial';
  const out: { -readonly [K in keyof Column]: Column[K] } = {
    name: column.name,
    type,
    nullable: !(column.notNull || inPrimaryKey || serial),
  };
  const def = defaultOf(column, type, where, problems);
  if (def) out.default = def;
  if (serial || (is(column, MySqlColumnWithAutoIncrement) && column.autoIncrement)) out.autoIncrement = true;
  // .onUpdateNow() of date/datetime/timestamp (its class, MySqlDateBaseColumn, is not exported)
  if (prop(column, 'hasOnUpdateNow') === true) out.onUpdate = 'CURRENT_TIMESTAMP';
  for (const [clause, sql] of [
    ['DEFAULT', out.default?.kind === 'expression' ? out.default.sql : undefined],
    ['ON UPDATE', out.onUpdate],
  ] as const) {
    const why = precisionMismatch(type, sql);
    if (why) problems.push(`${where}: ${clause} ${why}`);
  }
  const generated = column.generated as { as: unknown; mode?: string } | undefined;
  if (generated) {
    const expression = generatedText(generated.as, where, problems);
    if (expression !== undefined) out.generated = { expression, stored: generated.mode === 'stored' };
  }
  return { column: out, serialKey: serial };
}
