import type { Schema } from '../../schema/index.js';
import { objectKey, type SchemaObject } from '../../schema/objects.js';
import { AppError } from '../../errors/index.js';
import { sameObject } from './diff.js';
import { sortObjects } from './normalize.js';
import type { ObjectOperation } from './operation.js';

const fail = (message: string): never => {
  throw new AppError('CAREPOOL_MIGRATE_INVALID_OPERATION', message, { meta: {} });
};

/** Applies an object operation to an in-memory schema (pure). */
export function applyObjectOp(schema: Schema, op: ObjectOperation): Schema {
  const objects = schema.objects ?? [];
  const key = objectKey(op.object);
  const exists = objects.some((o) => objectKey(o) === key);
  const rest = objects.filter((o) => objectKey(o) !== key);
  const label = `${op.object.kind} "${op.object.name}"`;
  if (op.action === 'create' && exists) fail(`${label} already exists`);
  if (op.action !== 'create' && !exists) fail(`${label} does not exist at this point of the chain`);
  const next = op.action === 'drop' ? rest : sortObjects([...rest, op.object]);
  if (next.length === 0) {
    const { objects: _gone, ...tables } = schema;
    return tables;
  }
  return { ...schema, objects: next };
}

/** The inverse of an object operation (a replace is undone by replacing back). */
export function invertObjectOp(op: ObjectOperation): ObjectOperation {
  if (op.action === 'create') return { kind: 'object', action: 'drop', object: op.object };
  if (op.action === 'drop') return { kind: 'object', action: 'create', object: op.object };
  if (!op.previous) fail(`replace of view "${op.object.name}" has no previous definition to go back to`);
  return { kind: 'object', action: 'replace', object: op.previous as SchemaObject, previous: op.object };
}

/** Whether an object operation's effect is visible in a live schema. */
export function objectOpLanded(op: ObjectOperation, live: Schema): boolean {
  const found = (live.objects ?? []).find((o) => objectKey(o) === objectKey(op.object));
  if (op.action === 'drop') return found === undefined;
  return found !== undefined && sameObject(found, op.object);
}

/** One line for humans: `create view v_patients`. */
export function describeObjectOp(op: ObjectOperation): string {
  const on = op.object.kind === 'trigger' && op.object.table ? ` on ${op.object.table}` : '';
  return `${op.action} ${op.object.kind} ${op.object.name}${on}`;
}

/**
 * The objects of `before` carried over a table operation's result `after` (table operations rebuild the
 * schema from its tables): triggers of a dropped table go with it, as on the server, and follow a renamed
 * one.
 */
export function carryObjects(
  before: Schema,
  after: Schema,
  op: { readonly kind: string; readonly table?: unknown; readonly from?: unknown; readonly to?: unknown },
): Schema {
  if (!before.objects || after.objects) return after;
  let objects: readonly SchemaObject[] = before.objects;
  if (op.kind === 'dropTable' && typeof op.table === 'object' && op.table !== null) {
    const gone = (op.table as { name: string }).name;
    objects = objects.filter((o) => !(o.kind === 'trigger' && o.table === gone));
  }
  if (op.kind === 'renameTable' && typeof op.from === 'string' && typeof op.to === 'string') {
    const { from, to } = op;
    objects = objects.map((o) => (o.kind === 'trigger' && o.table === from ? { ...o, table: to } : o));
  }
  return objects.length > 0 ? { ...after, objects } : after;
}
