import type { SqlClient } from '../db/client.js';
import { sql } from '../db/sql.js';
import { AppError } from '../errors/index.js';
import { BOOKKEEPING_TABLES } from '../migrate/introspect/index.js';
import { parseServer, type ServerInfo } from '../migrate/server.js';
import { SPATIAL_KINDS } from '../schema/index.js';

/** One column as the move commands need it: how to read, write and hash it. */
export interface MoveColumn {
  readonly name: string;
  /** information_schema DATA_TYPE, lower case (`varchar`, `float`, `blob`, ...). */
  readonly dataType: string;
  /** information_schema COLUMN_TYPE (`varchar(40)`, `int(10) unsigned`, ...). */
  readonly columnType: string;
  readonly nullable: boolean;
  /** Character set of a text column (`utf8mb4`, `latin1`, ...), null for other types. */
  readonly charset: string | null;
  /** Collation of a text column (`utf8mb4_unicode_ci`, ...), null for other types. */
  readonly collation: string | null;
  /** Generated (virtual/stored) columns are computed by the server: never copied, never hashed. */
  readonly generated: boolean;
  /** The server numbers new rows in this column (EXTRA `auto_increment`). */
  readonly autoIncrement?: boolean;
  /** A generated column's expression as its server prints it (GENERATION_EXPRESSION). */
  readonly expression?: string | null;
}

/** One base table of a database. */
export interface MoveTable {
  readonly name: string;
  /** Columns in ordinal order, generated ones included (see {@link MoveColumn.generated}). */
  readonly columns: readonly MoveColumn[];
  /** Primary key columns in key order; empty when the table has none. */
  readonly primaryKey: readonly string[];
  /** Tables this one references with foreign keys (itself excluded). */
  readonly parents: readonly string[];
}

/** The tables of one database and the server it lives on. */
export interface MoveCatalog {
  readonly server: ServerInfo;
  readonly database: string;
  /** Tables in foreign-key-safe order: every table after the tables it references. */
  readonly tables: readonly MoveTable[];
  /**
   * Objects holding data that are not base tables, by name and kind: MariaDB's system-versioned tables
   * (their history rows are not what a SELECT returns) and sequences (their next value). The move
   * commands refuse them by name instead of passing over them ({@link selectTables}).
   */
  readonly unsupported: readonly { readonly name: string; readonly kind: string }[];
}

/** Data types whose values are bytes, not text: they travel as hex, never through a text conversion. */
export const BINARY_TYPES = new Set([
  'binary',
  'varbinary',
  'tinyblob',
  'blob',
  'mediumblob',
  'longblob',
  'bit',
  ...SPATIAL_KINDS,
]);

/** Columns the move commands copy and compare (generated ones excluded). */
export function storedColumns(table: MoveTable): readonly MoveColumn[] {
  return table.columns.filter((c) => !c.generated);
}

/**
 * Whether information_schema.COLUMNS.EXTRA says the server computes the column: `VIRTUAL GENERATED`,
 * `STORED GENERATED` (MySQL 5.7+, MariaDB 10.2+), `PERSISTENT GENERATED` or a bare `VIRTUAL` /
 * `PERSISTENT` (MariaDB before 10.2). Not MySQL 8's `DEFAULT_GENERATED`, which marks an ordinary column
 * with an expression default (`created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP`): matching any
 * "GENERATED" left such columns out of copy (the destination got the copy's time) and out of verify.
 */
export function isGenerated(extra: string): boolean {
  return /(^|[\s,])(VIRTUAL|STORED|PERSISTENT)(\s+GENERATED)?\b/i.test(extra);
}

/** Reads the base tables of `database` (carepool's bookkeeping tables excluded) in FK-safe order. */
export async function readMoveCatalog(client: SqlClient, database: string): Promise<MoveCatalog> {
  const [version, tables, columns, keys, fks] = await Promise.all([
    client.query<{ version: string; comment: string }>(
      sql`SELECT VERSION() AS version, @@version_comment AS comment`,
    ),
    client.query<{ name: string; type: string }>(
      sql`SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES
          WHERE TABLE_SCHEMA = ${database} AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'SEQUENCE')`,
    ),
    client.query<{
      table_name: string;
      name: string;
      data_type: string;
      column_type: string;
      charset: string | null;
      collation: string | null;
      nullable: string;
      extra: string;
      expression: string | null;
      pos: number;
    }>(
      sql`SELECT TABLE_NAME AS table_name, COLUMN_NAME AS name, DATA_TYPE AS data_type,
            COLUMN_TYPE AS column_type, CHARACTER_SET_NAME AS charset,
            COLLATION_NAME AS collation, IS_NULLABLE AS nullable, EXTRA AS extra, ORDINAL_POSITION AS pos,
            GENERATION_EXPRESSION AS expression
          FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ${database}`,
    ),
    client.query<{ table_name: string; name: string; seq: number }>(
      sql`SELECT TABLE_NAME AS table_name, COLUMN_NAME AS name, SEQ_IN_INDEX AS seq
          FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ${database} AND INDEX_NAME = 'PRIMARY'`,
    ),
    client.query<{ table_name: string; parent: string }>(
      sql`SELECT DISTINCT TABLE_NAME AS table_name, REFERENCED_TABLE_NAME AS parent
          FROM information_schema.KEY_COLUMN_USAGE
          WHERE TABLE_SCHEMA = ${database} AND REFERENCED_TABLE_NAME IS NOT NULL`,
    ),
  ]);
  const v = version.rows[0] ?? { version: '', comment: '' };
  const server = parseServer(v.version, v.comment) ?? { flavor: 'mysql', version: [0, 0, 0] };
  // carepool_instances holds each server's own live app instances (the fleet heartbeat, src/fleet): copying
  // or comparing it between servers would only move phantom instances and report differences that are right.
  const skip = new Set<string>([...BOOKKEEPING_TABLES, 'carepool_instances']);
  const out: MoveTable[] = [];
  const unsupported: { name: string; kind: string }[] = [];
  for (const { name, type } of tables.rows) {
    if (skip.has(name)) continue;
    if (type !== 'BASE TABLE') {
      unsupported.push({ name, kind: type === 'SEQUENCE' ? 'a sequence' : 'system-versioned' });
      continue;
    }
    const cols = columns.rows
      .filter((c) => c.table_name === name)
      .sort((a, b) => Number(a.pos) - Number(b.pos))
      .map((c) => ({
        name: c.name,
        dataType: c.data_type.toLowerCase(),
        columnType: c.column_type,
        nullable: c.nullable === 'YES',
        charset: c.charset ?? null,
        collation: c.collation ?? null,
        generated: isGenerated(c.extra),
        autoIncrement: /\bauto_increment\b/i.test(c.extra),
        ...(isGenerated(c.extra) ? { expression: c.expression ?? null } : {}),
      }));
    const pk = keys.rows
      .filter((k) => k.table_name === name)
      .sort((a, b) => Number(a.seq) - Number(b.seq))
      .map((k) => k.name);
    const parents = [
      ...new Set(fks.rows.filter((f) => f.table_name === name && f.parent !== name).map((f) => f.parent)),
    ];
    out.push({ name, columns: cols, primaryKey: pk, parents });
  }
  unsupported.sort((x, y) => x.name.localeCompare(y.name));
  return { server, database, tables: fkOrder(out), unsupported };
}

/**
 * Tables sorted so each comes after the tables it references (Kahn's algorithm over name-sorted input, so
 * the order is stable). Tables in a reference cycle keep name order at the end: the loading sessions run
 * with foreign_key_checks=0, so the order is a courtesy there, not a requirement.
 */
export function fkOrder(tables: readonly MoveTable[]): MoveTable[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const sorted = [...tables].sort((a, b) => a.name.localeCompare(b.name));
  const done = new Set<string>();
  const out: MoveTable[] = [];
  let progress = true;
  while (progress) {
    progress = false;
    for (const t of sorted) {
      if (done.has(t.name)) continue;
      if (t.parents.every((p) => done.has(p) || !byName.has(p))) {
        done.add(t.name);
        out.push(t);
        progress = true;
      }
    }
  }
  for (const t of sorted) if (!done.has(t.name)) out.push(t);
  return out;
}

/**
 * The tables of `catalog` named by `names` (all when undefined), in the catalog's FK-safe order; a name the
 * catalog lacks is CAREPOOL_MOVE_UNKNOWN_TABLE; a system-versioned table or a sequence among them (all of
 * the database's, when `names` is undefined) is CAREPOOL_MOVE_UNREPRESENTABLE: before, they were passed
 * over, so copy left them behind and verify called the databases identical.
 */
export function selectTables(
  catalog: MoveCatalog,
  names: readonly string[] | undefined,
  targetName: string,
): readonly MoveTable[] {
  const refused = catalog.unsupported.filter((u) => names === undefined || names.includes(u.name));
  if (refused.length > 0) {
    throw new AppError(
      'CAREPOOL_MOVE_UNREPRESENTABLE',
      `target "${targetName}" (database ${catalog.database}) has data carepool does not move: ${refused.map((u) => `${u.name} (${u.kind})`).join(', ')}; copy, verify and sync read base tables only, so a system-versioned table's history and a sequence's next value would be left behind unseen`,
      {
        hint: 'Name the other tables with --tables and move these with mariadb-dump (or drop the system versioning first if its history is not needed); after a cutover, set each sequence past its source value (SETVAL).',
        meta: { target: targetName, objects: refused.map((u) => u.name) },
      },
    );
  }
  if (names === undefined) return catalog.tables;
  const known = new Set(catalog.tables.map((t) => t.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new AppError(
      'CAREPOOL_MOVE_UNKNOWN_TABLE',
      `target "${targetName}" (database ${catalog.database}) has no table ${unknown.map((n) => `"${n}"`).join(', ')}; it has: ${[...known].sort().join(', ') || '(none)'}`,
      { meta: { target: targetName, tables: unknown } },
    );
  }
  const wanted = new Set(names);
  return catalog.tables.filter((t) => wanted.has(t.name));
}

/**
 * What a command does with the destination's rows: `compare` them (verify: values are compared as text, so
 * a VARCHAR(10) and a VARCHAR(20) column can be), or `write` them (copy, sync).
 */
export type ShapeUse = 'compare' | 'write';

/**
 * Types whose precision is part of their text (DECIMAL scale, fraction digits of times, BINARY's padding
 * with 0x00 to its length): verify compares values as text, so a DECIMAL(10,2) 1.50 and a DECIMAL(10,3)
 * 1.500 would be reported as different, and every row of a BINARY(4) against a BINARY(8).
 */
const TEXT_SHAPED = new Set(['decimal', 'time', 'datetime', 'timestamp', 'binary']);

/** Column type text without display widths (`int(11)`, `year(4)` on MariaDB are `int`, `year` on MySQL 8). */
function canonicalColumnType(text: string): string {
  return text
    .toLowerCase()
    .replace(/\b(tinyint|smallint|mediumint|int|bigint|year)\(\d+\)/g, (m, t: string) =>
      // TINYINT(1) is MySQL's BOOLEAN and read as one: keep it apart from other TINYINTs.
      m === 'tinyint(1)' ? m : t,
    );
}

/**
 * Why `a` (source) and `b` (destination) cannot exchange rows as they are, or undefined when they can:
 * the stored columns must match by name and data type, the primary keys must be the same columns under the
 * same collations (each server cuts key ranges and matches keys by its own collation: `utf8mb4_bin` against
 * `utf8mb4_unicode_ci` put the same rows into other chunks, and verify reported all 400 rows of an
 * identical table), and DECIMAL/time columns the same scale and fraction digits (their text shows them). To
 * be written (`use` = `write`) every column must also have the same type (length,
 * precision, scale, fraction digits, sign, members) and a character set that holds the source's text (the
 * same, or utf8mb4): the loading session is not strict and LOAD DATA LOCAL implies IGNORE, so the
 * server would have truncated, clamped, rounded or replaced characters by '?' with only a warning.
 */
export function tableMismatch(
  a: MoveTable,
  b: MoveTable,
  use: ShapeUse = 'compare',
  sameFlavor = true,
): string | undefined {
  const generated = generatedMismatch(a, b, sameFlavor);
  if (generated !== undefined) return generated;
  const ac = storedColumns(a);
  const bc = new Map(storedColumns(b).map((c) => [c.name, c]));
  const missing = ac.filter((c) => !bc.has(c.name)).map((c) => c.name);
  if (missing.length > 0) return `columns ${missing.join(', ')} are missing on the destination`;
  const extra = storedColumns(b)
    .filter((c) => !ac.some((x) => x.name === c.name))
    .map((c) => c.name);
  if (extra.length > 0) return `columns ${extra.join(', ')} exist only on the destination`;
  if (a.primaryKey.join(',') !== b.primaryKey.join(','))
    return `primary key (${a.primaryKey.join(', ') || 'none'}) on the source but (${b.primaryKey.join(', ') || 'none'}) on the destination`;
  for (const c of ac) {
    const other = bc.get(c.name);
    if (other === undefined) continue;
    if (other.dataType !== c.dataType)
      return `column ${c.name} is ${c.columnType} on the source but ${other.columnType} on the destination`;
    if (a.primaryKey.includes(c.name) && c.collation !== other.collation)
      return `key column ${c.name} is collated ${c.collation} on the source but ${other.collation} on the destination (the servers would order and match its values differently)`;
    const typeDiffers = canonicalColumnType(c.columnType) !== canonicalColumnType(other.columnType);
    if (typeDiffers && TEXT_SHAPED.has(c.dataType))
      return `column ${c.name} is ${c.columnType} on the source but ${other.columnType} on the destination (equal values would print differently: 1.50 and 1.500)`;
    if (use === 'compare') continue;
    if (typeDiffers)
      return `column ${c.name} is ${c.columnType} on the source but ${other.columnType} on the destination (values would be changed on the way)`;
    if (c.charset !== other.charset && other.charset !== 'utf8mb4')
      return `column ${c.name} is ${c.charset} text on the source but ${other.charset} on the destination (characters it cannot hold would become '?')`;
  }
  return undefined;
}

/**
 * Why the generated columns of `a` and `b` differ, or undefined: the same names on both sides, and (on
 * servers of one flavour, which print expressions alike) the same expressions. Copy never writes them and
 * verify never hashes them (each server computes them), so a column computed otherwise on the destination
 * held other values while verify said the rows were the same. MySQL and MariaDB print one expression
 * differently (parentheses, charset introducers), so across flavours only the names are compared.
 */
function generatedMismatch(a: MoveTable, b: MoveTable, sameFlavor: boolean): string | undefined {
  const ag = a.columns.filter((c) => c.generated);
  const bg = new Map(b.columns.filter((c) => c.generated).map((c) => [c.name, c]));
  const missing = ag.filter((c) => !bg.has(c.name)).map((c) => c.name);
  if (missing.length > 0) return `generated columns ${missing.join(', ')} are missing on the destination`;
  const extra = [...bg.keys()].filter((n) => !ag.some((c) => c.name === n));
  if (extra.length > 0) return `generated columns ${extra.join(', ')} exist only on the destination`;
  if (!sameFlavor) return undefined;
  for (const c of ag) {
    const other = bg.get(c.name);
    if (other !== undefined && (c.expression ?? '') !== (other.expression ?? ''))
      return `generated column ${c.name} is computed as ${c.expression ?? '?'} on the source but ${other.expression ?? '?'} on the destination (its values differ where verify does not look)`;
  }
  return undefined;
}

/** Throws CAREPOOL_MOVE_SCHEMA_MISMATCH naming every table of `pairs` that differs. */
export function assertSameShape(
  pairs: readonly { readonly a: MoveTable; readonly b: MoveTable }[],
  from: string,
  to: string,
  use: ShapeUse = 'compare',
  sameFlavor = true,
): void {
  const problems = pairs.flatMap(({ a, b }) => {
    const why = tableMismatch(a, b, use, sameFlavor);
    return why === undefined ? [] : [`${a.name}: ${why}`];
  });
  if (problems.length > 0) {
    throw new AppError(
      'CAREPOOL_MOVE_SCHEMA_MISMATCH',
      `"${from}" and "${to}" differ in ${problems.length} table(s): ${problems.join('; ')}`,
      { meta: { from, to, tables: pairs.map((p) => p.a.name) } },
    );
  }
}

/**
 * The destination's table with its stored columns in the source's order, so both servers hash the same
 * columns in the same order even when the destination's columns were added in another order.
 */
export function alignColumns(source: MoveTable, dest: MoveTable): MoveTable {
  const byName = new Map(dest.columns.map((c) => [c.name, c]));
  return {
    ...dest,
    columns: source.columns.flatMap((c) => {
      const d = byName.get(c.name);
      return d === undefined ? [] : [d];
    }),
  };
}
