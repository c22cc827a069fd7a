import type { Column, ColumnDefault, ColumnType, ForeignKey, Schema, Table } from '../../schema/index.js';

/**
 * One spelling for every equivalent definition, so the models, the chain replayed in memory and a live
 * server (MySQL or MariaDB) compare equal when they mean the same: `current_timestamp()` and `now()` are
 * CURRENT_TIMESTAMP, a NULL default on a NULL-able column is no default, `0` on a boolean is `false`,
 * NO ACTION is RESTRICT (InnoDB treats them alike), indexes and FKs are sorted by name.
 */
export function canonicalSchema(schema: Schema): Schema {
  return { tables: schema.tables.map(canonicalTable).sort((a, b) => cmp(a.name, b.name)) };
}

/**
 * Results of {@link canonicalTable} that canonicalising again would not change. The diff canonicalises
 * both sides, and a live schema's tables arrive canonical from the normaliser (often in a new schema
 * object, e.g. with a table filtered out): on 200 tables each pass cost ~0.5 ms of copies, more before the
 * JIT warms up. Tables are immutable (readonly all the way down), so the identity is enough.
 */
const FIXED_POINTS = new WeakSet<Table>();

/**
 * True when every expression of the canonical table is its own canonical form. Everything else in a
 * canonical table already is (sorted names, normalised types and literals); an expression is not when it
 * was wrapped in more than one pair of parentheses, since each pass strips one pair.
 */
function isFixedPoint(t: Table): boolean {
  return t.columns.every(
    (c) =>
      (c.default?.kind !== 'expression' || canonicalExpression(c.default.sql) === c.default.sql) &&
      // An empty ON UPDATE ('()' stripped) is dropped by the next pass.
      (c.onUpdate === undefined || (c.onUpdate !== '' && canonicalExpression(c.onUpdate) === c.onUpdate)),
  );
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** {@link canonicalSchema} for one table (the table itself when it is already canonical for good). */
export function canonicalTable(t: Table): Table {
  if (FIXED_POINTS.has(t)) return t;
  const out: Table = {
    name: t.name,
    columns: t.columns.map(canonicalColumn),
    primaryKey: [...t.primaryKey],
    indexes: [...t.indexes]
      .map((ix) => ({ name: ix.name, columns: [...ix.columns], unique: ix.unique }))
      .sort((a, b) => cmp(a.name, b.name)),
    foreignKeys: [...t.foreignKeys].map(canonicalForeignKey).sort((a, b) => cmp(a.name, b.name)),
    ...(t.comment ? { comment: t.comment } : {}),
  };
  if (isFixedPoint(out)) FIXED_POINTS.add(out);
  return out;
}

function canonicalForeignKey(fk: ForeignKey): ForeignKey {
  const action = (a: ForeignKey['onDelete']) => (a === 'NO ACTION' ? 'RESTRICT' : a);
  return {
    name: fk.name,
    columns: [...fk.columns],
    refTable: fk.refTable,
    refColumns: [...fk.refColumns],
    onDelete: action(fk.onDelete),
    onUpdate: action(fk.onUpdate),
  };
}

/** {@link canonicalSchema} for one column. */
export function canonicalColumn(c: Column): Column {
  const type = canonicalType(c.type);
  const def = c.default === undefined ? undefined : canonicalDefault(c.default, type);
  // Assignments rather than conditional spreads (once per column on both sides of every diff); the keys
  // come out in the same order.
  const out: { -readonly [K in keyof Column]: Column[K] } = { name: c.name, type, nullable: c.nullable };
  if (def !== undefined) out.default = def;
  if (c.autoIncrement) out.autoIncrement = true;
  if (c.onUpdate) out.onUpdate = canonicalExpression(c.onUpdate);
  if (c.comment) out.comment = c.comment;
  return out;
}

function canonicalType(type: ColumnType): ColumnType {
  switch (type.kind) {
    case 'int':
    case 'bigint':
    case 'smallint':
    case 'tinyint':
      return type.unsigned ? { kind: type.kind, unsigned: true } : { kind: type.kind };
    case 'datetime':
    case 'timestamp':
      return type.fsp ? { kind: type.kind, fsp: type.fsp } : { kind: type.kind };
    case 'decimal':
      return { kind: 'decimal', precision: type.precision, scale: type.scale };
    case 'varchar':
    case 'char':
      return { kind: type.kind, length: type.length };
    case 'enum':
      return { kind: 'enum', values: [...type.values] };
    default:
      return { kind: type.kind };
  }
}

/** CURRENT_TIMESTAMP, current_timestamp(), now() → CURRENT_TIMESTAMP; (3) kept as CURRENT_TIMESTAMP(3). */
export function canonicalExpression(sql: string): string {
  const s = sql
    .trim()
    .replace(/^\((.*)\)$/s, '$1')
    .trim();
  const ts = /^(current_timestamp|now|localtime|localtimestamp)\s*(?:\(\s*(\d*)\s*\))?$/i.exec(s);
  if (ts) return ts[2] ? `CURRENT_TIMESTAMP(${ts[2]})` : 'CURRENT_TIMESTAMP';
  return s;
}

function canonicalDefault(def: ColumnDefault, type: ColumnType): ColumnDefault | undefined {
  if (def.kind === 'expression') {
    const sql = canonicalExpression(def.sql);
    return /^null$/i.test(sql) ? undefined : { kind: 'expression', sql };
  }
  const v = def.value;
  if (v === null) return undefined;
  switch (type.kind) {
    case 'boolean':
      return { kind: 'literal', value: v === true || v === 1 || v === '1' || v === 'true' };
    case 'int':
    case 'bigint':
    case 'smallint':
    case 'tinyint':
    case 'float':
    case 'double':
      return { kind: 'literal', value: Number(v) };
    case 'decimal':
      return { kind: 'literal', value: Number(v).toFixed(type.scale) };
    default:
      return { kind: 'literal', value: String(v) };
  }
}
