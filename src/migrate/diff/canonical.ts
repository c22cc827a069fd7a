import type {
  Column,
  ColumnDefault,
  ColumnType,
  ForeignKey,
  Index,
  IndexPart,
  Schema,
  Table,
} from '../../schema/index.js';

/**
 * One spelling for every equivalent definition, so the models, the chain replayed in memory and a live
 * server (MySQL or MariaDB) compare equal when they mean the same: `current_timestamp()` and `now()` are
 * CURRENT_TIMESTAMP, a NULL default on a NULL-able column is no default, `0` on a boolean is `false`,
 * attributes at their defaults are left out, indexes, FKs and CHECKs are sorted by name.
 */
export function canonicalSchema(schema: Schema): Schema {
  const tables = schema.tables.map(canonicalTable).sort((a, b) => cmp(a.name, b.name));
  return schema.objects === undefined ? { tables } : { tables, objects: schema.objects };
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
  const collation = t.options?.collation?.toLowerCase();
  const out: { -readonly [K in keyof Table]: Table[K] } = {
    name: t.name,
    columns: t.columns.map((c) => inheritCollation(canonicalColumn(c), collation)),
    primaryKey: [...t.primaryKey],
    indexes: [...t.indexes].map(canonicalIndex).sort((a, b) => cmp(a.name, b.name)),
    foreignKeys: [...t.foreignKeys].map(canonicalForeignKey).sort((a, b) => cmp(a.name, b.name)),
  };
  if (t.comment) out.comment = t.comment;
  if (t.checks && t.checks.length > 0)
    out.checks = t.checks
      .map((c) => ({
        name: c.name,
        clause: c.clause.trim(),
        ...(c.notEnforced ? { notEnforced: true } : {}),
      }))
      .sort((a, b) => cmp(a.name, b.name));
  const options = canonicalOptions(t.options);
  if (options) out.options = options;
  if (t.gipk) out.gipk = true;
  if (t.unsupported) out.unsupported = { ...t.unsupported };
  if (isFixedPoint(out)) FIXED_POINTS.add(out);
  return out;
}

function canonicalOptions(o: Table['options']): Table['options'] | undefined {
  if (!o) return undefined;
  const out: { -readonly [K in keyof NonNullable<Table['options']>]: NonNullable<Table['options']>[K] } = {};
  if (o.engine) out.engine = o.engine;
  if (o.charset) out.charset = o.charset.toLowerCase();
  if (o.collation) out.collation = o.collation.toLowerCase();
  if (o.createOptions && o.createOptions.length > 0) out.createOptions = [...o.createOptions];
  return Object.keys(out).length > 0 ? out : undefined;
}

/** An index with only the attributes that differ from a plain ascending B-tree index, in a fixed key order. */
export function canonicalIndex(ix: Index): Index {
  const out: { -readonly [K in keyof Index]: Index[K] } = {
    name: ix.name,
    columns: [...ix.columns],
    unique: ix.unique,
  };
  if (ix.type) out.type = ix.type;
  const plain = (p: IndexPart) => p.column !== undefined && !p.expression && !p.length && !p.desc;
  if (ix.parts && !ix.parts.every(plain)) {
    out.parts = ix.parts.map((p) => {
      const part: { -readonly [K in keyof IndexPart]: IndexPart[K] } = {};
      if (p.column !== undefined) part.column = p.column;
      if (p.expression) part.expression = p.expression;
      if (p.length) part.length = p.length;
      if (p.desc) part.desc = true;
      return part;
    });
  }
  if (ix.using) out.using = ix.using;
  if (ix.parser) out.parser = ix.parser;
  if (ix.comment) out.comment = ix.comment;
  if (ix.invisible) out.invisible = true;
  return out;
}

/**
 * A foreign key with its actions as stored. RESTRICT and NO ACTION mean the same to InnoDB, but MariaDB
 * prints only NO ACTION and MySQL only RESTRICT, so the model keeps the spelling and the diff compares
 * them as equal ({@link sameForeignKey}).
 */
function canonicalForeignKey(fk: ForeignKey): ForeignKey {
  return {
    name: fk.name,
    columns: [...fk.columns],
    refTable: fk.refTable,
    refColumns: [...fk.refColumns],
    onDelete: fk.onDelete,
    onUpdate: fk.onUpdate,
  };
}

/** True when two foreign keys are the same constraint for InnoDB (NO ACTION = RESTRICT). */
export function sameForeignKey(a: ForeignKey, b: ForeignKey): boolean {
  const action = (x: ForeignKey['onDelete']) => (x === 'NO ACTION' ? 'RESTRICT' : x);
  return (
    a.name === b.name &&
    a.refTable === b.refTable &&
    action(a.onDelete) === action(b.onDelete) &&
    action(a.onUpdate) === action(b.onUpdate) &&
    a.columns.join('\u0000') === b.columns.join('\u0000') &&
    a.refColumns.join('\u0000') === b.refColumns.join('\u0000')
  );
}

/**
 * A column whose collation is the table's states none, as SHOW CREATE TABLE prints it (and introspection
 * reads it): a model or an applied operation may spell it out (the diff does when the table's changes).
 */
function inheritCollation(c: Column, tableCollation: string | undefined): Column {
  if (tableCollation === undefined || c.collation !== tableCollation) return c;
  const { charset: _charset, collation: _collation, ...rest } = c;
  return rest;
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
  if (c.charset) out.charset = c.charset.toLowerCase();
  if (c.collation) out.collation = c.collation.toLowerCase();
  if (c.generated) out.generated = { expression: c.generated.expression.trim(), stored: c.generated.stored };
  if (c.invisible) out.invisible = true;
  if (c.check) out.check = c.check.trim();
  return out;
}

/** The type with its attributes in a fixed order and the ones at their default left out. */
export function canonicalType(type: ColumnType): ColumnType {
  const src = type as Record<string, unknown>;
  const out: Record<string, unknown> = { kind: type.kind };
  for (const key of TYPE_KEYS) {
    const v = src[key];
    if (v === undefined || v === false || (key === 'fsp' && v === 0)) continue;
    out[key] = Array.isArray(v) ? [...(v as string[])] : v;
  }
  if (out.zerofill) out.unsigned = true;
  return reorder(out) as ColumnType;
}

const TYPE_KEYS = ['unsigned', 'zerofill', 'width', 'precision', 'scale', 'length', 'fsp', 'values', 'srid'];

function reorder(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: o.kind };
  for (const key of TYPE_KEYS) if (o[key] !== undefined) out[key] = o[key];
  return out;
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
    case 'mediumint':
    case 'year':
    case 'float':
    case 'double': {
      // A number the server prints back the same; beyond 2^53 (BIGINT) the digits stay a string.
      const n = Number(v);
      return { kind: 'literal', value: Number.isSafeInteger(n) || !Number.isInteger(n) ? n : String(v) };
    }
    case 'decimal':
      return { kind: 'literal', value: Number(v).toFixed(type.scale) };
    default:
      return { kind: 'literal', value: String(v) };
  }
}
