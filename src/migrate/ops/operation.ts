import type { Column, ForeignKey, Index, Table } from '../../schema/index.js';

/** The table-level attributes an `alterTable` operation changes: comment, CHECKs and options. */
export type TableAttributes = Pick<Table, 'comment' | 'checks' | 'options'>;
import type { ObjectOperation } from '../objects/operation.js';

/**
 * One schema change. Operations are plain, JSON-safe data: migration files produce them, the diff
 * produces them, the renderer turns them into SQL for one server, and {@link applyOps} replays them on an
 * in-memory schema. Each carries what its inverse needs (a dropped column keeps its definition), so a
 * `down` can be computed and a half-applied revision can be reverted.
 */
export type Operation =
  | { readonly kind: 'createTable'; readonly table: Table }
  | { readonly kind: 'dropTable'; readonly table: Table }
  | { readonly kind: 'renameTable'; readonly from: string; readonly to: string }
  | {
      readonly kind: 'addColumn';
      readonly table: string;
      readonly column: Column;
      readonly after?: string | null;
    }
  | {
      readonly kind: 'dropColumn';
      readonly table: string;
      readonly column: Column;
      readonly after?: string | null;
    }
  | { readonly kind: 'alterColumn'; readonly table: string; readonly from: Column; readonly to: Column }
  | { readonly kind: 'renameColumn'; readonly table: string; readonly from: string; readonly to: string }
  | { readonly kind: 'createIndex'; readonly table: string; readonly index: Index }
  | { readonly kind: 'dropIndex'; readonly table: string; readonly index: Index }
  | {
      readonly kind: 'addForeignKey';
      readonly table: string;
      readonly foreignKey: ForeignKey;
      /** True when the server will create (and keep) an index named after the FK, because none covers it. */
      readonly implicitIndex?: boolean;
    }
  | {
      readonly kind: 'dropForeignKey';
      readonly table: string;
      readonly foreignKey: ForeignKey;
      /** Also drop the index the server created for this FK (MySQL keeps it after DROP FOREIGN KEY). */
      readonly implicitIndex?: boolean;
    }
  | ObjectOperation
  | {
      /** Table comment, CHECK constraints or table options (engine, charset, collation, row format …). */
      readonly kind: 'alterTable';
      readonly table: string;
      readonly from: TableAttributes;
      readonly to: TableAttributes;
    }
  | {
      readonly kind: 'sql';
      /** Trusted SQL written by the migration's author (data migrations). One statement. */
      readonly up: string;
      /** The statement that undoes it, when there is one. */
      readonly down?: string;
      /** True when the statement changes data irreversibly (e.g. DELETE). */
      readonly destructive?: boolean;
      /**
       * A query that returns a row when this statement's effect is in place. `resolve` runs it for a step
       * a crash left pending; without it, such a step is never re-run blindly (src/migrate/apply/resolve.ts).
       */
      readonly landed?: string;
    };

/** The kinds of {@link Operation}. */
export type OperationKind = Operation['kind'];

/** Narrows an operation by kind. */
export type OperationOf<K extends OperationKind> = Extract<Operation, { kind: K }>;
