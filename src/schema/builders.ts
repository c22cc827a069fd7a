import type {
  Column,
  ColumnDefault,
  ColumnType,
  FkAction,
  ForeignKey,
  Index,
  Schema,
  Table,
} from './types.js';

/**
 * Small builders that keep model definitions short and typed. They produce the plain frozen data of
 * ./types.ts and, through {@link RowOf}, the TypeScript row types the query layer uses.
 */

/** A column under construction; `T` is its TypeScript value type. */
export interface ColumnDef<T> {
  readonly spec: Omit<Column, 'name'>;
  /** Phantom: the value type of the column. */
  readonly __type?: T;
}

/** Marks a column NULL-able. */
export function nullable<T>(col: ColumnDef<T>): ColumnDef<T | null> {
  return { spec: { ...col.spec, nullable: true } };
}

/** Gives a column a literal default value. */
export function withDefault<T>(col: ColumnDef<T>, value: string | number | boolean | null): ColumnDef<T> {
  const def: ColumnDefault = { kind: 'literal', value };
  return { spec: { ...col.spec, default: def } };
}

/** Gives a column a SQL-expression default such as CURRENT_TIMESTAMP. */
export function withDefaultSql<T>(col: ColumnDef<T>, sql: string): ColumnDef<T> {
  return { spec: { ...col.spec, default: { kind: 'expression', sql } } };
}

const col = <T>(type: ColumnType): ColumnDef<T> => ({ spec: { type, nullable: false } });

/** Column type builders. Columns are NOT NULL unless wrapped in {@link nullable}. */
export const t = {
  /** INT AUTO_INCREMENT, meant for a surrogate primary key. */
  id: (): ColumnDef<number> => ({ spec: { type: { kind: 'int' }, nullable: false, autoIncrement: true } }),
  int: (): ColumnDef<number> => col({ kind: 'int' }),
  bigint: (): ColumnDef<string> => col({ kind: 'bigint' }),
  smallint: (): ColumnDef<number> => col({ kind: 'smallint' }),
  boolean: (): ColumnDef<boolean> => col({ kind: 'boolean' }),
  decimal: (precision: number, scale: number): ColumnDef<string> =>
    col({ kind: 'decimal', precision, scale }),
  varchar: (length: number): ColumnDef<string> => col({ kind: 'varchar', length }),
  char: (length: number): ColumnDef<string> => col({ kind: 'char', length }),
  text: (): ColumnDef<string> => col({ kind: 'text' }),
  /** DATE, carried as an ISO `YYYY-MM-DD` string (the driver is set to `dateStrings`). */
  date: (): ColumnDef<string> => col({ kind: 'date' }),
  /** DATETIME(fsp), carried as `YYYY-MM-DD HH:MM:SS[.fff]`. */
  datetime: (fsp?: number): ColumnDef<string> =>
    col(fsp === undefined ? { kind: 'datetime' } : { kind: 'datetime', fsp }),
  timestamp: (fsp?: number): ColumnDef<string> =>
    col(fsp === undefined ? { kind: 'timestamp' } : { kind: 'timestamp', fsp }),
  enum: <const V extends string>(...values: V[]): ColumnDef<V> => col({ kind: 'enum', values }),
} as const;

/** Options of {@link table} besides columns. */
export interface TableOptions<C extends string> {
  readonly primaryKey?: readonly C[];
  readonly indexes?: readonly { name?: string; columns: readonly C[]; unique?: boolean }[];
  readonly foreignKeys?: readonly {
    name?: string;
    columns: readonly C[];
    references: { table: string; columns: readonly string[] };
    onDelete?: FkAction;
    onUpdate?: FkAction;
  }[];
  readonly comment?: string;
}

/** A table model: the frozen {@link Table} plus its row type (phantom). */
export interface TableModel<Cols extends Record<string, ColumnDef<unknown>>> {
  readonly table: Table;
  readonly __row?: { [K in keyof Cols]: Cols[K] extends ColumnDef<infer T> ? T : never };
}

/** The row type of a table model. */
export type RowOf<M> =
  M extends TableModel<infer C> ? { [K in keyof C]: C[K] extends ColumnDef<infer T> ? T : never } : never;

/**
 * Defines a table. Columns keep the insertion order of `columns`. Index and FK names default to
 * MySQL-style names (`ix_<table>_<cols>`, `fk_<table>_<cols>`), so the models never depend on server naming.
 */
export function table<const Cols extends Record<string, ColumnDef<unknown>>>(
  name: string,
  columns: Cols,
  options: TableOptions<Extract<keyof Cols, string>> = {},
): TableModel<Cols> {
  const cols: Column[] = Object.entries(columns).map(([colName, def]) => ({ name: colName, ...def.spec }));
  const autoPk = cols.filter((c) => c.autoIncrement).map((c) => c.name);
  const indexes: Index[] = (options.indexes ?? []).map((ix) => ({
    name: ix.name ?? `${ix.unique ? 'uq' : 'ix'}_${name}_${ix.columns.join('_')}`,
    columns: [...ix.columns],
    unique: ix.unique ?? false,
  }));
  const foreignKeys: ForeignKey[] = (options.foreignKeys ?? []).map((fk) => ({
    name: fk.name ?? `fk_${name}_${fk.columns.join('_')}`,
    columns: [...fk.columns],
    refTable: fk.references.table,
    refColumns: [...fk.references.columns],
    onDelete: fk.onDelete ?? 'RESTRICT',
    onUpdate: fk.onUpdate ?? 'RESTRICT',
  }));
  const result: Table = deepFreeze({
    name,
    columns: cols,
    primaryKey: [...(options.primaryKey ?? autoPk)],
    indexes,
    foreignKeys,
    ...(options.comment === undefined ? {} : { comment: options.comment }),
  });
  return { table: result };
}

/** Builds a frozen {@link Schema} from table models, sorted by table name. */
export function schema(...models: readonly { readonly table: Table }[]): Schema {
  const tables = models.map((m) => m.table).sort((a, b) => a.name.localeCompare(b.name));
  return deepFreeze({ tables });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
