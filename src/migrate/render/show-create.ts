import { formatColumnType } from '../../erd/column-type.js';
import type { Column, ColumnDefault, ColumnType, ForeignKey, Index, Table } from '../../schema/index.js';
import { needsImplicitIndex } from '../ops/apply-ops.js';
import type { ServerInfo } from '../server.js';

/**
 * Renders a table exactly as the server's `SHOW CREATE TABLE` prints it, from the model alone (the Skeema
 * test of fidelity: when this text differs from the server's own, the model lost something and the table
 * is unsupported). MariaDB rendering follows 10.6.11+/10.11 (always-COLLATE); MySQL rendering follows
 * 8.0.19+ and is checked only against recorded fixtures (no MySQL server runs here).
 */
export function renderShowCreate(table: Table, server: ServerInfo): string {
  const maria = server.flavor === 'mariadb';
  const lines: string[] = [];
  if (table.gipk)
    lines.push(
      maria
        ? '  `my_row_id` bigint(20) unsigned NOT NULL AUTO_INCREMENT INVISIBLE'
        : '  `my_row_id` bigint unsigned NOT NULL AUTO_INCREMENT /*!80023 INVISIBLE */',
    );
  for (const c of table.columns) lines.push(`  ${columnLine(c, table, maria)}`);
  const pk = table.gipk ? ['my_row_id'] : table.primaryKey;
  if (pk.length > 0) lines.push(`  PRIMARY KEY (${pk.map(ident).join(',')})`);
  for (const ix of table.indexes) lines.push(`  ${indexLine(ix, maria)}`);
  for (const fk of table.foreignKeys)
    if (needsImplicitIndex(table, fk))
      lines.push(`  KEY ${ident(fk.name)} (${fk.columns.map(ident).join(',')})`);
  for (const fk of table.foreignKeys) lines.push(`  ${foreignKeyLine(fk, maria)}`);
  for (const ck of table.checks ?? []) {
    const enforced = ck.notEnforced ? ' /*!80016 NOT ENFORCED */' : '';
    lines.push(`  CONSTRAINT ${ident(ck.name)} CHECK (${ck.clause})${enforced}`);
  }
  const o = table.options ?? {};
  const opts: string[] = [`ENGINE=${o.engine ?? 'InnoDB'}`];
  if (o.charset) opts.push(`DEFAULT CHARSET=${o.charset}`);
  // The binary character set has one collation, which neither server prints.
  if (o.collation && o.collation !== 'binary') opts.push(`COLLATE=${o.collation}`);
  for (const opt of o.createOptions ?? []) opts.push(createOption(opt));
  if (table.comment) opts.push(`COMMENT=${quote(table.comment)}`);
  return `CREATE TABLE ${ident(table.name)} (\n${lines.join(',\n')}\n) ${opts.join(' ')}`;
}

/** `row_format=DYNAMIC` → `ROW_FORMAT=DYNAMIC` (the key in upper case, the value as stored). */
function createOption(opt: string): string {
  const eq = opt.indexOf('=');
  return eq < 0 ? opt.toUpperCase() : `${opt.slice(0, eq).toUpperCase()}${opt.slice(eq)}`;
}

/** A back-quoted identifier as SHOW CREATE prints it (back quotes doubled). */
export const ident = (name: string): string => `\`${name.replaceAll('`', '``')}\``;

/**
 * A string literal as SHOW CREATE prints it (the servers' append_unescaped): quotes doubled, backslash,
 * NUL, newline, carriage return and Ctrl-Z escaped.
 */
export const quote = (value: string): string => `'${value.replace(SPECIAL, (ch) => ESCAPES[ch] ?? ch)}'`;

/** The characters {@link quote} escapes (built from a string: the lint rule forbids control characters in regex literals). */
const SPECIAL = new RegExp(`[\\\\'${String.fromCharCode(0, 10, 13, 26)}]`, 'g');

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "''",
  '\0': '\\0',
  '\n': '\\n',
  '\r': '\\r',
  '\x1a': '\\Z',
};

const NUMERIC = new Set([
  'tinyint',
  'smallint',
  'mediumint',
  'int',
  'bigint',
  'boolean',
  'decimal',
  'float',
  'double',
  'year',
]);
/** MySQL prints no `DEFAULT NULL` for BLOB/TEXT columns (type MYSQL_TYPE_BLOB); JSON and spatial get one. */
const NO_DEFAULT_NULL_ON_MYSQL = /^(tiny|medium|long)?(text|blob)$/;

/** SHOW CREATE's text of a column definition (without the leading indentation). */
function columnLine(c: Column, table: Table, maria: boolean): string {
  const parts = [ident(c.name), columnTypeText(c.type, maria)];
  const collation =
    c.type.kind === 'json' && maria
      ? table.options?.collation === 'utf8mb4_bin'
        ? undefined
        : 'utf8mb4_bin'
      : c.collation;
  if (collation || c.charset) parts.push(charsetClause(c.charset, collation, table, maria));
  if (c.generated) {
    parts.push(
      `GENERATED ALWAYS AS (${c.generated.expression}) ${c.generated.stored ? 'STORED' : 'VIRTUAL'}`,
    );
    if (!maria && !c.nullable) parts.push('NOT NULL');
  } else if (!c.nullable) parts.push('NOT NULL');
  else if (c.type.kind === 'timestamp') parts.push('NULL');
  if (!maria && 'srid' in c.type && c.type.srid !== undefined) parts.push(`/*!80003 SRID ${c.type.srid} */`);
  if (c.invisible) parts.push(maria ? 'INVISIBLE' : '/*!80023 INVISIBLE */');
  if (!c.generated) {
    if (c.default !== undefined) parts.push(`DEFAULT ${defaultText(c.default, c.type, maria)}`);
    else if (c.nullable && !c.autoIncrement && (maria || !NO_DEFAULT_NULL_ON_MYSQL.test(c.type.kind)))
      parts.push('DEFAULT NULL');
  }
  if (c.onUpdate) parts.push(`ON UPDATE ${timestampText(c.onUpdate, maria)}`);
  if (c.autoIncrement) parts.push('AUTO_INCREMENT');
  if (c.comment) parts.push(`COMMENT ${quote(c.comment)}`);
  if (maria && c.type.kind === 'json') parts.push(`CHECK (json_valid(${ident(c.name)}))`);
  if (maria && c.check) parts.push(`CHECK (${c.check})`);
  return parts.join(' ');
}

function columnTypeText(type: ColumnType, maria: boolean): string {
  if (type.kind === 'json' && maria) return 'longtext';
  return formatColumnType(type, maria ? 'mariadb' : 'mysql');
}

/** MariaDB ≥ 10.6.11 prints both; MySQL 8 prints CHARACTER SET when it differs from the table's, COLLATE when not the charset's default. */
function charsetClause(
  charset: string | undefined,
  collation: string | undefined,
  table: Table,
  maria: boolean,
) {
  const cs = charset ?? collation?.split('_')[0] ?? '';
  if (maria) return `CHARACTER SET ${cs} COLLATE ${collation ?? DEFAULT_COLLATION[cs] ?? `${cs}_general_ci`}`;
  const out: string[] = [];
  if (cs !== table.options?.charset) out.push(`CHARACTER SET ${cs}`);
  if (collation && collation !== DEFAULT_COLLATION[cs]) out.push(`COLLATE ${collation}`);
  return out.join(' ');
}

/** Default collations of common character sets (MySQL 8 values; MariaDB differs only for utf8mb4). */
const DEFAULT_COLLATION: Readonly<Record<string, string>> = {
  utf8mb4: 'utf8mb4_0900_ai_ci',
  utf8mb3: 'utf8mb3_general_ci',
  latin1: 'latin1_swedish_ci',
  ascii: 'ascii_general_ci',
  binary: 'binary',
};

/** CURRENT_TIMESTAMP, CURRENT_TIMESTAMP() or CURRENT_TIMESTAMP(fsp), alone. */
const TIMESTAMP_ONLY = /^CURRENT_TIMESTAMP(?:\((\d*)\))?$/i;

/** CURRENT_TIMESTAMP(3) as each server prints it: `current_timestamp(3)` / `CURRENT_TIMESTAMP(3)`. */
function timestampText(sql: string, maria: boolean): string {
  const m = TIMESTAMP_ONLY.exec(sql);
  if (!m) return sql;
  if (maria) return `current_timestamp(${m[1] ?? ''})`;
  return m[1] ? `CURRENT_TIMESTAMP(${m[1]})` : 'CURRENT_TIMESTAMP';
}

/** True when SHOW CREATE prints the expression without added parentheses. */
function selfDelimited(sql: string): boolean {
  if (/^[A-Za-z_][A-Za-z0-9_]*\(.*\)$/s.test(sql)) {
    // One call spanning the whole text: its first '(' closes at the very end.
    let depth = 0;
    for (let i = sql.indexOf('('); i < sql.length; i++) {
      if (sql[i] === '(') depth++;
      else if (sql[i] === ')' && --depth === 0) return i === sql.length - 1;
    }
  }
  return /^([bx]'[0-9a-f]*'|'(?:[^']|'')*'|-?\d+(\.\d+)?(e[-+]?\d+)?|\(.*\))$/is.test(sql);
}

function defaultText(def: ColumnDefault, type: ColumnType, maria: boolean): string {
  if (def.kind === 'expression') {
    // Only CURRENT_TIMESTAMP alone is printed bare: `current_timestamp() + interval 1 day` is an
    // expression like any other (MariaDB prints it in parentheses).
    if (TIMESTAMP_ONLY.test(def.sql)) return timestampText(def.sql, maria);
    if (maria) return selfDelimited(def.sql) ? def.sql : `(${def.sql})`;
    return /^[bx]'/i.test(def.sql) ? def.sql : `(${def.sql})`;
  }
  const v = def.value;
  if (v === null) return 'NULL';
  const text = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  return maria && NUMERIC.has(type.kind) ? text : quote(text);
}

function part(p: { column?: string; expression?: string; length?: number; desc?: boolean }): string {
  const base = p.expression !== undefined ? `(${p.expression})` : ident(p.column ?? '');
  return `${base}${p.length ? `(${p.length})` : ''}${p.desc ? ' DESC' : ''}`;
}

function indexLine(ix: Index, maria: boolean): string {
  const kind =
    ix.type === 'fulltext'
      ? 'FULLTEXT KEY'
      : ix.type === 'spatial'
        ? 'SPATIAL KEY'
        : ix.unique
          ? 'UNIQUE KEY'
          : 'KEY';
  const parts = ix.parts ?? ix.columns.map((column) => ({ column }));
  let out = `${kind} ${ident(ix.name)} (${parts.map(part).join(',')})`;
  if (ix.using) out += ` USING ${ix.using}`;
  if (ix.parser) out += ` /*!50100 WITH PARSER ${ident(ix.parser)} */`;
  if (ix.comment) out += ` COMMENT ${quote(ix.comment)}`;
  if (ix.invisible) out += maria ? ' IGNORED' : ' /*!80000 INVISIBLE */';
  return out;
}

function foreignKeyLine(fk: ForeignKey, maria: boolean): string {
  const omitted = maria ? 'RESTRICT' : 'NO ACTION';
  let out = `CONSTRAINT ${ident(fk.name)} FOREIGN KEY (${fk.columns.map(ident).join(', ')}) REFERENCES ${ident(fk.refTable)} (${fk.refColumns.map(ident).join(', ')})`;
  if (fk.onDelete !== omitted) out += ` ON DELETE ${fk.onDelete}`;
  if (fk.onUpdate !== omitted) out += ` ON UPDATE ${fk.onUpdate}`;
  return out;
}
