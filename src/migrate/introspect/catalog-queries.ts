import { type SqlQuery, sql } from '../../db/sql.js';
import { ident } from '../render/show-create.js';

/**
 * The statements of a catalog read (see readCatalog), one builder each. No ORDER BY: the normaliser groups
 * and sorts. TABLE_ROWS is not read: it makes TABLES open every table in the engine (Open_full_table)
 * instead of reading its definition only.
 */
export const catalogQueries = {
  version: (): SqlQuery => sql`SELECT VERSION() AS version, @@version_comment AS comment`,

  tables: (database: string): SqlQuery => sql`
      SELECT TABLE_NAME AS table_name, TABLE_COMMENT AS table_comment, ENGINE AS engine,
        TABLE_COLLATION AS table_collation, CREATE_OPTIONS AS create_options, TABLE_TYPE AS table_type
      FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${database} AND TABLE_TYPE <> 'VIEW'`,

  /**
   * FK columns and FK rules are two queries joined in the client: MariaDB fills an information_schema
   * table by opening every table of the schemas it cannot rule out, and in a join it loses the constant
   * schema for REFERENTIAL_CONSTRAINTS (EXPLAIN: "Open_full_table; Scanned all databases"), so the join
   * cost 8-29 ms on 200 tables where the two filtered by `= database` cost 1-2.5 ms each.
   */
  fkColumns: (database: string): SqlQuery => sql`
      SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name, COLUMN_NAME AS column_name,
        ORDINAL_POSITION AS ordinal_position, REFERENCED_TABLE_NAME AS referenced_table_name,
        REFERENCED_COLUMN_NAME AS referenced_column_name
      FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = ${database} AND REFERENCED_TABLE_NAME IS NOT NULL`,

  fkRules: (database: string): SqlQuery => sql`
      SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name, UPDATE_RULE AS update_rule,
        DELETE_RULE AS delete_rule
      FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ${database}`,

  // The flavours differ only in their last columns: MySQL's SRS_ID; MariaDB's IGNORED, MySQL's IS_VISIBLE
  // and EXPRESSION (functional key parts).
  columns: (database: string, mariadb: boolean): SqlQuery => sql`
      SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, ORDINAL_POSITION AS ordinal_position,
        COLUMN_DEFAULT AS column_default, IS_NULLABLE AS is_nullable, DATA_TYPE AS data_type,
        COLUMN_TYPE AS column_type, EXTRA AS extra, COLUMN_COMMENT AS column_comment,
        CHARACTER_SET_NAME AS character_set_name, COLLATION_NAME AS collation_name,
        GENERATION_EXPRESSION AS generation_expression${mariadb ? sql.raw('') : sql.raw(', SRS_ID AS srs_id')}
      FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ${database}`,

  indexes: (database: string, mariadb: boolean): SqlQuery => sql`
      SELECT TABLE_NAME AS table_name, INDEX_NAME AS index_name, NON_UNIQUE AS non_unique,
        SEQ_IN_INDEX AS seq_in_index, COLUMN_NAME AS column_name, SUB_PART AS sub_part,
        COLLATION AS collation, INDEX_TYPE AS index_type, INDEX_COMMENT AS index_comment,
        ${mariadb ? sql.raw('IGNORED AS ignored') : sql.raw('IS_VISIBLE AS is_visible, EXPRESSION AS expression')}
      FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ${database}`,

  checks: (database: string, mariadb: boolean): SqlQuery =>
    mariadb
      ? sql`
      SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name, CHECK_CLAUSE AS check_clause,
        LEVEL AS level
      FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ${database}`
      : sql`
      SELECT tc.TABLE_NAME AS table_name, tc.CONSTRAINT_NAME AS constraint_name,
        cc.CHECK_CLAUSE AS check_clause, tc.ENFORCED AS enforced
      FROM information_schema.TABLE_CONSTRAINTS tc JOIN information_schema.CHECK_CONSTRAINTS cc
        ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
      WHERE tc.TABLE_SCHEMA = ${database} AND tc.CONSTRAINT_TYPE = 'CHECK'`,

  /** The fidelity check's input: the server's own CREATE TABLE text of one table. */
  showCreate: (database: string, table: string): SqlQuery =>
    sql.raw(`SHOW CREATE TABLE ${ident(database)}.${ident(table)}`),
};
