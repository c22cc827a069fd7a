import type { ColumnDefault, ColumnType } from '../schema/index.js';

/** A column type as MySQL's `COLUMN_TYPE` prints it (lower case): `varchar(50)`, `int unsigned`, `datetime(3)`. */
export function formatColumnType(type: ColumnType): string {
  switch (type.kind) {
    case 'int':
    case 'bigint':
    case 'smallint':
    case 'tinyint':
      return type.unsigned ? `${type.kind} unsigned` : type.kind;
    case 'boolean':
      return 'tinyint(1)';
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`;
    case 'float':
    case 'double':
      return type.kind;
    case 'varchar':
    case 'char':
      return `${type.kind}(${type.length})`;
    case 'text':
    case 'mediumtext':
    case 'longtext':
    case 'date':
    case 'json':
      return type.kind;
    case 'datetime':
    case 'timestamp':
      return type.fsp ? `${type.kind}(${type.fsp})` : type.kind;
    case 'enum':
      return `enum(${type.values.map((v) => `'${v.replaceAll("'", "''")}'`).join(',')})`;
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
