import type { ForeignKey, Schema, Table } from '../schema/index.js';
import { formatColumnType, formatDefault } from './column-type.js';
import { isInternalTable } from './internal.js';
import type { Cardinality, ErdAttribute, ErdEntity, ErdModel, ErdRelationship, KeyMarker } from './types.js';

/**
 * Derives the ERD of a schema: every table with its columns, key markers and indexes, and one relationship
 * per foreign key with its crow's-foot cardinality read from the constraints (see {@link ErdRelationship}).
 */
export function buildErdModel(schema: Schema, title = 'schema'): ErdModel {
  // Clinical tables first, carepool's own (carepool_*) after them: the diagram is laid out in this order.
  const rank = (name: string) => (isInternalTable(name) ? 1 : 0);
  const entities = [...schema.tables]
    .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name))
    .map(toEntity);
  const relationships = schema.tables
    .flatMap((t) => t.foreignKeys.map((fk) => toRelationship(t, fk)))
    .sort((a, b) => a.child.localeCompare(b.child) || a.name.localeCompare(b.name));
  return deepFreeze({ title, entities, relationships });
}

function toEntity(table: Table): ErdEntity {
  const fkColumns = new Set(table.foreignKeys.flatMap((fk) => fk.columns));
  // A single-column unique index marks its column UK; composite unique indexes are shown as indexes only.
  const ukColumns = new Set(
    table.indexes.filter((ix) => ix.unique && ix.columns.length === 1).flatMap((ix) => ix.columns),
  );
  const attributes = table.columns.map((c): ErdAttribute => {
    const keys: KeyMarker[] = [];
    if (table.primaryKey.includes(c.name)) keys.push('PK');
    if (fkColumns.has(c.name)) keys.push('FK');
    if (ukColumns.has(c.name)) keys.push('UK');
    return {
      name: c.name,
      type: formatColumnType(c.type),
      nullable: c.nullable,
      keys,
      autoIncrement: c.autoIncrement === true,
      ...(c.default === undefined ? {} : { default: formatDefault(c.default) }),
      ...(c.comment === undefined || c.comment === '' ? {} : { comment: c.comment }),
    };
  });
  return {
    name: table.name,
    attributes,
    primaryKey: [...table.primaryKey],
    indexes: [...table.indexes]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((ix) => ({ name: ix.name, columns: [...ix.columns], unique: ix.unique })),
    ...(table.comment === undefined || table.comment === '' ? {} : { comment: table.comment }),
  };
}

function toRelationship(child: Table, fk: ForeignKey): ErdRelationship {
  const cols = fk.columns.map((name) => child.columns.find((c) => c.name === name));
  const allNotNull = cols.every((c) => c !== undefined && !c.nullable);
  const uniqueSets = [child.primaryKey, ...child.indexes.filter((ix) => ix.unique).map((ix) => ix.columns)];
  const unique = uniqueSets.some((set) => sameSet(set, fk.columns));
  const parentCardinality: Cardinality = allNotNull ? 'exactly-one' : 'zero-or-one';
  const childCardinality: Cardinality = unique ? 'zero-or-one' : 'zero-or-more';
  return {
    name: fk.name,
    child: child.name,
    childColumns: [...fk.columns],
    parent: fk.refTable,
    parentColumns: [...fk.refColumns],
    parentCardinality,
    childCardinality,
    identifying: fk.columns.every((c) => child.primaryKey.includes(c)),
    onDelete: fk.onDelete,
    onUpdate: fk.onUpdate,
  };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length > 0 && a.length === b.length && a.every((x) => b.includes(x));
}

/** Freezes a freshly built value (the model is handed out to renderers and the web app). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
