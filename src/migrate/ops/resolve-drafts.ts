import { AppError } from '../../errors/index.js';
import type { Schema } from '../../schema/index.js';
import { applyOp, findColumn, findTable, needsImplicitIndex } from './apply-ops.js';
import type { Draft } from './op-builder.js';
import type { Operation } from './operation.js';

/**
 * Turns drafts into full operations against the schema they start from: references by name get the
 * definition they drop or change, and FK operations learn whether the server keeps an implicit index.
 * Returns the operations and the schema after them.
 */
export function resolveDrafts(
  start: Schema,
  drafts: readonly Draft[],
): { ops: readonly Operation[]; schema: Schema } {
  let schema = start;
  const out: Operation[] = [];
  for (const draft of drafts) {
    const op = resolveOne(schema, draft);
    schema = applyOp(schema, op);
    out.push(op);
  }
  return { ops: out, schema };
}

function resolveOne(schema: Schema, draft: Draft): Operation {
  if (draft.kind === 'addForeignKey' && draft.implicitIndex === undefined) {
    return { ...draft, implicitIndex: needsImplicitIndex(findTable(schema, draft.table), draft.foreignKey) };
  }
  if (draft.kind === 'dropForeignKey' && draft.implicitIndex === undefined) {
    const t = findTable(schema, draft.table);
    const others = { ...t, foreignKeys: t.foreignKeys.filter((fk) => fk.name !== draft.foreignKey.name) };
    return { ...draft, implicitIndex: needsImplicitIndex(others, draft.foreignKey) };
  }
  if (draft.kind !== 'ref') return draft;
  const t = findTable(schema, draft.table);
  switch (draft.op) {
    case 'dropTable':
      return { kind: 'dropTable', table: t };
    case 'dropColumn': {
      const column = findColumn(t, draft.name);
      const i = t.columns.indexOf(column);
      return {
        kind: 'dropColumn',
        table: t.name,
        column,
        after: i === 0 ? null : (t.columns[i - 1]?.name ?? null),
      };
    }
    case 'alterColumn':
      return { kind: 'alterColumn', table: t.name, from: findColumn(t, draft.name), to: draft.to };
    case 'dropIndex': {
      const index = t.indexes.find((ix) => ix.name === draft.name);
      if (!index) throw invalid(`index "${t.name}.${draft.name}" does not exist at this point of the chain`);
      return { kind: 'dropIndex', table: t.name, index };
    }
    case 'dropForeignKey': {
      const fk = t.foreignKeys.find((f) => f.name === draft.name);
      if (!fk)
        throw invalid(`foreign key "${t.name}.${draft.name}" does not exist at this point of the chain`);
      const others = { ...t, foreignKeys: t.foreignKeys.filter((f) => f !== fk) };
      return {
        kind: 'dropForeignKey',
        table: t.name,
        foreignKey: fk,
        implicitIndex: needsImplicitIndex(others, fk),
      };
    }
    default: {
      const never: never = draft;
      return never;
    }
  }
}

const invalid = (message: string) => new AppError('CAREPOOL_MIGRATE_INVALID_OPERATION', message);
