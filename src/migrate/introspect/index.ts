import type { SqlClient } from '../../db/client.js';
import { sql } from '../../db/sql.js';
import type { Schema } from '../../schema/index.js';
import { parseServer } from '../server.js';
import { type NormalizeOptions, normalizeCatalog } from './normalize.js';
import type { RawCatalog, RawColumn, RawForeignKeyPart, RawIndexPart } from './raw-catalog.js';

export { BOOKKEEPING_TABLES, type NormalizeOptions, normalizeCatalog, toDefault } from './normalize.js';
export { parseColumnType } from './parse-type.js';
export type { RawCatalog, RawColumn, RawForeignKeyPart, RawIndexPart } from './raw-catalog.js';

/**
 * Reads one database's catalog in five batched information_schema queries (six on MariaDB), however many
 * tables it has: server version, tables, columns, index parts, FK parts (+ MariaDB column CHECKs).
 */
export async function readCatalog(client: SqlClient, database: string): Promise<RawCatalog> {
  // Issued together: over a pool they run on parallel connections (the FK query dominates on MariaDB,
  // which opens every table definition to answer it); over one connection they simply queue.
  const [serverRows, tables, columns, indexes, foreignKeys, checks] = await Promise.all([
    client.query<{ version: string; comment: string }>(
      sql`SELECT VERSION() AS version, @@version_comment AS comment`,
    ),
    client.query<RawCatalog['tables'][number]>(sql`
      SELECT TABLE_NAME AS table_name, TABLE_COMMENT AS table_comment, TABLE_ROWS AS table_rows
      FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${database} AND TABLE_TYPE = 'BASE TABLE'
      ORDER BY TABLE_NAME`),
    client.query<RawColumn>(sql`
      SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, ORDINAL_POSITION AS ordinal_position,
        COLUMN_DEFAULT AS column_default, IS_NULLABLE AS is_nullable, DATA_TYPE AS data_type,
        COLUMN_TYPE AS column_type, EXTRA AS extra, COLUMN_COMMENT AS column_comment
      FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ${database}
      ORDER BY TABLE_NAME, ORDINAL_POSITION`),
    client.query<RawIndexPart>(sql`
      SELECT TABLE_NAME AS table_name, INDEX_NAME AS index_name, NON_UNIQUE AS non_unique,
        SEQ_IN_INDEX AS seq_in_index, COLUMN_NAME AS column_name
      FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ${database}
      ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`),
    client.query<RawForeignKeyPart>(sql`
      SELECT k.TABLE_NAME AS table_name, k.CONSTRAINT_NAME AS constraint_name, k.COLUMN_NAME AS column_name,
        k.ORDINAL_POSITION AS ordinal_position, k.REFERENCED_TABLE_NAME AS referenced_table_name,
        k.REFERENCED_COLUMN_NAME AS referenced_column_name, r.UPDATE_RULE AS update_rule, r.DELETE_RULE AS delete_rule
      FROM information_schema.KEY_COLUMN_USAGE k
      JOIN information_schema.REFERENTIAL_CONSTRAINTS r
        ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
      WHERE k.TABLE_SCHEMA = ${database} AND r.CONSTRAINT_SCHEMA = ${database} AND k.REFERENCED_TABLE_NAME IS NOT NULL
      ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`),
    // MariaDB only (MySQL's CHECK_CONSTRAINTS has no TABLE_NAME); on MySQL the query fails and is ignored.
    client
      .query<RawCatalog['checks'][number]>(
        sql`
        SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name, CHECK_CLAUSE AS check_clause
        FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ${database}`,
      )
      .catch(() => ({ rows: [] as RawCatalog['checks'][number][] })),
  ]);
  const server = serverRows.rows[0] ?? { version: '', comment: '' };
  const mariadb = parseServer(server.version, server.comment)?.flavor === 'mariadb';
  return {
    server,
    tables: tables.rows,
    columns: columns.rows,
    indexes: indexes.rows,
    foreignKeys: foreignKeys.rows,
    checks: mariadb ? checks.rows : [],
  };
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
