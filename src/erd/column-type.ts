import type { ColumnDefault, ColumnType, IntegerKind } from '../schema/index.js';

/** Display widths the servers print when none was given: [signed, unsigned] (MariaDB, MySQL < 8.0.19, ZEROFILL). */
export const DEFAULT_INT_WIDTH: Readonly<Record<IntegerKind, readonly [number, number]>> = {
  tinyint: [4, 3],
  smallint: [6, 5],
  mediumint: [9, 8],
  int: [11, 10],
  bigint: [20, 20],
};

/** Escapes an ENUM/SET member the way both servers print it: quotes doubled, backslashes doubled. */
const member = (v: string) => `'${v.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;

/**
 * A column type as the server's `COLUMN_TYPE` (and SHOW CREATE TABLE) prints it, lower case:
 * `varchar(50)`, `int unsigned`, `datetime(3)`. `flavor` 'mariadb' prints integer display widths and
 * `year(4)` as MariaDB does; the default, 'mysql', is MySQL 8.0.19+ (widths only with ZEROFILL).
 */
export function formatColumnType(type: ColumnType, flavor: 'mysql' | 'mariadb' = 'mysql'): string {
  const sign = (t: { unsigned?: boolean; zerofill?: boolean }) =>
    `${t.unsigned || t.zerofill ? ' unsigned' : ''}${t.zerofill ? ' zerofill' : ''}`;
  switch (type.kind) {
    case 'tinyint':
    case 'smallint':
    case 'mediumint':
    case 'int':
    case 'bigint': {
      const unsigned = Boolean(type.unsigned || type.zerofill);
      const width =
        type.width ??
        (flavor === 'mariadb' || type.zerofill ? DEFAULT_INT_WIDTH[type.kind][unsigned ? 1 : 0] : undefined);
      return `${type.kind}${width === undefined ? '' : `(${width})`}${sign(type)}`;
    }
    case 'boolean':
      return 'tinyint(1)';
    case 'bit':
      return `bit(${type.length})`;
    case 'decimal':
      return `decimal(${type.precision},${type.scale})${sign(type)}`;
    case 'float':
    case 'double':
      return `${type.kind}${type.precision === undefined ? '' : `(${type.precision},${type.scale ?? 0})`}${sign(type)}`;
    case 'varchar':
    case 'char':
    case 'binary':
    case 'varbinary':
      return `${type.kind}(${type.length})`;
    case 'year':
      return flavor === 'mariadb' ? 'year(4)' : 'year';
    case 'time':
    case 'datetime':
    case 'timestamp':
      return type.fsp ? `${type.kind}(${type.fsp})` : type.kind;
    case 'enum':
    case 'set':
      return `${type.kind}(${type.values.map(member).join(',')})`;
    case 'geometrycollection':
      return flavor === 'mysql' ? 'geomcollection' : type.kind;
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
    case 'date':
    case 'json':
    case 'geometry':
    case 'point':
    case 'linestring':
    case 'polygon':
    case 'multipoint':
    case 'multilinestring':
    case 'multipolygon':
    case 'uuid':
    case 'inet4':
    case 'inet6':
      return type.kind;
    default:
      return assertNever(type);
  }
}

/** A column default as SQL text: `NULL`, `'text'`, `0`, `CURRENT_TIMESTAMP`. */
export function formatDefault(value: ColumnDefault): string {
  if (value.kind === 'expression') return value.sql;
  if (value.value === null) return 'NULL';
  if (typeof value.value === 'string') return `'${value.value.replaceAll("'", "''")}'`;
  if (typeof value.value === 'boolean') return value.value ? '1' : '0';
  return String(value.value);
}

function assertNever(value: never): never {
  throw new TypeError(`unhandled column type ${JSON.stringify(value)}`);
}
