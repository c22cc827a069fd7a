import type {
  Column,
  ColumnDefault,
  ColumnType,
  FkAction,
  ForeignKey,
  Index,
  Schema,
  Table,
} from '../../schema/index.js';
import { canonicalExpression, canonicalSchema } from '../diff/canonical.js';
import { parseServer } from '../server.js';
import { parseColumnType } from './parse-type.js';
import type { RawCatalog, RawColumn, RawForeignKeyPart, RawIndexPart } from './raw-catalog.js';

/** carepool's own bookkeeping tables: never part of a schema diff. */
export const BOOKKEEPING_TABLES: readonly string[] = ['carepool_migrations', 'carepool_migration_journal'];

/** Options for {@link normalizeCatalog}. */
export interface NormalizeOptions {
  /** Tables to leave out (default: carepool's bookkeeping tables). */
  readonly exclude?: readonly string[];
}

const num = (v: number | string | null | undefined): number => Number(v ?? 0);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Turns raw information_schema rows (MySQL 8.0/8.4 or MariaDB ≥ 10.6) into a canonical {@link Schema}.
 * Pure, so recorded MySQL fixtures and live MariaDB rows go through exactly the same code. Handles
 * MariaDB's quoted COLUMN_DEFAULT (≥ 10.2.7), MySQL's DEFAULT_GENERATED, display widths, tinyint(1),
 * `current_timestamp()` vs `CURRENT_TIMESTAMP`, indexes InnoDB adds for foreign keys, MariaDB's JSON as
 * LONGTEXT + CHECK(json_valid), and Azure's generated invisible primary key (`my_row_id`).
 */
export function normalizeCatalog(raw: RawCatalog, options: NormalizeOptions = {}): Schema {
  const exclude = new Set(options.exclude ?? BOOKKEEPING_TABLES);
  const server = parseServer(raw.server.version, raw.server.comment);
  const mariadb = server?.flavor === 'mariadb';
  const jsonChecks = new Set(
    raw.checks
      .filter((c) => /^json_valid\(`?[^`]+`?\)$/i.test(c.check_clause.trim()))
      .map((c) => `${c.table_name}.${c.constraint_name}`),
  );
  // One pass over each row list (rows keep their order within a table): a 200-table catalog has ~1,600
  // column rows, and filtering them per table was the largest client cost of introspection.
  const columnsOf = groupBy(raw.columns, (c) => c.table_name);
  const indexPartsOf = groupBy(raw.indexes, (i) => i.table_name);
  const fkPartsOf = groupBy(raw.foreignKeys, (f) => f.table_name);
  // A schema repeats a handful of column types: parse each COLUMN_TYPE once (the result is copied by
  // canonicalSchema below, so sharing it here is safe).
  const types = new Map<string, ColumnType>();
  const typeOf = (c: RawColumn): ColumnType => {
    const key = `${c.column_type}\u0000${c.data_type}`;
    let type = types.get(key);
    if (type === undefined) types.set(key, (type = parseColumnType(c.column_type, c.data_type)));
    return type;
  };
  const tables: Table[] = [];
  for (const rt of raw.tables) {
    if (exclude.has(rt.table_name)) continue;
    const name = rt.table_name;
    const rawCols = [...(columnsOf.get(name) ?? [])].sort(
      (a, b) => num(a.ordinal_position) - num(b.ordinal_position),
    );
    const gipk = rawCols.find(
      (c) =>
        c.column_name === 'my_row_id' &&
        /invisible/i.test(c.extra ?? '') &&
        /auto_increment/i.test(c.extra ?? ''),
    );
    const columns = rawCols
      .filter((c) => c !== gipk)
      .map((c) => toColumn(c, typeOf(c), mariadb, jsonChecks.has(`${name}.${c.column_name}`)));
    // Index parts by index, in order of first appearance (canonicalSchema sorts the indexes by name).
    const partsOf = groupBy(
      (indexPartsOf.get(name) ?? []).filter((p) => p.column_name !== null),
      (p) => p.index_name,
    );
    const colsOf = (parts: readonly RawIndexPart[]) =>
      [...parts]
        .sort((a, b) => num(a.seq_in_index) - num(b.seq_in_index))
        .map((p) => p.column_name as string);
    const pkParts = partsOf.get('PRIMARY');
    let primaryKey = pkParts ? colsOf(pkParts) : [];
    if (gipk && primaryKey.length === 1 && primaryKey[0] === gipk.column_name) primaryKey = [];
    const foreignKeys = toForeignKeys(fkPartsOf.get(name) ?? []);
    const indexes: Index[] = [];
    for (const [ix, parts] of partsOf) {
      if (ix === 'PRIMARY') continue;
      const index = { name: ix, columns: colsOf(parts), unique: num(parts[0]?.non_unique) === 0 };
      // InnoDB names the index it creates for a FK after the constraint: it is not part of the model.
      if (
        index.unique === false &&
        foreignKeys.some((fk) => fk.name === index.name && sameCols(fk.columns, index.columns))
      )
        continue;
      indexes.push(index);
    }
    tables.push({
      name,
      columns,
      primaryKey,
      indexes,
      foreignKeys,
      ...(rt.table_comment ? { comment: rt.table_comment } : {}),
    });
  }
  return canonicalSchema({ tables });
}

/** Rows grouped by key; groups and the rows in each keep the input order. */
function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

const sameCols = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((c, i) => b[i] === c);

function toColumn(c: RawColumn, type: ColumnType, mariadb: boolean, jsonCheck: boolean): Column {
  const extra = c.extra ?? '';
  const def = toDefault(c.column_default, extra, mariadb);
  const onUpdate = /on update\s+(\S+(?:\(\d*\))?)/i.exec(extra)?.[1];
  // Built by assignment, not conditional spreads: this runs once per column (1,600 on 200 tables), mostly
  // before the JIT has optimised it. Same keys, same order.
  const column: Mutable<Column> = {
    name: c.column_name,
    type: jsonCheck && type.kind === 'longtext' ? { kind: 'json' } : type,
    nullable: c.is_nullable.toUpperCase() === 'YES',
  };
  if (def !== undefined) column.default = def;
  if (/auto_increment/i.test(extra)) column.autoIncrement = true;
  if (onUpdate) column.onUpdate = canonicalExpression(onUpdate);
  if (c.column_comment) column.comment = c.column_comment;
  return column;
}

/**
 * MariaDB ≥ 10.2.7 stores COLUMN_DEFAULT as SQL: `'text'` quoted, numbers bare, `NULL` for an explicit
 * NULL default, functions as `current_timestamp()`. MySQL 8 stores the bare value and marks expressions
 * with DEFAULT_GENERATED in EXTRA (MySQL manual 26.3.8 "The INFORMATION_SCHEMA COLUMNS Table").
 */
export function toDefault(value: string | null, extra: string, mariadb: boolean): ColumnDefault | undefined {
  if (value === null) return undefined;
  if (mariadb) {
    if (value === 'NULL') return undefined;
    const quoted = /^'(.*)'$/s.exec(value);
    if (quoted)
      return { kind: 'literal', value: (quoted[1] ?? '').replace(/''/g, "'").replace(/\\\\/g, '\\') };
    if (/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(value)) return { kind: 'literal', value };
    return { kind: 'expression', sql: canonicalExpression(value) };
  }
  if (/DEFAULT_GENERATED/i.test(extra)) return { kind: 'expression', sql: canonicalExpression(value) };
  return { kind: 'literal', value };
}

function toForeignKeys(parts: readonly RawForeignKeyPart[]): ForeignKey[] {
  return [...groupBy(parts, (p) => p.constraint_name)].map(([name, group]) => {
    const ps = [...group].sort((a, b) => num(a.ordinal_position) - num(b.ordinal_position));
    const first = ps[0] as (typeof ps)[number];
    return {
      name,
      columns: ps.map((p) => p.column_name),
      refTable: first.referenced_table_name,
      refColumns: ps.map((p) => p.referenced_column_name),
      onDelete: first.delete_rule.toUpperCase() as FkAction,
      onUpdate: first.update_rule.toUpperCase() as FkAction,
    };
  });
}
