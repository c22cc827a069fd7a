import type {
  BlobKind,
  Check,
  Column,
  ColumnDefault,
  ColumnType,
  FkAction,
  ForeignKey,
  Generated,
  Index,
  IndexPart,
  Schema,
  SpatialKind,
  StorageOptions,
  Table,
  TextKind,
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

/** Numeric attributes: UNSIGNED, ZEROFILL (implies UNSIGNED) and, for integers, a display width. */
export interface NumericOptions {
  readonly unsigned?: boolean;
  readonly zerofill?: boolean;
  /** Integer display width, only when it is not the server's default (MariaDB keeps widths). */
  readonly width?: number;
}

/** Only the attributes that are set (the model leaves defaults out). */
function numeric(o: NumericOptions = {}, width = false) {
  return {
    ...(o.unsigned || o.zerofill ? { unsigned: true } : {}),
    ...(o.zerofill ? { zerofill: true } : {}),
    ...(width && o.width !== undefined ? { width: o.width } : {}),
  };
}

const integer =
  <T>(kind: 'tinyint' | 'smallint' | 'mediumint' | 'int' | 'bigint') =>
  (o?: NumericOptions): ColumnDef<T> =>
    col({ kind, ...numeric(o, true) });
const fsp =
  <T>(kind: 'time' | 'datetime' | 'timestamp') =>
  (p?: number): ColumnDef<T> =>
    col(p === undefined || p === 0 ? { kind } : { kind, fsp: p });
const lob =
  <T>(kind: TextKind | BlobKind) =>
  (): ColumnDef<T> =>
    col({ kind });
const spatial =
  (kind: SpatialKind) =>
  (srid?: number): ColumnDef<string> =>
    col(srid === undefined ? { kind } : { kind, srid });
const real =
  (kind: 'float' | 'double') =>
  (o: NumericOptions & { precision?: number; scale?: number } = {}) =>
    col<number>({
      kind,
      ...(o.precision === undefined ? {} : { precision: o.precision, scale: o.scale ?? 0 }),
      ...numeric(o),
    });

/**
 * Column type builders: every type MySQL 8.0/8.4 and MariaDB 10.6+ store (docs/schema-model.md). Columns
 * are NOT NULL unless wrapped in {@link nullable}; other attributes come from {@link withOptions}.
 */
export const t = {
  /** INT AUTO_INCREMENT, meant for a surrogate primary key. */
  id: (): ColumnDef<number> => ({ spec: { type: { kind: 'int' }, nullable: false, autoIncrement: true } }),
  tinyint: integer<number>('tinyint'),
  smallint: integer<number>('smallint'),
  mediumint: integer<number>('mediumint'),
  int: integer<number>('int'),
  /** BIGINT, carried as a string (beyond 2^53). */
  bigint: integer<string>('bigint'),
  boolean: (): ColumnDef<boolean> => col({ kind: 'boolean' }),
  /** BIT(n), 1..64. */
  bit: (length = 1): ColumnDef<Buffer> => col({ kind: 'bit', length }),
  decimal: (precision: number, scale: number, o?: NumericOptions): ColumnDef<string> =>
    col({ kind: 'decimal', precision, scale, ...numeric(o) }),
  float: real('float'),
  double: real('double'),
  varchar: (length: number): ColumnDef<string> => col({ kind: 'varchar', length }),
  char: (length: number): ColumnDef<string> => col({ kind: 'char', length }),
  binary: (length: number): ColumnDef<Buffer> => col({ kind: 'binary', length }),
  varbinary: (length: number): ColumnDef<Buffer> => col({ kind: 'varbinary', length }),
  tinytext: lob<string>('tinytext'),
  text: lob<string>('text'),
  mediumtext: lob<string>('mediumtext'),
  longtext: lob<string>('longtext'),
  tinyblob: lob<Buffer>('tinyblob'),
  blob: lob<Buffer>('blob'),
  mediumblob: lob<Buffer>('mediumblob'),
  longblob: lob<Buffer>('longblob'),
  /** DATE, carried as an ISO `YYYY-MM-DD` string (the driver is set to `dateStrings`). */
  date: (): ColumnDef<string> => col({ kind: 'date' }),
  year: (): ColumnDef<number> => col({ kind: 'year' }),
  /** TIME(fsp). */
  time: fsp<string>('time'),
  /** DATETIME(fsp), carried as `YYYY-MM-DD HH:MM:SS[.fff]`. */
  datetime: fsp<string>('datetime'),
  timestamp: fsp<string>('timestamp'),
  enum: <const V extends string>(...values: V[]): ColumnDef<V> => col({ kind: 'enum', values }),
  /** SET: a comma-separated subset of the members. */
  set: <const V extends string>(...values: V[]): ColumnDef<string> => col({ kind: 'set', values }),
  /** JSON (MariaDB: LONGTEXT COLLATE utf8mb4_bin CHECK (json_valid(col))). */
  json: (): ColumnDef<unknown> => col({ kind: 'json' }),
  geometry: spatial('geometry'),
  point: spatial('point'),
  linestring: spatial('linestring'),
  polygon: spatial('polygon'),
  multipoint: spatial('multipoint'),
  multilinestring: spatial('multilinestring'),
  multipolygon: spatial('multipolygon'),
  geometrycollection: spatial('geometrycollection'),
  /** MariaDB 10.7+ UUID. */
  uuid: (): ColumnDef<string> => col({ kind: 'uuid' }),
  /** MariaDB 10.10+ INET4. */
  inet4: (): ColumnDef<string> => col({ kind: 'inet4' }),
  /** MariaDB 10.5+ INET6. */
  inet6: (): ColumnDef<string> => col({ kind: 'inet6' }),
} as const;

/** Column attributes besides type, nullability and default. */
export interface ColumnOptions {
  readonly charset?: string;
  readonly collation?: string;
  readonly comment?: string;
  readonly invisible?: boolean;
  /** ON UPDATE expression, e.g. CURRENT_TIMESTAMP(3). */
  readonly onUpdate?: string;
  readonly autoIncrement?: boolean;
  /** `GENERATED ALWAYS AS (expression) VIRTUAL|STORED`. */
  readonly generated?: Generated;
  /** MariaDB inline column CHECK. */
  readonly check?: string;
}

/** Sets column attributes (charset, collation, comment, INVISIBLE, ON UPDATE, generated, …). */
export function withOptions<T>(c: ColumnDef<T>, options: ColumnOptions): ColumnDef<T> {
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (v !== undefined && v !== false) extra[k] = v;
  return { spec: { ...c.spec, ...(extra as Partial<Column>) } };
}

/** Options of {@link table} besides columns. */
export interface TableOptions<C extends string> {
  readonly primaryKey?: readonly C[];
  readonly indexes?: readonly {
    name?: string;
    columns: readonly C[];
    unique?: boolean;
    type?: 'fulltext' | 'spatial';
    /** Prefix lengths, DESC or expressions; `columns` then names the column parts. */
    parts?: readonly IndexPart[];
    using?: 'BTREE' | 'HASH';
    parser?: string;
    comment?: string;
    invisible?: boolean;
  }[];
  readonly foreignKeys?: readonly {
    name?: string;
    columns: readonly C[];
    references: { table: string; columns: readonly string[] };
    onDelete?: FkAction;
    onUpdate?: FkAction;
  }[];
  readonly comment?: string;
  readonly checks?: readonly Check[];
  /** Engine, charset, collation, other CREATE options: left out, the server's defaults apply. */
  readonly options?: StorageOptions;
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
  const indexes: Index[] = (options.indexes ?? []).map((ix) => {
    const { name: ixName, columns: ixCols, unique, ...rest } = ix;
    const extra = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && v !== false));
    return {
      name: ixName ?? `${unique ? 'uq' : 'ix'}_${name}_${ixCols.join('_')}`,
      columns: [...ixCols],
      unique: unique ?? false,
      ...(extra as Partial<Index>),
    };
  });
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
    ...(options.checks === undefined || options.checks.length === 0 ? {} : { checks: options.checks }),
    ...(options.options === undefined ? {} : { options: options.options }),
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
