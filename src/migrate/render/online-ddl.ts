import type { Column, Schema, Table } from '../../schema/index.js';
import type { Operation } from '../ops/operation.js';
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

const bytesOf = (c: Column): number => (c.type.kind === 'varchar' ? c.type.length * 4 : 0);

function indexed(table: Table | undefined, column: string): boolean {
  if (!table) return true;
  return (
    table.primaryKey.includes(column) ||
    table.indexes.some((ix) => ix.columns.includes(column)) ||
    table.foreignKeys.some((fk) => fk.columns.includes(column))
  );
}

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
  const table = (name: string) => before?.tables.find((t) => t.name === name);
  const mysql = server.flavor === 'mysql';
  switch (op.kind) {
    case 'createTable':
    case 'dropTable':
    case 'renameTable':
    case 'sql':
      return none(op.kind === 'sql' ? 'raw SQL' : 'table DDL');
    case 'addColumn':
      if (op.column.autoIncrement) return copy('adding an AUTO_INCREMENT column rebuilds the table');
      if (mysql ? atLeast(server, 'mysql', 8, 0, 29) : atLeast(server, 'mariadb', 10, 4))
        return instant('ADD COLUMN is instant');
      if (op.after == null && (atLeast(server, 'mysql', 8, 0, 12) || atLeast(server, 'mariadb', 10, 3, 2))) {
        return instant('ADD COLUMN as the last column is instant');
      }
      return inplace('ADD COLUMN rebuilds the table in place');
    case 'dropColumn':
      if (indexed(table(op.table), op.column.name))
        return inplace('the column is indexed: the table is rebuilt', false);
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
      return inplace('secondary index build allows concurrent DML');
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

function classifyAlter(from: Column, to: Column): OnlineDdl {
  const sameType = JSON.stringify(from.type) === JSON.stringify(to.type);
  const defaultOnly =
    sameType &&
    from.nullable === to.nullable &&
    Boolean(from.autoIncrement) === Boolean(to.autoIncrement) &&
    from.onUpdate === to.onUpdate &&
    from.comment === to.comment;
  if (defaultOnly) return instant('changing a default is metadata only');
  if (sameType) return inplace('changing NULL/NOT NULL rebuilds the table in place', false);
  if (from.type.kind === 'enum' && to.type.kind === 'enum') {
    const prefix = from.type.values.every((v, i) => to.type.kind === 'enum' && to.type.values[i] === v);
    if (prefix && to.type.values.length <= 255 && from.nullable === to.nullable)
      return instant('ENUM members appended at the end');
  }
  if (
    from.type.kind === 'varchar' &&
    to.type.kind === 'varchar' &&
    to.type.length >= from.type.length &&
    from.nullable === to.nullable
  ) {
    // The length prefix is 1 byte up to 255 bytes, 2 above; crossing that boundary copies the table (utf8mb4: 4 bytes/char).
    const small = (n: number) => n <= 255;
    if (small(bytesOf(from)) === small(bytesOf(to))) {
      return inplace('VARCHAR extended within its length-prefix size');
    }
  }
  return copy('changing the column type copies the table');
}
