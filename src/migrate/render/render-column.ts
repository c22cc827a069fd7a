import { identifierProblem, quoteIdentifier } from '../../db/sql.js';
import { AppError } from '../../errors/index.js';
import { formatColumnType } from '../../erd/column-type.js';
import type {
  Check,
  Column,
  ColumnDefault,
  ColumnType,
  ForeignKey,
  Index,
  IndexPart,
  Table,
} from '../../schema/index.js';
import type { ServerInfo } from '../server.js';

/**
 * A back-quoted identifier (backticks doubled): any name the server accepts (`order items`, `naïve`, `2fa`);
 * refuses, as the server would, the ones it cannot hold (see identifierProblem).
 */
export function q(name: string): string {
  const why = identifierProblem(name);
  if (why)
    throw new AppError(
      'CAREPOOL_MIGRATE_INVALID_OPERATION',
      `not a valid identifier: ${JSON.stringify(name)} (${why})`,
    );
  return quoteIdentifier(name);
}

/** A quoted string literal (quotes doubled, backslashes escaped, as with the default sql_mode). */
export function literal(value: string): string {
  // NUL (a BINARY default's padding) escaped, so printed SQL and migration files hold no raw NUL byte.
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''").replaceAll('\0', '\\0')}'`;
}

/** SQL text of a column type, as both MySQL 8 and MariaDB accept it. */
export function renderType(type: ColumnType): string {
  switch (type.kind) {
    case 'boolean':
      return 'TINYINT(1)';
    case 'enum':
    case 'set':
      return `${type.kind.toUpperCase()}(${type.values.map(literal).join(',')})`;
    case 'json':
      return 'JSON';
    case 'geometrycollection':
      return 'GEOMETRYCOLLECTION';
    default:
      // COLUMN_TYPE text (MySQL 8 style: widths only where set or with ZEROFILL), upper case.
      return formatColumnType(type, 'mysql').toUpperCase();
  }
}

const BARE_EXPRESSIONS = /^(CURRENT_TIMESTAMP|NOW|LOCALTIME|LOCALTIMESTAMP)(\(\d?\))?$/i;

/** SQL text of a default. Expressions other than CURRENT_TIMESTAMP get parentheses (MySQL 8.0.13+). */
export function renderDefault(def: ColumnDefault): string {
  if (def.kind === 'expression') {
    if (BARE_EXPRESSIONS.test(def.sql) || /^[bx]'[0-9a-f]*'$/i.test(def.sql)) return def.sql;
    return `(${def.sql})`;
  }
  const v = def.value;
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') return String(v);
  return literal(v);
}

/**
 * One column definition: name, type, charset/collation, generated expression, nullability, SRID,
 * INVISIBLE, default, ON UPDATE, AUTO_INCREMENT, comment, inline CHECK. `server` decides the few
 * clauses the flavours spell differently (SRID; NULL-ness of generated columns, which MariaDB refuses).
 */
export function renderColumn(c: Column, server?: ServerInfo): string {
  const maria = server?.flavor === 'mariadb';
  const parts = [q(c.name), renderType(c.type)];
  const srid = 'srid' in c.type ? c.type.srid : undefined;
  // MariaDB's REF_SYSTEM_ID is part of the type (right after it); MySQL's SRID is a column attribute.
  if (maria && srid !== undefined) parts.push(`REF_SYSTEM_ID=${srid}`);
  if (c.charset) parts.push(`CHARACTER SET ${word(c.charset)}`);
  if (c.collation) parts.push(`COLLATE ${word(c.collation)}`);
  if (c.generated) {
    parts.push(
      `GENERATED ALWAYS AS (${c.generated.expression}) ${c.generated.stored ? 'STORED' : 'VIRTUAL'}`,
    );
    if (!maria) parts.push(c.nullable ? 'NULL' : 'NOT NULL');
  } else parts.push(c.nullable ? 'NULL' : 'NOT NULL');
  if (!maria && srid !== undefined) parts.push(`SRID ${srid}`);
  if (c.invisible) parts.push('INVISIBLE');
  if (c.default !== undefined && !(c.default.kind === 'literal' && c.default.value === null && !c.nullable)) {
    parts.push(`DEFAULT ${renderDefault(c.default)}`);
  }
  if (c.onUpdate) parts.push(`ON UPDATE ${c.onUpdate}`);
  if (c.autoIncrement) parts.push('AUTO_INCREMENT');
  if (c.comment) parts.push(`COMMENT ${literal(c.comment)}`);
  if (c.check) parts.push(`CHECK (${c.check})`);
  return parts.join(' ');
}

/** A charset, collation, engine or parser name: letters, digits and underscores only. */
export function word(name: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(name))
    throw new AppError('CAREPOOL_MIGRATE_INVALID_OPERATION', `not a valid name: ${JSON.stringify(name)}`);
  return name;
}

/** `(`a`, `b`)` */
export const cols = (names: readonly string[]): string => `(${names.map(q).join(', ')})`;

/** The key parts of an index: columns with prefix and DESC, or (expression) parts. */
export function indexParts(ix: Index): string {
  if (!ix.parts) return cols(ix.columns);
  const part = (p: IndexPart) =>
    `${p.expression !== undefined ? `(${p.expression})` : q(p.column ?? '')}${p.length ? `(${p.length})` : ''}${p.desc ? ' DESC' : ''}`;
  return `(${ix.parts.map(part).join(', ')})`;
}

/** What follows the parts of an index: USING, WITH PARSER, COMMENT, INVISIBLE/IGNORED. */
export function indexTail(ix: Index, server?: ServerInfo): string {
  let out = '';
  if (ix.using) out += ` USING ${ix.using}`;
  if (ix.parser) out += ` WITH PARSER ${word(ix.parser)}`;
  if (ix.comment) out += ` COMMENT ${literal(ix.comment)}`;
  if (ix.invisible) out += server?.flavor === 'mariadb' ? ' IGNORED' : ' INVISIBLE';
  return out;
}

/** The keyword of an index: `UNIQUE INDEX`, `FULLTEXT INDEX`, `SPATIAL INDEX` or `INDEX`. */
export const indexKeyword = (ix: Index): string =>
  ix.type === 'fulltext'
    ? 'FULLTEXT INDEX'
    : ix.type === 'spatial'
      ? 'SPATIAL INDEX'
      : ix.unique
        ? 'UNIQUE INDEX'
        : 'INDEX';

/** An index clause as used in CREATE TABLE: `[UNIQUE] KEY name (cols)`. */
export function renderIndexClause(ix: Index, server?: ServerInfo): string {
  const kw = indexKeyword(ix).replace('INDEX', 'KEY');
  return `${kw} ${q(ix.name)} ${indexParts(ix)}${indexTail(ix, server)}`;
}

/** A CHECK clause: `CONSTRAINT name CHECK (clause)` (MySQL: NOT ENFORCED when so). */
export function renderCheckClause(ck: Check, server?: ServerInfo): string {
  const enforced = ck.notEnforced && server?.flavor !== 'mariadb' ? ' NOT ENFORCED' : '';
  return `CONSTRAINT ${q(ck.name)} CHECK (${ck.clause})${enforced}`;
}

/** Table options as CREATE/ALTER TABLE clauses: ENGINE, charset, collation, other options, comment. */
export function renderTableOptions(t: Pick<Table, 'options' | 'comment'>): string[] {
  const o = t.options ?? {};
  const out: string[] = [];
  if (o.engine) out.push(`ENGINE=${word(o.engine)}`);
  if (o.charset) out.push(`DEFAULT CHARSET=${word(o.charset)}`);
  if (o.collation) out.push(`COLLATE=${word(o.collation)}`);
  for (const opt of o.createOptions ?? []) {
    // MariaDB prints engine-defined options (InnoDB's PAGE_COMPRESSED, PAGE_COMPRESSION_LEVEL …) quoted,
    // `PAGE_COMPRESSED`='1', in information_schema and SHOW CREATE alike; CREATE/ALTER accept that form.
    if (/^`[A-Za-z_]+`='[A-Za-z0-9_]*'$/.test(opt)) {
      out.push(opt);
      continue;
    }
    const m = /^([A-Za-z_]+)=([A-Za-z0-9_]+)$/.exec(opt);
    if (!m)
      throw new AppError('CAREPOOL_MIGRATE_INVALID_OPERATION', `not a table option: ${JSON.stringify(opt)}`);
    out.push(`${(m[1] ?? '').toUpperCase()}=${m[2]}`);
  }
  if (t.comment !== undefined) out.push(`COMMENT=${literal(t.comment)}`);
  return out;
}

/** A foreign key clause: `CONSTRAINT name FOREIGN KEY (cols) REFERENCES t (cols) ON DELETE … ON UPDATE …`. */
export function renderForeignKeyClause(fk: ForeignKey): string {
  return `CONSTRAINT ${q(fk.name)} FOREIGN KEY ${cols(fk.columns)} REFERENCES ${q(fk.refTable)} ${cols(fk.refColumns)} ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`;
}
