/**
 * Moving data between targets: `copy` (schema where missing + every row from one consistent snapshot,
 * resumable), `verify` (independent per-server chunk checksums, bisected down to rows) and `sync` (make the
 * destination's rows equal the source's). docs/move.md describes the guarantees and what is not done yet.
 */
export { type MoveCatalog, type MoveColumn, type MoveTable, readMoveCatalog } from './catalog.js';
export {
  type CopiedTable,
  type CopyOptions,
  type CopyProgress,
  type CopyResult,
  copyTables,
} from './copy.js';
export type { BinlogMode, LoadMethod } from './load.js';
export {
  type CutoverOptions,
  type CutoverPhase,
  type CutoverResult,
  cutover,
  type PhaseReport,
} from './cutover.js';
export type { CompareOptions, DifferenceKind, RowDifference, TableStats } from './compare.js';
export { type CopyManifest, defaultManifestPath, readManifest } from './manifest.js';
export type { SchemaVia } from './schema.js';
export type { SnapshotInfo, SnapshotMode, SourcePosition } from './snapshot.js';
export { type VerifyOptions, type VerifyResult, verifyTables } from './verify.js';
export { type SyncOptions, type SyncResult, syncTables } from './sync.js';
export {
  type PreflightFinding,
  type ReplicationStatus,
  replicationPreflight,
  replicationStatus,
  startReplication,
  stopReplication,
} from './replicate.js';
