import { AppError } from '../../errors/index.js';
import type { Column, ColumnDefault, ColumnType, ForeignKey, Index } from '../../schema/index.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_$]{0,63}$/;

/** A back-quoted identifier; refuses anything that is not a plain identifier (no string-built SQL). */
export function q(name: string): string {
  if (!IDENT.test(name)) {
    throw new AppError(
      'CAREPOOL_MIGRATE_INVALID_OPERATION',
      `not a valid identifier: ${JSON.stringify(name)}`,
    );
  }
  return `\`${name}\``;
}

/** A quoted string literal (quotes doubled, backslashes escaped, as with the default sql_mode). */
export function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** SQL text of a column type, as both MySQL 8 and MariaDB accept it. */
export function renderType(type: ColumnType): string {
  switch (type.kind) {
    case 'int':
    case 'bigint':
    case 'smallint':
    case 'tinyint':
      return `${type.kind.toUpperCase()}${type.unsigned ? ' UNSIGNED' : ''}`;
    case 'boolean':
      return 'TINYINT(1)';
    case 'decimal':
      return `DECIMAL(${type.precision},${type.scale})`;
    case 'float':
    case 'double':
    case 'text':
    case 'mediumtext':
    case 'longtext':
    case 'date':
    case 'json':
      return type.kind.toUpperCase();
    case 'varchar':
    case 'char':
      return `${type.kind.toUpperCase()}(${type.length})`;
    case 'datetime':
    case 'timestamp':
      return `${type.kind.toUpperCase()}${type.fsp ? `(${type.fsp})` : ''}`;
    case 'enum':
      return `ENUM(${type.values.map(literal).join(',')})`;
    default: {
      const never: never = type;
      return never;
    }
  }
}

const BARE_EXPRESSIONS = /^(CURRENT_TIMESTAMP|NOW|LOCALTIME|LOCALTIMESTAMP)(\(\d?\))?$/i;

/** SQL text of a default. Expressions other than CURRENT_TIMESTAMP get parentheses (MySQL 8.0.13+). */
export function renderDefault(def: ColumnDefault): string {
  if (def.kind === 'expression') return BARE_EXPRESSIONS.test(def.sql) ? def.sql : `(${def.sql})`;
  const v = def.value;
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') return String(v);
  return literal(v);
}

/** One column definition: name, type, nullability, default, ON UPDATE, AUTO_INCREMENT, comment. */
export function renderColumn(c: Column): string {
  const parts = [q(c.name), renderType(c.type), c.nullable ? 'NULL' : 'NOT NULL'];
  if (c.default !== undefined && !(c.default.kind === 'literal' && c.default.value === null && !c.nullable)) {
    parts.push(`DEFAULT ${renderDefault(c.default)}`);
  }
  if (c.onUpdate) parts.push(`ON UPDATE ${c.onUpdate}`);
  if (c.autoIncrement) parts.push('AUTO_INCREMENT');
  if (c.comment) parts.push(`COMMENT ${literal(c.comment)}`);
  return parts.join(' ');
}

/** `(`a`, `b`)` */
export const cols = (names: readonly string[]): string => `(${names.map(q).join(', ')})`;

/** An index clause as used in CREATE TABLE: `[UNIQUE] KEY name (cols)`. */
export function renderIndexClause(ix: Index): string {
  return `${ix.unique ? 'UNIQUE KEY' : 'KEY'} ${q(ix.name)} ${cols(ix.columns)}`;
}

/** A foreign key clause: `CONSTRAINT name FOREIGN KEY (cols) REFERENCES t (cols) ON DELETE … ON UPDATE …`. */
export function renderForeignKeyClause(fk: ForeignKey): string {
  return `CONSTRAINT ${q(fk.name)} FOREIGN KEY ${cols(fk.columns)} REFERENCES ${q(fk.refTable)} ${cols(fk.refColumns)} ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`;
}
