import { AppError } from '../../errors/index.js';
import { objectKey, type SchemaObject } from '../../schema/objects.js';
import { canonicalBody } from './canonical-text.js';
import { creationOrder, triggerOrder } from './normalize.js';
import type { ObjectOperation } from './operation.js';

/**
 * A live schema as one that tracks objects: introspection leaves `objects` out when there are none, which
 * would read as "does not track them". Use it where a live side is compared with a side that may have some.
 */
export function withObjects<S extends { readonly objects?: readonly SchemaObject[] }>(
  schema: S,
): S & { readonly objects: readonly SchemaObject[] } {
  return { ...schema, objects: schema.objects ?? [] };
}

/**
 * True when two reads of an object mean the same object (definer and charset are not compared). Views are
 * compared as the server re-prints them; triggers and routines, whose text the server keeps as written,
 * by {@link canonicalBody}, so spacing, quoting and keyword case are not a change.
 */
export function sameObject(a: SchemaObject, b: SchemaObject): boolean {
  const text =
    a.create === b.create || (a.kind !== 'view' && canonicalBody(a.create) === canonicalBody(b.create));
  return text && a.sqlMode === b.sqlMode && (a.table ?? '') === (b.table ?? '');
}

/**
 * What turns `from`'s objects into `to`'s, split around the table changes: `before` (drops and the old
 * halves of trigger/routine changes, run while the tables they use still exist) and `after` (creates and
 * view replacements, in creation order: functions, procedures, views by dependency, triggers). A trigger
 * of a table that is dropped is dropped with it by the server, so it gets no statement of its own.
 *
 * An unsupported object that would change throws CAREPOOL_SCHEMA_UNSUPPORTED_OBJECT: carepool never
 * writes DDL for what it could not read.
 */
export function diffObjects(
  from: readonly SchemaObject[] | undefined,
  to: readonly SchemaObject[] | undefined,
  droppedTables: ReadonlySet<string> = new Set(),
): { before: ObjectOperation[]; after: ObjectOperation[] } {
  // A side without `objects` does not track them (the built-in models; a chain that never created one;
  // a live schema with none, see withObjects): nothing to compare. Triggers made by raw op.sql steps
  // (the audit table's) are therefore never proposed for dropping.
  if (from === undefined || to === undefined) return { before: [], after: [] };
  const a = new Map(from.map((o) => [objectKey(o), o]));
  const b = new Map(to.map((o) => [objectKey(o), o]));
  const refuse = (o: SchemaObject, why: string) => {
    throw new AppError(
      'CAREPOOL_SCHEMA_UNSUPPORTED_OBJECT',
      `${o.kind} ${o.name} ${why}, but it could not be read faithfully: ${o.unsupported}`,
      { meta: { kind: o.kind, name: o.name } },
    );
  };
  const before: ObjectOperation[] = [];
  const creates: SchemaObject[] = [];
  const replaces = new Map<string, SchemaObject>();
  const reorder = misplacedTriggers(from, to);
  for (const old of creationOrder(from).reverse()) {
    const next = b.get(objectKey(old));
    if (
      next &&
      sameObject(old, next) &&
      !old.unsupported &&
      !next.unsupported &&
      !(old.kind === 'trigger' && reorder.has(old.name))
    )
      continue;
    if (next?.unsupported && old.unsupported && next.create === old.create) continue;
    if (old.unsupported) refuse(old, next ? 'changes' : 'is dropped');
    if (next?.unsupported) refuse(next, 'changes');
    if (next && old.kind === 'view') {
      replaces.set(old.name, old);
      continue;
    }
    if (!(old.kind === 'trigger' && old.table && droppedTables.has(old.table)))
      before.push({ kind: 'object', action: 'drop', object: old });
    if (next) creates.push(next);
  }
  for (const next of to) {
    if (!a.has(objectKey(next))) {
      if (next.unsupported) refuse(next, 'is created');
      creates.push(next);
    }
  }
  const after: ObjectOperation[] = [];
  for (const o of creationOrder([
    ...creates,
    ...[...replaces.keys()].map((n) => b.get(`view:${n}`) as SchemaObject),
  ])) {
    const prev = o.kind === 'view' ? replaces.get(o.name) : undefined;
    after.push(
      prev
        ? { kind: 'object', action: 'replace', object: o, previous: prev }
        : { kind: 'object', action: 'create', object: o },
    );
  }
  return { before, after };
}

/**
 * Triggers of `to` that must be dropped and created again so every table's triggers of one timing and
 * event run in `to`'s order (compared only where both sides know the positions, i.e. both were read from
 * a server). A created trigger goes last in its slot, so after the longest run of unchanged triggers that
 * already stand first in `to`'s order, every later trigger of the slot is recreated, in order.
 */
function misplacedTriggers(from: readonly SchemaObject[], to: readonly SchemaObject[]): Set<string> {
  const slots = (objects: readonly SchemaObject[]) => {
    const out = new Map<string, SchemaObject[]>();
    for (const o of triggerOrder(objects.filter((x) => x.kind === 'trigger'))) {
      const key = `${o.table ?? ''} ${o.slot ?? ''}`;
      out.set(key, [...(out.get(key) ?? []), o]);
    }
    return out;
  };
  const live = slots(from);
  const out = new Set<string>();
  for (const [key, wanted] of slots(to)) {
    const have = live.get(key) ?? [];
    if ([...wanted, ...have].some((o) => o.position === undefined || o.unsupported)) continue;
    const byName = new Map(wanted.map((o) => [o.name, o]));
    // What stays in place after the drops: the unchanged triggers, in the live order.
    const kept = have.filter((o) => {
      const w = byName.get(o.name);
      return w !== undefined && sameObject(o, w);
    });
    let prefix = 0;
    while (prefix < kept.length && kept[prefix]?.name === wanted[prefix]?.name) prefix++;
    for (const o of wanted.slice(prefix)) if (kept.some((k) => k.name === o.name)) out.add(o.name);
  }
  return out;
}
