import { deepFreeze } from './build-model.js';
import type { Change, ErdAttribute, ErdEntity, ErdIndex, ErdModel, ErdRelationship } from './types.js';

/**
 * Merges the ERDs of two schemas into one diagram whose elements carry a {@link Change} where they differ:
 * present on one side only, or defined differently. Elements equal on both sides carry no change, so two
 * equal schemas give the plain diagram (plus `compared`).
 */
export function compareErdModels(left: ErdModel, right: ErdModel): ErdModel {
  const entities = mergeBy(left.entities, right.entities, (e) => e.name, mergeEntity);
  const relationships = mergeBy(
    left.relationships,
    right.relationships,
    (r) => `${r.child}.${r.name}`,
    (l, r) => withChange(l, describeRelationship(l), describeRelationship(r)),
  );
  return deepFreeze({
    title: `${left.title} vs ${right.title}`,
    entities: [...entities].sort((a, b) => a.name.localeCompare(b.name)),
    relationships,
    compared: { left: left.title, right: right.title },
  });
}

/** True when a merged model has no differences. */
export function hasDifferences(model: ErdModel): boolean {
  return listDifferences(model).length > 0;
}

/** One plain line per difference of a merged model, e.g. `patients.gender: azure varchar(10) NOT NULL, gcp varchar(20) NOT NULL`. */
export function listDifferences(model: ErdModel): readonly string[] {
  const sides = model.compared ?? { left: 'left', right: 'right' };
  const say = (what: string, change: Change | undefined): string | undefined => {
    if (change === undefined) return undefined;
    if (change.kind === 'only-left') return `${what}: only on ${sides.left}`;
    if (change.kind === 'only-right') return `${what}: only on ${sides.right}`;
    return `${what}: ${sides.left} ${change.left}; ${sides.right} ${change.right}`;
  };
  const lines: (string | undefined)[] = [];
  for (const e of model.entities) {
    lines.push(say(`table ${e.name}`, e.change));
    if (e.change?.kind === 'only-left' || e.change?.kind === 'only-right') continue;
    for (const a of e.attributes) lines.push(say(`column ${e.name}.${a.name}`, a.change));
    for (const ix of e.indexes) lines.push(say(`index ${e.name}.${ix.name}`, ix.change));
  }
  for (const r of model.relationships) lines.push(say(`relationship ${r.child}.${r.name}`, r.change));
  return lines.filter((l): l is string => l !== undefined);
}

function mergeEntity(l: ErdEntity, r: ErdEntity): ErdEntity {
  const attributes = mergeBy(
    l.attributes,
    r.attributes,
    (a) => a.name,
    (la, ra) => withChange(la, describeAttribute(la), describeAttribute(ra)),
  );
  const indexes = mergeBy(
    l.indexes,
    r.indexes,
    (ix) => ix.name,
    (li, ri) => withChange(li, describeIndex(li), describeIndex(ri)),
  );
  const pkLeft = `primary key (${l.primaryKey.join(', ')})`;
  const pkRight = `primary key (${r.primaryKey.join(', ')})`;
  return withChange({ ...l, attributes, indexes }, pkLeft, pkRight);
}

/** Union of two lists keyed by `key`, left order first, then right-only items; shared items merged. */
function mergeBy<T extends { readonly change?: Change }>(
  left: readonly T[],
  right: readonly T[],
  key: (item: T) => string,
  merge: (l: T, r: T) => T,
): T[] {
  const rightByKey = new Map(right.map((item) => [key(item), item]));
  const leftKeys = new Set(left.map(key));
  const out: T[] = left.map((l) => {
    const r = rightByKey.get(key(l));
    return r === undefined ? { ...l, change: { kind: 'only-left' } } : merge(l, r);
  });
  for (const r of right) if (!leftKeys.has(key(r))) out.push({ ...r, change: { kind: 'only-right' } });
  return out;
}

function withChange<T extends { readonly change?: Change }>(item: T, left: string, right: string): T {
  return left === right ? item : { ...item, change: { kind: 'changed', left, right } };
}

/** The definition of a column as one comparable line. */
export function describeAttribute(a: ErdAttribute): string {
  return [
    a.type,
    a.nullable ? 'NULL' : 'NOT NULL',
    a.default === undefined ? '' : `DEFAULT ${a.default}`,
    a.autoIncrement ? 'AUTO_INCREMENT' : '',
    a.keys.join(','),
  ]
    .filter(Boolean)
    .join(' ');
}

function describeIndex(ix: ErdIndex): string {
  return `${ix.unique ? 'UNIQUE ' : ''}(${ix.columns.join(', ')})`;
}

function describeRelationship(r: ErdRelationship): string {
  return `(${r.childColumns.join(', ')}) -> ${r.parent}(${r.parentColumns.join(', ')}) ${r.parentCardinality}/${r.childCardinality} ON DELETE ${r.onDelete} ON UPDATE ${r.onUpdate}`;
}
