import type { Column, Schema, Table } from '../../schema/index.js';
import type { Operation, TableAttributes } from '../ops/operation.js';
import { atLeast, type ServerInfo } from '../server.js';

/** How the server executes an ALTER: metadata only, in place (concurrent DML), or a full table copy. */
export type Algorithm = 'INSTANT' | 'INPLACE' | 'COPY';

/** The classification of one operation on one server. */
export interface OnlineDdl {
  /** null for statements that are not ALTER TABLE (CREATE/DROP/RENAME TABLE, raw SQL). */
  readonly algorithm: Algorithm | null;
  /** The clause appended to the ALTER, when carepool is sure the server supports it ('' when none). */
  readonly clause: string;
  /** Why, in a few words (shown by `plan`). */
  readonly reason: string;
}

const none = (reason: string): OnlineDdl => ({ algorithm: null, clause: '', reason });
const instant = (reason: string): OnlineDdl => ({
  algorithm: 'INSTANT',
  clause: 'ALGORITHM=INSTANT',
  reason,
});
const inplace = (reason: string, clause = true): OnlineDdl => ({
  algorithm: 'INPLACE',
  clause: clause ? 'ALGORITHM=INPLACE, LOCK=NONE' : '',
  reason,
});
const copy = (reason: string): OnlineDdl => ({ algorithm: 'COPY', clause: '', reason });

function indexed(table: Table | undefined, column: string): boolean {
  if (!table) return true;
  return (
    table.primaryKey.includes(column) ||
    table.indexes.some((ix) => ix.columns.includes(column)) ||
    table.foreignKeys.some((fk) => fk.columns.includes(column))
  );
}

/**
 * MariaDB (10.11 tested) can neither add nor drop a column INSTANT, nor rebuild with LOCK=NONE, while the
 * table has an indexed VIRTUAL column (errors 1845/1846: "online rebuild with indexed virtual columns").
 */
function hasIndexedVirtual(table: Table | undefined): boolean {
  if (!table) return false;
  const virtual = new Set(table.columns.filter((c) => c.generated && !c.generated.stored).map((c) => c.name));
  return table.indexes.some((ix) => ix.columns.some((c) => virtual.has(c)));
}

/**
 * MariaDB (10.11 tested) cannot add a column INSTANT or in place before an existing VIRTUAL column, indexed
 * or not (error 1846: "INPLACE ADD or DROP of virtual columns cannot be combined with other ALTER TABLE
 * actions"); after the last VIRTUAL column it can. `after`: undefined = at the end, null = FIRST.
 */
function beforeVirtual(table: Table | undefined, after: string | null | undefined): boolean {
  if (!table || after === undefined) return false;
  const at = after === null ? -1 : table.columns.findIndex((c) => c.name === after);
  return table.columns.some((c, i) => i > at && c.generated !== undefined && !c.generated.stored);
}

/** InnoDB cannot add or drop a column INSTANT, nor rebuild with LOCK=NONE, beside a FULLTEXT index. */
const hasFulltext = (table: Table | undefined): boolean =>
  (table?.indexes ?? []).some((ix) => ix.type === 'fulltext');

/** ROW_FORMAT=COMPRESSED: no INSTANT ADD/DROP COLUMN on MariaDB or MySQL; rebuilt in place instead. */
const compressed = (table: Table | undefined): boolean =>
  (table?.options?.createOptions ?? []).some((o) => o.toLowerCase() === 'row_format=compressed');

function referenced(schema: Schema | undefined, table: string, column: string): boolean {
  if (!schema) return true;
  return schema.tables.some((t) =>
    t.foreignKeys.some((fk) => fk.refTable === table && fk.refColumns.includes(column)),
  );
}

/**
 * Classifies an operation against the online-DDL matrix of the target's version (MySQL 8.0 manual 17.12.1
 * "Online DDL Operations"; MariaDB "InnoDB Online DDL Operations with ALGORITHM=INSTANT/INPLACE"). A clause
 * is added only where the server is known to support it, so it turns an unexpected table copy into an
 * error instead of a long lock; everything else runs with the server's default and is reported.
 */
export function classifyOp(op: Operation, server: ServerInfo, before?: Schema): OnlineDdl {
  const online = classifyForInnoDb(op, server, before);
  const name = 'table' in op && typeof op.table === 'string' ? op.table : undefined;
  const engine = before?.tables.find((t) => t.name === name)?.options?.engine;
  if (engine === undefined || engine.toLowerCase() === 'innodb') return online;
  // MyISAM, Aria, MEMORY … (MariaDB 10.11 tested): index and column changes are refused in place (1845)
  // and ADD/DROP COLUMN is not instant; metadata-only changes (a default, a rename, ENUM members appended,
  // a comment) are.
  const refused =
    online.clause.includes('INPLACE') ||
    (online.algorithm === 'INSTANT' && (op.kind === 'addColumn' || op.kind === 'dropColumn'));
  return refused ? copy(`ENGINE=${engine} has no online ALTER for this: the table is copied`) : online;
}

function classifyForInnoDb(op: Operation, server: ServerInfo, before?: Schema): OnlineDdl {
  const table = (name: string) => before?.tables.find((t) => t.name === name);
  const mysql = server.flavor === 'mysql';
  switch (op.kind) {
    case 'createTable':
    case 'dropTable':
    case 'renameTable':
    case 'sql':
      return none(op.kind === 'sql' ? 'raw SQL' : 'table DDL');
    case 'object':
      return none('view, trigger or routine DDL');
    case 'addColumn':
      if (!mysql && hasIndexedVirtual(table(op.table)))
        return copy('the table has an indexed VIRTUAL column: MariaDB rebuilds it');
      if (!mysql && beforeVirtual(table(op.table), op.after))
        return copy('the column goes before a VIRTUAL column: MariaDB copies the table');
      if (hasFulltext(table(op.table)))
        return inplace('the table has a FULLTEXT index: rebuilt in place under a shared lock', false);
      if (op.column.autoIncrement) return copy('adding an AUTO_INCREMENT column rebuilds the table');
      if (op.column.generated?.stored) return copy('adding a STORED generated column computes every row');
      if (op.column.generated) return inplace('adding a VIRTUAL generated column', false);
      if (compressed(table(op.table))) return inplace('ROW_FORMAT=COMPRESSED: ADD COLUMN rebuilds in place');
      if (mysql ? atLeast(server, 'mysql', 8, 0, 29) : atLeast(server, 'mariadb', 10, 4))
        return instant('ADD COLUMN is instant');
      if (op.after == null && (atLeast(server, 'mysql', 8, 0, 12) || atLeast(server, 'mariadb', 10, 3, 2))) {
        return instant('ADD COLUMN as the last column is instant');
      }
      return inplace('ADD COLUMN rebuilds the table in place');
    case 'dropColumn':
      if (!mysql && hasIndexedVirtual(table(op.table)))
        return copy('the table has an indexed VIRTUAL column: MariaDB rebuilds it');
      if (hasFulltext(table(op.table)))
        return inplace('the table has a FULLTEXT index: rebuilt in place under a shared lock', false);
      if (indexed(table(op.table), op.column.name))
        return inplace('the column is indexed: the table is rebuilt', false);
      if (compressed(table(op.table))) return inplace('ROW_FORMAT=COMPRESSED: DROP COLUMN rebuilds in place');
      if (mysql ? atLeast(server, 'mysql', 8, 0, 29) : atLeast(server, 'mariadb', 10, 4))
        return instant('DROP COLUMN is instant');
      return inplace('DROP COLUMN rebuilds the table in place');
    case 'renameColumn':
      if (indexed(table(op.table), op.from) || referenced(before, op.table, op.from)) {
        return inplace('the column is in a key: renamed in place', false);
      }
      if (mysql ? atLeast(server, 'mysql', 8, 0, 28) : atLeast(server, 'mariadb', 10, 3))
        return instant('RENAME COLUMN is instant');
      return inplace('RENAME COLUMN in place');
    case 'alterColumn':
      return classifyAlter(op.from, op.to);
    case 'createIndex':
      if (op.index.type === 'fulltext' || op.index.type === 'spatial')
        return inplace(`a ${op.index.type.toUpperCase()} index build blocks writes (LOCK=SHARED)`, false);
      return inplace('secondary index build allows concurrent DML');
    case 'alterTable':
      return classifyTableChange(op.from, op.to);
    case 'dropIndex':
      return inplace('DROP INDEX is metadata only');
    case 'addForeignKey':
      return copy('ADD FOREIGN KEY copies the table while foreign_key_checks=1');
    case 'dropForeignKey':
      return inplace('DROP FOREIGN KEY is in place');
    default: {
      const never: never = op;
      return never;
    }
  }
}

/** Table-level changes: a comment alone is metadata; CHECKs validate every row; options rebuild. */
function classifyTableChange(from: TableAttributes, to: TableAttributes): OnlineDdl {
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  if (same(from.checks, to.checks) && same(from.options, to.options))
    return inplace('changing the table comment is metadata only', false);
  if (!same(from.options, to.options))
    return copy('changing engine, charset, collation or row format copies the table');
  return copy('adding a CHECK constraint reads every row (table copy)');
}

/** Bytes per character of a column's charset (utf8mb4 when the table's is not known: the widest). */
function bytesPerChar(c: Column): number {
  const cs = c.charset ?? c.collation?.split('_')[0];
  if (cs === undefined || cs === 'utf8mb4') return 4;
  if (cs === 'utf8mb3' || cs === 'utf8') return 3;
  if (cs === 'ucs2' || cs === 'utf16') return 4;
  return 1;
}

/** Storage bytes of a SET of `n` members (1, 2, 3, 4 or 8). */
const setBytes = (n: number) => (n <= 8 ? 1 : n <= 16 ? 2 : n <= 24 ? 3 : n <= 32 ? 4 : 8);

function classifyAlter(from: Column, to: Column): OnlineDdl {
  const sameType = JSON.stringify(from.type) === JSON.stringify(to.type);
  const sameCharset = from.charset === to.charset && from.collation === to.collation;
  const sameRest =
    sameCharset &&
    JSON.stringify(from.generated) === JSON.stringify(to.generated) &&
    Boolean(from.invisible) === Boolean(to.invisible) &&
    from.check === to.check;
  const defaultOnly =
    sameType &&
    sameRest &&
    from.nullable === to.nullable &&
    Boolean(from.autoIncrement) === Boolean(to.autoIncrement) &&
    from.onUpdate === to.onUpdate &&
    from.comment === to.comment;
  if (defaultOnly) return instant('changing a default is metadata only');
  if (!sameCharset) return copy('changing a column character set or collation copies the table');
  if (JSON.stringify(from.generated) !== JSON.stringify(to.generated))
    return copy('changing a generated column copies the table');
  if (sameType) return inplace('changing NULL/NOT NULL, comment or visibility: done in place', false);
  const a = from.type;
  const b = to.type;
  if ((a.kind === 'enum' || a.kind === 'set') && b.kind === a.kind) {
    // Members appended at the end keep every stored value (ENUM index, SET bitmap) and, within the same
    // storage size, are metadata only; removing or reordering a member rewrites every row.
    const prefix = a.values.every((v, i) => b.values[i] === v);
    const sameSize =
      a.kind === 'enum'
        ? a.values.length <= 255 === b.values.length <= 255
        : setBytes(a.values.length) === setBytes(b.values.length);
    if (prefix && sameSize && from.nullable === to.nullable)
      return instant(`${a.kind.toUpperCase()} members appended at the end`);
    return copy(`removing or reordering ${a.kind.toUpperCase()} members rewrites every row`);
  }
  if (
    (a.kind === 'varchar' || a.kind === 'varbinary') &&
    b.kind === a.kind &&
    b.length >= a.length &&
    from.nullable === to.nullable
  ) {
    // The length prefix is 1 byte up to 255 bytes, 2 above; crossing that boundary copies the table.
    const per = a.kind === 'varchar' ? bytesPerChar(from) : 1;
    const small = (n: number) => n * per <= 255;
    if (small(a.length) === small(b.length)) {
      return inplace(`${a.kind.toUpperCase()} extended within its length-prefix size`);
    }
  }
  return copy('changing the column type copies the table');
}
