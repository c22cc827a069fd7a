/**
 * The schema model: plain, frozen data describing tables the way MySQL stores them. The TypeScript models
 * (./models.ts), the migration engine (diff, render, introspection) and the ERD all speak this one shape.
 */

/** Column data types carepool models. `boolean` is stored as TINYINT(1), as MySQL does. */
export type ColumnType =
  | { readonly kind: 'int' | 'bigint' | 'smallint' | 'tinyint'; readonly unsigned?: boolean }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'float' | 'double' }
  | { readonly kind: 'varchar' | 'char'; readonly length: number }
  | { readonly kind: 'text' | 'mediumtext' | 'longtext' }
  | { readonly kind: 'date' }
  | { readonly kind: 'datetime' | 'timestamp'; readonly fsp?: number }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'json' };

/** A column default: a literal value, or a SQL expression such as CURRENT_TIMESTAMP. */
export type ColumnDefault =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  | { readonly kind: 'expression'; readonly sql: string };

/** One column. */
export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly default?: ColumnDefault;
  readonly autoIncrement?: boolean;
  /** ON UPDATE expression, e.g. CURRENT_TIMESTAMP. */
  readonly onUpdate?: string;
  readonly comment?: string;
}

/** A secondary index (the primary key is separate). */
export interface Index {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
}

/** Referential actions MySQL supports. */
export type FkAction = 'RESTRICT' | 'CASCADE' | 'SET NULL' | 'NO ACTION';

/** A foreign key constraint. */
export interface ForeignKey {
  readonly name: string;
  readonly columns: readonly string[];
  readonly refTable: string;
  readonly refColumns: readonly string[];
  readonly onDelete: FkAction;
  readonly onUpdate: FkAction;
}

/** One table. */
export interface Table {
  readonly name: string;
  /** Columns in their physical order. */
  readonly columns: readonly Column[];
  readonly primaryKey: readonly string[];
  readonly indexes: readonly Index[];
  readonly foreignKeys: readonly ForeignKey[];
  readonly comment?: string;
}

/** A whole schema: tables sorted by name. */
export interface Schema {
  readonly tables: readonly Table[];
}
