import { nullable, type RowOf, t, table, withDefault, withDefaultSql } from './builders.js';

/**
 * carepool's own tables for authentication and audit. They live on every target, beside the data:
 * users and tokens are copied to each target (so sign-in keeps working while one cloud is down), and each
 * target's audit table records the accesses to *its* patients (45 CFR 164.312(b) audit controls).
 */
export const users = table(
  'carepool_users',
  {
    id: t.id(),
    username: t.varchar(64),
    role: t.enum('viewer', 'clinician', 'admin'),
    password_hash: t.varchar(255),
    disabled: withDefault(t.boolean(), false),
    failed_logins: withDefault(t.int(), 0),
    locked_until: nullable(t.datetime()),
    /** Sessions issued before this instant are void (sign-out everywhere). */
    sessions_valid_after: withDefaultSql(t.datetime(3), 'CURRENT_TIMESTAMP(3)'),
    created_at: withDefaultSql(t.datetime(), 'CURRENT_TIMESTAMP'),
  },
  { indexes: [{ name: 'uq_carepool_users_username', columns: ['username'], unique: true }] },
);

/** API tokens, stored as SHA-256 hashes only. */
export const apiTokens = table(
  'carepool_tokens',
  {
    id: t.id(),
    token_hash: t.char(64),
    name: t.varchar(64),
    username: t.varchar(64),
    created_at: withDefaultSql(t.datetime(), 'CURRENT_TIMESTAMP'),
    revoked_at: nullable(t.datetime()),
  },
  {
    indexes: [
      { name: 'uq_carepool_tokens_token_hash', columns: ['token_hash'], unique: true },
      { name: 'ix_carepool_tokens_username', columns: ['username'] },
    ],
  },
);

/** One access to protected health information: who, what, when, outcome. Never the PHI values. */
export const auditEvents = table(
  'carepool_audit',
  {
    id: t.id(),
    at: withDefaultSql(t.datetime(3), 'CURRENT_TIMESTAMP(3)'),
    actor: t.varchar(64),
    role: t.varchar(16),
    action: t.varchar(16),
    resource: t.varchar(32),
    resource_id: nullable(t.int()),
    patient_id: nullable(t.int()),
    outcome: t.varchar(16),
    client: t.varchar(64),
    request_id: t.varchar(64),
  },
  {
    indexes: [
      { name: 'ix_carepool_audit_patient_id_at', columns: ['patient_id', 'at'] },
      { name: 'ix_carepool_audit_actor_at', columns: ['actor', 'at'] },
      // The replica router's recent-writer check (migration 0008, src/replicas/writer-check.ts).
      { name: 'ix_carepool_audit_actor_action_at', columns: ['actor', 'action', 'at'] },
    ],
  },
);

/**
 * Sign-in throttling shared by every app instance: consecutive failures per (user name as typed, client
 * address) and until when that address must wait for that name (exponential back-off); `username = '*'`
 * holds the per-address cap across all names. Unknown names get rows exactly like real ones.
 */
export const loginThrottle = table(
  'carepool_login_throttle',
  {
    id: t.id(),
    username: t.varchar(64),
    client: t.varchar(64),
    failures: withDefault(t.int(), 0),
    last_failure_at: t.datetime(3),
    blocked_until: nullable(t.datetime(3)),
  },
  {
    indexes: [
      { name: 'uq_carepool_login_throttle_username_client', columns: ['username', 'client'], unique: true },
      { name: 'ix_carepool_login_throttle_client', columns: ['client'] },
    ],
  },
);

/** A row of `carepool_users`. */
export type UserRow = RowOf<typeof users>;
/** A row of `carepool_tokens`. */
export type TokenRow = RowOf<typeof apiTokens>;
/** A row of `carepool_audit`. */
export type AuditRow = RowOf<typeof auditEvents>;

/**
 * Writes that carried an `Idempotency-Key`, stored in the write's own transaction: the status, the created
 * row's id and the request fingerprint only (never the response body, which held PHI; `body` is always NULL
 * since migration 0005 and kept only because dropping a column is a destructive step). Rows expire after
 * `CAREPOOL_IDEMPOTENCY_TTL` and are purged.
 */
export const idempotencyKeys = table(
  'carepool_idempotency',
  {
    id: t.id(),
    idem_key: t.varchar(255),
    fingerprint: t.char(64),
    status: t.smallint(),
    body: nullable(t.text()),
    created_at: withDefaultSql(t.datetime(), 'CURRENT_TIMESTAMP'),
    resource_id: nullable(t.int()),
  },
  {
    indexes: [
      { name: 'uq_carepool_idempotency_idem_key', columns: ['idem_key'], unique: true },
      { name: 'ix_carepool_idempotency_created_at', columns: ['created_at'] },
    ],
  },
);
