import { diffObjects } from '../objects/diff.js';
import { AppError } from '../../errors/index.js';
import {
  CHARACTER_KINDS,
  type Column,
  type ForeignKey,
  type Index,
  type Schema,
  type Table,
} from '../../schema/index.js';
import { applyOps, needsImplicitIndex } from '../ops/apply-ops.js';
import type { Operation, TableAttributes } from '../ops/operation.js';
import { canonicalColumn, canonicalSchema, sameForeignKey } from './canonical.js';
import { sameJson } from './same-json.js';

/** Renames the user asked for. Never guessed: without them a renamed column is a drop plus an add. */
export interface Renames {
  readonly tables?: readonly { readonly from: string; readonly to: string }[];
  readonly columns?: readonly { readonly table: string; readonly from: string; readonly to: string }[];
}

const byName = <T extends { name: string }>(xs: readonly T[]) => new Map(xs.map((x) => [x.name, x]));

/**
 * The operations that turn `from` into `to` (both canonicalised first), in an order MySQL accepts:
 * renames, FK and index drops, table drops (referencing tables first), table creates (referenced tables
 * first), column changes, index creates, FK adds. Pure.
 */
export function diffSchemas(fromSchema: Schema, toSchema: Schema, renames: Renames = {}): Operation[] {
  let from = canonicalSchema(fromSchema);
  const to = canonicalSchema(toSchema);
  const out: Operation[] = [];
  const renameOps: Operation[] = [
    ...(renames.tables ?? []).map((r): Operation => ({ kind: 'renameTable', from: r.from, to: r.to })),
    ...(renames.columns ?? []).map((r): Operation => ({
      kind: 'renameColumn',
      table: r.table,
      from: r.from,
      to: r.to,
    })),
  ];
  from = canonicalSchema(applyOps(from, renameOps));
  out.push(...renameOps);

  const fromT = byName(from.tables);
  const toT = byName(to.tables);
  refuseUnsupported(from, to, fromT, toT);
  const common = to.tables.filter((t) => fromT.has(t.name));
  const dropped = from.tables.filter((t) => !toT.has(t.name));
  const created = to.tables.filter((t) => !fromT.has(t.name));
  const late: Operation[] = [];
  const phase = {
    fkDrop: [] as Operation[],
    ixDrop: [] as Operation[],
    cols: [] as Operation[],
    ixAdd: [] as Operation[],
    fkAdd: [] as Operation[],
  };

  for (const next of common) {
    const prev = fromT.get(next.name) as Table;
    if (!sameJson(prev.primaryKey, next.primaryKey)) {
      throw new AppError(
        'CAREPOOL_MIGRATE_UNSUPPORTED_CHANGE',
        `the primary key of "${next.name}" changes (${prev.primaryKey.join(', ')} → ${next.primaryKey.join(', ')}); write this migration by hand with op.sql`,
      );
    }
    diffKeyed(
      prev.foreignKeys,
      next.foreignKeys,
      sameForeignKey,
      (fk) => phase.fkDrop.push(dropFk(prev, fk)),
      (fk) => phase.fkAdd.push(addFk(next, fk)),
    );
    diffKeyed(
      prev.indexes,
      next.indexes,
      sameJson,
      (index) => phase.ixDrop.push({ kind: 'dropIndex', table: next.name, index }),
      (index) => phase.ixAdd.push({ kind: 'createIndex', table: next.name, index }),
    );
    // CHECK changes go between the added/altered columns and the dropped ones: a new CHECK may name an
    // added column, and an old one naming a dropped column must go first (MariaDB drops such a CHECK with
    // the column, so a later DROP CONSTRAINT fails with 1091; MySQL refuses the DROP COLUMN).
    const cols = diffColumns(...withTableCharset(prev, next));
    const attrs = diffTableAttributes(prev, next);
    phase.cols.push(
      ...cols.filter((op) => op.kind !== 'dropColumn'),
      ...(attrs ? [attrs] : []),
      ...cols.filter((op) => op.kind === 'dropColumn'),
    );
  }

  out.push(...phase.fkDrop, ...phase.ixDrop);
  for (const t of orderByReferences(dropped, true)) out.push({ kind: 'dropTable', table: t });
  const made = new Set(from.tables.map((t) => t.name));
  for (const t of orderByReferences(created, false)) {
    const inline = t.foreignKeys.filter((fk) => made.has(fk.refTable) || fk.refTable === t.name);
    for (const fk of t.foreignKeys.filter((f) => !inline.includes(f))) late.push(addFk(t, fk));
    out.push({ kind: 'createTable', table: { ...t, foreignKeys: inline } });
    made.add(t.name);
  }
  out.push(...phase.cols, ...phase.ixAdd, ...phase.fkAdd, ...late);
  // Kinds one side could not list (hidden routines) are left out on both sides: named by objectsNotCompared.
  const hidden = new Set([
    ...(fromSchema.hiddenObjects?.kinds ?? []),
    ...(toSchema.hiddenObjects?.kinds ?? []),
  ]);
  const visible = (list: Schema['objects']) =>
    hidden.size === 0 ? list : list?.filter((o) => !hidden.has(o.kind));
  const objects = diffObjects(
    visible(fromSchema.objects),
    visible(toSchema.objects),
    new Set(dropped.map((t) => t.name)),
  );
  return objects.before.length + objects.after.length === 0
    ? out
    : [...objects.before, ...out, ...objects.after];
}

function diffKeyed<T extends { name: string }>(
  prev: readonly T[],
  next: readonly T[],
  same: (a: T, b: T) => boolean,
  drop: (x: T) => void,
  add: (x: T) => void,
): void {
  const p = byName(prev);
  const n = byName(next);
  for (const x of prev) {
    const y = n.get(x.name);
    if (y === undefined || !same(x, y)) drop(x);
  }
  for (const x of next) {
    const y = p.get(x.name);
    if (y === undefined || !same(y, x)) add(x);
  }
}

/**
 * Refuses (CAREPOOL_MIGRATE_UNSUPPORTED_TABLE) when a table the diff would touch is unsupported on either
 * side: no DDL is ever guessed for a table the model cannot represent. Two unsupported tables with the
 * same SHOW CREATE TABLE text are unchanged and pass.
 */
function refuseUnsupported(
  from: Schema,
  to: Schema,
  fromT: ReadonlyMap<string, Table>,
  toT: ReadonlyMap<string, Table>,
): void {
  const problems: string[] = [];
  for (const t of [...from.tables, ...to.tables.filter((x) => !fromT.has(x.name))]) {
    const a = fromT.get(t.name);
    const b = toT.get(t.name);
    const bad = a?.unsupported ?? b?.unsupported;
    if (!bad) continue;
    if (
      a &&
      b &&
      a.unsupported &&
      b.unsupported &&
      a.unsupported.createStatement === b.unsupported.createStatement
    )
      continue;
    problems.push(`${t.name} (${bad.reason})`);
  }
  if (problems.length > 0) {
    throw new AppError(
      'CAREPOOL_MIGRATE_UNSUPPORTED_TABLE',
      `no DDL generated for ${problems.length === 1 ? 'table' : 'tables'} ${problems.join('; ')}`,
      { meta: { tables: problems } },
    );
  }
}

/**
 * The `alterTable` operation for comment, CHECK and option changes, or null. Options are compared key by
 * key and only when both sides state them (a model without options has no opinion on the engine).
 */
function diffTableAttributes(prev: Table, next: Table): Operation | null {
  const from: TableAttributes = pickAttributes(prev);
  const to: TableAttributes = pickAttributes(next);
  const checks = (t: TableAttributes) => JSON.stringify(t.checks ?? []);
  const p = prev.options;
  const n = next.options;
  const optionChanged =
    p !== undefined &&
    n !== undefined &&
    ((n.engine !== undefined &&
      p.engine !== undefined &&
      n.engine.toLowerCase() !== p.engine.toLowerCase()) ||
      (n.collation !== undefined && p.collation !== undefined && n.collation !== p.collation) ||
      (n.charset !== undefined && p.charset !== undefined && n.charset !== p.charset) ||
      (n.createOptions !== undefined &&
        JSON.stringify([...n.createOptions].sort()) !== JSON.stringify([...(p.createOptions ?? [])].sort())));
  if ((prev.comment ?? '') === (next.comment ?? '') && checks(from) === checks(to) && !optionChanged)
    return null;
  return { kind: 'alterTable', table: next.name, from, to };
}

const pickAttributes = (t: Table): TableAttributes => ({
  ...(t.comment ? { comment: t.comment } : {}),
  ...(t.checks && t.checks.length > 0 ? { checks: t.checks } : {}),
  ...(t.options ? { options: t.options } : {}),
});

const dropFk = (t: Table, fk: ForeignKey): Operation => ({
  kind: 'dropForeignKey',
  table: t.name,
  foreignKey: fk,
  implicitIndex: needsImplicitIndex({ ...t, foreignKeys: [] }, fk),
});

const addFk = (t: Table, fk: ForeignKey): Operation => ({
  kind: 'addForeignKey',
  table: t.name,
  foreignKey: fk,
  implicitIndex: needsImplicitIndex(t, fk),
});

function diffColumns(prev: Table, next: Table): Operation[] {
  const out: Operation[] = [];
  const p = byName(prev.columns);
  const n = byName(next.columns);
  for (const [i, c] of next.columns.entries()) {
    const old = p.get(c.name);
    if (old === undefined) {
      const tailIsNew = next.columns.slice(i).every((x) => !p.has(x.name));
      const after = i === 0 ? null : (next.columns[i - 1] as Column).name;
      out.push({ kind: 'addColumn', table: next.name, column: c, ...(tailIsNew ? {} : { after }) });
    } else if (!sameJson(old, c)) {
      out.push({ kind: 'alterColumn', table: next.name, from: old, to: c });
    }
  }
  // Last column first, so the inverse (re-adding them, first column first) always finds its AFTER column.
  for (const [i, c] of [...prev.columns.entries()].reverse()) {
    if (!n.has(c.name)) {
      const after = i === 0 ? null : (prev.columns[i - 1] as Column).name;
      out.push({ kind: 'dropColumn', table: next.name, column: c, after });
    }
  }
  return out;
}

/**
 * When a table's default collation changes (both sides state it), its character columns that inherit it
 * are given the collation explicitly on both sides, so the diff alters them to the new one. The server
 * converts no column when only the table default changes (`ALTER TABLE … DEFAULT CHARSET=…`), and a
 * model column without a collation means "the table's": without this, the columns would keep the old
 * character set and the change would never converge. Canonicalisation drops a collation equal to the
 * table's again, as SHOW CREATE TABLE does.
 */
function withTableCharset(prev: Table, next: Table): [Table, Table] {
  const a = prev.options?.collation;
  const b = next.options?.collation;
  if (a === undefined || b === undefined || a === b) return [prev, next];
  const explicit = (t: Table, collation: string): Table => ({
    ...t,
    columns: t.columns.map((c) =>
      c.collation !== undefined || c.charset !== undefined || !CHARACTER_KINDS.has(c.type.kind)
        ? c
        : canonicalColumn({
            ...c,
            charset: t.options?.charset ?? collation.split('_')[0] ?? collation,
            collation,
          }),
    ),
  });
  return [explicit(prev, a), explicit(next, b)];
}

/**
 * Tables ordered so referenced tables come first (`reverse`: last, for drops). Cycles fall back to name
 * order; the caller adds such FKs after all tables exist.
 */
function orderByReferences(tables: readonly Table[], reverse: boolean): Table[] {
  const names = new Set(tables.map((t) => t.name));
  const done = new Set<string>();
  const out: Table[] = [];
  const visit = (t: Table, path: Set<string>) => {
    if (done.has(t.name) || path.has(t.name)) return;
    path.add(t.name);
    for (const fk of t.foreignKeys) {
      const ref = tables.find((x) => x.name === fk.refTable);
      if (ref && names.has(ref.name) && ref.name !== t.name) visit(ref, path);
    }
    done.add(t.name);
    out.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return reverse ? out.reverse() : out;
}

/** True when the two schemas mean the same (after canonicalisation). */
export function schemasEqual(a: Schema, b: Schema): boolean {
  return diffSchemas(a, b).length === 0;
}

export type { Index };
