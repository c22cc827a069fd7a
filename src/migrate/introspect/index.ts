import type { SqlClient } from '../../db/client.js';
import { sql } from '../../db/sql.js';
import { type Schema, SPATIAL_KINDS } from '../../schema/index.js';
import { ident } from '../render/show-create.js';
import { hiddenRoutines, readObjects } from '../objects/introspect.js';
import { parseServer } from '../server.js';
import { type NormalizeOptions, normalizeCatalog } from './normalize.js';
import type {
  RawCatalog,
  RawCheck,
  RawColumn,
  RawForeignKeyPart,
  RawIndexPart,
  RawTable,
} from './raw-catalog.js';

export { BOOKKEEPING_TABLES, type NormalizeOptions, normalizeCatalog, toDefault } from './normalize.js';
export { parseColumnType } from './parse-type.js';
export type {
  RawCatalog,
  RawCheck,
  RawColumn,
  RawForeignKeyPart,
  RawIndexPart,
  RawTable,
} from './raw-catalog.js';

/** One row of information_schema.REFERENTIAL_CONSTRAINTS: the rules of one foreign key. */
interface RawRule {
  readonly table_name: string;
  readonly constraint_name: string;
  readonly update_rule: string;
  readonly delete_rule: string;
}

/**
 * Reads one database's catalog in batched information_schema queries however many tables it has:
 * the server version, tables, FK columns and FK rules at once; columns, index parts and CHECKs once the
 * version is known (their columns differ by flavour), plus each table's SHOW CREATE TABLE (kept for the
 * fidelity check: the model rendered back must equal it). Over a pool the queries run on parallel
 * connections; over one connection they queue. No ORDER BY: {@link normalizeCatalog} groups and sorts.
 *
 * Why the FK columns and rules are two queries joined here: MariaDB fills an information_schema table by
 * opening every table of the schemas it cannot rule out, and in a join it loses the constant schema for
 * REFERENTIAL_CONSTRAINTS (EXPLAIN: "Open_full_table; Scanned all databases", then a block-nested-loop
 * join), so KEY_COLUMN_USAGE ⋈ REFERENTIAL_CONSTRAINTS cost 8-29 ms on 200 tables where the two filtered
 * by `= database` cost 1-2.5 ms each (docs/benchmarks.md, migrate section). TABLE_ROWS is not read: it
 * makes TABLES open every table in the engine (Open_full_table) instead of reading its definition only.
 */
export async function readCatalog(
  client: SqlClient,
  database: string,
  options: {
    /** VERSION() and @@version_comment when the caller read them already (a workspace did): not asked again. */
    readonly server?: RawCatalog['server'];
  } = {},
): Promise<RawCatalog> {
  // The queries that read the same on both flavours start at once, beside the version query; only the
  // COLUMNS, STATISTICS and CHECK queries wait for the flavour (their columns differ).
  const known = options.server;
  const serverQuery = known
    ? Promise.resolve({ rows: [known] })
    : client.query<{ version: string; comment: string }>(
        sql`SELECT VERSION() AS version, @@version_comment AS comment`,
      );
  // SHOW CREATE TABLE of each table starts as soon as the table list is in, beside the other queries.
  const createStatements: Record<string, string> = {};
  const tablesQuery = client.query<RawTable>(sql`
      SELECT TABLE_NAME AS table_name, TABLE_COMMENT AS table_comment, ENGINE AS engine,
        TABLE_COLLATION AS table_collation, CREATE_OPTIONS AS create_options, TABLE_TYPE AS table_type
      FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${database} AND TABLE_TYPE <> 'VIEW'`);
  const shown = tablesQuery.then((tables) =>
    Promise.all(
      tables.rows.map(async (t) => {
        const r = await client.query<Record<string, string>>(
          sql.raw(`SHOW CREATE TABLE ${ident(database)}.${ident(t.table_name)}`),
        );
        const row = r.rows[0];
        if (row) createStatements[t.table_name] = row['Create Table'] ?? '';
      }),
    ),
  );
  const fkQuery = client.query<Omit<RawForeignKeyPart, 'update_rule' | 'delete_rule'>>(sql`
      SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name, COLUMN_NAME AS column_name,
        ORDINAL_POSITION AS ordinal_position, REFERENCED_TABLE_NAME AS referenced_table_name,
        REFERENCED_COLUMN_NAME AS referenced_column_name
      FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = ${database} AND REFERENCED_TABLE_NAME IS NOT NULL`);
  const rulesQuery = client.query<RawRule>(sql`
      SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name, UPDATE_RULE AS update_rule,
        DELETE_RULE AS delete_rule
      FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ${database}`);
  // Awaited below; a failure there must not also surface as an unhandled rejection.
  for (const p of [shown, tablesQuery, fkQuery, rulesQuery]) p.catch(() => undefined);
  const server = (await serverQuery).rows[0] ?? { version: '', comment: '' };
  const mariadb = parseServer(server.version, server.comment)?.flavor === 'mariadb';
  const [tables, columns, indexes, fkColumns, rules, checks] = await Promise.all([
    tablesQuery,
    mariadb
      ? client.query<RawColumn>(sql`
      SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, ORDINAL_POSITION AS ordinal_position,
        COLUMN_DEFAULT AS column_default, IS_NULLABLE AS is_nullable, DATA_TYPE AS data_type,
        COLUMN_TYPE AS column_type, EXTRA AS extra, COLUMN_COMMENT AS column_comment,
        CHARACTER_SET_NAME AS character_set_name, COLLATION_NAME AS collation_name,
        GENERATION_EXPRESSION AS generation_expression
      FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ${database}`)
      : client.query<RawColumn>(sql`
      SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, ORDINAL_POSITION AS ordinal_position,
        COLUMN_DEFAULT AS column_default, IS_NULLABLE AS is_nullable, DATA_TYPE AS data_type,
        COLUMN_TYPE AS column_type, EXTRA AS extra, COLUMN_COMMENT AS column_comment,
        CHARACTER_SET_NAME AS character_set_name, COLLATION_NAME AS collation_name,
        GENERATION_EXPRESSION AS generation_expression, SRS_ID AS srs_id
      FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ${database}`),
    mariadb
      ? client.query<RawIndexPart>(sql`
      SELECT TABLE_NAME AS table_name, INDEX_NAME AS index_name, NON_UNIQUE AS non_unique,
        SEQ_IN_INDEX AS seq_in_index, COLUMN_NAME AS column_name, SUB_PART AS sub_part,
        COLLATION AS collation, INDEX_TYPE AS index_type, INDEX_COMMENT AS index_comment, IGNORED AS ignored
      FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ${database}`)
      : client.query<RawIndexPart>(sql`
      SELECT TABLE_NAME AS table_name, INDEX_NAME AS index_name, NON_UNIQUE AS non_unique,
        SEQ_IN_INDEX AS seq_in_index, COLUMN_NAME AS column_name, SUB_PART AS sub_part,
        COLLATION AS collation, INDEX_TYPE AS index_type, INDEX_COMMENT AS index_comment,
        IS_VISIBLE AS is_visible, EXPRESSION AS expression
      FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ${database}`),
    fkQuery,
    rulesQuery,
    mariadb
      ? client.query<RawCheck>(sql`
      SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name, CHECK_CLAUSE AS check_clause,
        LEVEL AS level
      FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ${database}`)
      : client.query<RawCheck>(sql`
      SELECT tc.TABLE_NAME AS table_name, tc.CONSTRAINT_NAME AS constraint_name,
        cc.CHECK_CLAUSE AS check_clause, tc.ENFORCED AS enforced
      FROM information_schema.TABLE_CONSTRAINTS tc JOIN information_schema.CHECK_CONSTRAINTS cc
        ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
      WHERE tc.TABLE_SCHEMA = ${database} AND tc.CONSTRAINT_TYPE = 'CHECK'`),
  ]);
  await shown;
  return {
    server,
    tables: tables.rows,
    columns: mariadb ? await withMariaDbSrids(client, database, columns.rows) : columns.rows,
    indexes: indexes.rows,
    foreignKeys: joinRules(fkColumns.rows, rules.rows),
    checks: checks.rows,
    createStatements,
  };
}

const SPATIAL = new Set<string>(SPATIAL_KINDS);

/**
 * MariaDB keeps a spatial column's SRID (`REF_SYSTEM_ID=n`) but prints it neither in COLUMNS nor in SHOW
 * CREATE TABLE; information_schema.GEOMETRY_COLUMNS has it (0 = none). Read only when the schema has a
 * spatial column, so other schemas pay no extra query.
 */
async function withMariaDbSrids(
  client: SqlClient,
  database: string,
  columns: readonly RawColumn[],
): Promise<readonly RawColumn[]> {
  if (!columns.some((c) => SPATIAL.has(c.data_type.toLowerCase()))) return columns;
  const { rows } = await client.query<{ table_name: string; column_name: string; srid: number | string }>(sql`
    SELECT G_TABLE_NAME AS table_name, G_GEOMETRY_COLUMN AS column_name, SRID AS srid
    FROM information_schema.GEOMETRY_COLUMNS WHERE G_TABLE_SCHEMA = ${database} AND SRID <> 0`);
  if (rows.length === 0) return columns;
  const srid = new Map(rows.map((r) => [`${r.table_name}\u0000${r.column_name}`, Number(r.srid)]));
  return columns.map((c) => {
    const found = srid.get(`${c.table_name}\u0000${c.column_name}`);
    return found === undefined ? c : { ...c, srs_id: found };
  });
}

/**
 * KEY_COLUMN_USAGE rows of foreign keys with their constraint's rules (an inner join on table and
 * constraint name, as the server's join did: a column without its constraint row is left out).
 */
function joinRules(
  parts: readonly Omit<RawForeignKeyPart, 'update_rule' | 'delete_rule'>[],
  rules: readonly RawRule[],
): RawForeignKeyPart[] {
  const byKey = new Map<string, RawRule>();
  for (const r of rules) byKey.set(`${r.table_name}\u0000${r.constraint_name}`, r);
  const out: RawForeignKeyPart[] = [];
  for (const p of parts) {
    const r = byKey.get(`${p.table_name}\u0000${p.constraint_name}`);
    if (r) out.push({ ...p, update_rule: r.update_rule, delete_rule: r.delete_rule });
  }
  return out;
}

/**
 * The live schema of `database`, normalised so MySQL 8 and MariaDB read the same and compare equal to the
 * models when they mean the same. carepool's bookkeeping tables are left out.
 */
export async function introspectSchema(
  client: SqlClient,
  database: string,
  options: NormalizeOptions = {},
): Promise<Schema> {
  // Views, triggers and routines (src/migrate/objects): one more information_schema query, SHOW CREATE each.
  // Whether routines may be hidden is asked beside the catalog read (only when none was listed).
  const [catalog, { objects, hidden }] = await Promise.all([
    readCatalog(client, database),
    readObjects(client, database).then(async (objects) => ({
      objects,
      hidden: objects.some((o) => o.kind === 'procedure' || o.kind === 'function')
        ? undefined
        : await hiddenRoutines(client, database),
    })),
  ]);
  const schema = normalizeCatalog(catalog, options);
  return {
    ...schema,
    ...(objects.length > 0 ? { objects } : {}),
    ...(hidden ? { hiddenObjects: { kinds: ['procedure', 'function'] as const, reason: hidden } } : {}),
  };
}
