import type { SqlClient } from '../../db/client.js';
import { sql } from '../../db/sql.js';
import type { Schema } from '../../schema/index.js';
import { parseServer } from '../server.js';
import { type NormalizeOptions, normalizeCatalog } from './normalize.js';
import type { RawCatalog, RawColumn, RawForeignKeyPart, RawIndexPart } from './raw-catalog.js';

export { BOOKKEEPING_TABLES, type NormalizeOptions, normalizeCatalog, toDefault } from './normalize.js';
export { parseColumnType } from './parse-type.js';
export type { RawCatalog, RawColumn, RawForeignKeyPart, RawIndexPart } from './raw-catalog.js';

/** DATA_TYPEs {@link parseColumnType} reads as LONGTEXT, the type MariaDB's JSON columns have. */
const LONG = new Set(['longtext', 'longblob']);

/** One row of information_schema.REFERENTIAL_CONSTRAINTS: the rules of one foreign key. */
interface RawRule {
  readonly table_name: string;
  readonly constraint_name: string;
  readonly update_rule: string;
  readonly delete_rule: string;
}

/**
 * Reads one database's catalog in six batched information_schema queries however many tables it has:
 * server version, tables, columns, index parts, FK columns and FK rules, plus column CHECKs on MariaDB
 * when a LONGTEXT column could be JSON. Over a pool the queries run on parallel connections; over one
 * connection they queue. No ORDER BY: {@link normalizeCatalog} groups and sorts, so the server does not.
 *
 * Why the FK columns and rules are two queries joined here: MariaDB fills an information_schema table by
 * opening every table of the schemas it cannot rule out, and in a join it loses the constant schema for
 * REFERENTIAL_CONSTRAINTS (EXPLAIN: "Open_full_table; Scanned all databases", then a block-nested-loop
 * join), so KEY_COLUMN_USAGE ⋈ REFERENTIAL_CONSTRAINTS cost 8-29 ms on 200 tables where the two filtered
 * by `= database` cost 1-2.5 ms each (docs/benchmarks.md, migrate section). TABLE_ROWS is not read: it
 * makes TABLES open every table in the engine (Open_full_table) instead of reading its definition only.
 */
export async function readCatalog(client: SqlClient, database: string): Promise<RawCatalog> {
  const [serverRows, tables, columns, indexes, fkColumns, rules] = await Promise.all([
    client.query<{ version: string; comment: string }>(
      sql`SELECT VERSION() AS version, @@version_comment AS comment`,
    ),
    client.query<RawCatalog['tables'][number]>(sql`
      SELECT TABLE_NAME AS table_name, TABLE_COMMENT AS table_comment
      FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${database} AND TABLE_TYPE = 'BASE TABLE'`),
    client.query<RawColumn>(sql`
      SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, ORDINAL_POSITION AS ordinal_position,
        COLUMN_DEFAULT AS column_default, IS_NULLABLE AS is_nullable, DATA_TYPE AS data_type,
        COLUMN_TYPE AS column_type, EXTRA AS extra, COLUMN_COMMENT AS column_comment
      FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ${database}`),
    client.query<RawIndexPart>(sql`
      SELECT TABLE_NAME AS table_name, INDEX_NAME AS index_name, NON_UNIQUE AS non_unique,
        SEQ_IN_INDEX AS seq_in_index, COLUMN_NAME AS column_name
      FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ${database}`),
    client.query<Omit<RawForeignKeyPart, 'update_rule' | 'delete_rule'>>(sql`
      SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name, COLUMN_NAME AS column_name,
        ORDINAL_POSITION AS ordinal_position, REFERENCED_TABLE_NAME AS referenced_table_name,
        REFERENCED_COLUMN_NAME AS referenced_column_name
      FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = ${database} AND REFERENCED_TABLE_NAME IS NOT NULL`),
    client.query<RawRule>(sql`
      SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name, UPDATE_RULE AS update_rule,
        DELETE_RULE AS delete_rule
      FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ${database}`),
  ]);
  const server = serverRows.rows[0] ?? { version: '', comment: '' };
  const mariadb = parseServer(server.version, server.comment)?.flavor === 'mariadb';
  // MariaDB stores JSON as LONGTEXT + CHECK(json_valid(col)); the CHECKs only matter for columns read as
  // LONGTEXT (longtext or longblob), and CHECK_CONSTRAINTS opens every table in full, so it is read only
  // when there is one. MySQL's CHECK_CONSTRAINTS has no TABLE_NAME and MySQL has a JSON type: never read.
  const checks =
    mariadb && columns.rows.some((c) => LONG.has(c.data_type.toLowerCase()))
      ? await client
          .query<RawCatalog['checks'][number]>(
            sql`
            SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name, CHECK_CLAUSE AS check_clause
            FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ${database}`,
          )
          .then(
            (r) => r.rows,
            () => [],
          )
      : [];
  return {
    server,
    tables: tables.rows,
    columns: columns.rows,
    indexes: indexes.rows,
    foreignKeys: joinRules(fkColumns.rows, rules.rows),
    checks,
  };
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
  return normalizeCatalog(await readCatalog(client, database), options);
}
