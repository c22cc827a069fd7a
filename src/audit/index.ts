export {
  type AuditAction,
  type AuditEvent,
  AuditLog,
  type AuditOutcome,
  type AuditQuery,
  type StoredAuditEvent,
} from './audit-log.js';
export { GroupCommit, type GroupCommitOptions } from './group-commit.js';
export { type AuditWarn, auditedGuard, mayAccess, permissionFor } from './audit-guard.js';
