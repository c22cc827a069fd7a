/**
 * What information_schema returns, row by row, in the shape of carepool's batched queries (lower-case
 * aliases, so MySQL 8 and MariaDB rows look alike). Recorded MySQL 8 fixtures use this shape too.
 */
export interface RawCatalog {
  readonly server: { readonly version: string; readonly comment: string };
  readonly tables: readonly {
    readonly table_name: string;
    readonly table_comment: string | null;
    readonly table_rows?: number | string | null;
  }[];
  readonly columns: readonly RawColumn[];
  readonly indexes: readonly RawIndexPart[];
  readonly foreignKeys: readonly RawForeignKeyPart[];
  /** MariaDB only (MySQL's CHECK_CONSTRAINTS has no TABLE_NAME): column CHECKs, to recognise JSON columns. */
  readonly checks: readonly {
    readonly table_name: string;
    readonly constraint_name: string;
    readonly check_clause: string;
  }[];
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
}

/** One row of information_schema.STATISTICS. */
export interface RawIndexPart {
  readonly table_name: string;
  readonly index_name: string;
  readonly non_unique: number | string;
  readonly seq_in_index: number | string;
  readonly column_name: string | null;
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
