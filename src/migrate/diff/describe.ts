import { describeObjectOp } from '../objects/ops.js';
import type { Operation } from '../ops/operation.js';

/** A one-line description of an operation (for messages and `check`). */
export function describe(op: Operation): string {
  switch (op.kind) {
    case 'createTable':
      return `create table ${op.table.name}`;
    case 'dropTable':
      return `drop table ${op.table.name}`;
    case 'renameTable':
      return `rename table ${op.from} → ${op.to}`;
    case 'addColumn':
      return `add column ${op.table}.${op.column.name}`;
    case 'dropColumn':
      return `drop column ${op.table}.${op.column.name}`;
    case 'alterColumn':
      return `alter column ${op.table}.${op.to.name}`;
    case 'renameColumn':
      return `rename column ${op.table}.${op.from} → ${op.to}`;
    case 'createIndex':
      return `create index ${op.table}.${op.index.name}`;
    case 'dropIndex':
      return `drop index ${op.table}.${op.index.name}`;
    case 'addForeignKey':
      return `add foreign key ${op.table}.${op.foreignKey.name}`;
    case 'dropForeignKey':
      return `drop foreign key ${op.table}.${op.foreignKey.name}`;
    case 'object':
      return describeObjectOp(op);
    case 'alterTable':
      return `alter table ${op.table} (comment, checks or options)`;
    case 'sql':
      return `sql ${op.up.slice(0, 40)}`;
    default: {
      const never: never = op;
      return never;
    }
  }
}
