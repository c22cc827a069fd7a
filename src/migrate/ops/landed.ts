import { objectOpLanded } from '../objects/ops.js';
import type { Schema } from '../../schema/index.js';
import { canonicalTable } from '../diff/canonical.js';
import type { Operation } from './operation.js';

/**
 * Whether the effect of `op` is visible in a live schema: true, false, or null when it cannot tell (raw
 * SQL). `resolve` uses it for journal entries left `pending` by a crash, where the statement may or may
 * not have committed.
 */
export function opLanded(op: Operation, live: Schema): boolean | null {
  const table = (name: string) => live.tables.find((t) => t.name === name);
  const column = (t: string, c: string) => table(t)?.columns.find((x) => x.name === c);
  switch (op.kind) {
    case 'createTable':
      return table(op.table.name) !== undefined;
    case 'dropTable':
      return table(op.table.name) === undefined;
    case 'renameTable':
      return table(op.to) !== undefined && table(op.from) === undefined;
    case 'addColumn':
      return column(op.table, op.column.name) !== undefined;
    case 'dropColumn':
      return column(op.table, op.column.name) === undefined;
    case 'alterColumn': {
      const t = table(op.table);
      const c = t?.columns.find((x) => x.name === op.to.name);
      if (t === undefined || c === undefined) return false;
      // A column with the table's collation is read back without one (the diff may spell it out).
      const same = (x: typeof c) => JSON.stringify(canonicalTable({ ...t, columns: [x] }).columns[0]);
      return same(c) === same(op.to);
    }
    case 'renameColumn':
      return column(op.table, op.to) !== undefined && column(op.table, op.from) === undefined;
    case 'createIndex':
      return table(op.table)?.indexes.some((ix) => ix.name === op.index.name) ?? false;
    case 'dropIndex':
      return !(table(op.table)?.indexes.some((ix) => ix.name === op.index.name) ?? false);
    case 'addForeignKey':
      return table(op.table)?.foreignKeys.some((fk) => fk.name === op.foreignKey.name) ?? false;
    case 'dropForeignKey':
      return !(table(op.table)?.foreignKeys.some((fk) => fk.name === op.foreignKey.name) ?? false);
    case 'object':
      return objectOpLanded(op, live);
    case 'alterTable': {
      const t = table(op.table);
      if (!t) return false;
      const checks = (x: typeof op.to.checks) => JSON.stringify([...(x ?? [])].map((c) => c.name).sort());
      return (t.comment ?? '') === (op.to.comment ?? '') && checks(t.checks) === checks(op.to.checks);
    }
    case 'sql':
      return null;
    default: {
      const never: never = op;
      return never;
    }
  }
}
