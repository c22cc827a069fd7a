import { invertObjectOp } from '../objects/ops.js';
import { AppError } from '../../errors/index.js';
import type { Operation } from './operation.js';

/** The operation that undoes `op`, or `null` for raw SQL without a `down`. */
export function invertOp(op: Operation): Operation | null {
  switch (op.kind) {
    case 'createTable':
      return { kind: 'dropTable', table: op.table };
    case 'dropTable':
      return { kind: 'createTable', table: op.table };
    case 'renameTable':
      return { kind: 'renameTable', from: op.to, to: op.from };
    case 'addColumn':
      return {
        kind: 'dropColumn',
        table: op.table,
        column: op.column,
        ...(op.after === undefined ? {} : { after: op.after }),
      };
    case 'dropColumn':
      return {
        kind: 'addColumn',
        table: op.table,
        column: op.column,
        ...(op.after === undefined ? {} : { after: op.after }),
      };
    case 'alterColumn':
      return { kind: 'alterColumn', table: op.table, from: op.to, to: op.from };
    case 'renameColumn':
      return { kind: 'renameColumn', table: op.table, from: op.to, to: op.from };
    case 'createIndex':
      return { kind: 'dropIndex', table: op.table, index: op.index };
    case 'dropIndex':
      return { kind: 'createIndex', table: op.table, index: op.index };
    case 'addForeignKey':
      return {
        kind: 'dropForeignKey',
        table: op.table,
        foreignKey: op.foreignKey,
        implicitIndex: op.implicitIndex ?? false,
      };
    case 'dropForeignKey':
      return {
        kind: 'addForeignKey',
        table: op.table,
        foreignKey: op.foreignKey,
        implicitIndex: op.implicitIndex ?? false,
      };
    case 'object':
      return invertObjectOp(op);
    case 'alterTable':
      return { kind: 'alterTable', table: op.table, from: op.to, to: op.from };
    case 'sql':
      return op.down === undefined ? null : { kind: 'sql', up: op.down, down: op.up };
    default: {
      const never: never = op;
      return never;
    }
  }
}

/** The operations that undo `ops`, in reverse order; throws when one of them cannot be undone. */
export function invertOps(ops: readonly Operation[]): Operation[] {
  return [...ops].reverse().map((op) => {
    const inverse = invertOp(op);
    if (inverse === null) {
      throw new AppError(
        'CAREPOOL_MIGRATE_IRREVERSIBLE',
        `raw SQL operation has no down: ${op.kind === 'sql' ? op.up.slice(0, 80) : op.kind}`,
      );
    }
    return inverse;
  });
}
