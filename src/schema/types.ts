/**
 * The schema model: plain, frozen data describing tables the way MySQL 8.0/8.4 and MariaDB 10.6+ store
 * them. The TypeScript models (./models.ts), the migration engine (diff, render, introspection) and the
 * ERD all speak this one shape. Every attribute past the original core is optional and left out when it
 * has its default, so a model written for the core shape keeps its exact JSON (docs/schema-model.md).
 */

import type { ObjectKind, SchemaObject } from './objects.js';

/** Integer kinds. */
export type IntegerKind = 'tinyint' | 'smallint' | 'mediumint' | 'int' | 'bigint';
/** TEXT family. */
export type TextKind = 'tinytext' | 'text' | 'mediumtext' | 'longtext';
/** BLOB family. */
export type BlobKind = 'tinyblob' | 'blob' | 'mediumblob' | 'longblob';
/** Spatial kinds (MySQL prints GEOMCOLLECTION as geometrycollection in COLUMN_TYPE; so does this model). */
export type SpatialKind =
  | 'geometry'
  | 'point'
  | 'linestring'
  | 'polygon'
  | 'multipoint'
  | 'multilinestring'
  | 'multipolygon'
  | 'geometrycollection';

/** Every {@link SpatialKind}, for code that tests a kind at run time. */
export const SPATIAL_KINDS: readonly SpatialKind[] = [
  'geometry',
  'point',
  'linestring',
  'polygon',
  'multipoint',
  'multilinestring',
  'multipolygon',
  'geometrycollection',
];

/** Column kinds that hold text in a character set and collation (JSON aside: its own kind). */
export const CHARACTER_KINDS: ReadonlySet<string> = new Set([
  'char',
  'varchar',
  'tinytext',
  'text',
  'mediumtext',
  'longtext',
  'enum',
  'set',
]);

/**
 * Column data types. `boolean` is TINYINT(1), as MySQL stores it. `width` is an integer display width and
 * is set only when it differs from the server's default for the type (MariaDB prints `int(11)`, MySQL
 * 8.0.19+ prints none: both read as no width). `unsigned`/`zerofill` are left out when false.
 */
export type ColumnType =
  | {
      readonly kind: IntegerKind;
      readonly unsigned?: boolean;
      readonly zerofill?: boolean;
      readonly width?: number;
    }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'bit'; readonly length: number }
  | {
      readonly kind: 'decimal';
      readonly precision: number;
      readonly scale: number;
      readonly unsigned?: boolean;
      readonly zerofill?: boolean;
    }
  | {
      readonly kind: 'float' | 'double';
      /** FLOAT(M,D) / DOUBLE(M,D): both or neither. */
      readonly precision?: number;
      readonly scale?: number;
      readonly unsigned?: boolean;
      readonly zerofill?: boolean;
    }
  | { readonly kind: 'varchar' | 'char' | 'binary' | 'varbinary'; readonly length: number }
  | { readonly kind: TextKind }
  | { readonly kind: BlobKind }
  | { readonly kind: 'date' | 'year' }
  | { readonly kind: 'time' | 'datetime' | 'timestamp'; readonly fsp?: number }
  | { readonly kind: 'enum' | 'set'; readonly values: readonly string[] }
  | { readonly kind: 'json' }
  | { readonly kind: SpatialKind; readonly srid?: number }
  | { readonly kind: 'uuid' | 'inet4' | 'inet6' };

/** Every {@link ColumnType} kind. */
export type ColumnKind = ColumnType['kind'];

/** A column default: a literal value, or a SQL expression such as CURRENT_TIMESTAMP. */
export type ColumnDefault =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  | { readonly kind: 'expression'; readonly sql: string };

/** A generated column: `GENERATED ALWAYS AS (expression) VIRTUAL|STORED`. */
export interface Generated {
  /** The expression as the server prints it (MariaDB: `\`a\` + 1`). */
  readonly expression: string;
  readonly stored: boolean;
}

/** One column. */
export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly default?: ColumnDefault;
  readonly autoIncrement?: boolean;
  /** ON UPDATE expression, e.g. CURRENT_TIMESTAMP or CURRENT_TIMESTAMP(3). */
  readonly onUpdate?: string;
  readonly comment?: string;
  /** Character set, only when it differs from the table's (SHOW CREATE prints it only then). */
  readonly charset?: string;
  /** Collation, only when it differs from the table's. */
  readonly collation?: string;
  readonly generated?: Generated;
  /** INVISIBLE (MySQL 8.0.23+, MariaDB 10.3.3+). */
  readonly invisible?: boolean;
  /** MariaDB column-level CHECK printed inline (not the JSON one, which `json` implies). */
  readonly check?: string;
}

/** One part of an index: a column (optionally a prefix, optionally DESC) or, on MySQL, an expression. */
export interface IndexPart {
  readonly column?: string;
  /** Functional key part (MySQL 8.0.13+), as the server prints it. */
  readonly expression?: string;
  /** Prefix length in characters (bytes for binary types). */
  readonly length?: number;
  readonly desc?: boolean;
}

/** A secondary index (the primary key is separate). */
export interface Index {
  readonly name: string;
  /** The column names of its parts (expression parts are left out). */
  readonly columns: readonly string[];
  readonly unique: boolean;
  /** FULLTEXT or SPATIAL (default: an ordinary B-tree index). */
  readonly type?: 'fulltext' | 'spatial';
  /** Present when the parts are more than plain ascending columns (prefix, DESC, expression). */
  readonly parts?: readonly IndexPart[];
  /** `USING BTREE|HASH` when written explicitly (SHOW CREATE keeps it; InnoDB builds a B-tree anyway). */
  readonly using?: 'BTREE' | 'HASH';
  /** FULLTEXT `WITH PARSER name`. */
  readonly parser?: string;
  readonly comment?: string;
  /** MySQL INVISIBLE / MariaDB IGNORED: maintained but not used by the optimiser. */
  readonly invisible?: boolean;
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

/** A table-level CHECK constraint. */
export interface Check {
  readonly name: string;
  /** The clause as the server prints it, without the outer parentheses. */
  readonly clause: string;
  /** MySQL `NOT ENFORCED` (left out when enforced). */
  readonly notEnforced?: boolean;
}

/** Table options. Each is left out when the model has no opinion (the server default applies). */
export interface StorageOptions {
  readonly engine?: string;
  readonly charset?: string;
  readonly collation?: string;
  /** Other CREATE options as `key=value` in lower-case keys (`row_format=DYNAMIC`, `key_block_size=8`). */
  readonly createOptions?: readonly string[];
}

/** Why carepool will not generate DDL for a table, with the server's own text kept for comparison. */
export interface Unsupported {
  readonly reason: string;
  /** The server's SHOW CREATE TABLE (equal texts mean no change, whatever carepool cannot model). */
  readonly createStatement: string;
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
  readonly checks?: readonly Check[];
  readonly options?: StorageOptions;
  /** MySQL's generated invisible primary key `my_row_id` is present (server-managed: never diffed). */
  readonly gipk?: boolean;
  /** Set by introspection when the model cannot represent the table exactly. */
  readonly unsupported?: Unsupported;
}

/** A whole schema: tables sorted by name. */
export interface Schema {
  readonly tables: readonly Table[];
  /** Views, triggers, procedures and functions (./objects.ts), sorted by kind and name; absent = none. */
  readonly objects?: readonly SchemaObject[];
  /**
   * Object kinds the reading user could not list, and why: the server hides stored procedures and
   * functions from a user with no EXECUTE, ALTER ROUTINE or CREATE ROUTINE on the database. Such kinds are
   * never compared, dumped or dropped as if absent: carepool names them instead.
   */
  readonly hiddenObjects?: { readonly kinds: readonly ObjectKind[]; readonly reason: string };
  /**
   * Scheduled events of the database (`CREATE EVENT`), by name. Events are not modelled: they are never
   * compared, dumped or created, and dump, diff and baseline name them instead of passing over them.
   */
  readonly events?: readonly string[];
}
