/**
 * What information_schema returns, row by row, in the shape of carepool's batched queries (lower-case
 * aliases, so MySQL 8 and MariaDB rows look alike). Recorded MySQL 8 fixtures use this shape too. Fields
 * marked optional were added for the full table model (issue 16); recordings without them still load, and
 * tables without a recorded `createStatements` entry skip the SHOW CREATE fidelity check.
 */
export interface RawCatalog {
  readonly server: { readonly version: string; readonly comment: string };
  readonly tables: readonly RawTable[];
  readonly columns: readonly RawColumn[];
  readonly indexes: readonly RawIndexPart[];
  readonly foreignKeys: readonly RawForeignKeyPart[];
  /** CHECK constraints (MariaDB: CHECK_CONSTRAINTS; MySQL: TABLE_CONSTRAINTS ⋈ CHECK_CONSTRAINTS). */
  readonly checks: readonly RawCheck[];
  /** SHOW CREATE TABLE of each table, by table name. */
  readonly createStatements?: Readonly<Record<string, string>>;
}

/** One row of information_schema.TABLES. */
export interface RawTable {
  readonly table_name: string;
  readonly table_comment: string | null;
  readonly table_rows?: number | string | null;
  /** 'BASE TABLE'; MariaDB also 'SYSTEM VERSIONED' and 'SEQUENCE' (both unsupported). */
  readonly table_type?: string | null;
  readonly engine?: string | null;
  readonly table_collation?: string | null;
  readonly create_options?: string | null;
}

/** One CHECK constraint. */
export interface RawCheck {
  readonly table_name: string;
  readonly constraint_name: string;
  readonly check_clause: string;
  /** MariaDB: 'Column' for an inline column CHECK, 'Table' otherwise. */
  readonly level?: string | null;
  /** MySQL: 'NO' for NOT ENFORCED. */
  readonly enforced?: string | null;
}

/** One row of information_schema.COLUMNS. */
export interface RawColumn {
  readonly table_name: string;
  readonly column_name: string;
  readonly ordinal_position: number | string;
  readonly column_default: string | null;
  readonly is_nullable: string;
  readonly data_type: string;
  readonly column_type: string;
  readonly extra: string | null;
  readonly column_comment: string | null;
  readonly character_set_name?: string | null;
  readonly collation_name?: string | null;
  readonly generation_expression?: string | null;
  /** MySQL only. */
  readonly srs_id?: number | string | null;
}

/** One row of information_schema.STATISTICS. */
export interface RawIndexPart {
  readonly table_name: string;
  readonly index_name: string;
  readonly non_unique: number | string;
  readonly seq_in_index: number | string;
  readonly column_name: string | null;
  readonly sub_part?: number | string | null;
  /** 'A', 'D' (descending) or NULL. */
  readonly collation?: string | null;
  readonly index_type?: string | null;
  readonly index_comment?: string | null;
  /** MariaDB 10.6+: 'YES' for an IGNORED index. */
  readonly ignored?: string | null;
  /** MySQL 8: 'NO' for an INVISIBLE index. */
  readonly is_visible?: string | null;
  /** MySQL 8.0.13+: a functional key part. */
  readonly expression?: string | null;
}

/** One row of KEY_COLUMN_USAGE joined with REFERENTIAL_CONSTRAINTS. */
export interface RawForeignKeyPart {
  readonly table_name: string;
  readonly constraint_name: string;
  readonly column_name: string;
  readonly ordinal_position: number | string;
  readonly referenced_table_name: string;
  readonly referenced_column_name: string;
  readonly update_rule: string;
  readonly delete_rule: string;
}
