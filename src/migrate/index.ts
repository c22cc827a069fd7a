/**
 * carepool's migration engine: TypeScript migration files with an operations API, rendered per server
 * flavor/version, applied with a lock and a per-statement journal, on many targets at once.
 * Pipeline: introspect/ → diff/ → render/ → apply/ (+ files/, history/); pure in the middle.
 */

export type { MigrateEvent, StatementResult, StepResult } from './apply/execute.js';
export { type FleetOptions, migrateFleet } from './apply/fleet.js';
export { planTarget, type TargetPlan, type TargetStatus, targetStatus } from './apply/inspect.js';
export { acquireLock, type LockHolder, lockHolder, lockName, type MigrationLock } from './apply/lock.js';
export {
  analyzePlan,
  type MigrateOptions,
  migrateTarget,
  readTargetState,
  type TargetResult,
  type TargetState,
} from './apply/migrate-target.js';
export { type OfflineOptions, offlinePlan, offlineSql } from './apply/offline.js';
export {
  type Direction,
  destructiveReason,
  type PlannedStep,
  renderSteps,
  selectSteps,
} from './apply/plan.js';
export { type ResolveAction, type ResolveEntry, type ResolveResult, resolveTarget } from './apply/resolve.js';
export { type MigrateSession, openSession, targetDatabase } from './apply/session.js';
export { type StampResult, stampTarget } from './apply/stamp.js';
export { type BaselineResult, baselineTarget } from './apply/baseline.js';
export { type RunningPolicy, type RunningStatement } from './apply/running.js';
export { canonicalSchema } from './diff/canonical.js';
export { describe as describeOperation } from './diff/describe.js';
export { diffSchemas, type Renames, schemasEqual } from './diff/diff-schemas.js';
export { ancestorsOf, type Chain, resolveRevision, schemaOf } from './files/graph.js';
export { defaultMigrationsDir, loadChain } from './files/load.js';
export type { MigrationModule, Revision } from './files/revision.js';
export {
  type AutogenerateOptions,
  autogenerate,
  mergeHeads,
  nextRevisionId,
  type WriteRevisionOptions,
  type WrittenRevision,
  writeRevision,
} from './files/write.js';
export {
  HISTORY_TABLE,
  type HistoryRow,
  JOURNAL_TABLE,
  type JournalRow,
  readHistory,
  readJournal,
} from './history/history-store.js';
export { introspectSchema, normalizeCatalog, type RawCatalog, readCatalog } from './introspect/index.js';
export { applyOps, EMPTY_SCHEMA } from './ops/apply-ops.js';
export { invertOps } from './ops/invert.js';
export { opLanded } from './ops/landed.js';
export { type Draft, type Ops, ops } from './ops/op-builder.js';
export type { Operation } from './ops/operation.js';
export { type Algorithm, classifyOp, type OnlineDdl } from './render/online-ddl.js';
export { renderOps, type Statement } from './render/render-op.js';
export { readRevision } from './revision-reader.js';
export { DEFAULT_OFFLINE_SERVER, parseServer, type ServerInfo, serverLabel } from './server.js';
