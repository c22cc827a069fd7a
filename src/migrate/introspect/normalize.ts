import type {
  Check,
  Column,
  ColumnDefault,
  ColumnType,
  FkAction,
  ForeignKey,
  Index,
  IndexPart,
  Schema,
  StorageOptions,
  Table,
  Unsupported,
} from '../../schema/index.js';
import { canonicalExpression, canonicalSchema } from '../diff/canonical.js';
import { checkFidelity } from '../render/fidelity.js';
import { DEFAULT_OFFLINE_SERVER, parseServer } from '../server.js';
import { parseColumnType, UnsupportedType } from './parse-type.js';
import type {
  RawCatalog,
  RawCheck,
  RawColumn,
  RawForeignKeyPart,
  RawIndexPart,
  RawTable,
} from './raw-catalog.js';

/** carepool's own bookkeeping tables: never part of a schema diff. */
export const BOOKKEEPING_TABLES: readonly string[] = [
  'carepool_migrations',
  'carepool_migration_journal',
  // The migration lock on Galera clusters (src/galera/migration-lock.ts).
  'carepool_migration_lock',
];

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
 * LONGTEXT + CHECK(json_valid), and the generated invisible primary key (`my_row_id`). Every table with a
 * recorded SHOW CREATE TABLE is then rendered back from the model and compared with it: any difference
 * (or a type, attribute or partitioning the model lacks) marks the table `unsupported`, with the reason.
 */
export function normalizeCatalog(raw: RawCatalog, options: NormalizeOptions = {}): Schema {
  const exclude = new Set(options.exclude ?? BOOKKEEPING_TABLES);
  const server = parseServer(raw.server.version, raw.server.comment) ?? DEFAULT_OFFLINE_SERVER;
  const mariadb = server.flavor === 'mariadb';
  // One pass over each row list (rows keep their order within a table): a 200-table catalog has ~1,600
  // column rows, and filtering them per table was the largest client cost of introspection.
  const columnsOf = groupBy(raw.columns, (c) => c.table_name);
  const indexPartsOf = groupBy(raw.indexes, (i) => i.table_name);
  const fkPartsOf = groupBy(raw.foreignKeys, (f) => f.table_name);
  const checksOf = groupBy(raw.checks, (c) => c.table_name);
  const tables: Table[] = [];
  for (const rt of raw.tables) {
    if (exclude.has(rt.table_name)) continue;
    const problems: string[] = [];
    const kind = (rt.table_type ?? 'BASE TABLE').toUpperCase();
    // MariaDB's system-versioned tables and sequences are listed, never silently left out.
    if (kind !== 'BASE TABLE') problems.push(`a ${kind} table (not modelled)`);
    const table = toTable(rt, {
      columns: columnsOf.get(rt.table_name) ?? [],
      indexParts: indexPartsOf.get(rt.table_name) ?? [],
      fkParts: fkPartsOf.get(rt.table_name) ?? [],
      checks: checksOf.get(rt.table_name) ?? [],
      createStatement: raw.createStatements?.[rt.table_name],
      mariadb,
      problems,
    });
    const createStatement = raw.createStatements?.[rt.table_name];
    let unsupported: Unsupported | undefined;
    if (createStatement !== undefined) {
      unsupported =
        problems.length > 0
          ? { reason: `unsupported: ${problems.join('; ')}`, createStatement }
          : checkFidelity(table, createStatement, server, rt.create_options ?? '');
    } else if (problems.length > 0) {
      unsupported = { reason: `unsupported: ${problems.join('; ')}`, createStatement: '' };
    }
    tables.push(unsupported ? { ...table, unsupported } : table);
  }
  return canonicalSchema({ tables });
}

interface TableRows {
  readonly columns: readonly RawColumn[];
  readonly indexParts: readonly RawIndexPart[];
  readonly fkParts: readonly RawForeignKeyPart[];
  readonly checks: readonly RawCheck[];
  readonly createStatement: string | undefined;
  readonly mariadb: boolean;
  /** What the model cannot represent is pushed here (the table becomes unsupported). */
  readonly problems: string[];
}

function toTable(rt: RawTable, rows: TableRows): Table {
  const name = rt.table_name;
  const { mariadb, problems } = rows;
  const tableCollation = rt.table_collation ?? undefined;
  const rawCols = [...rows.columns].sort((a, b) => num(a.ordinal_position) - num(b.ordinal_position));
  const gipk = rawCols.find(
    (c) =>
      c.column_name === 'my_row_id' &&
      /invisible/i.test(c.extra ?? '') &&
      /auto_increment/i.test(c.extra ?? ''),
  );
  // MariaDB's JSON: LONGTEXT utf8mb4_bin + a column-level CHECK (json_valid(`col`)) named after the
  // column. A LONGTEXT in another collation with that CHECK is written so: a column CHECK, not JSON.
  const binLongtext = new Set(
    rawCols
      .filter((c) => c.data_type.toLowerCase() === 'longtext' && c.collation_name === 'utf8mb4_bin')
      .map((c) => c.column_name),
  );
  const jsonCols = new Set(
    rows.checks
      .filter((c) => binLongtext.has(c.constraint_name) && isJsonCheck(c.check_clause, c.constraint_name))
      .map((c) => c.constraint_name),
  );
  const columnChecks = new Map(
    rows.checks
      .filter((c) => (c.level ?? '').toLowerCase() === 'column' && !jsonCols.has(c.constraint_name))
      .map((c) => [c.constraint_name, c.check_clause]),
  );
  const columns: Column[] = [];
  for (const c of rawCols) {
    if (c === gipk) continue;
    let type: ColumnType;
    try {
      const srid = c.srs_id === null || c.srs_id === undefined ? undefined : Number(c.srs_id);
      type = cachedType(c.column_type, c.data_type, srid);
    } catch (error) {
      if (!(error instanceof UnsupportedType)) throw error;
      problems.push(`${c.column_name}: ${error.message}`);
      type = { kind: 'longblob' };
    }
    const json = mariadb && jsonCols.has(c.column_name) && type.kind === 'longtext';
    columns.push(
      toColumn(c, json ? { kind: 'json' } : type, mariadb, tableCollation, columnChecks, problems),
    );
  }
  const partsOf = groupBy(rows.indexParts, (p) => p.index_name);
  // USING and WITH PARSER are only in SHOW CREATE; most tables have neither.
  const create = rows.createStatement ?? '';
  const keyLines =
    create.includes(' USING ') || create.includes('WITH PARSER')
      ? keyLinesOf(create)
      : new Map<string, string>();
  const pkParts = partsOf.get('PRIMARY');
  let primaryKey = pkParts ? sortParts(pkParts).map((p) => p.column_name ?? '') : [];
  if (gipk && primaryKey.length === 1 && primaryKey[0] === gipk.column_name) primaryKey = [];
  const foreignKeys = toForeignKeys(rows.fkParts);
  const indexes: Index[] = [];
  for (const [ix, parts] of partsOf) {
    if (ix === 'PRIMARY') continue;
    const index = toIndex(ix, sortParts(parts), keyLines.get(ix));
    // InnoDB names the index it creates for a FK after the constraint: it is not part of the model.
    if (
      !index.unique &&
      !index.parts &&
      !index.type &&
      foreignKeys.some((fk) => fk.name === index.name && sameCols(fk.columns, index.columns))
    )
      continue;
    indexes.push(index);
  }
  const checks: Check[] = rows.checks
    .filter((c) => !jsonCols.has(c.constraint_name) && !columnChecks.has(c.constraint_name))
    .filter((c) => (c.level ?? 'Table').toLowerCase() !== 'column')
    .map((c) => ({
      name: c.constraint_name,
      clause: c.check_clause,
      ...((c.enforced ?? '').toUpperCase() === 'NO' ? { notEnforced: true } : {}),
    }));
  const options: Mutable<StorageOptions> = {};
  if (rt.engine) options.engine = rt.engine;
  if (tableCollation) {
    options.charset = tableCollation.split('_')[0] ?? tableCollation;
    options.collation = tableCollation;
  }
  const createOptions = (rt.create_options ?? '')
    .split(/\s+/)
    .filter((o) => o !== '' && o.toLowerCase() !== 'partitioned');
  if (createOptions.length > 0) options.createOptions = createOptions;
  const table: Mutable<Table> = { name, columns, primaryKey, indexes, foreignKeys };
  if (rt.table_comment) table.comment = rt.table_comment;
  if (checks.length > 0) table.checks = checks;
  if (Object.keys(options).length > 0) table.options = options;
  if (gipk) table.gipk = true;
  return table;
}

/**
 * A schema repeats a handful of column types: each COLUMN_TYPE is parsed once per process (types are
 * immutable and canonicalSchema copies them, so sharing is safe). Bounded: cleared past 10,000 entries.
 */
const TYPES = new Map<string, ColumnType | UnsupportedType>();
function cachedType(columnType: string, dataType: string, srid: number | undefined): ColumnType {
  const key = `${columnType}\u0000${dataType}\u0000${srid ?? ''}`;
  let hit = TYPES.get(key);
  if (hit === undefined) {
    try {
      hit = parseColumnType(columnType, dataType, srid);
    } catch (error) {
      if (!(error instanceof UnsupportedType)) throw error;
      hit = error;
    }
    if (TYPES.size > 10_000) TYPES.clear();
    TYPES.set(key, hit);
  }
  if (hit instanceof UnsupportedType) throw hit;
  return hit;
}

const isJsonCheck = (clause: string, column: string) =>
  clause.trim().toLowerCase() === `json_valid(\`${column.toLowerCase()}\`)`;

const sortParts = (parts: readonly RawIndexPart[]) =>
  [...parts].sort((a, b) => num(a.seq_in_index) - num(b.seq_in_index));

/** The KEY lines of a SHOW CREATE TABLE by index name (USING and WITH PARSER are only there). */
function keyLinesOf(createStatement: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (createStatement ?? '').split('\n')) {
    const m = /^ {2}(?:UNIQUE |FULLTEXT |SPATIAL )?KEY `((?:[^`]|``)+)`/.exec(line);
    if (m?.[1]) out.set(m[1].replaceAll('``', '`'), line);
  }
  return out;
}

function toIndex(name: string, parts: readonly RawIndexPart[], keyLine: string | undefined): Index {
  const first = parts[0];
  const type = (first?.index_type ?? '').toUpperCase();
  const index: Mutable<Index> = {
    name,
    columns: parts.filter((p) => p.column_name !== null).map((p) => p.column_name as string),
    unique: num(first?.non_unique) === 0,
  };
  if (type === 'FULLTEXT') index.type = 'fulltext';
  if (type === 'SPATIAL') index.type = 'spatial';
  const modelParts: IndexPart[] = parts.map((p) => {
    const part: Mutable<IndexPart> = {};
    if (p.column_name !== null) part.column = p.column_name;
    if (p.expression) part.expression = p.expression;
    // SUB_PART of a SPATIAL index is the key length (32), not a prefix.
    if (p.sub_part !== null && p.sub_part !== undefined && type !== 'SPATIAL') part.length = num(p.sub_part);
    if ((p.collation ?? '').toUpperCase() === 'D') part.desc = true;
    return part;
  });
  if (modelParts.some((p) => p.expression || p.length || p.desc)) index.parts = modelParts;
  const using = / USING (BTREE|HASH)\b/.exec(keyLine ?? '')?.[1];
  if (using === 'BTREE' || using === 'HASH') index.using = using;
  const parser = /WITH PARSER `([^`]+)`/.exec(keyLine ?? '')?.[1];
  if (parser) index.parser = parser;
  if (first?.index_comment) index.comment = first.index_comment;
  if ((first?.ignored ?? '').toUpperCase() === 'YES' || (first?.is_visible ?? '').toUpperCase() === 'NO')
    index.invisible = true;
  return index;
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

/** EXTRA tokens the model represents; any other token makes the table unsupported. */
const KNOWN_EXTRA =
  /^(auto_increment|default_generated|invisible|(virtual|stored|persistent) generated|on update \S+)$/i;

/** EXTRA as tokens: MariaDB separates them with ", ", MySQL 8 with spaces (`DEFAULT_GENERATED on update …`). */
function extraTokens(extra: string): string[] {
  return extra
    .replace(/DEFAULT_GENERATED/gi, ',DEFAULT_GENERATED,')
    .replace(/INVISIBLE/gi, ',INVISIBLE,')
    .replace(/auto_increment/gi, ',auto_increment,')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

/**
 * A MariaDB sequence function. Sequences are not modelled, and the server writes the database into such
 * a default (`nextval(db.seq)`), so two databases holding the same table would differ by their names.
 */
const SEQUENCE_FUNCTION = /\b(nextval|lastval|setval)\s*\(|\b(next|previous)\s+value\s+for\b/i;

function toColumn(
  c: RawColumn,
  type: ColumnType,
  mariadb: boolean,
  tableCollation: string | undefined,
  columnChecks: ReadonlyMap<string, string>,
  problems: string[],
): Column {
  const extra = c.extra ?? '';
  // MariaDB separates EXTRA tokens with ", "; MySQL 8 with spaces (`DEFAULT_GENERATED on update …`).
  const tokens = extra === '' ? [] : extraTokens(extra);
  for (const token of tokens)
    if (!KNOWN_EXTRA.test(token)) problems.push(`${c.column_name}: attribute "${token}" is not in the model`);
  const generatedKind =
    extra === '' ? undefined : /\b(virtual|stored|persistent) generated\b/i.exec(extra)?.[1]?.toLowerCase();
  const def = generatedKind ? undefined : toDefault(c.column_default, extra, mariadb);
  if (def?.kind === 'expression' && SEQUENCE_FUNCTION.test(def.sql))
    problems.push(`${c.column_name}: DEFAULT ${def.sql} draws from a sequence (sequences are not modelled)`);
  const onUpdate = extra === '' ? undefined : /on update\s+(\S+(?:\(\d*\))?)/i.exec(extra)?.[1];
  // Built by assignment, not conditional spreads: this runs once per column (1,600 on 200 tables), mostly
  // before the JIT has optimised it. Same keys, same order.
  const column: Mutable<Column> = {
    name: c.column_name,
    type,
    nullable: c.is_nullable.toUpperCase() === 'YES',
  };
  if (def !== undefined) column.default = def;
  if (extra !== '' && /auto_increment/i.test(extra)) column.autoIncrement = true;
  if (onUpdate) column.onUpdate = canonicalExpression(onUpdate);
  if (c.column_comment) column.comment = c.column_comment;
  const collation = c.collation_name ?? undefined;
  if (type.kind !== 'json' && collation && tableCollation && collation !== tableCollation) {
    column.charset = c.character_set_name ?? collation.split('_')[0] ?? collation;
    column.collation = collation;
  }
  if (generatedKind)
    column.generated = { expression: c.generation_expression ?? '', stored: generatedKind !== 'virtual' };
  if (extra !== '' && /\binvisible\b/i.test(extra)) column.invisible = true;
  const check = columnChecks.get(c.column_name);
  if (check !== undefined) column.check = check;
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
    if (quoted) return { kind: 'literal', value: unescapeLiteral(quoted[1] ?? '') };
    if (/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(value)) return { kind: 'literal', value };
    return { kind: 'expression', sql: canonicalExpression(value) };
  }
  if (/DEFAULT_GENERATED/i.test(extra)) return { kind: 'expression', sql: canonicalExpression(value) };
  return { kind: 'literal', value };
}

/** What the servers' append_unescaped writes for each escaped character (a BINARY default is NUL-padded). */
const UNESCAPED: Readonly<Record<string, string>> = { '0': '\0', n: '\n', r: '\r', Z: '\x1a', '\\': '\\' };

/** A quoted COLUMN_DEFAULT's text, unescaped in one pass: `''` and `\\`, `\0`, `\n`, `\r`, `\Z`. */
const unescapeLiteral = (text: string): string =>
  text.replace(/''|\\([\s\S])/g, (all, ch: string | undefined) =>
    ch === undefined ? "'" : (UNESCAPED[ch] ?? all),
  );

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
