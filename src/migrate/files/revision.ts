import type { Draft, Ops } from '../ops/op-builder.js';
import type { Operation } from '../ops/operation.js';

/**
 * The default export of a migration file in `migrations/`. Files need no runtime imports: the operations
 * API arrives as `op`, and a type-only import gives them checking.
 *
 * ```ts
 * import type { MigrationModule } from '../src/migrate/index.js';
 * export default {
 *   id: '0003_patient_email', parents: ['0002_appointments'], message: 'patient email',
 *   up: (op) => [op.addColumn('patients', 'email', op.nullable(op.t.varchar(254)))],
 *   down: (op) => [op.dropColumn('patients', 'email')],
 * } satisfies MigrationModule;
 * ```
 */
export interface MigrationModule {
  /** Unique revision id; by convention the file name without extension (`0002_appointments`). */
  readonly id: string;
  /** Parent revision ids: none for a base, two or more for a merge. */
  readonly parents: readonly string[];
  readonly message: string;
  up(op: Ops): readonly Draft[];
  down(op: Ops): readonly Draft[];
}

/** A loaded revision: its operations resolved against the schema the chain builds, and its checksum. */
export interface Revision {
  readonly id: string;
  readonly parents: readonly string[];
  readonly message: string;
  /** Absolute path of the file it came from. */
  readonly file: string;
  readonly up: readonly Operation[];
  readonly down: readonly Operation[];
  /**
   * sha256 of the resolved operations, id and parents (not the file's bytes): reformatting a file or its
   * comments keeps it, any change to what it does changes it.
   */
  readonly checksum: string;
  /** Problems found while loading that do not stop it, e.g. a `down` that does not undo `up`. */
  readonly warnings: readonly string[];
}
